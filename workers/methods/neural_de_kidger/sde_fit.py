"""Sub-claim C: a neural SDE fitted to an Ornstein–Uhlenbeck process's marginals, vs a neural ODE.

Data: n paths of dX = κ(m − X) dt + s dW, X₀ = x₀, sampled exactly at K times. Model:
dY = μ_θ(t, Y) dt + σ_θ(t, Y) dW (σ = softplus of a net), Y₀ = x₀, Euler–Maruyama with
reparameterized Brownian increments. Objective (moment matching): Σ_k (mean_k − mean̂_k)² +
(std_k − std̂_k)² over the observation times, normalized by the stationary std. The baseline is
the same drift net with σ ≡ 0 (a neural ODE), trained identically. Evaluation: fresh model paths
against the closed-form mean and std of the OU process.
"""
from __future__ import annotations

import torch
from torch import nn

from ..shared.sde import OrnsteinUhlenbeck, euler_maruyama


class TimeNet(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(2, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(),
                                 nn.Linear(width, 1))

    def forward(self, t: float, y: torch.Tensor) -> torch.Tensor:
        return self.net(torch.stack([y, torch.full_like(y, t)], -1)).squeeze(-1)


class NeuralSDE(nn.Module):
    def __init__(self, width: int, stochastic: bool):
        super().__init__()
        self.drift = TimeNet(width)
        self.diffusion = TimeNet(width) if stochastic else None

    def sigma(self, t: float, y: torch.Tensor) -> torch.Tensor:
        if self.diffusion is None:
            return torch.zeros_like(y)
        return nn.functional.softplus(self.diffusion(t, y))

    def sample(self, x0: float, count: int, t1: float, steps: int, generator) -> torch.Tensor:
        y0 = torch.full((count,), x0, device=generator.device)
        return euler_maruyama(self.drift, self.sigma, y0, 0.0, t1, steps, generator)


def moments(paths: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return paths.mean(-1), paths.std(-1)


def moment_loss(model_paths, data_mean, data_std, scale: float) -> torch.Tensor:
    mean, std = moments(model_paths)
    return (((mean - data_mean) / scale) ** 2 + ((std - data_std) / scale) ** 2).mean()


def marginal_error(model: NeuralSDE, ou: OrnsteinUhlenbeck, *, t1, steps, stride, count, generator) -> dict:
    """max over the observation times of |mean − E X_t| / s∞ and |std − sd X_t| / s∞ (fresh paths)."""
    with torch.no_grad():
        paths = model.sample(ou.x0, count, t1, steps, generator)[stride::stride]
    times = torch.arange(1, paths.shape[0] + 1, device=paths.device) * (t1 / steps * stride)
    mean, std = moments(paths)
    scale = ou.stationary_std
    mean_err = ((mean - ou.mean(times)).abs() / scale).max().item()
    std_err = ((std - ou.variance(times).sqrt()).abs() / scale).max().item()
    return {"marginal_error": mean_err + std_err, "mean_error": mean_err, "std_error": std_err,
            "mean_curve": mean.tolist(), "std_curve": std.tolist(), "times": times.tolist()}


def fit(model: NeuralSDE, data: torch.Tensor, ou: OrnsteinUhlenbeck, *, t1, steps, stride, batch, iterations,
        lr, generator, on_iteration) -> None:
    data_mean, data_std = moments(data)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    decay = torch.optim.lr_scheduler.LambdaLR(optimizer, lambda i: 1.0 - i / iterations)  # averages out path noise
    for it in range(1, iterations + 1):
        optimizer.zero_grad(set_to_none=True)
        paths = model.sample(ou.x0, batch, t1, steps, generator)[stride::stride]
        loss = moment_loss(paths, data_mean, data_std, ou.stationary_std)
        loss.backward()
        optimizer.step()
        decay.step()
        on_iteration(it, loss.item())
