"""AdaHessian's update against closed forms (the exact-Hessian check of the Hutchinson
diagonal is in tests/methods/kit/test_hessian.py)."""
from __future__ import annotations

import pytest
import torch

from workers.methods.adahessian.optimizer import AdaHessian, spatial_average


def diagonal_quadratic(curvatures: torch.Tensor, start: torch.Tensor):
    w = torch.nn.Parameter(start.clone())
    return w, lambda: 0.5 * (curvatures * w ** 2).sum()


def test_the_first_step_on_a_diagonal_quadratic_is_the_newton_step():
    """|Hz| = a exactly when H = diag(a); with bias correction m̂ = g, √v̂ = a, so lr = 1 gives w - g/a = 0."""
    a = torch.tensor([0.5, 3.0, 40.0], dtype=torch.float64)
    w, loss = diagonal_quadratic(a, torch.tensor([1.0, -2.0, 0.3], dtype=torch.float64))
    AdaHessian([w], lr=1.0, eps=0.0, generator=torch.Generator().manual_seed(0)).step(loss())
    assert torch.allclose(w.detach(), torch.zeros(3, dtype=torch.float64), atol=1e-12)


def test_two_steps_follow_the_momentum_recursions():
    a = torch.tensor([2.0, 5.0], dtype=torch.float64)
    start = torch.tensor([1.0, 1.0], dtype=torch.float64)
    w, loss = diagonal_quadratic(a, start)
    lr, eps, (b1, b2) = 0.1, 1e-4, (0.9, 0.999)
    opt = AdaHessian([w], lr=lr, eps=eps, betas=(b1, b2), generator=torch.Generator().manual_seed(0))
    expected, m, v = start.clone(), torch.zeros(2, dtype=torch.float64), torch.zeros(2, dtype=torch.float64)
    for t in (1, 2):
        g = a * expected
        m, v = b1 * m + (1 - b1) * g, b2 * v + (1 - b2) * a ** 2
        expected = expected - lr * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + eps)
        opt.step(loss())
    assert torch.allclose(w.detach(), expected, atol=1e-12)


def test_spatial_averaging_means_each_kernel_and_leaves_vectors_alone():
    d = torch.arange(2 * 3 * 2 * 2, dtype=torch.float64).reshape(2, 3, 2, 2)
    averaged = spatial_average(d, "conv")
    assert averaged.shape == d.shape
    assert torch.allclose(averaged[1, 2], torch.full((2, 2), d[1, 2].mean().item(), dtype=torch.float64))
    bias = torch.tensor([1.0, 5.0])
    assert torch.equal(spatial_average(bias, "conv+linear"), bias)
    weight = torch.tensor([[1.0, 3.0], [2.0, 6.0]])
    assert torch.equal(spatial_average(weight, "conv"), weight)
    assert torch.allclose(spatial_average(weight, "conv+linear"), torch.tensor([[2.0, 2.0], [4.0, 4.0]]))
    assert torch.equal(spatial_average(d, "none"), d)


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs CUDA")
def test_the_newton_step_holds_on_cuda():
    a = torch.tensor([0.5, 3.0], dtype=torch.float64, device="cuda")
    w, loss = diagonal_quadratic(a, torch.tensor([1.0, -2.0], dtype=torch.float64, device="cuda"))
    AdaHessian([w], lr=1.0, eps=0.0, generator=torch.Generator(device="cuda").manual_seed(0)).step(loss())
    assert float(w.detach().abs().max()) < 1e-12
