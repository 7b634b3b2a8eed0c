"""Upgrades keep data: a database holding runs and points migrates forward with every point,
and series written before 0004 gain their final values and chunks their largest steps."""
from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE_0004 = [("runs", "0003_metric_chunks")]
AFTER_0004 = [("runs", "0004_series_panel_unit_last_value")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def test_points_stored_as_rows_become_chunks_with_every_value():
    old = migrate([("runs", "0002_run_private"), ("catalog", "0001_initial")])
    try:
        Paper, Method = old.get_model("catalog", "Paper"), old.get_model("catalog", "Method")
        Run, Series, MetricPoint = (old.get_model("runs", n) for n in ("Run", "Series", "MetricPoint"))
        paper = Paper.objects.create(number=99, slug="p99", title="t", abstract="a")
        method = Method.objects.create(slug="m99", paper=paper, title="t", summary="s")
        run = Run.objects.create(method=method, config={}, config_hash="h")
        error = Series.objects.create(run=run, name="error", points=3)
        loss = Series.objects.create(run=run, name="loss", points=2)
        MetricPoint.objects.bulk_create([
            MetricPoint(series=error, step=0, wall_s=0.1, value=1.0),
            MetricPoint(series=error, step=1, wall_s=0.2, value=None),
            MetricPoint(series=error, step=2, wall_s=0.3, value=0.25),
            MetricPoint(series=loss, step=5, wall_s=0.5, value=3.0),
            MetricPoint(series=loss, step=6, wall_s=0.6, value=2.0),
        ])
        new = migrate(latest())
        Chunk = new.get_model("runs", "MetricChunk")
        chunk = Chunk.objects.get(series_id=error.pk)
        assert chunk.count == 3
        assert np.frombuffer(bytes(chunk.steps), "<f8").tolist() == [0, 1, 2]
        values = np.frombuffer(bytes(chunk.values), "<f8")
        assert values[0] == 1.0 and np.isnan(values[1]) and values[2] == 0.25
        assert np.frombuffer(bytes(Chunk.objects.get(series_id=loss.pk).walls), "<f8").tolist() == [0.5, 0.6]
        finals = dict(new.get_model("runs", "Series").objects.values_list("name", "last_value"))
        assert finals == {"error": 0.25, "loss": 2.0}  # 0004 fills them from the moved points
    finally:
        migrate(latest())


def chunk(apps, series, steps, values):
    column = lambda xs: np.asarray(xs, dtype="<f8").tobytes()  # noqa: E731
    return apps.get_model("runs", "MetricChunk").objects.create(
        series=series, count=len(steps), steps=column(steps), walls=column([0.0] * len(steps)), values=column(values)
    )


def test_series_and_chunks_written_before_0004_keep_their_points_and_gain_final_values(catalog):
    old = migrate(BEFORE_0004)
    try:
        run = old.get_model("runs", "Run").objects.create(method_id=catalog.pk, config={}, config_hash="old")
        series = old.get_model("runs", "Series").objects.create(run=run, name="error", points=5)
        chunk(old, series, [0, 1, 2], [1.0, 0.5, 0.25])
        chunk(old, series, [3, 4], [0.125, float("nan")])
        empty = old.get_model("runs", "Series").objects.create(run=run, name="empty", points=0)

        new = migrate(AFTER_0004)
        series = new.get_model("runs", "Series").objects.get(pk=series.pk)
        assert (series.points, series.last_step, series.last_value, series.panel) == (5, 4.0, None, "")
        assert list(new.get_model("runs", "MetricChunk").objects.order_by("id").values_list("max_step", "count")) == [
            (2.0, 3), (4.0, 2)]
        assert new.get_model("runs", "Series").objects.get(pk=empty.pk).last_step is None
    finally:
        migrate(latest())

    from apps.runs.points import sorted_columns

    assert sorted_columns(series.pk)[0].tolist() == [0, 1, 2, 3, 4]
