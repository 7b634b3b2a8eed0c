"""Local error regularization (Pal et al. 2023): the one regularizing step's EEst against SciPy's
Dormand–Prince step (RK45) and its gradient against finite differences."""
from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy.integrate._ivp import rk

from workers.methods.shared import node_reg
from workers.methods.shared.node_reg import Dynamics, SolverSettings, local_biased, local_unbiased
from workers.methods.shared.ode import single_step

F64 = torch.float64
SETTINGS = SolverSettings(method="dopri5", rtol=1e-5, atol=1e-7, lambda_error=3.0)


def dynamics(seed=0):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Dynamics(3, 8).to(F64)


def scipy_error_norm(f, t, y, h, rtol, atol):
    """EEst of one RK45 (Dormand–Prince) step by SciPy's own tableau, norm and scale."""
    K = np.empty((rk.RK45.n_stages + 1, y.size))
    y_new, _ = rk.rk_step(f, t, y, f(t, y), h, rk.RK45.A, rk.RK45.B, rk.RK45.C, K)
    scale = atol + np.maximum(np.abs(y), np.abs(y_new)) * rtol
    return np.sqrt(np.mean((K.T @ rk.RK45.E * h / scale) ** 2))


def numpy_f(model):
    def f(t, y):
        with torch.no_grad():
            return model(t, torch.tensor(y).reshape(2, 3)).numpy().ravel()
    return f


def test_the_unbiased_local_regularizer_is_lambda_dt_times_scipys_error_estimate_at_tau(monkeypatch):
    model = dynamics()
    z0 = torch.tensor(np.random.default_rng(1).normal(size=(2, 3)))
    captured = {}

    def spy(f, t, y, dt, *args):
        captured.update(t=t, y=y.clone(), dt=dt, requires_grad=y.requires_grad)
        return single_step(f, t, y, dt, *args)

    monkeypatch.setattr(node_reg, "single_step", spy)
    forward = local_unbiased(model, z0, SETTINGS, np.random.default_rng(7))
    assert not captured["requires_grad"], "u_tau enters the regularizing step detached"
    tau = float(np.random.default_rng(7).uniform(1e-3, 1 - 1e-3))
    assert captured["t"] == tau
    expected = scipy_error_norm(numpy_f(model), tau, captured["y"].numpy().ravel(), captured["dt"],
                                SETTINGS.rtol, SETTINGS.atol)
    assert float(forward.regularizer.detach()) == pytest.approx(SETTINGS.lambda_error * captured["dt"] * expected, rel=1e-10)
    assert forward.z1.shape == z0.shape


def test_the_local_regularizers_gradient_in_theta_matches_central_differences_at_fixed_tau_u_dt():
    model = dynamics(2)
    u_tau = torch.tensor(np.random.default_rng(3).normal(size=(2, 3)))
    weight = model.inner.weight

    def regularizer():
        return node_reg._local_step(model, 0.4, u_tau, 0.6, SETTINGS)

    (grad,) = torch.autograd.grad(regularizer(), weight)
    direction = torch.tensor(np.random.default_rng(8).normal(size=tuple(weight.shape)))
    values = []
    for sign in (1, -1):  # a directional difference: EEst is a small difference of stages, eps not too small
        with torch.no_grad():
            weight += sign * 1e-4 * direction
            values.append(float(regularizer()))
            weight -= sign * 1e-4 * direction
    assert float((grad * direction).sum()) == pytest.approx((values[0] - values[1]) / 2e-4, rel=2e-5)


def test_the_biased_variant_regularizes_one_of_the_solvers_own_steps():
    model = dynamics(4)
    z0 = torch.tensor(np.random.default_rng(6).normal(size=(2, 3)))
    records = []
    node_reg.solve(model, z0, SETTINGS, on_accept=records.append)
    forward = local_biased(model, z0, SETTINGS, np.random.default_rng(9))
    j = int(np.random.default_rng(9).integers(len(records)))
    expected = SETTINGS.lambda_error * float(records[j].error_norm) * records[j].dt
    assert float(forward.regularizer.detach()) == pytest.approx(expected, rel=1e-12)
    assert forward.nfe == 1 + 1 + 6 * len(records) + 7
