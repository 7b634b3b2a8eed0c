"""Numerics of the VR-Halpern method against independent references (numpy.linalg, Lieder's bound)."""
from __future__ import annotations

import numpy as np
import pytest

from workers.methods.vr_halpern.problem import Oracle, planted_saddle, shared_instance
from workers.methods.vr_halpern.solvers import (
    ResolventSolver,
    anchored_extragradient,
    exact_resolvent_halpern,
    extragradient,
    vr_extragradient,
    vr_halpern,
)


def small_problem(n=64, half_dim=5, sigma_min=0.1, regularization=0.0, seed=0):
    shared = shared_instance(half_dim, sigma_min, np.random.default_rng(seed))
    return planted_saddle(n, shared, 1.0, regularization, np.random.default_rng(seed + 1))


def ignore(*_):
    return None


@pytest.mark.parametrize("regularization", [0.0, 0.3])
def test_every_component_and_the_mean_are_monotone(regularization):
    problem = small_problem(regularization=regularization)
    symmetric = (problem.components + np.swapaxes(problem.components, 1, 2)) / 2
    assert np.linalg.eigvalsh(symmetric).min() >= regularization - 1e-12
    mean = problem.mean_matrix
    assert np.linalg.eigvalsh((mean + mean.T) / 2).min() >= regularization - 1e-12


def test_the_planted_solution_is_the_direct_solve_of_the_linear_system():
    problem = small_problem()
    direct = np.linalg.solve(problem.mean_matrix, problem.mean_offset)
    assert np.abs(direct - problem.solution).max() < 1e-10


def test_vr_halpern_solution_matches_numpy_linalg_solve():
    """Halpern's anchor keeps an O(1/k) bias, so the check is at a 1e-3 residual through the exact
    bound ‖u − z*‖ ≤ ‖M̄⁻¹‖·‖F(u)‖ (‖M̄⁻¹‖ = 1/σ_min = 10 here)."""
    problem = small_problem()
    z0 = np.zeros(problem.dim)
    target = 1e-3 * Oracle(problem).residual(z0)
    result = vr_halpern(Oracle(problem), z0, target, 10**8, np.random.default_rng(5), ignore, ignore,
                        lipschitz=problem.lipschitz_mean_square())
    direct = np.linalg.solve(problem.mean_matrix, problem.mean_offset)
    inverse_norm = np.linalg.norm(np.linalg.inv(problem.mean_matrix), 2)
    assert result.calls_to_target is not None and result.residual <= target
    assert Oracle(problem).residual(result.solution) == pytest.approx(result.residual, rel=1e-9)
    assert np.linalg.norm(result.solution - direct) <= inverse_norm * result.residual * (1 + 1e-9)
    assert np.linalg.norm(result.solution - direct) < 1e-2 * np.linalg.norm(direct)


def test_the_inner_solver_converges_to_the_exact_resolvent():
    problem = small_problem()
    oracle, eta, p = Oracle(problem), 3.0, 2 / problem.n
    anchor = np.random.default_rng(2).standard_normal(problem.dim)
    solver = ResolventSolver(oracle, eta, 0.95 * np.sqrt(p) / problem.lipschitz_mean_square(), p,
                             np.random.default_rng(3), 10**8, lambda: None)
    start = np.zeros(problem.dim)
    w, F_w = solver.solve(anchor, start, start, oracle.full(start), 1e-10)
    exact = np.linalg.solve(np.eye(problem.dim) + eta * problem.mean_matrix, anchor + eta * problem.mean_offset)
    assert np.linalg.norm(w - exact) <= 1e-10  # ‖w − J(anchor)‖ ≤ ‖ηF(w) + w − anchor‖ by 1-strong monotonicity
    assert np.abs(F_w - (problem.mean_matrix @ w - problem.mean_offset)).max() < 1e-12


def test_halpern_on_the_exact_resolvent_meets_lieders_bound():
    problem = small_problem(sigma_min=0.01)
    eta = 2.0
    inverse = np.linalg.inv(np.eye(problem.dim) + eta * problem.mean_matrix)

    def resolvent(z):
        return inverse @ (z + eta * problem.mean_offset)

    z0 = np.zeros(problem.dim)
    distance = np.linalg.norm(z0 - problem.solution)
    for N, z in enumerate(exact_resolvent_halpern(resolvent, z0, 300)):
        assert np.linalg.norm(z - resolvent(z)) <= 2 * distance / (N + 1) + 1e-12


def test_anchored_extragradient_residual_decays_like_one_over_k():
    problem = small_problem(sigma_min=0.01)
    residuals = []
    z0 = np.zeros(problem.dim)
    L = problem.lipschitz_full()
    anchored_extragradient(Oracle(problem), z0, 0.0, 2 * problem.n * 2000, lambda c, r: residuals.append(r), lipschitz=L)
    distance = np.linalg.norm(z0 - problem.solution)
    k = np.arange(len(residuals))
    assert np.all(np.array(residuals)[1:] <= 2 * L * distance / k[1:] + 1e-12)  # FEG: ‖F(z_k)‖ ≤ 2L‖z0 − z*‖/k


def test_extragradient_converges_linearly_on_a_well_conditioned_bilinear_problem():
    problem = small_problem(sigma_min=0.5)
    z0 = np.zeros(problem.dim)
    target = 1e-10 * Oracle(problem).residual(z0)
    result = extragradient(Oracle(problem), z0, target, 10**8, ignore, lipschitz=problem.lipschitz_full())
    assert result.calls_to_target is not None and result.iterations < 400


def test_the_oracle_counts_n_per_full_evaluation_and_two_per_inner_step():
    problem = small_problem()
    oracle = Oracle(problem)
    oracle.full(np.zeros(problem.dim))
    oracle.charge(2 * 7)
    assert oracle.calls == problem.n + 14


def test_the_mean_square_lipschitz_constant_bounds_component_differences():
    problem = small_problem()
    rng = np.random.default_rng(4)
    L_F, L = problem.lipschitz_full(), problem.lipschitz_mean_square()
    assert L_F <= L + 1e-12
    for _ in range(20):
        d = rng.standard_normal(problem.dim)
        mean_square = np.mean(np.sum((problem.components @ d) ** 2, axis=1))
        assert mean_square <= L**2 * (d @ d) * (1 + 1e-12)


def test_vr_extragradient_converges_to_numpy_linalg_solve():
    problem = small_problem()
    z0 = np.zeros(problem.dim)
    target = 1e-6 * Oracle(problem).residual(z0)
    result = vr_extragradient(Oracle(problem), z0, target, 10**8, np.random.default_rng(3), ignore, ignore,
                              lipschitz=problem.lipschitz_mean_square())
    direct = np.linalg.solve(problem.mean_matrix, problem.mean_offset)
    assert result.calls_to_target is not None
    assert Oracle(problem).residual(result.solution) == pytest.approx(result.residual, rel=1e-9)
    assert np.linalg.norm(result.solution - direct) < 1e-4 * np.linalg.norm(direct)
