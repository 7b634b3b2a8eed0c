"""HARPG's Hessian correction transports the gradient: E[B(tau^, theta^)(theta - theta')] equals
the exact policy-gradient difference (dynamic programming), and the steppers spend their budgets."""
from __future__ import annotations

import numpy as np
import torch

from workers.methods.npg_igt_harpg.algorithms import ALGORITHMS, make
from workers.methods.shared.mdp import (
    exact_policy_gradient,
    garnet,
    hessian_correction,
    sample,
)


def test_the_hessian_correction_is_unbiased_for_the_gradient_difference():
    mdp = garnet(4, 2, 2, 0.6, np.random.default_rng(0))
    rng = np.random.default_rng(1)
    old = torch.as_tensor(rng.normal(size=(1, 4, 2)))
    new = old + 0.3 * torch.as_tensor(rng.normal(size=(1, 4, 2)))
    count = 60_000
    gen = torch.Generator().manual_seed(2)
    q = torch.rand(count, 1, 1, generator=gen, dtype=torch.float64)
    between = q * new + (1 - q) * old
    move = (new - old).expand(count, -1, -1)
    estimate = hessian_correction(between, sample(mdp, between, 40, gen), mdp.gamma, move)  # 0.6^40 ~ 1e-9
    exact = (exact_policy_gradient(mdp, new) - exact_policy_gradient(mdp, old))[0]
    stderr = estimate.std(0) / np.sqrt(count)
    assert float(((estimate.mean(0) - exact).abs() / (stderr + 1e-6)).max()) < 5.0


def test_each_algorithm_moves_every_row_and_counts_its_trajectories():
    mdp = garnet(5, 3, 2, 0.7, np.random.default_rng(3))
    theta0 = torch.zeros(4, 5, 3, dtype=torch.float64)
    steps = torch.full((4,), 0.5, dtype=torch.float64)
    for name in ALGORITHMS:
        algorithm, gen = make(name), torch.Generator().manual_seed(4)
        algorithm.start(theta0)
        theta, used = theta0, 0
        for t in range(3):
            theta, k = algorithm.step(t, theta, steps, mdp, 10, gen)
            used += k
        assert used == {"PG (batch 1)": 3, "PG (batch 10)": 30, "N-PG-IGT": 3, "N-HARPG": 5}[name]
        assert bool((theta - theta0).flatten(1).norm(dim=1).gt(0).all())
