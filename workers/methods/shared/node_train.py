"""The experiment both solver-heuristic papers share: a neural-ODE classifier of scikit-learn's
8x8 digits trained once per regularizer (same seed, split, initial weights and batch order), then
judged by test accuracy, test NFE and prediction time of a plain adaptive solve, and training time.

Results follow the claimkit convention: ``results["outcomes"][variant]`` holds the seed means of
``test_nfe``, ``prediction_seconds``, ``train_seconds``, ``test_accuracy``, ``test_error`` and
``accuracy_drop_pp`` (percentage points below vanilla's mean accuracy); ``results["per_seed"]``
keeps every seed's numbers.
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import torch
from sklearn.datasets import load_digits
from torch import nn

from ..context import RunContext
from .node_reg import OdeClassifier, SolverSettings, regularized_forward, solve
from .ode import TooManySteps
from .weights import save_weights


@dataclass(frozen=True)
class TrainingSetup:
    dim: int
    width: int
    epochs: int
    batch_size: int
    learning_rate: float
    seeds: int
    prediction_repeats: int
    test_fraction: float = 0.2


@dataclass(frozen=True)
class Digits:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def digits_split(rng: np.random.Generator, test_fraction: float, device) -> Digits:
    """load_digits scaled to [0, 1], one random train/test split from the run's instance stream."""
    x, y = load_digits(return_X_y=True)
    order = rng.permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    as_x = lambda idx: torch.tensor(x[idx] / 16.0, dtype=torch.float32, device=device)
    as_y = lambda idx: torch.tensor(y[idx], dtype=torch.long, device=device)
    return Digits(as_x(train), as_y(train), as_x(test), as_y(test))


def synchronize(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def settings_for(variant: str, base: SolverSettings) -> SolverSettings:
    """The stiffness weight only acts in the ``stiffness`` variant."""
    return base if variant == "stiffness" else replace(base, lambda_stiffness=0.0)


def new_model(setup: TrainingSetup, seed_key: int, device) -> OdeClassifier:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed_key)
        model = OdeClassifier(64, setup.dim, setup.width, 10)
    return model.to(device)


@torch.no_grad()
def evaluate(model: OdeClassifier, x: torch.Tensor, y: torch.Tensor, s: SolverSettings) -> tuple[float, int]:
    """Accuracy and NFE of one plain batched solve of the whole set."""
    sol = solve(model.dynamics, model.encoder(x), s)
    accuracy = (model.head(sol.ys[-1]).argmax(-1) == y).float().mean().item()
    return accuracy, sol.stats.nfe


@torch.no_grad()
def prediction_seconds(model: OdeClassifier, x: torch.Tensor, s: SolverSettings, repeats: int, ctx) -> float:
    """Median wall time of a plain batched prediction of the test set (after one warm-up)."""
    device = x.device
    times = []
    for _ in range(repeats + 1):
        synchronize(device)
        started = ctx.clock()
        model.head(solve(model.dynamics, model.encoder(x), s).ys[-1]).argmax(-1)
        synchronize(device)
        times.append(ctx.clock() - started)
    return float(np.median(times[1:]))


def train_one(variant: str, setup: TrainingSetup, base: SolverSettings, data: Digits, seed: int,
              ctx: RunContext, progress: tuple[int, int]) -> tuple[dict[str, Any], OdeClassifier]:
    """Train one variant for one seed; return its numbers and the trained model."""
    s = settings_for(variant, base)
    model = new_model(setup, int(ctx.rng(f"init-{seed}").integers(2**31)), data.x_train.device)
    optimizer = torch.optim.Adam(model.parameters(), lr=setup.learning_rate)
    batch_rng, reg_rng = ctx.rng(f"batches-{seed}"), ctx.rng(f"regularizer-{seed}-{variant}")
    train_seconds, n = 0.0, len(data.y_train)
    for epoch in range(1, setup.epochs + 1):
        order = torch.as_tensor(batch_rng.permutation(n), device=data.x_train.device)
        synchronize(data.x_train.device)
        started = ctx.clock()
        nfes, losses = [], []
        for first in range(0, n, setup.batch_size):
            idx = order[first:first + setup.batch_size]
            try:
                forward = regularized_forward(variant, model.dynamics, model.encoder(data.x_train[idx]), s, reg_rng)
            except TooManySteps as exc:
                return {"failed": f"epoch {epoch}: {exc}"}, model
            loss = nn.functional.cross_entropy(model.head(forward.z1), data.y_train[idx])
            optimizer.zero_grad(set_to_none=True)
            (loss + forward.regularizer).backward()
            optimizer.step()
            nfes.append(forward.nfe)
            losses.append(loss.detach())
            ctx.check_cancelled()
        synchronize(data.x_train.device)
        train_seconds += ctx.clock() - started
        accuracy, test_nfe = evaluate(model, data.x_test, data.y_test, s)
        label = f"{variant} (seed {seed})"
        ctx.log_point(epoch, {f"{label} train loss": torch.stack(losses).mean().item()}, panel="loss")
        ctx.log_point(epoch, {f"{label} test accuracy": accuracy}, panel="accuracy")
        ctx.log_point(epoch, {f"{label} test NFE": test_nfe, f"{label} train NFE/batch": float(np.mean(nfes))},
                      panel="NFE")
        ctx.log_point(epoch, {f"{label} train time": train_seconds}, panel="time", unit="s")
        done, total = progress
        ctx.progress((done + epoch / setup.epochs) / total, f"{variant}, seed {seed}, epoch {epoch}")
    accuracy, test_nfe = evaluate(model, data.x_test, data.y_test, s)
    return {
        "test_accuracy": accuracy,
        "test_error": 1.0 - accuracy,
        "test_nfe": float(test_nfe),
        "train_nfe_per_batch": float(np.mean(nfes)),
        "train_seconds": train_seconds,
        "prediction_seconds": prediction_seconds(model, data.x_test, s, setup.prediction_repeats, ctx),
    }, model


def seed_means(per_seed: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, Any]]:
    """{variant: mean of each metric over seeds} plus accuracy_drop_pp against vanilla."""
    outcomes: dict[str, dict[str, Any]] = {}
    for variant, runs in per_seed.items():
        failed = [r["failed"] for r in runs if "failed" in r]
        if failed:
            outcomes[variant] = {"failed": failed[0]}
            continue
        outcomes[variant] = {key: float(np.mean([r[key] for r in runs])) for key in runs[0]}
    vanilla = outcomes.get("vanilla", {}).get("test_accuracy")
    for outcome in outcomes.values():
        if vanilla is not None and "test_accuracy" in outcome:
            outcome["accuracy_drop_pp"] = 100.0 * (vanilla - outcome["test_accuracy"])
    return outcomes


@contextlib.contextmanager
def one_cpu_thread(device: str):
    """Tiny matrices (batch x 64 at most): intra-op threads only add overhead, badly so on a busy host."""
    before = torch.get_num_threads()
    if device == "cpu":
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def run_comparison(variants: tuple[str, ...], setup: TrainingSetup, base: SolverSettings,
                   ctx: RunContext) -> dict[str, Any]:
    """Every variant on every seed (same data, initial weights, batch order); weights of seed 0 saved."""
    with one_cpu_thread(ctx.device):
        return _compare(variants, setup, base, ctx)


def _compare(variants: tuple[str, ...], setup: TrainingSetup, base: SolverSettings, ctx: RunContext) -> dict[str, Any]:
    data = digits_split(ctx.rng("instances"), setup.test_fraction, ctx.torch_device)
    per_seed: dict[str, list[dict[str, Any]]] = {v: [] for v in variants}
    total = setup.seeds * len(variants)
    for seed in range(setup.seeds):
        for i, variant in enumerate(variants):
            numbers, model = train_one(variant, setup, base, data, seed, ctx, (seed * len(variants) + i, total))
            per_seed[variant].append(numbers)
            if seed == 0:
                save_weights(ctx, f"{variant}.safetensors", model, metadata={"variant": variant, "seed": seed})
    return {
        "outcomes": seed_means(per_seed),
        "per_seed": per_seed,
        "device": ctx.device,
        "train_size": len(data.y_train),
        "test_size": len(data.y_test),
    }
