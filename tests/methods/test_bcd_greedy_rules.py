"""Block coordinate descent (paper #4): the numerics against independent references."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

from workers.methods.bcd_greedy_rules import problems as P
from workers.methods.bcd_greedy_rules.loop import run_bcd
from workers.methods.bcd_greedy_rules.rules import (
    fixed_block_selector,
    greedy_gsq_block,
    sorted_partition,
    variable_block_selector,
)
from workers.methods.bcd_greedy_rules.updates import make_update, nonnegative_block_qp


def long_run(problem, rule: str, block_size: int, iterations: int, f_star: float):
    select = variable_block_selector(rule, problem.curvature, block_size, np.random.default_rng(0))
    return run_bcd(problem, select, make_update("Hb", problem), iterations, f_star, "", lambda k, v: None, 10**6)


def test_the_least_squares_optimum_from_lstsq_matches_a_long_bcd_run():
    problem = P.least_squares_instance(60, 40, np.random.default_rng(1))  # overdetermined: f* > 0
    x_star = np.linalg.lstsq(problem.A, problem.b, rcond=None)[0]
    f_star = problem.value(x_star)
    trace = long_run(problem, "GSQ", 5, 2000, f_star)
    assert f_star > 1.0
    assert problem.value(trace.x) == pytest.approx(f_star, rel=1e-10)


def test_the_logistic_newton_optimum_matches_scipy_lbfgsb():
    problem = P.logistic_instance(80, 30, 1e-2, np.random.default_rng(2))
    x_newton = problem.solve()
    fit = minimize(
        lambda x: (problem.value(x), problem.grad(x)), np.zeros(30), jac=True, method="L-BFGS-B",
        options={"maxiter": 50000, "ftol": 1e-16, "gtol": 1e-11},
    )
    assert np.linalg.norm(problem.grad(x_newton)) < 1e-10
    assert problem.value(x_newton) == pytest.approx(fit.fun, rel=1e-8)
    assert problem.value(x_newton) <= fit.fun + 1e-14


def test_the_l1_reference_satisfies_the_kkt_conditions_and_matches_a_long_bcd_run():
    problem = P.l1_instance(50, 120, 0.1, np.random.default_rng(3))
    x_star = problem.solve()
    g = problem.grad(x_star)
    support = x_star > 0
    assert support.any() and np.all(x_star >= 0)
    assert np.abs(g[support]).max() < 1e-7 * np.abs(problem.A.T @ problem.b).max()
    assert g[~support].min() > -1e-9
    trace = long_run(problem, "GSq", 30, 300, problem.value(x_star))
    assert problem.value(trace.x) == pytest.approx(problem.value(x_star), rel=1e-11)
    assert np.array_equal(trace.x > 0, support)


def test_a_matrix_update_is_the_exact_block_minimizer_on_least_squares():
    rng = np.random.default_rng(4)
    problem = P.least_squares_instance(40, 30, rng)
    x = rng.standard_normal(30)
    block = np.array([2, 7, 11, 19, 23])
    new_block = make_update("Hb", problem)(x, problem.grad(x), block)
    others = np.setdiff1d(np.arange(30), block)
    exact = np.linalg.lstsq(problem.A[:, block], problem.b - problem.A[:, others] @ x[others], rcond=None)[0]
    np.testing.assert_allclose(new_block, exact, rtol=1e-9, atol=1e-9)


def test_the_nonnegative_block_qp_satisfies_its_kkt_conditions():
    rng = np.random.default_rng(5)
    B = rng.standard_normal((20, 6))
    M, xb = B.T @ B, 0.1 * np.abs(rng.standard_normal(6))
    gb = 20 * np.array([1.0, -1.0, 1.0, -1.0, 1.0, -1.0])
    z = nonnegative_block_qp(xb, gb, M)
    grad_at_z = gb + M @ (z - xb)
    assert np.all(z >= 0)
    assert np.all(grad_at_z >= -1e-9) and np.abs(z * grad_at_z).max() < 1e-9
    assert 0 < np.count_nonzero(z) < 6  # a case where the bound is active


def test_gsl_on_fixed_blocks_picks_the_block_with_the_largest_guaranteed_progress():
    problem = P.least_squares_instance(30, 20, np.random.default_rng(6))
    g = problem.grad(np.zeros(20))
    chosen = fixed_block_selector("GSL", problem.curvature, 4, np.random.default_rng(0))(0, np.zeros(20), g)
    blocks = sorted_partition(problem.curvature.coord_lipschitz, 4)
    progress = [g[b] @ g[b] / np.linalg.eigvalsh(problem.A[:, b].T @ problem.A[:, b])[-1] for b in blocks]
    np.testing.assert_array_equal(chosen, blocks[int(np.argmax(progress))])


def test_greedy_gsq_adds_the_coordinate_that_maximises_the_quadratic_progress():
    problem = P.least_squares_instance(25, 8, np.random.default_rng(7))
    g = problem.grad(np.zeros(8))
    M = problem.A.T @ problem.A

    def score(S):
        S = list(S)
        return g[S] @ np.linalg.solve(M[np.ix_(S, S)], g[S])

    first = int(np.argmax(g**2 / np.diag(M)))
    pair = greedy_gsq_block(g, problem.curvature, 2)
    best_partner = max((j for j in range(8) if j != first), key=lambda j: score([first, j]))
    assert set(pair) == {first, best_partner}
    best_pair = max(itertools.combinations(range(8), 2), key=score)
    assert score(pair) <= score(best_pair) + 1e-12


def test_a_newton_step_on_logistic_regression_never_increases_the_loss():
    problem = P.logistic_instance(50, 40, 1e-3, np.random.default_rng(8))
    update = make_update("Hb", problem)
    x = np.zeros(40)
    for k in range(30):
        before = problem.value(x)
        block = np.arange(5 * (k % 8), 5 * (k % 8) + 5)
        x[block] = update(x, problem.grad(x), block)
        assert problem.value(x) <= before + 1e-15
