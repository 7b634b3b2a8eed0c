"""2-D incompressible Navier–Stokes in vorticity form on the torus [0, 1)², pseudo-spectral.

    ω_t + u·∇ω = ν Δω + f,   u = (ψ_y, -ψ_x),   -Δψ = ω

The viscous term is Crank–Nicolson, the advection and forcing Heun (explicit trapezoid: an
Euler predictor, then the average of both slopes), the nonlinear term dealiased by the 2/3
rule; this is the FNO data generator (Li et al. 2021, CN + explicit advection) with a second
order explicit part. The forcing f is the FNO one, 0.1 (sin 2π(x+y) + cos 2π(x+y)), or none.
Initial vorticity: GRF with covariance 7^{3/2} (-Δ + 49)^{-5/2} (the FNO convention).
"""
from __future__ import annotations

import math

import numpy as np
import torch

from .fields import grf
from .spectral import angular_wavenumbers


def fno_forcing(n: int, device=None) -> torch.Tensor:
    x = torch.arange(n, dtype=torch.float64, device=device) / n
    s = x[:, None] + x[None, :]
    return 0.1 * (torch.sin(2 * math.pi * s) + torch.cos(2 * math.pi * s))


def initial_vorticity(rng: np.random.Generator, count: int, n: int, modes: int | None = None) -> np.ndarray:
    return grf(rng, count, 2, n, modes, alpha=2.5, tau=7.0, sigma=7.0**1.5)


class VorticityStepper:
    def __init__(self, n: int, nu: float, device, forcing: torch.Tensor | None = None):
        kx, ky = angular_wavenumbers(n, 2, 1.0, device)
        self.n, self.nu, self.kx, self.ky = n, nu, kx, ky
        self.lap = kx**2 + ky**2  # -Δ in Fourier
        self.inv_lap = torch.where(self.lap > 0, 1.0 / torch.where(self.lap > 0, self.lap, 1.0), 0.0)
        kmax = n / 3 * 2 * math.pi
        self.mask = ((kx.abs() < kmax) & (ky.abs() < kmax)).to(torch.float64)
        self.forcing = None if forcing is None else torch.fft.rfft2(forcing)

    def slope(self, w_hat: torch.Tensor) -> torch.Tensor:
        """-FFT(u·∇ω) + f̂, dealiased."""
        psi = w_hat * self.inv_lap
        ux = torch.fft.irfft2(1j * self.ky * psi, s=(self.n, self.n))
        uy = torch.fft.irfft2(-1j * self.kx * psi, s=(self.n, self.n))
        wx = torch.fft.irfft2(1j * self.kx * w_hat, s=(self.n, self.n))
        wy = torch.fft.irfft2(1j * self.ky * w_hat, s=(self.n, self.n))
        out = -torch.fft.rfft2(ux * wx + uy * wy) * self.mask
        return out if self.forcing is None else out + self.forcing

    def step(self, w_hat: torch.Tensor, dt: float) -> torch.Tensor:
        explicit = 1.0 - 0.5 * dt * self.nu * self.lap
        implicit = 1.0 + 0.5 * dt * self.nu * self.lap
        first = self.slope(w_hat)
        predicted = (explicit * w_hat + dt * first) / implicit
        return (explicit * w_hat + 0.5 * dt * (first + self.slope(predicted))) / implicit


def navier_stokes(w0: torch.Tensor, nu: float, times: list[float], *, dt: float = 1e-3,
                  forcing: torch.Tensor | None = None, callback=None) -> torch.Tensor:
    """Vorticity at ``times``: (batch, len(times), n, n), float64. The step is shortened to land
    on each output time; ``callback()`` runs once per output time."""
    w0 = w0.to(torch.float64)
    stepper = VorticityStepper(w0.shape[-1], nu, w0.device, forcing)
    w_hat, now, out = torch.fft.rfft2(w0), 0.0, []
    for target in times:
        steps = max(1, math.ceil((target - now) / dt - 1e-9))
        for _ in range(steps):
            w_hat = stepper.step(w_hat, (target - now) / steps)
        now = target
        out.append(torch.fft.irfft2(w_hat, s=w0.shape[-2:]))
        if callback is not None:
            callback()
    return torch.stack(out, dim=1)
