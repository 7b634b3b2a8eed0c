"""Numerical-trouble labels: a run's curves watched for NaN/inf, divergence and stagnation.

Every series is watched for non-finite values. A method declares the series whose value
should go down (an error, a loss, a residual) with a ``Monitor``, matched by glob pattern on
the series name; those are also watched for divergence (the value grows by ``diverge_factor``
over its best so far) and stagnation (no relative improvement of ``min_progress`` over the
last ``window`` points). Each (series, kind) is labelled once, at its first occurrence, so a
run that goes bad does not flood its event list.
"""
from __future__ import annotations

import fnmatch
import math
from dataclasses import dataclass, field
from typing import Mapping

NONFINITE, DIVERGENCE, STAGNATION = "nonfinite", "divergence", "stagnation"
KINDS = (NONFINITE, DIVERGENCE, STAGNATION)
MAX_EVENTS = 200


@dataclass(frozen=True)
class Monitor:
    """How a decreasing series is watched."""

    diverge_factor: float = 1e3
    window: int = 200
    min_progress: float = 1e-3

    def __post_init__(self) -> None:
        if self.diverge_factor <= 1 or self.window < 2 or not 0 <= self.min_progress < 1:
            raise ValueError("Monitor needs diverge_factor > 1, window >= 2, 0 <= min_progress < 1")


@dataclass
class _Watch:
    monitor: Monitor | None
    best: float = math.inf
    best_at_point: int = 0
    points: int = 0
    window_start_best: float = math.inf
    labelled: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class TroubleEvent:
    series: str
    step: float
    kind: str
    value: float | None
    detail: str

    def as_dict(self) -> dict:
        return {"series": self.series, "step": self.step, "kind": self.kind, "value": self.value, "detail": self.detail}


class TroubleWatch:
    """Fed every curve point; collects labelled events."""

    def __init__(self, monitors: Mapping[str, Monitor] | None = None):
        self.monitors = dict(monitors or {})
        self.events: list[TroubleEvent] = []
        self._watches: dict[str, _Watch] = {}

    def _watch(self, series: str) -> _Watch:
        watch = self._watches.get(series)
        if watch is None:
            monitor = next((m for pattern, m in self.monitors.items() if fnmatch.fnmatchcase(series, pattern)), None)
            watch = self._watches[series] = _Watch(monitor)
        return watch

    def feed(self, series: str, step: float, value: float) -> None:
        watch = self._watch(series)
        watch.points += 1
        if not math.isfinite(value):
            self._label(watch, series, step, NONFINITE, None, f"value became {value}")
            return
        monitor = watch.monitor
        if monitor is None:
            return
        if value < watch.best:
            watch.best, watch.best_at_point = value, watch.points
        elif watch.best > 0 and value > monitor.diverge_factor * watch.best:
            self._label(watch, series, step, DIVERGENCE, value,
                        f"{value:.3g} is over {monitor.diverge_factor:g}x its best {watch.best:.3g}")
        if (watch.points - 1) % monitor.window == 0:
            self._check_window(watch, series, step, value, monitor)

    def _check_window(self, watch: _Watch, series: str, step: float, value: float, monitor: Monitor) -> None:
        """At each window boundary: did the best improve by min_progress since the last one?"""
        before = watch.window_start_best
        watch.window_start_best = watch.best
        if not math.isfinite(before) or before <= 0 or watch.best <= 0:
            return
        if watch.best > before * (1 - monitor.min_progress):
            self._label(watch, series, step, STAGNATION, value,
                        f"best {watch.best:.3g} improved less than {monitor.min_progress:.1%} over {monitor.window} points")

    def _label(self, watch: _Watch, series: str, step: float, kind: str, value: float | None, detail: str) -> None:
        if kind in watch.labelled or len(self.events) >= MAX_EVENTS:
            return
        watch.labelled.add(kind)
        self.events.append(TroubleEvent(series, float(step), kind, value, detail))
