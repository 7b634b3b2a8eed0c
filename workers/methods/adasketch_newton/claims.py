"""The claims of AdaSketch-Newton and how one run's numbers decide them.

``results["problems"][name][variant]`` holds per-iteration lists ``kkt``, ``alpha``, ``flops`` for
variant ∈ {"sketch" (θ_k = 1), "sketch_decaying" (θ_k = 1/(k+1)), "lu", "gmres"}.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..base import Claim, Finding

TAIL = 3  # the "last ≥ 3 iterations" of the note


def _runs(results: Mapping[str, Any], variant: str) -> dict[str, dict]:
    return {name: runs[variant] for name, runs in results["problems"].items() if variant in runs}


def _ratios(kkt: list[float]) -> list[float]:
    return [b / a if a > 0 else 0.0 for a, b in zip(kkt[:-1], kkt[1:])]


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
    tails = {name: run["alpha"][1:][-TAIL:] for name, run in runs.items()}
    bad = sorted(name for name, tail in tails.items() if not tail or any(a != 1.0 for a in tail))
    summary = (
        f"α_k = 1 in the last {TAIL} iterations (or all, if fewer) on {len(runs) - len(bad)}/{len(runs)} problems"
        + (f"; not on {bad}: {[tails[b] for b in bad]}" if bad else "")
    )
    return Finding.judge(not bad and bool(runs), summary, tail_step_sizes=tails)


def weaken_unit_step(results: dict) -> dict:
    for run in _runs(results, "sketch").values():
        run["alpha"] = [0.5] * len(run["alpha"])
    return results


def _tail_ratios(results, variant) -> dict[str, list[float]]:
    return {name: _ratios(run["kkt"])[-TAIL:] for name, run in _runs(results, variant).items()}


def check_linear_rate(results: Mapping[str, Any]) -> Finding:
    tails = _tail_ratios(results, "sketch")
    worst = {name: max(t) if t else float("inf") for name, t in tails.items()}
    bad = sorted(name for name, w in worst.items() if not w < 1.0)
    summary = (
        f"With fixed θ = 1 the KKT ratio r_(k+1)/r_k over the last {TAIL} iterations stays below 1 on "
        f"{len(worst) - len(bad)}/{len(worst)} problems (worst tail ratio {max(worst.values()):.3g})"
    )
    return Finding.judge(not bad and bool(worst), summary, tail_ratios=tails, failed=bad)


def _stagnate(results: dict, variant: str) -> dict:
    for run in _runs(results, variant).values():
        run["kkt"] = [run["kkt"][0]] * len(run["kkt"])
    return results


def check_superlinear_rate(results: Mapping[str, Any]) -> Finding:
    tails = _tail_ratios(results, "sketch_decaying")
    final = {name: t[-1] if t else float("inf") for name, t in tails.items()}
    bad = sorted(name for name, r in final.items() if not r <= 0.1)
    fixed_final = {name: t[-1] for name, t in _tail_ratios(results, "sketch").items() if t}
    summary = (
        f"With θ_k = 1/(k+1) the last KKT ratio is ≤ 0.1 on {len(final) - len(bad)}/{len(final)} problems "
        f"(largest {max(final.values()):.2g}; with fixed θ it is {max(fixed_final.values(), default=float('nan')):.2g})"
    )
    return Finding.judge(not bad and bool(final), summary, final_ratios=final, fixed_theta_final_ratios=fixed_final)


def weaken_superlinear_rate(results: dict) -> dict:
    for run in _runs(results, "sketch_decaying").values():
        run["kkt"] = [run["kkt"][0] * 0.5**i for i in range(len(run["kkt"]))]
    return results


def _per_iteration_flops(run: Mapping[str, Any]) -> float:
    iterations = max(len(run["flops"]) - 1, 1)
    return run["flops"][-1] / iterations


def check_flops(results: Mapping[str, Any]) -> Finding:
    name = results["largest_problem"]
    runs = results["problems"][name]
    sketch, lu = _per_iteration_flops(runs["sketch"]), _per_iteration_flops(runs["lu"])
    numbers = {"problem": name, "sketch_flops_per_iteration": sketch, "lu_flops_per_iteration": lu}
    text = f"On {name} (KKT size {runs['size']}) the Kaczmarz sketch solver used {sketch:.3g} flops per Newton iteration vs {lu:.3g} for dense LU"
    if "gmres" in runs:
        numbers["gmres_flops_per_iteration"] = _per_iteration_flops(runs["gmres"])
        text += f" and {numbers['gmres_flops_per_iteration']:.3g} for GMRES"
    ratio = sketch / lu if lu > 0 else float("inf")
    return Finding.judge(ratio < 1.0, f"{text} ({ratio:.3g}x the exact solve)", ratio=ratio, **numbers)


def weaken_flops(results: dict) -> dict:
    runs = results["problems"][results["largest_problem"]]
    runs["sketch"]["flops"] = [10 * f + 1 for f in runs["lu"]["flops"]]
    runs["sketch"]["kkt"] = list(runs["lu"]["kkt"])
    return results


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
        "Every KKT ratio r_(k+1)/r_k in the last 3 iterations of the θ = 1 run is below 1 on every problem.",
        check_linear_rate, lambda r: _stagnate(r, "sketch"),
    ),
    Claim(
        "superlinear-with-sharpened-accuracy",
        "Sharpening the accuracy condition (θ_k → 0) makes the local rate superlinear.",
        "abstract; Sec. 4",
        "With θ_k = 1/(k+1) the last KKT ratio r_(k+1)/r_k is ≤ 0.1 (ours) on every problem.",
        check_superlinear_rate, weaken_superlinear_rate,
    ),
    Claim(
        "fewer-flops-than-exact-solve",
        "The randomized sketch solver reduces the per-iteration flops compared with a deterministic (exact) solve of the Newton system.",
        "abstract",
        "On the largest problem of the run, linear-solver flops per Newton iteration (4N per Kaczmarz row "
        "operation + 2N² per residual check) are below the dense LU's (2/3)N³ + 2N².",
        check_flops, weaken_flops,
    ),
)
