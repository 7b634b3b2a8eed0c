"""Collocation samplers of equal budget (n points per draw) for the peak problem on [−1, 1]^d.

* ``uniform``: i.i.d. uniform points.
* ``rad`` (residual-based adaptive distribution, Wu et al., CMAME 403 (2023) 115671): from a pool
  of uniform points keep n drawn with probability ∝ |r|^k / mean|r|^k + c.
* ``aas`` (adversarial adaptive sampling, Tang et al., ICLR 2024): a generator
  x = T_α(z) = erf((z + g_α(z)) / √2), z ~ N(0, I) (uniform on the box while g_α = 0) is updated by
  Adam to maximise  E_{p_α}[r²] / E_unif[r²] − β W_ε(p_α, Unif) / diam²,  the entropic transport cost
  W_ε keeping p_α from collapsing onto the largest residuals; the PINN then trains on its samples.
Every draw is a zero-argument callable (a kit ``Term``'s points) that reads the current model.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np
import torch
from torch import Tensor, nn

from ..shared.pinn import mlp
from .transport import entropic_transport_cost

Residual = Callable[[nn.Module, Tensor], Tensor]


def uniform_points(n: int, dim: int, rng: np.random.Generator, device) -> Tensor:
    return torch.as_tensor(rng.uniform(-1.0, 1.0, (n, dim)), dtype=torch.float32, device=device)


class RadSampler:
    def __init__(self, model: nn.Module, residual: Residual, n: int, dim: int, rng, device, pool_factor: int = 4,
                 k: float = 1.0, c: float = 1.0):
        self.model, self.residual, self.n, self.dim, self.rng, self.device = model, residual, n, dim, rng, device
        self.pool_factor, self.k, self.c = pool_factor, k, c

    def __call__(self) -> Tensor:
        pool = uniform_points(self.n * self.pool_factor, self.dim, self.rng, self.device).requires_grad_(True)
        size = self.residual(self.model, pool).detach().abs().pow(self.k).cpu().double().numpy()
        weights = size / max(size.mean(), 1e-300) + self.c
        chosen = self.rng.choice(pool.shape[0], size=self.n, replace=False, p=weights / weights.sum())
        return pool[torch.as_tensor(chosen, device=self.device)].detach()


class TransportMap(nn.Module):
    """x = erf((z + g(z)) / √2): bounded in (−1, 1)^d, uniform while g = 0 (its last layer starts at zero)."""

    def __init__(self, dim: int, width: int, depth: int):
        super().__init__()
        self.shift = mlp(dim, width, depth, dim)
        nn.init.zeros_(self.shift[-1].weight)

    def forward(self, z: Tensor) -> Tensor:
        return torch.erf((z + self.shift(z)) / math.sqrt(2.0))


class AdversarialSampler:
    def __init__(self, model: nn.Module, residual: Residual, n: int, dim: int, generator: torch.Generator, rng,
                 device, config, log: Callable[[dict], None] | None = None):
        self.model, self.residual, self.n, self.dim = model, residual, n, dim
        self.generator, self.rng, self.device, self.config, self.log = generator, rng, device, config, log
        self.map = TransportMap(dim, config.sampler_width, config.sampler_depth).to(device)
        self.optimizer = torch.optim.Adam(self.map.parameters(), lr=config.sampler_lr)
        self.updates = 0

    def latent(self, n: int) -> Tensor:
        return torch.randn(n, self.dim, generator=self.generator, device=self.device)

    def objective(self) -> tuple[Tensor, dict[str, float]]:
        """E_p[r²] / E_unif[r²] − β W_ε(p_α sample, uniform sample) / diam² (to be maximised)."""
        x = self.map(self.latent(self.n))
        adversarial = self.residual(self.model, x).pow(2).mean()
        reference = uniform_points(self.n, self.dim, self.rng, self.device).requires_grad_(True)
        level = self.residual(self.model, reference).detach().pow(2).mean().clamp_min(1e-30)
        m = self.config.ot_points
        distance = entropic_transport_cost(x[:m], reference[:m].detach(), self.config.ot_epsilon,
                                           self.config.ot_iterations) / (4.0 * self.dim)
        value = adversarial / level - self.config.ot_weight * distance
        return value, {"residual gain": float(adversarial.detach() / level), "transport cost": float(distance.detach())}

    def update(self) -> None:
        for _ in range(self.config.sampler_steps):
            value, numbers = self.objective()
            params = list(self.map.parameters())
            grads = torch.autograd.grad(-value, params)
            for p, g in zip(params, grads):
                p.grad = g
            self.optimizer.step()
        self.updates += 1
        if self.log is not None:
            self.log(numbers)

    def __call__(self) -> Tensor:
        self.update()
        with torch.no_grad():
            return self.map(self.latent(self.n))
