"""Algorithm 1 of Semenov, Jaggi, Doikov, "Gradient-Normalized Smoothness for Optimization with
Approximate Hessians" (arXiv 2506.13710; official code epfml/grad-norm-smooth src/methods.py), and the
first-order baselines of the same file (gradient method and fast gradient method with line search).

Algorithm 1 (gradient-regularized Newton with an approximate Hessian H̃ and adaptive γ):

    λ_k = ||∇f(x_k)||_* / γ_k,   x⁺ = x_k - (H̃(x_k) + λ_k B)⁻¹ ∇f(x_k),
    accept when f(x_k) - f(x⁺) ≥ ||∇f(x⁺)||_*² / (8 λ_k)  and then γ ← 2γ; otherwise γ ← γ/2, retry
    (at most 40 tries, the last one is taken as is).

Every method is a generator of ``Step`` records, one per iteration (k = 0 is the start point), so the
caller logs and stops it; none of them knows f*.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterator

import numpy as np
from scipy.linalg import cho_factor, cho_solve

from .problems import Problem

MAX_ADAPTIVE_TRIES = 40


@dataclass(frozen=True)
class Step:
    k: int
    f: float
    grad_calls: int
    linear_solves: int
    parameter: float  # γ_k for Algorithm 1, L_k for the gradient methods


def grad_norm_smooth(
    problem: Problem, hessian: Callable[[np.ndarray], np.ndarray], gamma0: float = 1.0,
    gamma_min: float = 1e-9, eps: float = 1e-8,
) -> Iterator[Step]:
    """Algorithm 1; ``hessian`` is the exact ∇²f or an approximation H̃."""
    x = problem.x0.astype(float).copy()
    f, g = problem.value(x), problem.grad(x)
    g_norm, gamma = problem.dual_norm(g), gamma0
    grad_calls, solves, k = 1, 0, 0
    while True:
        yield Step(k, f, grad_calls, solves, gamma)
        H = hessian(x)
        for _ in range(MAX_ADAPTIVE_TRIES):
            lam = g_norm / (gamma + eps)
            try:
                delta = cho_solve(cho_factor(H + lam * problem.B), -g)
            except np.linalg.LinAlgError:
                gamma *= 0.5
                continue
            solves += 1
            f_new, g_new = problem.value(x + delta), problem.grad(x + delta)
            grad_calls += 1
            g_new_norm = problem.dual_norm(g_new)
            if f - f_new >= g_new_norm**2 / (8 * lam):
                gamma = max(2 * gamma, gamma_min)
                break
            gamma *= 0.5
        x, f, g, g_norm, k = x + delta, f_new, g_new, g_new_norm, k + 1


def gradient_method(problem: Problem, L0: float = 1.0, L_min: float = 1e-5) -> Iterator[Step]:
    """x⁺ = x - B⁻¹∇f(x)/L with backtracking on f(x⁺) ≤ f + ⟨∇f, x⁺-x⟩ + (L/2)||x⁺-x||²_B."""
    x = problem.x0.astype(float).copy()
    f, g, L = problem.value(x), problem.grad(x), L0
    grad_calls, k = 1, 0
    while True:
        yield Step(k, f, grad_calls, 0, L)
        for _ in range(30):
            step = -problem.precondition(g) / L
            f_new = problem.value(x + step)
            if f_new <= f + g @ step + 0.5 * L * step @ problem.B @ step:
                L = max(0.5 * L, L_min)
                break
            L *= 2
        x, f = x + step, f_new
        g = problem.grad(x)
        grad_calls, k = grad_calls + 1, k + 1


def fast_gradient_method(problem: Problem, L0: float = 1.0, L_min: float = 1e-5) -> Iterator[Step]:
    """Nesterov's accelerated gradient method with backtracking (estimate-sequence form):

        a = (1 + √(1 + 4AL)) / (2L),  y = (a v + A x)/(a + A),  T = y - B⁻¹∇f(y)/L  (line search on L),
        v ← x + ((A + a)/a)(T - x),  A ← A + a,  x ← T.
    """
    x = problem.x0.astype(float).copy()
    v = x.copy()
    f, L, A = problem.value(x), L0, 0.0
    grad_calls, k = 1, 0
    while True:
        yield Step(k, f, grad_calls, 0, L)
        for _ in range(30):
            a = (1 + np.sqrt(1 + 4 * A * L)) / (2 * L)
            y = (a * v + A * x) / (a + A)
            g_y = problem.grad(y)
            grad_calls += 1
            step = -problem.precondition(g_y) / L
            f_T, f_y = problem.value(y + step), problem.value(y)
            if f_T <= f_y + g_y @ step + 0.5 * L * step @ problem.B @ step:
                L = max(0.5 * L, L_min)
                break
            L *= 2
        T = y + step
        v = x + ((A + a) / a) * (T - x)
        A, x, f, k = A + a, T, f_T, k + 1
