"""Lagrangian particles in a random steady incompressible flow in the unit box (the data generator).

Stream function ψ(x, y) = Σ_{m,n=1..M} a_mn sin(mπx) sin(nπy), velocity (u, v) = (ψ_y, -ψ_x):
divergence-free, with no flow through the walls, so particles stay in [0, 1]². The coefficients
are N(0, 1)/(m² + n²), one set per trajectory, scaled so the largest speed on a 33 × 33 grid is 1.
Positions advance by classical RK4 with ``substeps`` steps per output step Δt.
"""
from __future__ import annotations

import numpy as np


def random_coefficients(rng: np.random.Generator, count: int, modes: int) -> np.ndarray:
    m = np.arange(1, modes + 1)
    a = rng.standard_normal((count, modes, modes)) / (m[:, None] ** 2 + m[None, :] ** 2)
    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 33)] * 2, indexing="ij"), axis=-1).reshape(1, -1, 2)
    speed = np.linalg.norm(velocity(a, np.repeat(grid, count, axis=0)), axis=-1).max(axis=1)
    return a / speed[:, None, None]


def velocity(a: np.ndarray, x: np.ndarray) -> np.ndarray:
    """(u, v) at points x (traj, N, 2) for coefficients a (traj, M, M)."""
    m = np.arange(1, a.shape[-1] + 1) * np.pi
    px, py = x[..., 0:1] * m, x[..., 1:2] * m  # (traj, N, M)
    u = np.einsum("tpm,tpn,tmn->tp", np.sin(px), np.cos(py) * m, a)
    v = -np.einsum("tpm,tpn,tmn->tp", np.cos(px) * m, np.sin(py), a)
    return np.stack([u, v], axis=-1)


def rk4_step(a: np.ndarray, x: np.ndarray, h: float) -> np.ndarray:
    k1 = velocity(a, x)
    k2 = velocity(a, x + h / 2 * k1)
    k3 = velocity(a, x + h / 2 * k2)
    k4 = velocity(a, x + h * k3)
    return x + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def trajectories(a: np.ndarray, x0: np.ndarray, dt: float, steps: int, substeps: int = 4) -> np.ndarray:
    """Positions at t = 0, dt, ..., steps·dt: (traj, steps+1, N, 2) float64."""
    out = [x0]
    x = x0
    for _ in range(steps):
        for _ in range(substeps):
            x = rk4_step(a, x, dt / substeps)
        out.append(x)
    return np.stack(out, axis=1)


def initial_positions(rng: np.random.Generator, count: int, particles: int, margin: float = 0.05) -> np.ndarray:
    return rng.uniform(margin, 1 - margin, size=(count, particles, 2))
