"""The continuous adjoint (shared/adjoint.py) against backprop through the same RK4 solve, finite
differences and the closed-form gradient of a linear ODE; the saved-tensor meter's growth; and
Euler–Maruyama (shared/sde.py) against the Ornstein–Uhlenbeck closed-form moments."""
from __future__ import annotations

import math

import pytest
import torch
from scipy.linalg import expm

from workers.methods.shared.adjoint import SavedTensorMeter, odeint_adjoint_rk4, rk4_solve
from workers.methods.shared.sde import OrnsteinUhlenbeck, euler_maruyama

F64 = torch.float64
DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


class Field(torch.nn.Module):
    def __init__(self, dim=3, width=8, seed=0):
        super().__init__()
        torch.manual_seed(seed)
        self.net = torch.nn.Sequential(torch.nn.Linear(dim + 1, width), torch.nn.Tanh(),
                                       torch.nn.Linear(width, dim)).to(F64)

    def forward(self, t, y):
        time = torch.full_like(y[..., :1], t)
        return self.net(torch.cat([y, time], -1))


def grads(loss, field, y0):
    return torch.autograd.grad(loss, (y0, *field.parameters()))


@pytest.mark.parametrize("device", DEVICES)
def test_adjoint_gradients_match_backprop_through_the_solver(device):
    field = Field().to(device)
    y0 = torch.randn(4, 3, dtype=F64, device=device, requires_grad=True)
    target = torch.randn(4, 3, dtype=F64, device=device)
    loss = lambda y: ((y - target) ** 2).sum()  # noqa: E731
    backprop = grads(loss(rk4_solve(field, y0, 0.0, 1.5, 60)), field, y0)
    adjoint = grads(loss(odeint_adjoint_rk4(field, y0, 0.0, 1.5, 60)), field, y0)
    for a, b in zip(adjoint, backprop):
        assert torch.allclose(a, b, rtol=1e-7, atol=1e-9)


def test_adjoint_gradient_matches_central_finite_differences_of_the_loss():
    field = Field(seed=1)
    y0 = torch.randn(2, 3, dtype=F64)
    loss_of = lambda: odeint_adjoint_rk4(field, y0, 0.0, 1.0, 30).pow(2).sum()  # noqa: E731
    weight = field.net[0].weight
    (grad,) = torch.autograd.grad(loss_of(), (weight,))
    eps = 1e-6
    for index in [(0, 0), (3, 2), (7, 3)]:
        with torch.no_grad():
            weight[index] += eps
            up = float(loss_of())
            weight[index] -= 2 * eps
            down = float(loss_of())
            weight[index] += eps
        assert grad[index].item() == pytest.approx((up - down) / (2 * eps), rel=1e-5, abs=1e-8)


def test_adjoint_gradient_of_a_linear_ode_is_the_transposed_matrix_exponential():
    a = torch.tensor([[-0.1, 2.0], [-2.0, -0.1]], dtype=F64)

    class Linear(torch.nn.Module):
        def forward(self, t, y):
            return y @ a.T

    y0 = torch.tensor([[1.0, 0.5]], dtype=F64, requires_grad=True)
    weight = torch.tensor([[0.3, -1.2]], dtype=F64)
    (grad,) = torch.autograd.grad((odeint_adjoint_rk4(Linear(), y0, 0.0, 2.0, 200) * weight).sum(), (y0,))
    exact = weight.numpy() @ expm(2.0 * a.numpy())
    assert torch.allclose(grad, torch.as_tensor(exact), rtol=1e-8)


def test_saved_memory_grows_with_steps_through_the_solver_and_stays_flat_with_the_adjoint():
    field = Field(width=16)
    y0 = torch.randn(32, 3, dtype=F64, requires_grad=True)
    peaks = {"backprop": [], "adjoint": []}
    for steps in (10, 40):
        for name, solve in (("backprop", rk4_solve), ("adjoint", odeint_adjoint_rk4)):
            with SavedTensorMeter() as meter:
                solve(field, y0, 0.0, 1.0, steps).sum().backward()
            peaks[name].append(meter.peak_bytes)
            assert meter.live == 0, "every saved tensor is freed after backward"
    assert 3.5 < peaks["backprop"][1] / peaks["backprop"][0] < 4.1
    assert peaks["adjoint"][1] == peaks["adjoint"][0]
    assert peaks["adjoint"][0] < peaks["backprop"][0]


@pytest.mark.parametrize("device", DEVICES)
def test_euler_maruyama_matches_the_ornstein_uhlenbeck_mean_and_variance(device):
    ou = OrnsteinUhlenbeck(kappa=1.5, mean_level=0.5, sigma=0.4, x0=-1.0)
    gen = torch.Generator(device=device).manual_seed(0)
    count, t1, steps = 20_000, 2.0, 200
    paths = euler_maruyama(ou.drift, ou.diffusion, torch.full((count,), ou.x0, dtype=F64, device=device),
                           0.0, t1, steps, gen)
    for k in (50, 200):
        t = k * t1 / steps
        mean_se = math.sqrt(float(ou.variance(t)) / count)
        assert abs(paths[k].mean().item() - float(ou.mean(t))) < 4 * mean_se + 0.015
        assert paths[k].var().item() == pytest.approx(float(ou.variance(t)), rel=0.06)


def test_the_exact_ou_sampler_has_the_closed_form_moments():
    ou = OrnsteinUhlenbeck(kappa=0.7, mean_level=1.0, sigma=0.5, x0=0.0)
    times = torch.tensor([0.3, 1.0, 3.0], dtype=F64)
    samples = ou.exact_paths(times, 50_000, torch.Generator().manual_seed(1))
    assert torch.allclose(samples.mean(1), ou.mean(times), atol=0.01)
    assert torch.allclose(samples.var(1), ou.variance(times), rtol=0.03)
