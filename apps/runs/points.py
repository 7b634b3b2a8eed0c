"""A series' points as numpy columns, read from and appended to its MetricChunk rows."""
from __future__ import annotations

import numpy as np
from django.db.models import Q

from .models import MetricChunk, Run, Series

DTYPE = np.dtype("<f8")


def chunk_for(series_id: int, steps, walls, values) -> MetricChunk:
    columns = [np.ascontiguousarray(c, dtype=DTYPE) for c in (steps, walls, values)]
    return MetricChunk(series_id=series_id, count=len(columns[0]),
                       max_step=float(columns[0].max()) if len(columns[0]) else None,
                       steps=columns[0].tobytes(), walls=columns[1].tobytes(), values=columns[2].tobytes())


def final_point(chunk: MetricChunk) -> tuple[float | None, float | None]:
    """(largest step, the value logged last at it) of a chunk; the value is None if not finite."""
    if not chunk.count:
        return None, None
    steps = np.frombuffer(chunk.steps, dtype=DTYPE)
    value = float(np.frombuffer(chunk.values, dtype=DTYPE)[np.flatnonzero(steps == chunk.max_step)[-1]])
    return chunk.max_step, (value if np.isfinite(value) else None)


def advance_final(series: Series, chunk: MetricChunk) -> None:
    """Move the series' last step and value on if the chunk reaches at least as far."""
    step, value = final_point(chunk)
    if step is not None and (series.last_step is None or step >= series.last_step):
        series.last_step, series.last_value = step, value


def append_points(series: Series, steps, walls, values) -> None:
    """Store points of one series (for tests and imports; workers go through PointWriter)."""
    chunk = chunk_for(series.pk, steps, walls, values)
    chunk.save()
    series.points += chunk.count
    advance_final(series, chunk)
    Series.objects.filter(pk=series.pk).update(points=series.points, last_step=series.last_step,
                                               last_value=series.last_value)


def columns_by_series(series_ids, after: float | None = None) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """(steps, walls, values) of several series in logging order, read in one query. With
    `after`, only chunks holding a step > after are read (the caller drops earlier points)."""
    rows = MetricChunk.objects.filter(series_id__in=list(series_ids))
    if after is not None:
        rows = rows.filter(Q(max_step__gt=after) | Q(max_step__isnull=True))
    parts: dict[int, tuple[list, list, list]] = {}
    for series_id, *raw in rows.order_by("series_id", "id").values_list("series_id", "steps", "walls", "values"):
        for column, data in zip(parts.setdefault(series_id, ([], [], [])), raw):
            column.append(np.frombuffer(bytes(data), dtype=DTYPE))
    return {series_id: tuple(np.concatenate(c) for c in columns) for series_id, columns in parts.items()}


def in_step_order(steps: np.ndarray, walls: np.ndarray, values: np.ndarray):
    """The columns ordered by step, ties in logging order."""
    order = np.argsort(steps, kind="stable")
    return steps[order], walls[order], values[order]


def series_columns(series: Series | int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(steps, walls, values) of a series in logging order; NaN values mark missing ones."""
    rows = MetricChunk.objects.filter(series=series).order_by("id").values_list("steps", "walls", "values")
    columns = ([], [], [])
    for row in rows:
        for column, raw in zip(columns, row):
            column.append(np.frombuffer(bytes(raw), dtype=DTYPE))
    return tuple(np.concatenate(c) if c else np.zeros(0, DTYPE) for c in columns)


def sorted_columns(series: Series | int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The columns ordered by step, ties in logging order."""
    return in_step_order(*series_columns(series))


def point_count(run: Run | int) -> int:
    """Points stored for a run, counted from the chunks themselves."""
    return sum(MetricChunk.objects.filter(series__run=run).values_list("count", flat=True))
