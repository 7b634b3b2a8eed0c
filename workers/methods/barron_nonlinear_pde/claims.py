"""The theorem's consequence, illustrated numerically: at a fixed Barron norm of the solution, the
network size needed for a given accuracy does not grow (more than mildly) with the dimension."""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

from ..base import Claim, Finding
from ..claimkit import Band, Threshold, below, fmt, needs, slope

FLAT = Band(
    -0.5, 0.5, "ours",
    "the paper gives no experiment; a size set by the Barron norm (fixed here) and not by d should not grow with d: "
    "a log-log slope within +-0.5 (at most a factor 1.41 per doubling of d) counts as flat; the note asks only for "
    "'no faster than polynomial'",
)

GRID_INDEPENDENT = Band(
    -0.2, 0.2, "ours",
    "a rate independent of the grid: iterations to 1e-10 change by less than 15% per doubling of n (plain gradient "
    "descent needs ~4x more per doubling, slope 2)",
)
BOUNDED_PROXY = Threshold(2.0, "ours", "bounded along the iteration: never above twice the solution's own proxy")

LEARNED = Threshold(0.1, "ours", "a flat error curve shows something only if the networks learned the solution "
                    "(untrained networks are flat at rel. L2 ~1 in every d)")


def once_learned(claim: Claim, fit: str) -> Claim:
    """The claim, failing first when any fitted error is above LEARNED."""

    def check(results: Mapping[str, Any]) -> Finding:
        errors = results["fits"][fit]["y"]
        if errors and max(errors) > LEARNED.value:
            return Finding.judge(False, f"the networks did not learn the solution: rel. L2 up to {fmt(max(errors))} "
                                        f"(must be at most {LEARNED.describe()} before flatness counts).",
                                 errors=list(errors), **LEARNED.evidence("learned_level"))
        return claim.check(results)

    return dataclasses.replace(claim, check=check, how_checked=claim.how_checked + (
        f" Every fitted error must first be at most {fmt(LEARNED.value)} (ours: {LEARNED.reason})."))


CLAIMS = (
    slope(
        "preconditioned-descent-grid-independent",
        "Preconditioned gradient descent in function space, u <- u - eta (I - Laplacian)^-1 DE(u), converges linearly "
        "at a rate that does not depend on the discretisation (the iteration the proof simulates with networks), "
        "while plain gradient descent slows as the grid is refined.",
        "Sec. 4 (preconditioned gradient descent, exponential convergence); the note's Exp. A",
        fit="pgd_iterations_vs_grid", within=GRID_INDEPENDENT, baseline_fit="gd_iterations_vs_grid",
        how_checked="iterations to a relative error of 1e-10 on n x n grids (plain descent: estimated from its "
                    "contraction over a capped run); least-squares slope of log iterations vs log n of the "
                    "preconditioned method must lie in [-0.2, 0.2] (ours); the swap control puts plain descent's "
                    "points in its place.",
    ),
    below(
        "barron-proxy-bounded",
        "Along the preconditioned iteration the Barron norm of the iterates stays bounded (each step multiplies it by "
        "a bounded factor and the iterates converge), so the solution is reached within Barron functions.",
        "Sec. 4 (Barron norm growth per step); the note's Exp. A",
        metric="proxy_ratio", method="pgd", threshold=BOUNDED_PROXY, cells="function_space",
        how_checked="spectral Barron proxy sum_k (1 + 2 pi |k|)|u_hat(k)| of every iterate, its maximum over the run "
                    "divided by the solution's, must be at most 2 (ours) on every grid.",
    ),
    once_learned(slope(
        "error-independent-of-dimension",
        "For a nonlinear elliptic PDE whose solution has a bounded Barron norm, a two-layer network of a fixed width "
        "approximates the solution about as well in high dimension as in low dimension (the approximating network's "
        "Barron norm, hence its width, depends on d only polynomially through d*B_L, not exponentially).",
        "abstract; Theorem 1 (numerical illustration: the paper has no experiments)",
        fit="error_vs_dimension", x="x", y="y", within=FLAT,
        how_checked="least-squares slope of log(rel. L2 at the judged width) vs log d must lie in [-0.5, 0.5] (ours); "
                    "fewer than 3 dimensions is inconclusive.",
    ), "error_vs_dimension"),
    slope(
        "width-to-accuracy-independent-of-dimension",
        "The width a two-layer network needs to reach a given accuracy grows no faster than polynomially in d, here "
        "(fixed Barron norm) not at all.",
        "abstract; Theorem 1 (the note's Exp. B)",
        fit="width_vs_dimension", x="x", y="y", within=FLAT,
        how_checked="smallest width of the grid reaching the target rel. L2, per d; least-squares slope of log width vs "
                    "log d must lie in [-0.5, 0.5] (ours); fewer than 3 dimensions reaching the target is inconclusive.",
        decidable=needs(lambda c: len(c.widths) >= 3, "one width per dimension cannot give a width-to-accuracy (full has 6 widths)"),
    ),
)
