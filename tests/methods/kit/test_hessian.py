"""Shared Hessian numerics against the exact Hessian of tiny models (torch.autograd.functional.hessian)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.shared.datasets import digits, mlp, seeded, teacher_classification
from workers.methods.shared.hessian import (
    flat,
    hutchinson_diagonal,
    hutchinson_trace,
    lanczos,
    loss_hessian_matvec,
    slq,
    unflat,
)


@pytest.fixture(autouse=True)
def one_thread():
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def tiny_problem():
    """A 4-5-3 tanh MLP on 40 teacher-labelled points, in float64, and its exact Hessian."""
    data = teacher_classification(50, 4, 3, np.random.default_rng(0))
    model = seeded(lambda: mlp([4, 5, 3]), 0, dtype=torch.float64)
    x, y = data.x_train.double(), data.y_train
    params = list(model.parameters())
    shapes = [p.shape for p in params]

    def loss_of(vector):
        tensors = unflat(vector, params)
        named = dict(zip([n for n, _ in model.named_parameters()], tensors))
        logits = torch.func.functional_call(model, named, (x,))
        return torch.nn.functional.cross_entropy(logits, y)

    theta = flat(params).detach()
    exact = torch.autograd.functional.hessian(loss_of, theta)
    loss = torch.nn.functional.cross_entropy(model(x), y)
    return model, params, loss, exact, shapes


def test_hessian_vector_products_equal_the_exact_hessian_times_the_vector():
    _, params, loss, exact, _ = tiny_problem()
    matvec = loss_hessian_matvec(loss, params)
    v = torch.randn(exact.shape[0], dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    assert torch.allclose(matvec(v), exact @ v, atol=1e-10)


def test_the_hutchinson_diagonal_is_unbiased_within_its_standard_error():
    _, params, loss, exact, _ = tiny_problem()
    grads = torch.autograd.grad(loss, params, create_graph=True)
    samples = 4000
    estimate = flat(hutchinson_diagonal(grads, params, samples, torch.Generator().manual_seed(2)))
    diagonal = torch.diagonal(exact)
    off_square = (exact ** 2).sum(dim=1) - diagonal ** 2  # Var(z_i (Hz)_i) = Σ_{j≠i} H_ij²
    standard_error = (off_square / samples).sqrt()
    z_scores = (estimate - diagonal).abs() / standard_error.clamp_min(1e-12)
    assert float(z_scores.max()) < 5.0
    assert float((estimate - diagonal).norm()) < 2.0 * float(standard_error.norm())


def test_a_diagonal_hessian_is_recovered_exactly_from_one_sample():
    w = torch.tensor([1.0, -2.0, 3.0], dtype=torch.float64, requires_grad=True)
    loss = (torch.tensor([0.5, 2.0, 7.0], dtype=torch.float64) * w ** 2).sum()
    grads = torch.autograd.grad(loss, [w], create_graph=True)
    (diag,) = hutchinson_diagonal(grads, [w], 1, torch.Generator().manual_seed(0))
    assert torch.allclose(diag, torch.tensor([1.0, 4.0, 14.0], dtype=torch.float64))


def test_the_hutchinson_trace_matches_the_exact_trace():
    _, params, loss, exact, _ = tiny_problem()
    mean, stderr = hutchinson_trace(loss_hessian_matvec(loss, params), exact.shape[0], 800,
                                    torch.Generator().manual_seed(3), dtype=torch.float64)
    assert abs(mean - float(torch.trace(exact))) < 5 * stderr


def test_lanczos_to_full_dimension_gives_every_eigenvalue():
    _, params, loss, exact, _ = tiny_problem()
    dim = exact.shape[0]
    start = torch.ones(dim, dtype=torch.float64)
    theta, tau = lanczos(loss_hessian_matvec(loss, params), start, dim).ritz()
    eigen = torch.linalg.eigvalsh(exact)
    assert float(tau.sum()) == pytest.approx(1.0, abs=1e-10)
    assert float(theta.max()) == pytest.approx(float(eigen.max()), rel=1e-8)
    assert float(theta.min()) == pytest.approx(float(eigen.min()), abs=1e-8)


def test_slq_finds_the_extremal_eigenvalues_and_the_trace_in_few_steps():
    _, params, loss, exact, _ = tiny_problem()
    dim = exact.shape[0]
    estimate = slq(loss_hessian_matvec(loss, params), dim, 20, 30, torch.Generator().manual_seed(4),
                   dtype=torch.float64)
    eigen = torch.linalg.eigvalsh(exact)
    assert estimate.largest == pytest.approx(float(eigen.max()), rel=1e-6)
    assert estimate.smallest == pytest.approx(float(eigen.min()), rel=1e-3, abs=1e-6)
    assert estimate.moment(lambda t: t ** 0) == pytest.approx(1.0, abs=1e-10)


def test_lanczos_quadrature_is_exact_for_low_degree_moments():
    """k Lanczos steps give a Gauss rule: Σ τ² θ^p = zᵀH^p z / zᵀz for p ≤ 2k - 1."""
    _, params, loss, exact, _ = tiny_problem()
    z = torch.randint(0, 2, (exact.shape[0],), generator=torch.Generator().manual_seed(5)).double() * 2 - 1
    theta, tau = lanczos(loss_hessian_matvec(loss, params), z, 3).ritz()
    for power in range(6):
        direct = float(z @ torch.linalg.matrix_power(exact, power) @ z / (z @ z))
        assert float((tau * theta ** power).sum()) == pytest.approx(direct, rel=1e-8, abs=1e-12)


def test_digits_are_standardized_on_the_training_part_and_split_as_asked():
    data = digits(np.random.default_rng(0), test_fraction=0.25)
    assert data.x_train.shape[1] == 64 and data.classes == 10
    assert len(data.y_test) == round(0.25 * 1797)
    assert torch.allclose(data.x_train.mean(dim=0), torch.zeros(64), atol=1e-5)


def test_seeded_models_start_from_the_same_weights():
    a = seeded(lambda: mlp([3, 4, 2]), 7)
    b = seeded(lambda: mlp([3, 4, 2]), 7)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))
