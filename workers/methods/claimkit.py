"""Claim builders for the common kinds of claim, so a method declares its claims in a few lines.

Every builder reads the run's results through one convention, ``results["outcomes"]``::

    {"outcomes": {"sns": {"iterations": 29, "seconds": 0.34},
                  "sinkhorn": {"iterations": 20000, "seconds": 12.1,
                               "censored": ["iterations", "seconds"]}}}

or, for a claim over a grid of cells (sizes, problems, seeds), ``results[cells]`` maps each
cell's label to such an ``{name: {metric: value}}`` dict. An outcome lists in ``censored``
the metrics that are only bounds because that solver stopped at its cap (its true cost is at
least the value), and may carry ``failed`` (why it did not finish: then any claim in its
favour fails).

Each built claim carries its threshold with the threshold's source (``paper``, ``note`` or
``ours``, with the reason), writes evidence with the numbers and the threshold, computes the
verdict at the note's threshold too where the adopted one differs, and declares the baseline
it is measured against: ``Claim.baseline_swap`` puts that baseline's own numbers from the
same run in the method's place, and the generic suite requires the check then to fail.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass
from typing import Any, Callable, Literal, Mapping

import numpy as np

from .base import Claim, Finding, Verdict

ThresholdSource = Literal["paper", "note", "ours"]


@dataclass(frozen=True)
class Threshold:
    """A number a claim is judged against, with where it comes from."""

    value: float
    source: ThresholdSource
    reason: str = ""
    note_value: float | None = None
    """The reproduction note's threshold where the adopted one differs (both verdicts shown)."""

    def __post_init__(self) -> None:
        if self.source not in ("paper", "note", "ours"):
            raise ValueError(f"threshold source must be paper, note or ours, not {self.source!r}")
        if self.source == "ours" and not self.reason:
            raise ValueError("a threshold of ours needs its reason")

    def evidence(self, prefix: str = "threshold") -> dict[str, Any]:
        numbers: dict[str, Any] = {prefix: self.value, f"{prefix}_source": self.source}
        if self.reason:
            numbers[f"{prefix}_reason"] = self.reason
        return numbers

    def describe(self) -> str:
        why = f": {self.reason}" if self.reason else ""
        return f"{fmt(self.value)} ({self.source}{why})"


@dataclass(frozen=True)
class Band:
    """An interval a fitted number must fall in, with where it comes from."""

    low: float
    high: float
    source: ThresholdSource
    reason: str = ""
    note_band: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError("band low must not exceed high")
        Threshold(self.low, self.source, self.reason)  # same source rules

    def contains(self, value: float, band: tuple[float, float] | None = None) -> bool:
        low, high = band or (self.low, self.high)
        return math.isfinite(value) and low <= value <= high

    def evidence(self) -> dict[str, Any]:
        numbers: dict[str, Any] = {"band": [self.low, self.high], "band_source": self.source}
        if self.reason:
            numbers["band_reason"] = self.reason
        return numbers


def fmt(value: Any) -> str:
    """A number as a person reads it: 1912.4 -> '1,912', 0.0312 -> '0.0312', 3e-11 -> '3e-11'."""
    if value is None:
        return "n/a"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.2g}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


# ---- reading the results convention ------------------------------------------------------

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
    held = sum(c.verdict == Verdict.REPRODUCED for c in cell_verdicts)
    open_ = sum(c.verdict == Verdict.INCONCLUSIVE for c in cell_verdicts)
    need = math.ceil(min_share * total - 1e-9)
    if held >= need:
        return Verdict.REPRODUCED, f"{held} of {total} cells hold (need {need})"
    if held + open_ >= need:
        return Verdict.INCONCLUSIVE, f"{held} of {total} cells hold, {open_} undecided (need {need})"
    return Verdict.NOT_REPRODUCED, f"{held} of {total} cells hold (need {need})"


def _finding(cell_verdicts: list[_CellVerdict], min_share: float, head: str, extra: dict) -> Finding:
    if not cell_verdicts:
        return Finding.inconclusive(f"{head}: no cells to judge (no run reached the state the claim is about).", **extra)
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


def _combine_any(cell_verdicts: list[_CellVerdict], min_share: float) -> Verdict:
    if len(cell_verdicts) == 1:
        return cell_verdicts[0].verdict
    return _combine(cell_verdicts, min_share)[0]


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
        out = []
        for label, outcomes in cells_of(results, cells).items():
            mine, theirs = outcomes[method], outcomes[baseline]
            if mine.get("failed"):
                out.append(_CellVerdict(label, Verdict.NOT_REPRODUCED, {}, f"{method} failed: {mine['failed']}"))
                continue
            a, b = float(mine[metric]), float(theirs[metric])
            ratio = a / b if b != 0 else float("inf")
            holds = within.contains(ratio, band)
            text = f"{method} {fmt(a)} / {baseline} {fmt(b)} = {fmt(ratio)}x (band [{fmt(band[0])}, {fmt(band[1])}])"
            out.append(_CellVerdict(label, Verdict.REPRODUCED if holds else Verdict.NOT_REPRODUCED,
                                    {method: a, baseline: b, "ratio": ratio}, text))
        return out

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

    def check(results: Mapping[str, Any]) -> Finding:
        verdicts = []
        for label, outcomes in cells_of(results, cells).items():
            a, b = float(outcomes[method][metric]), float(outcomes[baseline][metric])
            ratio = a / b if b > 0 else (1.0 if a == b else math.inf)
            holds = math.isfinite(ratio) and ratio <= factor.value
            verdicts.append(_CellVerdict(label, Verdict.REPRODUCED if holds else Verdict.NOT_REPRODUCED,
                                         {method: a, baseline: b, "ratio": ratio},
                                         f"{method} {fmt(a)} vs {baseline} {fmt(b)} ({fmt(ratio)}x, allowed {fmt(factor.value)}x)"))
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


def needs(predicate: Callable[[Any], bool], reason: str) -> Callable[[Any], str | None]:
    """A ``decidable`` from a predicate on the config: inconclusive with ``reason`` when false."""
    return lambda config: None if predicate(config) else reason
