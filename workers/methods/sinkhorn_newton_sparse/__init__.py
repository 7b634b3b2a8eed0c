"""Sinkhorn-Newton-Sparse (SNS) vs log-domain Sinkhorn on the random assignment problem.

Paper: X. Tang, M. Shavlovsky, H. Rahmanian, E. Tardini, K. K. Thekumparampil, T. Xiao, L. Ying,
"Accelerating Sinkhorn algorithm with sparse Newton iterations", ICLR 2024, arXiv:2401.12253.

SNS maximizes the concave Lyapunov potential f(x, y) = −(1/η)Σ exp(η(−C_ij + x_i + y_j) − 1)
+ rᵀx + cᵀy in two stages: N1 Sinkhorn iterations (exact coordinate ascent on f), then Newton
iterations whose Hessian is sparsified to its ⌈λn²⌉ largest transport entries and inverted by
conjugate gradient, with a backtracking line search on f (see ``newton.py``). The baseline is the
same log-domain Sinkhorn (``workers/methods/shared/sinkhorn.py``) run to the same tolerance.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field, ValidationInfo, field_validator

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run

FLOAT32_MIN_TOL = 1e-4  # log P = K + u + v cancels terms of size η in float32 (eps ≈ 6e-8)


class SinkhornNewtonSparseConfig(MethodConfig):
    n: int = Field(200, ge=2, le=20_000, description="Problem size: n sources and n targets, an n x n cost matrix.")
    eta: float = Field(
        500.0, ge=1.0, le=100_000.0,
        description="Inverse regularization eta of min <C,P> + (1/eta) sum P log P (paper: 1200); larger is harder.",
    )
    dtype: Literal["float64", "float32"] = Field(
        "float64", description=f"Floating point type of every tensor; float32 needs tol >= {FLOAT32_MIN_TOL:g}."
    )
    tol: float = Field(
        1e-10, ge=1e-14, le=1e-1,
        description="Both solvers stop when ||P1 - r||_1 + ||P^T 1 - c||_1 < tol (the paper runs to machine accuracy).",
    )
    sinkhorn_max_iters: int = Field(
        20_000, ge=1, le=2_000_000,
        description="Cap on Sinkhorn baseline iterations; a capped run counts as censored (at least this many).",
    )
    warmup_iters: int = Field(20, ge=0, le=100_000, description="N1: Sinkhorn iterations before the Newton stage.")
    newton_max_iters: int = Field(100, ge=1, le=10_000, description="Cap on SNS Newton iterations (N2).")
    kept_per_row: float = Field(
        4.0, ge=0.5, le=10_000.0,
        description=(
            "Entries of P kept per row in the sparsified Hessian: the ceil(kept_per_row * n) largest. 4 is the "
            "paper's target sparsity lambda = 2/n counted on the 2n x 2n Hessian (see deviations)."
        ),
    )
    cg_tol: float = Field(
        1e-5, ge=1e-14, le=0.5, description="Relative residual at which conjugate gradient stops (SciPy's default)."
    )
    cg_max_iters: int = Field(
        2_000, ge=1, le=100_000, description="Cap on conjugate-gradient iterations per Newton step."
    )

    @field_validator("tol")
    @classmethod
    def tol_reachable_in_dtype(cls, tol: float, info: ValidationInfo) -> float:
        if info.data.get("dtype") == "float32" and tol < FLOAT32_MIN_TOL:
            raise ValueError(f"float32 cannot resolve marginal errors below {FLOAT32_MIN_TOL:g}; use float64")
        return tol


PRESETS = {
    "smoke": Preset(
        {"n": 200, "eta": 500.0, "tol": 1e-10, "sinkhorn_max_iters": 20_000},
        "cpu",
        "200 x 200 random assignment, eta=500, to 1e-10 (Sinkhorn: a few thousand iterations); seconds on one core.",
    ),
    "full": Preset(
        {"n": 2000, "eta": 4800.0, "tol": 1e-10, "sinkhorn_max_iters": 200_000, "newton_max_iters": 300,
         "cg_max_iters": 10_000},
        "any",
        "2000 x 2000 random assignment at the paper's eta/n = 2.4, Sinkhorn capped at 200k iterations (GPU).",
    ),
    "paper": Preset(
        {"n": 500, "eta": 1200.0, "tol": 1e-10, "sinkhorn_max_iters": 100_000, "newton_max_iters": 300,
         "cg_max_iters": 5_000},
        "any",
        "Table 1, random assignment: n=500, eta=1200, N1=20, Hessian sparsity 2/n "
        "(paper: SNS 29 iterations / 0.34 s, Sinkhorn 56,199 / 233 s).",
    ),
}

DEVIATIONS = (
    "Only the random assignment case of Table 1 is reproduced; the MNIST L1/L2 cases need the MNIST data, "
    "which is not available offline.",
    "'Machine accuracy' is made concrete as a marginal error ||P1 - r||_1 + ||P^T 1 - c||_1 below tol (1e-10 by "
    "default) for both solvers; Sinkhorn's error is read from the by-product of its next row update, so it costs "
    "nothing extra, and is checked once per 16 iterations.",
    "Sparsify keeps the exact diagonals diag(P1), diag(P^T 1) and the 4n largest entries of P (kept_per_row=4). "
    "We read the paper's target sparsity lambda = 2/n as a fraction of the 2n x 2n Hessian's off-diagonal "
    "entries: 2/n * (2n)^2 = 8n, i.e. 4n in the P block and 4n in the P^T block. With this reading the paper "
    "preset takes 20 + 9 iterations, exactly Table 1; keeping only 2n entries of P (the reproduction note's "
    "reading, kept_per_row=2) takes 20 + 43 on the same instance, the Newton stage then converging linearly "
    "because the dropped 6% of the mass sits in the slow directions of the Hessian.",
    "Conjugate gradient is Jacobi-preconditioned and stops at a relative residual of 1e-5 (SciPy's default) or "
    "2,000 iterations; the paper does not state its CG settings. Two safeguards of ours: a relative ridge of 1e-12 "
    "on the Hessian diagonal (M_s turns singular when the dropped mass underflows) and CG stopping at its last "
    "iterate if it meets non-positive curvature.",
    "The line search is backtracking by halving from a unit step with Armijo constant 1e-4, the increase of f "
    "being evaluated in a cancellation-free form; the paper only says 'line search'.",
    "The smoke preset uses n=200, eta=500 so that Sinkhorn converges within seconds on one core; the paper's "
    "setting is the 'paper' preset, and 'full' scales it to n=2000 keeping eta/n = 2.4.",
    "Timings are ours (torch, one device for both solvers), not the paper's Apple M1 Pro numbers; only the "
    "direction of the comparison is checked. On the CPU, problems up to 512 x 512 run on one torch thread "
    "(both solvers alike), which is faster than splitting such small reductions.",
    "The wall-time claim is judged against the fastest stable Sinkhorn: kernel-domain Sinkhorn (u = r/(Kv), "
    "v = c/(K^T u), same iterates as the log domain, ~10x cheaper per iteration) wherever its scalings stay finite, "
    "else the log-domain one; the evidence names the baseline used and gives both times. At smoke size (n=200, "
    "eta=500, kernel domain stable) the two are at parity within timing noise (SNS 0.14-0.27 s vs kernel-domain "
    "Sinkhorn 0.21 s over seeds and repeats, while log-domain Sinkhorn takes 2-2.5 s), so the wall-time claim is "
    "inconclusive there and decided from Table 1's n = 500 on (paper, full presets).",
    "Sinkhorn's iteration count varies by more than 10x between random instances of the same size; a run "
    "compares both solvers on one instance drawn from the run's seed, not on the paper's instance.",
)

METHOD = MethodSpec(
    slug="sinkhorn-newton-sparse",
    paper=6,
    title="Accelerating Sinkhorn Algorithm with Sparse Newton Iterations (Sinkhorn-Newton-Sparse)",
    summary=(
        "Entropic optimal transport solved by a few Sinkhorn iterations followed by Newton steps on a sparsified "
        "Hessian (conjugate gradient + line search), against plain log-domain Sinkhorn run to the same tolerance."
    ),
    config_model=SinkhornNewtonSparseConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
