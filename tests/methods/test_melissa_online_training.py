"""Melissa's heat simulator against closed forms, and the reservoir's uniformity over the stream."""
from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from workers.methods.melissa_online_training.heat import HeatSimulator, sample_parameters, sine_mode_decay
from workers.methods.melissa_online_training.stream import Reservoir, simulation_stream


@pytest.mark.parametrize("p, q", [(1, 1), (2, 3)])
def test_a_sine_mode_decays_exactly_as_the_discrete_closed_form(p, q):
    mode, exact = sine_mode_decay(12, 0.7, 0.01, 15, p, q)
    got = HeatSimulator(12, 0.7, 0.01).run(mode, (0, 0, 0, 0), 15)[-1]
    assert np.allclose(got, exact, rtol=0, atol=1e-13)


def test_the_simulator_converges_to_the_continuous_decay_exp_minus_2_pi2_alpha_t():
    errors = []
    for n, dt in [(15, 1e-3), (31, 2.5e-4)]:
        h = 1 / (n + 1)
        x = np.arange(1, n + 1) * h
        mode = np.outer(np.sin(np.pi * x), np.sin(np.pi * x))
        got = HeatSimulator(n, 1.0, dt).run(mode, (0, 0, 0, 0), round(0.05 / dt))[-1]
        errors.append(np.abs(got - mode * np.exp(-2 * np.pi**2 * 0.05)).max())
    assert errors[1] < 2e-3 and errors[1] < errors[0] / 3  # first order in dt, second in h


def test_equal_walls_drive_any_start_to_that_temperature_and_the_wall_source_is_exact():
    sim = HeatSimulator(8, 1.0, 0.05)
    frames = sim.simulate(np.array([300.0, 300, 300, 300, 100]), 200)
    assert np.allclose(frames[-1], 300.0, atol=1e-3)
    steady = sim.run(np.zeros((8, 8)), (200.0, 200, 200, 200), 1)  # u = 200 is a fixed point from u = 200
    again = sim.run(np.full((8, 8), 200.0), (200.0, 200, 200, 200), 3)
    assert np.allclose(again, 200.0, atol=1e-10) and steady.max() < 200.0


def test_the_reservoir_keeps_each_item_of_the_stream_with_equal_probability():
    capacity, stream, trials = 10, 50, 2000
    counts = np.zeros(stream)
    rng = np.random.default_rng(0)
    for _ in range(trials):
        buffer = Reservoir(capacity, 1, 1, rng)
        items = np.arange(stream, dtype=np.float32)[:, None]
        buffer.offer(items, items)
        assert sorted(buffer.ids) == sorted(set(buffer.ids.tolist())) and buffer.size == capacity
        counts[buffer.ids] += 1
    assert counts.sum() == capacity * trials
    _, p_value = stats.chisquare(counts)  # expected count trials * C / N for every item
    assert p_value > 0.01
    assert abs(counts[:10].mean() - counts[-10:].mean()) < 0.1 * trials * capacity / stream


def test_batches_are_drawn_uniformly_from_the_rows_held():
    buffer = Reservoir(8, 1, 1, np.random.default_rng(1))
    rows = np.arange(8, dtype=np.float32)[:, None]
    buffer.offer(rows, rows)
    drawn, _ = buffer.sample(16_000)
    _, p_value = stats.chisquare(np.bincount(drawn[:, 0].astype(int), minlength=8))
    assert p_value > 0.01


def test_worker_processes_stream_the_same_simulations_as_the_generator():
    thetas = sample_parameters(np.random.default_rng(2), 3)
    in_process, _ = simulation_stream(thetas, 6, 1.0, 0.01, 4, producers=0)
    pooled, producer = simulation_stream(thetas, 6, 1.0, 0.01, 4, producers=2)
    assert producer == "multiprocessing pool of 2"
    for a, b in zip(in_process, pooled):
        assert np.array_equal(a, b)
