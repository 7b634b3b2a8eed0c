"""The results convention claims read, per cell of a grid, and how cell verdicts combine."""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Mapping

from ..base import Finding, Verdict


def cells_of(results: Mapping[str, Any], cells: str | None) -> dict[str, Mapping[str, Any]]:
    """{cell label: {solver name: outcome}}; one unnamed cell when the claim has no grid."""
    if cells is None:
        return {"": results["outcomes"]}
    return dict(results[cells])


def is_censored(outcome: Mapping[str, Any], metric: str) -> bool:
    return metric in (outcome.get("censored") or ())


def swap_in_baseline(results: dict, method: str, baseline: str, cells: str | None = None) -> dict:
    """The results with the baseline's own numbers in the method's place, in every cell."""
    swapped = copy.deepcopy(results)
    for outcomes in cells_of(swapped, cells).values():
        outcomes[method] = copy.deepcopy(outcomes[baseline])
    return swapped


@dataclass(frozen=True)
class _CellVerdict:
    label: str
    verdict: Verdict
    numbers: dict[str, Any]
    text: str


def _combine(cell_verdicts: list[_CellVerdict], min_share: float) -> tuple[Verdict, str]:
    """All cells (or a share of them) must hold; an undecided cell that could change it is inconclusive."""
    total = len(cell_verdicts)
    if total == 0:
        return Verdict.INCONCLUSIVE, "no cells to judge (this run has none of the claim's cases)"
    held = sum(c.verdict == Verdict.REPRODUCED for c in cell_verdicts)
    open_ = sum(c.verdict == Verdict.INCONCLUSIVE for c in cell_verdicts)
    need = math.ceil(min_share * total - 1e-9)
    if held >= need:
        return Verdict.REPRODUCED, f"{held} of {total} cells hold (need {need})"
    if held + open_ >= need:
        return Verdict.INCONCLUSIVE, f"{held} of {total} cells hold, {open_} undecided (need {need})"
    return Verdict.NOT_REPRODUCED, f"{held} of {total} cells hold (need {need})"


def _finding(cell_verdicts: list[_CellVerdict], min_share: float, head: str, extra: dict) -> Finding:
    if len(cell_verdicts) == 1 and cell_verdicts[0].label == "":
        only = cell_verdicts[0]
        return Finding(only.verdict, f"{head}: {only.text}.", {**only.numbers, **extra})
    verdict, tally = _combine(cell_verdicts, min_share)
    cells = {c.label: {**c.numbers, "verdict": c.verdict.value} for c in cell_verdicts}
    worst = [c for c in cell_verdicts if c.verdict != Verdict.REPRODUCED][:3]
    detail = "; ".join(f"{c.label}: {c.text}" for c in worst) or "; ".join(
        f"{c.label}: {c.text}" for c in cell_verdicts[:3]
    )
    return Finding(verdict, f"{head}: {tally}. {detail}.", {"cells": cells, **extra})


def _combine_any(cell_verdicts: list[_CellVerdict], min_share: float) -> Verdict:
    if len(cell_verdicts) == 1:
        return cell_verdicts[0].verdict
    return _combine(cell_verdicts, min_share)[0]
