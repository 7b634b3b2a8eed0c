"""One run: the three sub-claims on the run's seed and device.

A: spirals with points dropped at each drop rate; NCDE, GRU-Δt and GRU-ffill trained on the same
series with the same budget. B: the memory scan of the adjoint vs backprop through RK4.
C: a neural SDE and a neural ODE fitted to the same OU sample by moment matching.
"""
from __future__ import annotations

import numpy as np
import torch

from ..context import RunContext
from ..shared.operators.datasets import save_dataset
from ..shared.sde import OrnsteinUhlenbeck
from ..shared.weights import save_weights
from . import cde, sde_fit
from .memory import memory_scan

OU = OrnsteinUhlenbeck(kappa=1.0, mean_level=0.0, sigma=0.8, x0=1.5)
SDE_T_END = 3.0


def seed_torch(ctx: RunContext, stream: str) -> None:
    """Deterministic weight initialization per model, from the run's seed."""
    torch.manual_seed(int(ctx.rng(stream).integers(2**31 - 1)))


def missing_data_part(config, ctx: RunContext) -> dict:
    rng = ctx.rng("instances")
    total = config.train_series + config.test_series
    t, points, labels = cde.spirals(rng, total, config.length)
    save_dataset(ctx, "spirals.npz", {"times": t, "points": points, "labels": labels})
    scores: dict[str, dict[str, dict]] = {name: {} for name in cde.MODELS}
    for drop in config.drop_rates:
        keep = cde.keep_masks(rng, total, config.length, drop)
        data = cde.irregular(t, points, labels, keep, ctx.torch_device)
        train_rows = torch.arange(config.train_series, device=ctx.torch_device)
        test_rows = torch.arange(config.train_series, total, device=ctx.torch_device)
        for name in cde.MODELS:
            scores[name][f"{drop:g}"] = train_one(config, ctx, name, drop, data, train_rows, test_rows)
    return scores


def train_one(config, ctx, name, drop, data, train_rows, test_rows) -> dict:
    seed_torch(ctx, f"init-{name}")
    model = cde.build(name, config.hidden, config.width).to(ctx.torch_device)
    inputs, lengths = cde.model_inputs(name, data)
    tag = f"{name} drop {drop:.0%}"

    def on_epoch(epoch: int) -> None:
        s = cde.evaluate(model, inputs[test_rows], lengths[test_rows], data.labels[test_rows])
        ctx.log(f"test accuracy {tag}", epoch, s.accuracy, panel="accuracy")
        ctx.log(f"test loss {tag}", epoch, s.loss, panel="loss")

    cde.train_classifier(model, inputs[train_rows], lengths[train_rows], data.labels[train_rows],
                         epochs=config.epochs, batch=config.batch_size, lr=config.lr,
                         generator=ctx.torch_generator(f"batches-{name}-{drop}"), on_epoch=on_epoch)
    save_weights(ctx, f"{name}_drop{round(drop * 100)}.safetensors", model)
    s = cde.evaluate(model, inputs[test_rows], lengths[test_rows], data.labels[test_rows])
    return {"accuracy": s.accuracy, "loss": s.loss, "parameters": cde.parameter_count(model),
            "mean_observations": float(data.lengths.float().mean())}


def memory_part(config, ctx: RunContext) -> dict:
    def on_point(steps, scan):
        for name in ("backprop", "adjoint"):
            ctx.log(f"saved bytes {name}", steps, scan.saved_bytes[name][-1], panel="memory", unit="bytes")
            if ctx.torch_device.type == "cuda":
                ctx.log(f"CUDA peak {name}", steps, scan.cuda_bytes[name][-1], panel="memory", unit="bytes")
        ctx.log("adjoint gradient gap", steps, scan.gradient_gap[-1], panel="gradient error")

    seed_torch(ctx, "init-memory")
    scan, field_ = memory_scan(config.memory_steps, dim=config.memory_dim, width=config.memory_width,
                               batch=config.memory_batch, device=ctx.torch_device,
                               generator=ctx.torch_generator("memory"), on_point=on_point)
    save_weights(ctx, "memory_field.safetensors", field_)
    source = "cuda" if ctx.torch_device.type == "cuda" else "saved"
    peaks = scan.cuda_bytes if source == "cuda" else scan.saved_bytes
    return {"steps": scan.steps, "saved_bytes": scan.saved_bytes, "cuda_bytes": scan.cuda_bytes,
            "gradient_gap": scan.gradient_gap, "source": source, "peaks": peaks}


def sde_part(config, ctx: RunContext) -> dict:
    stride = config.sde_steps // config.sde_observations
    times = torch.arange(1, config.sde_observations + 1, device=ctx.torch_device) * (SDE_T_END / config.sde_observations)
    data = OU.exact_paths(times.float(), config.sde_data_paths, ctx.torch_generator("ou-data"))
    ctx.save_artifact("ou_sample.npz", _npz({"times": times.cpu().numpy(), "paths": data.cpu().numpy()}))
    out = {}
    for name, stochastic in (("neural_sde", True), ("neural_ode", False)):
        seed_torch(ctx, f"init-{name}")
        model = sde_fit.NeuralSDE(config.sde_width, stochastic).to(ctx.torch_device)
        sde_fit.fit(model, data, OU, t1=SDE_T_END, steps=config.sde_steps, stride=stride, batch=config.sde_batch,
                    iterations=config.sde_iterations, lr=config.sde_lr, generator=ctx.torch_generator(f"bm-{name}"),
                    on_iteration=lambda it, loss, n=name: ctx.log(f"moment loss {n}", it, loss, panel="SDE loss"))
        save_weights(ctx, f"{name}.safetensors", model)
        out[name] = sde_fit.marginal_error(model, OU, t1=SDE_T_END, steps=config.sde_steps, stride=stride,
                                           count=config.sde_eval_paths, generator=ctx.torch_generator(f"eval-{name}"))
    return out


def _npz(arrays) -> bytes:
    from ..shared.operators.datasets import npz_bytes

    return npz_bytes({k: np.asarray(v) for k, v in arrays.items()})


def outcomes_of(missing: dict, sde: dict, drop_rates) -> dict:
    low, high = f"{min(drop_rates):g}", f"{max(drop_rates):g}"
    outcomes = {}
    for name, per_drop in missing.items():
        outcomes[name] = {"accuracy_loss": per_drop[low]["accuracy"] - per_drop[high]["accuracy"],
                          "test_loss_at_max_drop": per_drop[high]["loss"],
                          "accuracy_at_max_drop": per_drop[high]["accuracy"], "accuracy_at_min_drop": per_drop[low]["accuracy"]}
    for name, fit in sde.items():
        outcomes[name] = {k: fit[k] for k in ("marginal_error", "mean_error", "std_error")}
    return outcomes


def run(config, ctx: RunContext) -> dict:
    torch.set_default_dtype(torch.float32)
    ctx.progress(0.0, "neural CDE vs GRU on irregular spirals")
    missing = missing_data_part(config, ctx)
    ctx.progress(0.6, "adjoint vs backprop memory scan")
    memory = memory_part(config, ctx)
    ctx.progress(0.75, "neural SDE vs neural ODE on OU marginals")
    sde = sde_part(config, ctx)
    fits = {f"{name}_memory": {"x": memory["steps"], "y": memory["peaks"][name]} for name in ("backprop", "adjoint")}
    outcomes = outcomes_of(missing, sde, config.drop_rates)
    outcomes["adjoint"] = {"gradient_gap": memory["gradient_gap"][-1]}
    return {"outcomes": outcomes, "missing_data": missing, "memory": memory,
            "fits": fits, "sde": sde, "device": str(ctx.torch_device),
            "ou": {"kappa": OU.kappa, "mean_level": OU.mean_level, "sigma": OU.sigma, "x0": OU.x0, "t_end": SDE_T_END}}
