"""Explainers as local function approximation: closed forms on linear models, C-LIME = SmoothGrad
at small sigma against the analytic gradient, and the KernelSHAP sampler's size law."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.shared import explainers as ex

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def linear(beta, c=0.7):
    return lambda x: x @ beta + c


@pytest.mark.parametrize("device", DEVICES)
def test_every_explainer_recovers_a_linear_model_in_its_own_space(device):
    gen = torch.Generator(device=device).manual_seed(0)
    rng = np.random.default_rng(0)
    beta = torch.as_tensor(rng.normal(size=6), device=device)
    x0 = torch.as_tensor(rng.normal(size=6), device=device)
    base = torch.as_tensor(rng.normal(size=6), device=device)
    f, noise = linear(beta), 0.3 * torch.randn(200, 6, generator=gen, dtype=torch.float64, device=device)
    masks = (torch.rand(200, 6, generator=gen, dtype=torch.float64, device=device) < 0.5).double()
    in_x = [ex.vanilla_gradient(f, x0), ex.smoothgrad(f, x0, noise), ex.c_lime(f, x0, noise)]
    in_z = [ex.gradient_times_input(f, x0, base), ex.integrated_gradients(f, x0, base, 8),
            ex.lime(f, x0, base, masks, 0.75), ex.occlusion(f, x0, base),
            ex.kernel_shap(f, x0, base, ex.shapley_masks(200, 6, gen, device=device))]
    for e in in_x:
        torch.testing.assert_close(e.weights, beta, rtol=1e-9, atol=1e-9)
    for e in in_z:
        torch.testing.assert_close(e.weights, beta * (x0 - base), rtol=1e-9, atol=1e-9)


def test_c_lime_and_smoothgrad_agree_with_the_gradient_at_small_sigma():
    a, b = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64), torch.tensor([0.3, 0.1, -0.7], dtype=torch.float64)
    f = lambda x: torch.sin(x @ a) + (x @ b) ** 2
    x0 = torch.tensor([0.2, -0.4, 1.1], dtype=torch.float64)
    exact = torch.cos(x0 @ a) * a + 2 * (x0 @ b) * b
    gen = torch.Generator().manual_seed(1)
    sigma = 1e-3
    sg = ex.smoothgrad(f, x0, sigma * torch.randn(4000, 3, generator=gen, dtype=torch.float64)).weights
    cl = ex.c_lime(f, x0, sigma * torch.randn(4000, 3, generator=gen, dtype=torch.float64)).weights
    torch.testing.assert_close(sg, exact, rtol=0, atol=3e-4)  # MC error ~ |hess f| sigma / sqrt(N) ~ 5e-5
    torch.testing.assert_close(cl, exact, rtol=0, atol=3e-4)  # MC error ~ |hess f| sigma / sqrt(N) ~ 5e-5
    torch.testing.assert_close(cl, sg, rtol=0, atol=3e-4)  # MC error ~ |hess f| sigma / sqrt(N) ~ 5e-5


def test_c_lime_equals_smoothgrad_in_expectation_at_finite_sigma():
    """Stein's lemma: E[f(x0 + e) e] / sigma^2 = E[grad f(x0 + e)]; for f = sum x^3 both are 3 x0^2 + 3 sigma^2."""
    f = lambda x: (x**3).sum(1)
    x0, sigma = torch.tensor([0.5, -1.0], dtype=torch.float64), 0.4
    gen = torch.Generator().manual_seed(2)
    expected = 3 * x0**2 + 3 * sigma**2
    sg = ex.smoothgrad(f, x0, sigma * torch.randn(200_000, 2, generator=gen, dtype=torch.float64)).weights
    cl = ex.c_lime(f, x0, sigma * torch.randn(200_000, 2, generator=gen, dtype=torch.float64)).weights
    torch.testing.assert_close(sg, expected, rtol=0, atol=0.02)
    torch.testing.assert_close(cl, expected, rtol=0, atol=0.02)


def test_the_shapley_sampler_draws_coalition_sizes_by_the_shapley_kernel():
    d, count = 6, 60_000
    masks = ex.shapley_masks(count, d, torch.Generator().manual_seed(3))
    sizes = masks.sum(1).long()
    law = np.array([(d - 1) / (s * (d - s)) for s in range(1, d)])
    observed = np.bincount(sizes.numpy(), minlength=d)[1:d] / count
    np.testing.assert_allclose(observed, law / law.sum(), atol=0.01)
    weights = ex.shapley_weights(ex.all_masks(d))
    assert float(weights[0]) == 0.0 and float(weights[-1]) == 0.0 and bool((weights[1:-1] > 0).all())


def test_a_perfect_fit_leaves_nothing_unexplained():
    targets = torch.linspace(0, 1, 50, dtype=torch.float64)
    assert ex.unexplained_share(targets, 2 * targets + 5) == pytest.approx(1.0)
    assert ex.unexplained_share(targets, targets - 3) == pytest.approx(0.0, abs=1e-12)
