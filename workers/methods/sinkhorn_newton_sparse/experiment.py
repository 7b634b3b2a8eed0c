"""One run: a random assignment problem, solved by SNS and by log-domain Sinkhorn on the same
instance, device and dtype, each timed with the run's clock and logged per iteration.

Instance (Tang et al. 2024, Sec. 6, random assignment): C_ij ~ U[0, 1] i.i.d., r = c = 1/n.
"""
from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

import numpy as np
import torch

from ..context import RunContext
from ..shared.sinkhorn import SinkhornRun, dual_objective, log_kernel, log_plan, marginal_error, sinkhorn
from .claims import claim_outcomes
from .kernel import kernel_sinkhorn
from .newton import NewtonIterate, NewtonRun, kept_entry_count, newton_stage

DTYPES = {"float64": torch.float64, "float32": torch.float32}
PAPER_TABLE_1 = {  # random assignment, n = 500, η = 1200, Apple M1 Pro
    "sns_iterations": 29, "sns_warmup": 20, "sns_newton": 9, "sns_seconds": 0.34,
    "sinkhorn_iterations": 56_199, "sinkhorn_seconds": 233.36,
}
SAVE_COST_UP_TO_N = 1500  # 18 MB of float64
SAVE_PLAN_UP_TO_N = 1000
SNS_PROGRESS_SHARE = 0.1  # SNS runs first and is fast; Sinkhorn fills the rest of the bar
WARM_UP_N, WARM_UP_ITERS = 32, 20
SINGLE_THREAD_UP_TO_ENTRIES = 512 * 512  # below this, intra-op threads cost more than they give


@dataclass(frozen=True)
class Problem:
    cost: torch.Tensor
    r: torch.Tensor
    c: torch.Tensor
    eta: float
    log_k: torch.Tensor


def random_assignment(n: int, eta: float, rng: np.random.Generator, device, dtype: torch.dtype) -> Problem:
    """C_ij ~ U[0, 1] drawn in float64 by the run's instance stream, then cast: same C on every device."""
    cost = torch.as_tensor(rng.random((n, n)), dtype=dtype, device=device)
    uniform = torch.full((n,), 1.0 / n, dtype=dtype, device=device)
    return Problem(cost, uniform, uniform.clone(), eta, log_kernel(cost, eta))


def is_logged(iteration: int) -> bool:
    """Every iteration up to 1,000, then ~900 per decade (every 10, then every 100, ...)."""
    return iteration <= 1000 or iteration % 10 ** (int(math.log10(iteration)) - 2) == 0


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


class ProgressThrottle:
    """Forward progress to the context at most every 5 %."""

    def __init__(self, ctx: RunContext):
        self.ctx, self.next_fraction = ctx, 0.0

    def __call__(self, fraction: float, message: str) -> None:
        if fraction >= self.next_fraction:
            self.ctx.progress(fraction, message)
            self.next_fraction = fraction + 0.05


def error_logger(ctx: RunContext, series: str, tol: float, last: int):
    """A ``sinkhorn`` callback logging errors as ``series``, thinned, up to and including the
    iteration that first met the tolerance (or the last one)."""
    state = {"met": False}

    def on_errors(first_iteration: int, errors: list[float]) -> None:
        for k, error in enumerate(errors, start=first_iteration):
            if state["met"]:
                return
            state["met"] = error < tol
            if is_logged(k) or state["met"] or k == last:
                ctx.log(series, k, error)

    return on_errors


def solve_sns(problem: Problem, config, ctx: RunContext) -> tuple[SinkhornRun | None, NewtonRun, float]:
    """Algorithm 1: N1 Sinkhorn iterations, then sparse Newton. Returns (warm-up, Newton, seconds).

    The "SNS marginal error" series counts iterations as the paper does: 1..N1 for the Sinkhorn
    stage, N1 + k for the k-th Newton step (whose CG count, dropped mass and step are logged too).
    """
    n1 = config.warmup_iters

    def on_newton(record: NewtonIterate) -> None:
        ctx.log_point(n1 + record.iteration, {
            "SNS marginal error": record.marginal_error,
            "SNS CG iterations": record.cg_iterations,
            "SNS Hessian dropped mass": record.dropped_mass,
            "SNS line-search step": record.step_size,
        })

    started = ctx.clock()
    warmup, u, v = None, torch.zeros_like(problem.r), torch.zeros_like(problem.c)
    if n1 > 0:
        warmup = sinkhorn(problem.log_k, problem.r, problem.c, tol=config.tol, max_iters=n1,
                          on_errors=error_logger(ctx, "SNS marginal error", config.tol, n1))
        u, v = warmup.u, warmup.v
    if warmup is not None and warmup.converged_at is not None:
        newton = NewtonRun(u, v, 0, True, False, 0, [])
    else:
        newton = newton_stage(problem.log_k, problem.r, problem.c, u, v, tol=config.tol,
                              max_iters=config.newton_max_iters, kept_per_row=config.kept_per_row,
                              cg_tol=config.cg_tol, cg_max_iters=config.cg_max_iters, on_iterate=on_newton)
    synchronize(problem.cost.device)
    return warmup, newton, ctx.clock() - started


def solve_sinkhorn(problem: Problem, config, ctx: RunContext) -> tuple[SinkhornRun, float]:
    """The baseline: log-domain Sinkhorn from zero potentials to the tolerance or the cap."""
    progress = ProgressThrottle(ctx)
    log_errors = error_logger(ctx, "Sinkhorn marginal error", config.tol, config.sinkhorn_max_iters)

    def on_errors(first_iteration: int, errors: list[float]) -> None:
        log_errors(first_iteration, errors)
        done = first_iteration + len(errors) - 1
        fraction = SNS_PROGRESS_SHARE + (1 - SNS_PROGRESS_SHARE) * done / config.sinkhorn_max_iters
        progress(fraction, f"Sinkhorn iteration {done:,}, marginal error {errors[-1]:.2e}")

    started = ctx.clock()
    run = sinkhorn(problem.log_k, problem.r, problem.c, tol=config.tol, max_iters=config.sinkhorn_max_iters,
                   on_errors=on_errors)
    synchronize(problem.cost.device)
    return run, ctx.clock() - started


def solve_kernel_sinkhorn(problem: Problem, config, ctx: RunContext) -> dict:
    """The cheaper baseline where it is stable: kernel-domain Sinkhorn to the same tolerance, timed."""
    started = ctx.clock()
    run = kernel_sinkhorn(problem.cost, problem.eta, problem.r, problem.c, tol=config.tol,
                          max_iters=config.sinkhorn_max_iters)
    synchronize(problem.cost.device)
    seconds = ctx.clock() - started
    ctx.log_point(run.iterations, {"kernel-domain Sinkhorn marginal error": run.final_error})
    return {"iterations": run.iterations, "reached_tol": run.reached_tol, "stable": run.stable, "seconds": seconds,
            "seconds_per_iteration": seconds / max(run.iterations, 1), "final_error": run.final_error}


def sns_summary(problem: Problem, config, warmup: SinkhornRun | None, newton: NewtonRun, seconds: float) -> dict:
    """SNS's numbers; its final error is recomputed from its potentials, not taken from the solver."""
    converged_early = warmup is not None and warmup.converged_at is not None
    warmup_its = warmup.converged_at if converged_early else config.warmup_iters
    n = problem.r.shape[0]
    kept = kept_entry_count(n, n, config.kept_per_row)
    return {
        "iterations": warmup_its + newton.iterations,
        "warmup_iterations": warmup_its,
        "newton_iterations": newton.iterations,
        "reached_tol": newton.converged,
        "seconds": seconds,
        "final_error": marginal_error(problem.log_k, newton.u, newton.v, problem.r, problem.c),
        "cg_iterations": newton.cg_iterations,
        "cg_iterations_per_newton": [h.cg_iterations for h in newton.history],
        "dropped_mass_per_newton": [h.dropped_mass for h in newton.history],
        "kept_entries": kept,
        "kept_fraction": kept / n**2,
        "line_search_failed": newton.line_search_failed,
    }


def sinkhorn_summary(problem: Problem, config, run: SinkhornRun, seconds: float) -> dict:
    """Sinkhorn's numbers; ``iterations`` is the first iteration below tol, or the cap (censored)."""
    reached = run.converged_at is not None
    return {
        "iterations": run.converged_at if reached else run.iterations_run,
        "iterations_run": run.iterations_run,
        "reached_tol": reached,
        "cap": config.sinkhorn_max_iters,
        "seconds": seconds,
        "seconds_per_iteration": seconds / max(run.iterations_run, 1),
        "final_error": marginal_error(problem.log_k, run.u, run.v, problem.r, problem.c),
    }


def agreement(problem: Problem, sns: NewtonRun, baseline: SinkhornRun) -> dict:
    """How close the two solutions are: plan L1 distance, dual objectives, transport costs."""
    plan_sns = torch.exp(log_plan(problem.log_k, sns.u, sns.v))
    plan_sinkhorn = torch.exp(log_plan(problem.log_k, baseline.u, baseline.v))
    marginals = (problem.r, problem.c, problem.eta)
    return {
        "plan_l1_difference": float((plan_sns - plan_sinkhorn).abs().sum()),
        "dual_objective_sns": dual_objective(problem.log_k, sns.u, sns.v, *marginals),
        "dual_objective_sinkhorn": dual_objective(problem.log_k, baseline.u, baseline.v, *marginals),
        "transport_cost_sns": float((plan_sns * problem.cost).sum()),
        "transport_cost_sinkhorn": float((plan_sinkhorn * problem.cost).sum()),
    }


def save_problem(ctx: RunContext, problem: Problem, sns: NewtonRun, baseline: SinkhornRun) -> None:
    """problem.npz: marginals, η, both solvers' potentials x = u/η, y = v/η, and (when small) C and P."""
    n = problem.r.shape[0]
    arrays = {
        "r": _numpy(problem.r), "c": _numpy(problem.c), "eta": np.float64(problem.eta), "seed": np.int64(ctx.seed),
        "sns_x": _numpy(sns.u) / problem.eta, "sns_y": _numpy(sns.v) / problem.eta,
        "sinkhorn_x": _numpy(baseline.u) / problem.eta, "sinkhorn_y": _numpy(baseline.v) / problem.eta,
    }
    if n <= SAVE_COST_UP_TO_N:
        arrays["cost"] = _numpy(problem.cost)
    if n <= SAVE_PLAN_UP_TO_N:
        arrays["sns_plan"] = _numpy(torch.exp(log_plan(problem.log_k, sns.u, sns.v)))
    with open(ctx.artifact_path("problem.npz"), "wb") as handle:
        np.savez_compressed(handle, **arrays)


def _numpy(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().double().numpy()


@contextlib.contextmanager
def cpu_threads_for(entries: int, device: str):
    """One torch thread for small CPU problems (both solvers alike), restored afterwards: a
    logsumexp over 40,000 entries is slower split over threads, dramatically so on a busy host."""
    before = torch.get_num_threads()
    if device == "cpu" and entries <= SINGLE_THREAD_UP_TO_ENTRIES:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run(config, ctx: RunContext) -> dict:
    """The method's entry point: both solvers on one instance; every number the claims read."""
    with cpu_threads_for(config.n**2, ctx.device):
        return compare_solvers(config, ctx)


def warm_up(config, ctx: RunContext) -> None:
    """Run both solvers once on a tiny instance, untimed, so that one-off costs (lazy kernel
    set-up and first touches in a freshly forked process) are charged to neither timed solver."""
    tiny = random_assignment(WARM_UP_N, config.eta, ctx.rng("warm-up"), ctx.torch_device, DTYPES[config.dtype])
    start = sinkhorn(tiny.log_k, tiny.r, tiny.c, tol=config.tol, max_iters=WARM_UP_ITERS)
    kernel_sinkhorn(tiny.cost, tiny.eta, tiny.r, tiny.c, tol=config.tol, max_iters=WARM_UP_ITERS)
    newton_stage(tiny.log_k, tiny.r, tiny.c, start.u, start.v, tol=config.tol, max_iters=2,
                 kept_per_row=config.kept_per_row, cg_tol=config.cg_tol, cg_max_iters=config.cg_max_iters)
    synchronize(tiny.cost.device)


def compare_solvers(config, ctx: RunContext) -> dict:
    problem = random_assignment(config.n, config.eta, ctx.rng("instances"), ctx.torch_device, DTYPES[config.dtype])
    warm_up(config, ctx)
    ctx.progress(0.0, f"SNS on a {config.n}x{config.n} random assignment problem, eta={config.eta:g}")
    warmup, newton, sns_seconds = solve_sns(problem, config, ctx)
    ctx.progress(SNS_PROGRESS_SHARE, f"SNS done in {sns_seconds:.2f} s; Sinkhorn baseline")
    baseline, sinkhorn_seconds = solve_sinkhorn(problem, config, ctx)
    ctx.progress(0.98, "kernel-domain Sinkhorn")
    kernel = solve_kernel_sinkhorn(problem, config, ctx)
    ctx.progress(1.0, "comparing the solutions")
    save_problem(ctx, problem, newton, baseline)
    sns, log_domain = sns_summary(problem, config, warmup, newton, sns_seconds), sinkhorn_summary(problem, config, baseline, sinkhorn_seconds)
    return {
        "n": config.n,
        "eta": config.eta,
        "tol": config.tol,
        "dtype": config.dtype,
        "device": ctx.device,
        "sns": sns,
        "sinkhorn": log_domain,
        "sinkhorn_kernel": kernel,
        "outcomes": claim_outcomes(sns, log_domain, kernel),
        "agreement": agreement(problem, newton, baseline),
        "paper_table_1": PAPER_TABLE_1,
    }
