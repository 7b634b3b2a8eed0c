"""Autoregressive training with CAPE's curriculum, and rollout nRMSE.

Trajectories are tensors (samples, T+1, n). A solver maps the last ``history`` frames and log p
to the next frame. Training (CAPE-ML4Sci fno/train.py): each batch is rolled out from its first
``history`` frames; steps before t_ar feed the solver's own (detached) prediction back, later
steps the true frame, with t_ar growing along a tanh curriculum

    ep_n = (epoch - warm-up) / (epochs - warm-up),   t_ar = int(T · ½ (1 + tanh((ep_n - ½) / 0.2)));

the loss is the mean over steps of relL2(prediction) + aux · relL2(CAPE estimate); inputs get
N(0, σ²) noise; during the warm-up epochs only the CAPE block is updated. The evaluation metric is
the rollout nRMSE ||û - u|| / ||u|| over all predicted frames of a trajectory (from the first
``history`` true frames, no teacher forcing), averaged over trajectories.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from ..shared.operators.training import (
    TrainSettings,
    make_scheduler,
    relative_l2,
    shuffled,
)


@dataclass(frozen=True)
class RolloutSettings:
    history: int
    epochs: int
    warmup_epochs: int
    batch_size: int
    lr: float
    aux_weight: float
    noise: float
    curriculum: bool = True


def curriculum_steps(epoch: int, settings: RolloutSettings, steps: int) -> int:
    """t_ar: how many leading steps of a rollout feed the solver's own predictions."""
    if not settings.curriculum or epoch <= settings.warmup_epochs:
        return 0
    progress = (epoch - settings.warmup_epochs) / max(1, settings.epochs - settings.warmup_epochs)
    return int(steps * 0.5 * (1 + math.tanh((progress - 0.5) / 0.2)))


def rollout(solver, trajectories: torch.Tensor, log_p: torch.Tensor, history: int) -> torch.Tensor:
    """Predicted frames history..T from the first ``history`` true frames: (samples, T+1-history, n)."""
    window, predictions = trajectories[:, :history], []
    for _ in range(history, trajectories.shape[1]):
        prediction, _ = solver(window, log_p)
        predictions.append(prediction)
        window = torch.cat([window[:, 1:], prediction], dim=1)
    return torch.cat(predictions, dim=1)


@torch.no_grad()
def rollout_nrmse(solver, trajectories: torch.Tensor, log_p: torch.Tensor, history: int, batch_size: int = 256) -> float:
    solver.eval()
    errors = [relative_l2(rollout(solver, trajectories[i:i + batch_size], log_p[i:i + batch_size], history),
                          trajectories[i:i + batch_size, history:])
              for i in range(0, len(trajectories), batch_size)]
    solver.train()
    return float(torch.cat(errors).mean())


@torch.no_grad()
def one_step_error(solver, trajectories: torch.Tensor, log_p: torch.Tensor, history: int) -> float:
    """Mean relative L2 error of single steps from true windows (teacher forcing), over all t."""
    solver.eval()
    errors = []
    for t in range(history, trajectories.shape[1]):
        prediction, _ = solver(trajectories[:, t - history:t], log_p)
        errors.append(relative_l2(prediction, trajectories[:, t:t + 1]))
    solver.train()
    return float(torch.cat(errors).mean())


def batch_loss(solver, batch: torch.Tensor, log_p: torch.Tensor, settings: RolloutSettings, own_steps: int,
               generator: torch.Generator | None) -> torch.Tensor:
    history = settings.history
    window = batch[:, :history]
    if settings.noise > 0:
        noise = torch.randn(window.shape, generator=generator).to(window.device)
        window = window + settings.noise * noise
    total = 0.0
    steps = batch.shape[1] - history
    for k in range(steps):
        target = batch[:, history + k:history + k + 1]
        prediction, estimate = solver(window, log_p)
        total = total + relative_l2(prediction, target).mean()
        if estimate is not None:
            total = total + settings.aux_weight * relative_l2(estimate, target).mean()
        fed = prediction.detach() if k < own_steps else target
        window = torch.cat([window[:, 1:], fed], dim=1)
    return total / steps


def train_rollouts(solver, trajectories: torch.Tensor, log_p: torch.Tensor, settings: RolloutSettings, *,
                   generator: torch.Generator | None = None, on_epoch=None, on_batch=None) -> None:
    """Train ``solver`` in place; ``on_epoch(epoch)`` runs after each epoch (log, cancel)."""
    optimizer = torch.optim.Adam(solver.parameters(), lr=settings.lr, weight_decay=1e-4)
    steps_per_epoch = math.ceil(len(trajectories) / settings.batch_size)
    scheduler = make_scheduler(optimizer, TrainSettings(epochs=settings.epochs, schedule="cosine"), steps_per_epoch)
    cape = getattr(solver, "cape", None)
    others = [p for name, p in solver.named_parameters() if not name.startswith("cape.")]
    steps = trajectories.shape[1] - settings.history
    for epoch in range(1, settings.epochs + 1):
        own_steps = curriculum_steps(epoch, settings, steps)
        order = shuffled(len(trajectories), generator).to(trajectories.device)
        for start in range(0, len(trajectories), settings.batch_size):
            index = order[start:start + settings.batch_size]
            optimizer.zero_grad(set_to_none=True)
            batch_loss(solver, trajectories[index], log_p[index], settings, own_steps, generator).backward()
            if cape is not None and epoch <= settings.warmup_epochs:
                for p in others:  # warm-up: Adam skips parameters without a gradient
                    p.grad = None
            optimizer.step()
            scheduler.step()
            if on_batch is not None:
                on_batch()
        if on_epoch is not None:
            on_epoch(epoch)
