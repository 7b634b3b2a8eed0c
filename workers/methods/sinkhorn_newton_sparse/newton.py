"""The Newton stage of Sinkhorn-Newton-Sparse (Tang et al., ICLR 2024, arXiv:2401.12253, Alg. 1).

In the dimensionless potentials z = (u, v) = η(x, y) the Lyapunov potential is
Φ(u, v) = η f = −Σ_ij P_ij + rᵀu + cᵀv with P = exp(K + u1ᵀ + 1vᵀ), K = −ηC − 1, and

    ∇Φ = (r − P1, c − Pᵀ1),      −∇²Φ = M = [[diag(P1), P], [Pᵀ, diag(Pᵀ1)]]  (PSD).

One SNS Newton iteration:
    1. M_s = Sparsify(M): keep the k = ⌈λn²⌉ largest entries of P (λn = ``kept_per_row``) in
       the off-diagonal blocks and the exact diagonals diag(P1), diag(Pᵀ1). M_s is diagonally dominant, hence PSD, and
       positive definite as soon as any mass is dropped (the exact M is singular along (1, −1));
       a relative ridge of 1e-12 on the diagonal keeps it so when the dropped mass underflows.
    2. Δz = CG(M_s, ∇Φ): Jacobi-preconditioned conjugate gradient, O(n + λn²) per iteration.
    3. α: backtracking (halving) until the Armijo condition Φ(z + αΔz) ≥ Φ(z) + c₁α∇Φᵀ Δz.
    4. z ← z + αΔz.
Newton is affine invariant, so steps in (u, v) are the paper's steps in (x, y) scaled by η.
The increase of Φ is evaluated as α∇ΦᵀΔz − Σ_ij P_ij φ(α(Δu_i + Δv_j)), φ(t) = eᵗ − 1 − t,
which stays accurate when the increase is far below the rounding error of Φ itself.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from ..shared.sinkhorn import log_plan

ARMIJO_C1 = 1e-4
MAX_HALVINGS = 40
HESSIAN_RIDGE = 1e-12  # M_s + 1e-12·diag(M_s): stays definite when the dropped mass underflows


@dataclass(frozen=True)
class SparseHessian:
    """M_s = diag(d) + the kept off-diagonal entries, stored as coordinates (both P and Pᵀ blocks).

    The product is a gather and a scatter-add: O(n + λn²) work, the same code on CPU and CUDA.
    """

    diagonal: torch.Tensor  # (n + m,), also the Jacobi preconditioner
    rows: torch.Tensor  # (2k,) row index in the (n + m) × (n + m) matrix
    cols: torch.Tensor  # (2k,)
    values: torch.Tensor  # (2k,)
    kept_entries: int  # k
    dropped_mass: float  # 1 − (mass of the kept entries of P) / (mass of P)

    def matvec(self, z: torch.Tensor) -> torch.Tensor:
        return (self.diagonal * z).index_add_(0, self.rows, self.values * z[self.cols])

    def to_dense(self) -> torch.Tensor:
        dense = torch.diag(self.diagonal)
        dense[self.rows, self.cols] = self.values
        return dense


@dataclass(frozen=True)
class NewtonIterate:
    """What one Newton iteration produced: the new iterate's error and how it was reached."""

    iteration: int
    marginal_error: float
    cg_iterations: int
    dropped_mass: float
    step_size: float


@dataclass
class NewtonRun:
    u: torch.Tensor
    v: torch.Tensor
    iterations: int
    converged: bool
    line_search_failed: bool
    cg_iterations: int
    history: list[NewtonIterate]


def kept_entry_count(n_rows: int, n_cols: int, kept_per_row: float) -> int:
    """k = ⌈kept_per_row · n⌉ (= ⌈λn²⌉ for λ = kept_per_row / n), at least 1, at most n·m."""
    return max(1, min(n_rows * n_cols, math.ceil(kept_per_row * n_rows)))


def sparsify(plan: torch.Tensor, row_sums: torch.Tensor, col_sums: torch.Tensor, kept: int) -> SparseHessian:
    """M_s: the top-``kept`` entries of P (and Pᵀ) with the exact diagonals (times 1 + ridge)."""
    n, m = plan.shape
    values, flat = torch.topk(plan.reshape(-1), kept, sorted=False)
    rows, cols = flat // m, flat % m
    diagonal = torch.cat([row_sums, col_sums]) * (1.0 + HESSIAN_RIDGE)
    dropped = 1.0 - float(values.sum() / plan.sum())
    return SparseHessian(
        diagonal=diagonal,
        rows=torch.cat([rows, cols + n]),
        cols=torch.cat([cols + n, rows]),
        values=torch.cat([values, values]),
        kept_entries=kept,
        dropped_mass=max(dropped, 0.0),
    )


def conjugate_gradient(
    matvec: Callable[[torch.Tensor], torch.Tensor],
    rhs: torch.Tensor,
    diagonal: torch.Tensor,
    *,
    rtol: float,
    max_iters: int,
) -> tuple[torch.Tensor, int]:
    """Solve A s = b for SPD A by Jacobi-preconditioned CG, from s = 0, until ‖b − As‖₂ ≤ rtol‖b‖₂.

    Every iterate satisfies bᵀs > 0 (s minimizes ½sᵀAs − bᵀs over a Krylov space containing b),
    so a truncated solve is still an ascent direction. Returns (s, iterations used).
    """
    solution = torch.zeros_like(rhs)
    residual = rhs.clone()
    preconditioned = residual / diagonal
    direction = preconditioned.clone()
    rz = residual @ preconditioned
    target = rtol * float(torch.linalg.vector_norm(rhs))
    for iteration in range(1, max_iters + 1):
        a_direction = matvec(direction)
        curvature = float(direction @ a_direction)
        if not 0.0 < curvature < math.inf:  # A singular to rounding: keep the last ascent iterate
            return (solution if iteration > 1 else rhs / diagonal), iteration - 1
        step = rz / curvature
        solution.add_(step * direction)
        residual.sub_(step * a_direction)
        if float(torch.linalg.vector_norm(residual)) <= target:
            return solution, iteration
        preconditioned = residual / diagonal
        rz_next = residual @ preconditioned
        direction = preconditioned + (rz_next / rz) * direction
        rz = rz_next
    return solution, max_iters


def potential_increase(plan: torch.Tensor, slope: float, du: torch.Tensor, dv: torch.Tensor, alpha: float) -> float:
    """Φ(z + αΔz) − Φ(z) = α∇ΦᵀΔz − Σ P_ij (e^{s_ij} − 1 − s_ij),  s_ij = α(Δu_i + Δv_j).

    Overflow gives −inf and 0·inf gives nan: both compare as "no increase" in the line search.
    """
    shift = alpha * (du[:, None] + dv[None, :])
    curvature_loss = (plan * (torch.expm1(shift) - shift)).sum()
    return alpha * slope - float(curvature_loss)


def backtracking_step(plan: torch.Tensor, slope: float, du: torch.Tensor, dv: torch.Tensor) -> float | None:
    """The first α in 1, 1/2, 1/4, ... meeting Armijo's condition; None if none does."""
    alpha = 1.0
    for _ in range(MAX_HALVINGS):
        if potential_increase(plan, slope, du, dv, alpha) >= ARMIJO_C1 * alpha * slope:
            return alpha
        alpha *= 0.5
    return None


def newton_stage(
    log_k: torch.Tensor,
    r: torch.Tensor,
    c: torch.Tensor,
    u: torch.Tensor,
    v: torch.Tensor,
    *,
    tol: float,
    max_iters: int,
    kept_per_row: float,
    cg_tol: float,
    cg_max_iters: int,
    on_iterate: Callable[[NewtonIterate], None] | None = None,
) -> NewtonRun:
    """Sparse Newton iterations from (u, v) until ‖P1 − r‖₁ + ‖Pᵀ1 − c‖₁ < tol or ``max_iters``.

    ``on_iterate`` receives each new iterate's marginal error (computed at the top of the next
    pass, where the plan is formed anyway) with the CG count, dropped mass and step that made it.
    """
    n, m = log_k.shape
    kept = kept_entry_count(n, m, kept_per_row)
    run = NewtonRun(u, v, 0, False, False, 0, [])
    last: tuple[int, float, float] | None = None  # (cg iterations, dropped mass, step) of the last step
    for iteration in range(max_iters + 1):
        plan = torch.exp(log_plan(log_k, run.u, run.v))
        row_sums, col_sums = plan.sum(dim=1), plan.sum(dim=0)
        gradient = torch.cat([r - row_sums, c - col_sums])
        error = float(gradient.abs().sum())
        if last is not None:
            record = NewtonIterate(iteration, error, *last)
            run.history.append(record)
            if on_iterate is not None:
                on_iterate(record)
        if error < tol:
            run.converged = True
            break
        if iteration == max_iters:
            break
        hessian = sparsify(plan, row_sums, col_sums, kept)
        direction, cg_used = conjugate_gradient(
            hessian.matvec, gradient, hessian.diagonal, rtol=cg_tol, max_iters=cg_max_iters
        )
        du, dv = direction[:n], direction[n:]
        alpha = backtracking_step(plan, float(gradient @ direction), du, dv)
        run.cg_iterations += cg_used
        if alpha is None:
            run.line_search_failed = True
            break
        run.u, run.v = run.u + alpha * du, run.v + alpha * dv
        run.iterations = iteration + 1
        last = (cg_used, hessian.dropped_mass, alpha)
    return run
