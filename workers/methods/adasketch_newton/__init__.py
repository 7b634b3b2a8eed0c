"""AdaSketch-Newton: inexact Newton on the exact augmented Lagrangian with randomized Kaczmarz
sketching (Na, Dereziński, Mahoney, "Constrained Optimization via Exact Augmented Lagrangian and
Randomized Iterative Sketching", ICML 2023), against exact Newton-KKT (dense LU) and GMRES-Newton.

The algorithm is in ``solver.py``, the test problems in ``problems.py``, the claims in ``claims.py``.
"""
from __future__ import annotations

from typing import Literal

import numpy as np
from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset, Verdict
from .claims import CLAIMS
from .problems import HS_PROBLEMS, EqualityProblem, constrained_logistic, logistic_data
from .solver import Params, adasketch_newton

HsName = Literal["HS6", "HS7", "HS27", "HS28", "HS39", "HS40", "HS42", "HS78", "HS79"]
VARIANTS = {
    "sketch": ("AdaSketch-RK (θ=1)", "sketch", "fixed"),
    "sketch_decaying": ("AdaSketch-RK (θ=1/(k+1))", "sketch", "decaying"),
    "lu": ("Exact Newton-KKT (LU)", "lu", "fixed"),
    "gmres": ("GMRES-Newton", "gmres", "fixed"),
}


class AdaSketchConfig(MethodConfig):
    n_features: int = Field(8, ge=2, le=1000, description="Logistic regression dimension d (≤ 31 for breast_cancer: 30 features + bias).")
    n_samples: int = Field(200, ge=10, le=100_000, description="Synthetic logistic regression samples (ignored for breast_cancer).")
    n_linear_constraints: int = Field(3, ge=1, le=100, description="Random linear equalities C x = d (plus ||x||² = 1).")
    dataset: Literal["synthetic", "breast_cancer"] = Field("synthetic", description="Data of the constrained logistic regression.")
    hs_problems: list[HsName] = Field(
        default_factory=lambda: ["HS28", "HS40", "HS42", "HS78", "HS79"], max_length=9,
        description="Hock–Schittkowski equality problems to solve.",
    )
    max_iterations: int = Field(100, ge=1, le=10_000, description="Outer Newton iterations per problem.")
    kkt_tol: float = Field(1e-6, ge=1e-12, le=1e-2, description="Stop when ||(∇ₓL, c)|| ≤ this.")
    max_row_ops: int = Field(100_000, ge=100, le=10_000_000, description="Kaczmarz row operations per inner solve (official code: 1e5 on CUTEst, 1e6 on logistic).")
    sampling: Literal["row_norm", "uniform"] = Field("row_norm", description="Kaczmarz row distribution: ∝ ||K_i||² or uniform (official code).")
    eta1: float = Field(1.0, gt=0, le=1e6, description="Initial penalty η₁ on ||c||².")
    eta2: float = Field(0.1, gt=0, le=1e3, description="Initial penalty η₂ on ||∇ₓL||².")
    delta: float = Field(0.1, gt=0, le=1.0, description="Initial accuracy parameter δ.")
    delta_floor: float = Field(1e-6, ge=1e-12, le=1.0, description="Lower bound on δ (official code's numerical safeguard).")
    xi_B: float = Field(0.1, gt=0, le=10.0, description="Hessian modification shift ξ_B.")
    beta: float = Field(0.1, gt=0, lt=0.5, description="Armijo parameter β.")
    nu: float = Field(1.5, gt=1, le=10.0, description="Penalty update factor ν.")
    inner_rtol: float = Field(
        0.5, ge=0.0, le=0.9,
        description="0: the paper's accuracy condition (asks ~1e-10 here, so θ never matters); > 0: the inner "
        "solve stops at ||Kz - b|| ≤ θ_k·inner_rtol·||b|| (an inexact-Newton forcing term, where θ matters).",
    )
    include_gmres: bool = Field(True, description="Also run the GMRES-Newton baseline.")


def build_problems(config: AdaSketchConfig, rng: np.random.Generator) -> list[EqualityProblem]:
    problems = [HS_PROBLEMS[name]() for name in config.hs_problems]
    data = logistic_data(config.dataset, config.n_samples, config.n_features, rng)
    problems.append(constrained_logistic(data, config.n_linear_constraints, rng, f"ConLogReg-{config.dataset}"))
    return problems


def solve_one(problem, params, solver, label, config, ctx) -> dict:
    """Run one solver on one problem, logging KKT against iterations and against solver flops."""
    record = {"kkt": [], "alpha": [], "flops": [], "row_ops": [], "capped_solves": 0}
    started = ctx.clock()
    for it in adasketch_newton(problem, params, solver, ctx.rng(f"sketch:{problem.name}"), config.max_iterations, config.kkt_tol):
        ctx.log_point(it.k, {f"{label} KKT residual [{problem.name}]": it.kkt})
        ctx.log(f"{label} KKT residual vs solver flops [{problem.name}]", it.flops, it.kkt)
        for key, value in (("kkt", it.kkt), ("alpha", it.alpha), ("flops", it.flops), ("row_ops", it.row_ops)):
            record[key].append(value)
        record["capped_solves"] += int(it.capped)
        final = it
    record.update(
        seconds=ctx.clock() - started, iterations=final.k, converged=final.kkt <= config.kkt_tol,
        x=final.x, lam=final.lam, f=float(problem.f(final.x)), eta1=final.eta1, eta2=final.eta2,
    )
    return record


def run(config: AdaSketchConfig, ctx) -> dict:
    problems = build_problems(config, ctx.rng("instances"))
    variants = [v for v in VARIANTS if v != "gmres" or config.include_gmres]
    results = {"kkt_tol": config.kkt_tol, "problems": {}}
    arrays = {}
    for p_index, problem in enumerate(problems):
        entry = {"n": problem.n, "m": problem.m, "size": problem.n + problem.m, "f_star_known": problem.f_star}
        for v_index, variant in enumerate(variants):
            label, solver, theta = VARIANTS[variant]
            ctx.progress((p_index * len(variants) + v_index) / (len(problems) * len(variants)), f"{label} on {problem.name}")
            params = Params(
                eta1=config.eta1, eta2=config.eta2, delta=config.delta, xi_B=config.xi_B, beta=config.beta,
                nu=config.nu, delta_floor=config.delta_floor, max_row_ops=config.max_row_ops,
                sampling=config.sampling, theta=theta, inner_rtol=config.inner_rtol,
            )
            record = solve_one(problem, params, solver, label, config, ctx)
            arrays[f"{problem.name}__{variant}__x"] = record.pop("x")
            arrays[f"{problem.name}__{variant}__lam"] = record.pop("lam")
            entry[variant] = record
        for key, value in problem.arrays.items():
            arrays[f"{problem.name}__{key}"] = value
        results["problems"][problem.name] = entry
    largest = max(results["problems"], key=lambda name: results["problems"][name]["size"])
    results["largest_problem"] = largest
    results["outcomes"] = {
        variant: {"flops_per_iteration": run["flops"][-1] / max(len(run["flops"]) - 1, 1)}
        for variant, run in results["problems"][largest].items() if isinstance(run, dict)
    }
    np.savez_compressed(ctx.artifact_path("problem.npz"), **arrays)
    ctx.progress(1.0, "done")
    return results


METHOD = MethodSpec(
    slug="adasketch-newton",
    paper=2,
    title="Constrained Optimization via Exact Augmented Lagrangian and Randomized Iterative Sketching",
    summary=(
        "Inexact Newton-KKT steps solved by randomized Kaczmarz to an adaptive accuracy, globalized by "
        "line search on the exact augmented Lagrangian; compared with exact (LU) and GMRES Newton steps "
        "under the same merit function on Hock–Schittkowski problems and constrained logistic regression."
    ),
    config_model=AdaSketchConfig,
    presets={
        "smoke": Preset(
            {}, "cpu",
            "5 small HS problems + synthetic constrained logistic regression (d=8, 3+1 constraints), inner solves "
            "to a relative residual θ_k·0.5 so that fixed θ (linear) and θ_k → 0 (superlinear) differ.",
        ),
        "full": Preset(
            {
                "hs_problems": list(HS_PROBLEMS), "dataset": "breast_cancer", "n_features": 31,
                "n_linear_constraints": 10, "max_row_ops": 1_000_000,
            },
            "cpu",
            "All 9 HS problems + breast-cancer logistic regression (d=31) with 10 linear + 1 sphere constraint "
            "(the paper's 11 constraints), official cap of 1e6 Kaczmarz row operations per solve, loose inner solves.",
        ),
        "paper": Preset(
            {"inner_rtol": 0.0}, "cpu",
            "The smoke problems with the paper's accuracy condition (ψ-scaled: ~1e-10 relative here), where every "
            "variant converges quadratically and the linear-rate claim is expected not to reproduce.",
        ),
    },
    claims=CLAIMS,
    deviations=(
        "CUTEst and LIBSVM are not available offline: nine equality-constrained Hock–Schittkowski problems are "
        "hand-coded instead, and the logistic regression uses sklearn's breast-cancer data (full) or synthetic "
        "Gaussian data (smoke). The PDE-constrained problem and the Gaussian-sketch variant are not run.",
        "The linear constraints' right-hand side is d = C x_feas with ||x_feas|| = 1/2 so that the constraint "
        "set always meets the unit sphere (the official code draws d at random, which can be infeasible).",
        "The merit gradient uses the Hessian of the Lagrangian, ∇L_η = [∇ₓL + η₂∇²ₓL∇ₓL + η₁Gᵀc; c + η₂G∇ₓL] "
        "(the exact gradient); the official code uses ∇²f in place of ∇²ₓL.",
        "Kaczmarz rows are drawn with probability ∝ ||K_i||² (Strohmer–Vershynin) by default; the official code "
        "samples uniformly (config 'sampling'). The residual is checked once per sweep of N row operations, not after every row.",
        "A singular constraint Jacobian does not abort the run (the official code stops when λ_min(GGᵀ) < 1e-2); "
        "min(λ_min(GGᵀ), 1) is floored at 1e-12 in ψ.",
        "The baselines are the same globalized method with the Newton system solved by dense LU (exact) or by "
        "GMRES to the same adaptive accuracy, not the paper's ℓ1-merit SQP and augmented-Lagrangian codes.",
        "Flops are counted, not measured: 4N per Kaczmarz row operation + 2N² per residual check, (2/3)N³ + 2N² "
        "per LU solve, 2N² + 4Nj per GMRES iteration j; function and derivative evaluations are not counted.",
        "The KKT tolerance of the claims is 1e-6 (the reproduction note's), tighter than the official code's 1e-4; "
        "the rate thresholds (fitted order ≤ 1.5 for linear; last ratio ≤ 0.1 and ≤ 0.5x fixed θ's for superlinear) are ours.",
        "Smoke and full stop the inner solve at ||Kz - b|| ≤ θ_k·0.5·||b|| (an inexact-Newton forcing term, tightened "
        "by ν⁴ when the descent test fails) instead of the paper's ψ-scaled condition: at these sizes ψ makes that "
        "condition ask for ~1e-10, every variant (θ = 1 included) is then as quadratic as the exact solve, and the "
        "linear/superlinear distinction of the paper cannot show. The 'paper' preset runs the paper's condition.",
        "Not reproduced here: 'fewer flops than the exact solve'. The accuracy condition of the method asks the "
        "Kaczmarz solver for a relative residual near 1e-10, which costs about N·κ² row operations; on these "
        "problems (KKT size ≤ 42) that is ~1,900× the flops of a dense LU solve (smoke: 2.8e6 vs 1.4e3 per "
        "Newton iteration). Sketching can only win when N ≫ 40·κ², far beyond what runs here.",
    ),
    run=run,
    device="cpu",
    expected_on_smoke={"fewer-flops-than-exact-solve": Verdict.NOT_REPRODUCED},
)
