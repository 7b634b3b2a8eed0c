"""Sparse identification of nonlinear dynamics (SINDy): a monomial library and sequentially
thresholded least squares (STLSQ).

Given states X (n, d) and targets Y (n, m) (time derivatives, or a hidden term's values), STLSQ
finds a sparse Ξ (p, m) with Θ(X) Ξ ≈ Y: solve the (ridge-regularized) least-squares problem,
zero every coefficient with |ξ| < threshold, re-solve on the remaining columns, until the support
stops changing.

Reference: S. L. Brunton, J. L. Proctor, J. N. Kutz, PNAS 113 (2016) 3932 (Algorithm: STLSQ).
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np


def monomial_exponents(dim: int, degree: int) -> list[tuple[int, ...]]:
    """Every exponent tuple of total degree 0..degree, by degree then lexicographically (x before y)."""
    out: list[tuple[int, ...]] = []
    for total in range(degree + 1):
        for combo in itertools.combinations_with_replacement(range(dim), total):
            out.append(tuple(combo.count(axis) for axis in range(dim)))
    return out


def monomial_names(exponents: list[tuple[int, ...]], variables: tuple[str, ...]) -> list[str]:
    names = []
    for powers in exponents:
        parts = [v if k == 1 else f"{v}^{k}" for v, k in zip(variables, powers) if k > 0]
        names.append("*".join(parts) or "1")
    return names


def monomial_library(states: np.ndarray, degree: int) -> tuple[np.ndarray, list[tuple[int, ...]]]:
    """Θ(X): the columns ∏_i x_i^{k_i} for every exponent tuple of degree ≤ ``degree``."""
    states = np.asarray(states, dtype=float)
    exponents = monomial_exponents(states.shape[1], degree)
    columns = [np.prod(states ** np.asarray(powers, dtype=float), axis=1) for powers in exponents]
    return np.stack(columns, axis=1), exponents


@dataclass(frozen=True)
class SparseFit:
    coefficients: np.ndarray
    """Ξ (p, m): column j holds the coefficients of target j."""
    iterations: int
    """The most threshold sweeps any target column took."""


def stlsq(library: np.ndarray, targets: np.ndarray, threshold: float, ridge: float = 0.0,
          max_iterations: int = 20) -> SparseFit:
    """Sequentially thresholded least squares on each target column (Brunton et al. 2016)."""
    library = np.asarray(library, dtype=float)
    targets = np.asarray(targets, dtype=float).reshape(library.shape[0], -1)
    xi = np.zeros((library.shape[1], targets.shape[1]))
    iterations = 0
    for j in range(targets.shape[1]):
        keep = np.ones(library.shape[1], dtype=bool)
        for sweep in range(1, max_iterations + 1):
            iterations = max(iterations, sweep)
            coef = np.zeros(library.shape[1])
            if keep.any():
                coef[keep] = _ridge_solve(library[:, keep], targets[:, j], ridge)
            new_keep = np.abs(coef) >= threshold
            if np.array_equal(new_keep, keep):
                break
            keep = new_keep
        coef = np.zeros(library.shape[1])
        if keep.any():
            coef[keep] = _ridge_solve(library[:, keep], targets[:, j], ridge)
        xi[:, j] = coef
    return SparseFit(xi, iterations)


def _ridge_solve(a: np.ndarray, b: np.ndarray, ridge: float) -> np.ndarray:
    if ridge > 0:
        return np.linalg.solve(a.T @ a + ridge * np.eye(a.shape[1]), a.T @ b)
    return np.linalg.lstsq(a, b, rcond=None)[0]


def finite_difference_derivative(t: np.ndarray, values: np.ndarray) -> np.ndarray:
    """dX/dt at the sample times by second-order finite differences (non-uniform spacing allowed)."""
    return np.gradient(np.asarray(values, dtype=float), np.asarray(t, dtype=float), axis=0, edge_order=2)
