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
