"""Singular ODEs: residuals vanish on closed forms, the Michel reference solves its ODE, integrators."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy import special

from workers.methods.pinn_singular_odes.equations import MichelFlow, hypergeometric, legendre, michel, michel_rhs
from workers.methods.pinn_singular_odes.experiment import evaluation_points, near_mask
from workers.methods.pinn_singular_odes.integrators import integrate


def grid(low, high, n=101):
    return torch.linspace(low, high, n, dtype=torch.float64)[:, None].requires_grad_(True)


@pytest.mark.parametrize("l", [2, 3, 7])
def test_the_legendre_residual_vanishes_on_p_l_including_both_singular_points(l):
    x = grid(-1.0, 1.0)
    coefficients = torch.tensor(special.legendre(l).coeffs[::-1].copy(), dtype=torch.float64)
    u = sum(c * x**k for k, c in enumerate(coefficients))
    assert float(legendre(l).residual(u, x).abs().max()) < 1e-9
    np.testing.assert_allclose(u.detach().numpy()[:, 0], legendre(l).reference(x.detach().numpy()[:, 0]), atol=1e-12)


def test_the_hypergeometric_residual_vanishes_on_arcsin_and_the_reference_is_scipys():
    x = grid(0.01, 0.99)
    u = torch.asin(torch.sqrt(x)) / torch.sqrt(x)  # 2F1(1/2, 1/2; 3/2; x)
    assert float(hypergeometric("2F1(0.5,0.5;1.5)").residual(u, x).abs().max()) < 1e-9
    xs = x.detach().numpy()[:, 0]
    np.testing.assert_allclose(hypergeometric("2F1(0.5,0.5;1.5)").reference(xs), u.detach().numpy()[:, 0], rtol=1e-12)


def test_the_michel_reference_is_transonic_and_solves_its_ode():
    flow = MichelFlow(8.0)
    assert flow.speed(8.0) == pytest.approx(flow.sonic_speed, rel=1e-5) and flow.sonic_speed**2 == pytest.approx(1 / 16)
    r = np.linspace(3.2, 39.0, 150)
    u = np.array([flow.speed(x) for x in r])
    h = 1e-5
    du = (np.array([flow.speed(x + h) for x in r]) - np.array([flow.speed(x - h) for x in r])) / (2 * h)
    rhs = np.array([michel_rhs(flow)(x, np.array([v]))[0] for x, v in zip(r, u)])
    away = np.abs(r - 8.0) > 0.2  # the right-hand side is 0/0 at the sonic point
    np.testing.assert_allclose(du[away], rhs[away], rtol=1e-5)
    assert np.all(np.diff(u) < 0) and u[0] > 0.5 and u[-1] < 0.05  # supersonic inside, subsonic outside


def test_the_michel_torch_residual_is_the_denominator_times_the_ode_defect():
    flow = MichelFlow(8.0)
    r = grid(3.0, 40.0, 50)
    u = 0.3 - 0.005 * r  # any smooth field: the residual is D (u' - N/D) for it
    got = flow.residual(u, r).detach().numpy()[:, 0]
    rs, us = r.detach().numpy()[:, 0], u.detach().numpy()[:, 0]
    rho = flow.accretion_rate / (4 * math.pi * rs**2 * us)
    theta = rho ** (flow.gamma - 1)
    a2 = flow.gamma * theta / (1 + flow.gamma / (flow.gamma - 1) * theta)
    denominator = us**2 - a2 * (1 - 2 / rs + us**2)
    rhs = np.array([michel_rhs(flow)(x, np.array([v]))[0] for x, v in zip(rs, us)])
    np.testing.assert_allclose(got, denominator * (-0.005 - rhs), rtol=1e-9, atol=1e-14)


def test_an_integrator_cannot_start_at_the_singular_point_but_can_with_the_series():
    problem = legendre(3)
    x = evaluation_points(problem, 400)
    exact, near = problem.reference(x), near_mask(problem, x)
    assert "0/0" in integrate(problem, x, exact, near)["failed"]
    started = integrate(problem, x, exact, near, delta=1e-4)
    assert started["rel_l2"] < 1e-5 and started["covered"] > 0.9


def test_the_naive_integrator_misses_the_transonic_branch_of_accretion():
    problem = michel(8.0, 3.0, 40.0)
    x = evaluation_points(problem, 200)
    outcome = integrate(problem, x, problem.reference(x), near_mask(problem, x))
    assert outcome.get("failed") or outcome["rel_l2"] > 0.1


def test_evaluation_points_crowd_the_singular_points():
    problem = hypergeometric("2F1(1,1;2.5)")
    x = evaluation_points(problem, 1000)
    near = near_mask(problem, x)
    assert x.min() == 0.0 and x.max() == 1.0 and near.sum() >= 80 and np.min(x[x > 0]) < 1e-5
