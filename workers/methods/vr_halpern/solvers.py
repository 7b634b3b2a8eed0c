"""The method and its baselines, each counting component evaluations through an `Oracle`.

All three stop once the computable residual ‖F(z)‖ ≤ target (the residual of a point whose full
operator value the method itself has just computed) or once `budget` component calls are spent,
and report `on_point(calls, residual)` after each such evaluation.

VR-Halpern (Cai, Alacaoglu & Diakonikolas, ICLR 2024, Alg. 2, reconstructed): inexact Halpern
iteration on the resolvent J = (I + ηF)⁻¹,

    u_k ≈ J(z_k),   z_{k+1} = λ_k z_0 + (1 − λ_k) u_k,   λ_k = 1/(k + 2),

where u_k solves the 1/η-strongly monotone problem 0 = F(u) + (u − z_k)/η by a variance-reduced
stochastic method, until ‖ηF(u) + u − z_k‖ ≤ ε_k = c·η‖F(z_0)‖/(k + 2)² (this bounds ‖u − J(z_k)‖
by 1-strong monotonicity of I + ηF). With η = c_η/(L√p), p = 2/n, each resolvent costs O(n log)
calls and O(L/(√n ε)) of them are needed: Õ(n + √n L/ε) in all. The residual reported is ‖F(u_k)‖.

Inner solver: loopless-SVRG extragradient (Alacaoglu & Malitsky, COLT 2022, Alg. 1) with the prox of
g(u) = ‖u − z_k‖²/(2η): z̄ = (1−p)v + p w, v½ = prox(z̄ − τF(w)), v⁺ = prox(z̄ − τ[F(w) + F_i(v½) − F_i(w)]),
snapshot w ← v⁺ with probability p, τ = γ√p/L (L: mean-square Lipschitz constant). The paper uses
VR-FoRB there; both have the same complexity on strongly monotone problems.

Baselines with the full operator (n calls per evaluation):
  * deterministic Halpern for monotone Lipschitz F, the anchored extragradient in the FEG form
    (Lee & Kim 2021; EAG: Yoon & Ryu 2021) with step 1/L_F, β_k = 1/(k + 2):
    z½ = z + β(z_0 − z) − (1 − β)ηF(z),   z⁺ = z + β(z_0 − z) − ηF(z½);
  * extragradient (Korpelevich 1976): z½ = z − ηF(z), z⁺ = z − ηF(z½), η < 1/L_F.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .problem import Oracle

OnPoint = Callable[[int, float], None]


@dataclass
class SolveResult:
    calls_to_target: int | None  # None: the budget ran out first
    residual: float
    solution: np.ndarray
    iterations: int


@dataclass
class ResolventSolver:
    """Loopless-SVRG extragradient for 0 = F(v) + (v − anchor)/η, snapshot (w, F(w)) carried over.

    prox(x) = argmin_u ‖u − anchor‖²/(2η) + ‖u − x‖²/(2τ) = a·x + (1 − a)·anchor, a = η/(η + τ), so
    v½ = a·z̄ + s and v⁺ = v½ − aτ(F_i(v½) − F_i(w)) with s = (1 − a)·anchor − aτF(w) fixed between
    snapshots. The snapshot coin (probability p per step) is drawn as the geometric number of steps
    until it comes up, which is the same law; the indices of those steps are drawn at once.
    """

    oracle: Oracle
    eta: float
    tau: float
    p: float
    rng: np.random.Generator
    budget: int
    keep_alive: Callable[[], None]

    def solve(self, anchor, v, w, F_w, tolerance):
        """Iterate until ‖ηF(w) + w − anchor‖ ≤ tolerance at a snapshot; returns (w, F(w)) or None."""
        while np.linalg.norm(self.eta * F_w + w - anchor) > tolerance:
            v = self.steps_until_snapshot(anchor, v, w, F_w)
            w, F_w = v, self.oracle.full(v)
            self.keep_alive()
            if self.oracle.calls > self.budget:
                return None
        return w, F_w

    def steps_until_snapshot(self, anchor, v, w, F_w):
        a = self.eta / (self.eta + self.tau)
        shift = (1 - a) * anchor - a * self.tau * F_w
        anchored_snapshot = self.p * w
        matrices = self.oracle.component_matrices()
        steps = self.rng.geometric(self.p)
        for i in self.rng.integers(self.oracle.n, size=steps):
            half = a * ((1 - self.p) * v + anchored_snapshot) + shift
            v = half - (a * self.tau) * (matrices[i] @ (half - w))
        self.oracle.charge(2 * steps)  # F_i(v½) and F_i(w) at every step
        return v


def vr_halpern(oracle: Oracle, z0, target, budget, rng, on_point: OnPoint, keep_alive, *,
               lipschitz: float, gamma=0.95, resolvent_scale=1.0, tolerance_scale=1.0) -> SolveResult:
    p = min(1.0, 2.0 / oracle.n)
    eta = resolvent_scale / (lipschitz * np.sqrt(p))
    inner = ResolventSolver(oracle, eta, gamma * np.sqrt(p) / lipschitz, p, rng, budget, keep_alive)
    F_w = oracle.full(z0)
    w, z, residual, k = z0.copy(), z0.copy(), float(np.linalg.norm(F_w)), 0
    on_point(oracle.calls, residual)
    scale = tolerance_scale * eta * residual
    while residual > target:
        solved = inner.solve(z, w, w, F_w, scale / (k + 2) ** 2)
        if solved is None:
            return SolveResult(None, residual, w, k)
        w, F_w = solved
        residual = float(np.linalg.norm(F_w))
        on_point(oracle.calls, residual)
        z = z0 / (k + 2) + (1 - 1 / (k + 2)) * w
        k += 1
    return SolveResult(oracle.calls, residual, w, k)


def anchored_extragradient(oracle: Oracle, z0, target, budget, on_point: OnPoint, *, lipschitz: float) -> SolveResult:
    eta = 1.0 / lipschitz
    z, F_z, k = z0.copy(), oracle.full(z0), 0
    residual = float(np.linalg.norm(F_z))
    on_point(oracle.calls, residual)
    while residual > target:
        if oracle.calls + 2 * oracle.n > budget:
            return SolveResult(None, residual, z, k)
        beta = 1.0 / (k + 2)
        anchored = z + beta * (z0 - z)
        F_half = oracle.full(anchored - (1 - beta) * eta * F_z)
        z = anchored - eta * F_half
        F_z = oracle.full(z)
        residual = float(np.linalg.norm(F_z))
        on_point(oracle.calls, residual)
        k += 1
    return SolveResult(oracle.calls, residual, z, k)


def extragradient(oracle: Oracle, z0, target, budget, on_point: OnPoint, *, lipschitz: float,
                  step_fraction=0.9) -> SolveResult:
    eta = step_fraction / lipschitz
    z, F_z, k = z0.copy(), oracle.full(z0), 0
    residual = float(np.linalg.norm(F_z))
    on_point(oracle.calls, residual)
    while residual > target:
        if oracle.calls + 2 * oracle.n > budget:
            return SolveResult(None, residual, z, k)
        z = z - eta * oracle.full(z - eta * F_z)
        F_z = oracle.full(z)
        residual = float(np.linalg.norm(F_z))
        on_point(oracle.calls, residual)
        k += 1
    return SolveResult(oracle.calls, residual, z, k)


def exact_resolvent_halpern(resolvent: Callable[[np.ndarray], np.ndarray], z0, iterations: int) -> list[np.ndarray]:
    """Halpern's iteration z_{k+1} = λ_k z_0 + (1 − λ_k) T(z_k), λ_k = 1/(k+2), for a nonexpansive T
    (here the exact resolvent); the reference for Lieder's bound ‖z_N − T z_N‖ ≤ 2‖z_0 − z*‖/(N + 1)."""
    iterates = [z0]
    for k in range(iterations):
        iterates.append(z0 / (k + 2) + (1 - 1 / (k + 2)) * resolvent(iterates[-1]))
    return iterates


def vr_extragradient(oracle: Oracle, z0, target, budget, rng, on_point: OnPoint, keep_alive, *,
                     lipschitz: float, gamma=0.95) -> SolveResult:
    """VR-EG, the loopless-SVRG extragradient of Alacaoglu & Malitsky (COLT 2022, Alg. 1) on F itself
    (g = 0): z̄ = (1−p)v + pw, v½ = z̄ − τF(w), v⁺ = v½ − τ(F_i(v½) − F_i(w)), snapshot w ← v⁺ with
    probability p = 2/n, τ = γ√p/L. The residual ‖F(w)‖ is read at snapshots (computed anyway)."""
    p, matrices = min(1.0, 2.0 / oracle.n), oracle.component_matrices()
    tau = gamma * np.sqrt(p) / lipschitz
    w, F_w, k = z0.copy(), oracle.full(z0), 0
    v, residual = w.copy(), float(np.linalg.norm(F_w))
    on_point(oracle.calls, residual)
    while residual > target:
        if oracle.calls > budget:
            return SolveResult(None, residual, w, k)
        steps = rng.geometric(p)
        for i in rng.integers(oracle.n, size=steps):
            half = (1 - p) * v + p * w - tau * F_w
            v = half - tau * (matrices[i] @ (half - w))
        oracle.charge(2 * steps)
        w, F_w = v, oracle.full(v)
        residual, k = float(np.linalg.norm(F_w)), k + 1
        on_point(oracle.calls, residual)
        keep_alive()
    return SolveResult(oracle.calls, residual, w, k)
