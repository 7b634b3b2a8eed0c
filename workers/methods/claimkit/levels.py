"""Claims about a level (a value below or above a threshold), a fitted slope, and helpers."""
from __future__ import annotations

import copy
import dataclasses
import math
from typing import Any, Callable, Mapping

import numpy as np

from ..base import Claim, Finding, Verdict
from .cells import _CellVerdict, _combine_any, _finding, cells_of, swap_in_baseline
from .sources import Band, Threshold, fmt

# ---- kind 2: a value below (or above) a level ------------------------------------------

def below(
    id: str,
    statement: str,
    source: str,
    *,
    metric: str,
    method: str,
    threshold: Threshold,
    above: bool = False,
    baseline: str | None = None,
    cells: str | None = None,
    min_share: float = 1.0,
    how_checked: str = "",
    decidable: Callable[[Any], str | None] | None = None,
) -> Claim:
    """``method``'s ``metric`` is at most ``threshold`` (at least, with ``above``). Name the
    ``baseline`` when the claim says the baseline does not get there (then the swap control
    applies: the baseline's own number must fail the threshold)."""
    word = "at least" if above else "at most"

    def judge(results: Mapping[str, Any], level: float) -> list[_CellVerdict]:
        out = []
        for label, outcomes in cells_of(results, cells).items():
            mine = outcomes[method]
            value = mine.get(metric)
            value = float("nan") if value is None else float(value)
            numbers = {method: value}
            if baseline is not None:
                numbers[baseline] = outcomes[baseline].get(metric)
            if mine.get("failed"):
                out.append(_CellVerdict(label, Verdict.NOT_REPRODUCED, numbers, f"{method} failed: {mine['failed']}"))
                continue
            holds = math.isfinite(value) and (value >= level if above else value <= level)
            text = f"{method} {metric} {fmt(value)} ({word} {fmt(level)} asked)"
            out.append(_CellVerdict(label, Verdict.REPRODUCED if holds else Verdict.NOT_REPRODUCED, numbers, text))
        return out

    def check(results: Mapping[str, Any]) -> Finding:
        extra = {"metric": metric, **threshold.evidence()}
        if threshold.note_value is not None and threshold.note_value != threshold.value:
            extra["verdict_at_note_threshold"] = _combine_any(judge(results, threshold.note_value), min_share).value
            extra["note_threshold"] = threshold.note_value
        head = f"{metric} of {method}, {word} {fmt(threshold.value)} ({threshold.source})"
        return _finding(judge(results, threshold.value), min_share, head, extra)

    def push_past(results: dict) -> dict:
        weakened = copy.deepcopy(results)
        for outcomes in cells_of(weakened, cells).values():
            level = threshold.value
            outcomes[method][metric] = level * 0.5 - 1 if above else (level * 2 + 1 if level >= 0 else level * 0.5 + 1)
        return weakened

    how = how_checked or f"{method}'s {metric} must be {word} {threshold.describe()}" + (
        f" in every cell of '{cells}'" if cells and min_share >= 1 else (f" in {min_share:.0%} of the cells of '{cells}'" if cells else "")
    ) + "."
    swap = (lambda r: swap_in_baseline(r, method, baseline, cells)) if baseline else None
    return Claim(
        id=id, statement=statement, source=source, how_checked=how, check=check,
        weaken=swap or push_past, decidable=decidable, baseline_swap=swap, baseline=baseline,
    )


# ---- kind 3: a fitted log-log slope within a band ------------------------------------

def loglog_slope(x: Any, y: Any) -> float:
    """Least-squares slope of log y against log x over the points where both are positive."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    keep = (x > 0) & (y > 0) & np.isfinite(x) & np.isfinite(y)
    if keep.sum() < 2:
        return float("nan")
    return float(np.polyfit(np.log(x[keep]), np.log(y[keep]), 1)[0])


def slope(
    id: str,
    statement: str,
    source: str,
    *,
    fit: str,
    within: Band,
    x: str = "x",
    y: str = "y",
    baseline_fit: str | None = None,
    how_checked: str = "",
    decidable: Callable[[Any], str | None] | None = None,
) -> Claim:
    """The slope of log y vs log x of ``results["fits"][fit]`` (a dict of lists ``x``, ``y``)
    lies within the band. With ``baseline_fit``, the swap control puts the baseline's points
    in its place."""

    def slope_of(results: Mapping[str, Any], name: str) -> tuple[float, int]:
        data = results["fits"][name]
        return loglog_slope(data[x], data[y]), len(data[x])

    def check(results: Mapping[str, Any]) -> Finding:
        value, points = slope_of(results, fit)
        numbers: dict[str, Any] = {"slope": value, "points": points, **within.evidence()}
        if baseline_fit is not None:
            numbers["baseline_slope"] = slope_of(results, baseline_fit)[0]
        if points < 3:
            return Finding.inconclusive(f"only {points} points to fit a slope on; need at least 3.", **numbers)
        holds = within.contains(value)
        if within.note_band is not None and tuple(within.note_band) != (within.low, within.high):
            numbers["verdict_at_note_band"] = (Verdict.REPRODUCED if within.contains(value, within.note_band) else Verdict.NOT_REPRODUCED).value
        text = f"slope of log {y} vs log {x} for {fit}: {value:.3g} over {points} points (band [{fmt(within.low)}, {fmt(within.high)}], {within.source})"
        if baseline_fit is not None:
            text += f"; {baseline_fit}: {numbers['baseline_slope']:.3g}"
        return Finding.judge(holds, text + ".", **numbers)

    def swap(results: dict) -> dict:
        swapped = copy.deepcopy(results)
        swapped["fits"][fit] = copy.deepcopy(swapped["fits"][baseline_fit])
        return swapped

    def off_band(results: dict) -> dict:
        weakened = copy.deepcopy(results)
        data = weakened["fits"][fit]
        target = within.high + 1.0 + abs(within.high - within.low)
        xs = np.asarray(data[x], dtype=float)
        data[y] = list(np.where(xs > 0, np.abs(xs) ** target, 1.0))
        return weakened

    how = how_checked or (
        f"least-squares slope of log {y} vs log {x} of '{fit}' must lie in [{fmt(within.low)}, {fmt(within.high)}] "
        f"({within.source}{': ' + within.reason if within.reason else ''}); fewer than 3 points is inconclusive."
    )
    control = swap if baseline_fit else None
    return Claim(
        id=id, statement=statement, source=source, how_checked=how, check=check,
        weaken=control or off_band, decidable=decidable, baseline_swap=control, baseline=baseline_fit,
    )


def annotated(claim: Claim, note: Callable[[Mapping[str, Any]], tuple[str, dict[str, Any]]]) -> Claim:
    """The claim with context that is reported but not judged: ``note(results)`` gives a sentence
    appended to the summary and numbers added to the evidence; the verdict is the claim's own."""

    def check(results: Mapping[str, Any]) -> Finding:
        finding = claim.check(results)
        text, numbers = note(results)
        return dataclasses.replace(finding, summary=f"{finding.summary} {text}".strip(),
                                   numbers={**finding.numbers, **numbers})

    return dataclasses.replace(claim, check=check)


def needs(predicate: Callable[[Any], bool], reason: str) -> Callable[[Any], str | None]:
    """A ``decidable`` from a predicate on the config: inconclusive with ``reason`` when false."""
    return lambda config: None if predicate(config) else reason
