"""The PINN kit against closed forms: derivatives, a 1-D Poisson problem, weights, L-BFGS, samplers."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from workers.methods.context import RunContext
from workers.methods.shared.pinn import (
    Box,
    Reference,
    Schedule,
    Term,
    ctx_logger,
    derivative,
    gradient,
    laplacian,
    mlp,
    train,
    unit_samples,
)
from workers.methods.shared.weighting import TermWeights

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"))]




def points(n: int, dim: int, device: str, seed: int = 0) -> torch.Tensor:
    gen = np.random.default_rng(seed)
    return torch.as_tensor(gen.uniform(-1, 1, (n, dim)), dtype=torch.float64, device=device).requires_grad_(True)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("order", [0, 1, 2, 3, 4])
def test_derivatives_of_sin_are_the_shifted_sines(device, order):
    x = points(50, 1, device)
    got = derivative(torch.sin(3 * x), x, order)
    expected = 3**order * torch.sin(3 * x + order * math.pi / 2)
    torch.testing.assert_close(got, expected.detach(), rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("device", DEVICES)
def test_mixed_derivatives_of_a_polynomial_and_those_past_its_degree(device):
    x = points(40, 2, device)
    a, b = x[:, 0:1], x[:, 1:2]
    u = a**3 * b**2 + 2 * a * b
    torch.testing.assert_close(derivative(u, x, (1, 1)), (6 * a**2 * b + 2).detach(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(derivative(u, x, (2, 1)), (12 * a * b).detach(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(derivative(u, x, (3, 2)), torch.full_like(a, 12.0), rtol=1e-12, atol=1e-12)
    assert torch.count_nonzero(derivative(u, x, (4, 0))) == 0
    assert torch.count_nonzero(derivative(u, x, (0, 3))) == 0


@pytest.mark.parametrize("device", DEVICES)
def test_mixed_second_derivative_gradient_and_laplacian_of_a_trigonometric_field(device):
    x = points(30, 3, device)
    u = torch.sin(x[:, 0]) * torch.cos(2 * x[:, 1]) * torch.exp(x[:, 2])
    s0, c0 = torch.sin(x[:, 0]), torch.cos(x[:, 0])
    s1, c1, e = torch.sin(2 * x[:, 1]), torch.cos(2 * x[:, 1]), torch.exp(x[:, 2])
    torch.testing.assert_close(derivative(u, x, (1, 1, 0)), (-2 * c0 * s1 * e).detach())
    grad = torch.stack([c0 * c1 * e, -2 * s0 * s1 * e, s0 * c1 * e], dim=1)
    torch.testing.assert_close(gradient(u, x), grad.detach())
    torch.testing.assert_close(laplacian(u, x), ((-1 - 4 + 1) * u).detach())


def test_a_derivative_is_differentiable_again_in_the_parameters():
    torch.manual_seed(0)
    net = mlp(1, 8, 2).double()
    x = points(20, 1, "cpu")
    second = derivative(net(x), x, 2)
    grads = torch.autograd.grad(second.pow(2).mean(), list(net.parameters()), allow_unused=True)
    assert grads[-1] is None  # u'' does not depend on the output bias
    assert all(torch.isfinite(g).all() and g.abs().sum() > 0 for g in grads[:-1])


def test_orders_must_match_the_dimension():
    x = points(5, 2, "cpu")
    with pytest.raises(ValueError, match="one non-negative order per coordinate"):
        derivative(x.sum(1), x, 2)


# ---- a 1-D Poisson problem u'' = f on [0, 1], u(0) = u(1) = 0, u* = sin(πx) ----------------

def poisson(device: str, seed: int = 0, scale: float = 1.0, boundary_value: float = 0.0):
    rng = np.random.default_rng(seed)
    box = Box((0.0,), (1.0,))
    u_star = lambda x: scale * torch.sin(math.pi * x) + boundary_value  # noqa: E731
    f = lambda x: -scale * math.pi**2 * torch.sin(math.pi * x)  # noqa: E731
    terms = [
        Term("pde", lambda m, x: derivative(m(x), x, 2) - f(x), lambda: box.interior(64, rng, "lhs", device=device)),
        Term("bc", lambda m, x: m(x) - boundary_value, box.boundary(2, rng, device=device)),
    ]
    grid = box.grid(201, device=device)
    return terms, Reference(grid, u_star(grid))


@pytest.mark.parametrize("device", DEVICES)
def test_poisson_reaches_a_small_relative_error_on_a_tiny_budget(device):
    torch.manual_seed(0)
    terms, reference = poisson(device)
    model = mlp(1, 20, 2).to(device)
    result = train(model, terms, Schedule(adam_steps=300, lr=1e-2, lbfgs_steps=8, eval_every=100), reference=reference)
    assert result.final["rel_l2"] < 1e-3, result.final
    assert result.final["step"] == result.steps == 308 and result.lbfgs_iterations > 8
    errors = [r["rel_l2"] for r in result.history if "rel_l2" in r]
    assert errors[-1] < errors[0] / 50


def test_the_lbfgs_phase_lowers_the_loss_left_by_adam():
    torch.manual_seed(1)
    terms, reference = poisson("cpu")
    model = mlp(1, 16, 2)
    adam_only = train(model, terms, Schedule(adam_steps=200, lr=1e-2, resample_every=0))
    after = train(model, terms, Schedule(adam_steps=0, lbfgs_steps=5), reference=reference)
    assert after.final["loss"] < adam_only.final["loss"] / 10, (adam_only.final["loss"], after.final["loss"])
    assert [r["phase"] for r in after.history] == [1.0] * len(after.history)


def test_learning_rate_annealing_raises_the_weight_of_a_term_with_weak_gradients():
    torch.manual_seed(0)
    terms, _ = poisson("cpu", scale=30.0)  # a residual 30x larger: the boundary gradients look small
    result = train(mlp(1, 16, 2), terms, Schedule(adam_steps=30, lr=1e-3, weighting="lra", update_every=5))
    assert result.weights["pde"] == 1.0 and result.weights["bc"] > 5.0


def test_learning_rate_annealing_lowers_the_weight_of_a_dominant_boundary_term():
    torch.manual_seed(0)
    terms, _ = poisson("cpu", scale=0.0, boundary_value=100.0)  # u* = 100: only the boundary term pulls
    result = train(mlp(1, 16, 2), terms, Schedule(adam_steps=30, lr=1e-3, weighting="lra", update_every=5, alpha=0.5))
    assert result.weights["bc"] < 0.5


def test_residual_based_attention_weights_the_points_with_larger_residuals_more():
    term = Term("pde", lambda m, x: x, torch.zeros(3, 1))
    weights = TermWeights([term], Schedule(weighting="rba", rba_decay=0.9, rba_rate=0.5))
    residual = torch.tensor([[0.1], [0.5], [1.0]])
    for _ in range(50):
        current = weights.point_weights("pde", residual)
    assert current[0] < current[1] < current[2]
    # the fixed point of λ ← γλ + η|r|/max|r| is η/(1 − γ)·|r|/max|r|
    torch.testing.assert_close(current, 5.0 * residual, rtol=1e-2, atol=1e-2)
    weights.freeze()
    assert torch.equal(weights.point_weights("pde", 10 * residual), current)


def test_training_stops_at_its_time_budget():
    terms, _ = poisson("cpu")
    result = train(mlp(1, 8, 1), terms, Schedule(adam_steps=100_000, max_seconds=0.3))
    assert 0.3 <= result.seconds < 2.0 and result.steps < 100_000


def test_ctx_logger_writes_losses_weights_and_errors_to_their_panels(tmp_path):
    torch.manual_seed(0)
    terms, reference = poisson("cpu")
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    train(mlp(1, 8, 1), terms, Schedule(adam_steps=20, weighting="lra", eval_every=10, log_every=5),
          reference=reference, callback=ctx_logger(ctx, "pinn"))
    series = ctx.series_summary()
    assert series["pinn loss"]["panel"] == "loss" and series["pinn loss/bc"]["points"] == 4
    assert series["pinn weight/bc"]["panel"] == "loss weight"
    assert series["pinn rel_l2"]["panel"] == "error" and series["pinn rel_l2"]["points"] == 2


# ---- collocation ---------------------------------------------------------------------------

def test_latin_hypercube_puts_one_point_in_every_stratum_of_every_axis():
    samples = unit_samples(64, 3, "lhs", np.random.default_rng(0))
    for axis in range(3):
        assert sorted(np.floor(samples[:, axis] * 64).astype(int)) == list(range(64))


def test_sobol_and_grid_points_fill_the_unit_cube_evenly():
    sobol = unit_samples(256, 2, "sobol", np.random.default_rng(0))
    counts = np.histogram2d(sobol[:, 0], sobol[:, 1], bins=4, range=[[0, 1], [0, 1]])[0]
    assert counts.min() == counts.max() == 16
    grid = unit_samples(100, 2, "grid", np.random.default_rng(0))
    assert grid.shape == (100, 2) and np.allclose(np.unique(grid[:, 0]), (np.arange(10) + 0.5) / 10)


def test_boundary_points_lie_on_the_faces_in_proportion_to_their_area():
    box = Box((0.0, -1.0), (4.0, 1.0))  # faces x = 0, 4 of length 2; y = ±1 of length 4
    pts = box.boundary(4000, np.random.default_rng(0), dtype=torch.float64).numpy()
    on_x = np.isclose(pts[:, 0], 0) | np.isclose(pts[:, 0], 4)
    on_y = np.isclose(pts[:, 1], -1) | np.isclose(pts[:, 1], 1)
    assert np.all(on_x | on_y)
    assert abs(on_y.mean() - 2 / 3) < 0.03
    inside = box.interior(512, np.random.default_rng(1), "sobol", dtype=torch.float64).numpy()
    assert inside[:, 0].min() >= 0 and inside[:, 0].max() <= 4 and inside[:, 1].min() >= -1


def test_lbfgs_fits_the_joined_draws_of_a_resampled_term():
    sizes = []
    box = Box((0.0,), (1.0,))
    rng = np.random.default_rng(0)

    def residual(model, x):
        sizes.append(x.shape[0])
        return model(x) - torch.sin(x)

    train(mlp(1, 4, 1), [Term("fit", residual, lambda: box.interior(16, rng))],
          Schedule(adam_steps=2, lbfgs_steps=1, lbfgs_inner=2, lbfgs_draws=5))
    assert sizes[:2] == [16, 16] and set(sizes[2:]) == {80}
