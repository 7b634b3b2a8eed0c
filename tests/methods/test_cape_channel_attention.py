"""CAPE's training mechanics against closed forms: the curriculum, the rollout error of an exact
solver, the warm-up that trains only the CAPE block."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from workers.methods.cape_channel_attention import METHOD
from workers.methods.cape_channel_attention.cape import Solver
from workers.methods.cape_channel_attention.experiment import trajectories
from workers.methods.cape_channel_attention.rollout import (
    RolloutSettings,
    curriculum_steps,
    one_step_error,
    rollout_nrmse,
    train_rollouts,
)
from workers.methods.shared.operators import spectral


@pytest.fixture(autouse=True)
def one_thread():
    torch.set_num_threads(1)


def settings(**kw) -> RolloutSettings:
    base = dict(history=2, epochs=25, warmup_epochs=5, batch_size=4, lr=1e-3, aux_weight=0.1, noise=0.0)
    return RolloutSettings(**{**base, **kw})


def test_the_curriculum_follows_the_tanh_schedule_after_the_warm_up():
    s = settings()
    assert [curriculum_steps(e, s, 18) for e in (1, 5)] == [0, 0]
    for epoch in (6, 15, 20, 25):
        progress = (epoch - 5) / 20
        assert curriculum_steps(epoch, s, 18) == int(18 * 0.5 * (1 + math.tanh((progress - 0.5) / 0.2)))
    assert curriculum_steps(15, s, 18) == 9 and curriculum_steps(25, s, 18) == 17
    assert curriculum_steps(25, settings(curriculum=False), 18) == 0


class ExactAdvection(torch.nn.Module):
    """Shifts the last frame by β·dt: the exact one-step solver of u_t + β u_x = 0."""

    def __init__(self, dt: float):
        super().__init__()
        self.dt = dt

    def forward(self, window, log_p):
        return spectral.advect(window[:, -1], torch.exp(log_p[:, 0]), self.dt)[:, None], None


def advection_data(n_per: int = 3):
    config = METHOD.build_config("smoke", {"train_per_parameter": n_per, "resolution": 32})
    return trajectories("advection", (0.2, 2.0), n_per, config, np.random.default_rng(0), "cpu", lambda: None), config


def test_the_generated_advection_trajectories_are_exact_shifts():
    data, config = advection_data()
    u, p = data["u"].double(), data["p"]
    dt = 2.0 / config.steps
    assert u.shape == (6, config.steps + 1, 32)
    assert torch.allclose(u[:, 7], spectral.advect(u[:, 0], p, 7 * dt), atol=1e-6)


def test_an_exact_solver_has_zero_rollout_error_and_a_zero_solver_has_error_one():
    data, config = advection_data()
    exact = ExactAdvection(2.0 / config.steps)
    assert rollout_nrmse(exact, data["u"], data["log_p"], 2) < 1e-5
    assert one_step_error(exact, data["u"], data["log_p"], 2) < 1e-5
    zero = lambda window, log_p: (torch.zeros_like(window[:, -1:]), None)
    zero.eval = zero.train = lambda *a: None
    assert rollout_nrmse(zero, data["u"], data["log_p"], 2) == pytest.approx(1.0)


def test_warm_up_epochs_update_only_the_cape_block_and_cape_adds_few_parameters():
    data, _ = advection_data(n_per=4)
    torch.manual_seed(0)
    solver = Solver("cape", 2, 32, width=8, modes=6, layers=2, cape_width=8)
    before = {k: v.clone() for k, v in solver.state_dict().items()}
    train_rollouts(solver, data["u"], data["log_p"], settings(epochs=1, warmup_epochs=1))
    after = solver.state_dict()
    changed = {k for k in before if not torch.equal(before[k], after[k])}
    assert changed and all(k.startswith("cape.") for k in changed)
    base = Solver("base", 2, 32, width=8, modes=6, layers=2)
    count = lambda m: sum(p.numel() for p in m.parameters())
    assert count(solver) > count(base)
    out, estimate = solver(data["u"][:, :2], data["log_p"])
    assert out.shape == estimate.shape == (8, 1, 32)
