"""Quadrature rules on N evenly spaced nodes t_j = j·T/(N−1), j = 0..N−1, of [0, T].

Trapezoid:  Σ_j w_j f(t_j) with w = h·(½, 1, …, 1, ½), h = T/(N−1); error −T h² f''(ξ)/12 = O(N⁻²).

Bayesian quadrature (BQ, O'Hagan 1991; Briol et al. 2019) with a Matérn kernel k of smoothness
ν = b − ½ and lengthscale ℓ: the posterior mean of ∫₀ᵀ f under a GP(0, k) prior is Σ_j w_j f(t_j)
with w = K_XX⁻¹ z, K_XX[i, j] = k(|t_i − t_j|) and z_j = ∫₀ᵀ k(|t − t_j|) dt (the kernel mean).
Its RKHS is norm-equivalent to the Sobolev space H^b, so the worst-case error is O(N⁻ᵇ)
(Impact of Computation in Integral RL, Thm. on BQ; the official repo uses ν = 3.5, ℓ = 0.3).

The Gram matrix has condition number ~ (ℓ/h)^{2ν}, so the weights are computed once per
(N, T, b, ℓ) in 40-digit arithmetic (mpmath) and only then rounded to float64.
"""
from __future__ import annotations

from functools import lru_cache

import mpmath as mp
import numpy as np

WEIGHT_DIGITS = 40


def nodes(n_samples: int, interval: float) -> np.ndarray:
    return np.linspace(0.0, interval, n_samples)


def trapezoid_weights(n_samples: int, interval: float) -> np.ndarray:
    h = interval / (n_samples - 1)
    weights = np.full(n_samples, h)
    weights[[0, -1]] = h / 2
    return weights


def matern_coefficients(smoothness_b: int, lengthscale: mp.mpf) -> tuple[mp.mpf, list[mp.mpf]]:
    """Half-integer Matérn, ν = p + ½ with p = b − 1:  k(r) = e^{−c r} Σ_m a_m r^m,  c = √(2ν)/ℓ,

    a_{p−i} = p!/(2p)! · (p+i)!/(i!(p−i)!) · (2c)^{p−i}   (Rasmussen & Williams 2006, eq. 4.16).
    """
    p = smoothness_b - 1
    c = mp.sqrt(2 * p + 1) / lengthscale
    coeffs = [mp.mpf(0)] * (p + 1)
    for i in range(p + 1):
        power = p - i
        coeffs[power] = (
            mp.factorial(p) / mp.factorial(2 * p) * mp.factorial(p + i)
            / (mp.factorial(i) * mp.factorial(p - i)) * (2 * c) ** power
        )
    return c, coeffs


def matern(r: mp.mpf, c: mp.mpf, coeffs: list[mp.mpf]) -> mp.mpf:
    return mp.exp(-c * r) * mp.polyval(coeffs[::-1], r)


def matern_integral(a: mp.mpf, c: mp.mpf, coeffs: list[mp.mpf]) -> mp.mpf:
    """∫₀ᵃ k(r) dr = Σ_m a_m γ(m+1, c a)/c^{m+1}, with γ the lower incomplete gamma function."""
    return mp.fsum(a_m * mp.gammainc(m + 1, 0, c * a) / c ** (m + 1) for m, a_m in enumerate(coeffs))


@lru_cache(maxsize=256)
def bq_matern_weights(n_samples: int, interval: float, smoothness_b: int, lengthscale: float) -> np.ndarray:
    """BQ weights w = K_XX⁻¹ z for the Matérn-(b − ½) kernel on the evenly spaced nodes."""
    with mp.workdps(WEIGHT_DIGITS):
        c, coeffs = matern_coefficients(smoothness_b, mp.mpf(lengthscale))
        length = mp.mpf(interval)
        t = [length * j / (n_samples - 1) for j in range(n_samples)]
        gram = mp.matrix(n_samples, n_samples)
        for i in range(n_samples):
            for j in range(n_samples):
                gram[i, j] = matern(abs(t[i] - t[j]), c, coeffs)
        kernel_mean = mp.matrix(
            [matern_integral(t_j, c, coeffs) + matern_integral(length - t_j, c, coeffs) for t_j in t]
        )
        weights = mp.lu_solve(gram, kernel_mean)
        return np.array([float(weights[j]) for j in range(n_samples)])


def rule_weights(rule: str, n_samples: int, interval: float, lengthscale: float) -> np.ndarray:
    """rule is 'trapezoid' or 'bq-b' (e.g. 'bq-4' for Matérn ν = 3.5)."""
    if rule == "trapezoid":
        return trapezoid_weights(n_samples, interval)
    smoothness_b = int(rule.split("-")[1])
    return bq_matern_weights(n_samples, float(interval), smoothness_b, float(lengthscale))
