"""Curves for pages and the API: at most a few thousand points per series, bucketed by step
with each bucket's min and max kept, so a single spike always survives.

Points are read as numpy columns from the chunks of all of a run's series in one query (a
million points is ~24 MB of float64) and bucketed with vectorised reductions. A page that
already holds a run's points up to step s asks only for the points after it (`after`).

Each curve names its panel (the chart it belongs in): the one the method declared, else a
default from its name: "… vs X" series (plotted against another quantity than the step) share
a panel "vs X", every other undeclared series goes to "values"."""
from __future__ import annotations

import re

import numpy as np

from .models import Run, Series
from .points import DTYPE, columns_by_series, in_step_order

MAX_POINTS_LIMIT = 20000
DEFAULT_PANEL = "values"
_TAGS = re.compile(r"\s*[\[(][^\])]*[\])]")
_EMPTY = (np.zeros(0, DTYPE),) * 3


def panel_of(series: Series) -> str:
    if series.panel:
        return series.panel
    if " vs " in series.name:
        against = _TAGS.sub("", series.name.rsplit(" vs ", 1)[1]).strip()
        if against:
            return f"vs {against}"[:60]
    return DEFAULT_PANEL


def series_curve(series: Series, columns=_EMPTY, max_points: int = 2000, after: float | None = None) -> dict:
    """All points (after `after` if given) if they fit, else per step-bucket the
    (first step, min) and (last step, max)."""
    max_points = max(10, min(int(max_points), MAX_POINTS_LIMIT))
    steps, walls, values = in_step_order(*columns)
    if after is not None:
        later = steps > after
        steps, walls, values = steps[later], walls[later], values[later]
    if steps.size <= max_points:
        return _curve(series, steps, walls, values, bucketed=False)
    keep = ~np.isnan(values)
    return _curve(series, *bucket_min_max(steps[keep], walls[keep], values[keep], max_points // 2), bucketed=True)


def bucket_min_max(steps: np.ndarray, walls: np.ndarray, values: np.ndarray, buckets: int):
    """Split the step range into `buckets` equal buckets; for each non-empty one emit its first
    step with the bucket's min value and its last step with the max (one point if they agree).
    `steps` must be sorted. Returns (steps, walls, values) arrays in step order."""
    if steps.size == 0:
        return steps, walls, values
    lo, hi = steps[0], steps[-1]
    width = max(hi - lo, 1e-300) * (1 + 1e-12)
    index = ((steps - lo) * (buckets / width)).astype(np.int64)
    starts = np.flatnonzero(np.r_[True, index[1:] != index[:-1]])
    ends = np.r_[starts[1:], steps.size] - 1
    vmin, vmax = np.minimum.reduceat(values, starts), np.maximum.reduceat(values, starts)
    wmin, wmax = np.minimum.reduceat(walls, starts), np.maximum.reduceat(walls, starts)
    step_lo, step_hi = steps[starts], steps[ends]
    second = (step_hi != step_lo) | (vmax != vmin)
    out_steps = np.column_stack([step_lo, step_hi]).ravel()
    out_walls = np.column_stack([wmin, wmax]).ravel()
    out_values = np.column_stack([vmin, vmax]).ravel()
    keep = np.column_stack([np.ones_like(second), second]).ravel()
    return out_steps[keep], out_walls[keep], out_values[keep]


def _curve(series: Series, steps, walls, values, bucketed: bool) -> dict:
    return {
        "name": series.name,
        "panel": panel_of(series),
        "unit": series.unit,
        "points": series.points,
        "last_step": series.last_step,
        "last_value": series.last_value,
        "bucketed": bucketed,
        "step": steps.tolist(),
        "wall_s": walls.tolist(),
        "value": [None if v != v else v for v in values.tolist()],
    }


def run_curves(run: Run, max_points: int, names: list[str] | None = None, after: float | None = None) -> list[dict]:
    """The run's curves (or those named), in two queries whatever the number of series."""
    series = run.series.all()
    if names:
        series = series.filter(name__in=names)
    series = list(series)
    columns = columns_by_series([s.pk for s in series], after)
    return [series_curve(s, columns.get(s.pk, _EMPTY), max_points, after) for s in series]
