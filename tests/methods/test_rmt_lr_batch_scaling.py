"""The batched divergence sweep against torch's own modules and optimizers, copy by copy (the
Lanczos spectra are tested against exact Hessians in tests/methods/kit/test_hessian.py)."""
from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from workers.methods.rmt_lr_batch_scaling.batched import (
    BatchedOptimizer,
    forward,
    losses,
    stack_mlp,
)
from workers.methods.rmt_lr_batch_scaling.experiment import largest_stable
from workers.methods.shared.datasets import mlp, seeded

LRS = [1e-3, 3e-2, 0.5]


def problem():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(20, 5, generator=g), torch.randint(0, 3, (20,), generator=g)
    return seeded(lambda: mlp([5, 7, 6, 3], "tanh"), 0, dtype=torch.float64), x.double(), y


def test_every_copy_computes_the_modules_logits():
    model, x, y = problem()
    params = stack_mlp(model, len(LRS))
    logits = forward(params, x)
    for copy in range(len(LRS)):
        assert torch.allclose(logits[copy], model(x), atol=1e-12)
    assert torch.allclose(losses(params, x, y), F.cross_entropy(model(x), y).expand(len(LRS)), atol=1e-12)


@pytest.mark.parametrize("kind", ["sgd", "adam"])
def test_each_copy_follows_torchs_optimizer_at_its_own_learning_rate(kind):
    model, x, y = problem()
    params = stack_mlp(model, len(LRS))
    batched = BatchedOptimizer(kind, torch.tensor(LRS, dtype=torch.float64))
    copies = [seeded(lambda: mlp([5, 7, 6, 3], "tanh"), 0, dtype=torch.float64) for _ in LRS]
    reference = [torch.optim.SGD(c.parameters(), lr=lr) if kind == "sgd" else torch.optim.Adam(c.parameters(), lr=lr)
                 for c, lr in zip(copies, LRS)]
    for step in range(3):
        idx = torch.arange(step, step + 10)
        batched.step(params, torch.autograd.grad(losses(params, x[idx], y[idx]).sum(), params))
        for copy, optimizer in zip(copies, reference):
            optimizer.zero_grad()
            F.cross_entropy(copy(x[idx]), y[idx]).backward()
            optimizer.step()
    for k, copy in enumerate(copies):
        assert torch.allclose(forward(params, x)[k], copy(x), atol=1e-10)


def test_the_largest_stable_rate_stops_at_the_first_failure_and_flags_a_stable_top():
    assert largest_stable([1, 2, 4, 8], [True, True, False, True]) == (2, False)
    assert largest_stable([1, 2, 4], [True, True, True]) == (4, True)
    assert largest_stable([1, 2], [False, True]) == (None, False)
