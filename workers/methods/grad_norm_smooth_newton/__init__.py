"""Gradient-regularized Newton with approximate Hessians (Algorithm 1 of Semenov, Jaggi, Doikov,
"Gradient-Normalized Smoothness for Optimization with Approximate Hessians", arXiv 2506.13710, ICLR
2026) on logistic regression and softmax, against the exact-Hessian variant, the gradient method
and the fast gradient method. Math in ``methods.py`` and ``problems.py``, claims in ``claims.py``.
"""
from __future__ import annotations

from typing import Annotated, Literal

import numpy as np
from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset, Verdict
from ..shared.logistic import breast_cancer, synthetic
from .claims import CLAIMS
from .methods import fast_gradient_method, grad_norm_smooth, gradient_method
from .problems import Problem, logistic_problem, logsumexp_problem, newton_minimum

GAP_FLOOR = 1e-300


class GradNormSmoothConfig(MethodConfig):
    dim: int = Field(50, ge=2, le=5000, description="Dimension d of the softmax (LogSumExp) problems.")
    n_functions: int = Field(200, ge=2, le=20_000, description="Number of linear pieces n of each LogSumExp.")
    mus: list[Annotated[float, Field(gt=0, le=100)]] = Field(
        default_factory=lambda: [0.25], max_length=5, description="Smoothing parameters μ, one softmax problem each."
    )
    logistic_dataset: Literal["breast_cancer", "synthetic", "none"] = Field("breast_cancer", description="Data of the logistic regression problem.")
    n_samples: int = Field(20_000, ge=10, le=200_000, description="Synthetic logistic regression samples.")
    n_features: int = Field(200, ge=2, le=2000, description="Synthetic logistic regression features.")
    l2: float = Field(1e-3, ge=0, le=10.0, description="L2 regularization λ of the logistic loss.")
    logistic_hessian: Literal["subsampled", "frozen"] = Field("subsampled", description="H̃ for logistic regression: fresh row sub-sample each iteration, or the Hessian at x₀ = 0.")
    subsample_fraction: float = Field(0.1, gt=0, le=1.0, description="Fraction of rows of the sub-sampled Hessian.")
    max_iterations: int = Field(2000, ge=10, le=100_000, description="Iteration cap of every method.")
    tol: float = Field(1e-10, ge=1e-14, le=1e-2, description="Target f(x) - f*.")
    gamma0: float = Field(1.0, gt=0, le=1e6, description="Initial γ of Algorithm 1.")


LABELS = {
    "approx": "Alg. 1 (approx. Hessian)",
    "exact": "Alg. 1 (exact Hessian)",
    "gm": "Gradient method",
    "fgm": "Fast gradient method",
}


def build_problems(config: GradNormSmoothConfig, ctx) -> tuple[list[Problem], dict[str, np.ndarray]]:
    rng, arrays, problems = ctx.rng("instances"), {}, []
    for mu in config.mus:
        problem, lse = logsumexp_problem(config.n_functions, config.dim, mu, rng)
        problems.append(problem)
        arrays.update({f"softmax_mu{mu:g}__A": lse.A, f"softmax_mu{mu:g}__b": lse.b})
    if config.logistic_dataset != "none":
        if config.logistic_dataset == "breast_cancer":
            data = breast_cancer(config.l2)
        else:
            data = synthetic(config.n_samples, config.n_features, config.l2, rng)
        name = f"logistic ({config.logistic_dataset})"
        problem = logistic_problem(data, name, config.logistic_hessian, config.subsample_fraction, ctx.rng("hessian-subsample"))
        _, problem.f_star = newton_minimum(problem)
        problems.append(problem)
        arrays.update({"logistic__A": data.A, "logistic__y": data.y, "logistic__lam": np.array(data.lam)})
    return problems, arrays


def run_one(problem: Problem, method: str, config: GradNormSmoothConfig, ctx) -> dict:
    """Iterate one method to f - f* ≤ tol (or the cap), logging the gap per iteration and per gradient call."""
    generators = {
        "approx": lambda: grad_norm_smooth(problem, problem.approx_hess, config.gamma0),
        "exact": lambda: grad_norm_smooth(problem, problem.hess, config.gamma0),
        "gm": lambda: gradient_method(problem),
        "fgm": lambda: fast_gradient_method(problem),
    }
    label, gaps, started = LABELS[method], [], ctx.clock()
    for step in generators[method]():
        gap = max(step.f - problem.f_star, 0.0)
        gaps.append(gap)
        ctx.log_point(step.k, {f"{label} f-f* [{problem.name}]": max(gap, GAP_FLOOR)})
        ctx.log(f"{label} f-f* vs gradient calls [{problem.name}]", step.grad_calls, max(gap, GAP_FLOOR))
        if gap <= config.tol or step.k >= config.max_iterations:
            break
    return {
        "gaps": gaps, "iterations": step.k, "grad_calls": step.grad_calls, "linear_solves": step.linear_solves,
        "seconds": ctx.clock() - started, "censored": [] if gap <= config.tol else ["iterations", "grad_calls"],
    }


def run(config: GradNormSmoothConfig, ctx) -> dict:
    problems, arrays = build_problems(config, ctx)
    results = {"tol": config.tol, "problems": {}, "kind": {}, "approx_label": {}, "f_star": {}, "cells": {}}
    for i, problem in enumerate(problems):
        results["kind"][problem.name] = "softmax" if problem.name.startswith("softmax") else "logistic"
        results["approx_label"][problem.name] = problem.approx_label
        results["f_star"][problem.name] = problem.f_star
        runs = {}
        for j, method in enumerate(LABELS):
            ctx.progress((i * len(LABELS) + j) / (len(problems) * len(LABELS)), f"{LABELS[method]} on {problem.name}")
            runs[method] = run_one(problem, method, config, ctx)
        results["problems"][problem.name] = runs
        results["cells"][problem.name] = {
            m: {k: r[k] for k in ("iterations", "grad_calls", "linear_solves", "censored")} for m, r in runs.items()
        }
    np.savez_compressed(ctx.artifact_path("problem.npz"), **arrays)
    ctx.progress(1.0, "done")
    return results


METHOD = MethodSpec(
    slug="grad-norm-smooth-newton",
    paper=10,
    title="Gradient-Normalized Smoothness for Optimization with Approximate Hessians",
    summary=(
        "Gradient-regularized Newton steps (H̃ + ||∇f||_*/γ · B)⁻¹∇f with adaptive γ (Algorithm 1), using "
        "approximate Hessians (sub-sampled for logistic regression, weighted Gauss–Newton for softmax), "
        "against the same method with exact Hessians and the (fast) gradient method."
    ),
    config_model=GradNormSmoothConfig,
    presets={
        "smoke": Preset({}, "cpu", "Softmax n=200, d=50, μ=0.25 and breast-cancer logistic regression (569×31)."),
        "full": Preset(
            {"dim": 500, "n_functions": 1000, "mus": [0.05, 0.25, 1.0], "logistic_dataset": "synthetic", "max_iterations": 2000},
            "cpu",
            "Softmax n=1000, d=500 for μ ∈ {0.05, 0.25, 1} and synthetic logistic regression n=20000, d=200.",
        ),
        "paper": Preset(
            {"dim": 1000, "n_functions": 1000, "mus": [1.0], "logistic_dataset": "breast_cancer", "max_iterations": 1000},
            "cpu",
            "The official notebook's softmax setting: n = d = 1000, μ = 1, x₀ = 1, metric B = AᵀA, 1000 iterations.",
        ),
    },
    claims=CLAIMS,
    deviations=(
        "The softmax instance follows the official notebook (A, b uniform in [-1, 1], x₀ = 1, B = AᵀA) but its "
        "'zero oracle' is reconstructed: the linear term -⟨Aᵀπ(0), x⟩ is subtracted so that x* = 0 and f* = f(0).",
        "The paper's logistic-regression data (LIBSVM, e.g. mushrooms) are not available offline: sklearn's "
        "breast-cancer data (smoke) and synthetic Gaussian data (full) are used, with λ = 1e-3 L2 regularization.",
        "Which approximate Hessian the paper uses for logistic regression was not verified; here it is a fresh 10% "
        "row sub-sample each iteration (or, by config, the Hessian frozen at x₀ = 0).",
        "f* of logistic regression comes from an independent damped Newton solve to ||∇f|| ≤ 1e-13.",
        "The 'linear rate' rule (second-half decades/iteration ≥ 0.5 × average) is ours; the 2× (vs exact Hessian) "
        "and 10× (vs fast gradient method) thresholds are the reproduction note's, not the paper's.",
        "Only the softmax and logistic experiments are run (not the nonlinear-equation, Chebyshev–Rosenbrock, "
        "Fisher or super-universal / cubic Newton comparisons).",
        "Not reproduced here (the note's thresholds, not the paper's claims): with the approximate Hessian the "
        "method needs 7.1x (softmax, 107 vs 15) and 14x (logistic, 126 vs 9) the iterations of the exact-Hessian "
        "variant at smoke size (note asks ≤ 2x), and only 1.6x / 2.8x fewer iterations than the fast gradient "
        "method (note asks ≥ 10x). The paper's own claim, a global linear rate, does reproduce.",
        "The linear-rate claims cannot tell Alg. 1 from plain gradient descent: with λ = 1e-3 (logistic) and the "
        "softmax's curvature the problems are strongly convex, so the gradient method converges linearly as well. "
        "The claim that separates them is 'fewer gradient calls than the gradient method' (equal first-order cost, "
        "linear solves not even charged to Alg. 1): not reproduced at smoke size on softmax (Alg. 1 224 calls vs "
        "gradient method 127), reproduced on logistic (266 vs 378).",
    ),
    run=run,
    device="cpu",
    expected_on_smoke={
        "approximate-close-to-exact-hessian": Verdict.NOT_REPRODUCED,
        "fewer-iterations-than-fast-gradient": Verdict.NOT_REPRODUCED,
        "fewer-gradient-calls-than-gradient-method": Verdict.NOT_REPRODUCED,
    },
)
