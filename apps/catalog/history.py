"""How each claim's verdict evolves across code versions and hardware, from public runs.

For one method: per claim, the runs' verdicts with each run's key number, grouped by (code
commit, device), and whether the verdict changed between two commits on the same preset
(the majority verdict of one commit differs from the next one's).
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .models import Method

HISTORY_RUNS = 500
KEY_NUMBERS = ("ratio", "slope", "speedup", "value", "error", "rate")


def key_number(evidence: dict[str, Any] | None) -> float | None:
    """The number a claim's evidence is mostly about: a ratio, a slope, ... else its first number."""
    evidence = evidence or {}
    for name in KEY_NUMBERS:
        value = evidence.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    for value in evidence.values():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    return None


def claim_rows(method: Method) -> dict[str, list[dict]]:
    """Per claim id, the latest public succeeded runs' verdicts, oldest first."""
    from apps.runs.models import Run, RunStatus

    runs = (
        Run.objects.filter(method=method, private=False, status=RunStatus.SUCCEEDED)
        .order_by("-finished_at")
        .values("pk", "finished_at", "commit", "device_name", "preset", "claims")[:HISTORY_RUNS]
    )
    rows: dict[str, list[dict]] = defaultdict(list)
    for run in reversed(list(runs)):
        for claim in run["claims"] or []:
            rows[claim["id"]].append({
                "run": run["pk"], "finished_at": run["finished_at"], "commit": (run["commit"] or "unknown")[:12],
                "device": run["device_name"] or "unknown", "preset": run["preset"] or "custom",
                "verdict": claim.get("verdict"), "key_number": key_number(claim.get("evidence")),
            })
    return rows


def group_rows(rows: list[dict]) -> list[dict]:
    """Rows grouped by (commit, device), in order of first appearance."""
    groups: dict[tuple[str, str], dict] = {}
    for row in rows:
        group = groups.setdefault((row["commit"], row["device"]), {
            "commit": row["commit"], "device": row["device"], "runs": 0, "verdicts": Counter(),
            "first_at": row["finished_at"], "last_at": row["finished_at"], "key_numbers": [],
        })
        group["runs"] += 1
        group["verdicts"][row["verdict"]] += 1
        group["last_at"] = row["finished_at"]
        if row["key_number"] is not None:
            group["key_numbers"].append(row["key_number"])
    return [{**g, "verdicts": dict(g["verdicts"]), "key_text": " ".join(f"{x:.3g}" for x in g["key_numbers"][-6:])}
            for g in groups.values()]


def verdict_changed(rows: list[dict]) -> bool:
    """True if, on some preset, two consecutive commits have different majority verdicts."""
    by_preset: dict[str, dict[str, Counter]] = defaultdict(dict)
    for row in rows:
        by_preset[row["preset"]].setdefault(row["commit"], Counter())[row["verdict"]] += 1
    for commits in by_preset.values():
        majorities = [counts.most_common(1)[0][0] for counts in commits.values()]
        if any(a != b for a, b in zip(majorities, majorities[1:])):
            return True
    return False


def claim_history(method: Method) -> dict[str, dict]:
    rows = claim_rows(method)
    history = {}
    for claim in method.claims:
        claim_id = claim["id"]
        mine = rows.get(claim_id, [])
        history[claim_id] = {"rows": mine, "groups": group_rows(mine), "changed": verdict_changed(mine)}
    return history
