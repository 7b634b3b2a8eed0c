"""NeuralStagger's decomposition (an exact permutation) and its physics loss against closed forms
and the kit's Navier–Stokes reference."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from workers.methods.neuralstagger.experiment import initial_states
from workers.methods.neuralstagger.stagger import PhysicsLoss, StaggeredSolver, channel_to_space, space_to_channel
from workers.methods.shared.operators import navier_stokes as ns

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("s", [1, 2, 4])
def test_space_to_channel_round_trips_exactly_and_holds_the_staggered_sub_grids(s, device):
    w = torch.randn(3, 16, 16, generator=torch.Generator().manual_seed(s)).to(device)
    coarse = space_to_channel(w, s)
    assert coarse.shape == (3, s * s, 16 // s, 16 // s)
    assert torch.equal(channel_to_space(coarse, s), w)
    for i in range(s):
        for j in range(s):
            assert torch.equal(coarse[:, i * s + j], w[:, i::s, j::s])


def test_a_solver_with_zero_increments_repeats_the_state_for_each_sub_step():
    model = StaggeredSolver(2, 3, width=4, layers=2)
    torch.nn.init.zeros_(model.net.convs[-1].weight)
    torch.nn.init.zeros_(model.net.convs[-1].bias)
    w = torch.randn(2, 8, 8)
    out = model(w)
    assert out.shape == (2, 3, 8, 8) and torch.allclose(out, w[:, None].expand(-1, 3, -1, -1))


def test_the_physics_loss_vanishes_on_the_exact_crank_nicolson_step_of_a_shear_mode():
    n, nu, dt = 16, 0.01, 0.05
    x = torch.arange(n, dtype=torch.float64) / n
    w0 = torch.sin(2 * math.pi * x)[:, None].expand(n, n)[None]  # u·∇ω = 0 for a single shear mode
    k2 = (2 * math.pi) ** 2
    w1 = w0 * (1 - 0.5 * dt * nu * k2) / (1 + 0.5 * dt * nu * k2)
    loss = PhysicsLoss(n, nu, dt, "cpu")
    assert float(loss(w0, w1[:, None])) < 1e-28
    assert float(loss(w0, w0[:, None])) > 1e-8  # the unchanged field violates the diffusion


def test_the_reference_solution_has_a_small_physics_loss_compared_with_a_perturbed_field():
    n, nu, dt = 32, 1e-3, 0.02
    w0 = initial_states(np.random.default_rng(0), 3, n, "cpu").double()
    w1 = ns.navier_stokes(w0, nu, [dt], dt=0.002)
    loss = PhysicsLoss(n, nu, dt, "cpu")
    exact = loss(w0, w1)
    perturbed = loss(w0, w1 + 0.01 * torch.randn(w1.shape, generator=torch.Generator().manual_seed(1), dtype=torch.float64))
    assert float(exact.max()) < 1e-3 * float(perturbed.min())
    two_steps = ns.navier_stokes(w0, nu, [dt, 2 * dt], dt=0.002)
    assert float(loss(w0, two_steps).max()) < 1e-3 * float(perturbed.min())  # chained sub-steps too
