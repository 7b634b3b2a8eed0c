"""Fitting a program's constants to 2^x.

Search-time fit (every evaluation): Levenberg–Marquardt on the relative residuals
r_i(c) = g(x_i; c) / 2^{x_i} − 1 at Chebyshev nodes, with the exact Jacobian from forward-mode
differentiation (``programs.forward``). The paper fits constants with CMA-ES (``joy/cma_trainer.py``);
a least-squares start is far cheaper for these few constants.

Final polish (front members only): Lawson's iteratively reweighted least squares towards the
minimax fit, w_i ← w_i |r_i| / Σ_j w_j |r_j|, each round a few weighted LM steps; the
constants with the smallest max |r| seen are kept.
"""
from __future__ import annotations

import math

import numpy as np

from .programs import Program, forward


def relative_residual(program: Program, constants: np.ndarray, x: np.ndarray, target: np.ndarray, with_jacobian: bool):
    value, jac = forward(program, constants, x, with_jacobian)
    residual = value / target - 1.0
    return residual, (jac / target if with_jacobian else None)


def fit_constants(
    program: Program,
    start: np.ndarray,
    x: np.ndarray,
    target: np.ndarray,
    weights: np.ndarray | None = None,
    iterations: int = 25,
    tol: float = 1e-7,
) -> np.ndarray:
    """Levenberg–Marquardt on Σ_i w_i r_i(c)²; returns the best constants found."""
    c = np.array(start, dtype=float)
    if c.size == 0:
        return c
    sqrt_w = np.ones_like(x) if weights is None else np.sqrt(weights)
    damping = 1e-3
    with np.errstate(all="ignore"):
        r, jac = relative_residual(program, c, x, target, True)
        r, jac = r * sqrt_w, jac * sqrt_w
        cost = float(r @ r)
        if not math.isfinite(cost):
            return c
        for _ in range(iterations):
            normal = jac @ jac.T
            try:
                step = np.linalg.solve(normal + damping * np.diag(np.diag(normal) + 1e-15), -(jac @ r))
            except np.linalg.LinAlgError:
                break
            trial = c + step
            r_new, jac_new = relative_residual(program, trial, x, target, True)
            r_new, jac_new = r_new * sqrt_w, jac_new * sqrt_w
            new_cost = float(r_new @ r_new)
            if math.isfinite(new_cost) and new_cost < cost:
                improvement = (cost - new_cost) / cost
                c, r, jac, cost = trial, r_new, jac_new, new_cost
                damping = max(damping / 5.0, 1e-12)
                if improvement < tol:
                    break
            else:
                damping *= 5.0
                if damping > 1e6:
                    break
    return c


def max_abs_residual(program: Program, constants: np.ndarray, x: np.ndarray, target: np.ndarray) -> float:
    with np.errstate(all="ignore"):
        r, _ = relative_residual(program, constants, x, target, False)
    peak = float(np.max(np.abs(r)))
    return peak if math.isfinite(peak) else math.inf


def polish_minimax(program: Program, constants: np.ndarray, x: np.ndarray, target: np.ndarray, rounds: int) -> np.ndarray:
    """Lawson reweighting towards the minimax constants; never returns worse than the start."""
    best_c = np.array(constants, dtype=float)
    best_peak = max_abs_residual(program, best_c, x, target)
    if best_c.size == 0 or rounds <= 0 or not math.isfinite(best_peak):
        return best_c
    weights = np.full_like(x, 1.0 / x.size)
    c = best_c
    for _ in range(rounds):
        c = fit_constants(program, c, x, target, weights, iterations=8, tol=1e-12)
        with np.errstate(all="ignore"):
            r, _ = relative_residual(program, c, x, target, False)
        peak = float(np.max(np.abs(r)))
        if not math.isfinite(peak):
            break
        if peak < best_peak:
            best_c, best_peak = c, peak
        weights = weights * np.abs(r)
        total = weights.sum()
        if total <= 0 or not math.isfinite(total):
            break
        weights = weights / total
    return best_c
