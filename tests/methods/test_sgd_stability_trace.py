"""The diagonal net's sharpness measures against torch's exact Hessian, and its batched step
against autograd."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.sgd_stability_trace.diagonal_net import (
    Replicas,
    batch_indices,
    sgd_step,
    sparse_regression,
    top_eigenvalue_g,
    trace_g,
)

DEVICES = ["cpu", pytest.param("cuda", marks=pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA"))]


def loss_of(params: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    d = x.shape[1]
    u, v = params[:d], params[d:]
    return 0.5 * ((x @ (u * v) - y) ** 2).mean()


@pytest.mark.parametrize("device", DEVICES)
def test_trace_and_top_eigenvalue_equal_the_exact_hessians_at_an_interpolating_point(device):
    rng = np.random.default_rng(0)
    data = sparse_regression(12, 7, 2, 5, rng, device)
    u = torch.as_tensor(rng.normal(size=7), device=device)
    v = torch.as_tensor(rng.normal(size=7), device=device)
    y = data.x @ (u * v)  # labels the net fits exactly: the loss is 0 and H = G
    hessian = torch.autograd.functional.hessian(lambda p: loss_of(p, data.x, y), torch.cat([u, v]))
    eigen = torch.linalg.eigvalsh(hessian)
    assert float(trace_g(u[None], v[None], data.x)[0]) == pytest.approx(float(torch.trace(hessian)), rel=1e-10)
    assert float(top_eigenvalue_g(u[None], v[None], data.x)[0]) == pytest.approx(float(eigen[-1]), rel=1e-10)


def test_a_gd_replica_takes_the_exact_gradient_step():
    rng = np.random.default_rng(1)
    data = sparse_regression(10, 6, 2, 5, rng, "cpu")
    replicas = Replicas.start([0.1], [0], 6, 0.5, "cpu")
    replicas.u = replicas.u + torch.as_tensor(rng.normal(size=(1, 6))) * 0.1
    params = torch.cat([replicas.u[0], replicas.v[0]]).requires_grad_(True)
    (grad,) = torch.autograd.grad(loss_of(params, data.x, data.y), params)
    expected = params.detach() - 0.1 * grad
    sgd_step(replicas, data, torch.Generator().manual_seed(0))
    assert torch.allclose(torch.cat([replicas.u[0], replicas.v[0]]), expected, atol=1e-14)


def test_each_replica_averages_over_its_own_batch_size():
    replicas = Replicas.start([0.1, 0.2], [1, 4, 0], 3, 0.5, "cpu")
    idx, weights = batch_indices(replicas, 9, torch.Generator().manual_seed(0))
    assert idx.shape == (6, 9)
    assert torch.allclose(weights.sum(dim=1), torch.ones(6, dtype=weights.dtype))
    assert [(w > 0).sum().item() for w in weights] == [1, 1, 4, 4, 9, 9]
    assert torch.equal(idx[4], torch.arange(9))
