"""Newton vs GD vs OLS on the same prompts: error against iterations, iterations to a tolerance.

Each prompt has n−1 examples (X, y) and a query x_q. Two metrics per iterate w_k:
the relative distance to OLS ||w_k − w*||/||w*|| (what the claims count iterations on) and the
query error (x_qᵀw_k − wᵀx_q)²/d (the paper's ICL error; OLS's is its floor).
Newton is run as written (explicit matrix iterations); GD's iterates come from its spectral
form (exact, so 2^40 steps cost nothing) and are cross-checked against explicit steps.
"""
from __future__ import annotations

import numpy as np

from . import algorithms as alg

GD_EXPLICIT_CHECK_STEPS = 200


def _mean_relative(weights: np.ndarray, target: np.ndarray) -> float:
    return float(alg.relative_weight_error(weights, target).mean())


def _explicit_newton(S, b, xq, target, iters: int):
    """Per iteration k: (mean distance to OLS, mean query prediction) from Newton–Schulz as written."""
    distances, predictions = [], []
    for M in alg.newton_schulz_iterates(S, iters):
        w = np.einsum("bij,bj->bi", M, b)
        distances.append(_mean_relative(w, target))
        predictions.append(np.einsum("bi,bi->b", w, xq))
    return np.array(distances), np.array(predictions)


def _gd_distance(sp: alg.Spectra, steps) -> np.ndarray:
    return alg.filter_relative_errors(sp, alg.gd_filters(sp, np.atleast_1d(steps))).mean(axis=-1)


def _gd_explicit_gap(S, b, target, sp: alg.Spectra) -> float:
    """Largest gap between explicit GD and its spectral form over the first steps (a self-check)."""
    explicit = np.array([_mean_relative(w, target) for w in alg.gd_iterates(S, b, GD_EXPLICIT_CHECK_STEPS)])
    spectral = _gd_distance(sp, np.arange(GD_EXPLICIT_CHECK_STEPS + 1))
    return float(np.max(np.abs(explicit - spectral)))


def _first_below(curve: np.ndarray, tolerance: float) -> int | None:
    hits = np.nonzero(curve <= tolerance)[0]
    return int(hits[0]) if hits.size else None


def solve_case(kappa: float, xs: np.ndarray, ys: np.ndarray, config, ctx) -> dict:
    """Run the three algorithms on one prompt set, log their curves, return the counts."""
    label = f"κ={kappa:g}"
    X, y, xq = xs[:, :-1], ys[:, :-1], xs[:, -1]
    S, b = np.einsum("bni,bnj->bij", X, X), np.einsum("bni,bn->bi", X, y)
    target = alg.ols(X, y)
    sp = alg.spectra(S, b, xq)
    truth, dim = ys[:, -1], xs.shape[-1]
    query_error = lambda pred: ((pred - truth) ** 2).mean(axis=-1) / dim  # noqa: E731

    newton_distance, newton_pred = _explicit_newton(S, b, xq, target, config.newton_max_iters)
    newton_spectral = alg.filter_relative_errors(sp, alg.newton_filters(sp, np.arange(config.newton_max_iters + 1))).mean(-1)
    ols_error = float(query_error(np.einsum("bi,bi->b", target, xq)))
    for k, (distance, error) in enumerate(zip(newton_distance, query_error(newton_pred))):
        ctx.log_point(k, {f"Newton distance to OLS ({label})": distance, f"Newton query error/d ({label})": error,
                          f"OLS query error/d ({label})": ols_error})

    cap = 2**config.gd_max_steps_log2
    gd_iterations = alg.first_step_below(lambda k: _gd_distance(sp, k)[0], config.tolerance, cap)
    shown = min(config.gd_max_steps_log2, int(np.ceil(np.log2(max(gd_iterations or cap, 2)))) + 1)
    steps = alg.gd_step_grid(shown)
    gd_distance = _gd_distance(sp, steps)
    gd_error = query_error(sp.predict(alg.gd_filters(sp, steps)))
    for k, distance, error in zip(steps, gd_distance, gd_error):
        ctx.log_point(int(k), {f"GD distance to OLS ({label})": distance, f"GD query error/d ({label})": error})

    newton_iterations = _first_below(newton_distance, config.tolerance)
    return {
        "condition_number": kappa,
        "newton_iterations": newton_iterations,
        "gd_iterations": gd_iterations,
        "gd_cap": cap,
        "newton_final_distance": float(newton_distance[-1]),
        "ols_query_error": ols_error,
        "median_condition_of_S": float(np.median(sp.eigenvalues[:, -1] / np.maximum(sp.eigenvalues[:, 0], 1e-300))),
        "newton_spectral_gap": float(np.max(np.abs(newton_distance - newton_spectral))),
        "gd_spectral_gap": _gd_explicit_gap(S, b, target, sp),
        "_curves": {"newton_distance": newton_distance, "gd_steps": steps, "gd_distance": gd_distance},
    }


def compare_solvers(config, ctx) -> dict:
    """Isotropic and κ-conditioned prompt sets from the 'instances' stream; saves problem.npz."""
    rng = ctx.rng("instances")
    out, arrays = {"tolerance": config.tolerance}, {}
    for case, kappa in (("isotropic", 1.0), ("ill_conditioned", config.condition_number)):
        xs, ys, ws = alg.sample_prompts(config.solver_prompts, config.points_per_prompt, config.dim, kappa, rng)
        out[case] = solve_case(kappa, xs, ys, config, ctx)
        curves = out[case].pop("_curves")
        arrays.update({f"{case}_xs": xs, f"{case}_ys": ys, f"{case}_w_true": ws,
                       f"{case}_w_ols": alg.ols(xs[:, :-1], ys[:, :-1]),
                       **{f"{case}_{name}": value for name, value in curves.items()}})
        ctx.check_cancelled()
    np.savez_compressed(ctx.artifact_path("problem.npz"), **arrays)
    return out
