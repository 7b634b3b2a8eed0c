"""Upgrades keep data: a database holding runs and points migrates forward with every point."""
from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)


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
    finally:
        migrate(latest())
