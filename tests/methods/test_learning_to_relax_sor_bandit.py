"""Learning to Relax (SOR bandit): the solver, ω* and the learners against independent references."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.optimize import lsq_linear

from workers.methods.learning_to_relax_sor_bandit.bandits import (
    ChebCB,
    TsallisINF,
    box_least_squares,
    tsallis_probabilities,
)
from workers.methods.learning_to_relax_sor_bandit.experiment import cost_table
from workers.methods.learning_to_relax_sor_bandit.instances import InstanceSequences, truncated_normal
from workers.methods.learning_to_relax_sor_bandit.sor import (
    BatchedSOR,
    laplacian_5pt,
    optimal_omega,
    shifted_jacobi_radius,
    sor_spectral_radius,
)

CPU = torch.device("cpu")


def grid_laplacian(m: int) -> np.ndarray:
    """The 5-point Laplacian built neighbour by neighbour (numbering p = i + m·j, as MATLAB's numgrid)."""
    A = np.zeros((m * m, m * m))
    for j in range(m):
        for i in range(m):
            p = i + m * j
            A[p, p] = 4.0
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                if 0 <= i + di < m and 0 <= j + dj < m:
                    A[p, (i + di) + m * (j + dj)] = -1.0
    return A


def textbook_sor_iterations(A: np.ndarray, b: np.ndarray, omega: float, tol: float, cap: int = 10_000) -> int:
    """Sweeps of x_i ← (1−ω)x_i + ω(b_i − Σ_{j≠i} a_ij x_j)/a_ii, in index order, until ‖b − Ax‖ < tol‖b‖."""
    x = np.zeros_like(b)
    for sweep in range(1, cap + 1):
        for i in range(len(b)):
            x[i] += omega * (b[i] - A[i] @ x) / A[i, i]
        if np.linalg.norm(b - A @ x) < tol * np.linalg.norm(b):
            return sweep
    return cap


def test_the_laplacian_is_the_neighbour_by_neighbour_5_point_stencil():
    for m in (3, 6, 10):
        np.testing.assert_array_equal(laplacian_5pt(m), grid_laplacian(m))


@pytest.mark.parametrize(
    "m, offset, omega, tol",
    [(10, 0.2, 1.6, 1e-6), (10, -0.1, 1.85, 1e-8), (10, 0.45, 1.0, 1e-6), (6, 0.0, 1.3, 1e-8), (5, -0.15, 1.95, 1e-10)],
)
def test_batched_sor_iteration_counts_match_a_textbook_sor_loop(m, offset, omega, tol):
    rng = np.random.default_rng(m + int(100 * omega))
    b = rng.standard_normal(m * m)
    expected = textbook_sor_iterations(grid_laplacian(m) + offset * np.eye(m * m), b, omega, tol)
    solver = BatchedSOR(m, tol, 10_000, CPU, batch=4)
    # the same system in a batch with others (and split across batches) must give the same count
    offsets, omegas = [offset, 0.3, offset, 0.1, offset], [omega, 1.5, omega, 1.2, omega]
    got = solver.iterations(offsets, omegas, np.stack([b, -b, b, 2 * b, b]))
    assert got[0] == got[2] == got[4] == expected


def test_the_iteration_cap_is_reported_for_systems_that_do_not_converge():
    b = np.random.default_rng(0).standard_normal(100)
    assert BatchedSOR(10, 1e-12, 50, CPU, batch=8).iterations([-0.15], [1.0], b[None, :])[0] == 50


@pytest.mark.parametrize("offset", [-0.15, 0.0, 0.45])
def test_the_jacobi_spectral_radius_matches_numpy_eigvals(offset):
    m = 10
    A = grid_laplacian(m) + offset * np.eye(m * m)
    J = np.eye(m * m) - A / np.diag(A)[:, None]
    reference = np.max(np.abs(np.linalg.eigvals(J)))
    assert shifted_jacobi_radius(m, np.array([offset]))[0] == pytest.approx(reference, rel=1e-12)
    assert reference == pytest.approx(4 * np.cos(np.pi / (m + 1)) / (4 + offset), rel=1e-12)


def test_omega_star_formula_matches_a_numeric_scan_of_the_sor_spectral_radius():
    m, offset = 8, 0.1
    A = grid_laplacian(m) + offset * np.eye(m * m)
    beta = shifted_jacobi_radius(m, np.array([offset]))[0]
    omega_star = optimal_omega(beta)
    assert omega_star == pytest.approx(1 + (beta / (1 + np.sqrt(1 - beta**2))) ** 2, rel=1e-14)  # omega_opt.m's form

    def sor_radius(omega: float) -> float:
        M = np.diag(np.diag(A)) / omega + np.tril(A, -1)
        return np.max(np.abs(np.linalg.eigvals(np.eye(m * m) - np.linalg.solve(M, A))))

    lo, hi = 1.0, 1.99  # ρ(G_ω) is unimodal in ω: golden-section search for its minimiser
    golden = (np.sqrt(5) - 1) / 2
    while hi - lo > 1e-4:
        a, b = hi - golden * (hi - lo), lo + golden * (hi - lo)
        lo, hi = (lo, b) if sor_radius(a) < sor_radius(b) else (a, hi)
    assert (lo + hi) / 2 == pytest.approx(omega_star, abs=2e-3)
    assert sor_radius(omega_star) == pytest.approx(omega_star - 1, abs=1e-3)
    for omega in (1.0, 1.3, 1.9):  # away from ω*, where the eigenvalue problem is well conditioned
        assert sor_spectral_radius(beta, omega) == pytest.approx(sor_radius(omega), rel=1e-6)


def test_the_cost_table_holds_each_arm_on_each_instance_in_place():
    m, trials, horizon = 5, 2, 3
    rng = np.random.default_rng(3)
    offsets, rhs = rng.uniform(-0.15, 0.45, (trials, horizon)), truncated_normal(rng, 6, 25).reshape(2, 3, 25)
    seq = InstanceSequences("high_variance", offsets, rhs)
    omegas = np.array([1.0, 1.4, 1.8])
    table, omega_star = cost_table(BatchedSOR(m, 1e-8, 10_000, CPU, batch=5), seq, omegas, None, None)
    assert table.shape == (trials, horizon, 4)
    for trial in range(trials):
        for t in range(horizon):
            A = grid_laplacian(m) + seq.offsets[trial, t] * np.eye(m * m)
            for k, omega in enumerate([*omegas, omega_star[trial, t]]):
                assert table[trial, t, k] == textbook_sor_iterations(A, seq.rhs[trial, t], omega, 1e-8)


def test_truncated_normal_draws_lie_in_the_ball_of_radius_sqrt_n():
    draws = truncated_normal(np.random.default_rng(0), 500, 100)
    assert draws.shape == (500, 100)
    assert np.all(np.linalg.norm(draws, axis=1) <= 10.0)


@pytest.mark.parametrize("seed", range(6))
def test_box_least_squares_matches_scipy_lsq_linear(seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((40, 6)) * np.array([1, 1, 0.1, 0.01, 1, 1])
    y = X @ rng.uniform(-3, 3, 6) + 0.1 * rng.standard_normal(40)
    bound = rng.uniform(0.1, 1.0, 6)
    theta, resnorm = box_least_squares(X.T @ X, X.T @ y, y @ y, bound, start=rng.uniform(-2, 2, 6))
    reference = lsq_linear(X, y, bounds=(-bound, bound), method="bvls", tol=1e-14)
    np.testing.assert_allclose(theta, reference.x, atol=1e-8)
    assert resnorm == pytest.approx(np.sum((X @ reference.x - y) ** 2), rel=1e-8)


def test_tsallis_probabilities_sum_to_one_and_favour_the_arm_with_least_loss():
    cum_loss = np.array([[0.0, 5.0, 20.0, 80.0], [3.0, 3.0, 3.0, 3.0]])
    probs = tsallis_probabilities(cum_loss, np.array([1.0, 1.0]), np.array([10.0, 10.0]))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-9)
    assert np.all(np.diff(probs[0]) < 0)
    np.testing.assert_allclose(probs[1], 0.25, atol=1e-9)


def test_tsallis_inf_concentrates_on_the_cheapest_arm_of_a_stochastic_table():
    rng = np.random.default_rng(0)
    means = np.array([300.0, 150.0, 100.0, 120.0, 400.0])
    learner, played = TsallisINF(4, len(means)), []
    for _ in range(1500):
        arm, _ = learner.predict(rng)
        played.append(arm)
        learner.update(rng.poisson(means[arm]).astype(float))
    late = np.array(played[-500:])  # (rounds, 4 independent learners)
    assert means[late].mean() < 1.15 * means.min()
    assert np.mean((late == 0) | (late == 4)) < 0.02


def test_chebcb_learns_an_arm_choice_that_depends_on_the_context():
    rng = np.random.default_rng(1)
    horizon, trials = 800, 2
    contexts = rng.uniform(-0.15, 0.45, (trials, horizon))
    x = contexts + 0.15  # arm 0 is cheaper below c = 0.15, arm 1 above; equal means, so no fixed arm is good
    costs = np.stack([100 + 400 * x, 340 - 400 * x], axis=2)
    learner, paid = ChebCB(trials, 2, horizon, 4, -0.15, 0.65), np.zeros((trials, horizon))
    for t in range(horizon):
        arm = learner.predict(contexts[:, t], rng)
        paid[:, t] = costs[np.arange(trials), t, arm]
        learner.update(paid[:, t])
    late = slice(horizon // 2, horizon)
    best_fixed = costs[:, late].sum(axis=1).min(axis=1)
    assert np.all(paid[:, late].sum(axis=1) < 0.85 * best_fixed)


def test_claims_are_undecidable_when_the_sequence_is_too_short_or_the_setting_is_missing():
    """Issue 15: the note's rules are judged at the paper's T = 5000 (full), not at smoke size."""
    from workers.methods.learning_to_relax_sor_bandit import METHOD

    tsallis, chebcb, optimal = METHOD.claims
    smoke, full = METHOD.build_config("smoke"), METHOD.build_config("full")
    assert "5000" in tsallis.undecidable_reason(smoke) and "5000" in chebcb.undecidable_reason(smoke)
    assert tsallis.undecidable_reason(full) is None and chebcb.undecidable_reason(full) is None
    assert optimal.undecidable_reason(smoke) is None
    assert "burn-in" in optimal.undecidable_reason(METHOD.build_config("smoke", {"instances": 200}))
    assert "not run" in optimal.undecidable_reason(METHOD.build_config("smoke", {"offsets": "low_variance"}))
