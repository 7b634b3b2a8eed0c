"""Train the Transformer, probe every layer, and match layers to Newton iterations and GD steps.

Outputs (artifacts): model.safetensors + model.json (architecture), similarity.npz (eval prompts,
per-layer probe predictions, SimE tables and grids). Curves: training loss, held-out error at
d/2, d and 2d examples during training, error by number of examples (TF, OLS), and per layer:
best-matching k*, best SimE and probe error; SimE against k for every layer.
"""
from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import torch

from . import algorithms as alg
from . import model as tf_model
from . import probe, similarity
from .training import normalized_errors, train


def _prompts(count: int, config, rng: np.random.Generator):
    """Prompts rounded to float32 (what the model sees), returned as float64 arrays."""
    xs, _, ws = alg.sample_prompts(count, config.points_per_prompt, config.dim, config.train_condition_number, rng)
    xs = xs.astype(np.float32).astype(np.float64)
    return xs, np.einsum("bnd,bd->bn", xs, ws)


def _tracked_positions(config) -> list[int]:
    """Positions with d/2, d and 2d examples before them (clipped to the prompt)."""
    last = config.points_per_prompt - 1
    return sorted({min(max(1, m), last) for m in (config.dim // 2, config.dim, 2 * config.dim)})


def _train(model, config, ctx, eval_t) -> dict:
    tracked = _tracked_positions(config)

    def on_log(step, loss, dims, points):
        ctx.log_point(step, {"TF training loss/d": loss, "curriculum d": dims, "curriculum n": points})
        ctx.progress(0.05 + 0.8 * step / config.train_steps, f"training step {step:,}/{config.train_steps:,}")

    def on_eval(step):
        errors = normalized_errors(model, *eval_t)
        ctx.log_point(step, {f"TF error/d with {p} examples": errors[p] for p in tracked})

    record = train(model, config, ctx, on_log, on_eval)
    return {"steps_done": record.steps_done, "train_seconds": record.seconds,
            "stopped_by_time_limit": record.stopped_by_time_limit, "final_train_loss": record.final_train_loss}


def _log_layers(ctx, sim_newton, sim_gd, newton_grid, gd_grid, summary) -> None:
    for layer in range(sim_newton.shape[0]):
        ctx.log_point(layer, {name: values[layer] for name, values in summary.items()})
    for layer in range(sim_newton.shape[0]):
        for k, value in zip(newton_grid, sim_newton[layer]):
            ctx.log(f"SimE layer {layer} vs Newton k", int(k), value)
        for k, value in zip(gd_grid, sim_gd[layer]):
            ctx.log(f"SimE layer {layer} vs GD steps", int(k), value)


def _error_by_position(pred: np.ndarray, ys: np.ndarray, dim: int) -> np.ndarray:
    """Mean over prompts of (ŷ_i − y_i)²/d at every position i."""
    return ((pred - ys) ** 2).mean(axis=0) / dim


@contextmanager
def _cpu_threads(ctx, limit: int):
    """Cap torch's intra-op threads on the CPU for the duration, then restore them."""
    before = torch.get_num_threads()
    if ctx.device == "cpu":
        torch.set_num_threads(min(before, limit))
    try:
        yield
    finally:
        torch.set_num_threads(before)


def train_and_probe(config, ctx) -> dict:
    with _cpu_threads(ctx, config.cpu_threads):
        return _train_and_probe(config, ctx)


def _train_and_probe(config, ctx) -> dict:
    device, dim = ctx.torch_device, config.dim
    arch = tf_model.Architecture(dim, config.points_per_prompt, config.n_embd, config.n_layer, config.n_head)
    model = tf_model.ICLTransformer(arch).to(device)
    rng = ctx.rng("probing")
    eval_xs, eval_ys = _prompts(config.eval_prompts, config, rng)
    probe_xs, probe_ys = _prompts(config.probe_prompts, config, rng)
    as_tensor = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    eval_t = (as_tensor(eval_xs), as_tensor(eval_ys))

    training = _train(model, config, ctx, eval_t)
    tf_model.save(model, ctx.artifact_path("model.safetensors"), ctx.artifact_path("model.json"))
    ctx.progress(0.87, "probing every layer")

    probes = probe.fit_probes(model, as_tensor(probe_xs), as_tensor(probe_ys))
    layer_pred, own_pred = probe.layer_predictions(model, probes, *eval_t)
    newton_grid = np.arange(config.similarity_newton_iters + 1)
    gd_grid = alg.gd_step_grid(config.similarity_gd_log2)
    newton_pred, gd_pred, ols_pred = similarity.algorithm_predictions(eval_xs, eval_ys, newton_grid, gd_grid)
    tf_errors = layer_pred - eval_ys
    sim_newton = similarity.similarity_of_errors(tf_errors, newton_pred - eval_ys)
    sim_gd = similarity.similarity_of_errors(tf_errors, gd_pred - eval_ys)
    sim_ols = similarity.similarity_of_errors(tf_errors, ols_pred - eval_ys)[:, 0]
    newton_k, newton_best = similarity.best_matches(sim_newton, newton_grid)
    gd_k, gd_best = similarity.best_matches(sim_gd, gd_grid)
    at = min(2 * dim, config.points_per_prompt - 1)
    probe_error = (tf_errors[:, :, at] ** 2).mean(axis=1) / dim
    _log_layers(ctx, sim_newton, sim_gd, newton_grid, gd_grid, {
        "k* Newton iterations": newton_k, "k* GD steps": gd_k, "best SimE with Newton": newton_best,
        "best SimE with GD": gd_best, "SimE with OLS": sim_ols, f"probe error/d with {at} examples": probe_error})

    tf_err, ols_err = _error_by_position(own_pred, eval_ys, dim), _error_by_position(ols_pred[0], eval_ys, dim)
    zero_err = _error_by_position(np.zeros_like(eval_ys), eval_ys, dim)
    for position in range(config.points_per_prompt):
        ctx.log_point(position, {"TF error/d by examples": tf_err[position], "OLS error/d by examples": ols_err[position]})
    last_probe_r2 = 1.0 - float(((layer_pred[-1] - own_pred) ** 2).mean() / own_pred.var())
    np.savez_compressed(ctx.artifact_path("similarity.npz"), eval_xs=eval_xs, eval_ys=eval_ys,
                        layer_predictions=layer_pred, model_predictions=own_pred, newton_grid=newton_grid,
                        gd_grid=gd_grid, sime_newton=sim_newton, sime_gd=sim_gd, sime_ols=sim_ols)
    ctx.progress(1.0, "done")
    return {
        **training, "n_layer": config.n_layer, "steps_requested": config.train_steps, "eval_examples": at,
        "tf_error_at_2d": float(tf_err[at]), "ols_error_at_2d": float(ols_err[at]),
        "zero_error_at_2d": float(zero_err[at]), "last_probe_r2": last_probe_r2,
        "tf_error_by_examples": tf_err, "ols_error_by_examples": ols_err,
        "newton_grid_max": int(newton_grid[-1]), "gd_grid_max": int(gd_grid[-1]),
        "newton_k_star": newton_k.tolist(), "gd_k_star": gd_k.tolist(),
        "newton_best_sime": newton_best.tolist(), "gd_best_sime": gd_best.tolist(), "ols_sime": sim_ols.tolist(),
        "probe_error_at_2d": probe_error.tolist(),
    }
