"""Value-based identification of PCF limits (the baseline the clustering is judged against).

A limit L is identified with a constant K when L = (A + B K)/(C + D K) for small integers
(a Möbius transform, |A|,|B|,|C|,|D| ≤ M, AD − BC ≠ 0), the relation the Ramanujan Machine
searches for. Candidates are found by a meet-in-the-middle lookup of L in a sorted float64 table
of all such transforms, then verified in mpmath at `verify_digits` digits:
|(C + D K) L − (A + B K)| < 10^(−verify_digits). Rational limits (within 10^(−verify_digits) of a
fraction with denominator ≤ 10^6) are flagged degenerate, as in the official code's rational marker.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import mpmath
import numpy as np

CONSTANTS = {
    "pi": lambda: mpmath.pi,
    "e": lambda: mpmath.e,
    "ln2": lambda: mpmath.log(2),
    "zeta3": lambda: mpmath.zeta(3),
    "catalan": lambda: mpmath.catalan,
    "sqrt2": lambda: mpmath.sqrt(2),
    "pi^2": lambda: mpmath.pi**2,
    "e^2": lambda: mpmath.e**2,
    "sqrt3": lambda: mpmath.sqrt(3),
    "tan(1)": lambda: mpmath.tan(1),
    "I1(1)/I0(1)": lambda: mpmath.besseli(1, 1) / mpmath.besseli(0, 1),
    "I1(2)/I0(2)": lambda: mpmath.besseli(1, 2) / mpmath.besseli(0, 2),
    "J1(1)/J0(1)": lambda: mpmath.besselj(1, 1) / mpmath.besselj(0, 1),
    "J1(2)/J0(2)": lambda: mpmath.besselj(1, 2) / mpmath.besselj(0, 2),
}


def constant_value(name: str, digits: int):
    """The constant at `digits` significant digits (an mpmath mpf, valid inside workdps)."""
    with mpmath.workdps(digits):
        return +CONSTANTS[name]()


@dataclass(frozen=True)
class Identification:
    constant: str
    mobius: tuple[int, int, int, int]  # (A, B, C, D): L = (A + B K)/(C + D K)

    def value(self, digits: int):
        """The identified closed form evaluated at `digits` digits."""
        a, b, c, d = self.mobius
        with mpmath.workdps(digits):
            k = constant_value(self.constant, digits)
            return (a + b * k) / (c + d * k)

    def text(self) -> str:
        a, b, c, d = self.mobius
        return f"({a} + {b}·{self.constant}) / ({c} + {d}·{self.constant})"


class MobiusTable:
    """Sorted float64 values of (A + B K)/(C + D K) for every constant K and |A..D| ≤ bound."""

    def __init__(self, bound: int):
        span = np.arange(-bound, bound + 1)
        a, b, c, d = (g.ravel() for g in np.meshgrid(span, span, span, span, indexing="ij"))
        keep = (a * d - b * c) != 0
        a, b, c, d = a[keep], b[keep], c[keep], d[keep]
        values, names, coefficients = [], [], []
        for index, name in enumerate(CONSTANTS):
            k = float(constant_value(name, 20))
            with np.errstate(divide="ignore", invalid="ignore"):
                v = (a + b * k) / (c + d * k)
            ok = np.isfinite(v)
            values.append(v[ok])
            names.append(np.full(ok.sum(), index))
            coefficients.append(np.stack([a[ok], b[ok], c[ok], d[ok]], axis=1))
        values = np.concatenate(values)
        order = np.argsort(values)
        self.values = values[order]
        self.names = np.concatenate(names)[order]
        self.coefficients = np.concatenate(coefficients)[order]
        self.constant_names = list(CONSTANTS)

    def candidates(self, x: float, rel_tol: float = 1e-10):
        lo = np.searchsorted(self.values, x - rel_tol * max(1.0, abs(x)))
        hi = np.searchsorted(self.values, x + rel_tol * max(1.0, abs(x)))
        for i in range(lo, min(hi, lo + 200)):
            yield self.constant_names[self.names[i]], tuple(int(t) for t in self.coefficients[i])


def is_rational(limit: Fraction, verify_digits: int) -> bool:
    guess = limit.limit_denominator(10**6)
    return abs(limit - guess) < Fraction(1, 10**verify_digits)


def identify(limit: Fraction, table: MobiusTable, verify_digits: int) -> Identification | None:
    """The first verified Möbius relation of the limit with a basis constant, or None."""
    with mpmath.workdps(verify_digits + 15):
        value = mpmath.mpf(limit.numerator) / limit.denominator
        tolerance = mpmath.mpf(10) ** (-verify_digits)
        for name, (a, b, c, d) in table.candidates(float(limit)):
            k = constant_value(name, verify_digits + 15)
            if abs((c + d * k) * value - (a + b * k)) < tolerance * (abs(c) + abs(d) * abs(k)):
                return Identification(name, (a, b, c, d))
    return None
