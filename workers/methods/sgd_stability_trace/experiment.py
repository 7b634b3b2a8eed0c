"""One run: SGD at each (batch size, learning rate) and GD at each learning rate, on the same
sparse regression instance from the same initial weights; then the sharpness measures at the
minima they reach."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..context import RunContext
from ..shared.threads import one_thread_on_cpu
from ..shared.weights import save_weights
from .diagonal_net import (
    Replicas,
    held_out_error,
    mark_diverged,
    sgd_step,
    sparse_regression,
    top_eigenvalue_g,
    trace_g,
)

CHECK_EVERY = 100


def label(batch: int) -> str:
    return "gd" if batch == 0 else f"sgd[B={batch}]"


def median_losses(loss: torch.Tensor, alive: torch.Tensor, names: list[str]) -> dict[str, float]:
    """The median training loss of each configuration's live replicas (NaN once all diverged)."""
    out = {}
    for k, name in enumerate(names):
        live = loss.view(len(names), -1)[k][alive.view(len(names), -1)[k]]
        out[f"{name} median"] = float(live.median()) if live.numel() else math.nan
    return out


def train(replicas: Replicas, data, config, ctx: RunContext) -> None:
    generator = ctx.torch_generator("batches")
    names = [label(b) for b in [*config.batch_sizes, 0]]
    for step in range(1, config.steps + 1):
        sgd_step(replicas, data, generator)
        if step % CHECK_EVERY == 0 or step == config.steps:
            loss = mark_diverged(replicas, data)
            ctx.log_point(step, median_losses(loss, replicas.alive, names), panel="train loss")
            if step % max(CHECK_EVERY, config.steps // 50 // CHECK_EVERY * CHECK_EVERY) == 0:
                ctx.progress(step / config.steps, "training")


def measure(replicas: Replicas, data, config) -> dict:
    """{config label: {lr: outcome}} with η·tr(G)/2, η·λ_max(G)/2, test MSE, ‖β‖₁, status."""
    loss = mark_diverged(replicas, data)
    trace, top = trace_g(replicas.u, replicas.v, data.x), top_eigenvalue_g(replicas.u, replicas.v, data.x)
    test, l1 = held_out_error(replicas, data), (replicas.u * replicas.v).abs().sum(dim=1)
    out: dict[str, dict[str, dict]] = {}
    for r in range(len(replicas.lr)):
        lr, batch = float(replicas.lr[r]), int(replicas.batch[r])
        status = "diverged" if not bool(replicas.alive[r]) else (
            "converged" if float(loss[r]) <= config.converged_loss else "not converged")
        out.setdefault(label(batch), {})[f"{lr:g}"] = {
            "lr": lr, "batch": batch or len(data.y), "status": status, "train_loss": float(loss[r]),
            "trace": float(trace[r]), "top_eigenvalue": float(top[r]),
            "eta_trace_half": lr * float(trace[r]) / 2, "eta_sharpness_half": lr * float(top[r]) / 2,
            "stability_ratio": lr * float(trace[r]) / (2 * (batch or len(data.y))),
            "test_mse": float(test[r]), "l1_norm": float(l1[r]),
        }
    return out


def by_lr_cells(table: dict, batch: int, lrs: list[float]) -> dict:
    """{'lr=η': {'sgd': ..., 'gd': ...}} for the learning rates where both reached a minimum."""
    cells = {}
    for lr in lrs:
        sgd, gd = table[label(batch)][f"{lr:g}"], table["gd"][f"{lr:g}"]
        if sgd["status"] == gd["status"] == "converged":
            cells[f"lr={lr:g}"] = {"sgd": sgd, "gd": gd}
    return cells


def batch_cells(table: dict, batches: list[int], lrs: list[float]) -> dict:
    """{'B=b, lr=η': {'sgd': ...}} for every converged SGD run."""
    return {f"B={b}, lr={lr:g}": {"sgd": table[label(b)][f"{lr:g}"]} for b in batches for lr in lrs
            if table[label(b)][f"{lr:g}"]["status"] == "converged"}


def fits(table: dict, config) -> dict:
    """Series for the slope claims: SGD/GD test error vs lr; trace vs batch size at the largest lr
    every batch size (and GD) reached a minimum at."""
    def over_lr(name: str, metric: str) -> dict:
        rows = [o for o in table[name].values() if o["status"] == "converged"]
        return {"x": [o["lr"] for o in rows], "y": [o[metric] for o in rows]}

    first = label(config.batch_sizes[0])
    out = {"sgd_test_vs_lr": over_lr(first, "test_mse"), "gd_test_vs_lr": over_lr("gd", "test_mse")}
    names = [label(b) for b in [*config.batch_sizes, 0]]
    common = [lr for lr in config.lrs if all(table[n][f"{lr:g}"]["status"] == "converged" for n in names)]
    rows = [table[n][f"{max(common):g}"] for n in names] if common else []
    out["trace_vs_batch"] = {"x": [o["batch"] for o in rows], "y": [o["trace"] for o in rows],
                             "lr": max(common) if common else None}
    return out


def log_tables(table: dict, ctx: RunContext) -> None:
    for name, rows in table.items():
        for key, panel in (("eta_trace_half", "eta tr(G)/2 vs lr"), ("eta_sharpness_half", "eta lambda_max(G)/2 vs lr"),
                           ("test_mse", "test MSE vs lr"), ("l1_norm", "l1 norm of beta vs lr")):
            for row in rows.values():
                if row["status"] == "converged":
                    ctx.log(f"{name} {key}", row["lr"], row[key], panel=panel)


def log_batch_axis(table: dict, config, ctx: RunContext) -> None:
    for lr in config.lrs:
        for b in [*config.batch_sizes, 0]:
            row = table[label(b)][f"{lr:g}"]
            if row["status"] == "converged":
                ctx.log(f"tr(G) at lr={lr:g}", row["batch"], row["trace"], panel="tr(G) vs batch size")


def run(config, ctx: RunContext) -> dict:
    with one_thread_on_cpu(ctx.device):
        return run_experiment(config, ctx)


def run_experiment(config, ctx: RunContext) -> dict:
    device = ctx.torch_device
    data = sparse_regression(config.n, config.d, config.sparsity, config.test_points, ctx.rng("instances"), device)
    replicas = Replicas.start(list(config.lrs), [*config.batch_sizes, 0], config.d, config.init_scale, device)
    train(replicas, data, config, ctx)
    table = measure(replicas, data, config)
    log_tables(table, ctx)
    log_batch_axis(table, config, ctx)
    save_weights(ctx, "diagonal_nets.safetensors", {"u": replicas.u, "v": replicas.v, "lr": replicas.lr,
                                                     "batch": replicas.batch})
    np.savez_compressed(ctx.artifact_path("data.npz"), x=data.x.cpu().numpy(), y=data.y.cpu().numpy(),
                        x_test=data.x_test.cpu().numpy(), y_test=data.y_test.cpu().numpy())
    first = config.batch_sizes[0]
    return {
        "runs": table,
        "by_lr": by_lr_cells(table, first, list(config.lrs)),
        "sgd_b1": {f"lr={lr:g}": {"sgd": table[label(first)][f"{lr:g}"]} for lr in config.lrs
                   if table[label(first)][f"{lr:g}"]["status"] == "converged"},
        "by_batch": batch_cells(table, list(config.batch_sizes), list(config.lrs)),
        "gd_runs": {f"lr={lr:g}": {"gd": table["gd"][f"{lr:g}"]} for lr in config.lrs
                    if table["gd"][f"{lr:g}"]["status"] == "converged"},
        "fits": fits(table, config),
        "counts": {name: {s: sum(r["status"] == s for r in rows.values()) for s in ("converged", "not converged", "diverged")}
                   for name, rows in table.items()},
    }
