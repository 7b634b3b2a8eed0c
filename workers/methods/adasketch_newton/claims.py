"""The claims of AdaSketch-Newton and how one run's numbers decide them.

``results["problems"][name][variant]`` holds per-iteration lists ``kkt``, ``alpha``, ``flops`` for
variant ∈ {"sketch" (θ_k = 1), "sketch_decaying" (θ_k = 1/(k+1)), "lu", "gmres"}. The rate claims
read the local tail: the last ``TAIL`` pairs (e_k, e_{k+1}) of KKT residuals. Linear and
superlinear are told apart by the fitted order p of log e_{k+1} = p log e_k + c (1 linear, 2
quadratic) and by whether the ratio e_{k+1}/e_k keeps falling, so the exact LU solve (quadratic)
cannot pass for the linear claim, nor the fixed-θ sketch (linear) for the superlinear one.
"""
from __future__ import annotations

import copy
from typing import Any, Mapping

import numpy as np

from ..base import Claim, Finding
from ..claimkit import Threshold, fewer, fmt

TAIL = 4
MAX_LINEAR_ORDER = Threshold(1.5, "ours", "midway between linear (order 1) and quadratic (order 2) convergence")
SUPERLINEAR_LAST_RATIO = Threshold(0.1, "ours", "the last KKT ratio must have fallen an order of magnitude")
SHARPER_THAN_FIXED = Threshold(
    0.5, "ours", "θ_k → 0 must contract at least twice as fast as fixed θ at the end (margin for sketch noise)"
)
FLOPS_RATIO = Threshold(1.0, "paper", "the abstract says the sketch reduces flops vs a deterministic solve")


def _runs(results: Mapping[str, Any], variant: str) -> dict[str, dict]:
    return {name: runs[variant] for name, runs in results["problems"].items() if variant in runs}


def tail_pairs(kkt: list[float]) -> list[tuple[float, float]]:
    pairs = [(a, b) for a, b in zip(kkt[:-1], kkt[1:]) if a > 0 and b > 0]
    return pairs[-TAIL:]


def fitted_order(kkt: list[float]) -> float:
    """Slope p of log e_{k+1} vs log e_k over the tail; nan with fewer than 2 usable pairs."""
    pairs = tail_pairs(kkt)
    if len(pairs) < 2:
        return float("nan")
    x, y = np.log([a for a, _ in pairs]), np.log([b for _, b in pairs])
    return float(np.polyfit(x, y, 1)[0]) if np.ptp(x) > 0 else float("nan")


def tail_ratios(kkt: list[float]) -> list[float]:
    return [b / a for a, b in tail_pairs(kkt)]


def check_global_convergence(results: Mapping[str, Any]) -> Finding:
    tol = results["kkt_tol"]
    runs = _runs(results, "sketch")
    failed = sorted(name for name, run in runs.items() if not run["kkt"][-1] <= tol)
    iterations = {name: len(run["kkt"]) - 1 for name, run in runs.items()}
    summary = (
        f"AdaSketch-Newton reached KKT ≤ {tol:g} on {len(runs) - len(failed)}/{len(runs)} problems "
        f"from the standard starts (iterations: {iterations})" + (f"; failed: {failed}" if failed else "")
    )
    return Finding.judge(not failed and bool(runs), summary, iterations=iterations, failed=failed)


def weaken_global_convergence(results: dict) -> dict:
    for run in _runs(results, "sketch").values():
        run["kkt"] = run["kkt"][:1] * len(run["kkt"])
    return results


def check_unit_step(results: Mapping[str, Any]) -> Finding:
    runs = _runs(results, "sketch")
    tails = {name: run["alpha"][1:][-3:] for name, run in runs.items()}
    bad = sorted(name for name, tail in tails.items() if not tail or any(a != 1.0 for a in tail))
    summary = (
        f"α_k = 1 in the last 3 iterations (or all, if fewer) on {len(runs) - len(bad)}/{len(runs)} problems"
        + (f"; not on {bad}: {[tails[b] for b in bad]}" if bad else "")
    )
    return Finding.judge(not bad and bool(runs), summary, tail_step_sizes=tails)


def weaken_unit_step(results: dict) -> dict:
    for run in _runs(results, "sketch").values():
        run["alpha"] = [0.5] * len(run["alpha"])
    return results


def check_linear_rate(results: Mapping[str, Any]) -> Finding:
    runs = _runs(results, "sketch")
    orders = {name: fitted_order(run["kkt"]) for name, run in runs.items()}
    worst = {name: max(tail_ratios(run["kkt"]), default=float("inf")) for name, run in runs.items()}
    bad = sorted(n for n in runs if not (worst[n] < 1.0 and orders[n] <= MAX_LINEAR_ORDER.value))
    lu_orders = {name: fitted_order(run["kkt"]) for name, run in _runs(results, "lu").items()}
    summary = (
        f"With fixed θ = 1 the last {TAIL} KKT ratios stay below 1 with fitted order ≤ {fmt(MAX_LINEAR_ORDER.value)} "
        f"on {len(runs) - len(bad)}/{len(runs)} problems (orders {_rounded(orders)}; exact LU: {_rounded(lu_orders)})"
        + (f"; not on {bad}" if bad else "")
    )
    return Finding.judge(not bad and bool(runs), summary, fitted_orders=orders, worst_tail_ratio=worst,
                         lu_fitted_orders=lu_orders, failed=bad, **MAX_LINEAR_ORDER.evidence("max_order"))


def check_superlinear_rate(results: Mapping[str, Any]) -> Finding:
    runs, fixed = _runs(results, "sketch_decaying"), _runs(results, "sketch")
    last = {name: (tail_ratios(run["kkt"]) or [float("inf")])[-1] for name, run in runs.items()}
    fixed_last = {name: (tail_ratios(fixed[name]["kkt"]) or [float("inf")])[-1] for name in runs}
    sharpening = {name: last[name] / fixed_last[name] if fixed_last[name] > 0 else float("inf") for name in runs}
    bad = sorted(n for n in runs if not (last[n] <= SUPERLINEAR_LAST_RATIO.value and sharpening[n] <= SHARPER_THAN_FIXED.value))
    summary = (
        f"With θ_k = 1/(k+1) the last KKT ratio is ≤ {fmt(SUPERLINEAR_LAST_RATIO.value)} and ≤ "
        f"{fmt(SHARPER_THAN_FIXED.value)}x the fixed-θ run's on {len(runs) - len(bad)}/{len(runs)} problems "
        f"(largest {fmt(max(last.values(), default=float('nan')))}; fixed θ's largest "
        f"{fmt(max(fixed_last.values(), default=float('nan')))})" + (f"; not on {bad}" if bad else "")
    )
    return Finding.judge(not bad and bool(runs), summary, final_ratios=last, fixed_theta_final_ratios=fixed_last,
                         ratio_to_fixed_theta=sharpening, **SUPERLINEAR_LAST_RATIO.evidence("max_last_ratio"),
                         **SHARPER_THAN_FIXED.evidence("max_ratio_to_fixed_theta"))


def _rounded(values: Mapping[str, float]) -> dict[str, float]:
    return {k: round(v, 2) if np.isfinite(v) else v for k, v in values.items()}


def swap_variant(results: dict, method: str, baseline: str) -> dict:
    swapped = copy.deepcopy(results)
    for runs in swapped["problems"].values():
        if baseline in runs:
            runs[method] = copy.deepcopy(runs[baseline])
    return swapped


CLAIMS = (
    Claim(
        "global-convergence",
        "From the standard starting points, AdaSketch-Newton (inexact Newton on the exact augmented "
        "Lagrangian with a randomized Kaczmarz sketch solver) converges to a KKT point.",
        "abstract; Sec. 4 (global almost-sure convergence)",
        "The KKT residual ||(∇ₓL, c)|| of the θ = 1 run falls to the tolerance (1e-6, from the note) on every problem.",
        check_global_convergence, weaken_global_convergence,
    ),
    Claim(
        "unit-step-locally",
        "A unit step size is admissible locally.",
        "abstract; Sec. 4 (local analysis)",
        "The Armijo step on the augmented Lagrangian is α = 1 in the last 3 iterations (or in all of them, if fewer) on every problem.",
        check_unit_step, weaken_unit_step,
    ),
    Claim(
        "local-linear-rate",
        "With a fixed accuracy parameter θ the method converges locally linearly.",
        "abstract; Sec. 4",
        f"On every problem, the θ = 1 run's last {TAIL} KKT ratios e_(k+1)/e_k are below 1 and the fitted order p of "
        f"log e_(k+1) = p log e_k + c is at most {MAX_LINEAR_ORDER.describe()}: linear, not the quadratic rate of an "
        "exact solve (the exact LU run in its place must fail).",
        check_linear_rate, lambda r: swap_variant(r, "sketch", "lu"),
        baseline_swap=lambda r: swap_variant(r, "sketch", "lu"), baseline="lu",
    ),
    Claim(
        "superlinear-with-sharpened-accuracy",
        "Sharpening the accuracy condition (θ_k → 0) makes the local rate superlinear.",
        "abstract; Sec. 4",
        f"On every problem, with θ_k = 1/(k+1) the last KKT ratio is at most {SUPERLINEAR_LAST_RATIO.describe()} and at "
        f"most {SHARPER_THAN_FIXED.describe()} times the fixed-θ run's last ratio (the fixed-θ run in its place must fail).",
        check_superlinear_rate, lambda r: swap_variant(r, "sketch_decaying", "sketch"),
        baseline_swap=lambda r: swap_variant(r, "sketch_decaying", "sketch"), baseline="sketch",
    ),
    fewer(
        "fewer-flops-than-exact-solve",
        "The randomized sketch solver reduces the per-iteration flops compared with a deterministic (exact) solve of the Newton system.",
        "abstract",
        metric="flops_per_iteration", method="sketch", baseline="lu", at_least=FLOPS_RATIO,
        how_checked="On the largest problem of the run, linear-solver flops per Newton iteration (4N per Kaczmarz row "
        "operation + 2N² per residual check) must be below the dense LU's (2/3)N³ + 2N² (ratio above 1).",
    ),
)
