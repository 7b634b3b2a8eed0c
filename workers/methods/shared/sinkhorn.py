"""Log-domain Sinkhorn for entropic optimal transport, in torch (the same code on CPU and CUDA).

Problem (Cuturi 2013; notation of Tang et al., ICLR 2024, arXiv:2401.12253, eq. 1-3):

    min_P  ⟨C, P⟩ + (1/η) Σ_ij P_ij log P_ij   s.t.  P1 = r,  Pᵀ1 = c.

Its dual is the concave Lyapunov potential

    f(x, y) = −(1/η) Σ_ij exp(η(−C_ij + x_i + y_j) − 1) + rᵀx + cᵀy,

maximized by P(x, y) = exp(η(−C + x1ᵀ + 1yᵀ) − 1) with the right marginals. Sinkhorn is exact
coordinate ascent on f: x ← x + (log r − log P1)/η, then y ← y + (log c − log Pᵀ1)/η.

Everything here works with the dimensionless potentials u = ηx, v = ηy and the log-kernel
K = −ηC − 1, so that log P = K + u1ᵀ + 1vᵀ. No entry of P is ever formed outside a logsumexp,
so η = 1200 (where exp(−η) underflows) is safe. ``sinkhorn_step`` is the unit a GPU benchmark
times; ``sinkhorn`` is a driver that counts iterations and reports marginal errors.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch

ErrorsCallback = Callable[[int, list[float]], None]


def log_kernel(cost: torch.Tensor, eta: float) -> torch.Tensor:
    """K = −ηC − 1, the log of the Gibbs kernel with the paper's −1 shift."""
    return -eta * cost - 1.0


def log_plan(log_k: torch.Tensor, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """log P = K + u1ᵀ + 1vᵀ (dimensionless potentials u = ηx, v = ηy)."""
    return log_k + u[:, None] + v[None, :]


def log_row_sums(log_k: torch.Tensor, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """log(P1)_i = u_i + logsumexp_j(K_ij + v_j)."""
    return u + torch.logsumexp(log_k + v[None, :], dim=1)


def log_col_sums(log_k: torch.Tensor, u: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
    """log(Pᵀ1)_j = v_j + logsumexp_i(K_ij + u_i)."""
    return v + torch.logsumexp(log_k + u[:, None], dim=0)


def sinkhorn_step(
    u: torch.Tensor, v: torch.Tensor, log_k: torch.Tensor, log_r: torch.Tensor, log_c: torch.Tensor
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """One Sinkhorn iteration in the log domain: a row scaling then a column scaling.

        u ← log r − logsumexp_j(K_ij + v_j)        (now P1 = r)
        v ← log c − logsumexp_i(K_ij + u_i)        (now Pᵀ1 = c)

    Returns (u_new, v_new, log(P(u, v)1)): the third output is the log row sums of the INPUT
    potentials, a free by-product of the row update that gives the input's marginal error
    without an extra pass over the matrix. Cost: two logsumexp passes over n × m entries.
    """
    row_lse = torch.logsumexp(log_k + v[None, :], dim=1)
    u_new = log_r - row_lse
    v_new = log_c - torch.logsumexp(log_k + u_new[:, None], dim=0)
    return u_new, v_new, u + row_lse


def marginal_error(log_k: torch.Tensor, u: torch.Tensor, v: torch.Tensor, r: torch.Tensor, c: torch.Tensor) -> float:
    """‖P1 − r‖₁ + ‖Pᵀ1 − c‖₁ for P = exp(K + u1ᵀ + 1vᵀ), computed from scratch (two passes)."""
    rows = torch.exp(log_row_sums(log_k, u, v))
    cols = torch.exp(log_col_sums(log_k, u, v))
    return float((rows - r).abs().sum() + (cols - c).abs().sum())


def dual_objective(
    log_k: torch.Tensor, u: torch.Tensor, v: torch.Tensor, r: torch.Tensor, c: torch.Tensor, eta: float
) -> float:
    """The Lyapunov potential f(x, y) = −(1/η)ΣP_ij + rᵀx + cᵀy at x = u/η, y = v/η."""
    total_mass = torch.exp(torch.logsumexp(log_plan(log_k, u, v).reshape(-1), dim=0))
    return float((-total_mass + r @ u + c @ v) / eta)


@dataclass
class SinkhornRun:
    """Outcome of ``sinkhorn``. ``errors[k-1]`` is ‖P1 − r‖₁ after k iterations (Pᵀ1 = c holds
    exactly after every column update, so that is the whole marginal error)."""

    u: torch.Tensor
    v: torch.Tensor
    iterations_run: int
    converged_at: int | None  # first iteration whose error was below tol, None if never
    errors: list[float] = field(default_factory=list)


def _first_below(values: list[float], tol: float) -> int | None:
    return next((i for i, value in enumerate(values) if value < tol), None)


def sinkhorn(
    log_k: torch.Tensor,
    r: torch.Tensor,
    c: torch.Tensor,
    *,
    tol: float,
    max_iters: int,
    u: torch.Tensor | None = None,
    v: torch.Tensor | None = None,
    on_errors: ErrorsCallback | None = None,
    chunk: int = 16,
) -> SinkhornRun:
    """Run Sinkhorn iterations until the row marginal error is below ``tol`` or ``max_iters``.

    Errors are read back to the host once per ``chunk`` iterations (one device sync per chunk),
    and handed to ``on_errors(first_iteration, errors)``. When the tolerance is met inside a
    chunk, ``converged_at`` is the first iteration below it; the returned potentials are those
    at the end of that chunk (at most ``chunk`` − 1 further iterations, never less accurate in
    practice), and ``iterations_run`` says how many were actually run.
    """
    log_r, log_c = torch.log(r), torch.log(c)
    u = torch.zeros_like(r) if u is None else u
    v = torch.zeros_like(c) if v is None else v
    run = SinkhornRun(u, v, 0, None)
    done = 0
    while done < max_iters and run.converged_at is None:
        pending = []
        for _ in range(min(chunk, max_iters - done)):
            u, v, log_rows_before = sinkhorn_step(u, v, log_k, log_r, log_c)
            if done > 0:  # the by-product is the error of iterate `done`
                pending.append((torch.exp(log_rows_before) - r).abs().sum())
            done += 1
        if done == max_iters:  # the last iterate's error needs its own row pass
            pending.append((torch.exp(log_row_sums(log_k, u, v)) - r).abs().sum())
        if pending:
            _record(run, torch.stack(pending).tolist(), tol, on_errors)
    run.u, run.v, run.iterations_run = u, v, done
    return run


def _record(run: SinkhornRun, new_errors: list[float], tol: float, on_errors: ErrorsCallback | None) -> None:
    first_iteration = len(run.errors) + 1
    run.errors.extend(new_errors)
    hit = _first_below(new_errors, tol)
    if hit is not None:
        run.converged_at = first_iteration + hit
    if on_errors is not None:
        on_errors(first_iteration, new_errors)
