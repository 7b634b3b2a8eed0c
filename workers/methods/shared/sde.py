"""Euler–Maruyama for Itô SDEs with diagonal noise, and the Ornstein–Uhlenbeck closed form.

dY = μ(t, Y) dt + σ(t, Y) dW (σ elementwise, diagonal noise). Euler–Maruyama:
Y_{k+1} = Y_k + μ(t_k, Y_k) h + σ(t_k, Y_k) √h ξ_k, ξ_k ~ N(0, I), strong order ½, weak order 1.
The Brownian increments are drawn from a given generator, so paths are reproducible and the
whole path is differentiable in μ and σ (reparameterization), as a neural SDE is trained.

Ornstein–Uhlenbeck dX = κ(m − X) dt + s dW, X₀ = x₀:
E X_t = m + (x₀ − m) e^{−κt},  Var X_t = s²(1 − e^{−2κt}) / (2κ).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

Field = Callable[[float, torch.Tensor], torch.Tensor]


def euler_maruyama(drift: Field, diffusion: Field, y0: torch.Tensor, t0: float, t1: float, steps: int,
                   generator: torch.Generator | None = None) -> torch.Tensor:
    """The path at the steps + 1 grid times: a tensor (steps + 1, *y0.shape)."""
    h = (t1 - t0) / steps
    root_h = math.sqrt(h)
    y, path = y0, [y0]
    for i in range(steps):
        t = t0 + i * h
        noise = torch.randn(y.shape, generator=generator, device=y.device, dtype=y.dtype)
        y = y + drift(t, y) * h + diffusion(t, y) * root_h * noise
        path.append(y)
    return torch.stack(path)


@dataclass(frozen=True)
class OrnsteinUhlenbeck:
    kappa: float
    mean_level: float
    sigma: float
    x0: float

    def mean(self, t):
        return self.mean_level + (self.x0 - self.mean_level) * torch.exp(-self.kappa * torch.as_tensor(t))

    def variance(self, t):
        return self.sigma ** 2 * (1 - torch.exp(-2 * self.kappa * torch.as_tensor(t))) / (2 * self.kappa)

    @property
    def stationary_std(self) -> float:
        return self.sigma / math.sqrt(2 * self.kappa)

    def drift(self, t: float, x: torch.Tensor) -> torch.Tensor:
        return self.kappa * (self.mean_level - x)

    def diffusion(self, t: float, x: torch.Tensor) -> torch.Tensor:
        return torch.full_like(x, self.sigma)

    def exact_paths(self, times: torch.Tensor, count: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """Samples of (X_{t_1}, ..., X_{t_K}) by the exact Gaussian transition: shape (K, count)."""
        x = torch.full((count,), self.x0, dtype=times.dtype, device=times.device)
        out, previous = [], 0.0
        for t in times.tolist():
            decay = math.exp(-self.kappa * (t - previous))
            std = self.sigma * math.sqrt((1 - decay ** 2) / (2 * self.kappa))
            noise = torch.randn(x.shape, generator=generator, device=x.device, dtype=x.dtype)
            x = self.mean_level + (x - self.mean_level) * decay + std * noise
            out.append(x)
            previous = t
        return torch.stack(out)
