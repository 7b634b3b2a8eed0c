"""1-D adaptive meshes: the monitor function, de Boor's exact equidistribution, interpolation error.

A mesh 0 = x_0 < x_1 < ... < x_N = 1 equidistributes the monitor m > 0 when every cell carries the
same share of ∫m: ∫_0^{x_j} m = (j/N) ∫_0^1 m. In 1-D this is the Monge–Ampère condition of the
paper, m(x(ξ)) x'(ξ) = c, of which it is the integral; with the cumulative integral M it has the
closed form x_j = M^{-1}(j M(1) / N) (de Boor 1973), computed here on a fine grid by the trapezoid
rule and inverse linear interpolation.

Monitor (MM-PDE, ``dmm_utils.py``): m = 1 + β |u_x| / mean |u_x| (β = 1/0.01 in the repo).
"""
from __future__ import annotations

import torch


def fine_grid(n: int, device=None, dtype=torch.float64) -> torch.Tensor:
    """n + 1 points on [0, 1] (the periodic sample plus the closing point x = 1)."""
    return torch.linspace(0.0, 1.0, n + 1, device=device, dtype=dtype)


def closed(u: torch.Tensor) -> torch.Tensor:
    """Periodic samples (..., n) on [0, 1) extended by u(1) = u(0) to (..., n + 1) on [0, 1]."""
    return torch.cat([u, u[..., :1]], -1)


def monitor(u_closed: torch.Tensor, beta: float) -> torch.Tensor:
    """m = 1 + β |u_x| / mean |u_x| at the fine points, u_x by central differences (one-sided at the ends)."""
    n = u_closed.shape[-1] - 1
    grad = torch.gradient(u_closed, spacing=1.0 / n, dim=-1)[0].abs()
    return 1.0 + beta * grad / grad.mean(-1, keepdim=True).clamp_min(1e-12)


def cumulative(m: torch.Tensor) -> torch.Tensor:
    """M(x_i) = ∫_0^{x_i} m by the trapezoid rule on the uniform fine grid, (..., n + 1)."""
    n = m.shape[-1] - 1
    pieces = (m[..., 1:] + m[..., :-1]) / (2 * n)
    return torch.cat([torch.zeros_like(m[..., :1]), pieces.cumsum(-1)], -1)


def interp(x: torch.Tensor, xp: torch.Tensor, fp: torch.Tensor) -> torch.Tensor:
    """Batched piecewise-linear interpolation (like np.interp) of (xp, fp) at x; xp increasing.
    Shapes: x (..., k), xp (..., p) or (p,), fp (..., p). Differentiable in x and fp."""
    xp = xp.expand(*fp.shape[:-1], xp.shape[-1]).contiguous()
    index = torch.searchsorted(xp, x.contiguous().clamp(xp[..., :1], xp[..., -1:])).clamp(1, xp.shape[-1] - 1)
    x0, x1 = xp.gather(-1, index - 1), xp.gather(-1, index)
    f0, f1 = fp.gather(-1, index - 1), fp.gather(-1, index)
    weight = (x - x0) / (x1 - x0).clamp_min(1e-30)
    return f0 + weight * (f1 - f0)


def equidistributed(m: torch.Tensor, nodes: int) -> torch.Tensor:
    """de Boor's exact equidistributing mesh (..., nodes + 1) of the monitor m sampled on the fine grid."""
    big_m = cumulative(m)
    levels = torch.linspace(0.0, 1.0, nodes + 1, device=m.device, dtype=m.dtype) * big_m[..., -1:]
    grid = fine_grid(m.shape[-1] - 1, m.device, m.dtype)
    return interp(levels, big_m, grid.expand_as(big_m))


def uniform(nodes: int, batch: int, device=None, dtype=torch.float64) -> torch.Tensor:
    return fine_grid(nodes, device, dtype).expand(batch, nodes + 1)


def interpolation_error(u_closed: torch.Tensor, mesh: torch.Tensor) -> torch.Tensor:
    """Relative L2 error, per sample, of the piecewise-linear interpolant through (x_j, u(x_j))
    against u on the fine grid (u(x_j) read off the fine grid by linear interpolation)."""
    grid = fine_grid(u_closed.shape[-1] - 1, u_closed.device, u_closed.dtype)
    nodal = interp(mesh, grid, u_closed)
    back = interp(grid.expand_as(u_closed), mesh, nodal)
    return (back - u_closed).norm(dim=-1) / u_closed.norm(dim=-1).clamp_min(1e-30)


def tangled_cells(mesh: torch.Tensor) -> int:
    """Cells of non-positive size (a tangled or collapsed mesh)."""
    return int((torch.diff(mesh, dim=-1) <= 0).sum())
