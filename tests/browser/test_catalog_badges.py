"""In Chromium: the catalog tells a paper reproduced in one smoke run from one whose claims
were reproduced on a deciding preset in a seed group, and the paper page shows k of N."""
from __future__ import annotations

import uuid

import pytest
from playwright.sync_api import expect

from apps.catalog.models import Paper
from apps.catalog.status import refresh_status
from apps.runs.models import Run, RunStatus

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def succeeded(method, preset: str, group=None) -> None:
    claims = [{"id": c["id"], "verdict": "reproduced", "summary": "s", "evidence": {}} for c in method.claims]
    Run.objects.create(method=method, config={}, config_hash=uuid.uuid4().hex, preset=preset, group=group,
                       status=RunStatus.SUCCEEDED, claims=claims, all_reproduced=True)


def test_smoke_reproduced_and_reproduced_badges(page, live_server, catalog, screenshot):
    number = catalog.paper.number
    succeeded(catalog, "smoke")
    refresh_status(catalog.paper_id)
    page.goto(f"{live_server.url}/?status=smoke_reproduced")
    card = page.locator(f'[data-paper="{number}"]')
    expect(card.locator("[data-status]")).to_have_text("reproduced in one run")

    group = uuid.uuid4()
    for _ in range(3):
        succeeded(catalog, "full", group)
    refresh_status(catalog.paper_id)
    assert Paper.objects.get(pk=catalog.paper_id).status == "reproduced"
    page.goto(f"{live_server.url}/?status=reproduced")
    expect(page.locator(f'[data-paper="{number}"] [data-status]')).to_have_text(
        "reproduced (seed groups, deciding presets)")
    page.goto(f"{live_server.url}/papers/{number}/")
    expect(page.get_by_text("full: reproduced in 3 of 3 seeds").first).to_be_visible()
    screenshot(page, "07-paper-badges")


def test_scoreboard_totals_and_a_claim_history_chart(page, live_server, catalog, screenshot):
    from django.utils import timezone

    for commit, verdict in (("aaaa1111", "reproduced"), ("bbbb2222", "not_reproduced")):
        claims = [{"id": c["id"], "verdict": verdict, "summary": "s", "evidence": {"ratio": 2.0}} for c in catalog.claims]
        Run.objects.create(method=catalog, config={}, config_hash=uuid.uuid4().hex, preset="smoke", commit=commit,
                           device_name="cpu (x86_64)", status=RunStatus.SUCCEEDED, claims=claims,
                           finished_at=timezone.now())
    refresh_status(catalog.paper_id)
    page.goto(f"{live_server.url}/?view=table&sort=-not_reproduced")
    expect(page.locator("#totals")).to_contain_text("Runnable:")
    expect(page.locator("#scoreboard tbody tr").first).to_have_attribute("data-paper", str(catalog.paper.number))
    screenshot(page, "08-scoreboard")
    page.goto(f"{live_server.url}/papers/{catalog.paper.number}/")
    history = page.locator("details.claim-history").first
    expect(history).to_have_attribute("open", "")  # a changed verdict opens its history
    expect(history.locator("table.history tr")).to_have_count(3)
    expect(history.locator(".history-chart .scatterlayer .trace")).to_have_count(2)  # reproduced, not reproduced
    screenshot(page, "09-claim-history")
