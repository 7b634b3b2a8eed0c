"""The two Table 1 claims (random assignment, n = 500, η = 1200) and how one run decides them.

A Sinkhorn run that hits its iteration cap is right-censored: its true iteration count and time
to tolerance are at least the cap and the time spent (the kit counts such a bound when it clears
the threshold, and calls it inconclusive otherwise). Wall time is judged against the cheapest
Sinkhorn that is stable on the instance: kernel-domain Sinkhorn (one matrix-vector product per
half step) where its scalings stay finite, else log-domain Sinkhorn (a logsumexp over n² entries,
~10x costlier per iteration); the evidence says which, and gives both times.
"""
from __future__ import annotations

from typing import Any, Mapping

from ..claimkit import Threshold, annotated, fewer, fmt, needs

MIN_ITERATION_RATIO = Threshold(10.0, "ours", "an order of magnitude; the paper reports ≈1,900x (56,199 vs 29)")
FASTER = Threshold(1.0, "paper", "Table 1: SNS 0.34 s vs Sinkhorn 233 s (any margin counts here)")
TIMING_BASELINE = "fastest stable Sinkhorn"
TIMED_FROM_N = 500  # Table 1's size


def _outcome(summary: Mapping[str, Any]) -> dict[str, Any]:
    out = {"iterations": summary["iterations"], "seconds": summary["seconds"]}
    if not summary["reached_tol"]:
        out["censored"] = ["iterations", "seconds"]
    return out


def claim_outcomes(sns: Mapping[str, Any], log_domain: Mapping[str, Any], kernel: Mapping[str, Any]) -> dict:
    """Outcomes for the kit: SNS, log-domain Sinkhorn, kernel-domain Sinkhorn and, as the timing
    baseline, the faster of the two among the stable ones (the kernel one when it is stable)."""
    mine = {"iterations": sns["iterations"], "seconds": sns["seconds"]}
    if not sns["reached_tol"]:
        mine["failed"] = f"missed the tolerance (final marginal error {sns['final_error']:.2e})"
    outcomes = {"sns": mine, "sinkhorn": _outcome(log_domain)}
    if kernel["stable"]:
        outcomes["sinkhorn_kernel"] = _outcome(kernel)
    else:
        outcomes["sinkhorn_kernel"] = {"iterations": kernel["iterations"], "seconds": kernel["seconds"],
                                       "failed": "numerically unstable (scalings overflowed or underflowed)"}
    stable = [n for n in ("sinkhorn_kernel", "sinkhorn") if "failed" not in outcomes[n]]
    chosen = min(stable, key=lambda n: outcomes[n]["seconds"])
    outcomes[TIMING_BASELINE] = {**outcomes[chosen], "variant": chosen}
    return outcomes


def which_baseline(results: Mapping[str, Any]) -> tuple[str, dict]:
    o = results["outcomes"]
    times = {n: o[n]["seconds"] for n in ("sinkhorn", "sinkhorn_kernel")}
    kernel = "unstable on this instance" if "failed" in o["sinkhorn_kernel"] else f"{fmt(times['sinkhorn_kernel'])} s"
    return (
        f"Timing baseline: {o[TIMING_BASELINE]['variant']} (log-domain Sinkhorn {fmt(times['sinkhorn'])} s, "
        f"kernel-domain {kernel}).",
        {"timing_baseline": o[TIMING_BASELINE]["variant"], "log_domain_seconds": times["sinkhorn"],
         "kernel_domain_seconds": times["sinkhorn_kernel"], "device": results["device"]},
    )


CLAIMS = (
    fewer(
        "fewer-iterations",
        "SNS reaches the marginal-error tolerance in far fewer iterations than Sinkhorn "
        "(random assignment, n=500, eta=1200: 29 = 20 Sinkhorn + 9 Newton vs 56,199).",
        "Table 1",
        metric="iterations", method="sns", baseline="sinkhorn", at_least=MIN_ITERATION_RATIO,
        how_checked="Iterations counted as in the paper: SNS = warm-up Sinkhorn iterations + Newton iterations (CG "
        f"iterations are inner work, reported separately). Sinkhorn iterations / SNS iterations must be at least "
        f"{MIN_ITERATION_RATIO.describe()} with both reaching ||P1-r||_1 + ||P^T1-c||_1 < tol on the same instance; a "
        "capped Sinkhorn gives a lower bound (counts if it clears the threshold, else inconclusive); an SNS that "
        "misses the tolerance fails.",
    ),
    annotated(fewer(
        "less-wall-time",
        "SNS reaches the tolerance in less wall-clock time than Sinkhorn, its per-iteration cost staying "
        "O(n^2) (random assignment: 0.34 s vs 233.36 s).",
        "Table 1; abstract",
        metric="seconds", method="sns", baseline=TIMING_BASELINE, at_least=FASTER,
        how_checked="Each solver timed with the run's clock (logging excluded) on the same device, dtype and instance, "
        "after an untimed warm-up of both. SNS must take less time to the tolerance than the fastest stable Sinkhorn: "
        "kernel-domain Sinkhorn where its scalings stay finite (the cheaper one), else log-domain. A capped baseline "
        "gives a lower bound on its time: SNS beating it counts, failing to is inconclusive. Decided from Table 1's "
        f"n = {TIMED_FROM_N} on.",
        decidable=needs(lambda c: c.n >= TIMED_FROM_N,
                        f"below Table 1's n = {TIMED_FROM_N} both solvers take ~0.2 s and their ratio is within timing "
                        "noise on a shared core (SNS 0.14-0.27 s vs kernel-domain Sinkhorn 0.21 s at smoke size)"),
    ), which_baseline),
)
