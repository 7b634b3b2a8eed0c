"""Curves for pages and the API: at most a few thousand points per series, bucketed in the
database with each bucket's min and max kept, so a single spike always survives."""
from __future__ import annotations

from django.db import connection

from .models import MetricPoint, Run, Series

BUCKET_SQL = """
SELECT CAST((step - %(lo)s) * %(nb)s / %(width)s AS INTEGER) AS bucket,
       MIN(step), MAX(step), MIN(wall_s), MAX(wall_s), MIN(value), MAX(value)
FROM {table}
WHERE series_id = %(series)s AND value IS NOT NULL
GROUP BY bucket ORDER BY bucket
"""


def series_curve(series: Series, max_points: int) -> dict:
    """All points if they fit, else per step-bucket the (first step, min) and (last step, max)."""
    max_points = max(10, min(int(max_points), 20000))
    if series.points <= max_points:
        rows = MetricPoint.objects.filter(series=series).order_by("step", "id").values_list("step", "wall_s", "value")
        steps, walls, values = (list(c) for c in zip(*rows)) if rows else ([], [], [])
        return _curve(series, steps, walls, values, bucketed=False)
    lo, hi = _step_range(series)
    buckets = max_points // 2
    sql = BUCKET_SQL.format(table=MetricPoint._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(sql, {"lo": lo, "nb": buckets, "width": max(hi - lo, 1e-300) * (1 + 1e-12), "series": series.pk})
        rows = cursor.fetchall()
    steps, walls, values = [], [], []
    for _, step_lo, step_hi, wall_lo, wall_hi, vmin, vmax in rows:
        steps.append(step_lo), walls.append(wall_lo), values.append(vmin)
        if step_hi != step_lo or vmax != vmin:
            steps.append(step_hi), walls.append(wall_hi), values.append(vmax)
    return _curve(series, steps, walls, values, bucketed=True)


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
