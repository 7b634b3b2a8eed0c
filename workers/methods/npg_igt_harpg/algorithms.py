"""Vanilla PG, N-PG-IGT and N-HARPG as batched steppers over many independent policies.

Each row b of theta (B, S, A) is one run; ``step_size`` (B,) gives each row its own base step,
so a whole step-size grid times seeds advances in one batched call. Every algorithm consumes
trajectories from its own policies only; ``step`` returns the trajectories it used per row.

Fatkhullin, Barakat, Kireeva, He (ICML 2023), with iteration t = 0, 1, ...:
  N-PG-IGT:  eta_t = (2/(t+2))^{4/5}, gamma_t = g0 (2/(t+2))^{3/5}
             theta~ = theta_t + (1 - eta_t)/eta_t (theta_t - theta_{t-1}),  tau ~ pi_theta~
             d_t = (1 - eta_t) d_{t-1} + eta_t g(tau, theta~),  theta_{t+1} = theta_t + gamma_t d_t / |d_t|
  N-HARPG:   eta_t = 2/(t+2), gamma_t = g0 (2/(t+2))^{1/2}, q ~ U[0,1], theta^ = q theta_t + (1-q) theta_{t-1}
             tau ~ pi_theta_t, tau^ ~ pi_theta^,  d_t = (1 - eta_t)(d_{t-1} + B(tau^, theta^)(theta_t - theta_{t-1}))
             + eta_t g(tau, theta_t),  theta_{t+1} = theta_t + gamma_t d_t / |d_t|
  PG(b):     theta_{t+1} = theta_t + alpha * mean of b GPOMDP estimates at theta_t.
"""
from __future__ import annotations

import torch

from ..shared.mdp import TabularMDP, gpomdp, hessian_correction, sample


def _normalised(d: torch.Tensor) -> torch.Tensor:
    return d / d.flatten(1).norm(dim=1).clamp_min(1e-12)[:, None, None]


class VanillaPG:
    def __init__(self, batch: int):
        self.batch = batch

    def start(self, theta: torch.Tensor) -> None:
        pass

    def step(self, t, theta, step_size, mdp: TabularMDP, horizon: int, gen) -> tuple[torch.Tensor, int]:
        rows = theta.repeat_interleave(self.batch, dim=0)
        g = gpomdp(rows, sample(mdp, rows, horizon, gen), mdp.gamma)
        g = g.view(theta.shape[0], self.batch, *theta.shape[1:]).mean(1)
        return theta + step_size[:, None, None] * g, self.batch


class NormalizedIGT:
    def start(self, theta: torch.Tensor) -> None:
        self.previous, self.direction = theta.clone(), None

    def step(self, t, theta, step_size, mdp, horizon, gen):
        eta = (2.0 / (t + 2)) ** 0.8
        gamma_t = step_size * (2.0 / (t + 2)) ** 0.6
        extrapolated = theta + (1.0 - eta) / eta * (theta - self.previous)
        g = gpomdp(extrapolated, sample(mdp, extrapolated, horizon, gen), mdp.gamma)
        self.direction = g if self.direction is None else (1.0 - eta) * self.direction + eta * g
        self.previous = theta
        return theta + gamma_t[:, None, None] * _normalised(self.direction), 1


class NormalizedHARPG:
    def start(self, theta: torch.Tensor) -> None:
        self.previous, self.direction = theta.clone(), None

    def step(self, t, theta, step_size, mdp, horizon, gen):
        eta = 2.0 / (t + 2)
        gamma_t = step_size * (2.0 / (t + 2)) ** 0.5
        g = gpomdp(theta, sample(mdp, theta, horizon, gen), mdp.gamma)
        if self.direction is None:
            self.direction, used = g, 1
        else:
            q = torch.rand(theta.shape[0], 1, 1, generator=gen, device=theta.device, dtype=theta.dtype)
            between = q * theta + (1.0 - q) * self.previous
            move = theta - self.previous
            correction = hessian_correction(between, sample(mdp, between, horizon, gen), mdp.gamma, move)
            self.direction, used = (1.0 - eta) * (self.direction + correction) + eta * g, 2
        self.previous = theta
        return theta + gamma_t[:, None, None] * _normalised(self.direction), used


def make(name: str):
    return {"PG (batch 1)": lambda: VanillaPG(1), "PG (batch 10)": lambda: VanillaPG(10),
            "N-PG-IGT": NormalizedIGT, "N-HARPG": NormalizedHARPG}[name]()


ALGORITHMS = ("PG (batch 1)", "PG (batch 10)", "N-PG-IGT", "N-HARPG")
