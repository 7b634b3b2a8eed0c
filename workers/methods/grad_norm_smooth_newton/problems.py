"""Test problems with exact and approximate Hessians, and the metric B of the method.

Softmax / LogSumExp (Semenov–Jaggi–Doikov 2025, Sec. on softmax; official notebook
epfml/grad-norm-smooth notebooks/examples.ipynb):

    f(x) = μ log Σ_i exp((a_iᵀx - b_i)/μ) - ⟨g₀, x⟩,   g₀ = Aᵀπ(0)  (so that x* = 0, f* = f(0)),
    π(x) = softmax((Ax - b)/μ),   ∇f = Aᵀπ - g₀,   ∇²f = (1/μ) Aᵀ(Diag π - ππᵀ) A,
    approximate Hessian (weighted Gauss–Newton): H̃ = (1/μ) Aᵀ Diag(π) A  ⪰ ∇²f,   metric B = AᵀA.

L2 logistic regression (shared ``LogisticProblem``), metric B = I, approximate Hessian either the
Hessian of a random subsample of the rows (fresh each iteration, rescaled) or the Hessian frozen at
the start point x₀ = 0, i.e. (1/4n)AᵀA + λI (the classical global upper bound of ∇²f).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import logsumexp, softmax

from ..shared.logistic import LogisticProblem


@dataclass
class Problem:
    """What the methods need: oracles, the metric B (with B⁻¹ applied by Cholesky) and f*."""

    name: str
    x0: np.ndarray
    value: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    hess: Callable[[np.ndarray], np.ndarray]
    approx_hess: Callable[[np.ndarray], np.ndarray]
    B: np.ndarray
    f_star: float | None = None
    approx_label: str = ""

    def __post_init__(self) -> None:
        self._B_chol = np.linalg.cholesky(self.B)

    def precondition(self, g: np.ndarray) -> np.ndarray:
        """B⁻¹g."""
        return solve_triangular(self._B_chol, solve_triangular(self._B_chol, g, lower=True), lower=True, trans="T")

    def dual_norm(self, g: np.ndarray) -> float:
        """||g||_* = (gᵀB⁻¹g)^½ = ||L⁻¹g|| with B = LLᵀ."""
        return float(np.linalg.norm(solve_triangular(self._B_chol, g, lower=True)))


@dataclass(frozen=True)
class LogSumExp:
    A: np.ndarray
    b: np.ndarray
    mu: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "g0", self.A.T @ softmax(-self.b / self.mu))

    def weights(self, x: np.ndarray) -> np.ndarray:
        return softmax((self.A @ x - self.b) / self.mu)

    def value(self, x: np.ndarray) -> float:
        return float(self.mu * logsumexp((self.A @ x - self.b) / self.mu) - self.g0 @ x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.A.T @ self.weights(x) - self.g0

    def hess(self, x: np.ndarray) -> np.ndarray:
        pi = self.weights(x)
        Api = self.A.T @ pi
        return ((self.A.T * pi) @ self.A - np.outer(Api, Api)) / self.mu

    def gauss_newton(self, x: np.ndarray) -> np.ndarray:
        """Weighted Gauss–Newton: drop the -ππᵀ term of the Hessian."""
        return (self.A.T * self.weights(x)) @ self.A / self.mu


def logsumexp_problem(n_functions: int, dim: int, mu: float, rng: np.random.Generator) -> tuple[Problem, LogSumExp]:
    """A, b uniform in [-1, 1] and x₀ = 1 as in the official notebook; x* = 0."""
    lse = LogSumExp(rng.uniform(-1, 1, (n_functions, dim)), rng.uniform(-1, 1, n_functions), mu)
    problem = Problem(
        f"softmax (μ={mu:g})", np.ones(dim), lse.value, lse.grad, lse.hess, lse.gauss_newton,
        lse.A.T @ lse.A, f_star=lse.value(np.zeros(dim)), approx_label="weighted Gauss–Newton",
    )
    return problem, lse


def subsampled_hessian(data: LogisticProblem, fraction: float, rng: np.random.Generator) -> Callable:
    """∇²f estimated on a fresh uniform subsample S of the rows: (1/|S|) Σ_S σ'(z_i) a_i a_iᵀ + λI."""
    n = data.A.shape[0]
    size = max(data.dim, int(np.ceil(fraction * n)))

    def approx(w: np.ndarray) -> np.ndarray:
        rows = rng.choice(n, size=min(size, n), replace=False)
        return LogisticProblem(data.A[rows], data.y[rows], data.lam).hess(w)

    return approx


def logistic_problem(
    data: LogisticProblem, name: str, hessian: str, fraction: float, rng: np.random.Generator
) -> Problem:
    x0 = np.zeros(data.dim)
    if hessian == "subsampled":
        approx, label = subsampled_hessian(data, fraction, rng), f"{fraction:.0%} sub-sampled Hessian"
    else:
        frozen = data.hess(x0)
        approx, label = (lambda w: frozen), "Hessian frozen at x₀"
    return Problem(name, x0, data.value, data.grad, data.hess, approx, np.eye(data.dim), approx_label=label)


def newton_minimum(problem: Problem, tol: float = 1e-13, max_iter: int = 200) -> tuple[np.ndarray, float]:
    """f* by damped Newton (exact Hessian, backtracking) to ||∇f|| ≤ tol: the reference optimum."""
    x = problem.x0.copy()
    for _ in range(max_iter):
        g = problem.grad(x)
        if np.linalg.norm(g) <= tol:
            break
        step = np.linalg.solve(problem.hess(x) + 1e-14 * np.eye(x.size), -g)
        f, t = problem.value(x), 1.0
        while problem.value(x + t * step) > f + 1e-4 * t * (g @ step) and t > 1e-12:
            t *= 0.5
        x = x + t * step
    return x, problem.value(x)
