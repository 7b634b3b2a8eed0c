"""One run: the vanilla physics-constrained solver (s = s_T = 1) and NeuralStagger variants, each
trained by the same physics loss on the same replay pool of random initial vorticities (no
simulation data), then rolled out on held-out initial states against the kit's pseudo-spectral
Navier–Stokes solver: rollout relative L2 and wall time per simulated step.
"""
from __future__ import annotations

import math
import re
import time

import numpy as np
import torch

from ..shared.operators import navier_stokes as ns
from ..shared.operators.datasets import save_dataset
from ..shared.operators.models import parameter_count
from ..shared.operators.training import relative_l2
from ..shared.weights import save_weights
from .stagger import PhysicsLoss, StaggeredSolver

VANILLA = "s1t1"


def factors(name: str) -> tuple[int, int]:
    space, time_ = re.fullmatch(r"s(\d)t(\d)", name).groups()
    return int(space), int(time_)


def initial_states(rng: np.random.Generator, count: int, n: int, device) -> torch.Tensor:
    """GRF vorticities (the kit's FNO spectrum), each scaled to unit standard deviation: (count, n, n)."""
    w = ns.initial_vorticity(rng, count, n)
    w = w / w.std(axis=(1, 2), keepdims=True)
    return torch.as_tensor(w, dtype=torch.float32, device=device)


def reference(w0: torch.Tensor, config, callback=None) -> torch.Tensor:
    times = [config.dt * k for k in range(1, config.horizon + 1)]
    return ns.navier_stokes(w0, config.nu, times, dt=config.reference_dt, callback=callback).float()


@torch.no_grad()
def rollout(model: StaggeredSolver, w0: torch.Tensor, steps: int) -> torch.Tensor:
    frames, w = [], w0
    while len(frames) < steps:
        out = model(w)
        frames.extend(out.unbind(1))
        w = out[:, -1]
    return torch.stack(frames[:steps], dim=1)


def errors_by_step(model, w0, truth) -> list[float]:
    predicted = rollout(model, w0, truth.shape[1])
    return [float(relative_l2(predicted[:, k], truth[:, k]).mean()) for k in range(truth.shape[1])]


def train_variant(name: str, model, physics: PhysicsLoss, test, config, ctx) -> float:
    """Physics-loss training on a replay pool of the model's own rollouts; returns the last loss."""
    rng, device, (_, time_factor) = ctx.rng("pool"), ctx.torch_device, factors(name)
    pool = initial_states(rng, config.pool_size, config.resolution, device)
    age = np.zeros(config.pool_size, dtype=int)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.iterations)
    loss_value = math.nan
    for it in range(1, config.iterations + 1):
        index = rng.choice(config.pool_size, size=config.batch_size, replace=False)
        start = pool[index]
        frames = model(start)
        loss = physics(start, frames).mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        scheduler.step()
        loss_value = float(loss.detach())
        pool[index], age[index] = frames[:, -1].detach(), age[index] + time_factor
        stale = index[age[index] >= config.horizon]
        if len(stale):
            pool[stale], age[stale] = initial_states(rng, len(stale), config.resolution, device), 0
        if it % config.eval_every == 0 or it == config.iterations:
            ctx.log(f"{name} physics loss", it, loss_value, panel="physics loss (train)")
            ctx.log(f"{name} rollout", it, errors_by_step(model, *test)[-1], panel="rollout rel L2 at the horizon")
        else:
            ctx.check_cancelled()
    return loss_value


def ms_per_step(call, steps: int, device, repeats: int) -> float:
    call()
    best = math.inf
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        begin = time.perf_counter()
        call()
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - begin)
    return 1e3 * best / steps


def physics_control(physics: PhysicsLoss, w0, truth, rng) -> float:
    """The reference step's physics loss over that of the same step with 1% noise added."""
    noise = torch.as_tensor(rng.standard_normal(truth[:, :1].shape), dtype=truth.dtype, device=truth.device)
    perturbed = truth[:, :1] + 0.01 * truth[:, :1].std() * noise
    return float(physics(w0, truth[:, :1]).mean() / physics(w0, perturbed).mean())


def run(config, ctx) -> dict:
    device = ctx.torch_device
    rng = ctx.rng("instances")
    w0 = initial_states(rng, config.test_samples, config.resolution, device)
    truth = reference(w0.double(), config, ctx.check_cancelled)
    dataset = save_dataset(ctx, "vorticity_reference.npz", {"initial": w0.cpu().numpy(), "trajectories": truth.cpu().numpy()})
    physics = PhysicsLoss(config.resolution, config.nu, config.dt, device)
    outcomes = {"physics_loss": {"reference_over_perturbed": physics_control(physics, w0, truth, rng)},
                "persistence": {"rollout_rel_l2": float(relative_l2(w0, truth[:, -1]).mean())}}
    curves = {}
    for i, name in enumerate(config.variants):
        ctx.progress(0.05 + 0.85 * i / len(config.variants), f"training {name}")
        torch.manual_seed(ctx.seed)
        space, time_factor = factors(name)
        model = StaggeredSolver(space, time_factor, width=config.width, kernel=config.kernel,
                                layers=config.layers).to(device)
        final_loss = train_variant(name, model, physics, (w0, truth), config, ctx)
        model.eval()
        curves[name] = errors_by_step(model, w0, truth)
        for k, e in enumerate(curves[name], start=1):
            ctx.log(f"{name} error", k, e, panel="rollout rel L2 vs step")
        outcomes[name] = {"rollout_rel_l2": curves[name][-1], "mean_rollout_rel_l2": float(np.mean(curves[name])),
                          "ms_per_step": ms_per_step(lambda m=model: rollout(m, w0, config.horizon), config.horizon,
                                                     device, config.timing_repeats),
                          "physics_loss": final_loss, "parameters": parameter_count(model)}
        save_weights(ctx, f"{name}.safetensors", model, {"space": str(space), "time": str(time_factor)})
    outcomes["numerical"] = {"ms_per_step": ms_per_step(lambda: reference(w0.double(), config), config.horizon, device, 1)}
    for name in config.variants:
        space, time_factor = factors(name)
        ctx.log("speed-up over vanilla", space * space * time_factor,
                outcomes[VANILLA]["ms_per_step"] / outcomes[name]["ms_per_step"], panel="speed-up vs s^2 s_T",
                unit="x")
    cells = {name: {"stagger": outcomes[name], "vanilla": outcomes[VANILLA]} for name in config.variants if name != VANILLA}
    return {"outcomes": outcomes, "stagger_cells": cells, "errors_by_step": curves, "dataset_artifact": dataset,
            "device": str(device)}
