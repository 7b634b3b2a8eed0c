"""A paper's status: computed when a run finishes, from public runs only; "reproduced" needs
every claim reproduced on a deciding preset in a seed group of at least 3 seeds."""
from __future__ import annotations

import uuid

import pytest

from apps.catalog.models import Paper, PaperStatus
from apps.catalog.status import refresh_status
from apps.runs import lifecycle
from apps.runs.models import Run, RunStatus

pytestmark = pytest.mark.django_db


def finished_run(method, *, verdict="reproduced", preset="smoke", group=None, private=False, owner=None):
    claims = [{"id": c["id"], "verdict": verdict, "summary": "s", "evidence": {}} for c in method.claims]
    return Run.objects.create(
        method=method, config={}, config_hash=uuid.uuid4().hex, preset=preset, group=group, private=private,
        owner=owner, status=RunStatus.SUCCEEDED, claims=claims, all_reproduced=verdict == "reproduced",
    )


def status_of(method) -> str:
    refresh_status(method.paper_id)
    return Paper.objects.get(pk=method.paper_id).status


def test_a_private_run_does_not_mark_the_paper_reproduced_for_others(catalog, alice, client):
    finished_run(catalog, private=True, owner=alice)
    assert status_of(catalog) == PaperStatus.RUNNABLE
    page = client.get("/", {"status": "smoke_reproduced"}).content.decode()
    assert f'data-paper="{catalog.paper.number}"' not in page
    finished_run(catalog)
    assert status_of(catalog) == PaperStatus.SMOKE_REPRODUCED


def test_reproduced_needs_a_seed_group_of_three_on_a_deciding_preset(catalog):
    group = uuid.uuid4()
    for _ in range(3):
        finished_run(catalog, preset="smoke", group=group)
    assert status_of(catalog) == PaperStatus.SMOKE_REPRODUCED  # smoke never earns the badge
    full = uuid.uuid4()
    finished_run(catalog, preset="full", group=full)
    finished_run(catalog, preset="full", group=full)
    assert status_of(catalog) == PaperStatus.SMOKE_REPRODUCED  # two seeds are not enough
    finished_run(catalog, preset="full", group=full, verdict="not_reproduced")
    assert status_of(catalog) == PaperStatus.REPRODUCED  # 2 of 3 is the required share
    badge = Paper.objects.get(pk=catalog.paper_id).claim_badges[f"{catalog.slug}/{catalog.claims[0]['id']}"]
    assert (badge["k"], badge["n"], badge["preset"], badge["earned"]) == (2, 3, "full", True)


def test_one_of_three_is_not_enough(catalog):
    group = uuid.uuid4()
    finished_run(catalog, preset="full", group=group)
    for _ in range(2):
        finished_run(catalog, preset="full", group=group, verdict="not_reproduced")
    assert status_of(catalog) != PaperStatus.REPRODUCED


def test_finishing_a_run_refreshes_its_papers_status(catalog, django_capture_on_commit_callbacks):
    run = Run.objects.create(method=catalog, config={}, config_hash="h", status=RunStatus.RUNNING)
    claims = [{"id": c["id"], "verdict": "reproduced", "summary": "s", "evidence": {}} for c in catalog.claims]
    with django_capture_on_commit_callbacks(execute=True):
        assert lifecycle.finish(run.pk, run.attempt_token, RunStatus.SUCCEEDED, claims=claims, all_reproduced=True)
    assert Paper.objects.get(pk=catalog.paper_id).status == PaperStatus.SMOKE_REPRODUCED


def test_the_paper_page_shows_k_of_n_per_claim(catalog, client):
    group = uuid.uuid4()
    for _ in range(3):
        finished_run(catalog, preset="full", group=group)
    refresh_status(catalog.paper_id)
    page = client.get(f"/papers/{catalog.paper.number}/").content.decode()
    assert "full: reproduced in 3 of 3 seeds" in page
