"""Numerics of the IntRL quadrature method against independent references (scipy, closed forms)."""
from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from scipy.integrate import quad, quad_vec
from scipy.linalg import expm, solve_continuous_are

from workers.methods.intrl_quadrature.lqr import (
    policy_iteration,
    quadratic_features,
    symmetric_from_features,
    third_order_system,
    utility_gramian,
)
from workers.methods.intrl_quadrature.quadrature import (
    bq_matern_weights,
    matern,
    matern_coefficients,
    matern_integral,
    nodes,
    trapezoid_weights,
)

# P* of the third-order system as printed in the official repo's env.py
REPO_P_STAR = np.array([
    [2.355030933091255, 2.238452370854351, 0.904987562112089],
    [2.238452370854351, 4.241942496771635, 1.893095222031228],
    [0.904987562112089, 1.893095222031228, 1.596995960828503],
])


def smooth_integrand(t):
    return np.exp(t) * np.cos(3 * t)


def smooth_integral(T):
    """∫₀ᵀ eᵗ cos 3t dt = eᵗ(cos 3t + 3 sin 3t)/10 |₀ᵀ."""
    return (np.exp(T) * (np.cos(3 * T) + 3 * np.sin(3 * T)) - 1) / 10


def test_policy_iteration_with_exact_integrals_matches_the_riccati_solution_to_1e_8():
    task = third_order_system()
    states = np.random.default_rng(0).standard_normal((20, 3))
    result = policy_iteration(task, states, 0.1, 2, None, max_iterations=30, tolerance=1e-13)
    P_care = solve_continuous_are(task.A, task.B, task.Q, task.R)
    assert np.abs(result.P - P_care).max() < 1e-8
    assert np.abs(result.P - REPO_P_STAR).max() < 1e-8
    riccati = task.A.T @ result.P + result.P @ task.A - result.P @ task.B @ task.B.T @ result.P + task.Q
    assert np.abs(riccati).max() < 1e-8


def test_one_trajectory_data_recovers_the_riccati_solution_when_stopped_like_the_repo():
    """Along one trajectory the state aligns with the slowest mode, the least-squares design loses
    rank (condition ~1e5 and growing) and errors creep back up, so PI must stop early (repo: ε = 1e-3)."""
    task = third_order_system()
    states = np.array([[2.0, -2.0, 3.0]] * 20)
    result = policy_iteration(task, states, 0.1, 2, None, data="one_trajectory", max_iterations=30, tolerance=1e-9)
    assert result.iterations < 12
    assert np.abs(result.P - REPO_P_STAR).max() < 1e-8


def test_the_quadrature_fixed_point_does_not_depend_on_the_data():
    """Each row's quadrature is x0ᵀ W_rule x0, so the perturbed fixed point is the same for any full-rank data."""
    task = third_order_system()
    weights = trapezoid_weights(7, 0.1)
    a = policy_iteration(task, np.random.default_rng(3).standard_normal((20, 3)), 0.1, 7, weights)
    b = policy_iteration(task, np.random.default_rng(4).standard_normal((40, 3)), 0.1, 7, weights)
    assert np.abs(a.P - b.P).max() < 1e-10


def test_trapezoid_has_observed_order_2_on_a_smooth_integrand():
    T = 0.1
    errors = [abs(trapezoid_weights(n, T) @ smooth_integrand(nodes(n, T)) - smooth_integral(T)) for n in (5, 9, 17, 33)]
    orders = [np.log2(a / b) for a, b in zip(errors, errors[1:])]  # h halves at each step
    assert orders == pytest.approx([2.0] * 3, abs=0.02)


def test_bq_matern_weights_have_order_at_least_b_on_a_smooth_integrand():
    T = 0.1
    errors = [abs(bq_matern_weights(n, T, 4, 0.3) @ smooth_integrand(nodes(n, T)) - smooth_integral(T)) for n in (5, 9, 17)]
    orders = [np.log2(a / b) for a, b in zip(errors, errors[1:])]
    assert min(orders) > 3.7
    assert errors[-1] < 1e-9


def test_matern_series_matches_the_closed_form_for_nu_3_5():
    ell = 0.3
    c, coeffs = matern_coefficients(4, mp.mpf(ell))
    for r in (0.0, 0.01, 0.1, 0.7):
        s = np.sqrt(7) * r / ell
        closed = (1 + s + 2 * s**2 / 5 + s**3 / 15) * np.exp(-s)
        assert float(matern(mp.mpf(r), c, coeffs)) == pytest.approx(closed, rel=1e-14)


@pytest.mark.parametrize("b", [1, 2, 3, 4, 5])
def test_kernel_mean_matches_scipy_quad(b):
    c, coeffs = matern_coefficients(b, mp.mpf(0.3))
    kernel = lambda r: float(matern(mp.mpf(r), c, coeffs))  # noqa: E731
    for a in (0.0125, 0.05, 0.1):
        assert float(matern_integral(mp.mpf(a), c, coeffs)) == pytest.approx(quad(kernel, 0, a, epsabs=1e-15)[0], rel=1e-10)


def test_bq_weights_integrate_the_kernel_sections_exactly():
    """w = K⁻¹z means Σ_j w_j k(t_i, t_j) = z_i = ∫ k(t, t_i) dt for every node t_i."""
    T, ell, n = 0.1, 0.3, 9
    weights = bq_matern_weights(n, T, 3, ell)
    t = nodes(n, T)
    c, coeffs = matern_coefficients(3, mp.mpf(ell))
    kernel = np.vectorize(lambda r: float(matern(mp.mpf(abs(r)), c, coeffs)))
    for t_i in t:
        exact = quad(lambda s, t_i=t_i: float(kernel(s - t_i)), 0, T, epsabs=1e-15)[0]
        assert kernel(t - t_i) @ weights == pytest.approx(exact, rel=1e-9)


def test_the_van_loan_gramian_matches_numerical_quadrature():
    task = third_order_system()
    K = np.array([[0.5, 1.0, 0.8]])
    A_closed, Q_closed = task.A - task.B @ K, task.Q + K.T @ K
    reference = quad_vec(lambda s: expm(A_closed.T * s) @ Q_closed @ expm(A_closed * s), 0, 0.1, epsabs=1e-14)[0]
    assert np.abs(utility_gramian(A_closed, Q_closed, 0.1) - reference).max() < 1e-12


def test_quadratic_features_reproduce_the_quadratic_form():
    rng = np.random.default_rng(1)
    P = rng.standard_normal((3, 3))
    P = P + P.T
    x = rng.standard_normal((4, 3))
    vech = P[np.triu_indices(3)]
    assert quadratic_features(x) @ vech == pytest.approx(np.einsum("ri,ij,rj->r", x, P, x))
    assert np.array_equal(symmetric_from_features(vech, 3), P)


def test_quadrature_error_propagates_to_the_policy_with_the_rule_order():
    task = third_order_system()
    states = np.random.default_rng(2).standard_normal((20, 3))
    P_star = solve_continuous_are(task.A, task.B, task.Q, task.R)
    errors = []
    for n in (5, 9, 17):
        result = policy_iteration(task, states, 0.1, n, trapezoid_weights(n, 0.1))
        errors.append(np.linalg.norm(result.P - P_star))
    assert [np.log2(a / b) for a, b in zip(errors, errors[1:])] == pytest.approx([2.0, 2.0], abs=0.05)
