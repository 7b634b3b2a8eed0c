"""Tabular MDP numerics against dynamic programming, autograd and Monte Carlo."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.shared.mdp import (
    exact_policy_gradient,
    expected_return,
    garnet,
    gpomdp,
    hessian_correction,
    optimal_return,
    sample,
    surrogate,
)

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def small(device="cpu"):
    return garnet(5, 3, 2, 0.7, np.random.default_rng(0), device=device)


def test_policy_evaluation_matches_iterated_bellman_backups():
    mdp = small()
    theta = torch.as_tensor(np.random.default_rng(1).normal(size=(2, 5, 3)))
    pi = torch.softmax(theta, -1)
    v = torch.zeros(2, 5, dtype=torch.float64)
    for _ in range(400):
        v = (pi * (mdp.rewards + mdp.gamma * torch.einsum("sat,bt->bsa", mdp.transitions, v))).sum(-1)
    torch.testing.assert_close(expected_return(mdp, theta), v @ mdp.initial, rtol=0, atol=1e-12)


def test_optimal_return_bounds_every_policy_and_is_reached_by_the_greedy_one():
    mdp = small()
    j_star = optimal_return(mdp)
    thetas = torch.as_tensor(np.random.default_rng(2).normal(size=(50, 5, 3)) * 3)
    assert float(expected_return(mdp, thetas).max()) <= j_star + 1e-12
    v = torch.zeros(5, dtype=torch.float64)
    for _ in range(500):
        v = (mdp.rewards + mdp.gamma * mdp.transitions @ v).max(1).values
    greedy = (mdp.rewards + mdp.gamma * mdp.transitions @ v).argmax(1)
    theta = 60.0 * torch.nn.functional.one_hot(greedy, 3).double()[None]
    assert abs(float(expected_return(mdp, theta)) - j_star) < 1e-9


def test_exact_policy_gradient_equals_autograd_of_the_exact_return():
    mdp = small()
    theta = torch.as_tensor(np.random.default_rng(3).normal(size=(3, 5, 3)), dtype=torch.float64).requires_grad_()
    (auto,) = torch.autograd.grad(expected_return(mdp, theta).sum(), theta)
    torch.testing.assert_close(exact_policy_gradient(mdp, theta.detach()), auto, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_gpomdp_is_unbiased_for_the_truncated_return(device):
    mdp = small(device)
    theta = torch.as_tensor(np.random.default_rng(4).normal(size=(1, 5, 3)), device=device)
    gen = torch.Generator(device=device).manual_seed(0)
    many = theta.expand(40_000, -1, -1).contiguous()
    estimate = gpomdp(many, sample(mdp, many, 40, gen), mdp.gamma)
    exact = exact_policy_gradient(mdp, theta)[0]  # gamma^40 ~ 6e-7: truncation negligible
    stderr = estimate.std(0) / np.sqrt(40_000)
    assert float(((estimate.mean(0) - exact).abs() / (stderr + 1e-6)).max()) < 5.0


def test_hessian_correction_equals_autograd_of_the_surrogate():
    mdp = small()
    theta = torch.as_tensor(np.random.default_rng(5).normal(size=(4, 5, 3)), dtype=torch.float64)
    v = torch.as_tensor(np.random.default_rng(6).normal(size=(4, 5, 3)), dtype=torch.float64)
    tau = sample(mdp, theta, 12, torch.Generator().manual_seed(1))
    x = theta.clone().requires_grad_()
    (grad_phi,) = torch.autograd.grad(surrogate(x, tau, mdp.gamma).sum(), x, create_graph=True)
    (hess_v,) = torch.autograd.grad((grad_phi * v).sum(), x)
    logp = torch.log_softmax(x, -1)[torch.arange(4)[:, None], tau.states, tau.actions].sum(1)
    (score,) = torch.autograd.grad(logp.sum(), x)
    expected = grad_phi.detach() * (score * v).sum((1, 2))[:, None, None] + hess_v
    torch.testing.assert_close(gpomdp(theta, tau, mdp.gamma), grad_phi.detach(), rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(hessian_correction(theta, tau, mdp.gamma, v), expected, rtol=1e-10, atol=1e-12)
