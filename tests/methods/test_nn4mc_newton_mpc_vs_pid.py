"""nn4mc: the plant simulator vs SciPy's solve_ivp, Newton–Raphson vs scipy.optimize on the MPC
objective, the model windows on a known trajectory, the PID's anti-windup and the claims."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

from workers.methods.base import Verdict
from workers.methods.nn4mc_newton_mpc_vs_pid.claims import CLAIMS
from workers.methods.nn4mc_newton_mpc_vs_pid.controllers import PID, NewtonMPC, NumpyMLP
from workers.methods.nn4mc_newton_mpc_vs_pid.experiment import windows
from workers.methods.nn4mc_newton_mpc_vs_pid.plant import Plant, excitation, reference

PLANT = Plant(damping=0.5, stiffness=20.0, cubic=20.0, u_max=100.0, dt=0.005, substeps=4)


def scipy_positions(plant: Plant, u: np.ndarray) -> np.ndarray:
    """The same zero-order-hold plant integrated interval by interval with solve_ivp (RK45, tight tolerances)."""
    state, out = np.zeros(2), [0.0]
    for command in u:
        force = float(np.clip(command, -plant.u_max, plant.u_max))
        rhs = lambda t, s: [s[1], (force - plant.damping * s[1] - plant.stiffness * s[0] - plant.cubic * s[0] ** 3) / plant.mass]
        state = solve_ivp(rhs, (0.0, plant.dt), state, rtol=1e-11, atol=1e-13).y[:, -1]
        out.append(state[0])
    return np.asarray(out)


def test_the_simulator_matches_solve_ivp_under_a_saturating_random_input():
    u = excitation(300, PLANT, np.random.default_rng(0))
    assert np.abs(u).max() > PLANT.u_max  # the saturation is exercised
    ours = PLANT.simulate(u)
    reference_positions = scipy_positions(PLANT, u)
    assert np.abs(ours - reference_positions).max() < 1e-8 * max(1.0, np.abs(reference_positions).max())


def test_batched_steps_equal_single_steps():
    states = np.array([[0.1, 0.0], [-0.3, 2.0], [0.5, -1.0]])
    u = np.array([10.0, -250.0, 40.0])
    batched = PLANT.step(states, u)
    single = np.stack([PLANT.step(s, c) for s, c in zip(states, u)])
    assert np.allclose(batched, single, rtol=0, atol=1e-15)


def tiny_model(seed=0) -> NumpyMLP:
    rng = np.random.default_rng(seed)
    shapes = [(8, 5), (8, 8), (1, 8)]
    weights = tuple((rng.standard_normal(s) / np.sqrt(s[1])).astype(np.float32) for s in shapes)
    biases = tuple((0.1 * rng.standard_normal(s[0])).astype(np.float32) for s in shapes)
    return NumpyMLP(weights, biases, np.zeros(5), np.array([1.0, 1.0, 1.0, 100.0, 100.0]), 100.0)


def test_newton_raphson_reaches_scipys_minimizer_of_the_mpc_objective():
    controller = NewtonMPC(tiny_model(), horizon=3, iterations=12, effort_weight=1e-3, u_max=100.0, dt=0.005)
    history, u_prev = np.array([0.2, 0.19, 0.18]), 5.0
    targets = np.array([0.21, 0.23, 0.26])
    objective = lambda u: float(controller.objective(np.array([u]), history, u_prev, targets)[0])
    scipy_best = minimize_scalar(objective, bounds=(-100.0, 100.0), method="bounded", options={"xatol": 1e-8})
    ours = controller.control(history, u_prev, targets)
    assert ours == pytest.approx(scipy_best.x, abs=1e-3)
    assert objective(ours) <= scipy_best.fun * (1 + 1e-7)  # float32 model: J is exact to ~1e-8 relative


def test_model_windows_give_the_exact_second_difference():
    t = np.arange(11) * 0.1
    positions = t ** 2  # x_0..x_10 under u_0..u_9; second difference / dt² = 2 everywhere
    inputs, targets = windows(positions, np.arange(10.0), 0.1)
    assert np.allclose(targets, 2.0)
    assert np.allclose(inputs[0], [positions[2], positions[1], positions[0], 1.0, 2.0])


def test_the_pid_stops_integrating_while_saturated():
    pid = PID(np.array(1000.0), np.array(100.0), np.array(0.0), u_max=10.0, dt=0.01)
    for _ in range(50):
        assert float(pid.control(np.array(1.0))) == 10.0
    assert float(pid.integral) == 0.0


def test_references_have_their_shape():
    steps, dt = 2000, 0.005
    sweep = reference("sweep", steps, dt, 0.5, 2.0)
    square = reference("square", steps, dt, 0.5, 2.0)
    assert np.abs(sweep).max() == pytest.approx(0.5, abs=1e-3)
    assert set(np.round(square[50:150], 6)) == {0.5}
    with pytest.raises(ValueError):
        reference("triangle", steps, dt, 0.5, 2.0)


def test_the_claims_decide_per_reference_and_budget():
    results = {
        "by_reference": {k: {"nr_mpc": {"rmse": 0.001}, "pid": {"rmse": 0.002}} for k in ("sine", "sweep", "square")},
        "outcomes": {"nr_mpc": {"weight_bytes": 1540, "mcu_cycles_per_step": 200_000}},
    }
    assert {c.id: c.check(results).verdict for c in CLAIMS} == {c.id: Verdict.REPRODUCED for c in CLAIMS}
    results["by_reference"]["sweep"]["nr_mpc"]["rmse"] = 0.003
    assert CLAIMS[0].check(results).verdict == Verdict.NOT_REPRODUCED
    results["outcomes"]["nr_mpc"]["mcu_cycles_per_step"] = 10 ** 6
    assert CLAIMS[2].check(results).verdict == Verdict.NOT_REPRODUCED
