"""Upgrades keep data: a database holding curves under the previous schema is migrated
forward and its series get their final values and chunks their largest steps."""
from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE = [("runs", "0003_metric_chunks")]
AFTER = [("runs", "0004_series_panel_unit_last_value")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def chunk(apps, series, steps, values):
    column = lambda xs: np.asarray(xs, dtype="<f8").tobytes()  # noqa: E731
    return apps.get_model("runs", "MetricChunk").objects.create(
        series=series, count=len(steps), steps=column(steps), walls=column([0.0] * len(steps)), values=column(values)
    )


def test_series_and_chunks_written_before_0004_keep_their_points_and_gain_final_values(catalog):
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes("runs")
    old = migrate(BEFORE)
    try:
        run = old.get_model("runs", "Run").objects.create(method_id=catalog.pk, config={}, config_hash="old")
        series = old.get_model("runs", "Series").objects.create(run=run, name="error", points=5)
        chunk(old, series, [0, 1, 2], [1.0, 0.5, 0.25])
        chunk(old, series, [3, 4], [0.125, float("nan")])
        empty = old.get_model("runs", "Series").objects.create(run=run, name="empty", points=0)

        new = migrate(AFTER)
        series = new.get_model("runs", "Series").objects.get(pk=series.pk)
        assert (series.points, series.last_step, series.last_value, series.panel) == (5, 4.0, None, "")
        assert list(new.get_model("runs", "MetricChunk").objects.order_by("id").values_list("max_step", "count")) == [
            (2.0, 3), (4.0, 2)]
        assert new.get_model("runs", "Series").objects.get(pk=empty.pk).last_step is None
    finally:
        migrate(latest)

    from apps.runs.points import sorted_columns

    assert sorted_columns(series.pk)[0].tolist() == [0, 1, 2, 3, 4]
