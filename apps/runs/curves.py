"""Curves for pages and the API: at most a few thousand points per series, bucketed by step
with each bucket's min and max kept, so a single spike always survives.

Points are read as numpy columns from the series' chunks (a million points is ~24 MB of
float64) and bucketed with vectorised reductions."""
from __future__ import annotations

import numpy as np

from .models import Run, Series
from .points import sorted_columns

MAX_POINTS_LIMIT = 20000


def series_curve(series: Series, max_points: int) -> dict:
    """All points if they fit, else per step-bucket the (first step, min) and (last step, max)."""
    max_points = max(10, min(int(max_points), MAX_POINTS_LIMIT))
    steps, walls, values = sorted_columns(series)
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
        "points": series.points,
        "bucketed": bucketed,
        "step": steps.tolist(),
        "wall_s": walls.tolist(),
        "value": [None if v != v else v for v in values.tolist()],
    }


def run_curves(run: Run, max_points: int, names: list[str] | None = None) -> list[dict]:
    series = run.series.all()
    if names:
        series = series.filter(name__in=names)
    return [series_curve(s, max_points) for s in series]
