"""The peak problem: −Δu = f on [−1, 1]^d with Dirichlet data from the manufactured solution

    u(x) = Σ_c exp(−s |x − c|²),   f(x) = −Δu = Σ_c (2ds − 4s² |x − c|²) exp(−s |x − c|²),

one peak at (½, ½) or two at ±(½, ½) (the DAS / AAS benchmark, sharpness s = 1000 in the paper).
"""
from __future__ import annotations

import torch
from torch import Tensor


def centers(peaks: int, dim: int = 2) -> list[Tensor]:
    half = torch.full((dim,), 0.5)
    return [half] if peaks == 1 else [half, -half]


def solution(x: Tensor, peaks: int, sharpness: float) -> Tensor:
    """u at the rows of x (n, d), shape (n,)."""
    return sum(torch.exp(-sharpness * (x - c.to(x)).pow(2).sum(dim=1)) for c in centers(peaks, x.shape[1]))


def source(x: Tensor, peaks: int, sharpness: float) -> Tensor:
    """f = −Δu at the rows of x, shape (n,)."""
    d = x.shape[1]
    total = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
    for c in centers(peaks, d):
        r2 = (x - c.to(x)).pow(2).sum(dim=1)
        total = total + (2 * d * sharpness - 4 * sharpness**2 * r2) * torch.exp(-sharpness * r2)
    return total

