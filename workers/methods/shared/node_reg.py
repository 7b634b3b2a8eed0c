"""Neural-ODE forward passes with the solver-heuristic regularizers of Pal et al. (2021, 2023)
and their baselines, on the adaptive solvers of ``ode.py`` (backprop through the solver).

    loss = task(z(T)) + λ · R,   z' = f_θ(z), z(0) = encoder(x), solved by an adaptive 5(4) pair

Regularizers R (``REGULARIZERS``), each a function (model, z0, settings, rng) -> Forward:

* ``vanilla``: R = 0.
* ``error``: global error regularization (Pal, Ma, Shah, Rackauckas, ICML 2021):
  R_E = Σ_{accepted j} EEst_j · |dt_j|, EEst_j the embedded error estimate the solver computes anyway.
* ``stiffness``: R_S = Σ_j ŝ_j · |dt_j|, ŝ_j = ‖k₇ − k₆‖ / ‖y₁ − Y₆‖ the stage-based stiffness estimate
  (same paper), added to R_E with its own weight.
* ``local_unbiased``: local regularization (Pal, Edelman, Rackauckas, ICML 2023): τ ~ U(0, T),
  u_τ = z(τ) from the solve (detached: the integrator is built outside the graph), then one step of
  the same pair from (τ, u_τ) with the controller's dt at τ: R = EEst(u_τ, dt; θ) · dt.
* ``local_biased``: the same, τ drawn from the solver's accepted step starts (u_τ, dt_τ from the solve).
* ``taynode``: TayNODE (Kelly et al. 2020) with K = 2: R = ∫₀ᵀ ‖d²z/dt²‖² dt / dim, d²z/dt² = J_f f
  computed by forward mode (torch.func.jvp), integrated as an extra state component.
* ``steer``: STEER (Ghosh et al. 2020): the end time drawn from U(T − b, T + b) in training, R = 0.

At test time every model is solved plainly, without regularizer, at the same rtol/atol.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch
from torch import nn
from torch.func import jvp

from .ode import OdeSolution, StepRecord, odeint_adaptive, single_step


@dataclass(frozen=True)
class SolverSettings:
    method: str = "tsit5"
    rtol: float = 1e-4
    atol: float = 1e-6
    t_end: float = 1.0
    max_steps: int = 2000
    lambda_error: float = 1.0
    lambda_stiffness: float = 0.0
    lambda_taylor: float = 0.01
    steer_half_width: float = 0.5


@dataclass
class Forward:
    z1: torch.Tensor
    regularizer: torch.Tensor  # λ·R, already weighted
    nfe: int
    steps: int


class Dynamics(nn.Module):
    """f_θ(t, z) = W₂ tanh(W₁ z + b₁) + b₂ (autonomous, as in the papers' MNIST models)."""

    def __init__(self, dim: int, width: int):
        super().__init__()
        self.inner, self.outer = nn.Linear(dim, width), nn.Linear(width, dim)

    def forward(self, t: float, z: torch.Tensor) -> torch.Tensor:
        return self.outer(torch.tanh(self.inner(z)))


class OdeClassifier(nn.Module):
    """x -> linear encoder -> z(0) -> ODE on [0, T] -> linear head -> logits."""

    def __init__(self, features: int, dim: int, width: int, classes: int):
        super().__init__()
        self.encoder = nn.Linear(features, dim)
        self.dynamics = Dynamics(dim, width)
        self.head = nn.Linear(dim, classes)


def solve(dynamics, z0: torch.Tensor, s: SolverSettings, t_eval=None, on_accept=None) -> OdeSolution:
    return odeint_adaptive(dynamics, z0, t_eval or [0.0, s.t_end], method=s.method, rtol=s.rtol, atol=s.atol,
                           max_steps=s.max_steps, on_accept=on_accept)


def _zero(z0: torch.Tensor) -> torch.Tensor:
    return z0.new_zeros(())


def vanilla(dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    sol = solve(dynamics, z0, s)
    return Forward(sol.ys[-1], _zero(z0), sol.stats.nfe, sol.stats.accepted)


def global_heuristics(dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    """λ_E Σ EEst_j dt_j + λ_S Σ ŝ_j dt_j over every accepted step, differentiable."""
    terms: list[torch.Tensor] = []

    def on_accept(step: StepRecord) -> None:
        term = s.lambda_error * step.error_norm * step.dt
        if s.lambda_stiffness:
            term = term + s.lambda_stiffness * step.stiffness * step.dt
        terms.append(term)

    sol = solve(dynamics, z0, s, on_accept=on_accept)
    return Forward(sol.ys[-1], torch.stack(terms).sum(), sol.stats.nfe, sol.stats.accepted)


def _local_step(dynamics, tau: float, u_tau: torch.Tensor, dt: float, s: SolverSettings) -> torch.Tensor:
    step = single_step(dynamics, tau, u_tau.detach(), dt, s.method, s.rtol, s.atol)
    return s.lambda_error * step.error_norm * dt


def local_unbiased(dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    """τ ~ U(0, T) (kept 0.1 % inside so the output times stay increasing), one step from u_τ."""
    tau = float(rng.uniform(1e-3, 1 - 1e-3)) * s.t_end
    sol = solve(dynamics, z0, s, t_eval=[0.0, tau, s.t_end])
    j = max(0, bisect.bisect_right(sol.stats.ts, tau) - 1)
    regularizer = _local_step(dynamics, tau, sol.ys[1], sol.stats.dts[j], s)
    return Forward(sol.ys[-1], regularizer, sol.stats.nfe + 7, sol.stats.accepted)


def local_biased(dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    """τ = the start of a uniformly drawn accepted step, with that step's state and dt."""
    starts: list[torch.Tensor] = []
    sol = solve(dynamics, z0, s, on_accept=lambda step: starts.append(step.y0))
    j = int(rng.integers(len(starts)))
    regularizer = _local_step(dynamics, sol.stats.ts[j], starts[j], sol.stats.dts[j], s)
    return Forward(sol.ys[-1], regularizer, sol.stats.nfe + 7, sol.stats.accepted)


def taynode(dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    """Augmented state [z, r], r' = ‖J_f(z) f(z)‖² / dim: R = mean over the batch of r(T)."""
    dim = z0.shape[-1]

    def augmented(t: float, state: torch.Tensor) -> torch.Tensor:
        z = state[..., :dim]
        velocity = dynamics(t, z)
        _, acceleration = jvp(lambda u: dynamics(t, u), (z,), (velocity,))
        return torch.cat([velocity, acceleration.pow(2).mean(-1, keepdim=True)], -1)

    start = torch.cat([z0, z0.new_zeros(z0.shape[0], 1)], -1)
    sol = solve(augmented, start, s)
    end = sol.ys[-1]
    return Forward(end[..., :dim], s.lambda_taylor * end[..., dim].mean(), sol.stats.nfe, sol.stats.accepted)


def steer(dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    t_end = s.t_end + float(rng.uniform(-s.steer_half_width, s.steer_half_width)) * s.t_end
    sol = solve(dynamics, z0, s, t_eval=[0.0, t_end])
    return Forward(sol.ys[-1], _zero(z0), sol.stats.nfe, sol.stats.accepted)


REGULARIZERS: dict[str, Callable[..., Forward]] = {
    "vanilla": vanilla,
    "error": global_heuristics,
    "stiffness": global_heuristics,
    "local_unbiased": local_unbiased,
    "local_biased": local_biased,
    "taynode": taynode,
    "steer": steer,
}


def regularized_forward(name: str, dynamics, z0, s: SolverSettings, rng: np.random.Generator) -> Forward:
    if name not in REGULARIZERS:
        raise ValueError(f"unknown regularizer {name!r}; known: {', '.join(REGULARIZERS)}")
    return REGULARIZERS[name](dynamics, z0, s, rng)
