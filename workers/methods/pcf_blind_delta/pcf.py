"""Polynomial continued fractions and their convergence-dynamics metrics.

A PCF is  a_0 + b_1/(a_1 + b_2/(a_2 + ...))  with a_n = a(n), b_n = b(n) integer polynomials.
Its convergents p_n/q_n follow the exact integer recurrence

    p_n = a_n p_{n−1} + b_n p_{n−2},   q_n = a_n q_{n−1} + b_n q_{n−2},
    p_{−1} = 1, p_0 = a_0,  q_{−1} = 0, q_0 = 1.

Metrics (Shalyt et al., "Unsupervised Discovery of Formulas for Mathematical Constants",
NeurIPS 2024, arXiv 2412.16818, Sec. 3; official code ``blind_delta.py``), at depth D with the
sample point n_s = D / p:

* blind δ (gcd-reduced):  δ = −log|L_D − p_{n_s}/q_{n_s}| / log(q_{n_s}/g_{n_s}) − 1,
  with the "blind" limit L_D = p_D/q_D and g_n = gcd(p_n, q_n); naive δ uses log q_{n_s};
* q-growth fit:     log(q_n/g_n) ≈ c n + d n log n;
* convergence fit:  log|L_D − p_n/q_n| ≈ β log n + γ n + η n log n;
* predicted δ from the recurrence matrix [[0, b_k], [1, a_k]] with eigenvalues
  λ± = (a_k ± √(a_k² + 4 b_k))/2:  δ_pred = Σ_{k≤n_s} log|λ+/λ−| / (c n_s + d n_s log n_s) − 1.

Differences p_D q_n − p_n q_D are exact integers, so no high precision is needed for δ.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

LOG2 = math.log(2.0)


@dataclass(frozen=True)
class PCF:
    """Coefficients of a(n) and b(n), highest degree first (numpy.polyval order)."""

    a: tuple[int, ...]
    b: tuple[int, ...]

    def a_n(self, n: int) -> int:
        return _horner(self.a, n)

    def b_n(self, n: int) -> int:
        return _horner(self.b, n)

    def label(self) -> str:
        return f"a={_poly_text(self.a)}, b={_poly_text(self.b)}"


def _horner(coefficients: tuple[int, ...], n: int) -> int:
    value = 0
    for c in coefficients:
        value = value * n + c
    return value


def _poly_text(coefficients: tuple[int, ...]) -> str:
    degree = len(coefficients) - 1
    terms = []
    for i, c in enumerate(coefficients):
        power = degree - i
        if c == 0:
            continue
        monomial = "" if power == 0 else ("n" if power == 1 else f"n^{power}")
        coefficient = str(c) if (abs(c) != 1 or power == 0) else ("-" if c < 0 else "")
        terms.append(f"{coefficient}{monomial}")
    return "+".join(terms).replace("+-", "-") or "0"


def convergents(pcf: PCF, depth: int, keep: set[int]) -> dict[int, tuple[int, int]]:
    """(p_n, q_n) as exact integers for every n in `keep` (1 ≤ n ≤ depth)."""
    p_prev, p = 1, pcf.a_n(0)
    q_prev, q = 0, 1
    out = {}
    for n in range(1, depth + 1):
        a, b = pcf.a_n(n), pcf.b_n(n)
        p_prev, p = p, a * p + b * p_prev
        q_prev, q = q, a * q + b * q_prev
        if n in keep:
            out[n] = (p, q)
    return out


def log_abs(value: int) -> float:
    """Natural log of |value| for an arbitrarily large integer (−inf for 0)."""
    value = abs(value)
    if value == 0:
        return -math.inf
    bits = value.bit_length()
    if bits < 1000:
        return math.log(value)
    shift = bits - 64
    return math.log(value >> shift) + shift * LOG2


def sample_depths(depth: int, ratio: int) -> list[int]:
    """The fit points {6, n_s/8, n_s/4, n_s/2, n_s} of the official code, n_s = depth/ratio."""
    n_s = depth // ratio
    return sorted({max(2, n) for n in (6, n_s // 8, n_s // 4, n_s // 2, n_s)})


@dataclass
class Dynamics:
    """What one PCF's convergents say about it (None where undefined)."""

    status: str  # "converges", "rational", "slow_or_divergent", "degenerate"
    digits: float | None = None  # −log10 |p_D/q_D − p_{n_s}/q_{n_s}|
    limit: Fraction | None = None  # p_D / q_D
    delta: float | None = None
    delta_naive: float | None = None
    delta_short_limit: float | None = None  # blind δ with the limit taken at 1.1 n_s (a poor blind limit)
    delta_predicted: float | None = None
    q_growth: tuple[float, float] | None = None  # (c, d)
    convergence: tuple[float, float, float] | None = None  # (β, γ, η)
    rate: float | None = None  # −log|L_D − p_{n_s}/q_{n_s}| / n_s


def analyze(pcf: PCF, depth: int, ratio: int, min_digits: float) -> Dynamics:
    """Convergents to `depth`, then the blind metrics at n_s = depth/ratio."""
    n_s = depth // ratio
    fits = sample_depths(depth, ratio)
    short = min(depth - 1, max(n_s + 1, int(1.1 * n_s)))
    out = convergents(pcf, depth, set(fits) | {short, depth})
    p_d, q_d = out[depth]
    if q_d == 0 or any(out[n][1] == 0 for n in fits):
        return Dynamics("degenerate")
    p_s, q_s = out[n_s]
    cross = p_d * q_s - p_s * q_d
    limit = Fraction(p_d, q_d)
    if cross == 0:
        return Dynamics("rational", limit=limit)
    log_err = {n: log_abs(p_d * out[n][1] - out[n][0] * q_d) - log_abs(q_d) - log_abs(out[n][1]) for n in fits}
    digits = -log_err[n_s] / math.log(10)
    if not digits >= min_digits:
        return Dynamics("slow_or_divergent", digits=digits, limit=limit)
    log_reduced = {n: log_abs(out[n][1] // math.gcd(*out[n])) for n in fits}
    dyn = Dynamics("converges", digits=digits, limit=limit, rate=-log_err[n_s] / n_s)
    if log_reduced[n_s] > 0:
        dyn.delta = -log_err[n_s] / log_reduced[n_s] - 1.0
    dyn.delta_naive = -log_err[n_s] / log_abs(q_s) - 1.0
    p_short, q_short = out[short]
    short_err = log_abs(p_short * q_s - p_s * q_short) - log_abs(q_short) - log_abs(q_s)
    if log_reduced[n_s] > 0 and math.isfinite(short_err):
        dyn.delta_short_limit = -short_err / log_reduced[n_s] - 1.0
    dyn.q_growth = _fit(fits, [log_reduced[n] for n in fits], ("n", "nlogn"))
    finite = [n for n in fits if math.isfinite(log_err[n])]
    if len(finite) >= 3:
        dyn.convergence = _fit(finite, [log_err[n] for n in finite], ("logn", "n", "nlogn"))
    dyn.delta_predicted = predicted_delta(pcf, n_s, dyn.q_growth)
    return dyn


def _fit(ns: list[int], values: list[float], columns: tuple[str, ...]) -> tuple[float, ...]:
    n = np.array(ns, dtype=float)
    basis = {"n": n, "nlogn": n * np.log(n), "logn": np.log(n)}
    matrix = np.column_stack([basis[c] for c in columns])
    solution, *_ = np.linalg.lstsq(matrix, np.array(values), rcond=None)
    return tuple(float(s) for s in solution)


def predicted_delta(pcf: PCF, n_s: int, q_growth: tuple[float, float]) -> float | None:
    """δ from the recurrence's eigenvalue ratios and the fitted growth of q_n/g_n (None if complex)."""
    total = 0.0
    for k in range(1, n_s + 1):
        a, b = pcf.a_n(k), pcf.b_n(k)
        discriminant = a * a + 4 * b
        if discriminant < 0:
            return None
        root = math.sqrt(discriminant)
        big, small = abs(a) + root, abs(abs(a) - root)
        if small == 0:
            return None
        total += math.log(big / small)
    c, d = q_growth
    denominator = c * n_s + d * n_s * math.log(n_s)
    return total / denominator - 1.0 if denominator > 0 else None


def delta_with_limit(pcf: PCF, limit, n_s: int) -> float:
    """δ at n_s against a given (high-precision mpmath) limit instead of the blind p_D/q_D."""
    import mpmath

    p, q = convergents(pcf, n_s, {n_s})[n_s]
    g = math.gcd(p, q)
    error = abs(limit - mpmath.mpf(p) / q)
    return float(-mpmath.log(error) / log_abs(q // g) - 1.0)
