"""A run that logged a NaN: its event is listed on the run page and marked on its curve, and
the compare page counts it."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from apps.runs.models import Run
from workers.runner import run_once

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_nan_event_is_listed_and_marked_on_its_curve(page, live_server, catalog, screenshot):
    run = Run.objects.create(method=catalog, config={"steps": 30, "nan_at_step": 12}, config_hash="nan", preset="smoke")
    assert run_once(run.pk) == "succeeded"
    run.refresh_from_db()
    assert [(e["series"], e["step"], e["kind"]) for e in run.events] == [("probe value", 12.0, "nonfinite")]
    clean = Run.objects.create(method=catalog, config={"steps": 30}, config_hash="clean", preset="smoke", seed=1)
    assert run_once(clean.pk) == "succeeded"

    page.goto(f"{live_server.url}/runs/{run.pk}/")
    expect(page.locator("#trouble-events")).to_contain_text("nonfinite")
    page.wait_for_function("document.getElementById('curves').dataset.finished === 'true'", timeout=30_000)
    marker = page.evaluate("""() => [...document.querySelectorAll('#curves .panel-plot')].flatMap(p => p.data)
        .filter(t => t.name.startsWith('trouble:')).map(t => [t.name, t.x[0], t.y[0]])""")
    assert len(marker) == 1 and marker[0][0] == "trouble: nonfinite · probe value" and marker[0][1] == 12
    assert marker[0][2] == pytest.approx(0.9 ** 12)  # drawn on the last finite value before the NaN
    expect(page.locator("#curves .legendtext", has_text="trouble: nonfinite")).to_have_count(1)
    screenshot(page, "10-trouble-event")

    page.goto(f"{live_server.url}/compare/?runs={run.pk},{clean.pk}")
    expect(page.locator(f"td.events[data-run='{run.pk}']")).to_contain_text("1")
    expect(page.locator(f"td.events[data-run='{clean.pk}']")).to_have_text("0")
