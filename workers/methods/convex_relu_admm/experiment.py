"""The three parts of one run: ADMM on the convex program, SGD/Adam on the non-convex network with the
same number of neurons, and the per-iteration cost of ADMM against the number of variables."""
from __future__ import annotations

from typing import Any

import numpy as np

from .admm import AdmmSolver, time_per_iteration
from .data import Dataset, accuracy
from .nonconvex import NonconvexSetup, train
from .program import ConvexReluProgram, sample_patterns

EARLY = 10  # "the initial several iterations": test accuracy is recorded at every one of the first EARLY
PLATEAU_FROM = 0.8  # a run's progress over its last 20 % of epochs tells a stall from an unfinished run


def run_admm(program: ConvexReluProgram, data: Dataset, config, ctx) -> tuple[dict[str, Any], np.ndarray]:
    """ADMM iterations with the network objective (read off v_k), the test accuracy of the network read off
    the primal iterate u_k (v_k is exactly zero in the first iterations, by the group soft-threshold) and,
    every few iterations, the certified gap."""
    solver = AdmmSolver(program, config.rho, config.dual_step, config.constraint_scale)
    gaps: list[tuple[int, float]] = []
    test_accuracy: list[tuple[int, float]] = []
    total = config.admm_iterations

    def observe(k: int, st) -> None:
        if k <= EARLY or k % config.log_every == 0 or k == total:
            pred = program.network_predict(st.u, data.X_test)
            test_accuracy.append((k, accuracy(pred, data.y_test)))
            ctx.log_point(k, {"ADMM network objective": program.network_objective(st.v), "ADMM test accuracy (u_k)": test_accuracy[-1][1]})
        if k % config.certificate_every == 0 or k == total:
            cert = program.certificate(st.v)
            gaps.append((k, cert["relative_gap"]))
            ctx.log("ADMM certified relative gap", k, max(cert["relative_gap"], 1e-16))
            ctx.progress(0.05 + 0.45 * k / total, f"ADMM {k}/{total}: certified gap {cert['relative_gap']:.2e}")

    final = solver.run(total, observe)
    cert = program.certificate(final.v)
    neurons = int(np.count_nonzero(np.linalg.norm(final.v, axis=1) > 0))
    results = {
        "upper": cert["upper"],
        "lower": cert["lower"],
        "relative_gap": cert["relative_gap"],
        "gap_curve": gaps,
        "iterations": total,
        "neurons": neurons,
        "patterns": program.patterns,
        "factor_seconds": solver.factor_seconds,
        "train_accuracy": accuracy(program.network_predict(final.v), program.y),
        "test_accuracy_curve": test_accuracy,
        "final_test_accuracy": test_accuracy[-1][1],
    }
    return results, final.v


def run_nonconvex(program: ConvexReluProgram, data: Dataset, neurons: int, config, ctx) -> dict[str, Any]:
    """SGD and Adam from `inits` initialisations each, on the same data, β and number of neurons."""
    setup = NonconvexSetup(
        neurons=max(neurons, 1), inits=config.inits, epochs=config.epochs, batch_size=config.batch_size,
        sgd_lr=config.sgd_lr, adam_lr=config.adam_lr, init_scale=1.0,
    )
    out: dict[str, Any] = {"neurons": setup.neurons, "plateau_epoch": max(1, int(PLATEAU_FROM * config.epochs))}
    report = set(range(config.epoch_log_every, config.epochs + 1, config.epoch_log_every))
    report |= {1, out["plateau_epoch"], config.epochs}
    for i, name in enumerate(("SGD", "Adam")):
        generator = ctx.torch_generator(f"init/{name}")

        def log_epoch(epoch: int, objectives: np.ndarray, name: str = name) -> None:
            if epoch == out["plateau_epoch"]:
                out[f"{name} at plateau epoch"] = [float(v) for v in objectives]
            ctx.log_point(epoch, {f"{name} init {j} objective": float(v) for j, v in enumerate(objectives)})

        finals = train(
            name, data.X_train, data.y_train, program.beta, setup, generator, ctx.torch_device, log_epoch, report
        )
        out[name] = [float(v) for v in finals]
        ctx.progress(0.5 + 0.2 * (i + 1), f"{name}: best {finals.min():.6g}, worst {finals.max():.6g}")
    return out


def run_timing(config, ctx) -> dict[str, Any]:
    """Median ADMM iteration time on a Gaussian design (n, d fixed) for growing sampled pattern counts,
    single-threaded BLAS (so that the exponent measures work, not thread scheduling)."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(limits=1):
        return _timing_sweep(config, ctx)


def _timing_sweep(config, ctx) -> dict[str, Any]:
    rng = ctx.rng("timing")
    X = np.hstack([rng.standard_normal((config.timing_rows, config.timing_features - 1)), np.ones((config.timing_rows, 1))])
    y = np.sign(rng.standard_normal(config.timing_rows))
    rows = []
    for count in config.timing_patterns:
        ctx.check_cancelled()
        masks = sample_patterns(X, count, rng)
        program = ConvexReluProgram(X, y, masks, config.beta)
        rows.append(time_per_iteration(program, config.rho, config.timing_iterations))
        ctx.log("ADMM seconds per iteration", rows[-1]["variables"], rows[-1]["iteration_seconds"])
        ctx.log("ADMM iteration in dense mat-vec units", rows[-1]["variables"], rows[-1]["iteration_seconds"] / rows[-1]["matvec_seconds"])
        ctx.log("Cholesky factorisation seconds (once)", rows[-1]["variables"], rows[-1]["factor_seconds"])
    variables = np.array([r["variables"] for r in rows], dtype=float)
    seconds = np.array([r["iteration_seconds"] for r in rows])
    in_matvecs = seconds / np.array([r["matvec_seconds"] for r in rows])
    factor = np.array([r["factor_seconds"] for r in rows])
    return {
        "variables": variables.tolist(),
        "iteration_seconds": seconds.tolist(),
        "iteration_in_matvecs": in_matvecs.tolist(),
        "factor_seconds": factor.tolist(),
        "exponent": fitted_exponent(variables, seconds),
        "matvec_units_exponent": fitted_exponent(variables, in_matvecs),
        "factor_exponent": fitted_exponent(variables, factor),
    }


def fitted_exponent(sizes: np.ndarray, seconds: np.ndarray) -> float | None:
    """Least-squares slope of log(seconds) against log(size)."""
    if len(sizes) < 2 or np.ptp(np.log(sizes)) == 0:
        return None
    return float(np.polyfit(np.log(sizes), np.log(np.maximum(seconds, 1e-12)), 1)[0])
