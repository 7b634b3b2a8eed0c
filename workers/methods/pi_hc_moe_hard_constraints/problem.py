"""1-D diffusion–reaction with a closed-form solution:

    u_t = D u_xx − κ u  on (x, t) ∈ [0, 1]²,  u(0, t) = u(1, t) = 0,  u(x, 0) = Σ_k a_k sin(kπx),
    u(x, t) = Σ_k a_k exp(−(D k²π² + κ) t) sin(kπx).
"""
from __future__ import annotations

import math

import torch
from torch import Tensor

DIFFUSION = 0.02
REACTION = 1.0
MODES = ((1, 1.0), (3, 0.5), (7, 0.3))
"""(k, a_k) of the initial condition; the k = 7 mode decays at D·49π² + κ ≈ 10.7 per unit time."""


def exact(xt: Tensor) -> Tensor:
    """u(x, t) at the rows (x, t) of ``xt`` (n, 2), shape (n,)."""
    x, t = xt[:, 0], xt[:, 1]
    total = torch.zeros_like(x)
    for k, a in MODES:
        rate = DIFFUSION * (k * math.pi) ** 2 + REACTION
        total = total + a * torch.exp(-rate * t) * torch.sin(k * math.pi * x)
    return total


def initial(x: Tensor) -> Tensor:
    return exact(torch.stack([x, torch.zeros_like(x)], dim=1))


def residual(u: Tensor, u_t: Tensor, u_xx: Tensor) -> Tensor:
    """u_t − D u_xx + κ u (zero for the exact solution)."""
    return u_t - DIFFUSION * u_xx + REACTION * u
