"""Barron illustration: the manufactured source against autograd, fixed Barron norm across d, periodicity."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.barron_nonlinear_pde.experiment import width_to_error
from workers.methods.barron_nonlinear_pde.function_space import descend, torus_problem
from workers.methods.barron_nonlinear_pde.manufactured import PeriodicTwoLayer, draw_pattern, manufactured
from workers.methods.shared import pinn

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"))]


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dim", [1, 3, 8])
def test_the_source_is_minus_laplacian_plus_u_plus_lambda_u_cubed_of_the_solution(dim, device):
    pattern = draw_pattern(4, np.random.default_rng(0))
    problem = manufactured(pattern, dim, 2.5, np.random.default_rng(1), device, torch.float64)
    x = torch.tensor(np.random.default_rng(2).random((30, dim)), device=device).requires_grad_(True)
    u = problem.u(x)
    by_autograd = -pinn.laplacian(u, x) + u + 2.5 * u**3
    torch.testing.assert_close(problem.source(x), by_autograd.detach(), rtol=1e-10, atol=1e-10)
    assert float(problem.residual(problem.u, x).detach().abs().max()) < 1e-9


def test_the_barron_norm_is_the_same_in_every_dimension():
    pattern = draw_pattern(5, np.random.default_rng(0))
    norms = [manufactured(pattern, d, 1.0, np.random.default_rng(d), "cpu").barron_norm for d in (2, 4, 16, 64)]
    assert max(norms) == pytest.approx(min(norms), rel=1e-6)
    sparse = manufactured(pattern, 16, 1.0, np.random.default_rng(3), "cpu").frequencies
    assert torch.all((sparse != 0).sum(1) == 2)


def test_the_network_is_periodic_in_every_coordinate():
    torch.manual_seed(0)
    net = PeriodicTwoLayer(3, 8).double()
    x = torch.rand(10, 3, dtype=torch.float64)
    for axis in range(3):
        shift = torch.zeros(3, dtype=torch.float64)
        shift[axis] = 1.0
        torch.testing.assert_close(net(x + shift), net(x), rtol=1e-10, atol=1e-10)


def test_width_to_error_is_the_smallest_width_reaching_the_target():
    row = {"W=8": {"rel_l2": 0.3}, "W=16": {"rel_l2": 0.009}, "W=32": {"rel_l2": 0.02}}
    assert width_to_error(row, [32, 8, 16], 0.01) == 16
    assert width_to_error(row, [8, 16, 32], 0.001) is None


def test_the_torus_source_makes_the_manufactured_field_the_exact_discrete_solution():
    problem = torus_problem(16, 1.5, [(1, 0, 0.6), (1, 2, -0.3)])
    assert np.max(np.abs(problem.gradient(problem.u_star))) < 1e-10
    x = np.arange(16) / 16
    expected = -4 * np.pi**2 * 0.6 * np.cos(2 * np.pi * x)[:, None] * np.ones(16)[None, :]
    np.testing.assert_allclose(problem.laplacian(0.6 * np.cos(2 * np.pi * x)[:, None] * np.ones(16)), expected, atol=1e-9)


def test_preconditioned_descent_needs_the_same_iterations_on_every_grid_and_plain_descent_slows():
    modes = [(1, 0, 0.6), (2, 1, 0.25)]
    runs = {n: (descend(torus_problem(n, 1.0, modes), True, 1e-8, 1000),
                descend(torus_problem(n, 1.0, modes), False, 1e-8, 100)) for n in (16, 32)}
    assert abs(runs[16][0]["iterations"] - runs[32][0]["iterations"]) <= 1 and runs[16][0]["reached_tol"]
    assert runs[32][1]["iterations_to_tol"] > 3 * runs[16][1]["iterations_to_tol"]  # the step shrinks like h^2
