"""The target function and the error metric every candidate and baseline is judged by.

Target: f(x) = 2^x on [0, 1] (the paper's exp2 task, Real et al. 2023, arXiv 2312.08472, Sec. 3).
Metric: the maximum relative error over a fixed evaluation grid,

    E(g) = max_i |g(x_i) − 2^{x_i}| / 2^{x_i},

with the reference 2^{x_i} computed by mpmath at 34 significant digits and stored as a
double-double (hi + lo), so that E is exact to ~1e-30 relative, far below any error here.
"""
from __future__ import annotations

from dataclasses import dataclass

import mpmath
import numpy as np

REFERENCE_DIGITS = 34


@dataclass(frozen=True)
class Grid:
    """Inputs x_i and the target 2^{x_i} as hi + lo (hi = float64 rounding, lo = the remainder)."""

    x: np.ndarray
    hi: np.ndarray
    lo: np.ndarray

    def max_relative_error(self, values: np.ndarray) -> float:
        """max_i |values_i − 2^{x_i}| / 2^{x_i}; inf when any value is not finite."""
        values = np.asarray(values, dtype=float)
        values = np.broadcast_to(values, self.x.shape)
        if not np.all(np.isfinite(values)):
            return float("inf")
        return float(np.max(np.abs((values - self.hi) - self.lo) / self.hi))


def reference_grid(n_points: int) -> Grid:
    """n_points equispaced inputs on [0, 1] (both ends included) with mpmath references."""
    x = np.linspace(0.0, 1.0, n_points)
    hi = np.empty(n_points)
    lo = np.empty(n_points)
    with mpmath.workdps(REFERENCE_DIGITS):
        ln2 = +mpmath.ln2
        for i, xi in enumerate(x):
            exact = mpmath.exp(mpmath.mpf(float(xi)) * ln2)
            hi[i] = float(exact)
            lo[i] = float(exact - mpmath.mpf(hi[i]))
    return Grid(x=x, hi=hi, lo=lo)


def chebyshev_points(n_points: int) -> np.ndarray:
    """Chebyshev extrema mapped to [0, 1]: the fitting nodes (denser near the ends)."""
    return (1.0 - np.cos(np.linspace(0.0, np.pi, n_points))) / 2.0
