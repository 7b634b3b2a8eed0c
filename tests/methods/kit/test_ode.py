"""The adaptive RK solvers of workers/methods/shared/ode.py against closed forms, SciPy's solve_ivp
(DOP853 at tight tolerance), finite differences, and their own bookkeeping."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from scipy.integrate import solve_ivp
from scipy.linalg import expm

from workers.methods.shared.ode import (
    DOPRI5,
    TSIT5,
    Controller,
    TooManySteps,
    odeint_adaptive,
    odeint_rk4,
    rk_step,
    single_step,
)

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
METHODS = ["dopri5", "tsit5"]
F64 = torch.float64


def van_der_pol(mu):
    def torch_f(t, y):
        return torch.stack([y[..., 1], mu * (1 - y[..., 0] ** 2) * y[..., 1] - y[..., 0]], -1)

    def numpy_f(t, y):
        return [y[1], mu * (1 - y[0] ** 2) * y[1] - y[0]]

    return torch_f, numpy_f


@pytest.mark.parametrize("tableau", [DOPRI5, TSIT5], ids=["dopri5", "tsit5"])
def test_the_tableaus_are_consistent_and_their_weights_meet_the_quadrature_conditions(tableau):
    c, b = np.array(tableau.c), np.array(tableau.b)
    b_hat = b - np.array(tableau.b_error)
    for i, row in enumerate(tableau.a, start=1):
        assert sum(row) == pytest.approx(c[i], abs=1e-13)
    for q in range(1, tableau.order + 1):  # Σ b_i c_i^(q-1) = 1/q
        assert b @ c ** (q - 1) == pytest.approx(1 / q, abs=1e-13)
    for q in range(1, tableau.error_order + 1):
        assert b_hat @ c ** (q - 1) == pytest.approx(1 / q, abs=1e-13)
    assert tableau.a[-1] == tableau.b[:-1], "FSAL: the last stage point is the new solution"


@pytest.mark.parametrize("method", METHODS)
def test_fixed_steps_converge_at_fifth_order_and_the_error_estimate_at_fifth_power(method):
    """Global error of y' = -y + sin(t) over [0, 1] falls like h^5; one step's EEst like h^5."""
    f = lambda t, y: -y + math.sin(t)
    exact = lambda t: 1.5 * math.exp(-t) + 0.5 * (math.sin(t) - math.cos(t))
    errors, estimates = [], []
    for n in (8, 16, 32):
        y, h = torch.ones(1, 1, dtype=F64), 1.0 / n
        for i in range(n):
            step = rk_step(f, i * h, y, h, f(i * h, y), TSIT5 if method == "tsit5" else DOPRI5, 0.0, 1.0)
            estimates.append(float(step.error_norm)) if i == 0 else None
            y = step.y1
        errors.append(abs(float(y) - exact(1.0)))
    assert 4.6 < math.log2(errors[0] / errors[1]) < 5.6 and 4.6 < math.log2(errors[1] / errors[2]) < 5.6
    assert 4.5 < math.log2(estimates[0] / estimates[1]) < 5.5


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("method", METHODS)
def test_a_batch_of_exponential_decays_matches_the_closed_form(method, device):
    rates = torch.tensor([[0.5], [1.0], [3.0]], dtype=F64, device=device)
    y0 = torch.tensor([[1.0], [2.0], [-1.0]], dtype=F64, device=device)
    sol = odeint_adaptive(lambda t, y: -rates * y, y0, [0.0, 2.0], method=method, rtol=1e-9, atol=1e-12)
    exact = y0 * torch.exp(-2.0 * rates)
    assert torch.allclose(sol.ys[-1], exact, rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("method", METHODS)
def test_the_harmonic_oscillator_matches_cos_and_sin_at_interpolated_output_times(method):
    ts = np.linspace(0.0, 10.0, 41)
    y0 = torch.tensor([[1.0, 0.0]], dtype=F64)
    f = lambda t, y: torch.stack([y[..., 1], -y[..., 0]], -1)
    sol = odeint_adaptive(f, y0, ts, method=method, rtol=1e-9, atol=1e-12)
    exact = np.stack([np.cos(ts), -np.sin(ts)], -1)
    assert np.abs(sol.ys[:, 0].numpy() - exact).max() < 1e-6  # Hermite output: O(h^4)
    end_only = odeint_adaptive(f, y0, [0.0, 10.0], method=method, rtol=1e-9, atol=1e-12)
    assert sol.stats.dts == end_only.stats.dts, "output times must not change the steps"


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("method", METHODS)
def test_van_der_pol_matches_dop853_and_costs_about_what_scipy_rk45_does(method, device):
    torch_f, numpy_f = van_der_pol(5.0)
    reference = solve_ivp(numpy_f, (0.0, 8.0), [2.0, 0.0], method="DOP853", rtol=1e-13, atol=1e-13)
    rk45 = solve_ivp(numpy_f, (0.0, 8.0), [2.0, 0.0], method="RK45", rtol=1e-8, atol=1e-10)
    y0 = torch.tensor([[2.0, 0.0]], dtype=F64, device=device)
    sol = odeint_adaptive(torch_f, y0, [0.0, 8.0], method=method, rtol=1e-8, atol=1e-10)
    assert np.abs(sol.ys[-1, 0].cpu().numpy() - reference.y[:, -1]).max() < 1e-6
    assert 0.6 < sol.stats.nfe / rk45.nfev < 1.5
    assert max(sol.stats.stiffness) > 5.0, "the relaxation phase has |lambda| of order mu"


@pytest.mark.parametrize("method", METHODS)
def test_a_batched_linear_system_matches_the_matrix_exponential_and_solve_ivp(method):
    rng = np.random.default_rng(0)
    a = rng.normal(size=(4, 4)) - 3 * np.eye(4)
    y0 = rng.normal(size=(5, 4))
    a_t = torch.tensor(a)
    sol = odeint_adaptive(lambda t, y: y @ a_t.T, torch.tensor(y0), [0.0, 0.7, 1.5], method=method,
                          rtol=1e-10, atol=1e-12)
    assert np.abs(sol.ys[-1].numpy() - y0 @ expm(1.5 * a).T).max() < 1e-8
    flat = solve_ivp(lambda t, y: (y.reshape(5, 4) @ a.T).ravel(), (0.0, 1.5), y0.ravel(), method="DOP853",
                     t_eval=[0.7], rtol=1e-13, atol=1e-13)
    assert np.abs(sol.ys[1].numpy().ravel() - flat.y[:, 0]).max() < 1e-7


@pytest.mark.parametrize("method", METHODS)
def test_every_attempted_step_costs_six_evaluations_after_the_first_seven(method):
    torch_f, _ = van_der_pol(2.0)
    y0 = torch.tensor([[2.0, 0.0]], dtype=F64)
    seen = []
    sol = odeint_adaptive(torch_f, y0, [0.0, 5.0], method=method, rtol=1e-5, atol=1e-7, on_accept=seen.append)
    stats = sol.stats
    assert stats.nfe == 1 + stats.initial_step_evals + 6 * stats.attempted
    assert stats.initial_step_evals == 1
    assert len(seen) == stats.accepted == len(stats.dts) == len(stats.error_norms) == len(stats.stiffness)
    assert sum(stats.dts) == pytest.approx(5.0, abs=1e-12)
    assert max(stats.error_norms) <= 1.0
    given = odeint_adaptive(torch_f, y0, [0.0, 5.0], method=method, rtol=1e-5, atol=1e-7, dt0=0.01)
    assert given.stats.nfe == 1 + 6 * given.stats.attempted


@pytest.mark.parametrize("method", METHODS)
def test_a_far_too_large_first_step_is_rejected_and_shrunk_until_accepted(method):
    y0 = torch.ones(2, 1, dtype=F64)
    sol = odeint_adaptive(lambda t, y: -50.0 * y, y0, [0.0, 1.0], method=method, rtol=1e-6, atol=1e-9, dt0=1.0)
    assert sol.stats.rejected >= 2
    assert sol.stats.rejected_dts[0] == 1.0 and all(e > 1.0 for e in sol.stats.rejected_error_norms)
    assert sol.stats.dts[0] < 0.2
    assert torch.allclose(sol.ys[-1], y0 * math.exp(-50.0), atol=1e-9)


def test_the_stiffness_estimate_of_a_scalar_linear_problem_is_its_rate():
    sol = odeint_adaptive(lambda t, y: -7.0 * y, torch.ones(3, 1, dtype=F64), [0.0, 1.0], rtol=1e-6)
    assert np.allclose(sol.stats.stiffness, 7.0, rtol=1e-10)


@pytest.mark.parametrize("method", METHODS)
def test_a_single_step_reproduces_the_error_estimate_the_solver_recorded(method):
    torch_f, _ = van_der_pol(3.0)
    records = []
    odeint_adaptive(torch_f, torch.tensor([[2.0, 0.0]], dtype=F64), [0.0, 3.0], method=method, rtol=1e-5,
                    atol=1e-7, on_accept=records.append)
    rec = records[len(records) // 2]
    again = single_step(torch_f, rec.t, rec.y0, rec.dt, method, rtol=1e-5, atol=1e-7)
    assert float(again.error_norm) == pytest.approx(float(rec.error_norm), rel=1e-12)
    assert torch.equal(again.y1, rec.y1)


RTOL, ATOL = 1e-7, 1e-9


def _rate_dynamics(theta):
    return lambda t, y: torch.stack([-theta * y[..., 0] + y[..., 1], -y[..., 0] * theta.cos()], -1)


def _y0(device):
    return torch.tensor([[1.0, 0.5]], dtype=F64, device=device)


def _replay(theta, steps, method, device):
    """The same accepted steps (t, dt) replayed: y(T) and the global regularizer Σ EEst_j dt_j."""
    f, y, regularizer = _rate_dynamics(theta), _y0(device), 0.0
    for t, dt in steps:
        step = single_step(f, t, y, dt, method, RTOL, ATOL)
        y, regularizer = step.y1, regularizer + step.error_norm * dt
    return y.sum(), regularizer


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("method", METHODS)
def test_gradients_through_the_solver_match_central_differences(method, device):
    """Autograd through the adaptive solve vs central differences: of y(T) through the whole
    solver, and of Σ EEst_j dt_j along the same step sequence (the controller's dt is held
    fixed by backprop-through-solver, so the difference quotient replays the accepted steps)."""
    theta = torch.tensor(0.8, dtype=F64, device=device, requires_grad=True)
    terms = []
    sol = odeint_adaptive(_rate_dynamics(theta), _y0(device), [0.0, 2.0], method=method, rtol=RTOL, atol=ATOL,
                          on_accept=lambda r: terms.append(r.error_norm * r.dt))
    (grad_value,) = torch.autograd.grad(sol.ys[-1].sum(), theta, retain_graph=True)
    (grad_reg,) = torch.autograd.grad(torch.stack(terms).sum(), theta)
    with torch.no_grad():
        whole = [odeint_adaptive(_rate_dynamics(theta + s), _y0(device), [0.0, 2.0], method=method, rtol=RTOL,
                                 atol=ATOL).ys[-1].sum() for s in (1e-6, -1e-6)]
        steps = list(zip(sol.stats.ts, sol.stats.dts))
        replay = [_replay(theta + s, steps, method, device) for s in (1e-4, -1e-4)]  # EEst cancels: larger eps
    assert float(grad_value) == pytest.approx(float(replay[0][0] - replay[1][0]) / 2e-4, rel=1e-7)
    assert float(grad_value) == pytest.approx(float(whole[0] - whole[1]) / 2e-6, rel=1e-4)  # dt moves too
    assert float(grad_reg) == pytest.approx(float(replay[0][1] - replay[1][1]) / 2e-4, rel=1e-5)


def test_the_gradient_of_a_decay_matches_the_closed_form_derivative():
    theta = torch.tensor(1.3, dtype=F64, requires_grad=True)
    sol = odeint_adaptive(lambda t, y: -theta * y, torch.ones(1, 1, dtype=F64), [0.0, 2.0], rtol=1e-10, atol=1e-12)
    sol.ys[-1].sum().backward()
    assert float(theta.grad) == pytest.approx(-2.0 * math.exp(-2.6), rel=1e-7)


def test_the_pi_controller_follows_its_formula_and_clips():
    pi, i = Controller(), Controller.integral()
    assert pi.accepted_factor(0.5, 0.25) == pytest.approx(0.9 * 0.5 ** -0.14 * 0.25 ** 0.08)
    assert i.accepted_factor(0.5, 0.25) == pytest.approx(0.9 * 0.5 ** -0.2)
    assert pi.accepted_factor(1e-30, 1.0) == 10.0 and pi.accepted_factor(0.0, 1.0) == 10.0
    assert pi.rejected_factor(1e9) == 0.2 and pi.rejected_factor(float("nan")) == 0.2
    assert pi.rejected_factor(1.01) < 1.0


def test_a_solve_that_needs_too_many_steps_raises():
    with pytest.raises(TooManySteps):
        odeint_adaptive(lambda t, y: -1e4 * y, torch.ones(1, 1, dtype=F64), [0.0, 1.0], max_steps=20)


def test_fixed_step_rk4_converges_at_fourth_order():
    errors = []
    for n in (16, 32):
        ys = odeint_rk4(lambda t, y: torch.stack([y[..., 1], -y[..., 0]], -1), torch.tensor([[1.0, 0.0]], dtype=F64),
                        [0.0, 3.0], steps_per_interval=n)
        errors.append(abs(float(ys[-1, 0, 0]) - math.cos(3.0)))
    assert 3.6 < math.log2(errors[0] / errors[1]) < 4.6
