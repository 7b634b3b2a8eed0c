"""Gaussian random fields on the periodic unit cell [0, 1)^d, held as Fourier coefficients.

A field is u(x) = Re Σ_{|k_i| <= K} c_k exp(2πi k·x) with independent complex normal c_k of
standard deviation σ (4π²|k|² + τ²)^(-α/2), the spectrum of the covariance σ²(-Δ + τ²)^(-α)
(the FNO convention; α=2, τ=3 is its Darcy field). Because the coefficients are stored, the
same field is evaluated exactly on any grid of n >= 2K + 1 points per axis: a data set sampled
at one resolution and at another holds the same functions.
"""
from __future__ import annotations

import numpy as np


def wavenumbers(modes: int) -> np.ndarray:
    """-K, ..., K."""
    return np.arange(-modes, modes + 1)


def grf_coefficients(rng: np.random.Generator, count: int, dim: int, modes: int, *, alpha: float = 2.0,
                     tau: float = 3.0, sigma: float = 1.0, zero_mean: bool = True) -> np.ndarray:
    """Complex coefficients of ``count`` fields, shape (count, 2K+1[, 2K+1])."""
    if dim not in (1, 2):
        raise ValueError("dim must be 1 or 2")
    k = wavenumbers(modes)
    grids = np.meshgrid(*([k] * dim), indexing="ij")
    k2 = sum(g.astype(float) ** 2 for g in grids)
    spectrum = sigma * (4 * np.pi**2 * k2 + tau**2) ** (-alpha / 2)
    if zero_mean:
        spectrum[(modes,) * dim] = 0.0
    shape = (count,) + spectrum.shape
    noise = (rng.standard_normal(shape) + 1j * rng.standard_normal(shape)) / np.sqrt(2)
    return noise * spectrum


def evaluate_on_grid(coeffs: np.ndarray, n: int) -> np.ndarray:
    """The fields at the points j/n of each axis, shape (count, n[, n]); exact for n >= 2K+1."""
    dim = coeffs.ndim - 1
    modes = (coeffs.shape[1] - 1) // 2
    if n < 2 * modes + 1:
        raise ValueError(f"a grid of {n} points cannot hold {modes} modes (need {2 * modes + 1})")
    index = np.mod(wavenumbers(modes), n)
    spectrum = np.zeros((coeffs.shape[0],) + (n,) * dim, dtype=complex)
    if dim == 1:
        spectrum[:, index] = coeffs
    else:
        spectrum[:, index[:, None], index[None, :]] = coeffs
    return np.fft.ifftn(spectrum, axes=tuple(range(1, dim + 1)), norm="forward").real


def grf(rng: np.random.Generator, count: int, dim: int, n: int, modes: int | None = None, **spectrum) -> np.ndarray:
    """``count`` fields sampled on an n-point (per axis) periodic grid."""
    modes = (n - 1) // 2 if modes is None else modes
    return evaluate_on_grid(grf_coefficients(rng, count, dim, modes, **spectrum), n)


def threshold_field(field: np.ndarray, high: float = 12.0, low: float = 3.0) -> np.ndarray:
    """Piecewise-constant coefficient: ``high`` where the field is >= 0, ``low`` elsewhere."""
    return np.where(field >= 0, high, low)
