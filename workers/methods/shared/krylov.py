"""Krylov-type solvers for SPD systems A x = b in torch, with a per-iteration callback.

- ``preconditioned_cg``: (preconditioned) conjugate gradient; ``precondition=None`` is plain CG.
- ``conjugate_directions``: the DCDM iteration (Kaneda et al., ICML 2023, Alg. 1): a proposer
  gives a direction q from the current residual; q is A-orthogonalized against the last
  ``memory`` directions and taken with the exact line-search step α = qᵀr / qᵀAq. With the
  identity proposer and memory ≥ 1 this is CG in exact arithmetic.

All solvers start from x = 0 and stop once ‖b − A x‖₂ ≤ rtol·‖b‖₂ (SciPy's ``cg`` criterion with
atol = 0), or after ``max_iters`` iterations. Iterations are counted as matrix-vector products
with A beyond the first residual, as SciPy's callback counts them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch

MatVec = Callable[[torch.Tensor], torch.Tensor]


@dataclass
class SolveResult:
    x: torch.Tensor
    iterations: int
    converged: bool
    residuals: list[float] = field(default_factory=list)
    """Relative residual ‖r_k‖/‖b‖ after each iteration k = 1, 2, ..."""


def _norm(v: torch.Tensor) -> float:
    return float(torch.linalg.vector_norm(v))


def preconditioned_cg(
    matvec: MatVec,
    b: torch.Tensor,
    *,
    rtol: float,
    max_iters: int,
    precondition: Callable[[torch.Tensor], torch.Tensor] | None = None,
    on_iteration: Callable[[int, float], None] | None = None,
) -> SolveResult:
    """Conjugate gradient on A x = b, with an SPD preconditioner M⁻¹ applied by ``precondition``."""
    apply_m = precondition or (lambda r: r)
    x = torch.zeros_like(b)
    r = b.clone()
    b_norm = _norm(b)
    result = SolveResult(x, 0, b_norm == 0.0)
    if result.converged:
        return result
    z = apply_m(r)
    p = z.clone()
    rz = torch.dot(r.flatten(), z.flatten())
    for k in range(1, max_iters + 1):
        ap = matvec(p)
        alpha = rz / torch.dot(p.flatten(), ap.flatten())
        x.add_(alpha * p)
        r.sub_(alpha * ap)
        relative = _norm(r) / b_norm
        result.residuals.append(relative)
        result.iterations = k
        if on_iteration is not None:
            on_iteration(k, relative)
        if relative <= rtol:
            result.converged = True
            break
        z = apply_m(r)
        rz_next = torch.dot(r.flatten(), z.flatten())
        p = z + (rz_next / rz) * p
        rz = rz_next
    result.x = x
    return result


def conjugate_directions(
    matvec: MatVec,
    b: torch.Tensor,
    propose: Callable[[torch.Tensor], torch.Tensor],
    *,
    rtol: float,
    max_iters: int,
    memory: int = 2,
    on_iteration: Callable[[int, float], None] | None = None,
) -> SolveResult:
    """DCDM: x_{k+1} = x_k + α_k q_k, q_k = propose(r_k / ‖r_k‖) A-orthogonalized against the last
    ``memory`` directions, α_k = q_kᵀ r_k / q_kᵀ A q_k. The residual is updated recursively
    (r ← r − α A q), which costs one product with A per iteration."""
    x = torch.zeros_like(b)
    r = b.clone()
    b_norm = _norm(b)
    result = SolveResult(x, 0, b_norm == 0.0)
    if result.converged:
        return result
    previous: list[tuple[torch.Tensor, torch.Tensor, torch.Tensor]] = []  # (p, A p, pᵀ A p)
    for k in range(1, max_iters + 1):
        q = propose(r / _norm(r)).to(b.dtype)
        for p, ap, pap in previous:
            q = q - (torch.dot(q.flatten(), ap.flatten()) / pap) * p
        aq = matvec(q)
        qaq = torch.dot(q.flatten(), aq.flatten())
        if not float(qaq) > 0.0:  # a zero or non-descent proposal: fall back to the residual
            q, aq = r.clone(), matvec(r)
            qaq = torch.dot(q.flatten(), aq.flatten())
        alpha = torch.dot(q.flatten(), r.flatten()) / qaq
        x.add_(alpha * q)
        r.sub_(alpha * aq)
        previous = (previous + [(q, aq, qaq)])[-memory:] if memory > 0 else []
        relative = _norm(r) / b_norm
        result.residuals.append(relative)
        result.iterations = k
        if on_iteration is not None:
            on_iteration(k, relative)
        if relative <= rtol:
            result.converged = True
            break
    result.x = x
    return result
