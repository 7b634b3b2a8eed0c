"""GIOROM's particle generator against scipy's solve_ivp, the flow's invariants, and the read-out
interpolation (exact on linear fields); the GNS gather against a dense reference."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp

from workers.methods.giorom_reduced_order_operator.flow import (
    initial_positions,
    random_coefficients,
    trajectories,
    velocity,
)
from workers.methods.giorom_reduced_order_operator.networks import GioromLite, GnsLite, bilinear


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def test_rk4_trajectories_match_an_independent_solve_ivp_integration():
    rng = np.random.default_rng(0)
    a = random_coefficients(rng, 1, 3)
    x0 = initial_positions(rng, 1, 5)
    ours = trajectories(a, x0, 0.05, 8)[0]  # (9, 5, 2)
    rhs = lambda t, y: velocity(a, y.reshape(1, -1, 2)).ravel()
    times = np.arange(9) * 0.05
    ref = solve_ivp(rhs, (0, times[-1]), x0.ravel(), t_eval=times, rtol=1e-11, atol=1e-12, method="DOP853")
    assert np.abs(ours - ref.y.T.reshape(9, 5, 2)).max() < 1e-7


def test_the_flow_is_divergence_free_has_no_flow_through_walls_and_unit_peak_speed():
    a = random_coefficients(np.random.default_rng(1), 2, 3)
    pts = np.random.default_rng(2).uniform(0.1, 0.9, size=(2, 50, 2))
    h = 1e-5
    ex, ey = np.array([h, 0]), np.array([0, h])
    div = ((velocity(a, pts + ex)[..., 0] - velocity(a, pts - ex)[..., 0])
           + (velocity(a, pts + ey)[..., 1] - velocity(a, pts - ey)[..., 1])) / (2 * h)
    assert np.abs(div).max() < 1e-6
    wall = np.stack([np.zeros(20), np.linspace(0, 1, 20)], axis=-1)[None].repeat(2, axis=0)
    assert np.abs(velocity(a, wall)[..., 0]).max() < 1e-12  # u = 0 on x = 0
    grid = np.stack(np.meshgrid(*[np.linspace(0, 1, 33)] * 2, indexing="ij"), -1).reshape(1, -1, 2).repeat(2, 0)
    assert np.allclose(np.linalg.norm(velocity(a, grid), axis=-1).max(axis=1), 1.0)


def test_bilinear_read_out_is_exact_on_linear_fields():
    g = 9
    axis = torch.linspace(0, 1, g, dtype=torch.float64)
    x, y = torch.meshgrid(axis, axis, indexing="ij")
    field = torch.stack([2 * x - 3 * y + 0.5, -x + 4 * y]).unsqueeze(0)  # (1, 2, G, G), axis 2 = x
    pts = torch.rand(1, 100, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    exact = torch.stack([2 * pts[..., 0] - 3 * pts[..., 1] + 0.5, -pts[..., 0] + 4 * pts[..., 1]], dim=-1)
    assert torch.allclose(bilinear(field, pts), exact, atol=1e-12)


def test_giorom_infers_any_number_of_points_from_a_fixed_sparse_set():
    model = GioromLite(grid=8, width=8, modes=3)
    sparse_x, sparse_v = torch.rand(2, 10, 2), torch.rand(2, 10, 2)
    queries = torch.rand(2, 300, 2)
    out = model(sparse_x, sparse_v, queries)
    assert out.shape == (2, 300, 2)
    assert torch.allclose(model(sparse_x, sparse_v, queries[:, :7]), out[:, :7], atol=1e-6)


def test_gns_message_passing_equals_a_dense_loop_over_neighbours():
    torch.manual_seed(0)
    model = GnsLite(width=8, layers=1)
    x, v = torch.rand(2, 12, 2), torch.rand(2, 12, 2)
    nb = torch.randint(0, 12, (2, 12, 3))
    out = model(x, v, nb)
    h = model.encoder(torch.cat([x, v], -1))
    for b in range(2):
        for i in range(12):
            msgs = [model.messages[0](torch.cat([h[b, i], h[b, j], x[b, j] - x[b, i]])) for j in nb[b, i]]
            hi = h[b, i] + model.updates[0](torch.cat([h[b, i], torch.stack(msgs).mean(0)]))
            assert torch.allclose(out[b, i], model.decoder(hi), atol=1e-5)
