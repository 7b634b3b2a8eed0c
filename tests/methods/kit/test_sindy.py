"""The shared SINDy kit: the monomial library, and STLSQ recovering a known sparse system (Lorenz)
from exact data."""
from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp

from workers.methods.shared.sindy import monomial_library, monomial_names, stlsq

SIGMA, RHO, B = 10.0, 28.0, 8.0 / 3.0


def lorenz(_t, s):
    x, y, z = s
    return [SIGMA * (y - x), x * (RHO - z) - y, x * y - B * z]


def test_the_library_columns_are_the_named_monomials():
    states = np.array([[2.0, 3.0], [0.5, -1.0]])
    library, exponents = monomial_library(states, 2)
    names = monomial_names(exponents, ("x", "y"))
    assert names == ["1", "x", "y", "x^2", "x*y", "y^2"]
    np.testing.assert_allclose(library[0], [1, 2, 3, 4, 6, 9])
    np.testing.assert_allclose(library[1], [1, 0.5, -1, 0.25, -0.5, 1])


def test_stlsq_recovers_lorenz_exactly_from_exact_derivatives():
    sol = solve_ivp(lorenz, (0, 5), [-8.0, 7.0, 27.0], t_eval=np.linspace(0, 5, 500), rtol=1e-10, atol=1e-10)
    states = sol.y.T
    derivatives = np.array([lorenz(0, s) for s in states])
    library, exponents = monomial_library(states, 2)
    xi = stlsq(library, derivatives, threshold=0.5).coefficients
    names = monomial_names(exponents, ("x", "y", "z"))
    expected = np.zeros_like(xi)
    for (term, eq), value in {("x", 0): -SIGMA, ("y", 0): SIGMA, ("x", 1): RHO, ("x*z", 1): -1.0, ("y", 1): -1.0,
                              ("x*y", 2): 1.0, ("z", 2): -B}.items():
        expected[names.index(term), eq] = value
    np.testing.assert_allclose(xi, expected, atol=1e-8)


def test_a_ridge_keeps_the_support_and_thresholding_removes_small_terms():
    rng = np.random.default_rng(0)
    states = rng.normal(size=(200, 2))
    library, _ = monomial_library(states, 2)
    target = library @ np.array([0.0, 0.0, 0.0, 0.0, -1.5, 0.0]) + 0.01 * library[:, 1]
    xi = stlsq(library, target, threshold=0.1, ridge=1e-6).coefficients[:, 0]
    assert np.flatnonzero(xi).tolist() == [4]
    assert abs(xi[4] + 1.5) < 1e-3
