"""ADMM for the approximate convex program (Bai, Gautam & Sojoudi 2022, Algorithm 1, scaled form).

Splitting u = v (group-norm part) and G u = s ≥ 0 (cone constraints), with penalty ρ and dual step γ:

    u ← (I + FᵀF/ρ + GᵀG)⁻¹ (Fᵀy/ρ + v − λ + Gᵀ(s − ν))      (one Cholesky factorisation, reused)
    v_j ← max(1 − β/(ρ||u_j + λ_j||), 0) (u_j + λ_j)          (group soft-thresholding)
    s ← max(G u + ν, 0)
    λ ← λ + γ(u − v);   ν ← ν + γ(G u − s)

GᵀG = I ⊗ XᵀX because (2D_i − I)² = I. After the factorisation each iteration costs two triangular
solves, O((2Pd)²), plus O(n·2P·d) for F, G and their adjoints: quadratic, where re-solving the linear
system would be cubic.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from scipy import linalg as sla

from .program import ConvexReluProgram


@dataclass
class AdmmState:
    u: np.ndarray
    v: np.ndarray
    s: np.ndarray
    lam: np.ndarray
    nu: np.ndarray


@dataclass
class AdmmSolver:
    program: ConvexReluProgram
    rho: float
    dual_step: float = 1.0
    constraint_scale: float = 1.0
    factor: tuple = field(init=False, repr=False)
    factor_seconds: float = field(init=False)

    def __post_init__(self) -> None:
        started = time.perf_counter()
        F = self.program.fit_matrix()
        rows, d = 2 * self.program.patterns, self.program.X.shape[1]
        c2 = self.constraint_scale**2
        K = F.T @ F / self.rho + c2 * np.kron(np.eye(rows), self.program.X.T @ self.program.X)
        K[np.diag_indices_from(K)] += 1.0
        self.factor = sla.cho_factor(K, lower=True, check_finite=False)
        self._fit_rhs = self.program.fit_adjoint(self.program.y) / self.rho
        self._shape = (rows, d)
        self.factor_seconds = time.perf_counter() - started

    def initial_state(self) -> AdmmState:
        rows, d = self._shape
        n = self.program.X.shape[0]
        zeros = np.zeros((rows, d))
        return AdmmState(zeros.copy(), zeros.copy(), np.zeros((n, rows)), zeros.copy(), np.zeros((n, rows)))

    def step(self, st: AdmmState) -> AdmmState:
        prog = self.program
        c = self.constraint_scale
        rhs = self._fit_rhs + st.v - st.lam + c * prog.constraints_adjoint(st.s - st.nu)
        u = sla.cho_solve(self.factor, rhs.ravel(), check_finite=False).reshape(self._shape)
        v = group_soft_threshold(u + st.lam, prog.beta / self.rho)
        Gu = c * prog.constraints(u)
        s = np.maximum(Gu + st.nu, 0.0)
        lam = st.lam + self.dual_step * (u - v)
        nu = st.nu + self.dual_step * (Gu - s)
        return AdmmState(u, v, s, lam, nu)

    def run(self, iterations: int, on_iterate: Callable[[int, AdmmState], None]) -> AdmmState:
        st = self.initial_state()
        for k in range(1, iterations + 1):
            st = self.step(st)
            on_iterate(k, st)
        return st


def group_soft_threshold(Z: np.ndarray, threshold: float) -> np.ndarray:
    """Row-wise prox of threshold·||·||₂: max(1 − threshold/||z_j||, 0) z_j."""
    norms = np.linalg.norm(Z, axis=1, keepdims=True)
    return np.maximum(1.0 - threshold / np.maximum(norms, 1e-300), 0.0) * Z


def time_per_iteration(program: ConvexReluProgram, rho: float, iterations: int) -> dict[str, float]:
    """Fastest wall time of one ADMM iteration (the least disturbed by other processes), of one dense
    matrix-vector product of the same order (an O(N²) yardstick that sees the same caches), and of the
    one-off factorisation."""
    solver = AdmmSolver(program, rho)
    st = solver.initial_state()
    times = []
    for _ in range(iterations):
        started = time.perf_counter()
        st = solver.step(st)
        times.append(time.perf_counter() - started)
    matrix = solver.factor[0]
    vector = np.ones(matrix.shape[0])
    matvec = []
    for _ in range(iterations):
        started = time.perf_counter()
        matrix @ vector
        matvec.append(time.perf_counter() - started)
    return {
        "variables": int(2 * program.patterns * program.X.shape[1]),
        "iteration_seconds": float(np.min(times)),
        "matvec_seconds": float(np.min(matvec)),
        "factor_seconds": float(solver.factor_seconds),
    }
