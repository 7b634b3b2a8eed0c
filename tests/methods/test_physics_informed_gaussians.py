"""PIG: the Gaussian embedding and its Laplacian against closed forms; matched sizes; the Helmholtz residual."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from workers.methods.physics_informed_gaussians import METHOD
from workers.methods.physics_informed_gaussians.experiment import BOX, CASES, exact, helmholtz_terms
from workers.methods.physics_informed_gaussians.models import GaussianEmbedding, mlp_with_parameters, pig
from workers.methods.shared import pinn

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"))]


def embedding(count=5, features=3, adaptive=True):
    return GaussianEmbedding(count, 2, features, 0.3, 0.5, np.random.default_rng(0), BOX, adaptive).double()


def test_the_embedding_is_the_feature_weighted_sum_of_gaussians():
    emb = embedding()
    x = torch.tensor(np.random.default_rng(1).uniform(-1, 1, (7, 2)))
    mu, sigma, f = emb.mu.detach().numpy(), np.exp(emb.log_sigma.detach().numpy()), emb.f.detach().numpy()
    expected = np.zeros((7, 3))
    for n in range(7):
        for i in range(5):
            expected[n] += f[i] * np.exp(-0.5 * np.sum(((x[n].numpy() - mu[i]) / sigma[i]) ** 2))
    np.testing.assert_allclose(emb(x).detach().numpy(), expected, rtol=1e-12)


@pytest.mark.parametrize("device", DEVICES)
def test_the_autograd_laplacian_of_a_gaussian_is_the_closed_form(device):
    emb = embedding(count=1, features=1).to(device)
    x = torch.tensor(np.random.default_rng(2).uniform(-1, 1, (20, 2)), device=device).requires_grad_(True)
    got = pinn.laplacian(emb(x), x)
    sigma = torch.exp(emb.log_sigma[0])
    z = (x - emb.mu[0]) / sigma
    closed = emb(x) * ((z**2 - 1) / sigma**2).sum(1, keepdim=True)
    torch.testing.assert_close(got, closed.detach(), rtol=1e-10, atol=1e-10)


def test_the_fixed_grid_freezes_centres_and_widths_on_a_regular_grid():
    emb = embedding(count=9, adaptive=False)
    assert not emb.mu.requires_grad and not emb.log_sigma.requires_grad and emb.f.requires_grad
    assert sorted(set(np.round(emb.mu.detach().numpy()[:, 0], 6))) == pytest.approx([-2 / 3, 0, 2 / 3])


def test_the_pinn_baseline_matches_pigs_parameter_count():
    model = pig(100, 2, 16, 0.1, 0.01, np.random.default_rng(0), BOX)
    target = pinn.parameter_count(model)
    for depth in (1, 2, 3):
        assert abs(pinn.parameter_count(mlp_with_parameters(target, 2, depth)) - target) / target < 0.06


def test_the_helmholtz_residual_vanishes_on_the_exact_solution():
    config = METHOD.build_config("smoke")
    for case, (a1, a2) in CASES.items():
        pde, bc = helmholtz_terms(case, config, np.random.default_rng(0), "cpu")
        x = pde.draw().double().requires_grad_(True)
        residual = pde.residual(lambda y: exact(y, a1, a2), x)
        scale = (a1 * math.pi) ** 2 + (a2 * math.pi) ** 2
        assert float(residual.abs().max()) / scale < 1e-9
        assert float(bc.residual(lambda y: exact(y.double(), a1, a2), bc.draw()).abs().max()) < 1e-4
