"""Classical approximations of 2^x on [0, 1] and their operation counts.

Every baseline is evaluated the way the paper's ``joy/baselines.py`` does: polynomials in
Horner's scheme, rationals as Horner numerator / Horner denominator. With ops = the number of
+, −, ×, ÷ executed (constants are free):

    polynomial of degree d (Horner)       2d ops
    rational of degrees (n, n)            4n + 1 ops

* Taylor: Σ_k (ln 2)^k x^k / k!, truncated at degree d.
* Minimax polynomial: the degree-d polynomial minimizing the max relative error on the grid,
  computed by the Remez exchange algorithm (Chebyshev basis, relative weight 1/2^x).
* Padé [n/n] of e^z at z = x ln 2:  P(z)/P(−z),  P(z) = Σ_k (2n−k)! n! / ((2n)! k! (n−k)!) z^k.
* Rational minimax (n, n): minimax relative error over rationals with q(0) = 1, by the rational
  Remez exchange started from the Padé denominator.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.polynomial import Chebyshev, Polynomial

from .target import Grid, chebyshev_points

LN2 = math.log(2.0)


@dataclass(frozen=True)
class Approximation:
    """A classical approximation: monomial coefficients (constant term first) of p and q."""

    name: str
    ops: int
    numerator: tuple[float, ...]
    denominator: tuple[float, ...] = (1.0,)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        value = horner(self.numerator, x)
        if len(self.denominator) > 1:
            value = value / horner(self.denominator, x)
        return value


def horner(coefficients, x: np.ndarray) -> np.ndarray:
    """c_0 + x (c_1 + x (c_2 + ...)), evaluated from the highest degree down."""
    result = np.full_like(x, coefficients[-1], dtype=float)
    for c in reversed(coefficients[:-1]):
        result = result * x + c
    return result


def taylor(degree: int) -> Approximation:
    coefficients = tuple(LN2**k / math.factorial(k) for k in range(degree + 1))
    return Approximation(f"Taylor degree {degree}", 2 * degree, coefficients)


def pade(n: int) -> Approximation:
    """Diagonal Padé approximant of e^{x ln 2}."""
    p = [math.factorial(2 * n - k) * math.factorial(n) / (math.factorial(2 * n) * math.factorial(k) * math.factorial(n - k)) for k in range(n + 1)]
    numerator = tuple(pk * LN2**k for k, pk in enumerate(p))
    denominator = tuple(pk * (-LN2) ** k for k, pk in enumerate(p))
    return Approximation(f"Padé [{n}/{n}]", 4 * n + 1, numerator, denominator)


def remez_polynomial(degree: int, grid: Grid, max_iterations: int = 60, tol: float = 1e-9) -> Approximation:
    """Minimax relative-error polynomial of the given degree on the grid (Remez exchange)."""
    x, f = grid.x, grid.hi
    reference = np.sort(chebyshev_points(degree + 2))
    reference = x[np.searchsorted(x, reference).clip(0, len(x) - 1)]
    poly = None
    for _ in range(max_iterations):
        poly, level = _remez_solve(reference, degree)
        error = (poly(x) - f) / f
        reference = _exchange(x, error, degree + 2)
        peak = np.max(np.abs(error))
        if peak - abs(level) <= tol * peak:
            break
    coefficients = tuple(poly.convert(kind=Polynomial).coef)
    return Approximation(f"minimax polynomial degree {degree}", 2 * degree, coefficients)


def _remez_solve(reference: np.ndarray, degree: int):
    """Solve p(x_i) − 2^{x_i} = (−1)^i E 2^{x_i} on the degree+2 reference points."""
    f = np.exp2(reference)
    basis = Chebyshev.basis
    columns = [basis(j, domain=[0, 1])(reference) for j in range(degree + 1)]
    signs = (-1.0) ** np.arange(len(reference))
    matrix = np.column_stack(columns + [-signs * f])
    solution = np.linalg.solve(matrix, f)
    return Chebyshev(solution[:-1], domain=[0, 1]), solution[-1]


def _exchange(x: np.ndarray, error: np.ndarray, count: int) -> np.ndarray:
    """One extremum per sign run of the error (so signs alternate), trimmed to `count` by
    dropping the smaller of the two end extrema (the standard multiple-exchange rule)."""
    sign = np.sign(error)
    sign[sign == 0] = 1
    breaks = np.flatnonzero(np.diff(sign)) + 1
    segments = np.split(np.arange(len(x)), breaks)
    peaks = [seg[np.argmax(np.abs(error[seg]))] for seg in segments]
    while len(peaks) > count:
        magnitudes = np.abs(error[peaks])
        if magnitudes[0] < magnitudes[-1]:
            peaks = peaks[1:]
        else:
            peaks = peaks[:-1]
    return x[np.array(peaks)]


def rational_minimax(n: int, grid: Grid, max_iterations: int = 60, tol: float = 1e-7) -> Approximation:
    """Minimax relative-error rational of degrees (n, n), q(0) = 1, by the rational Remez exchange.

    On 2n+2 reference points solve p(x_i) − f_i q(x_i) = (−1)^i E f_i q(x_i) (linearized in E
    with the previous q), then move the reference to the alternating extrema of the error.
    Starts from the Padé denominator and Chebyshev reference points.
    """
    x, f = grid.x, grid.hi
    reference = x[np.searchsorted(x, np.sort(chebyshev_points(2 * n + 2))).clip(0, len(x) - 1)]
    q_prev = np.array(pade(n).denominator)
    best = None
    for _ in range(max_iterations):
        for _ in range(5):
            numerator, denominator, level = _rational_remez_solve(reference, n, q_prev)
            q_prev = denominator
        approximation = Approximation(f"rational minimax ({n},{n})", 4 * n + 1, tuple(numerator), tuple(denominator))
        with np.errstate(all="ignore"):
            error = (approximation(x) - f) / f
        if not np.all(np.isfinite(error)) or np.any(horner(denominator, x) <= 0):
            break
        peak = float(np.max(np.abs(error)))
        if best is None or peak < best[0]:
            best = (peak, approximation)
        if peak - abs(level) <= tol * peak:
            break
        reference = _exchange(x, error, 2 * n + 2)
        if len(reference) < 2 * n + 2:
            break
    return best[1] if best else pade(n)


def _rational_remez_solve(reference: np.ndarray, n: int, q_prev: np.ndarray):
    """Linear solve for p_0..p_n, q_1..q_n, E given the previous denominator in the E term."""
    f = np.exp2(reference)
    powers = np.vander(reference, n + 1, increasing=True)
    signs = (-1.0) ** np.arange(len(reference))
    matrix = np.hstack([powers, -f[:, None] * powers[:, 1:], -(signs * f * horner(tuple(q_prev), reference))[:, None]])
    solution = np.linalg.solve(matrix, f)
    numerator = solution[: n + 1]
    denominator = np.concatenate([[1.0], solution[n + 1 : 2 * n + 1]])
    return numerator, denominator, solution[-1]


def classical_baselines(max_ops: int, grid: Grid, include_rational_minimax: bool = True) -> dict[str, list[dict]]:
    """{family: [{ops, error, name, numerator, denominator}]} for every member within max_ops."""
    families: dict[str, list[Approximation]] = {"Taylor": [], "minimax polynomial": [], "Padé": [], "rational minimax": []}
    for degree in range(0, max_ops // 2 + 1):
        families["Taylor"].append(taylor(degree))
        families["minimax polynomial"].append(remez_polynomial(degree, grid) if degree else _best_constant(grid))
    for n in range(1, (max_ops - 1) // 4 + 1):
        families["Padé"].append(pade(n))
        if include_rational_minimax:
            families["rational minimax"].append(rational_minimax(n, grid))
    return {
        family: [
            {"ops": a.ops, "name": a.name, "error": grid.max_relative_error(a(grid.x)), "numerator": list(a.numerator), "denominator": list(a.denominator)}
            for a in members
        ]
        for family, members in families.items()
        if members
    }


def _best_constant(grid: Grid) -> Approximation:
    """The 0-op approximation c minimizing max |c/2^x − 1|: c = 2·1·2/(1+2) = 4/3."""
    return Approximation("minimax constant", 0, (4.0 / 3.0,))
