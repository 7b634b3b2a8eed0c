"""Physics-Informed Gaussians and the models they are compared with, at matched parameter counts.

PIG (Kang, Oh, Hong & Park, arXiv 2412.05994): N Gaussians with learnable centres μ_i ∈ R^d,
diagonal widths σ_i and feature vectors f_i ∈ R^k give the embedding
FE(x) = Σ_i f_i exp(−½ Σ_j ((x_j − μ_ij) / σ_ij)²), read out by a small tanh MLP. Centres start
uniform in the domain, widths at ``sigma_init``, features ~ N(0, feature_scale²) (as in the
official Helmholtz2d code). With ``adaptive=False`` the centres sit on a regular grid and centres and
widths stay frozen: a fixed-grid parametric encoding (the PIXEL-like baseline of the note).
"""
from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor, nn

from ..shared import pinn


class GaussianEmbedding(nn.Module):
    def __init__(self, count: int, dim: int, features: int, sigma_init: float, feature_scale: float,
                 rng: np.random.Generator, box: pinn.Box, adaptive: bool = True):
        super().__init__()
        if adaptive:
            centres = box.scale(rng.random((count, dim)))
        else:
            side = math.ceil(count ** (1 / dim) - 1e-9)
            centres = box.scale(pinn.unit_samples(side**dim, dim, "grid", rng))
            count = centres.shape[0]
        self.mu = nn.Parameter(torch.tensor(centres, dtype=torch.float32), requires_grad=adaptive)
        self.log_sigma = nn.Parameter(torch.full((count, dim), math.log(sigma_init)), requires_grad=adaptive)
        self.f = nn.Parameter(torch.tensor(rng.normal(0.0, feature_scale, (count, features)), dtype=torch.float32))

    def forward(self, x: Tensor) -> Tensor:
        z = (x[:, None, :] - self.mu[None]) / torch.exp(self.log_sigma)[None]  # (B, N, d)
        return torch.exp(-0.5 * z.pow(2).sum(-1)) @ self.f  # (B, k)


def pig(count: int, features: int, hidden: int, sigma_init: float, feature_scale: float,
        rng: np.random.Generator, box: pinn.Box, adaptive: bool = True) -> nn.Module:
    embedding = GaussianEmbedding(count, box.dim, features, sigma_init, feature_scale, rng, box, adaptive)
    return nn.Sequential(embedding, pinn.mlp(features, hidden, 1, 1, "tanh"))


def mlp_with_parameters(target: int, dim: int, depth: int) -> nn.Module:
    """The tanh MLP of ``depth`` hidden layers whose width brings its parameter count nearest ``target``."""
    def count(width: int) -> int:
        return (dim + 1) * width + (depth - 1) * (width + 1) * width + width + 1

    width = min(range(2, 2049), key=lambda w: abs(count(w) - target))
    return pinn.mlp(dim, width, depth, 1, "tanh")
