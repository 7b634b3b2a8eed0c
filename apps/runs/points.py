"""A series' points as numpy columns, read from and appended to its MetricChunk rows."""
from __future__ import annotations

import numpy as np

from .models import MetricChunk, Run, Series

DTYPE = np.dtype("<f8")


def chunk_for(series_id: int, steps, walls, values) -> MetricChunk:
    columns = [np.ascontiguousarray(c, dtype=DTYPE) for c in (steps, walls, values)]
    return MetricChunk(series_id=series_id, count=len(columns[0]),
                       steps=columns[0].tobytes(), walls=columns[1].tobytes(), values=columns[2].tobytes())


def append_points(series: Series, steps, walls, values) -> None:
    """Store points of one series (for tests and imports; workers go through PointWriter)."""
    chunk = chunk_for(series.pk, steps, walls, values)
    chunk.save()
    Series.objects.filter(pk=series.pk).update(points=series.points + chunk.count)
    series.points += chunk.count


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
    steps, walls, values = series_columns(series)
    order = np.argsort(steps, kind="stable")
    return steps[order], walls[order], values[order]


def point_count(run: Run | int) -> int:
    """Points stored for a run, counted from the chunks themselves."""
    return sum(MetricChunk.objects.filter(series__run=run).values_list("count", flat=True))
