"""The paper's headline claims, decided from one run's results (see ``report.summarise``).

The two comparisons with the best fixed ω are judged at the reproduction note's rules on a horizon
long enough for them (the paper's T = 5000: the ``full`` preset); shorter runs report the numbers
but are inconclusive. "Approaches the instance-optimal policy" is decided wherever ChebCB has had
the rounds to fit its cost models.
"""
from __future__ import annotations

import copy
from typing import Any, Mapping

from ..base import Claim, Finding
from ..claimkit import Threshold, annotated, fewer, fmt, needs
from .instances import SETTINGS_OF_CHOICE
from .report import BEST_FIXED, CHEBCB, INSTANCE_OPTIMAL, TSALLIS, envelope

NOTE_HORIZON = 5000
TSALLIS_RATIO = Threshold(1.1, "note", "Tsallis-INF total / best fixed ω's at T = 5000")
SHRINK = Threshold(0.75, "ours", "excess(late)/excess(early): O(√T) regret predicts 0.5, a policy that does not learn 1")
CHEBCB_BEATS = Threshold(1.0, "note", "ChebCB beats the best fixed ω over all T rounds")
LONG_ENOUGH = f"the note states its rule at the paper's T = {NOTE_HORIZON}; shorter runs show the numbers only"


def chebcb_undecidable(horizon: int, arms: int, terms: int, settings) -> str | None:
    if "high_variance" not in settings:
        return "the high-variance offset distribution was not run"
    if horizon // 2 < arms * terms:
        return f"T/2 = {horizon // 2} rounds of burn-in < the {arms * terms} regression coefficients ChebCB fits"
    return None


def check_tsallis(results: Mapping[str, Any]) -> Finding:
    arms, horizon = results["arms"], results["instances"]
    theory = envelope(horizon, arms)
    parts, numbers = [], {**TSALLIS_RATIO.evidence(), **SHRINK.evidence("shrink_limit"), "theory_envelope": theory}
    holds, holds_at_theory = True, True
    for name, s in results["settings"].items():
        ratio, excess = s["ratio_to_best_fixed"][TSALLIS], s["tsallis_excess_by_horizon"]
        shrinks = excess["full"] <= max(SHRINK.value * excess["quarter"], 0.0)
        holds &= ratio <= TSALLIS_RATIO.value and shrinks
        holds_at_theory &= ratio <= theory and shrinks
        numbers |= {f"{name}_ratio": ratio, f"{name}_excess_quarter": excess["quarter"], f"{name}_excess_full": excess["full"]}
        parts.append(
            f"{s['label']}: Tsallis-INF used {ratio:.3f}x the iterations of the best fixed ω={s['best_fixed_omega']:.2f} "
            f"over {horizon} instances (note: ≤ {fmt(TSALLIS_RATIO.value)}; regret bound 1+4√(k/T) = {theory:.3f}), its "
            f"excess fell from {excess['quarter']:.0%} at T/4 to {excess['full']:.0%} at T (≤ {fmt(SHRINK.value)}x required)"
        )
    numbers["verdict_at_theory_envelope"] = "reproduced" if holds_at_theory else "not_reproduced"
    return Finding.judge(holds, "; ".join(parts), **numbers)


def weaken_tsallis(results: dict) -> dict:
    """A learner that never learns: a uniformly random ω every round (the mean of the fixed-ω totals)."""
    for s in results["settings"].values():
        ratio = s["uniform_random_total"] / s["totals"][BEST_FIXED]
        s["ratio_to_best_fixed"][TSALLIS] = ratio
        s["tsallis_excess_by_horizon"] = {"quarter": ratio - 1.0, "half": ratio - 1.0, "full": ratio - 1.0}
    return results


def excess_over_optimal(s: Mapping[str, Any], half: str, policy: str) -> float:
    ratios = s[f"{half}_half_ratio_to_best_fixed"]
    return ratios[policy] / ratios[INSTANCE_OPTIMAL] - 1.0


def check_approaches_optimal(results: Mapping[str, Any]) -> Finding:
    s = results["settings"]["high_variance"]
    early, late = (excess_over_optimal(s, h, CHEBCB) for h in ("early", "late"))
    best_fixed_late = 1.0 / s["late_half_ratio_to_best_fixed"][INSTANCE_OPTIMAL] - 1.0
    holds = late <= SHRINK.value * early and late < best_fixed_late
    summary = (
        f"High-variance offsets: ChebCB's excess over the instance-optimal ω* fell from {early:.0%} (first half) to "
        f"{late:.0%} (second half; ≤ {fmt(SHRINK.value)}x required) and, in the second half, is "
        f"{'below' if late < best_fixed_late else 'not below'} the best fixed ω's {best_fixed_late:.0%} "
        f"(Tsallis-INF: {excess_over_optimal(s, 'late', TSALLIS):.0%})"
    )
    return Finding.judge(holds, summary, early_excess=early, late_excess=late, best_fixed_late_excess=best_fixed_late,
                         **SHRINK.evidence("shrink_limit"))


def swap_in_tsallis(results: dict) -> dict:
    swapped = copy.deepcopy(results)
    s = swapped["settings"]["high_variance"]
    for half in ("early", "late"):
        s[f"{half}_half_ratio_to_best_fixed"][CHEBCB] = s[f"{half}_half_ratio_to_best_fixed"][TSALLIS]
    return swapped


def late_half(results: Mapping[str, Any]) -> tuple[str, dict]:
    """The second-half ratio (the earlier, looser reading), reported beside the verdict."""
    late = results["settings"]["high_variance"]["late_half_ratio_to_best_fixed"][CHEBCB]
    return f"Second half only: {late:.3f}x the best fixed ω.", {"late_half_ratio": late}


CLAIMS = (
    Claim(
        id="tsallis-inf-approaches-best-fixed-omega",
        statement=(
            "Choosing ω per instance with the Tsallis-INF bandit, which sees only iteration counts, gives a total "
            "SOR cost that approaches that of the best fixed ω in hindsight as the number of instances grows."
        ),
        source="abstract; official code scripts/learning.m (Tsallis-INF vs fixed ω, 20-point ω grid)",
        how_checked=(
            f"On every offset distribution run, at T ≥ {NOTE_HORIZON}: (a) Tsallis-INF total iterations / best fixed "
            f"ω's total ≤ {TSALLIS_RATIO.describe()}, and (b) its excess over the best fixed ω (in hindsight of the rounds "
            f"so far) shrinks with the horizon: excess(T)/excess(T/4) ≤ {SHRINK.describe()}. The evidence also gives the "
            "verdict at Tsallis-INF's regret bound 1 + 4√(k/T) (Zimmert & Seldin 2021; 2.03 at T = 300, 1.25 at T = 5000)."
        ),
        check=check_tsallis,
        weaken=weaken_tsallis,
        decidable=needs(lambda c: c.instances >= NOTE_HORIZON, LONG_ENOUGH),
    ),
    annotated(fewer(
        "chebcb-beats-best-fixed-omega-high-variance",
        "Given the diagonal offset c_t as context, the ChebCB contextual bandit beats the best fixed ω on the "
        "high-variance offsets.",
        "abstract; official code scripts/contextual.m (high-variance offsets: ChebCB, ω≈ω*, instance-optimal)",
        metric="iterations", method=CHEBCB, baseline=BEST_FIXED, at_least=CHEBCB_BEATS,
        how_checked=f"High-variance offsets, T ≥ {NOTE_HORIZON}: ChebCB's total iterations over all T rounds (learning "
        "phase included) must be below the best fixed grid ω's in hindsight on the same instances (the note's rule); "
        "the second-half ratio is reported with it.",
        decidable=needs(lambda c: c.instances >= NOTE_HORIZON and "high_variance" in SETTINGS_OF_CHOICE[c.offsets],
                        LONG_ENOUGH + " (and the high-variance offsets must run)"),
    ), late_half),
    Claim(
        id="chebcb-approaches-instance-optimal",
        statement="The contextual bandit approaches the instance-optimal policy ω*(c_t) on the high-variance offsets.",
        source="abstract (a contextual bandit approaches the instance-optimal ω)",
        how_checked=(
            "High-variance offsets: ChebCB's cost excess over the instance-optimal ω* in the second half of the "
            f"sequence is at most {SHRINK.describe()} times its excess in the first half, and below the best fixed "
            "ω's excess in the second half (closer to ω* than any non-contextual policy can be). Tsallis-INF's numbers "
            "in ChebCB's place must fail. Inconclusive if T/2 is less than the k·m coefficients ChebCB fits."
        ),
        check=check_approaches_optimal,
        weaken=swap_in_tsallis,
        decidable=lambda c: chebcb_undecidable(c.instances, c.arms, c.chebyshev_terms, SETTINGS_OF_CHOICE[c.offsets]),
        baseline_swap=swap_in_tsallis,
        baseline=TSALLIS,
    ),
)
