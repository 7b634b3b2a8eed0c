"""AdaSketch-Newton (Na, Dereziński, Mahoney, ICML 2023, Alg. 1; official Julia code
IlgeeHong/AdaSketch-Newton, */AdaSketchNewtonRK/AdaSketchNewtonRK.jl) and its exact-solve baselines.

For min f(x) s.t. c(x) = 0 with L = f + λᵀc, G = ∇c, H = ∇²ₓL, B = H + t·I (t > 0 only when the
reduced Hessian ZᵀHZ is not positive enough), each iteration solves the Newton-KKT system

    K z = b,   K = [[B, Gᵀ], [G, 0]],   b = -[∇ₓL; c],

*inexactly* with randomized Kaczmarz (sketch S = e_i, row i drawn ∝ ||K_i||²) until the adaptive
accuracy condition  ||K||_F ψ ||Kz - b|| ≤ θ_k δ ||b||  holds, where ψ = 20 max(||B||², 1) /
(min(λ_min(GGᵀ), 1) min(ξ_B, 1)) and δ ≤ (½-β)η₂ / ((1+η₁+η₂) Υ² ψ²), Υ = max(||G||, ||H||, 1).
The step is accepted only if it is a descent direction of the exact augmented Lagrangian

    L_η(x, λ) = L + (η₁/2)||c||² + (η₂/2)||∇ₓL||²,
    ∇L_η = [∇ₓL + η₂ H ∇ₓL + η₁ Gᵀc ;  c + η₂ G ∇ₓL],     ∇L_ηᵀz ≤ -(η₂/2)||b||²;

otherwise η₁ ← ν²η₁, η₂ ← η₂/ν, δ ← min(δ/ν⁴, δ_trial) and the sketch solver continues. Then an
Armijo backtracking on L_η chooses α. θ_k = 1 gives the local linear rate, θ_k = 1/(k+1) → 0 the
superlinear one. Replacing the sketch solver by a dense LU solve gives the exact Newton-KKT baseline,
by GMRES an inexact Krylov baseline (same merit function and globalization for all three).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
from scipy.linalg import lu_factor, lu_solve
from scipy.sparse.linalg import gmres

from .problems import EqualityProblem


@dataclass(frozen=True)
class Params:
    eta1: float = 1.0
    eta2: float = 0.1
    delta: float = 0.1
    xi_B: float = 0.1
    beta: float = 0.1
    nu: float = 1.5
    delta_floor: float = 1e-6
    reduced_hessian_floor: float = 1e-6
    max_row_ops: int = 100_000
    sampling: str = "row_norm"
    theta: str = "fixed"  # "fixed": θ_k = 1; "decaying": θ_k = 1/(k+1)
    inner_rtol: float = 0.0  # > 0: stop the inner solve at ||Kz - b|| ≤ θ_k·inner_rtol·||b|| (a forcing term)


@dataclass
class Point:
    """Everything evaluated at (x, λ): ∇ₓL, c, G, H = ∇²ₓL, the KKT residual and the merit pieces."""

    x: np.ndarray
    lam: np.ndarray
    f: float
    c: np.ndarray
    G: np.ndarray
    grad_L: np.ndarray
    H: np.ndarray | None = None

    @property
    def kkt(self) -> float:
        return float(np.hypot(np.linalg.norm(self.grad_L), np.linalg.norm(self.c)))

    def merit(self, eta1: float, eta2: float) -> float:
        return float(self.f + self.lam @ self.c + 0.5 * eta1 * self.c @ self.c + 0.5 * eta2 * self.grad_L @ self.grad_L)

    def merit_grad(self, eta1: float, eta2: float) -> np.ndarray:
        gx = self.grad_L + eta2 * self.H @ self.grad_L + eta1 * self.G.T @ self.c
        return np.concatenate([gx, self.c + eta2 * self.G @ self.grad_L])


def evaluate(problem: EqualityProblem, x: np.ndarray, lam: np.ndarray, with_hessian: bool = True) -> Point:
    G = np.atleast_2d(problem.jac(x))
    point = Point(x, lam, float(problem.f(x)), np.atleast_1d(problem.c(x)), G, problem.grad(x) + G.T @ lam)
    if with_hessian:
        point.H = problem.hess_lagrangian(x, lam)
    return point


@dataclass
class SolveStats:
    row_ops: int = 0
    flops: float = 0.0
    residual: float = 0.0


def kaczmarz(K, b, z, tol, rng, max_row_ops, sampling) -> tuple[np.ndarray, SolveStats]:
    """Randomized Kaczmarz  z ← z - ((K_i z - b_i)/||K_i||²) K_iᵀ  until ||Kz - b|| ≤ tol.

    Flops counted as for the textbook row action: 4N per row operation (the row dot product K_i z
    and one axpy) and 2N² per residual check, done once per sweep of N row operations. (To keep the
    Python loop short it runs in the equivalent dual form z = z₀ + Kᵀy with the residual
    s = b - Kz kept up to date through the Gram rows KK_iᵀ; the iterates are the same.)
    """
    N = b.size
    row_sq = np.einsum("ij,ij->i", K, K)
    probs = row_sq / row_sq.sum() if sampling == "row_norm" else np.full(N, 1.0 / N)
    inv_row_sq = 1.0 / np.maximum(row_sq, 1e-300)
    gram_rows = list(K @ K.T)
    stats = SolveStats()
    y = np.zeros(N)
    s = b - K @ z
    residual = float(np.linalg.norm(s))
    stats.flops += 2 * N * N
    sweeps_per_draw = max(1, 4096 // N)
    while residual > tol and stats.row_ops < max_row_ops:
        order = rng.choice(N, size=(sweeps_per_draw, N), p=probs)
        for sweep in order:
            for i in sweep.tolist():
                step = s[i] * inv_row_sq[i]
                y[i] += step
                s -= step * gram_rows[i]
            stats.row_ops += N
            stats.flops += 6 * N * N
            residual = float(np.linalg.norm(s))
            if residual <= tol or stats.row_ops >= max_row_ops:
                break
    z = z + K.T @ y
    stats.residual = float(np.linalg.norm(K @ z - b))
    return z, stats


def lu_direct(K, b) -> tuple[np.ndarray, SolveStats]:
    """Dense LU: (2/3)N³ flops to factor, 2N² to solve."""
    N = b.size
    z = lu_solve(lu_factor(K), b)
    return z, SolveStats(0, 2 * N**3 / 3 + 2 * N * N, float(np.linalg.norm(K @ z - b)))


def gmres_solve(K, b, z, tol) -> tuple[np.ndarray, SolveStats]:
    """Full GMRES (restart = N) to ||Kz - b|| ≤ tol; flops 2N² + 4Nj for its j-th iteration."""
    N = b.size
    counter = {"its": 0}

    def count(_):
        counter["its"] += 1

    rtol = min(tol / max(np.linalg.norm(b), 1e-300), 0.5)
    z, _ = gmres(K, b, x0=z, rtol=rtol, atol=0.0, restart=N, maxiter=20, callback=count, callback_type="pr_norm")
    j = counter["its"]
    flops = 2 * N * N * (j + 1) + 2 * N * (j % N) * (j % N + 1) + 2 * N * N * (j // N)
    return z, SolveStats(j, float(flops), float(np.linalg.norm(K @ z - b)))


@dataclass
class Iterate:
    """One outer iteration's record (what the curves and the claims read)."""

    k: int
    kkt: float
    alpha: float
    eta1: float
    eta2: float
    delta: float
    flops: float
    row_ops: int
    merit: float
    t_shift: float = 0.0
    x: np.ndarray | None = None
    lam: np.ndarray | None = None
    capped: bool = False


def modified_hessian(H: np.ndarray, G: np.ndarray, params: Params) -> tuple[np.ndarray, float]:
    """B = H + t I with t = ξ_B + ||H||_F when λ_min(ZᵀHZ) is below the floor (Z: null space of G)."""
    n, m = H.shape[0], G.shape[0]
    t = 0.0
    if m < n:
        Q, _ = np.linalg.qr(G.T, mode="complete")
        Z = Q[:, m:]
        if np.linalg.eigvalsh(Z.T @ H @ Z)[0] < params.reduced_hessian_floor:
            t = params.xi_B + float(np.linalg.norm(H))
    return H + t * np.eye(n), t


def delta_trial(eta1: float, eta2: float, upsilon: float, psi: float, beta: float) -> float:
    return (0.5 - beta) * eta2 / ((1 + eta1 + eta2) * upsilon**2 * psi**2)


def armijo(problem, point, z, eta1, eta2, slope, beta, max_halvings=60) -> tuple[float, Point]:
    """Largest α = 2^-j with L_η(w + αz) ≤ L_η(w) + αβ ∇L_ηᵀz."""
    n = point.x.size
    base = point.merit(eta1, eta2)
    alpha = 1.0
    for _ in range(max_halvings):
        trial = evaluate(problem, point.x + alpha * z[:n], point.lam + alpha * z[n:], with_hessian=False)
        if np.isfinite(trial.merit(eta1, eta2)) and trial.merit(eta1, eta2) <= base + alpha * beta * slope:
            return alpha, trial
        alpha *= 0.5
    return alpha, trial


def solve_direction(solver, K, b, z, tol, rng, params) -> tuple[np.ndarray, SolveStats]:
    if solver == "sketch":
        return kaczmarz(K, b, z, tol, rng, params.max_row_ops, params.sampling)
    if solver == "gmres":
        return gmres_solve(K, b, z, tol)
    return lu_direct(K, b)


def inner_tolerance(params: Params, theta: float, delta: float, b_norm: float, K_norm: float, psi: float,
                    tightening: float) -> float:
    """The paper's accuracy condition ||Kz - b|| ≤ θ_k δ ||b|| / (||K|| ψ), or, with ``inner_rtol`` > 0,
    the inexact-Newton forcing term ||Kz - b|| ≤ θ_k · inner_rtol · ||b|| (tightened by ν⁴ at each
    failed descent test, as δ is)."""
    if params.inner_rtol > 0:
        return theta * params.inner_rtol * b_norm * tightening
    return theta * delta * b_norm / (K_norm * psi)


def adasketch_newton(
    problem: EqualityProblem, params: Params, solver: str, rng: np.random.Generator, max_iter: int, tol: float
) -> Iterator[Iterate]:
    """Yield one Iterate per outer iteration (k = 0 is the start), until KKT ≤ tol or max_iter."""
    x, lam = problem.start()
    point = evaluate(problem, x, lam)
    eta1, eta2, delta = params.eta1, params.eta2, params.delta
    flops, row_ops = 0.0, 0
    yield Iterate(0, point.kkt, 1.0, eta1, eta2, delta, flops, row_ops, point.merit(eta1, eta2), 0.0, x, lam)
    for k in range(max_iter):
        if point.kkt <= tol or not np.isfinite(point.kkt):
            return
        n, m = x.size, point.c.size
        B, t = modified_hessian(point.H, point.G, params)
        xi_G = float(np.linalg.eigvalsh(point.G @ point.G.T)[0])
        psi = 20 * max(np.linalg.norm(B) ** 2, 1) / (max(min(xi_G, 1.0), 1e-12) * min(params.xi_B, 1.0))
        upsilon = max(np.linalg.norm(point.G), np.linalg.norm(point.H), 1.0)
        delta = max(min(delta, delta_trial(eta1, eta2, upsilon, psi, params.beta)), params.delta_floor)
        K = np.block([[B, point.G.T], [point.G, np.zeros((m, m))]])
        b = -np.concatenate([point.grad_L, point.c])
        K_norm, b_norm = float(np.linalg.norm(K)), float(np.linalg.norm(b))
        theta = 1.0 if params.theta == "fixed" else 1.0 / (k + 1)
        z, solved, tightening = np.zeros(n + m), False, 1.0
        while True:
            tol_inner = inner_tolerance(params, theta, delta, b_norm, K_norm, psi, tightening)
            if not (solved and solver == "lu"):  # an exact solve does not depend on the tolerance
                z, stats = solve_direction(solver, K, b, z, tol_inner, rng, params)
                flops, row_ops, solved = flops + stats.flops, row_ops + stats.row_ops, True
            slope = float(point.merit_grad(eta1, eta2) @ z)
            if eta1 > 1e8 or eta2 < 1e-8 or slope <= -(eta2 / 2) * b_norm**2:
                break
            eta1, eta2, tightening = eta1 * params.nu**2, eta2 / params.nu, tightening / params.nu**4
            trial = delta_trial(eta1, eta2, upsilon, psi, params.beta)
            delta = max(min(delta / params.nu**4, trial), params.delta_floor)
        alpha, trial_point = armijo(problem, point, z, eta1, eta2, slope, params.beta)
        x, lam = trial_point.x, trial_point.lam
        point = evaluate(problem, x, lam)
        yield Iterate(
            k + 1, point.kkt, alpha, eta1, eta2, delta, flops, row_ops, point.merit(eta1, eta2), t, x, lam,
            capped=solver == "sketch" and stats.residual > 1.01 * tol_inner,
        )
