"""A positive control for the layer-matching analysis: models whose "layers" are known algorithms.

Two planted ladders on fresh prompts: layer j of the Newton ladder predicts like Newton iteration
k_j ∈ NEWTON_LADDER, layer j of the GD ladder like GD with k_j ∈ GD_LADDER steps; each layer's error
vector gets independent Gaussian noise of NOISE × its RMS (a real model never matches exactly).
The same SimE / best-match code that analyses the Transformer must then recover the planted k_j
and tell the two ladders apart. It checks the analysis, not the paper's result.
"""
from __future__ import annotations

import numpy as np

from . import algorithms as alg
from . import similarity

NEWTON_LADDER = (0, 2, 4, 6, 8, 10)
GD_LADDER = (1, 4, 16, 64, 256, 1024)
NOISE = 0.05


def _noisy_errors(predictions: np.ndarray, ys: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Error vectors (K, B, n) plus per-prompt Gaussian noise of NOISE × their RMS over positions."""
    errors = predictions - ys
    rms = np.sqrt((errors[..., 1:] ** 2).mean(axis=-1, keepdims=True))
    return errors + NOISE * rms * rng.standard_normal(errors.shape)


def _recover(errors, newton_errors, gd_errors, newton_grid, gd_grid) -> dict:
    newton_k, newton_best = similarity.best_matches(similarity.similarity_of_errors(errors, newton_errors), newton_grid)
    gd_k, gd_best = similarity.best_matches(similarity.similarity_of_errors(errors, gd_errors), gd_grid)
    return {"newton_k_star": newton_k.tolist(), "gd_k_star": gd_k.tolist(),
            "newton_mean_best_sime": float(newton_best.mean()), "gd_mean_best_sime": float(gd_best.mean())}


def planted_control(config, ctx) -> dict:
    """Recovered iteration counts of both planted ladders, on prompts from the 'control' stream."""
    rng = ctx.rng("control")
    xs, ys, _ = alg.sample_prompts(config.eval_prompts, config.points_per_prompt, config.dim,
                                   config.train_condition_number, rng)
    newton_grid = np.arange(config.similarity_newton_iters + 1)
    gd_grid = alg.gd_step_grid(config.similarity_gd_log2)
    newton_pred, gd_pred, _ = similarity.algorithm_predictions(xs, ys, newton_grid, gd_grid)
    newton_ladder = [k for k in NEWTON_LADDER if k <= newton_grid[-1]]
    gd_ladder = [k for k in GD_LADDER if k <= gd_grid[-1]]
    planted_newton = _noisy_errors(newton_pred[newton_ladder], ys, rng)
    planted_gd = _noisy_errors(gd_pred[np.searchsorted(gd_grid, gd_ladder)], ys, rng)
    newton_errors, gd_errors = newton_pred - ys, gd_pred - ys
    out = {
        "noise": NOISE,
        "newton_ladder": {"planted": newton_ladder, **_recover(planted_newton, newton_errors, gd_errors, newton_grid, gd_grid)},
        "gd_ladder": {"planted": gd_ladder, **_recover(planted_gd, newton_errors, gd_errors, newton_grid, gd_grid)},
    }
    for layer, (planted, found) in enumerate(zip(newton_ladder, out["newton_ladder"]["newton_k_star"])):
        ctx.log_point(layer, {"control: planted Newton k": planted, "control: recovered Newton k*": found})
    for layer, (planted, found) in enumerate(zip(gd_ladder, out["gd_ladder"]["gd_k_star"])):
        ctx.log_point(layer, {"control: planted GD steps": planted, "control: recovered GD k*": found})
    return out
