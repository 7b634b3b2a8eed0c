"""Claims about a ratio against a baseline: k-fold advantage, a band, or parity."""
from __future__ import annotations

import copy
import math
from typing import Any, Callable, Mapping

from ..base import Claim, Finding, Verdict
from .cells import _CellVerdict, _combine_any, _finding, cells_of, is_censored, swap_in_baseline
from .sources import Band, Threshold, fmt

# ---- kind 1: A needs k× less of a metric than B (or reaches k× more) ----------------------

def _ratio_cell(outcomes, method, baseline, metric, threshold_value, higher_is_better, unit) -> _CellVerdict:
    mine, theirs = outcomes[method], outcomes[baseline]
    if mine.get("failed"):
        return _CellVerdict("", Verdict.NOT_REPRODUCED, {"failed": mine["failed"]}, f"{method} failed: {mine['failed']}")
    a, b = float(mine[metric]), float(theirs[metric])
    ratio = (a / b if b > 0 else math.inf) if higher_is_better else (b / a if a > 0 else math.inf)
    numbers = {method: a, baseline: b, "ratio": ratio}
    if is_censored(mine, metric) and not higher_is_better:
        return _CellVerdict("", Verdict.NOT_REPRODUCED, numbers, f"{method} stopped at its cap ({fmt(a)}{unit})")
    holds = ratio >= threshold_value and ratio > 1.0
    text = f"{method} {fmt(a)}{unit} vs {baseline} {fmt(b)}{unit} ({fmt(ratio)}x)"
    if is_censored(theirs, metric) and not higher_is_better:
        numbers["baseline_censored"] = True
        if holds:
            return _CellVerdict("", Verdict.REPRODUCED, numbers, text + f", {baseline} capped so the ratio is a lower bound")
        return _CellVerdict("", Verdict.INCONCLUSIVE, numbers, text + f", {baseline} capped below the threshold: raise its cap")
    return _CellVerdict("", Verdict.REPRODUCED if holds else Verdict.NOT_REPRODUCED, numbers, text)


def fewer(
    id: str,
    statement: str,
    source: str,
    *,
    metric: str,
    method: str,
    baseline: str,
    at_least: Threshold,
    higher_is_better: bool = False,
    cells: str | None = None,
    min_share: float = 1.0,
    unit: str = "",
    how_checked: str = "",
    decidable: Callable[[Any], str | None] | None = None,
) -> Claim:
    """``method`` needs at least ``at_least``× less ``metric`` than ``baseline`` (or, with
    ``higher_is_better``, reaches at least ``at_least``× more), in every cell or ``min_share``
    of them. The ratio must also exceed 1, so the baseline in the method's place always fails.
    A capped baseline makes the ratio a lower bound: it counts when it clears the threshold, is
    inconclusive otherwise; a capped or failed method fails."""
    direction = "more" if higher_is_better else "less"

    def judge(results: Mapping[str, Any], value: float) -> list[_CellVerdict]:
        out = []
        for label, outcomes in cells_of(results, cells).items():
            cell = _ratio_cell(outcomes, method, baseline, metric, value, higher_is_better, unit)
            out.append(_CellVerdict(label, cell.verdict, cell.numbers, cell.text))
        return out

    def check(results: Mapping[str, Any]) -> Finding:
        extra = {"metric": metric, **at_least.evidence()}
        if at_least.note_value is not None and at_least.note_value != at_least.value:
            extra["verdict_at_note_threshold"] = _combine_any(judge(results, at_least.note_value), min_share).value
            extra["note_threshold"] = at_least.note_value
        head = f"{metric}: {method} vs {baseline}, threshold {fmt(at_least.value)}x {direction} ({at_least.source})"
        return _finding(judge(results, at_least.value), min_share, head, extra)

    how = how_checked or (
        f"ratio of {baseline}'s {metric} to {method}'s (on the same seed and instances) must be at least "
        f"{at_least.describe()} and above 1"
        + (f", in {'every cell' if min_share >= 1 else f'at least {min_share:.0%} of the cells'} of '{cells}'" if cells else "")
        + "; a baseline stopped at its cap gives a lower bound (counts if it clears the threshold, else inconclusive)."
    )
    return Claim(
        id=id, statement=statement, source=source, how_checked=how, check=check,
        weaken=lambda r: swap_in_baseline(r, method, baseline, cells), decidable=decidable,
        baseline_swap=lambda r: swap_in_baseline(r, method, baseline, cells), baseline=baseline,
    )


def _ratio_cells(results, cells, method, baseline, metric, decide) -> list[_CellVerdict]:
    """Per cell, ``decide(method's metric, baseline's metric) -> (ratio, holds, text)``; a
    failed method fails its cell."""
    out = []
    for label, outcomes in cells_of(results, cells).items():
        mine, theirs = outcomes[method], outcomes[baseline]
        if mine.get("failed"):
            out.append(_CellVerdict(label, Verdict.NOT_REPRODUCED, {}, f"{method} failed: {mine['failed']}"))
            continue
        a, b = float(mine[metric]), float(theirs[metric])
        ratio, holds, text = decide(a, b)
        out.append(_CellVerdict(label, Verdict.REPRODUCED if holds else Verdict.NOT_REPRODUCED,
                                {method: a, baseline: b, "ratio": ratio}, text))
    return out


# ---- kind 4: a ratio within a band (e.g. NFE 0.56-0.73x of the baseline) ----------------

def ratio_within(
    id: str,
    statement: str,
    source: str,
    *,
    metric: str,
    method: str,
    baseline: str,
    within: Band,
    cells: str | None = None,
    min_share: float = 1.0,
    how_checked: str = "",
    decidable: Callable[[Any], str | None] | None = None,
) -> Claim:
    """``method``'s ``metric`` divided by ``baseline``'s lies within the band. The band must
    exclude 1 for the swap control to apply (a band around 1 states parity, not an advantage)."""
    parity = within.low <= 1.0 <= within.high

    def judge(results: Mapping[str, Any], band: tuple[float, float]) -> list[_CellVerdict]:
        def decide(a: float, b: float) -> tuple[float, bool, str]:
            ratio = a / b if b != 0 else float("inf")
            text = f"{method} {fmt(a)} / {baseline} {fmt(b)} = {fmt(ratio)}x (band [{fmt(band[0])}, {fmt(band[1])}])"
            return ratio, within.contains(ratio, band), text

        return _ratio_cells(results, cells, method, baseline, metric, decide)

    def check(results: Mapping[str, Any]) -> Finding:
        extra = {"metric": metric, **within.evidence()}
        if within.note_band is not None and tuple(within.note_band) != (within.low, within.high):
            extra["verdict_at_note_band"] = _combine_any(judge(results, tuple(within.note_band)), min_share).value
        head = f"{metric} ratio {method}/{baseline} ({within.source})"
        return _finding(judge(results, (within.low, within.high)), min_share, head, extra)

    def push_out(results: dict) -> dict:
        weakened = copy.deepcopy(results)
        for outcomes in cells_of(weakened, cells).values():
            outcomes[method][metric] = float(outcomes[baseline][metric]) * (within.high * 2 + 1)
        return weakened

    swap = None if parity else (lambda r: swap_in_baseline(r, method, baseline, cells))
    how = how_checked or (
        f"{method}'s {metric} / {baseline}'s on the same seed and instances must lie in "
        f"[{fmt(within.low)}, {fmt(within.high)}] ({within.source}{': ' + within.reason if within.reason else ''})."
    )
    return Claim(
        id=id, statement=statement, source=source, how_checked=how, check=check,
        weaken=swap or push_out, decidable=decidable, baseline_swap=swap, baseline=baseline,
    )


def no_worse(
    id: str,
    statement: str,
    source: str,
    *,
    metric: str,
    method: str,
    baseline: str,
    factor: Threshold,
    cells: str | None = None,
    min_share: float = 1.0,
    how_checked: str = "",
    decidable: Callable[[Any], str | None] | None = None,
) -> Claim:
    """Parity: ``method``'s ``metric`` (lower is better) is at most ``factor`` × ``baseline``'s,
    e.g. "at no loss of accuracy". Not an advantage claim, so it has no swap control; pair it
    with the claim that states the advantage."""

    def decide(a: float, b: float) -> tuple[float, bool, str]:
        ratio = a / b if b > 0 else (1.0 if a == b else math.inf)
        text = f"{method} {fmt(a)} vs {baseline} {fmt(b)} ({fmt(ratio)}x, allowed {fmt(factor.value)}x)"
        return ratio, math.isfinite(ratio) and ratio <= factor.value, text

    def check(results: Mapping[str, Any]) -> Finding:
        verdicts = _ratio_cells(results, cells, method, baseline, metric, decide)
        head = f"{metric}: {method} no worse than {fmt(factor.value)}x {baseline} ({factor.source})"
        return _finding(verdicts, min_share, head, {"metric": metric, **factor.evidence("allowed_factor")})

    def worse(results: dict) -> dict:
        weakened = copy.deepcopy(results)
        for outcomes in cells_of(weakened, cells).values():
            outcomes[method][metric] = float(outcomes[baseline][metric]) * factor.value * 4 + 1.0
        return weakened

    how = how_checked or (
        f"{method}'s {metric} must be at most {factor.describe()} times {baseline}'s on the same seed and instances "
        "(a parity claim: no baseline swap applies)."
    )
    return Claim(id=id, statement=statement, source=source, how_checked=how, check=check, weaken=worse,
                 decidable=decidable)
