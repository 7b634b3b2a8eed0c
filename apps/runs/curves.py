"""Curves for pages and the API: at most a few thousand points per series, bucketed in the
database with each bucket's min and max kept, so a single spike always survives."""
from __future__ import annotations

import math

from django.db import connection, transaction

from .models import MetricPoint, Run, Series

BUCKET_SQL = """
SELECT CAST((step - %(lo)s) * %(nb)s / %(width)s AS INTEGER) AS bucket,
       MIN(step), MAX(step), MIN(wall_s), MAX(wall_s), MIN(value), MAX(value)
FROM {table}
WHERE series_id = %(series)s AND value IS NOT NULL
GROUP BY bucket ORDER BY bucket
"""

# PostgreSQL: the same buckets, each aggregated by its own range scan of the (series, step) index
# instead of hashing every point into its bucket (about twice as fast on 1e6 points). The range is
# a little wider than the bucket and the bucket expression above still decides membership, so the
# rows are exactly BUCKET_SQL's. JIT is turned off for it: compiling costs more than it saves here.
RANGE_BUCKET_SQL = """
SELECT k, agg.* FROM generate_series(0, %(nb)s) AS k, LATERAL (
    SELECT MIN(step) AS step_lo, MAX(step), MIN(wall_s), MAX(wall_s), MIN(value), MAX(value)
    FROM {table}
    WHERE series_id = %(series)s AND value IS NOT NULL
      AND step >= %(lo)s + (k - %(margin)s) * %(bucket)s AND step <= %(lo)s + (k + %(margin)s) * %(bucket)s
      AND CAST((step - %(lo)s) * %(nb)s / %(width)s AS INTEGER) = k
) AS agg
WHERE agg.step_lo IS NOT NULL ORDER BY k
"""
RANGE_MARGIN = 0.51  # buckets round to the nearest integer: bucket k spans k ± 0.5, plus 1 % slack


def series_curve(series: Series, max_points: int) -> dict:
    """All points if they fit, else per step-bucket the (first step, min) and (last step, max)."""
    max_points = max(10, min(int(max_points), 20000))
    if series.points <= max_points:
        rows = MetricPoint.objects.filter(series=series).order_by("step", "id").values_list("step", "wall_s", "value")
        steps, walls, values = (list(c) for c in zip(*rows)) if rows else ([], [], [])
        return _curve(series, steps, walls, values, bucketed=False)
    lo, hi = _step_range(series)
    rows = _bucket_rows(series, lo, hi, max_points // 2)
    steps, walls, values = [], [], []
    for _, step_lo, step_hi, wall_lo, wall_hi, vmin, vmax in rows:
        steps.append(step_lo), walls.append(wall_lo), values.append(vmin)
        if step_hi != step_lo or vmax != vmin:
            steps.append(step_hi), walls.append(wall_hi), values.append(vmax)
    return _curve(series, steps, walls, values, bucketed=True)


def _bucket_rows(series: Series, lo: float, hi: float, buckets: int) -> list[tuple]:
    """(bucket, min step, max step, min wall, max wall, min value, max value) per non-empty bucket."""
    width = max(hi - lo, 1e-300) * (1 + 1e-12)
    params = {"lo": lo, "nb": buckets, "width": width, "series": series.pk}
    table = MetricPoint._meta.db_table
    if connection.vendor == "postgresql" and _edges_exact(lo, hi, width / buckets):
        params.update(margin=RANGE_MARGIN, bucket=width / buckets)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute(RANGE_BUCKET_SQL.format(table=table), params)
            return cursor.fetchall()
    with connection.cursor() as cursor:
        cursor.execute(BUCKET_SQL.format(table=table), params)
        return cursor.fetchall()


def _edges_exact(lo: float, hi: float, bucket: float) -> bool:
    """Bucket edges computed in float8 are off by far less than the 1 % slack of a bucket."""
    return math.isfinite(lo) and math.isfinite(hi) and bucket > 1e-9 * max(abs(lo), abs(hi))


def _step_range(series: Series) -> tuple[float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MIN(step), MAX(step) FROM {MetricPoint._meta.db_table} WHERE series_id = %s", [series.pk]
        )
        lo, hi = cursor.fetchone()
    return float(lo), float(hi)


def _curve(series: Series, steps, walls, values, bucketed: bool) -> dict:
    return {"name": series.name, "points": series.points, "bucketed": bucketed,
            "step": steps, "wall_s": walls, "value": values}


def run_curves(run: Run, max_points: int, names: list[str] | None = None) -> list[dict]:
    series = run.series.all()
    if names:
        series = series.filter(name__in=names)
    return [series_curve(s, max_points) for s in series]
