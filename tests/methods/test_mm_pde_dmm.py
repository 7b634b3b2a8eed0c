"""mm-pde-dmm's numerics: de Boor's equidistribution against the closed-form inverse CDF of a
known monitor, the interpolation-error ordering on a known steep function, the batched linear
interpolation against numpy, and a short DMM training moving toward the exact mesh."""
from __future__ import annotations

import numpy as np
import torch

from workers.methods.mm_pde_dmm import mesh
from workers.methods.mm_pde_dmm.dmm import MeshMover, mesh_of, train_dmm


def test_equidistribution_of_a_linear_monitor_is_its_inverse_cdf():
    """m = 1 + 2x: M(x) = x + x², so x_j solves x² + x = 2j/N: x_j = (−1 + sqrt(1 + 8j/N)) / 2."""
    grid = mesh.fine_grid(4000)
    nodes = mesh.equidistributed((1 + 2 * grid).unsqueeze(0), 16)[0]
    j = torch.arange(17, dtype=torch.float64)
    exact = (-1 + torch.sqrt(1 + 8 * j / 16)) / 2
    assert torch.allclose(nodes, exact, atol=1e-7)


def test_batched_interp_matches_numpy():
    rng = np.random.default_rng(0)
    xp = np.sort(rng.random(20))
    xp[0], xp[-1] = 0.0, 1.0
    fp, x = rng.standard_normal(20), rng.random(50)
    ours = mesh.interp(torch.as_tensor(x)[None], torch.as_tensor(xp), torch.as_tensor(fp)[None])[0]
    assert np.allclose(ours.numpy(), np.interp(x, xp, fp), atol=1e-12)


def test_an_equidistributed_mesh_interpolates_a_steep_front_better_than_a_uniform_one():
    grid = mesh.fine_grid(2048)
    u = torch.tanh((grid - 0.4) / 0.01).unsqueeze(0)
    adapted = mesh.equidistributed(mesh.monitor(u, beta=5.0), 32)
    errors = [float(mesh.interpolation_error(u, m)) for m in (adapted, mesh.uniform(32, 1))]
    assert errors[0] < 0.3 * errors[1]
    assert mesh.tangled_cells(adapted) == 0


def test_a_short_dmm_training_moves_nodes_toward_the_exact_equidistribution():
    torch.manual_seed(0)
    grid = mesh.fine_grid(256)
    centers = torch.tensor([0.3, 0.5, 0.7]).unsqueeze(1)
    u = torch.tanh((grid - centers) / 0.03).double()
    m = mesh.monitor(u, beta=3.0)
    model = MeshMover(branch_points=32, width=32, basis=16)
    exact = mesh.equidistributed(m, 16)
    start = (mesh_of(model, m, 16) - exact).abs().max()
    train_dmm(model, m, steps=300, batch=3, points=64, lr=3e-3, convexity_weight=10.0,
              generator=torch.Generator().manual_seed(0), on_step=lambda step, loss: None)
    moved = mesh_of(model, m, 16)
    end = (moved - exact).abs().max()
    assert end < 0.5 * start
    assert float(mesh.interpolation_error(u, moved).mean()) < float(mesh.interpolation_error(u, mesh.uniform(16, 3)).mean())
