"""One run: particle trajectories in random steady flows generated in the run; GIOROM-lite trained
on a sparse subset (~1-2% of the particles) to infer every particle's velocity, GNS-lite trained on
the full cloud, same trajectories and seed; one-step and rollout relative L2 on held-out
trajectories, and inference time against the number of inferred points.
"""
from __future__ import annotations

import math
import time

import numpy as np
import torch
from scipy.spatial import cKDTree

from ..shared.operators.datasets import save_dataset
from ..shared.operators.models import parameter_count
from ..shared.operators.training import relative_l2
from ..shared.weights import save_weights
from .flow import initial_positions, random_coefficients, trajectories
from .networks import GioromLite, GnsLite


def make_data(config, rng) -> dict:
    count = config.train_trajectories + config.test_trajectories
    coefficients = random_coefficients(rng, count, config.flow_modes)
    positions = trajectories(coefficients, initial_positions(rng, count, config.particles), config.dt, config.steps)
    return {"coefficients": coefficients, "positions": positions}


def state(positions: torch.Tensor, dt: float, t) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Positions at t, velocity over (t-1, t], and the target velocity over (t, t+1]."""
    x = positions[:, t]
    return x, (x - positions[:, t - 1]) / dt, (positions[:, t + 1] - x) / dt


def neighbours(points: torch.Tensor, k: int) -> torch.Tensor:
    """k nearest other particles of each particle, per sample (cKDTree on the CPU): (B, N, k)."""
    cloud = points.detach().cpu().numpy()
    index = np.stack([cKDTree(c).query(c, k + 1)[1][:, 1:] for c in cloud])
    return torch.as_tensor(index, device=points.device)


def batch_of(data: torch.Tensor, rng: np.random.Generator, size: int, dt: float):
    traj = rng.integers(0, data.shape[0], size=size)
    t = rng.integers(1, data.shape[1] - 1, size=size)
    x = data[traj, t]
    return x, (x - data[traj, t - 1]) / dt, (data[traj, t + 1] - x) / dt


def giorom_loss(model, batch, config, rng) -> torch.Tensor:
    x, v, target = batch
    s = config.sparse_points
    queries = torch.as_tensor(rng.choice(x.shape[1], size=config.query_points, replace=False), device=x.device)
    predicted = model(x[:, :s], v[:, :s], x[:, queries])
    return relative_l2(predicted, target[:, queries]).mean()


def gns_loss(model, batch, config, rng) -> torch.Tensor:
    x, v, target = batch
    return relative_l2(model(x, v, neighbours(x, config.neighbours)), target).mean()


@torch.no_grad()
def one_step_error(name: str, model, test: torch.Tensor, config) -> float:
    errors = []
    for t in range(1, test.shape[1] - 1):
        x, v, target = state(test, config.dt, t)
        errors.append(relative_l2(predict(name, model, x, v, config), target))
    return float(torch.cat(errors).mean())


def predict(name: str, model, x, v, config) -> torch.Tensor:
    if name == "giorom":
        s = config.sparse_points
        return model(x[:, :s], v[:, :s], x)
    return model(x, v, neighbours(x, config.neighbours))


@torch.no_grad()
def rollout_error(name: str, model, test: torch.Tensor, config) -> float:
    """||x̂_T - x_T|| / ||x_T - x_1|| after rolling out from t = 1 on the model's own velocities."""
    x, v, _ = state(test, config.dt, 1)
    for _ in range(test.shape[1] - 2):
        v = predict(name, model, x, v, config)
        x = x + config.dt * v
    return float(relative_l2(x - test[:, 1], test[:, -1] - test[:, 1]).mean())


def train_model(name: str, model, train: torch.Tensor, test: torch.Tensor, config, ctx) -> None:
    rng = ctx.rng(f"{name} batches")
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.train_steps)
    loss_of = giorom_loss if name == "giorom" else gns_loss
    for step in range(1, config.train_steps + 1):
        optimizer.zero_grad(set_to_none=True)
        loss = loss_of(model, batch_of(train, rng, config.batch_size, config.dt), config, rng)
        loss.backward()
        optimizer.step()
        scheduler.step()
        if step % config.eval_every == 0 or step == config.train_steps:
            ctx.log(f"{name} train loss", step, float(loss.detach()), panel="train loss (rel L2)")
            ctx.log(f"{name} one-step", step, one_step_error(name, model, test, config), panel="test one-step rel L2")
        else:
            ctx.check_cancelled()


def timing_cloud(coefficients: np.ndarray, n: int, config, rng, device):
    positions = trajectories(coefficients[None], initial_positions(rng, 1, n), config.dt, 2)
    return state(torch.as_tensor(positions, dtype=torch.float32, device=device), config.dt, 1)


def seconds(call, device, repeats: int) -> float:
    """The fastest of ``repeats`` timed calls (after one warm-up)."""
    call()
    best = math.inf
    for _ in range(repeats):
        if device.type == "cuda":
            torch.cuda.synchronize()
        start = time.perf_counter()
        call()
        if device.type == "cuda":
            torch.cuda.synchronize()
        best = min(best, time.perf_counter() - start)
    return best


@torch.no_grad()
def time_against_points(models: dict, coefficients, config, ctx) -> dict:
    """ms per inference step and one-step error of each model against the number of inferred points."""
    rng, device, s = ctx.rng("timing clouds"), ctx.torch_device, config.sparse_points
    out = {name: {"x": [], "ms": [], "error": []} for name in models}
    for n in config.timing_points:
        x, v, target = timing_cloud(coefficients, n, config, rng, device)
        graph = neighbours(x, config.neighbours)  # built once, not timed (see deviations)
        calls = {"giorom": lambda x=x, v=v: models["giorom"](x[:, :s], v[:, :s], x),
                 "gns": lambda x=x, v=v, graph=graph: models["gns"](x, v, graph)}
        for name, call in calls.items():
            ms = 1e3 * seconds(call, device, config.timing_repeats)
            error = float(relative_l2(call(), target).mean())
            out[name]["x"].append(n), out[name]["ms"].append(ms), out[name]["error"].append(error)
        ctx.log_point(n, {f"{k} ms": out[k]["ms"][-1] for k in calls}, panel="inference ms vs points", unit="ms")
        ctx.log_point(n, {f"{k} error": out[k]["error"][-1] for k in calls}, panel="one-step rel L2 vs points")
        ctx.log("speed-up (GNS / GIOROM)", n, out["gns"]["ms"][-1] / out["giorom"]["ms"][-1], panel="speed-up vs points",
                unit="x")
    return out


def run(config, ctx) -> dict:
    device = ctx.torch_device
    data = make_data(config, ctx.rng("instances"))
    dataset = save_dataset(ctx, "particles.npz", {k: v.astype(np.float32) for k, v in data.items()})
    positions = torch.as_tensor(data["positions"], dtype=torch.float32, device=device)
    train, test = positions[:config.train_trajectories], positions[config.train_trajectories:]
    torch.manual_seed(ctx.seed)
    models = {"giorom": GioromLite(grid=config.latent_grid, width=config.width, modes=config.fno_modes,
                                   sigma=config.kernel_sigma).to(device),
              "gns": GnsLite(width=config.width, layers=config.gns_layers).to(device)}
    outcomes = {}
    for i, (name, model) in enumerate(models.items()):
        ctx.progress(0.05 + 0.4 * i, f"training {name}")
        train_model(name, model, train, test, config, ctx)
        model.eval()
        outcomes[name] = {"one_step_rel_l2": one_step_error(name, model, test, config),
                          "rollout_rel_l2": rollout_error(name, model, test, config),
                          "parameters": parameter_count(model)}
        save_weights(ctx, f"{name}.safetensors", model, {"model": name})
    ctx.progress(0.9, "timing inference against the number of points")
    timing = time_against_points(models, data["coefficients"][config.train_trajectories], config, ctx)
    for name in models:
        outcomes[name]["ms_at_largest"] = timing[name]["ms"][-1]
        outcomes[name]["error_at_largest"] = timing[name]["error"][-1]
    return {
        "outcomes": outcomes,
        "fits": {f"{name}_time": {"x": timing[name]["x"], "y": timing[name]["ms"]} for name in models},
        "timing": timing,
        "sparse_fraction": config.sparse_points / config.particles,
        "dataset_artifact": dataset,
        "device": str(device),
    }
