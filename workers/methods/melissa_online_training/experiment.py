"""One run: the same FC surrogate (θ, t) -> temperature field trained online from a stream of
heat simulations through a reservoir buffer, and offline on the simulations that fit the same
memory (the stream's first C/T), for the same number of gradient steps of the same batch size;
validation relative L2 on held-out simulations.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from ..shared.operators.datasets import save_dataset
from ..shared.operators.models import MLP, parameter_count
from ..shared.operators.training import relative_l2
from ..shared.weights import save_weights
from .heat import PARAMETER_RANGE, closed_form_error, sample_parameters
from .stream import Reservoir, simulation_stream

CENTER = sum(PARAMETER_RANGE) / 2
SPREAD = (PARAMETER_RANGE[1] - PARAMETER_RANGE[0]) / 2


def samples_of(theta: np.ndarray, fields: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One simulation's training rows: inputs (scaled θ, t/T), targets (scaled field, flattened)."""
    steps = len(fields)
    times = np.arange(1, steps + 1, dtype=np.float32)[:, None] / steps
    inputs = np.concatenate([np.repeat((theta[None] - CENTER) / SPREAD, steps, axis=0), times], axis=1)
    return inputs.astype(np.float32), ((fields.reshape(steps, -1) - CENTER) / SPREAD).astype(np.float32)


@dataclass
class Trainer:
    """A surrogate, its Adam optimizer with cosine schedule, and the validation set."""

    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    scheduler: object
    val_inputs: torch.Tensor
    val_targets: torch.Tensor
    last_loss: float = math.nan

    def step(self, inputs: np.ndarray, targets: np.ndarray) -> None:
        device = self.val_inputs.device
        x, y = torch.as_tensor(inputs, device=device), torch.as_tensor(targets, device=device)
        self.optimizer.zero_grad(set_to_none=True)
        loss = ((self.model(x) - y) ** 2).mean()
        loss.backward()
        self.optimizer.step()
        self.scheduler.step()
        self.last_loss = float(loss.detach())

    @torch.no_grad()
    def validation_error(self) -> float:
        """Mean relative L2 of the temperature fields (unscaled) over held-out samples."""
        self.model.eval()
        predicted = self.model(self.val_inputs) * SPREAD + CENTER
        self.model.train()
        return float(relative_l2(predicted, self.val_targets * SPREAD + CENTER).mean())


def make_trainer(config, validation, device, seed: int) -> Trainer:
    torch.manual_seed(seed)  # the same initial weights for both trainings
    n = config.resolution
    model = MLP((6,), (n * n,), hidden=config.hidden, layers=config.layers).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.train_steps)
    x, y = (torch.as_tensor(a, device=device) for a in validation)
    return Trainer(model, optimizer, scheduler, x, y)


def stacked(rows: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    return np.concatenate([r[0] for r in rows]), np.concatenate([r[1] for r in rows])


def log_errors(ctx, name: str, step: int, trainer: Trainer) -> float:
    error = trainer.validation_error()
    ctx.log(name, step, error, panel="validation rel L2")
    ctx.log(f"{name} train loss", step, trainer.last_loss, panel="train loss (MSE, scaled)")
    return error


def train_online(config, ctx, trainer: Trainer, thetas: np.ndarray, stored: list) -> dict:
    """Train while simulations arrive at a steady rate; keeps the first C/T simulations in ``stored``."""
    stream, producer = simulation_stream(thetas, config.resolution, config.alpha, config.dt, config.frames,
                                         config.producers)
    reservoir = Reservoir(config.buffer_capacity, 6, config.resolution**2, ctx.rng("reservoir"))
    keep, arrived = config.buffer_capacity // config.frames, 0
    try:
        arrived = _online_steps(config, ctx, trainer, thetas, stored, stream, reservoir, keep)
    finally:
        stream.close()
    return {"producer": producer, "simulations": arrived, "samples_seen": reservoir.seen}


def _online_steps(config, ctx, trainer, thetas, stored, stream, reservoir, keep) -> int:
    arrived = 0
    for step in range(1, config.train_steps + 1):
        while arrived < math.ceil(step * len(thetas) / config.train_steps):
            fields = next(stream)
            if arrived < keep:
                stored.append(fields)
            reservoir.offer(*samples_of(thetas[arrived], fields))
            arrived += 1
        trainer.step(*reservoir.sample(config.batch_size))
        if step % config.eval_every == 0 or step == config.train_steps:
            log_errors(ctx, "online", step, trainer)
            ctx.log_point(step, {"unique simulations (online)": arrived, "unique simulations (offline)": keep},
                          panel="simulations seen")
            ctx.progress(0.05 + 0.45 * step / config.train_steps, "online training")
        else:
            ctx.check_cancelled()
    return arrived


def train_offline(config, ctx, trainer: Trainer, rows: tuple[np.ndarray, np.ndarray]) -> None:
    rng = ctx.rng("offline batches")
    inputs, targets = rows
    for step in range(1, config.train_steps + 1):
        index = rng.integers(0, len(inputs), size=config.batch_size)
        trainer.step(inputs[index], targets[index])
        if step % config.eval_every == 0 or step == config.train_steps:
            log_errors(ctx, "offline", step, trainer)
            ctx.progress(0.5 + 0.45 * step / config.train_steps, "offline training")
        else:
            ctx.check_cancelled()


def outcome(trainer: Trainer, simulations: int, samples: int, config) -> dict:
    draws = config.train_steps * config.batch_size
    return {"val_rel_l2": trainer.validation_error(), "train_loss": trainer.last_loss, "simulations": simulations,
            "samples": samples, "mean_reuse": draws / samples, "parameters": parameter_count(trainer.model)}


def run(config, ctx) -> dict:
    rng, device = ctx.rng("instances"), ctx.torch_device
    val_thetas = sample_parameters(rng, config.validation_simulations)
    stream_thetas = sample_parameters(rng, config.online_simulations)
    control = closed_form_error(config.resolution, config.alpha, config.dt, config.frames)
    val_fields, _ = simulation_stream(val_thetas, config.resolution, config.alpha, config.dt, config.frames, 0)
    val_fields = list(val_fields)
    validation = stacked([samples_of(t, f) for t, f in zip(val_thetas, val_fields)])

    stored: list[np.ndarray] = []
    online = make_trainer(config, validation, device, ctx.seed)
    stream_info = train_online(config, ctx, online, stream_thetas, stored)
    offline = make_trainer(config, validation, device, ctx.seed)
    offline_rows = stacked([samples_of(t, f) for t, f in zip(stream_thetas, stored)])
    train_offline(config, ctx, offline, offline_rows)

    save_weights(ctx, "online.safetensors", online.model, {"trained": "online"})
    save_weights(ctx, "offline.safetensors", offline.model, {"trained": "offline"})
    dataset = save_dataset(ctx, "heat_simulations.npz", {
        "validation_theta": val_thetas, "validation_fields": np.stack(val_fields),
        "offline_theta": stream_thetas[:len(stored)], "offline_fields": np.stack(stored),
        "online_theta": stream_thetas})
    outcomes = {
        "online": outcome(online, stream_info["simulations"], stream_info["samples_seen"], config),
        "offline": outcome(offline, len(stored), len(offline_rows[0]), config),
        "simulator": {"closed_form_error": control},
    }
    gain = 1 - outcomes["online"]["val_rel_l2"] / outcomes["offline"]["val_rel_l2"]
    return {"outcomes": outcomes, "improvement": gain, "producer": stream_info["producer"],
            "dataset_artifact": dataset, "device": str(device)}
