"""Curves in a real Chromium: one chart per panel with the unit on its y axis and its own
scale switches; comparing two runs of 24 series over 21 panels draws every chart (SVG traces,
so no "Too many active WebGL contexts" and no blank chart)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.runs.models import Run
from workers.runner import run_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]
SERIES, PANELS = 24, 20  # 'probe value' (default panel) + 23 extra series over 20 declared panels


def many_series_run(method, seed: int) -> Run:
    run = Run.objects.create(method=method, config={"steps": 40, "extra_series": SERIES - 1, "extra_panels": PANELS},
                             config_hash=f"panels-{seed}", preset="smoke", seed=seed)
    assert run_once(run.pk) == "succeeded"
    return run


def charts_drawn(page) -> list[dict]:
    """Per chart: traces Plotly holds and SVG traces drawn, once every run's curves are final."""
    page.wait_for_function("document.getElementById('curves').dataset.finished === 'true'", timeout=30_000)
    return page.evaluate("""() => [...document.querySelectorAll('#curves .panel-plot')].map(plot => ({
        id: plot.id, data: (plot.data || []).length,
        drawn: plot.querySelectorAll('.scatterlayer .trace').length,
        webgl: plot.querySelectorAll('.gl-container canvas').length}))""")


def test_comparing_two_runs_with_24_series_draws_every_chart(page, live_server, catalog, screenshot):
    first, second = many_series_run(catalog, 1), many_series_run(catalog, 2)
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    page.goto(f"{live_server.url}/compare/?runs={first.pk},{second.pk}")
    expect(page.locator("h1")).to_have_text("Compare 2 runs")
    charts = charts_drawn(page)
    assert len(charts) == PANELS + 1, charts
    assert all(c["drawn"] > 0 and c["drawn"] == c["data"] and c["webgl"] == 0 for c in charts), charts
    assert sum(c["data"] for c in charts) == 2 * SERIES
    page.wait_for_timeout(500)  # a lost context is reported asynchronously
    assert not [m for m in console if "WebGL" in m or "context" in m.lower()], console
    screenshot(page, "07-compare-panels")


def test_the_run_page_draws_one_chart_per_panel_with_units_and_scale_switches(page, live_server, catalog):
    run = many_series_run(catalog, 3)
    page.goto(f"{live_server.url}/runs/{run.pk}/")
    charts = charts_drawn(page)
    assert len(charts) == PANELS + 1 and all(c["drawn"] == c["data"] > 0 for c in charts), charts
    titles = page.locator("#curves .panel-head h3").all_text_contents()
    assert titles[:4] == ["values", "error", "iterations", "time"], titles
    error = page.locator(".panel-chart[data-panel='error']")
    expect(error.locator(".ytitle")).to_have_text("relative")  # the unit is the y-axis title
    plot = "document.querySelector(\".panel-chart[data-panel='error'] .panel-plot\")"
    assert page.evaluate(f"{plot}.layout.yaxis.type") == "log"  # positive values: log by default
    error.locator("select[name=yscale]").select_option("linear")
    page.wait_for_function(f"{plot}.layout.yaxis.type === 'linear'")
    error.locator("select[name=xscale]").select_option("log")
    page.wait_for_function(f"{plot}.layout.xaxis.type === 'log'")
    assert page.evaluate("document.querySelector(\".panel-chart[data-panel='time'] .panel-plot\").layout.yaxis.type") == "log"
    error.locator(".legendtoggle").first.click()  # a legend click hides that series
    page.wait_for_function(f"{plot}.data[0].visible === 'legendonly'")


def test_a_running_run_is_polled_for_the_points_after_the_last_step_only(page, live_server, catalog):
    from apps.runs.models import Series
    from apps.runs.points import append_points

    run = Run.objects.create(method=catalog, config={}, config_hash="live", status="running")
    series = Series.objects.create(run=run, name="loss", panel="loss", unit="nats")
    append_points(series, range(10), [0.1] * 10, [1.0 / (k + 1) for k in range(10)])
    polls: list[str] = []
    page.on("request", lambda request: polls.append(request.url) if "metrics.json" in request.url else None)
    page.goto(f"{live_server.url}/runs/{run.pk}/")
    plot = "document.getElementById('panel-chart-0')"
    page.wait_for_function(f"{plot} && {plot}.data && {plot}.data[0].x.length === 10", timeout=15_000)

    append_points(series, range(10, 25), [0.2] * 15, [1.0 / (k + 1) for k in range(10, 25)])
    page.wait_for_function(f"{plot}.data[0].x.length === 25", timeout=15_000)
    assert any(url.endswith("metrics.json?after=9") for url in polls), polls
    assert page.evaluate(f"{plot}.data[0].x") == list(range(25))

    Run.objects.filter(pk=run.pk).update(status="succeeded")
    page.wait_for_function("document.getElementById('curves').dataset.finished === 'true'", timeout=15_000)
    assert polls[-1].endswith("metrics.json")  # the final read is whole, not incremental
