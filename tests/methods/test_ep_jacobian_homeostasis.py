"""Equilibrium gradients on a tiny network: implicit differentiation against finite differences,
the Jacobian against autograd, the Cauchy nudge estimate against the exact du*/dbeta."""
from __future__ import annotations

import pytest
import torch

from workers.methods.ep_jacobian_homeostasis.network import (
    EqNet,
    ep_gradient,
    estimated_du_dbeta,
    exact_du_dbeta,
    exact_gradient,
    flat,
    homeostasis_loss,
    rho,
    rho_prime,
)

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def tiny(tied: bool, alpha: float = 0.0, device="cpu"):
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(5, 8, generator=gen, dtype=torch.float64).to(device)
    y = torch.nn.functional.one_hot(torch.arange(5) % 3, 3).double().to(device)
    return EqNet(8, 6, 3, tied, gen, alpha).to(device), x, y


def equilibrium_loss(net, x, y) -> float:
    u = net.equilibrium(x, y, 0.0, steps=400)
    return float(0.5 * ((rho(u[:, net.hidden:]) - y) ** 2).sum())


@pytest.mark.parametrize("tied,alpha", [(True, 0.0), (False, 60.0)])
def test_implicit_gradient_matches_finite_differences_of_the_equilibrium_loss(tied, alpha):
    net, x, y = tiny(tied, alpha)
    grads = exact_gradient(net, net.equilibrium(x, y, 0.0, steps=400), x, y)
    eps = 1e-6
    for name, index in (("W2", (0, 1)), ("U", (2, 3)), ("b_h", (4,))) + ((("B", (1, 2)),) if not tied else ()):
        param = dict(net.named_parameters())[name]
        with torch.no_grad():
            param[index] += eps
            plus = equilibrium_loss(net, x, y)
            param[index] -= 2 * eps
            minus = equilibrium_loss(net, x, y)
            param[index] += eps
        assert float(grads[name][index]) == pytest.approx((plus - minus) / (2 * eps), rel=1e-5, abs=1e-9)


def test_the_closed_form_jacobian_is_autograds_of_the_vector_field():
    net, x, y = tiny(False, 45.0)
    u = net.equilibrium(x, y, 0.0, steps=400)

    def field(state):
        return (rho_prime(state) * (net.step(state[None], x[:1], y[:1], 0.0)[0] - state)).detach()

    auto = torch.autograd.functional.jacobian(lambda s: rho_prime(s) * (net.step(s[None], x[:1], y[:1], 0.0)[0] - s), u[0])
    torch.testing.assert_close(net.jacobian(u[:1])[0].detach(), auto.detach(), rtol=1e-7, atol=1e-10)
    assert float(field(u[0]).abs().max()) < 1e-10  # u is an equilibrium


@pytest.mark.parametrize("device", DEVICES)
def test_the_cauchy_estimate_converges_like_beta_to_the_n(device):
    net, x, y = tiny(False, 90.0, device)
    u = net.equilibrium(x, y, 0.0, steps=400)
    exact = exact_du_dbeta(net, u, y).detach()
    errors = [float((estimated_du_dbeta(net, u, x, y, 0.5, n, 300) - exact).norm() / exact.norm()) for n in (1, 2, 4, 6)]
    assert errors[0] > 0.03 and errors == sorted(errors, reverse=True) and errors[3] < 1e-4


def test_ep_equals_the_exact_gradient_when_weights_are_symmetric_and_homeostasis_is_zero():
    net, x, y = tiny(True)
    u = net.equilibrium(x, y, 0.0, steps=400)
    ep, exact = flat(ep_gradient(net, u, x, y, 0.5, 6, 300)), flat(exact_gradient(net, u, x, y))
    assert float((ep - exact).norm() / exact.norm()) < 1e-4
    assert float(homeostasis_loss(net, u).detach()) == 0.0
