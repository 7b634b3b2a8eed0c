"""Entropic optimal transport cost between two point clouds with uniform weights, differentiable
(the Sinkhorn iterations are unrolled): W_ε(X, Y) = ⟨P_ε, C⟩ with C_ij = |x_i − y_j|² and P_ε the
entropic plan of min ⟨P, C⟩ + ε Σ P log P over the couplings of the two uniform measures (POT's
``ot.sinkhorn2`` convention). The iterations are the shared log-domain Sinkhorn (η = 1/ε)."""
from __future__ import annotations

import math

import torch
from torch import Tensor

from ..shared.sinkhorn import log_kernel, log_plan, sinkhorn_step


def entropic_transport_cost(x: Tensor, y: Tensor, epsilon: float, iterations: int = 100) -> Tensor:
    cost = torch.cdist(x, y).pow(2)
    log_k = log_kernel(cost, 1.0 / epsilon)
    log_r = torch.full((x.shape[0],), -math.log(x.shape[0]), dtype=x.dtype, device=x.device)
    log_c = torch.full((y.shape[0],), -math.log(y.shape[0]), dtype=x.dtype, device=x.device)
    u, v = torch.zeros_like(log_r), torch.zeros_like(log_c)
    for _ in range(iterations):
        u, v, _ = sinkhorn_step(u, v, log_k, log_r, log_c)
    return (log_plan(log_k, u, v).exp() * cost).sum()
