"""Numerical-trouble labels on synthetic series: one test per label, and quiet healthy curves."""
from __future__ import annotations

import math

import pytest

from workers.methods.context import RunContext
from workers.methods.trouble import DIVERGENCE, NONFINITE, STAGNATION, Monitor, TroubleWatch


def feed(watch: TroubleWatch, series: str, values) -> list[tuple[str, float, str]]:
    for step, value in enumerate(values):
        watch.feed(series, step, value)
    return [(e.series, e.step, e.kind) for e in watch.events]


def test_a_nan_is_labelled_once_at_its_first_step_on_any_series():
    assert feed(TroubleWatch(), "loss", [1.0, 0.5, math.nan, math.inf, math.nan]) == [("loss", 2.0, NONFINITE)]


def test_divergence_is_a_value_grown_past_the_factor_over_its_best():
    watch = TroubleWatch({"err*": Monitor(diverge_factor=100, window=1000)})
    values = [1.0, 0.1, 0.01, 0.5, 0.9, 2.0, 50.0]
    assert feed(watch, "error", values) == [("error", 5.0, DIVERGENCE)]  # 2.0 > 100 x 0.01
    assert feed(TroubleWatch({"err*": Monitor(diverge_factor=100)}), "loss", values) == []  # not monitored


def test_stagnation_is_a_window_without_progress():
    watch = TroubleWatch({"residual": Monitor(window=10, min_progress=0.01)})
    values = [0.5 ** k for k in range(20)] + [1e-6 * (1 + 1e-4 * k) for k in range(30)]
    events = feed(watch, "residual", values)
    assert [e[2] for e in events] == [STAGNATION]
    assert events[0][1] == 30.0  # the first window boundary after progress stopped


def test_a_healthy_converging_curve_has_no_events():
    watch = TroubleWatch({"*": Monitor(window=10, min_progress=0.01)})
    assert feed(watch, "error", [0.9 ** k for k in range(200)]) == []


def test_the_context_records_events_the_method_declared(tmp_path):
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    ctx.watch_trouble({"loss": Monitor(diverge_factor=10, window=1000)})
    for step, value in enumerate([1.0, 0.1, 5.0, math.nan]):
        ctx.log("loss", step, value)
    assert [(e.kind, e.step) for e in ctx.trouble.events] == [(DIVERGENCE, 2.0), (NONFINITE, 3.0)]


def test_monitor_rejects_meaningless_settings():
    with pytest.raises(ValueError):
        Monitor(diverge_factor=1.0)
