"""The Lotka–Volterra system with a hidden interaction term, its reference trajectory and the
sparse noisy measurements.

    dx/dt = α x − β x y,   dy/dt = −δ y + γ x y,   (α, β, γ, δ) = (2/3, 4/3, 1, 1), x(0) = y(0) = 1.

The known part is N(u) = (α x, −δ y); the hidden term F(u) = (−β x y, γ x y) is what the
universal PINN learns and sparse regression turns into a formula.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.integrate import solve_ivp

ALPHA, BETA, GAMMA, DELTA = 2.0 / 3.0, 4.0 / 3.0, 1.0, 1.0
INITIAL = (1.0, 1.0)
VARIABLES = ("x", "y")
HIDDEN_TERM = "x*y"
TRUE_HIDDEN = {HIDDEN_TERM: (-BETA, GAMMA)}
"""The true coefficients of the hidden term in (dx/dt, dy/dt)."""


def known_part(u):
    """N(u) = (α x, −δ y); works on numpy arrays and torch tensors of shape (n, 2)."""
    return _stack(u, ALPHA * u[:, 0], -DELTA * u[:, 1])


def hidden_part(u):
    """F(u) = (−β x y, γ x y)."""
    xy = u[:, 0] * u[:, 1]
    return _stack(u, -BETA * xy, GAMMA * xy)


def full_rhs(u):
    return known_part(u) + hidden_part(u)


def _stack(like, a, b):
    if isinstance(like, np.ndarray):
        return np.stack([a, b], axis=1)
    import torch

    return torch.stack([a, b], dim=1)


def trajectory(times: np.ndarray) -> np.ndarray:
    """The reference solution at ``times`` (solve_ivp, DOP853, rtol 1e-10)."""
    sol = solve_ivp(lambda t, u: full_rhs(u[None, :])[0], (0.0, float(times.max())), INITIAL, method="DOP853",
                    t_eval=times, rtol=1e-10, atol=1e-12)
    return sol.y.T


@dataclass(frozen=True)
class Measurements:
    t: np.ndarray
    """(n,) sample times, evenly spaced on [0, t_end], t_0 = 0."""
    values: np.ndarray
    """(n, 2) noisy states."""
    clean: np.ndarray


def measure(n: int, noise: float, t_end: float, rng: np.random.Generator) -> Measurements:
    """n evenly spaced samples of the trajectory with Gaussian noise of noise · std(component)."""
    t = np.linspace(0.0, t_end, n)
    clean = trajectory(t)
    scale = noise * trajectory(np.linspace(0.0, t_end, 512)).std(axis=0)
    return Measurements(t, clean + rng.standard_normal(clean.shape) * scale, clean)
