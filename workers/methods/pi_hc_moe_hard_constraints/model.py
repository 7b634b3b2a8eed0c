"""PI-HC(-MoE): a network emits N basis functions b_θ(x, t); in each expert's subdomain (a block of
x) the weights w_k* of u = b_θ · w_k solve the PDE residual, initial and boundary rows at that
expert's sampled points in least squares, with the initial condition at a few points as exact
equality constraints (``kkt.constrained_lstsq``, batched over experts). One expert (K = 1) is
the global hard-constrained model PI-HC. Gradients reach θ through the differentiable solve.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from .kkt import constrained_lstsq
from .problem import initial, residual


def basis_and_derivatives(net: nn.Module, xt: Tensor) -> tuple[Tensor, Tensor, Tensor]:
    """b, ∂_t b, ∂_xx b at the rows of xt (n, 2), each (n, N): one autograd pass per basis function."""
    xt = xt.detach().requires_grad_(True)
    b = net(xt)
    b_t, b_xx = [], []
    for k in range(b.shape[1]):
        grad = torch.autograd.grad(b[:, k].sum(), xt, create_graph=True)[0]
        b_t.append(grad[:, 1])
        b_xx.append(torch.autograd.grad(grad[:, 0].sum(), xt, create_graph=True)[0][:, 0])
    return b, torch.stack(b_t, dim=1), torch.stack(b_xx, dim=1)


@dataclass
class SolvePoints:
    """Each expert's points for its solve, (K, n, 2) each, with the boundary rows' mask (K, n)."""

    interior: Tensor
    initial: Tensor
    boundary: Tensor
    boundary_mask: Tensor
    equality: Tensor


def block_of(x: Tensor, experts: int) -> Tensor:
    return torch.clamp((x * experts).floor().long(), 0, experts - 1)


def draw_solve_points(experts: int, n_interior: int, n_initial: int, n_boundary: int, n_equality: int,
                      rng: np.random.Generator, device, dtype=torch.float32) -> SolvePoints:
    """Per expert k with block [k/K, (k+1)/K]: interior points uniform in block × [0, 1], initial
    points uniform in the block at t = 0, boundary points alternating x = 0 and x = 1 (masked out
    where the edge is not the expert's), and ``n_equality`` evenly spaced initial points."""
    low = np.arange(experts)[:, None] / experts
    width = 1.0 / experts
    interior = np.stack([low + width * rng.random((experts, n_interior)), rng.random((experts, n_interior))], -1)
    initial_pts = np.stack([low + width * rng.random((experts, n_initial)), np.zeros((experts, n_initial))], -1)
    edge = np.tile(np.arange(n_boundary) % 2, (experts, 1)).astype(float)
    boundary = np.stack([edge, rng.random((experts, n_boundary))], -1)
    own = ((edge == 0) & (np.arange(experts)[:, None] == 0)) | ((edge == 1) & (np.arange(experts)[:, None] == experts - 1))
    spots = low + width * (np.arange(n_equality) + 0.5) / n_equality
    equality = np.stack([spots, np.zeros_like(spots)], -1)
    as_t = lambda a: torch.as_tensor(a, dtype=dtype, device=device)  # noqa: E731
    return SolvePoints(as_t(interior), as_t(initial_pts), as_t(boundary), as_t(own.astype(float)), as_t(equality))


class HardConstrainedExperts(nn.Module):
    """u(x, t) = b_θ(x, t) · w*_{k(x)}: one constrained solve per expert, batched."""

    def __init__(self, basis: nn.Module, points: SolvePoints, ridge: float, initial_weight: float = 1.0,
                 boundary_weight: float = 1.0):
        super().__init__()
        self.basis = basis
        self.points = points
        self.experts = points.interior.shape[0]
        self.ridge, self.initial_weight, self.boundary_weight = ridge, initial_weight, boundary_weight
        self._cache: tuple[tuple, Tensor] | None = None

    def expert_weights(self) -> Tensor:
        """w* (K, N), recomputed whenever the parameters have changed (cached within one step)."""
        key = (torch.is_grad_enabled(),) + tuple(p._version for p in self.basis.parameters())
        if self._cache is None or self._cache[0] != key:
            with torch.enable_grad():  # the basis derivatives need autograd even at evaluation
                weights = self._solve()
            self._cache = (key, weights if torch.is_grad_enabled() else weights.detach())
        return self._cache[1]

    def forget_solve(self) -> None:
        """Drop the cached w* (the next forward solves again, e.g. to time a step)."""
        self._cache = None

    def _solve(self) -> Tensor:
        p, k = self.points, self.experts
        n_int, n_ic, n_bc = p.interior.shape[1], p.initial.shape[1], p.boundary.shape[1]
        b, b_t, b_xx = basis_and_derivatives(self.basis, p.interior.reshape(-1, 2))
        pde_rows = residual(b, b_t, b_xx).reshape(k, n_int, -1) / math.sqrt(n_int)
        ic_scale = math.sqrt(self.initial_weight / n_ic)
        ic_rows = self.basis(p.initial.reshape(-1, 2)).reshape(k, n_ic, -1) * ic_scale
        bc_scale = math.sqrt(self.boundary_weight / n_bc)
        bc_rows = self.basis(p.boundary.reshape(-1, 2)).reshape(k, n_bc, -1) * (bc_scale * p.boundary_mask[..., None])
        rows = torch.cat([pde_rows, ic_rows, bc_rows], dim=1)
        targets = torch.cat([torch.zeros(k, n_int, device=rows.device, dtype=rows.dtype),
                             initial(p.initial[..., 0].reshape(-1)).reshape(k, n_ic) * ic_scale,
                             torch.zeros(k, n_bc, device=rows.device, dtype=rows.dtype)], dim=1)
        n_eq = p.equality.shape[1]
        eq_rows = self.basis(p.equality.reshape(-1, 2)).reshape(k, n_eq, -1)
        eq_targets = initial(p.equality[..., 0].reshape(-1)).reshape(k, n_eq)
        return constrained_lstsq(rows, targets, eq_rows, eq_targets, self.ridge)

    def forward(self, xt: Tensor, expert: Tensor | None = None) -> Tensor:
        """u at the rows of xt, by the expert owning each point's block (or the given experts)."""
        which = block_of(xt[:, 0], self.experts) if expert is None else expert
        return (self.basis(xt) * self.expert_weights()[which]).sum(dim=1, keepdim=True)


def interface_jump(model: HardConstrainedExperts, xt: Tensor) -> Tensor:
    """(u, u_x) of the expert left of each interface point minus the right one's, (n, 2); the
    points' x must lie on interfaces k/K. Stands in for the finite-difference stencils of the
    paper's grid loss, which straddle the experts' interfaces."""
    right = block_of(xt[:, 0] + 0.5 / model.experts, model.experts)
    left = right - 1
    jumps = []
    for side in (left, right):
        u = model(xt, side)
        jumps.append(torch.cat([u, torch.autograd.grad(u.sum(), xt, create_graph=True)[0][:, :1]], dim=1))
    return jumps[0] - jumps[1]
