"""The Lotka-Volterra reference against its ODE, and the recovery score of the symbolic step."""
from __future__ import annotations

import numpy as np

from workers.methods.shared.sindy import finite_difference_derivative, monomial_library
from workers.methods.upinn_symbolic_discovery.experiment import recovery
from workers.methods.upinn_symbolic_discovery.problem import BETA, GAMMA, full_rhs, trajectory


def test_the_reference_trajectory_satisfies_the_ode_by_finite_differences():
    t = np.linspace(0, 10, 4001)
    u = trajectory(t)
    np.testing.assert_allclose(finite_difference_derivative(t, u), full_rhs(u), atol=1e-4)


def test_recovery_scores_exact_support_and_coefficients():
    names_count = 6
    xi = np.zeros((names_count, 2))
    xi[4] = [-BETA * 1.05, GAMMA * 0.97]
    _, exponents = monomial_library(np.ones((1, 2)), 2)
    score = recovery(xi, exponents)
    assert score["wrong_terms"] == 0 and abs(score["coef_rel_error"] - 0.05) < 1e-12
    xi[0, 0] = 0.3
    xi[4, 1] = 0.0
    score = recovery(xi, exponents)
    assert score["wrong_terms"] == 2 and score["coef_rel_error"] == 1.0 and score["recovery_error"] == 3.0
