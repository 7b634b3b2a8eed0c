"""Manufactured solutions of −Δu + u + λu³ = f on the torus [0, 1]^d with a Barron norm that does not
depend on d, and the periodic two-layer network that approximates them.

u*(x) = Σ_j a_j cos(2π w_j·x + φ_j) with m terms whose integer frequencies w_j have two non-zero
entries (values ±1, ±2) in coordinates drawn per dimension; amplitudes, phases and frequency values
are drawn once and shared by every d, so the spectral Barron norm Σ_j |a_j| (1 + 2π|w_j|) is the same
for all d. The PDE is the Euler–Lagrange equation of E(u) = ∫ ½|∇u|² + ½u² + (λ/4)u⁴ − f u
(the paper's setting with p = 3); f = Σ_j a_j (1 + 4π²|w_j|²) cos(·) + λu*³ exactly.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from ..shared import pinn


@dataclass(frozen=True)
class Pattern:
    """What every dimension shares: amplitudes, phases and the two frequency values per term."""

    amplitudes: np.ndarray
    phases: np.ndarray
    values: np.ndarray  # (m, 2) integers in {±1, ±2}


def draw_pattern(terms: int, rng: np.random.Generator) -> Pattern:
    amplitudes = rng.normal(size=terms)
    amplitudes /= np.abs(amplitudes).sum()
    values = rng.choice([-2, -1, 1, 2], size=(terms, 2))
    return Pattern(amplitudes, rng.uniform(0, 2 * math.pi, terms), values)


@dataclass(frozen=True)
class Manufactured:
    dim: int
    amplitudes: Tensor
    phases: Tensor
    frequencies: Tensor  # (m, d)
    nonlinearity: float

    def u(self, x: Tensor) -> Tensor:
        return torch.cos(2 * math.pi * x @ self.frequencies.T + self.phases) @ self.amplitudes[:, None]

    def source(self, x: Tensor) -> Tensor:
        modes = torch.cos(2 * math.pi * x @ self.frequencies.T + self.phases)
        stiffness = 1 + 4 * math.pi**2 * (self.frequencies**2).sum(1)
        return modes @ (self.amplitudes * stiffness)[:, None] + self.nonlinearity * self.u(x) ** 3

    def residual(self, model: nn.Module, x: Tensor) -> Tensor:
        u = model(x)
        return -pinn.laplacian(u, x) + u + self.nonlinearity * u**3 - self.source(x)

    @property
    def barron_norm(self) -> float:
        norms = torch.linalg.vector_norm(self.frequencies, dim=1)
        return float((self.amplitudes.abs() * (1 + 2 * math.pi * norms)).sum())


def manufactured(pattern: Pattern, dim: int, nonlinearity: float, rng: np.random.Generator,
                 device, dtype=torch.float32) -> Manufactured:
    terms = len(pattern.amplitudes)
    frequencies = np.zeros((terms, dim))
    for j in range(terms):
        coords = rng.choice(dim, size=min(2, dim), replace=False)
        frequencies[j, coords] = pattern.values[j, : len(coords)]
    as_tensor = lambda a: torch.as_tensor(a, dtype=dtype, device=device)  # noqa: E731
    return Manufactured(dim, as_tensor(pattern.amplitudes), as_tensor(pattern.phases), as_tensor(frequencies), nonlinearity)


class PeriodicTwoLayer(nn.Module):
    """u(x) = c · tanh(A [cos 2πx; sin 2πx] + b) + c0: one hidden layer of ``width`` units on the
    periodic embedding, so u is 1-periodic in every coordinate."""

    def __init__(self, dim: int, width: int):
        super().__init__()
        self.net = pinn.mlp(2 * dim, width, 1, 1, "tanh")

    def forward(self, x: Tensor) -> Tensor:
        angle = 2 * math.pi * x
        return self.net(torch.cat([torch.cos(angle), torch.sin(angle)], dim=-1))
