"""Seed groups: median curve with a 10–90 % band per series, verdicts as k of N, and
time-to-target with censoring (a run that never reached the level counts as censored at
its last step, never dropped: Kaplan–Meier)."""
from __future__ import annotations

from collections import Counter

import numpy as np

from .curves import run_curves
from .models import Run, RunStatus

GRID_POINTS = 400


def step_grid(curves: list[dict], size: int = GRID_POINTS) -> np.ndarray:
    steps = np.unique(np.concatenate([np.asarray(c["step"], float) for c in curves if c["step"]] or [np.zeros(0)]))
    if steps.size > size:
        steps = steps[np.linspace(0, steps.size - 1, size).round().astype(int)]
    return steps


def value_on_grid(curve: dict, grid: np.ndarray) -> np.ndarray:
    """The run's value at each grid step: last observation carried forward; before its
    first point NaN; after its last point its final value (the run ended there)."""
    steps = np.asarray(curve["step"], float)
    values = np.asarray([np.nan if v is None else v for v in curve["value"]], float)
    if steps.size == 0:
        return np.full(grid.shape, np.nan)
    order = np.argsort(steps, kind="stable")
    steps, values = steps[order], values[order]
    index = np.searchsorted(steps, grid, side="right") - 1
    out = values[np.clip(index, 0, None)]
    out[index < 0] = np.nan
    return out


def band(curves: list[dict]) -> dict:
    grid = step_grid(curves)
    stacked = np.vstack([value_on_grid(c, grid) for c in curves]) if curves else np.zeros((0, 0))
    with np.errstate(all="ignore"):
        q10, median, q90 = (np.nanquantile(stacked, q, axis=0) for q in (0.1, 0.5, 0.9))
    clean = lambda a: [None if not np.isfinite(v) else float(v) for v in a]  # noqa: E731
    return {"step": grid.tolist(), "median": clean(median), "q10": clean(q10), "q90": clean(q90), "runs": len(curves)}


def first_reach(curve: dict, target: float) -> tuple[float, bool]:
    """(step, reached): the first step with value <= target, else (last step, False)."""
    for step, value in zip(curve["step"], curve["value"]):
        if value is not None and value <= target:
            return float(step), True
    return (float(curve["step"][-1]) if curve["step"] else 0.0), False


def kaplan_meier(times: list[float], reached: list[bool]) -> dict:
    """Fraction of runs that reached the target by each step, with censoring."""
    survival, curve_steps, curve_fraction = 1.0, [0.0], [0.0]
    at_risk = len(times)
    median = None
    for t in sorted(set(times)):
        events = sum(1 for ti, r in zip(times, reached) if ti == t and r)
        leaving = sum(1 for ti in times if ti == t)
        if events and at_risk:
            survival *= 1 - events / at_risk
            curve_steps.append(t), curve_fraction.append(1 - survival)
            if median is None and survival <= 0.5:
                median = t
        at_risk -= leaving
    return {"step": curve_steps, "fraction": curve_fraction, "median_step": median,
            "reached": sum(reached), "censored": len(reached) - sum(reached)}


def group_summary(runs: list[Run], target: float | None) -> dict:
    finished = [r for r in runs if r.status == RunStatus.SUCCEEDED]
    per_series: dict[str, list[dict]] = {}
    for run in finished:
        for curve in run_curves(run, max_points=2000):
            per_series.setdefault(curve["name"], []).append(curve)
    series = []
    for name, curves in per_series.items():
        entry = {"name": name, "band": band(curves)}
        if target is not None:
            hits = [first_reach(c, target) for c in curves]
            entry["target"] = kaplan_meier([h[0] for h in hits], [h[1] for h in hits])
        series.append(entry)
    return {"series": series, "verdicts": verdict_counts(finished), "finished": len(finished), "total": len(runs),
            "events": event_counts(runs)}


def verdict_counts(runs: list[Run]) -> list[dict]:
    """Per claim: verdicts as k of N, and the spread of its key number (a ratio, a slope...)
    over the group: median and 10-90 % where at least two runs report one."""
    from apps.catalog.history import key_number

    counts: dict[str, Counter] = {}
    numbers: dict[str, list[float]] = {}
    for run in runs:
        for claim in run.claims:
            counts.setdefault(claim["id"], Counter())[claim["verdict"]] += 1
            value = key_number(claim.get("evidence"))
            if value is not None and np.isfinite(value):
                numbers.setdefault(claim["id"], []).append(value)
    return [{"id": cid, "reproduced": c["reproduced"], "not_reproduced": c["not_reproduced"],
             "inconclusive": c["inconclusive"], "of": sum(c.values()), "spread": spread(numbers.get(cid, []))}
            for cid, c in counts.items()]


def spread(values: list[float]) -> dict | None:
    if len(values) < 2:
        return None
    q10, median, q90 = np.quantile(np.asarray(values, float), [0.1, 0.5, 0.9])
    return {"median": float(median), "q10": float(q10), "q90": float(q90), "n": len(values)}


def event_counts(runs: list[Run]) -> dict[str, int]:
    """Numerical-trouble events of the runs, by kind."""
    return dict(Counter(event["kind"] for run in runs for event in (run.events or [])))
