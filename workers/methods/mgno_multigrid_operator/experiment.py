"""One run: Darcy flow data generated in the run, MgNO vs FNO vs U-Net trained on the same samples.

Data: -div(a ∇u) = 1 on [0, 1]², u = 0 on the boundary, a = 12 where a GRF with covariance
(-Δ + 9)^{-2} is >= 0 and 3 elsewhere, solved by finite volumes (``shared/operators/darcy.py``).
Each model maps a to u on the s × s grid; inputs and outputs are rescaled by the training set's
mean and standard deviation; the loss is the relative L2 error; every model gets the same
epochs, batch size, learning rate and cosine schedule.
"""
from __future__ import annotations

import torch

from ..shared.operators import darcy, models, training
from ..shared.operators.datasets import OperatorData, save_dataset
from ..shared.weights import save_weights
from .mgno import MgNO

SOLVERS = ("mgno", "fno", "unet")


def generate(config, ctx) -> OperatorData:
    count = config.n_train + config.n_test

    def solved(i: int) -> None:
        if i % 20 == 0:
            ctx.progress(0.1 * i / count, f"Darcy solve {i}/{count}")
            ctx.check_cancelled()

    a, u = darcy.darcy_dataset(ctx.rng("instances"), count, config.resolution, callback=solved,
                               tau=config.field_tau)
    return OperatorData(a[:, None], u[:, None], meta={"resolution": config.resolution})


def build(name: str, config) -> torch.nn.Module:
    if name == "mgno":
        return MgNO(1, 1, channels=config.mgno_channels, layers=config.mgno_layers,
                    smoothings=[1] * config.mgno_levels)
    if name == "fno":
        return models.FNO(2, 1, 1, width=config.fno_width, modes=config.fno_modes, layers=4,
                          projection=4 * config.fno_width, periodic=False, padding=max(2, config.resolution // 8))
    return models.UNet(2, 1, 1, width=config.unet_width, depth=config.unet_depth)


def train_solver(name: str, net, train, test, config, ctx, share) -> training.TrainRecord:
    settings = training.TrainSettings(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr,
                                      weight_decay=config.weight_decay)

    def on_epoch(epoch, train_err, test_err):
        ctx.log_point(epoch, {f"{name} train": train_err, f"{name} test": test_err}, panel="relative L2")
        ctx.progress(share[0] + (share[1] - share[0]) * epoch / config.epochs, f"{name}: epoch {epoch}")

    return training.train(net, train, test, settings, generator=ctx.torch_generator(f"shuffle-{name}"),
                          on_epoch=on_epoch, on_batch=ctx.check_cancelled)


def outcome(record: training.TrainRecord, parameters: int, seconds: float) -> dict:
    return {"test_rel_l2": record.final_test, "train_rel_l2": record.final_train,
            "generalization_gap": record.final_test / max(record.final_train, 1e-12),
            "best_test_rel_l2": min(record.test_errors), "parameters": parameters,
            "seconds_per_epoch": seconds / max(record.epochs_run, 1)}


def epochs_to_reach(records: dict, level: float, cap: int) -> dict:
    """Epochs each solver needed to bring its test error to ``level`` (censored at the cap)."""
    out = {}
    for name, record in records.items():
        hit = training.first_epoch_below(record.test_errors, level)
        out[name] = {"epochs": hit} if hit is not None else {"epochs": cap, "censored": ["epochs"]}
    return out


def run(config, ctx) -> dict:
    device = ctx.torch_device
    data = generate(config, ctx)
    dataset = save_dataset(ctx, "darcy.npz", data.arrays())
    train_set, test_set = data.split(config.n_train)
    train, test = train_set.tensors(device), test_set.tensors(device)

    records, outcomes = {}, {}
    for i, name in enumerate(SOLVERS):
        torch.manual_seed(ctx.seed)
        net = build(name, config).to(device)
        wrapped = models.Rescaled.fitted(net, *train)
        started = ctx.clock()
        share = (0.1 + 0.3 * i, 0.4 + 0.3 * i)
        records[name] = train_solver(name, wrapped, train, test, config, ctx, share)
        outcomes[name] = outcome(records[name], models.parameter_count(net), ctx.clock() - started)
        save_weights(ctx, f"{name}.safetensors", net, {"resolution": config.resolution})

    target = 2.0 * outcomes["mgno"]["test_rel_l2"]
    return {
        "outcomes": outcomes,
        "twice_mgno_final_rel_l2": target,
        "to_target": {"": epochs_to_reach(records, target, config.epochs)},
        "resolution": config.resolution,
        "dataset_artifact": dataset,
        "device": str(device),
    }
