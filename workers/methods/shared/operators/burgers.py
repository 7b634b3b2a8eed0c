"""Viscous Burgers u_t + (u²/2)_x = ν u_xx on the periodic interval [0, L), pseudo-spectral.

The stiff linear term is integrated exactly (integrating factor e^{-νω²t}) and the dealiased
nonlinear term -(iω/2) FFT(u²) (2/3 rule: modes above n/3 zeroed) by classical RK4 (IF-RK4,
Trefethen, Spectral Methods in MATLAB, p27). The step is fixed per batch by a CFL number on
the initial max |u| (Burgers obeys a maximum principle, so it stays valid) and shortened to
land on every requested output time. ν may differ per sample.
"""
from __future__ import annotations

import math

import torch

from .spectral import angular_wavenumbers


def _dealias_mask(n: int, device) -> torch.Tensor:
    k = torch.fft.rfftfreq(n, d=1.0 / n, device=device)
    return (k < n / 3).to(torch.float64)


class BurgersStepper:
    """IF-RK4 steps of a batch of spectra û (batch, n//2+1) with per-sample ν."""

    def __init__(self, n: int, nu: torch.Tensor, length: float, device):
        (omega,) = angular_wavenumbers(n, 1, length, device)
        self.n = n
        self.omega = omega
        self.linear = -nu.reshape(-1, 1) * omega**2  # L in û_t = L û + N(û)
        self.mask = _dealias_mask(n, device)

    def nonlinear(self, spectrum: torch.Tensor) -> torch.Tensor:
        u = torch.fft.irfft(spectrum * self.mask, n=self.n, dim=-1)
        return -0.5j * self.omega * torch.fft.rfft(u * u, dim=-1) * self.mask

    def step(self, spectrum: torch.Tensor, dt: float) -> torch.Tensor:
        half, full = torch.exp(self.linear * dt / 2), torch.exp(self.linear * dt)
        k1 = dt * self.nonlinear(spectrum)
        k2 = dt * self.nonlinear(half * (spectrum + k1 / 2))
        k3 = dt * self.nonlinear(half * spectrum + k2 / 2)
        k4 = dt * self.nonlinear(full * spectrum + half * k3)
        return full * spectrum + (full * k1 + 2 * half * (k2 + k3) + k4) / 6


def stable_step(u0: torch.Tensor, nu: torch.Tensor, length: float, cfl: float) -> float:
    """dt from the advective CFL number on max |u0| (the viscous term is integrated exactly)."""
    dx = length / u0.shape[-1]
    speed = float(u0.abs().max())
    return cfl * dx / max(speed, 1e-12)


def burgers(u0: torch.Tensor, nu, times: list[float], *, length: float = 1.0, cfl: float = 0.4,
            callback=None) -> torch.Tensor:
    """Solutions at ``times`` (increasing, > 0): a tensor (batch, len(times), n) in u0's dtype.

    ``callback()`` (e.g. a cancellation check) is called once per output time."""
    u0 = u0.to(torch.float64)
    nu = torch.as_tensor(nu, dtype=torch.float64, device=u0.device).expand(u0.shape[0])
    stepper = BurgersStepper(u0.shape[-1], nu, length, u0.device)
    dt_max = stable_step(u0, nu, length, cfl)
    spectrum, now, out = torch.fft.rfft(u0, dim=-1), 0.0, []
    for target in times:
        steps = max(1, math.ceil((target - now) / dt_max - 1e-9))
        dt = (target - now) / steps
        for _ in range(steps):
            spectrum = stepper.step(spectrum, dt)
        now = target
        out.append(torch.fft.irfft(spectrum, n=u0.shape[-1], dim=-1))
        if callback is not None:
            callback()
    return torch.stack(out, dim=1)
