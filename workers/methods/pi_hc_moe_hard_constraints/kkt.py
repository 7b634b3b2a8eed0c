"""The differentiable constrained least-squares solve each expert runs:

    w* = argmin_w ||A w − b||² + ρ ||w||²   subject to   C w = d,

from its KKT system  [[AᵀA + ρI, Cᵀ], [C, 0]] [w; λ] = [Aᵀb; d], batched over experts and solved
in float64 by ``torch.linalg.solve``; its autograd gives dw*/d(A, b, C, d) by the implicit function
theorem (the backward of a linear solve is another solve with the same matrix).
"""
from __future__ import annotations

import torch
from torch import Tensor


def constrained_lstsq(a: Tensor, b: Tensor, c: Tensor, d: Tensor, ridge: float = 0.0) -> Tensor:
    """w* of shape (..., N) for A (..., R, N), b (..., R), C (..., P, N), d (..., P), P ≤ N."""
    dtype = a.dtype
    a, b, c, d = (z.to(torch.float64) for z in (a, b, c, d))
    n, p = a.shape[-1], c.shape[-2]
    eye = torch.eye(n, dtype=a.dtype, device=a.device)
    hessian = a.mT @ a + ridge * eye
    top = torch.cat([hessian, c.mT], dim=-1)
    bottom = torch.cat([c, torch.zeros(*c.shape[:-2], p, p, dtype=a.dtype, device=a.device)], dim=-1)
    rhs = torch.cat([(a.mT @ b.unsqueeze(-1)), d.unsqueeze(-1)], dim=-2)
    solution = torch.linalg.solve(torch.cat([top, bottom], dim=-2), rhs)[..., 0]
    return solution[..., :n].to(dtype)
