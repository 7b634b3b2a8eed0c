"""Training and evaluation of operator models: relative L2, Adam with a schedule, an epoch callback.

The relative L2 error of a prediction p of a target y (per sample, over channels and grid) is
||p - y||₂ / ||y||₂; a data set's error is its mean over samples. ``train`` minimizes it (or
the MSE) by mini-batch Adam, evaluates the held-out samples after each epoch and hands both
errors to ``on_epoch(epoch, train_error, test_error)``: the callback logs them through the run's
context, whose stop request (RunCancelled) then ends training at that epoch. A callback that
returns True stops training early too (e.g. a target error reached).
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import torch
from torch import nn

Schedule = Literal["cosine", "step", "constant"]
EpochCallback = Callable[[int, float, float], "bool | None"]


def relative_l2(prediction: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Per-sample ||p - y|| / ||y|| over every axis but the first."""
    diff = (prediction - target).flatten(1).norm(dim=1)
    return diff / target.flatten(1).norm(dim=1).clamp_min(1e-12)


@torch.no_grad()
def predict(model: nn.Module, inputs: torch.Tensor, batch_size: int = 64) -> torch.Tensor:
    was_training = model.training
    model.eval()
    out = torch.cat([model(inputs[i:i + batch_size]) for i in range(0, len(inputs), batch_size)])
    model.train(was_training)
    return out


def evaluate(model: nn.Module, inputs: torch.Tensor, outputs: torch.Tensor, batch_size: int = 64) -> float:
    """Mean relative L2 error of ``model`` on a data set."""
    return float(relative_l2(predict(model, inputs, batch_size), outputs).mean())


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 50
    batch_size: int = 20
    lr: float = 1e-3
    weight_decay: float = 1e-4
    schedule: Schedule = "cosine"
    step_every: int = 50
    step_gamma: float = 0.5
    loss: Literal["relative_l2", "mse"] = "relative_l2"


@dataclass
class TrainRecord:
    train_errors: list[float] = field(default_factory=list)
    test_errors: list[float] = field(default_factory=list)
    epochs_run: int = 0
    stopped_early: bool = False

    @property
    def final_test(self) -> float:
        return self.test_errors[-1] if self.test_errors else math.nan

    @property
    def final_train(self) -> float:
        return self.train_errors[-1] if self.train_errors else math.nan


def make_scheduler(optimizer: torch.optim.Optimizer, settings: TrainSettings, steps_per_epoch: int):
    total = max(1, settings.epochs * steps_per_epoch)
    if settings.schedule == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=total)
    if settings.schedule == "step":
        return torch.optim.lr_scheduler.StepLR(optimizer, settings.step_every * steps_per_epoch, settings.step_gamma)
    return torch.optim.lr_scheduler.LambdaLR(optimizer, lambda _: 1.0)


def batch_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor, loss: str) -> torch.Tensor:
    prediction = model(x)
    if loss == "mse":
        return ((prediction - y) ** 2).mean()
    return relative_l2(prediction, y).mean()


def shuffled(count: int, generator: torch.Generator | None) -> torch.Tensor:
    """A random permutation drawn on the generator's own device (a run's generator may be CUDA's)."""
    device = generator.device if generator is not None else "cpu"
    return torch.randperm(count, generator=generator, device=device)


def train(model: nn.Module, train_data: tuple[torch.Tensor, torch.Tensor], test_data: tuple[torch.Tensor, torch.Tensor],
          settings: TrainSettings, *, generator: torch.Generator | None = None, on_epoch: EpochCallback | None = None,
          on_batch: Callable[[], None] | None = None) -> TrainRecord:
    """Train ``model`` in place on the tensors' device; returns the per-epoch errors.

    ``generator`` seeds the shuffling (drawn on the generator's device);
    ``on_batch()`` runs after each optimizer step (e.g. a cancellation check)."""
    x_train, y_train = train_data
    optimizer = torch.optim.Adam(model.parameters(), lr=settings.lr, weight_decay=settings.weight_decay)
    steps_per_epoch = math.ceil(len(x_train) / settings.batch_size)
    scheduler = make_scheduler(optimizer, settings, steps_per_epoch)
    record = TrainRecord()
    model.train()
    for epoch in range(1, settings.epochs + 1):
        order = shuffled(len(x_train), generator).to(x_train.device)
        for start in range(0, len(x_train), settings.batch_size):
            batch = order[start:start + settings.batch_size]
            optimizer.zero_grad(set_to_none=True)
            batch_loss(model, x_train[batch], y_train[batch], settings.loss).backward()
            optimizer.step()
            scheduler.step()
            if on_batch is not None:
                on_batch()
        record.train_errors.append(evaluate(model, *train_data, settings.batch_size * 4))
        record.test_errors.append(evaluate(model, *test_data, settings.batch_size * 4))
        record.epochs_run = epoch
        if on_epoch is not None and on_epoch(epoch, record.train_errors[-1], record.test_errors[-1]):
            record.stopped_early = True
            break
    return record


def first_epoch_below(errors: list[float], level: float) -> int | None:
    """The first epoch (1-based) whose error is at most ``level``; None if none is."""
    return next((i + 1 for i, e in enumerate(errors) if e <= level), None)
