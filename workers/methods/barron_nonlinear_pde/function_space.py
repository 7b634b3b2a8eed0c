"""The object of the paper's proof: preconditioned gradient descent in function space,
u_{t+1} = u_t − η (I − Δ)^{-1} DE(u_t), DE(u) = −Δu + u + λu³ − f, on the 2-D torus with spectral
(FFT) derivatives, against plain gradient descent u_{t+1} = u_t − η' DE(u_t), whose stable step
shrinks like h². The manufactured u* is a trigonometric polynomial of low degree, so it is the exact
discrete solution on every grid. The spectral Barron proxy Σ_k (1 + 2π|k|)|û(k)| of the iterates is
tracked: the proof needs it to stay bounded along the iteration.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class TorusProblem:
    n: int
    nonlinearity: float
    u_star: np.ndarray
    source: np.ndarray
    wave2: np.ndarray  # 4π²|k|² on the FFT grid

    def laplacian(self, u: np.ndarray) -> np.ndarray:
        return np.real(np.fft.ifft2(-self.wave2 * np.fft.fft2(u)))

    def gradient(self, u: np.ndarray) -> np.ndarray:
        """DE(u), the L² gradient of E(u) = ∫ ½|∇u|² + ½u² + (λ/4)u⁴ − f u."""
        return -self.laplacian(u) + u + self.nonlinearity * u**3 - self.source

    def precondition(self, g: np.ndarray) -> np.ndarray:
        return np.real(np.fft.ifft2(np.fft.fft2(g) / (1 + self.wave2)))

    def barron_proxy(self, u: np.ndarray) -> float:
        coefficients = np.abs(np.fft.fft2(u)) / u.size
        return float(np.sum((1 + np.sqrt(self.wave2)) * coefficients))

    def relative_error(self, u: np.ndarray) -> float:
        return float(np.linalg.norm(u - self.u_star) / np.linalg.norm(self.u_star))


def torus_problem(n: int, nonlinearity: float, modes: list[tuple[int, int, float]]) -> TorusProblem:
    """u* = Σ a cos(2π(k1 x + k2 y)) over ``modes`` (k1, k2, a); f = −Δu* + u* + λu*³ exactly."""
    x = np.arange(n) / n
    xx, yy = np.meshgrid(x, x, indexing="ij")
    u = sum(a * np.cos(2 * math.pi * (k1 * xx + k2 * yy)) for k1, k2, a in modes)
    lap = sum(-a * 4 * math.pi**2 * (k1**2 + k2**2) * np.cos(2 * math.pi * (k1 * xx + k2 * yy)) for k1, k2, a in modes)
    k = np.fft.fftfreq(n, d=1.0 / n)
    wave2 = 4 * math.pi**2 * (k[:, None] ** 2 + k[None, :] ** 2)
    return TorusProblem(n, nonlinearity, u, -lap + u + nonlinearity * u**3, wave2)


def step_sizes(problem: TorusProblem) -> tuple[float, float]:
    """(preconditioned, plain) steps of 1/L with L the largest curvature each method sees near u*:
    1 + 3λ max u*² after preconditioning, 1 + max 4π²|k|² + 3λ max u*² without."""
    curvature = 3 * problem.nonlinearity * float(np.max(problem.u_star**2))
    return 1.0 / (1.0 + curvature), 1.0 / (1.0 + float(problem.wave2.max()) + curvature)


def descend(problem: TorusProblem, preconditioned: bool, tol: float, max_iters: int, on_iterate=None) -> dict:
    """Iterate from u = 0 until the relative error is below ``tol`` or ``max_iters``; the contraction
    per iteration is fitted over the run (for the plain method, which stops at its cap)."""
    eta = step_sizes(problem)[0 if preconditioned else 1]
    u = np.zeros_like(problem.u_star)
    errors, proxies = [problem.relative_error(u)], [problem.barron_proxy(u)]
    for t in range(1, max_iters + 1):
        g = problem.gradient(u)
        u = u - eta * (problem.precondition(g) if preconditioned else g)
        errors.append(problem.relative_error(u))
        proxies.append(problem.barron_proxy(u))
        if on_iterate is not None:
            on_iterate(t, errors[-1], proxies[-1])
        if errors[-1] <= tol or not math.isfinite(errors[-1]):
            break
    iterations = len(errors) - 1
    rate = (errors[-1] / errors[0]) ** (1.0 / iterations) if errors[-1] > 0 else 0.0
    reached = errors[-1] <= tol
    estimate = iterations if reached else (math.log(tol / errors[0]) / math.log(rate) if 0 < rate < 1 else math.inf)
    return {"iterations": iterations, "reached_tol": reached, "iterations_to_tol": estimate, "rate": rate,
            "final_error": errors[-1], "proxy_ratio": max(proxies) / problem.barron_proxy(problem.u_star),
            "step": eta}
