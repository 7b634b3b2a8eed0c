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


def scoreboard_of(paper: Paper) -> dict:
    """The paper's row of the scoreboard: verdict counts of each method's latest public run
    (controls not counted), that run, and the claims whose verdict changed between commits."""
    from apps.runs.models import Run, RunStatus

    from .history import claim_rows, verdict_changed

    counts = {"reproduced": 0, "not_reproduced": 0, "inconclusive": 0}
    latest, changed, claims_total = None, [], 0
    for method in paper.methods.all():
        if not method.available:
            continue
        controls = {c["id"] for c in method.claims if c.get("kind") == "control"}
        claims_total += len(method.claims) - len(controls)
        run = (Run.objects.filter(method=method, private=False, status=RunStatus.SUCCEEDED)
               .order_by("-finished_at").only("pk", "finished_at", "device_name", "preset", "claims").first())
        if run is not None:
            for claim in run.claims or []:
                if claim["id"] not in controls and claim.get("verdict") in counts:
                    counts[claim["verdict"]] += 1
            if latest is None or run.finished_at > latest.finished_at:
                latest = run
        rows = claim_rows(method)
        changed += [f"{method.slug}/{cid}" for cid, mine in rows.items() if verdict_changed(mine)]
    last = None if latest is None else {
        "run": latest.pk, "finished_at": latest.finished_at.isoformat() if latest.finished_at else None,
        "device": latest.device_name, "preset": latest.preset,
    }
    return {**counts, "claims": claims_total, "last_run": last, "changed": changed}


def refresh_status(paper_id: int) -> str:
    """Recompute one paper's status, badges and scoreboard row and store them on the row."""
    with transaction.atomic():
        paper = Paper.objects.select_for_update().prefetch_related("methods").get(pk=paper_id)
        status, badges = compute_status(paper)
        Paper.objects.filter(pk=paper_id).update(status=status, claim_badges=badges, scoreboard=scoreboard_of(paper))
    return status


def totals(papers) -> dict:
    """Header line of the catalog: runnable papers and claims reproduced, over all papers."""
    papers = list(papers)
    runnable = sum(p.status != PaperStatus.NOT_RUNNABLE for p in papers)
    claims = sum(p.scoreboard.get("claims", 0) for p in papers)
    reproduced = sum(p.scoreboard.get("reproduced", 0) for p in papers)
    return {"papers": len(papers), "runnable": runnable, "claims": claims, "claims_reproduced": reproduced,
            "papers_reproduced": sum(p.status == PaperStatus.REPRODUCED for p in papers),
            "verdict_changed": sum(bool(p.scoreboard.get("changed")) for p in papers)}


def refresh_all() -> None:
    for paper_id in Paper.objects.values_list("pk", flat=True):
        refresh_status(paper_id)
