"""The sampler's entropic OT regularizer against POT; the peak problem's source against finite
differences; the transport map starts as the uniform distribution."""
from __future__ import annotations

import numpy as np
import ot
import pytest
import torch
from scipy.stats import kstest

from workers.methods.aas_pinn_ot.problem import solution, source
from workers.methods.aas_pinn_ot.samplers import TransportMap
from workers.methods.aas_pinn_ot.transport import entropic_transport_cost


@pytest.mark.parametrize("epsilon", [0.5, 0.1])
def test_the_entropic_transport_cost_matches_pot(epsilon):
    rng = np.random.default_rng(0)
    x, y = rng.uniform(-1, 1, (12, 2)), rng.normal(0.3, 0.4, (9, 2))
    expected = ot.sinkhorn2(ot.unif(12), ot.unif(9), ot.dist(x, y), epsilon, numItermax=10_000, stopThr=1e-13)
    ours = entropic_transport_cost(torch.tensor(x), torch.tensor(y), epsilon, iterations=2000)
    assert float(ours) == pytest.approx(float(expected), rel=1e-7)


def test_a_small_epsilon_approaches_the_exact_wasserstein_cost():
    rng = np.random.default_rng(1)
    x, y = rng.uniform(-1, 1, (10, 2)), rng.uniform(-1, 1, (10, 2))
    exact = ot.emd2(ot.unif(10), ot.unif(10), ot.dist(x, y))
    ours = entropic_transport_cost(torch.tensor(x), torch.tensor(y), 0.002, iterations=5000)
    assert float(ours) == pytest.approx(exact, rel=2e-2)


def test_the_cost_is_differentiable_in_the_points():
    rng = np.random.default_rng(2)
    x = torch.tensor(rng.uniform(-1, 1, (6, 2)), requires_grad=True)
    y = torch.tensor(rng.uniform(-1, 1, (5, 2)))
    assert torch.autograd.gradcheck(lambda p: entropic_transport_cost(p, y, 0.3, iterations=300), (x,), eps=1e-6, atol=1e-5)


@pytest.mark.parametrize("peaks", [1, 2])
def test_the_source_is_minus_the_laplacian_by_finite_differences(peaks):
    sharpness, h = 100.0, 1e-4
    x = torch.tensor(np.random.default_rng(3).uniform(-1, 1, (300, 2)))
    x[:20] = torch.tensor([0.5, 0.5]) + 0.05 * torch.randn(20, 2, dtype=torch.float64)  # near a peak
    lap = sum((solution(x + h * e, peaks, sharpness) - 2 * solution(x, peaks, sharpness)
               + solution(x - h * e, peaks, sharpness)) / h**2 for e in torch.eye(2, dtype=torch.float64))
    np.testing.assert_allclose(source(x, peaks, sharpness).numpy(), (-lap).numpy(), atol=2e-3 * 4 * sharpness)


def test_the_transport_map_starts_uniform_on_the_box():
    torch.manual_seed(0)
    samples = TransportMap(2, 16, 2)(torch.randn(4000, 2)).detach().numpy()
    for axis in range(2):
        assert kstest(samples[:, axis], "uniform", args=(-1, 2)).pvalue > 1e-3
