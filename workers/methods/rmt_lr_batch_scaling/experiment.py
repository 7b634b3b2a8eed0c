"""One run on digits with a tanh MLP:

1. spectrum: train the net briefly (SGD), then estimate the extremal eigenvalues of the Hessian
   of the loss on random mini-batches of size B (Lanczos from a random start, averaged over
   batches) and on the whole training set (stochastic Lanczos quadrature, same steps);
2. divergence sweep: from the same initial weights, SGD and Adam at each batch size over a
   log-spaced learning-rate grid (all rates side by side, same batches); the largest stable
   rate is the largest of the grid below the first rate whose final training loss is not
   below the initial one.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from ..context import RunContext
from ..shared.datasets import digits, mlp, seeded
from ..shared.hessian import loss_hessian_matvec, slq
from ..shared.threads import one_thread_on_cpu
from ..shared.weights import save_weights
from .batched import BatchedOptimizer, losses, stack_mlp

OPTIMIZERS = ("sgd", "adam")


def pretrain(model, x, y, config, ctx: RunContext) -> float:
    optimizer = torch.optim.SGD(model.parameters(), lr=config.pretrain_lr)
    generator = ctx.torch_generator("pretrain")
    for step in range(1, config.pretrain_steps + 1):
        idx = torch.randint(0, len(y), (config.pretrain_batch,), generator=generator, device=y.device)
        optimizer.zero_grad(set_to_none=True)
        F.cross_entropy(model(x[idx]), y[idx]).backward()
        optimizer.step()
        if step % 10 == 0:
            with torch.no_grad():
                ctx.log("pretraining loss", step, float(F.cross_entropy(model(x), y)), panel="pretraining loss")
    with torch.no_grad():
        return float(F.cross_entropy(model(x), y))


def batch_spectrum(model, x, y, idx, config, generator) -> tuple[float, float, np.ndarray, np.ndarray]:
    """λ_max, λ_min (Ritz extremes over probes) and the SLQ nodes/weights of the loss Hessian on x[idx]."""
    params = list(model.parameters())
    matvec = loss_hessian_matvec(F.cross_entropy(model(x[idx]), y[idx]), params)
    dim = sum(p.numel() for p in params)
    estimate = slq(matvec, dim, config.lanczos_steps, 1, generator, device=x.device, dtype=x.dtype)
    return estimate.largest, estimate.smallest, estimate.nodes.numpy(), estimate.weights.numpy()


def spectra(model, x, y, config, ctx: RunContext) -> tuple[dict, dict]:
    """Per batch size: mean λ_max, λ_min over random batches; the full-batch values; SLQ densities."""
    generator = ctx.torch_generator("lanczos")
    picks = ctx.torch_generator("spectrum-batches")
    n = len(y)
    full = [batch_spectrum(model, x, y, torch.arange(n, device=y.device), config, generator)
            for _ in range(config.batches_per_size)]
    full_max, full_min = float(np.mean([f[0] for f in full])), float(np.mean([f[1] for f in full]))
    densities = {"full_nodes": np.stack([f[2] for f in full]), "full_weights": np.stack([f[3] for f in full])}
    cells = {}
    for b in [b for b in config.spectrum_batches if b < n]:
        found = [batch_spectrum(model, x, y, torch.randperm(n, generator=picks, device=y.device)[:b], config, generator)
                 for _ in range(config.batches_per_size)]
        top, bottom = float(np.mean([f[0] for f in found])), float(np.mean([f[1] for f in found]))
        densities[f"B{b}_nodes"], densities[f"B{b}_weights"] = np.stack([f[2] for f in found]), np.stack([f[3] for f in found])
        cells[f"B={b}"] = {
            "batch": {"lambda_max": top, "lambda_min": bottom, "spectral_width": top - bottom, "batch": b},
            "full": {"lambda_max": full_max, "lambda_min": full_min, "spectral_width": full_max - full_min, "batch": n},
        }
        ctx.log_point(b, {"lambda_max(H_B)": top, "lambda_max(H_full)": full_max}, panel="Hessian lambda_max vs batch size")
        ctx.log_point(b, {"lambda_min(H_B)": bottom, "lambda_min(H_full)": full_min}, panel="Hessian lambda_min vs batch size")
    return cells, densities


def largest_stable(lrs: list[float], stable: list[bool]) -> tuple[float | None, bool]:
    """The largest rate below the first unstable one, and whether the grid's top was still stable (censored)."""
    first_bad = next((i for i, ok in enumerate(stable) if not ok), len(lrs))
    return (lrs[first_bad - 1] if first_bad > 0 else None), first_bad == len(lrs)


def sweep(base, x, y, optimizer: str, batch: int, lrs: list[float], config, ctx: RunContext) -> dict:
    params = stack_mlp(base, len(lrs))
    stepper = BatchedOptimizer(optimizer, torch.tensor(lrs, dtype=x.dtype, device=x.device))
    generator = ctx.torch_generator(f"sweep-{batch}")
    with torch.no_grad():
        start = losses(params, x, y)
    for _ in range(config.sweep_steps):
        idx = torch.randint(0, len(y), (batch,), generator=generator, device=y.device)
        grads = torch.autograd.grad(losses(params, x[idx], y[idx]).sum(), params)
        stepper.step(params, grads)
        ctx.check_cancelled()
    with torch.no_grad():
        final = losses(params, x, y)
    stable = [bool(ok) for ok in (torch.isfinite(final) & (final < start)).cpu()]
    for lr, loss in zip(lrs, final.cpu().tolist()):
        ctx.log(f"{optimizer} B={batch}", lr, loss if math.isfinite(loss) else 1e30, panel="final train loss vs lr")
    best, censored = largest_stable(lrs, stable)
    return {"largest_stable_lr": best, "censored": censored, "stable": stable,
            "final_loss": [float(v) for v in final.cpu()], "initial_loss": float(start[0])}


def lr_grid(low: float, high: float, points: int) -> list[float]:
    return [float(v) for v in np.logspace(math.log10(low), math.log10(high), points)]


def run(config, ctx: RunContext) -> dict:
    with one_thread_on_cpu(ctx.device):
        return run_experiment(config, ctx)


def run_experiment(config, ctx: RunContext) -> dict:
    device = ctx.torch_device
    data = digits(ctx.rng("instances")).to(device)
    x, y = data.x_train, data.y_train
    build = lambda: mlp([x.shape[1], *[config.hidden] * config.depth, 10], "tanh")
    model = seeded(build, ctx.seed, device)
    base = seeded(build, ctx.seed, device)
    ctx.progress(0.0, "pretraining")
    trained_loss = pretrain(model, x, y, config, ctx)
    save_weights(ctx, "measured_model.safetensors", model, {"train_loss": f"{trained_loss:.6g}"})
    ctx.progress(0.1, "Hessian spectra")
    cells, densities = spectra(model, x, y, config, ctx)
    np.savez_compressed(ctx.artifact_path("slq_densities.npz"), **densities)
    grids = {"sgd": lr_grid(config.sgd_lr_min, config.sgd_lr_max, config.lr_points),
             "adam": lr_grid(config.adam_lr_min, config.adam_lr_max, config.lr_points)}
    thresholds: dict[str, dict[str, dict]] = {o: {} for o in OPTIMIZERS}
    for k, optimizer in enumerate(OPTIMIZERS):
        for b in config.sweep_batches:
            ctx.progress(0.2 + 0.8 * k / 2, f"{optimizer} divergence sweep, B={b}")
            thresholds[optimizer][f"B={b}"] = found = sweep(base, x, y, optimizer, b, grids[optimizer], config, ctx)
            if found["largest_stable_lr"] is not None:
                ctx.log(f"{optimizer} largest stable lr", b, found["largest_stable_lr"], panel="largest stable lr vs batch size")
    return {
        "spectrum": cells,
        "trained_loss": trained_loss,
        "thresholds": thresholds,
        "lr_grids": grids,
        "fits": fits(cells, thresholds),
        "parameters": sum(p.numel() for p in model.parameters()),
        "train_size": len(y),
    }


def fits(cells: dict, thresholds: dict) -> dict:
    """Excess λ_max(H_B) − λ_max(H_full) vs B; largest stable lr vs B (censored points left out)."""
    rows = [c for c in cells.values() if c["batch"]["lambda_max"] > c["full"]["lambda_max"]]
    out = {"excess_vs_batch": {"x": [c["batch"]["batch"] for c in rows],
                               "y": [c["batch"]["lambda_max"] - c["full"]["lambda_max"] for c in rows]}}
    for optimizer, per_batch in thresholds.items():
        kept = [(int(label[2:]), t["largest_stable_lr"]) for label, t in per_batch.items()
                if t["largest_stable_lr"] is not None and not t["censored"]]
        out[f"{optimizer}_lr_vs_batch"] = {"x": [b for b, _ in kept], "y": [lr for _, lr in kept]}
    return out
