"""Claims of the gradient-normalized-smoothness paper and how one run's numbers decide them.

``results["problems"][name][method]["gaps"]`` is f(x_k) - f* per iteration, for method ∈
{"approx" (Alg. 1 with H̃), "exact" (Alg. 1 with ∇²f), "gm", "fgm"}; ``results["kind"][name]`` is
"logistic" or "softmax"; ``results["cells"][name][method]`` holds iterations and gradient calls to
the tolerance (censored at the cap when not reached).
"""
from __future__ import annotations

import math
from typing import Any, Mapping

from ..base import Claim, Finding
from ..claimkit import Threshold, fewer, no_worse

STRAIGHTNESS = Threshold(0.5, "ours", "second-half decades/iteration at least half the run's average: straight or bending down")
CLOSE_TO_EXACT = Threshold(2.0, "note", "iterations with H̃ within 2x those with the exact Hessian")
FEWER_THAN_FGM = Threshold(10.0, "note", "at least 10x fewer iterations than the fast gradient method")
FEWER_CALLS_THAN_GM = Threshold(1.0, "ours", "the paper states no factor: any advantage at equal first-order cost")


def iterations_to(gaps: list[float], tol: float) -> int | None:
    return next((k for k, gap in enumerate(gaps) if gap is not None and gap <= tol), None)


def rate_profile(gaps: list[float], tol: float) -> dict[str, float] | None:
    """Decades of f - f* gained per iteration over the whole run to tol and over its second half."""
    K = iterations_to(gaps, tol)
    if K is None or K == 0:
        return None
    floor = 1e-300
    half = K // 2
    overall = math.log10(max(gaps[0], floor) / max(gaps[K], floor)) / K
    second = math.log10(max(gaps[half], floor) / max(gaps[K], floor)) / (K - half)
    return {"iterations": K, "decades_per_iteration": overall, "second_half_decades_per_iteration": second}


def _is_linear(profile: dict[str, float] | None) -> bool:
    return profile is not None and profile["second_half_decades_per_iteration"] >= STRAIGHTNESS.value * profile["decades_per_iteration"]


def check_linear(results: Mapping[str, Any], kind: str) -> Finding:
    tol = results["tol"]
    names = [name for name, k in results["kind"].items() if k == kind]
    if not names:
        return Finding.inconclusive(f"no {kind} problem in this run")
    profiles = {name: rate_profile(results["problems"][name]["approx"]["gaps"], tol) for name in names}
    gm_linear = {name: _is_linear(rate_profile(results["problems"][name]["gm"]["gaps"], tol)) for name in names}
    failed = [n for n, p in profiles.items() if not _is_linear(p)]
    parts = []
    for name, p in profiles.items():
        if p is None:
            parts.append(f"{name}: did not reach {tol:g} in {len(results['problems'][name]['approx']['gaps']) - 1} iterations")
        else:
            parts.append(
                f"{name}: {p['iterations']} iterations, {p['decades_per_iteration']:.3g} decades/iteration overall "
                f"and {p['second_half_decades_per_iteration']:.3g} in the second half"
            )
    summary = (
        f"Alg. 1 with {results['approx_label'][names[0]]}: " + "; ".join(parts)
        + f". The gradient method passes this rule too on {sum(gm_linear.values())}/{len(names)} (the problems are "
        "strongly convex): this claim does not tell the methods apart; 'fewer-gradient-calls-than-gradient-method' does."
    )
    return Finding.judge(not failed, summary, profiles=profiles, failed=failed, gradient_method_linear=gm_linear,
                         **STRAIGHTNESS.evidence())


def weaken_linear(results: dict, kind: str) -> dict:
    """A sublinear O(1/k²) method: f - f* = gap₀/(k+1)²."""
    for name in [n for n, k in results["kind"].items() if k == kind]:
        run = results["problems"][name]["approx"]
        run["gaps"] = [run["gaps"][0] / (k + 1) ** 2 for k in range(len(run["gaps"]))]
    return results


CLAIMS = (
    Claim(
        "global-linear-rate-logistic",
        "With an approximate Hessian, the gradient-regularized Newton method (Alg. 1) converges globally at a linear rate on logistic regression.",
        "abstract; Sec. 5 (logistic regression)",
        "From x₀, f - f* falls to 1e-10 within the iteration cap and the log-suboptimality is straight or bending down: "
        f"decades gained per iteration in the second half ≥ {STRAIGHTNESS.describe()} × the run's average.",
        lambda r: check_linear(r, "logistic"), lambda r: weaken_linear(r, "logistic"),
    ),
    Claim(
        "global-linear-rate-softmax",
        "With the weighted Gauss–Newton approximation of the Hessian, Alg. 1 converges globally at a linear rate on softmax (LogSumExp) problems.",
        "abstract; Sec. 5 (softmax)",
        "Same rule as for logistic regression, on every LogSumExp instance (each μ) of the run.",
        lambda r: check_linear(r, "softmax"), lambda r: weaken_linear(r, "softmax"),
    ),
    no_worse(
        "approximate-close-to-exact-hessian",
        "The approximate Hessian costs little: Alg. 1 with H̃ needs about as many iterations as with the exact Hessian.",
        "abstract (reproduction note's criterion)",
        metric="iterations", method="approx", baseline="exact", factor=CLOSE_TO_EXACT, cells="cells",
    ),
    fewer(
        "fewer-iterations-than-fast-gradient",
        "Second-order steps with approximate Hessians converge in far fewer iterations than accelerated first-order methods.",
        "abstract (reproduction note's criterion)",
        metric="iterations", method="approx", baseline="fgm", at_least=FEWER_THAN_FGM, cells="cells",
    ),
    fewer(
        "fewer-gradient-calls-than-gradient-method",
        "At equal first-order cost, Alg. 1 with H̃ reaches f - f* ≤ 1e-10 sooner than the gradient method (which also "
        "converges linearly on these strongly convex problems).",
        "abstract (global rates beyond first-order methods); a claim the gradient method cannot pass",
        metric="grad_calls", method="approx", baseline="gm", at_least=FEWER_CALLS_THAN_GM, cells="cells",
    ),
)
