"""Local Lipschitz bounds against the exact value found by brute force over activation
patterns on tiny ReLU nets, and against dense sampling."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import torch
from scipy.optimize import linprog

from workers.methods.local_lipschitz_bound_prop.bounds import (
    bound_propagation,
    branch_and_bound,
    crown_preactivation_bounds,
    derivative_bounds,
    gradient_norm,
    interval_bound,
    naive_global,
    preactivation_bounds,
    unstable,
)
from workers.methods.local_lipschitz_bound_prop.exact import exact_local_lipschitz


def random_net(sizes, seed):
    g = torch.Generator().manual_seed(seed)
    return [(torch.randn(o, i, generator=g, dtype=torch.float64) / i ** 0.5,
             torch.randn(o, generator=g, dtype=torch.float64) * 0.3) for i, o in zip(sizes[:-1], sizes[1:])]


def brute_force_one_hidden_layer(layers, x0, eps):
    """Every sign pattern of the hidden layer, kept if an LP finds an interior point of the ball
    where it holds: the exact max of ||grad f||_1 over the ball."""
    (w1, b1), (w2, _) = [(w.numpy(), b.numpy()) for w, b in layers]
    best = 0.0
    for signs in itertools.product((1.0, -1.0), repeat=len(b1)):
        s = np.array(signs)
        a_ub = np.hstack([-s[:, None] * w1, np.ones((len(s), 1))])  # s (w x + b) >= t
        res = linprog(np.r_[np.zeros(len(x0)), -1.0], A_ub=a_ub, b_ub=s * b1,
                      bounds=[*zip(x0 - eps, x0 + eps), (None, 1.0)], method="highs")
        if res.status == 0 and -res.fun > 1e-9:
            d = (s > 0).astype(float)
            best = max(best, float(np.abs((w2[0] * d) @ w1).sum()))
    return best


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_search_finds_the_brute_force_exact_value(seed):
    layers = random_net([3, 7, 1], seed)
    x0 = np.random.default_rng(seed).normal(size=3)
    found = exact_local_lipschitz([(w.numpy(), b.numpy()) for w, b in layers], x0, 0.6)
    assert found.complete
    assert found.best == pytest.approx(brute_force_one_hidden_layer(layers, x0, 0.6), rel=1e-12)


def test_the_exact_value_matches_a_dense_grid_on_a_two_input_deep_net():
    layers = random_net([2, 6, 6, 1], 3)
    x0, eps = np.array([0.2, -0.1]), 0.5
    found = exact_local_lipschitz([(w.numpy(), b.numpy()) for w, b in layers], x0, eps)
    axis = torch.linspace(-eps, eps, 301, dtype=torch.float64)
    grid = torch.cartesian_prod(axis, axis) + torch.as_tensor(x0)
    sampled = float(gradient_norm(layers, grid).max())
    assert found.complete and found.best >= sampled - 1e-12
    assert found.best == pytest.approx(sampled, rel=1e-9)  # every region of this net is hit by the grid


@pytest.mark.parametrize("sizes,seed", [([4, 8, 1], 0), ([4, 6, 6, 1], 1), ([5, 5, 5, 5, 1], 2)])
def test_every_upper_bound_is_at_least_the_exact_value_and_they_are_ordered(sizes, seed):
    layers = random_net(sizes, seed)
    x0 = torch.as_tensor(np.random.default_rng(seed).normal(size=sizes[0]))
    for eps, pre in itertools.product((0.05, 0.3), (preactivation_bounds, crown_preactivation_bounds)):
        db = derivative_bounds(pre(layers, x0, eps))
        exact = exact_local_lipschitz([(w.numpy(), b.numpy()) for w, b in layers], x0.numpy(), eps).best
        propagated, interval = bound_propagation(layers, db), interval_bound(layers, db)
        bab = branch_and_bound(layers, db, 64).bound
        assert naive_global(layers) >= interval - 1e-9
        assert interval >= propagated - 1e-12
        assert propagated >= bab - 1e-9
        assert bab >= exact - 1e-9


def test_branch_and_bound_to_the_end_gives_the_relaxations_vertex_maximum():
    layers = random_net([4, 8, 1], 4)
    x0 = torch.zeros(4, dtype=torch.float64)
    db = derivative_bounds(preactivation_bounds(layers, x0, 1.0))
    free = [k for _, k in unstable(db)]
    (w1, _), (w2, _) = layers
    best = 0.0
    for bits in itertools.product((0.0, 1.0), repeat=len(free)):
        d = db[0][0].clone()
        d[free] = torch.tensor(bits, dtype=torch.float64)
        best = max(best, float(((w2[0] * d) @ w1).abs().sum()))
    result = branch_and_bound(layers, db, 10 ** 6)
    assert result.exact
    assert result.bound == pytest.approx(best, rel=1e-12)


def test_the_gradient_norm_matches_autograd():
    layers = random_net([3, 5, 4, 1], 5)
    x = torch.randn(7, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(0)).requires_grad_(True)
    h = x
    for w, b in layers[:-1]:
        h = torch.relu(h @ w.T + b)
    out = (h @ layers[-1][0].T + layers[-1][1]).sum()
    (grad,) = torch.autograd.grad(out, x)
    assert torch.allclose(gradient_norm(layers, x.detach()), grad.abs().sum(dim=1), atol=1e-12)


def test_crown_bounds_contain_every_sampled_preactivation_and_are_no_looser_than_intervals():
    layers = random_net([6, 10, 10, 10, 1], 6)
    x0, eps = torch.zeros(6, dtype=torch.float64), 0.4
    crown, ibp = crown_preactivation_bounds(layers, x0, eps), preactivation_bounds(layers, x0, eps)
    x = x0 + eps * (2 * torch.rand(20000, 6, dtype=torch.float64, generator=torch.Generator().manual_seed(0)) - 1)
    h = x
    for (w, b), (low, high), (ibp_low, ibp_high) in zip(layers[:-1], crown, ibp):
        z = h @ w.T + b
        assert bool((z >= low - 1e-12).all()) and bool((z <= high + 1e-12).all())
        assert bool((low >= ibp_low).all()) and bool((high <= ibp_high).all())
        h = torch.relu(z)
    assert float((crown[-1][1] - crown[-1][0]).sum()) < 0.8 * float((ibp[-1][1] - ibp[-1][0]).sum())
