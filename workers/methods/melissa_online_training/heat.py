"""The Melissa heat case: 2-D heat equation u_t = α Δu on the unit square, Dirichlet walls.

Five parameters θ = (T_left, T_right, T_bottom, T_top, T_initial): constant temperatures on the
four walls and a constant initial temperature. n × n interior nodes x_i = (i+1) h, h = 1/(n+1);
five-point Laplacian L, implicit Euler

    (I - α dt L) u^{k+1} = u^k + α dt b,    b = wall temperatures / h² next to each wall,

with the matrix factorized once (``scipy.sparse.linalg.splu``) and reused by every simulation.
A discrete sine mode sin(pπx) sin(qπy) is an eigenvector of L with eigenvalue
-(4/h²)(sin²(pπh/2) + sin²(qπh/2)), so with zero walls it decays by exactly
(1 + α dt λ)^(-k) after k steps: the closed form the tests and the run's control compare against.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import splu

PARAMETER_RANGE = (100.0, 500.0)  # Melissa's heat case: temperatures in [100, 500]


def laplacian(n: int) -> sp.csr_matrix:
    h = 1.0 / (n + 1)
    second = sp.diags([1.0, -2.0, 1.0], [-1, 0, 1], shape=(n, n)) / h**2
    eye = sp.identity(n)
    return (sp.kron(second, eye) + sp.kron(eye, second)).tocsr()


def wall_source(n: int, walls) -> np.ndarray:
    """b: the wall temperatures' contribution to the Laplacian at the nodes next to them (axis 0 = x)."""
    h2 = (1.0 / (n + 1)) ** 2
    left, right, bottom, top = walls
    b = np.zeros((n, n))
    b[0, :] += left / h2
    b[-1, :] += right / h2
    b[:, 0] += bottom / h2
    b[:, -1] += top / h2
    return b.ravel()


class HeatSimulator:
    """Implicit-Euler heat solver on an n × n interior grid; one factorization for all runs."""

    def __init__(self, n: int, alpha: float, dt: float):
        self.n, self.alpha, self.dt = n, alpha, dt
        system = sp.identity(n * n, format="csc") - alpha * dt * laplacian(n).tocsc()
        self.lu = splu(system.tocsc())

    def run(self, u0: np.ndarray, walls, steps: int) -> np.ndarray:
        """Frames after 1..steps time steps: (steps, n, n) float64."""
        u = np.asarray(u0, dtype=float).reshape(-1).copy()
        source = self.alpha * self.dt * wall_source(self.n, walls)
        frames = np.empty((steps, self.n * self.n))
        for k in range(steps):
            u = self.lu.solve(u + source)
            frames[k] = u
        return frames.reshape(steps, self.n, self.n)

    def simulate(self, theta: np.ndarray, steps: int) -> np.ndarray:
        """One Melissa client: θ = (4 walls, initial temperature) -> (steps, n, n) float32."""
        u0 = np.full((self.n, self.n), theta[4])
        return self.run(u0, theta[:4], steps).astype(np.float32)


def sine_mode_decay(n: int, alpha: float, dt: float, steps: int, p: int = 1, q: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """(initial sine mode, its exact discrete value after ``steps`` implicit steps with zero walls)."""
    h = 1.0 / (n + 1)
    x = np.arange(1, n + 1) * h
    mode = np.sin(p * np.pi * x)[:, None] * np.sin(q * np.pi * x)[None, :]
    lam = -(4 / h**2) * (np.sin(p * np.pi * h / 2) ** 2 + np.sin(q * np.pi * h / 2) ** 2)
    return mode, mode * (1 - alpha * dt * lam) ** (-steps)


def closed_form_error(n: int, alpha: float, dt: float, steps: int) -> float:
    """Relative max error of the simulator on a (1, 2) sine mode against its discrete closed form."""
    mode, exact = sine_mode_decay(n, alpha, dt, steps, 1, 2)
    got = HeatSimulator(n, alpha, dt).run(mode, (0.0, 0.0, 0.0, 0.0), steps)[-1]
    return float(np.abs(got - exact).max() / np.abs(exact).max())


def sample_parameters(rng: np.random.Generator, count: int) -> np.ndarray:
    low, high = PARAMETER_RANGE
    return rng.uniform(low, high, size=(count, 5))
