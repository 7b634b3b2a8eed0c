"""AdaSketch-Newton: derivatives, the Kaczmarz solver, the merit gradient, and KKT points vs scipy."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import NonlinearConstraint, minimize

from workers.methods.adasketch_newton.problems import HS_PROBLEMS, constrained_logistic, logistic_data
from workers.methods.adasketch_newton.solver import Params, adasketch_newton, evaluate, kaczmarz


def central_difference(fun, x, h=1e-6):
    columns = []
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = h
        columns.append((np.asarray(fun(x + e)) - np.asarray(fun(x - e))) / (2 * h))
    return np.stack(columns, axis=-1)


def all_problems():
    rng = np.random.default_rng(3)
    return [make() for make in HS_PROBLEMS.values()] + [constrained_logistic(logistic_data("synthetic", 60, 5, rng), 2, rng)]


@pytest.mark.parametrize("problem", all_problems(), ids=lambda p: p.name)
def test_hand_coded_derivatives_match_finite_differences(problem):
    rng = np.random.default_rng(0)
    x = problem.x0 + 0.3 * rng.standard_normal(problem.n)
    lam = rng.standard_normal(problem.m)
    assert np.allclose(problem.grad(x), central_difference(problem.f, x), rtol=1e-5, atol=1e-6)
    assert np.allclose(problem.jac(x), central_difference(problem.c, x), rtol=1e-5, atol=1e-6)
    grad_lagrangian = lambda z: problem.grad(z) + problem.jac(z).T @ lam  # noqa: E731
    assert np.allclose(problem.hess_lagrangian(x, lam), central_difference(grad_lagrangian, x), rtol=1e-5, atol=1e-5)


def test_the_merit_gradient_is_the_exact_gradient_of_the_augmented_lagrangian():
    problem = HS_PROBLEMS["HS40"]()
    rng = np.random.default_rng(1)
    x, lam, eta1, eta2 = problem.x0 + 0.1 * rng.standard_normal(4), rng.standard_normal(3), 2.0, 0.3

    def merit(w):
        return evaluate(problem, w[:4], w[4:], with_hessian=False).merit(eta1, eta2)

    analytic = evaluate(problem, x, lam).merit_grad(eta1, eta2)
    assert np.allclose(analytic, central_difference(merit, np.concatenate([x, lam])), rtol=1e-6, atol=1e-7)


def test_kaczmarz_reaches_the_requested_residual_and_the_direct_solution():
    rng = np.random.default_rng(2)
    K = rng.standard_normal((8, 8)) + 4 * np.eye(8)
    b = rng.standard_normal(8)
    z, stats = kaczmarz(K, b, np.zeros(8), 1e-10, rng, 10**6, "row_norm")
    assert stats.residual <= 1.01e-10
    assert np.allclose(z, np.linalg.solve(K, b), atol=1e-8)
    assert stats.flops == pytest.approx(2 * 64 + stats.row_ops // 8 * 6 * 64)


def final_iterate(problem, solver="sketch"):
    *_, last = adasketch_newton(problem, Params(), solver, np.random.default_rng(0), 100, 1e-9)
    return last


def scipy_reference(problem, start):
    """scipy's trust-constr with exact derivatives, as an independent KKT solver."""
    constraint = NonlinearConstraint(problem.c, 0.0, 0.0, jac=problem.jac, hess=problem.hess_c)
    return minimize(
        problem.f, start, jac=problem.grad, hess=problem.hess_f, method="trust-constr", constraints=[constraint],
        options={"gtol": 1e-12, "xtol": 1e-14, "maxiter": 3000},
    )


@pytest.mark.parametrize("name", ["HS7", "HS40", "HS42", "HS78", "HS79"])
def test_the_kkt_point_matches_scipy_trust_constr_to_1e_6(name):
    problem = HS_PROBLEMS[name]()
    last = final_iterate(problem)
    assert last.kkt <= 1e-9
    reference = scipy_reference(problem, problem.x0)
    assert np.allclose(last.x, reference.x, atol=1e-6)
    assert problem.f(last.x) == pytest.approx(problem.f_star, abs=1e-6)


def test_the_constrained_logistic_solution_matches_trust_constr():
    rng = np.random.default_rng(4)
    problem = constrained_logistic(logistic_data("synthetic", 80, 5, rng), 2, rng)
    last = final_iterate(problem, "lu")
    assert last.kkt <= 1e-9 and np.linalg.norm(problem.c(last.x)) <= 1e-9
    reference = scipy_reference(problem, last.x + 1e-3)
    assert np.allclose(last.x, reference.x, atol=1e-6)


def test_the_fitted_order_is_one_for_linear_and_two_for_quadratic_sequences():
    from workers.methods.adasketch_newton.claims import fitted_order

    assert fitted_order([0.5**k for k in range(10)]) == pytest.approx(1.0)
    assert fitted_order([10.0 ** -(2**k) for k in range(6)]) == pytest.approx(2.0)
    assert np.isnan(fitted_order([1.0, 0.0]))


def test_a_loose_forcing_term_makes_fixed_theta_linear_and_the_exact_solve_quadratic():
    from workers.methods.adasketch_newton.claims import fitted_order

    problem = HS_PROBLEMS["HS40"]()
    runs = {s: [it.kkt for it in adasketch_newton(problem, Params(inner_rtol=0.5), s, np.random.default_rng(0), 100, 1e-8)]
            for s in ("sketch", "lu")}
    assert fitted_order(runs["sketch"]) < 1.3
    assert fitted_order(runs["lu"]) > 1.7
