"""Periodic spectral solvers with closed forms, in torch (batched, on any device).

Fields live on [0, L)^d sampled at n points per axis (the last ``dim`` axes of a tensor); their
discrete Fourier coefficients are the exact solution's at every t for these linear problems:

    heat          u_t = ν Δu                 û_k(t) = û_k(0) exp(-ν |ω_k|² t)
    advection     u_t + β u_x = 0            û_k(t) = û_k(0) exp(-i ω_k β t)     (1-D)
    screened      (-Δ + c) u = a             û_k = â_k / (|ω_k|² + c)

with ω_k = 2πk/L. ν, β may be one number or one per sample (the leading axis).
"""
from __future__ import annotations

import math

import torch


def _axes(dim: int) -> tuple[int, ...]:
    return tuple(range(-dim, 0))


def angular_wavenumbers(n: int, dim: int, length: float = 1.0, device=None, dtype=torch.float64) -> list[torch.Tensor]:
    """ω along each axis in rfftn's layout (the last axis halved), broadcastable to (n,..., n//2+1)."""
    full = torch.fft.fftfreq(n, d=1.0 / n, device=device, dtype=dtype) * (2 * math.pi / length)
    half = torch.fft.rfftfreq(n, d=1.0 / n, device=device, dtype=dtype) * (2 * math.pi / length)
    axes = [full] * (dim - 1) + [half]
    shaped = []
    for i, omega in enumerate(axes):
        view = [1] * dim
        view[i] = -1
        shaped.append(omega.reshape(view))
    return shaped


def squared_wavenumber(n: int, dim: int, length: float = 1.0, device=None, dtype=torch.float64) -> torch.Tensor:
    return sum(w**2 for w in angular_wavenumbers(n, dim, length, device, dtype))


def _per_sample(value, like: torch.Tensor, dim: int) -> torch.Tensor:
    """A number or a (batch,) tensor shaped to broadcast against a batch of spectra."""
    value = torch.as_tensor(value, dtype=like.real.dtype, device=like.device)
    return value.reshape(value.shape + (1,) * dim) if value.ndim else value


def heat(u0: torch.Tensor, nu, t: float, dim: int = 1, length: float = 1.0) -> torch.Tensor:
    """Exact solution of u_t = ν Δu at time t on the periodic cell."""
    n = u0.shape[-1]
    spectrum = torch.fft.rfftn(u0, dim=_axes(dim))
    k2 = squared_wavenumber(n, dim, length, u0.device, u0.real.dtype)
    decay = torch.exp(-_per_sample(nu, spectrum, dim) * k2 * t)
    return torch.fft.irfftn(spectrum * decay, s=(n,) * dim, dim=_axes(dim))


def advect(u0: torch.Tensor, beta, t: float, length: float = 1.0) -> torch.Tensor:
    """Exact solution of u_t + β u_x = 0 at time t (a periodic shift by βt, band-limited)."""
    n = u0.shape[-1]
    spectrum = torch.fft.rfft(u0, dim=-1)
    (omega,) = angular_wavenumbers(n, 1, length, u0.device, u0.real.dtype)
    phase = torch.exp(-1j * omega * _per_sample(beta, spectrum, 1) * t)
    return torch.fft.irfft(spectrum * phase, n=n, dim=-1)


def screened_poisson(a: torch.Tensor, shift: float = 1.0, dim: int = 1, length: float = 1.0) -> torch.Tensor:
    """u = (-Δ + shift)^(-1) a on the periodic cell (shift > 0)."""
    n = a.shape[-1]
    k2 = squared_wavenumber(n, dim, length, a.device, a.real.dtype)
    spectrum = torch.fft.rfftn(a, dim=_axes(dim)) / (k2 + shift)
    return torch.fft.irfftn(spectrum, s=(n,) * dim, dim=_axes(dim))


def fourier_resample(u: torch.Tensor, n: int, dim: int = 1) -> torch.Tensor:
    """Band-limited interpolation of periodic samples to n points per axis (the last ``dim`` axes).

    Exact for fields whose modes fit both grids; coarsening drops the modes above the new
    Nyquist frequency. The Nyquist mode of an even grid is dropped, as it is ambiguous."""
    m = u.shape[-1]
    if n == m:
        return u
    spectrum = torch.fft.fftn(u, dim=_axes(dim))
    keep = (min(m, n) - 1) // 2
    index = torch.cat([torch.arange(0, keep + 1), torch.arange(-keep, 0)]).to(u.device)
    out = torch.zeros(u.shape[:-dim] + (n,) * dim, dtype=spectrum.dtype, device=u.device)
    src = [index % m] * dim
    dst = [index % n] * dim
    if dim == 1:
        out[..., dst[0]] = spectrum[..., src[0]]
    else:
        out[..., dst[0][:, None], dst[1][None, :]] = spectrum[..., src[0][:, None], src[1][None, :]]
    return torch.fft.ifftn(out, dim=_axes(dim)).real * (n / m) ** dim


def grid_points(n: int, length: float = 1.0, dtype=torch.float64, device=None) -> torch.Tensor:
    """The periodic grid j L / n, j = 0..n-1."""
    return torch.arange(n, dtype=dtype, device=device) * (length / n)
