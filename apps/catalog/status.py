"""A paper's standing in the catalog, computed once per finished run (never per request).

- ``not_runnable``: no method in the registry yet.
- ``runnable``: a method exists; no public run has reproduced its claims yet.
- ``smoke_reproduced``: one public run had every claim reproduced, on any preset (a smoke run
  is small: it shows the pipeline works, not that the paper's claim holds at scale).
- ``reproduced``: each of the paper's claims (pipeline controls not counted) was reproduced on
  a deciding preset (``full`` or ``paper``) in a public seed group of at least
  ``BADGE_MIN_SEEDS`` succeeded runs, in at least ``BADGE_MIN_SHARE`` of them.

Only public runs count, so a paper never shows as reproduced because of a run its viewer
cannot see. ``claim_badges`` keeps, per claim, the best group's k of N for the pages.
"""
from __future__ import annotations

import math
from collections import defaultdict

from django.db import transaction

from .models import Paper, PaperStatus

DECIDING_PRESETS = ("full", "paper")
BADGE_MIN_SEEDS = 3
BADGE_MIN_SHARE = 2 / 3


def paper_claims(paper: Paper) -> list[tuple[str, str]]:
    """(method slug, claim id) of the paper's claims, controls left out."""
    return [
        (m.slug, c["id"])
        for m in paper.methods.all() if m.available
        for c in m.claims if c.get("kind", "claim") != "control"
    ]


def claim_badges(paper: Paper) -> dict[str, dict]:
    """Per "slug/claim": the best public seed group on a deciding preset, as k of N."""
    from apps.runs.models import Run, RunStatus

    runs = (
        Run.objects.filter(method__paper=paper, private=False, status=RunStatus.SUCCEEDED,
                           preset__in=DECIDING_PRESETS, group__isnull=False)
        .values_list("method__slug", "group", "preset", "claims")
    )
    tally: dict[tuple[str, str], dict] = defaultdict(lambda: {"k": 0, "n": 0})
    for slug, group, preset, claims in runs.iterator():
        for claim in claims or []:
            cell = tally[(f"{slug}/{claim['id']}", str(group))]
            cell.update(preset=preset, group=str(group))
            cell["n"] += 1
            cell["k"] += claim.get("verdict") == "reproduced"
    best: dict[str, dict] = {}
    for (key, _), cell in tally.items():
        if key not in best or (_earned(cell), cell["k"], cell["n"]) > (_earned(best[key]), best[key]["k"], best[key]["n"]):
            best[key] = {**cell, "earned": _earned(cell)}
    return best


def _earned(cell: dict) -> bool:
    return cell["n"] >= BADGE_MIN_SEEDS and cell["k"] >= math.ceil(BADGE_MIN_SHARE * cell["n"] - 1e-9)


def compute_status(paper: Paper) -> tuple[str, dict]:
    from apps.runs.models import Run, RunStatus

    claims = paper_claims(paper)
    if not claims:
        return PaperStatus.NOT_RUNNABLE, {}
    badges = claim_badges(paper)
    if all(badges.get(f"{slug}/{cid}", {}).get("earned") for slug, cid in claims):
        return PaperStatus.REPRODUCED, badges
    one_run = Run.objects.filter(method__paper=paper, private=False, status=RunStatus.SUCCEEDED,
                                 all_reproduced=True).exists()
    return (PaperStatus.SMOKE_REPRODUCED if one_run else PaperStatus.RUNNABLE), badges


def refresh_status(paper_id: int) -> str:
    """Recompute one paper's status and badges and store them on the row."""
    with transaction.atomic():
        paper = Paper.objects.select_for_update().prefetch_related("methods").get(pk=paper_id)
        status, badges = compute_status(paper)
        Paper.objects.filter(pk=paper_id).update(status=status, claim_badges=badges)
    return status


def refresh_all() -> None:
    for paper_id in Paper.objects.values_list("pk", flat=True):
        refresh_status(paper_id)
