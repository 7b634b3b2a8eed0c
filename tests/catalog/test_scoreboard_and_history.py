"""Scoreboard (catalog table, totals, API) and claim history (per commit and device, changes flagged)."""
from __future__ import annotations

import uuid

import pytest
from django.utils import timezone

from apps.catalog.history import key_number
from apps.catalog.models import Paper
from apps.catalog.status import refresh_status
from apps.runs.models import Run, RunStatus

pytestmark = pytest.mark.django_db


def run_with(method, verdict: str, commit: str, device: str = "cpu (x86_64)", ratio: float = 2.0, preset="smoke"):
    claims = [{"id": c["id"], "verdict": verdict, "summary": "s", "evidence": {"ratio": ratio, "threshold": 1}}
              for c in method.claims]
    return Run.objects.create(method=method, config={}, config_hash=uuid.uuid4().hex, preset=preset, commit=commit,
                              device_name=device, status=RunStatus.SUCCEEDED, claims=claims,
                              all_reproduced=verdict == "reproduced", finished_at=timezone.now())


def test_key_number_prefers_the_ratio_then_any_number():
    assert key_number({"threshold": 10, "ratio": 121.0}) == 121.0
    assert key_number({"note": "x", "sns_seconds": 0.05}) == 0.05
    assert key_number({"flag": True}) is None and key_number(None) is None


def test_history_groups_by_commit_and_device_and_flags_a_change(catalog, client):
    run_with(catalog, "reproduced", "aaaa1111", ratio=3.0)
    run_with(catalog, "reproduced", "aaaa1111", device="NVIDIA H200", ratio=3.5)
    run_with(catalog, "not_reproduced", "bbbb2222", ratio=0.8)
    claim_id = catalog.claims[0]["id"]
    data = client.get(f"/api/methods/{catalog.slug}/claims/history").json()["claims"][claim_id]
    assert [(g["commit"], g["device"], g["runs"]) for g in data["groups"]] == [
        ("aaaa1111", "cpu (x86_64)", 1), ("aaaa1111", "NVIDIA H200", 1), ("bbbb2222", "cpu (x86_64)", 1)]
    assert data["changed"] is True
    assert [r["key_number"] for r in data["rows"]] == [3.0, 3.5, 0.8]
    refresh_status(catalog.paper_id)
    assert Paper.objects.get(pk=catalog.paper_id).scoreboard["changed"] == [f"{catalog.slug}/{claim_id}"]
    assert "verdict changed between commits" in client.get("/").content.decode()
    page = client.get(f"/papers/{catalog.paper.number}/").content.decode()
    assert "changed between commits" in page and "NVIDIA H200" in page


def test_same_verdict_across_commits_is_not_a_change(catalog, client):
    run_with(catalog, "reproduced", "aaaa1111")
    run_with(catalog, "reproduced", "bbbb2222")
    data = client.get(f"/api/methods/{catalog.slug}/claims/history").json()["claims"]
    assert not any(c["changed"] for c in data.values())


def test_scoreboard_counts_the_latest_public_run_and_the_totals(catalog, client, alice):
    run_with(catalog, "not_reproduced", "aaaa1111")
    latest = run_with(catalog, "reproduced", "aaaa1111", device="NVIDIA H200")
    Run.objects.create(method=catalog, config={}, config_hash="p", private=True, owner=alice, status=RunStatus.SUCCEEDED,
                       claims=[], finished_at=timezone.now())
    refresh_status(catalog.paper_id)
    board = client.get("/api/scoreboard").json()
    row = next(p for p in board["papers"] if p["number"] == catalog.paper.number)
    assert (row["reproduced"], row["not_reproduced"], row["last_run"]["run"]) == (len(catalog.claims), 0, latest.pk)
    assert row["last_run"]["device"] == "NVIDIA H200"
    totals = board["totals"]
    assert totals["papers"] == 42 and totals["claims_reproduced"] == len(catalog.claims)
    assert totals["runnable"] == Paper.objects.exclude(status="not_runnable").count()
    page = client.get("/", {"view": "table", "sort": "-reproduced"}).content.decode()
    assert 'id="scoreboard"' in page and page.count('class="paper-row"') == 42
    assert page.index(f'data-paper="{catalog.paper.number}"') < page.index('data-paper="1"')  # most reproduced first
    assert f"{totals['claims_reproduced']}/{totals['claims']}" in page
