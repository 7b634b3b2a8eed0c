"""One run: parametric 1-D PDE trajectories generated in the run; a base FNO, the FNO with the
parameter as an extra channel and CAPE-FNO trained alike; rollout nRMSE on held-out trajectories
with seen and unseen parameters, for each PDE and training seed.

    advection  u_t + β u_x = 0          exact shift (spectral)           β: train / unseen sets
    Burgers    u_t + (u²/2)_x = ν u_xx   IF-RK4 pseudo-spectral on a fine grid, subsampled
"""
from __future__ import annotations

import numpy as np
import torch

from ..shared.operators import burgers, fields, spectral
from ..shared.operators.datasets import save_dataset
from ..shared.operators.models import parameter_count
from ..shared.weights import save_weights
from .cape import Solver
from .rollout import RolloutSettings, one_step_error, rollout_nrmse, train_rollouts

PARAMETERS = {  # (seen in training, unseen): the note's advection sets; Burgers' are ours (ν = β / 100)
    "advection": ((0.1, 0.4, 1.0, 4.0), (0.2, 2.0, 7.0)),
    "burgers": ((0.001, 0.004, 0.01, 0.04), (0.002, 0.02, 0.07)),
}
HORIZON = {"advection": 2.0, "burgers": 1.0}
METRICS = ("seen_nrmse", "unseen_nrmse", "seen_one_step", "unseen_one_step", "parameters")


def initial_conditions(rng: np.random.Generator, count: int, n: int, modes: int) -> torch.Tensor:
    """Band-limited GRFs scaled to max |u0| = 1."""
    u0 = fields.grf(rng, count, 1, n, modes=modes, alpha=2.0, tau=5.0)
    return torch.tensor(u0 / np.abs(u0).max(axis=1, keepdims=True))


def trajectories(pde: str, values: tuple[float, ...], per_value: int, config, rng, device, check) -> dict:
    """{"u": (samples, T+1, n) float32, "log_p": (samples, 1), "p": (samples,)} on ``device``."""
    p = torch.tensor(np.repeat(values, per_value), dtype=torch.float64, device=device)
    times = [HORIZON[pde] * k / config.steps for k in range(1, config.steps + 1)]
    if pde == "advection":
        u0 = initial_conditions(rng, len(p), config.resolution, config.field_modes).to(device)
        frames = [spectral.advect(u0, p, t) for t in times]
        u = torch.stack([u0] + frames, dim=1)
    else:
        fine = config.burgers_fine_resolution
        u0 = initial_conditions(rng, len(p), fine, config.field_modes).to(device)
        u = torch.cat([u0[:, None], burgers.burgers(u0, p, times, callback=check)], dim=1)
        u = u[..., ::fine // config.resolution]
    return {"u": u.float(), "log_p": torch.log(p).float()[:, None], "p": p}


def make_data(config, ctx) -> dict:
    rng, data = ctx.rng("instances"), {}
    splits = (("train", 0, "train_per_parameter"), ("seen", 0, "test_per_parameter"), ("unseen", 1, "test_per_parameter"))
    for pde in config.pdes:
        data[pde] = {split: trajectories(pde, PARAMETERS[pde][which], getattr(config, count), config, rng,
                                         ctx.torch_device, ctx.check_cancelled)
                     for split, which, count in splits}
    return data


def settings_of(config, curriculum: bool = True) -> RolloutSettings:
    return RolloutSettings(history=config.history, epochs=config.epochs, warmup_epochs=config.warmup_epochs,
                           batch_size=config.batch_size, lr=config.lr, aux_weight=0.1, noise=config.input_noise,
                           curriculum=curriculum)


def variants(config) -> dict[str, tuple[str, bool]]:
    """name -> (solver kind, curriculum)."""
    out = {"base": ("base", True), "param-channel": ("param-channel", True), "cape": ("cape", True)}
    if config.teacher_forcing_ablation:
        out["cape-teacher-forcing"] = ("cape", False)
    return out


def train_variant(name, kind, curriculum, sets, config, ctx, label, seed) -> tuple[Solver, dict]:
    torch.manual_seed(seed)
    solver = Solver(kind, config.history, config.resolution, width=config.fno_width, modes=config.fno_modes,
                    layers=config.fno_layers, cape_width=config.cape_width).to(ctx.torch_device)
    history = config.history

    def on_epoch(epoch):
        if epoch % config.eval_every == 0 or epoch == config.epochs:
            errors = {f"{label} {name} {split}": rollout_nrmse(solver, sets[split]["u"], sets[split]["log_p"], history)
                      for split in ("seen", "unseen")}
            ctx.log_point(epoch, errors, panel=f"rollout nRMSE ({label})")
        else:
            ctx.check_cancelled()

    generator = torch.Generator().manual_seed(seed)
    train_rollouts(solver, sets["train"]["u"], sets["train"]["log_p"], settings_of(config, curriculum),
                   generator=generator, on_epoch=on_epoch, on_batch=ctx.check_cancelled)
    result = {split: rollout_nrmse(solver, sets[split]["u"], sets[split]["log_p"], history) for split in ("seen", "unseen")}
    one_step = {split: one_step_error(solver, sets[split]["u"], sets[split]["log_p"], history)
                for split in ("seen", "unseen")}
    return solver, {"seen_nrmse": result["seen"], "unseen_nrmse": result["unseen"],
                    "seen_one_step": one_step["seen"], "unseen_one_step": one_step["unseen"],
                    "parameters": parameter_count(solver)}


def mean_outcomes(cells: dict) -> dict:
    names = next(iter(cells.values())).keys()
    out = {name: {metric: float(np.mean([cell[name][metric] for cell in cells.values()]))
                  for metric in METRICS} for name in names}
    for outcome in out.values():
        outcome["parameter_increase"] = outcome["parameters"] / out["base"]["parameters"] - 1.0
    return out


def save_data(ctx, data: dict) -> dict:
    arrays = {f"{pde}_{split}_{key}": sets[split][key].cpu().numpy()
              for pde, sets in data.items() for split in sets for key in ("u", "p")}
    return save_dataset(ctx, "trajectories.npz", arrays)


def run(config, ctx) -> dict:
    data = make_data(config, ctx)
    dataset = save_data(ctx, data)
    cells, jobs = {}, [(pde, s) for pde in config.pdes for s in range(config.seeds)]
    for j, (pde, s) in enumerate(jobs):
        label = f"{pde}/seed{s}"
        cells[label] = {}
        for name, (kind, curriculum) in variants(config).items():
            ctx.progress(0.05 + 0.9 * j / len(jobs), f"{label}: training {name}")
            solver, cells[label][name] = train_variant(name, kind, curriculum, data[pde], config, ctx, label,
                                                       ctx.seed * 1000 + s)
            if s == 0:
                save_weights(ctx, f"{pde}-{name}.safetensors", solver, {"pde": pde, "kind": kind})
    return {
        "outcomes": mean_outcomes(cells),
        "cells": cells,
        "parameters": {pde: {"seen": list(PARAMETERS[pde][0]), "unseen": list(PARAMETERS[pde][1])} for pde in config.pdes},
        "dataset_artifact": dataset,
        "device": str(ctx.torch_device),
    }
