"""One run: AdaHessian, Adam and SGD (momentum 0.9) on each task, over the same grid of learning
rates (each optimizer's default times the same factors) and the same seeds, data and
initial weights; then the Hutchinson diagonal against the exact Hessian diagonal of a tiny model."""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from ..context import RunContext
from ..shared.datasets import accuracy, digits, mlp, seeded
from ..shared.hessian import flat, hutchinson_diagonal, unflat
from ..shared.threads import one_thread_on_cpu
from ..shared.weights import save_weights
from .optimizer import make_stepper
from .tasks import NetTask, digits_cnn, digits_mlp, ill_conditioned_logistic

OPTIMIZERS = ("adahessian", "adam", "sgd")
DEFAULT_LR = {"adahessian": 0.15, "adam": 1e-3, "sgd": 0.1}  # AdaHessian's from the official repo


@dataclass
class TrainResult:
    test_error: float
    train_loss: float
    step_seconds: list[float]
    model: torch.nn.Module


def build_tasks(config, rng: np.random.Generator) -> list[NetTask]:
    builders = {
        "digits-mlp": lambda: digits_mlp(rng, config.hidden),
        "digits-cnn": lambda: digits_cnn(rng, config.channels),
        "logreg": lambda: ill_conditioned_logistic(rng, 2000, 20, config.condition),
    }
    return [builders[name]() for name in config.tasks]


def train(task: NetTask, optimizer: str, lr: float, seed: int, config, ctx: RunContext, series: str) -> TrainResult:
    device = ctx.torch_device
    data = task.data.to(device)
    model = seeded(task.build, seed, device)
    step = make_stepper(optimizer, list(model.parameters()), lr, spatial=config.spatial_averaging,
                        generator=ctx.torch_generator(f"hutchinson-{seed}"))
    order = ctx.torch_generator(f"batches-{seed}")
    n, times = len(data.y_train), []
    for epoch in range(1, config.epochs + 1):
        perm = torch.randperm(n, generator=order, device=device)
        for start in range(0, n, config.batch_size):
            batch = perm[start:start + config.batch_size]
            began = time.perf_counter()
            step(F.cross_entropy(model(data.x_train[batch]), data.y_train[batch]))
            if device.type == "cuda":
                torch.cuda.synchronize(device)
            times.append(time.perf_counter() - began)
        if series:
            ctx.log(series, epoch, 1.0 - accuracy(model, data.x_test, data.y_test), panel="test error")
        else:
            ctx.check_cancelled()
    with torch.no_grad():
        loss = float(F.cross_entropy(model(data.x_train), data.y_train))
    error = 1.0 - accuracy(model, data.x_test, data.y_test)
    return TrainResult(error if np.isfinite(loss) else 1.0, loss, times, model)


def compare_on_task(task: NetTask, config, ctx: RunContext) -> dict:
    """{optimizer: outcome} at each optimizer's best learning rate (by mean test error over seeds)."""
    outcomes = {}
    for optimizer in OPTIMIZERS:
        lrs = [DEFAULT_LR[optimizer] * f for f in config.lr_factors]
        errors = np.zeros((len(lrs), config.seeds))
        step_times: list[float] = []
        seed0_models = []
        for i, lr in enumerate(lrs):
            for seed in range(config.seeds):
                series = f"{task.name} {optimizer}[lr={lr:g}]" if seed == 0 else ""
                result = train(task, optimizer, lr, seed, config, ctx, series)
                errors[i, seed] = result.test_error
                step_times += result.step_seconds[1:]
                if seed == 0:
                    seed0_models.append(result.model)
            ctx.log(f"{task.name} {optimizer}", lr, float(errors[i].mean()), panel="test error vs learning rate")
        best = int(np.argmin(errors.mean(axis=1)))
        save_weights(ctx, f"{task.name}_{optimizer}.safetensors", seed0_models[best],
                     {"task": task.name, "optimizer": optimizer, "lr": lrs[best], "seed": 0})
        outcomes[optimizer] = {
            "test_error": float(errors[best].mean()),
            "test_error_std": float(errors[best].std()),
            "best_lr": lrs[best],
            "errors_by_lr": {f"{lr:g}": float(e) for lr, e in zip(lrs, errors.mean(axis=1))},
            "error_spread": float(errors.mean(axis=1).max() - errors.mean(axis=1).min()),
            "step_ms": 1e3 * float(np.median(step_times)),
        }
    for name in OPTIMIZERS:
        outcomes[name]["step_cost_vs_adam"] = outcomes[name]["step_ms"] / outcomes["adam"]["step_ms"]
    return outcomes


def diagonal_check(config, ctx: RunContext) -> dict:
    """Hutchinson's diag(H) (mean of z ⊙ Hz over S samples) vs torch's exact Hessian of a tiny
    64-h-10 MLP on 200 digits; the error is measured in units of its predicted standard error
    √(Σ_i Σ_{j≠i} H_ij² / S), so an unbiased estimate gives a ratio of about 1."""
    data = digits(ctx.rng("diagonal"))
    x, y = data.x_train[:200].double(), data.y_train[:200]
    model = seeded(lambda: mlp([64, config.tiny_hidden, 10], "relu"), 0, dtype=torch.float64)
    params, names = list(model.parameters()), [n for n, _ in model.named_parameters()]

    def loss_of(vector: torch.Tensor) -> torch.Tensor:
        logits = torch.func.functional_call(model, dict(zip(names, unflat(vector, params))), (x,))
        return F.cross_entropy(logits, y)

    exact = torch.autograd.functional.hessian(loss_of, flat(params).detach(), vectorize=True)
    grads = torch.autograd.grad(F.cross_entropy(model(x), y), params, create_graph=True)
    samples = config.hutchinson_samples
    generator = torch.Generator().manual_seed(int(ctx.rng("diagonal-z").integers(2**62)))
    estimate = flat(hutchinson_diagonal(grads, params, samples, generator))
    diagonal = torch.diagonal(exact)
    predicted = float((((exact ** 2).sum(dim=1) - diagonal ** 2) / samples).sum().sqrt())
    error = float((estimate - diagonal).norm())
    ctx.log("Hutchinson diagonal relative error", samples, error / float(diagonal.norm()), panel="Hessian diagonal")
    return {"parameters": int(diagonal.numel()), "samples": samples, "error_norm": error,
            "predicted_error_norm": predicted, "diag_error_z": error / predicted,
            "relative_error": error / float(diagonal.norm())}


def run(config, ctx: RunContext) -> dict:
    with one_thread_on_cpu(ctx.device):
        return run_experiment(config, ctx)


def run_experiment(config, ctx: RunContext) -> dict:
    tasks = build_tasks(config, ctx.rng("instances"))
    by_task = {}
    for k, task in enumerate(tasks):
        ctx.progress(k / (len(tasks) + 1), f"training on {task.name}")
        by_task[task.name] = compare_on_task(task, config, ctx)
    diag = diagonal_check(config, ctx)
    return {"tasks": by_task, "outcomes": {"adahessian": diag}, "device": ctx.device}
