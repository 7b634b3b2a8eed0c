"""Global solver-heuristic regularizers (Pal et al. 2021) and the TayNODE baseline against
independent references: SciPy's Dormand–Prince error estimate per step, and SciPy's DOP853 on
the TayNODE-augmented system with the MLP's Jacobian written out by hand."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp
from scipy.integrate._ivp import rk

from workers.methods.shared import node_reg
from workers.methods.shared.node_reg import Dynamics, SolverSettings, global_heuristics, taynode

F64 = torch.float64
SETTINGS = SolverSettings(method="dopri5", rtol=1e-5, atol=1e-7, lambda_error=2.0, lambda_stiffness=0.0)


def model(seed=0, dim=3, width=8):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return Dynamics(dim, width).to(F64)


def as_numpy(m):
    w1, b1 = m.inner.weight.detach().numpy(), m.inner.bias.detach().numpy()
    w2, b2 = m.outer.weight.detach().numpy(), m.outer.bias.detach().numpy()
    return w1, b1, w2, b2


def scipy_error_norm(f, t, y, h, rtol, atol):
    K = np.empty((rk.RK45.n_stages + 1, y.size))
    y_new, _ = rk.rk_step(f, t, y, f(t, y), h, rk.RK45.A, rk.RK45.B, rk.RK45.C, K)
    scale = atol + np.maximum(np.abs(y), np.abs(y_new)) * rtol
    return np.sqrt(np.mean((K.T @ rk.RK45.E * h / scale) ** 2))


def test_the_global_error_regularizer_is_the_sum_of_scipys_error_estimates_times_dt():
    m = model()
    z0 = torch.tensor(np.random.default_rng(1).normal(size=(4, 3)))
    records = []
    node_reg.solve(m, z0, SETTINGS, on_accept=records.append)
    forward = global_heuristics(m, z0, SETTINGS, np.random.default_rng(0))
    w1, b1, w2, b2 = as_numpy(m)
    f = lambda t, y: (np.tanh(y.reshape(4, 3) @ w1.T + b1) @ w2.T + b2).ravel()
    expected = sum(scipy_error_norm(f, r.t, r.y0.detach().numpy().ravel(), r.dt, SETTINGS.rtol, SETTINGS.atol) * r.dt
                   for r in records)
    assert float(forward.regularizer.detach()) == pytest.approx(SETTINGS.lambda_error * expected, rel=1e-9)
    assert forward.steps == len(records) and forward.nfe == 2 + 6 * len(records)


def test_the_stiffness_regularizer_of_linear_dynamics_is_bounded_by_the_spectral_norm():
    """For f(z) = A z, ŝ_j = ‖A v‖/‖v‖ ≤ ‖A‖₂ at every step, so R_S ≤ ‖A‖₂ · T."""
    a = torch.tensor([[-3.0, 1.0, 0.0], [0.0, -1.0, 2.0], [0.5, 0.0, -2.0]], dtype=F64)
    linear = lambda t, z: z @ a.T
    settings = replace(SETTINGS, lambda_error=0.0, lambda_stiffness=1.0)
    forward = global_heuristics(linear, torch.ones(2, 3, dtype=F64), settings, np.random.default_rng(0))
    singular = np.linalg.svd(a.numpy(), compute_uv=False)
    assert singular[-1] * 0.999 <= float(forward.regularizer.detach()) <= singular[0] * 1.001


def test_taynodes_regularizer_matches_dop853_on_the_augmented_system_with_a_hand_written_jacobian():
    m = model(3)
    z0_np = np.random.default_rng(2).normal(size=(2, 3))
    settings = replace(SETTINGS, rtol=1e-10, atol=1e-12, lambda_taylor=1.0)
    forward = taynode(m, torch.tensor(z0_np), settings, np.random.default_rng(0))
    w1, b1, w2, b2 = as_numpy(m)

    def augmented(t, state):
        z = state[:6].reshape(2, 3)
        hidden = np.tanh(z @ w1.T + b1)
        velocity = hidden @ w2.T + b2
        acceleration = ((1 - hidden ** 2) * (velocity @ w1.T)) @ w2.T  # J_f f = W2 diag(1 - tanh²) W1 f
        return np.concatenate([velocity.ravel(), (acceleration ** 2).mean(-1)])

    ref = solve_ivp(augmented, (0.0, 1.0), np.concatenate([z0_np.ravel(), np.zeros(2)]), method="DOP853",
                    rtol=1e-12, atol=1e-14)
    assert float(forward.regularizer.detach()) == pytest.approx(ref.y[6:, -1].mean(), rel=1e-7)
    assert np.abs(forward.z1.detach().numpy().ravel() - ref.y[:6, -1]).max() < 1e-8
