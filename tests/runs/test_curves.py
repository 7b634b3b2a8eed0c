"""Curves as the pages read them: panels and units from ctx.log, final values kept on the
series row, all series of a run in a fixed number of queries, and polls for new points only."""
from __future__ import annotations

import pytest

from apps.runs.curves import DEFAULT_PANEL, panel_of
from apps.runs.models import Run, Series
from apps.runs.points import append_points
from workers.runner import run_once

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_heartbeat_during_the_test_transaction(settings):
    """run_once's heartbeat thread has its own connection, which cannot see the uncommitted run."""
    settings.RUN_HEARTBEAT_S = 600


def probe_run(catalog, steps: int = 12, extra_series: int = 0, seed: int = 0) -> Run:
    run = Run.objects.create(method=catalog, config={"steps": steps, "extra_series": extra_series},
                             config_hash=f"curves-{steps}-{extra_series}-{seed}", preset="smoke", seed=seed)
    assert run_once(run.pk) == "succeeded"
    return run


def test_the_worker_stores_each_series_panel_unit_and_final_value(catalog):
    run = probe_run(catalog, steps=12, extra_series=4)
    rows = {s.name: s for s in Series.objects.filter(run=run)}
    assert set(rows) == {"probe value", "probe error 0", "probe iterations 1", "probe time 2", "probe error 3"}
    assert (rows["probe error 3"].panel, rows["probe error 3"].unit) == ("error", "relative")
    assert (rows["probe time 2"].panel, rows["probe time 2"].unit) == ("time", "s")
    assert rows["probe value"].panel == "" and panel_of(rows["probe value"]) == DEFAULT_PANEL
    assert rows["probe value"].points == 12 and rows["probe value"].last_step == 11.0
    assert rows["probe value"].last_value == pytest.approx(0.9 ** 12)
    assert rows["probe error 3"].last_value == pytest.approx(4 * 0.9 ** 12)


def test_undeclared_series_get_a_panel_from_their_name():
    assert panel_of(Series(name="AdaSketch KKT residual vs solver flops [lasso]")) == "vs solver flops"
    assert panel_of(Series(name="GD distance to OLS (d=4)")) == DEFAULT_PANEL
    assert panel_of(Series(name="x vs y", panel="error")) == "error"


def test_the_final_value_is_the_one_at_the_largest_step_whatever_the_order(catalog):
    run = Run.objects.create(method=catalog, config={}, config_hash="order")
    series = Series.objects.create(run=run, name="s")
    append_points(series, [5, 9, 2], [0, 0, 0], [0.5, 0.9, 0.2])
    append_points(series, [3], [0], [0.3])
    series.refresh_from_db()
    assert (series.last_step, series.last_value, series.points) == (9.0, 0.9, 4)
    append_points(series, [9, 12], [0, 0], [1.0, float("nan")])
    series.refresh_from_db()
    assert (series.last_step, series.last_value) == (12.0, None)


def test_the_metrics_endpoint_returns_panels_units_and_final_values(client, catalog):
    run = probe_run(catalog, steps=8, extra_series=3)
    curves = {c["name"]: c for c in client.get(f"/api/runs/{run.pk}/metrics").json()["series"]}
    assert curves["probe iterations 1"]["panel"] == "iterations" and curves["probe iterations 1"]["unit"] == "count"
    assert curves["probe value"]["panel"] == DEFAULT_PANEL and curves["probe value"]["unit"] == ""
    assert curves["probe value"]["last_step"] == 7.0 and len(curves["probe value"]["step"]) == 8


@pytest.mark.parametrize("path", ["/api/runs/{id}/metrics", "/runs/{id}/metrics.json"])
def test_a_poll_after_a_step_gets_only_the_later_points(client, catalog, path):
    run = probe_run(catalog, steps=30, extra_series=2)
    later = client.get(path.format(id=run.pk), {"after": "24"}).json()
    assert later["after"] == 24.0
    for curve in later["series"]:
        assert curve["step"] == [25.0, 26.0, 27.0, 28.0, 29.0] and curve["points"] == 30
    assert all(c["step"] == [] for c in client.get(path.format(id=run.pk), {"after": "29"}).json()["series"])
    assert len(client.get(path.format(id=run.pk), {"after": "nan"}).json()["series"][0]["step"]) == 30


def test_a_poll_after_a_step_reads_only_the_chunks_that_hold_later_points(catalog, django_assert_num_queries):
    from apps.runs.points import columns_by_series

    run = Run.objects.create(method=catalog, config={}, config_hash="chunks")
    series = Series.objects.create(run=run, name="s")
    for first in range(0, 100, 10):
        append_points(series, range(first, first + 10), [0] * 10, [1.0] * 10)
    with django_assert_num_queries(1):
        steps, _, _ = columns_by_series([series.pk], after=85)[series.pk]
    assert steps.tolist() == list(range(80, 100))


@pytest.mark.parametrize("path", ["/api/runs/{id}/metrics", "/runs/{id}/metrics.json"])
def test_the_metrics_endpoint_costs_the_same_queries_for_5_or_60_series(client, catalog, path, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for extra in (4, 59):
        run = probe_run(catalog, steps=10, extra_series=extra, seed=extra)
        assert Series.objects.filter(run=run).count() == extra + 1
        client.get(path.format(id=run.pk))  # warm: sessions, content types
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(path.format(id=run.pk)).json()["series"]) == extra + 1
        counts[extra] = len(queries)
    assert counts[4] == counts[59]
    with django_assert_max_num_queries(4):
        client.get(path.format(id=run.pk))
