"""One run: learn u = (-Δ + 1)^{-1} a on the torus at resolution N0, then test at other resolutions.

Inputs a are Gaussian random fields with at most K Fourier modes per axis, stored as Fourier
coefficients, so every resolution >= 2K + 1 samples the same functions exactly, and so does the
spectral solution u. A plain CNN and an FNO are trained on the same samples at N0; the CNN is
then evaluated plain, with interpolated kernels and with input/output interpolation, the FNO
as it is, at each test resolution, on the same held-out functions.
"""
from __future__ import annotations

import math

import numpy as np
import torch

from ..shared.operators import fields, models, spectral, training
from ..shared.operators.datasets import save_dataset
from ..shared.weights import save_weights
from .resolution import InOutInterpolated, kernel_interpolated

TORUS = 2 * math.pi
VARIANTS = ("cnn-plain", "cnn-kernel-interp", "cnn-in-out-interp", "fno")


def sample_pairs(coeffs: np.ndarray, n: int, dim: int, shift: float, device) -> tuple[torch.Tensor, torch.Tensor]:
    """(a, u) at n points per axis, (count, 1, *grid), float32 on ``device``."""
    a = torch.tensor(fields.evaluate_on_grid(coeffs, n), device=device)
    u = spectral.screened_poisson(a, shift, dim, TORUS)
    return a[:, None].float(), u[:, None].float()


def build_models(config, generator_seed: int):
    torch.manual_seed(generator_seed)
    cnn = models.CNN(config.dim, 1, 1, width=config.cnn_width, kernel=config.kernel, layers=config.cnn_layers)
    fno = models.FNO(config.dim, 1, 1, width=config.fno_width, modes=config.fno_modes, layers=config.fno_layers,
                     projection=2 * config.fno_width)
    return {"cnn": cnn, "fno": fno}


def train_one(name: str, net, train, test, config, ctx, share: tuple[float, float]) -> training.TrainRecord:
    settings = training.TrainSettings(epochs=config.epochs, batch_size=config.batch_size, lr=config.lr)

    def on_epoch(epoch, train_err, test_err):
        ctx.log_point(epoch, {f"{name} train rel-L2": train_err, f"{name} test rel-L2": test_err},
                      panel="training error (N0)")
        ctx.progress(share[0] + (share[1] - share[0]) * epoch / config.epochs, f"training {name}, epoch {epoch}")

    return training.train(net, train, test, settings, generator=ctx.torch_generator("shuffle"), on_epoch=on_epoch,
                          on_batch=ctx.check_cancelled)


def variants_at(trained: dict, n: int, config) -> dict[str, torch.nn.Module]:
    cnn, fno, n0 = trained["cnn"], trained["fno"], config.train_resolution
    return {
        "cnn-plain": cnn,
        "cnn-kernel-interp": models.Rescaled(kernel_interpolated(cnn.model, n0, n), 0.0, cnn.in_scale, 0.0,
                                             cnn.out_scale),
        "cnn-in-out-interp": InOutInterpolated(cnn, n0, config.dim),
        "fno": fno,
    }


def outcome(errors: dict[int, float], n0: int) -> dict:
    base = errors[n0]
    growth = {n: e / base for n, e in errors.items()}
    out = {"error_at_train_resolution": base, "worst_growth": max(growth.values()),
           "errors": {str(n): e for n, e in errors.items()}}
    if 4 * n0 in errors:
        out["error_at_4x"] = errors[4 * n0]
        out["growth_at_4x"] = growth[4 * n0]
    return out


def save_data(ctx, train, test_sets: dict) -> dict:
    """The training pairs and every test resolution's pairs; the test sets alone if that is too large."""
    tests = {f"test_{x}_{n}": t[i].cpu().numpy() for n, t in test_sets.items() for i, x in enumerate("au")}
    saved = save_dataset(ctx, "dataset.npz", {"train_a": train[0].cpu().numpy(), "train_u": train[1].cpu().numpy(),
                                              **tests})
    if not saved["saved"]:
        saved = {**save_dataset(ctx, "dataset.npz", tests), "without": "training pairs (too large)"}
    return saved


def run(config, ctx) -> dict:
    device, n0 = ctx.torch_device, config.train_resolution
    count = config.n_train + config.n_test
    coeffs = fields.grf_coefficients(ctx.rng("instances"), count, config.dim, config.field_modes,
                                     alpha=config.field_alpha, tau=config.field_tau)
    train_coeffs, test_coeffs = coeffs[:config.n_train], coeffs[config.n_train:]
    train = sample_pairs(train_coeffs, n0, config.dim, config.shift, device)
    test_n0 = sample_pairs(test_coeffs, n0, config.dim, config.shift, device)

    trained, records = {}, {}
    for i, (name, net) in enumerate(build_models(config, ctx.seed).items()):
        wrapped = models.Rescaled.fitted(net.to(device), *train, center=False)
        records[name] = train_one(name, wrapped, train, test_n0, config, ctx, (0.05 + 0.45 * i, 0.5 + 0.45 * i))
        trained[name] = wrapped
        save_weights(ctx, f"{name}.safetensors", net, {"train_resolution": n0, "dim": config.dim})

    errors = {v: {} for v in VARIANTS}
    test_sets = {}
    for n in sorted(config.test_resolutions):
        test_sets[n] = sample_pairs(test_coeffs, n, config.dim, config.shift, device)
        for variant, model in variants_at(trained, n, config).items():
            errors[variant][n] = training.evaluate(model.eval(), *test_sets[n], batch_size=config.batch_size * 4)
        ctx.log_point(n, {v: errors[v][n] for v in VARIANTS}, panel="test rel-L2 vs resolution", unit="points per axis")
    outcomes = {v: outcome(errors[v], n0) for v in VARIANTS}
    for v in VARIANTS:
        outcomes[v]["parameters"] = models.parameter_count(trained["fno" if v == "fno" else "cnn"].model)

    dataset = save_data(ctx, train, test_sets)
    return {
        "outcomes": outcomes,
        "train_resolution": n0,
        "test_resolutions": sorted(config.test_resolutions),
        "training": {name: {"final_train": r.final_train, "final_test": r.final_test, "epochs": r.epochs_run}
                     for name, r in records.items()},
        "in_out_vs_kernel_interp_worst_growth": [outcomes["cnn-in-out-interp"]["worst_growth"],
                                                 outcomes["cnn-kernel-interp"]["worst_growth"]],
        "dataset_artifact": dataset,
        "device": str(device),
    }
