"""Gradient-regularized Newton with approximate Hessians: oracles, optimum vs scipy, rate rule."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.optimize import minimize

from workers.methods.grad_norm_smooth_newton.claims import rate_profile
from workers.methods.grad_norm_smooth_newton.methods import fast_gradient_method, grad_norm_smooth
from workers.methods.grad_norm_smooth_newton.problems import logistic_problem, logsumexp_problem, newton_minimum
from workers.methods.shared.logistic import breast_cancer


def last_step(generator, f_star, tol=1e-12, cap=3000):
    for step in itertools.islice(generator, cap):
        if step.f - f_star <= tol:
            break
    return step


def test_softmax_oracles_match_finite_differences_and_gauss_newton_dominates_the_hessian():
    problem, lse = logsumexp_problem(40, 6, 0.5, np.random.default_rng(0))
    x, h = np.random.default_rng(1).standard_normal(6), 1e-6
    eye = np.eye(6)
    fd_grad = np.array([(lse.value(x + h * e) - lse.value(x - h * e)) / (2 * h) for e in eye])
    fd_hess = np.array([(lse.grad(x + h * e) - lse.grad(x - h * e)) / (2 * h) for e in eye])
    assert np.allclose(lse.grad(x), fd_grad, atol=1e-7)
    assert np.allclose(lse.hess(x), fd_hess, atol=1e-6)
    assert np.linalg.eigvalsh(lse.gauss_newton(x) - lse.hess(x))[0] >= -1e-12
    assert np.allclose(lse.grad(np.zeros(6)), 0.0, atol=1e-14)


def test_softmax_minimum_is_f_at_zero_as_scipy_confirms():
    problem, _ = logsumexp_problem(100, 10, 0.25, np.random.default_rng(2))
    reference = minimize(problem.value, problem.x0, jac=problem.grad, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12})
    assert reference.fun == pytest.approx(problem.f_star, abs=1e-9)
    step = last_step(grad_norm_smooth(problem, problem.approx_hess), problem.f_star, tol=1e-11)
    assert step.f - problem.f_star <= 1e-11


@pytest.mark.parametrize("hessian", ["subsampled", "frozen"])
def test_logistic_optimum_matches_scipy_newton_cg_to_1e_9(hessian):
    data = breast_cancer(1e-2)
    problem = logistic_problem(data, "bc", hessian, 0.1, np.random.default_rng(3))
    reference = minimize(data.value, problem.x0, jac=data.grad, hess=data.hess, method="Newton-CG", options={"xtol": 1e-14})
    _, f_star = newton_minimum(problem)
    assert f_star == pytest.approx(reference.fun, abs=1e-9)
    step = last_step(grad_norm_smooth(problem, problem.approx_hess), f_star, tol=1e-10)
    assert step.f - reference.fun <= 1e-9


def test_fast_gradient_method_converges_on_a_strongly_convex_problem():
    data = breast_cancer(1e-1)
    problem = logistic_problem(data, "bc", "frozen", 0.1, np.random.default_rng(4))
    _, f_star = newton_minimum(problem)
    assert last_step(fast_gradient_method(problem), f_star, tol=1e-8).f - f_star <= 1e-8


def test_the_rate_rule_accepts_linear_and_superlinear_and_rejects_sublinear():
    linear = [0.5**k for k in range(60)]
    quadratic = [10.0 ** -(2**k) for k in range(6)]
    sublinear = [1.0 / (k + 1) ** 2 for k in range(10**5 + 2)]
    for gaps in (linear, quadratic):
        profile = rate_profile(gaps, 1e-10)
        assert profile["second_half_decades_per_iteration"] >= 0.5 * profile["decades_per_iteration"]
    profile = rate_profile(sublinear, 1e-10)
    assert profile["second_half_decades_per_iteration"] < 0.5 * profile["decades_per_iteration"]
    assert rate_profile([1.0] * 10, 1e-10) is None
