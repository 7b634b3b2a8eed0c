"""Block update rules (Nutini, Laradji & Schmidt 2022, Sec. 4 and 6).

    Lb  (Lipschitz / gradient update)   x_b ← x_b − ∇_b f / L_b,    L_b = λ_max(M_bb), M ⪰ ∇²f
    Hb  (matrix / Newton update)        x_b ← x_b − t·H_bb⁻¹ ∇_b f,  H_bb = ∇²_bb f(x)

t = 1 unless the Armijo test f(x + t·d) ≤ f(x) + 10⁻⁴·t·∇_b fᵀd fails, then halved (the repository's
line-searched Newton update used for logistic regression). On a quadratic the Newton step is the
exact block minimiser and t = 1 always passes.

Non-negative problems (x ≥ 0, the L1 experiments) use the projected counterparts:

    Lb  x_b ← max(x_b − ∇_b f / L_b, 0)                                      ('Lb-NN')
    Hb  x_b ← argmin_{z ≥ 0} ∇_b fᵀ(z − x_b) + ½(z − x_b)ᵀ H_bb (z − x_b)       ('qp-nn')

The block QP is solved exactly as a non-negative least-squares problem: with H_bb = RᵀR and
q = ∇_b f − H_bb x_b, ½zᵀH_bb z + qᵀz = ½||Rz + R⁻ᵀq||² + const.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
from scipy import linalg as sla
from scipy.optimize import nnls

UPDATES = ("Lb", "Hb")

Update = Callable[[np.ndarray, np.ndarray, np.ndarray], np.ndarray]  # (x, grad, block) -> new x_b


def make_update(rule: str, problem) -> Update:
    curvature = problem.curvature
    if rule == "Lb":
        return lambda x, g, idx: lipschitz_step(x[idx], g[idx], curvature.block_lipschitz(idx), problem.nonnegative)
    if rule == "Hb":
        if problem.nonnegative:
            return lambda x, g, idx: nonnegative_block_qp(x[idx], g[idx], problem.block_hessian(x, idx))
        return lambda x, g, idx: newton_step(problem, x, g, idx)
    raise ValueError(f"unknown update rule {rule!r}; known: {', '.join(UPDATES)}")


def lipschitz_step(xb: np.ndarray, gb: np.ndarray, block_lipschitz: float, nonnegative: bool) -> np.ndarray:
    step = xb - gb / block_lipschitz
    return np.maximum(step, 0.0) if nonnegative else step


def newton_step(problem, x: np.ndarray, g: np.ndarray, idx: np.ndarray, max_halvings: int = 30) -> np.ndarray:
    """x_b − t·H_bb⁻¹∇_b f with Armijo backtracking on t (t = 1 is exact on quadratics)."""
    direction = -matrix_solve(problem.block_hessian(x, idx), g[idx])
    slope = float(g[idx] @ direction)
    if problem.is_quadratic or slope >= 0:
        return x[idx] + direction
    f0, trial, t = problem.value(x), x.copy(), 1.0
    for _ in range(max_halvings):
        trial[idx] = x[idx] + t * direction
        if problem.value(trial) <= f0 + 1e-4 * t * slope:
            break
        t *= 0.5
    return x[idx] + t * direction


def matrix_solve(M: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """M⁻¹rhs for a symmetric positive semi-definite M (least-squares solution if singular)."""
    try:
        return np.linalg.solve(M, rhs)
    except np.linalg.LinAlgError:
        return np.linalg.lstsq(M, rhs, rcond=None)[0]


def nonnegative_block_qp(xb: np.ndarray, gb: np.ndarray, M: np.ndarray) -> np.ndarray:
    """argmin_{z ≥ 0} ½zᵀMz + qᵀz with q = g_b − M x_b, via NNLS on the Cholesky factor of M."""
    q = gb - M @ xb
    ridge = 1e-13 * max(float(np.trace(M)), 1e-300)
    R = sla.cholesky(M + ridge * np.eye(len(xb)), lower=False, check_finite=False)
    target = -sla.solve_triangular(R, q, trans="T", check_finite=False)
    z, _ = nnls(R, target, maxiter=50 * len(xb))
    return z
