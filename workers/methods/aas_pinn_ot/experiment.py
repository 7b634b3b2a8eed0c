"""One run: the same PINN (same initial weights, loss, step budget and n collocation points per
draw) trained on uniform points, on RAD points and on AAS points, on the peak problem; rel-L2 on a
grid and the coefficient of variation of r² under the uniform measure (what AAS flattens)."""
from __future__ import annotations

import numpy as np
import torch

from ..context import RunContext
from ..shared.pinn import Box, Reference, Schedule, Term, ctx_logger, laplacian, mlp, train
from ..shared.weights import save_weights
from .problem import solution, source
from .samplers import AdversarialSampler, RadSampler, uniform_points

DIM = 2
DOMAIN = Box((-1.0,) * DIM, (1.0,) * DIM)
SAMPLERS = ("uniform", "rad", "aas")
LABELS = {"uniform": "uniform", "rad": "RAD", "aas": "AAS"}
CV_POINTS = 8192


def pde_residual(config):
    """r = −Δu − f (unscaled, so that the loss balances it against the boundary misfit as in DAS)."""

    def residual(model, x):
        u = model(x)[:, 0]
        return -laplacian(u, x) - source(x, config.peaks, config.sharpness)

    return residual


def points_of(kind: str, model, config, ctx: RunContext, device):
    rng = ctx.rng(f"collocation {kind}")
    residual = pde_residual(config)
    if kind == "uniform":
        return lambda: uniform_points(config.collocation, DIM, rng, device)
    if kind == "rad":
        return RadSampler(model, residual, config.collocation, DIM, rng, device)

    def log(numbers):
        ctx.log_point(sampler.updates * config.resample_every, {f"AAS {k}": v for k, v in numbers.items()},
                      panel="adversarial sampler")

    sampler = AdversarialSampler(model, residual, config.collocation, DIM, ctx.torch_generator("sampler"), rng,
                                 device, config, log)
    return sampler


def residual_cv(model, config, ctx: RunContext, device) -> float:
    """std(r²) / mean(r²) over uniform points: 0 for a perfectly flat residual profile."""
    x = uniform_points(CV_POINTS, DIM, ctx.rng("evaluation"), device).requires_grad_(True)
    r2 = pde_residual(config)(model, x).detach().double().pow(2)
    return float(r2.std() / r2.mean().clamp_min(1e-300))


def train_one(kind: str, config, ctx: RunContext, reference: Reference) -> tuple[dict, torch.nn.Module, torch.Tensor]:
    device = ctx.torch_device
    torch.manual_seed(ctx.seed)  # the same initial PINN for every sampler
    model = mlp(DIM, config.width, config.depth, 1).to(device)
    points = points_of(kind, model, config, ctx, device)
    boundary_rng = ctx.rng(f"boundary {kind}")
    terms = [Term("residual", pde_residual(config), points),
             Term("boundary", lambda m, x: m(x)[:, 0] - solution(x, config.peaks, config.sharpness),
                  lambda: DOMAIN.boundary(config.boundary_points, boundary_rng, device=device),
                  weight=config.boundary_weight)]
    schedule = Schedule(adam_steps=config.steps, lr=config.lr, lr_decay=config.lr_decay,
                        resample_every=config.resample_every, eval_every=config.eval_every, log_every=config.eval_every)
    result = train(model, terms, schedule, reference=reference, callback=ctx_logger(ctx, LABELS[kind]),
                   tick=ctx.check_cancelled)
    last_points = points() if kind != "uniform" else None
    outcome = {"rel_l2": result.final["rel_l2"], "max_abs": result.final["max_abs"],
               "residual_cv": residual_cv(model, config, ctx, device), "train_seconds": result.seconds}
    return outcome, model, last_points


def run(config, ctx: RunContext) -> dict:
    torch.set_default_dtype(torch.float32)
    device = ctx.torch_device
    grid = DOMAIN.grid(config.eval_grid, device=device)
    reference = Reference(grid, solution(grid, config.peaks, config.sharpness)[:, None])
    outcomes, snapshots = {}, {}
    for kind in SAMPLERS:
        outcomes[kind], model, last = train_one(kind, config, ctx, reference)
        save_weights(ctx, f"pinn_{kind}.safetensors", model, {"sampler": kind})
        if last is not None:
            snapshots[f"{kind}_points"] = last.detach().cpu().numpy()
        ctx.progress((SAMPLERS.index(kind) + 1) / len(SAMPLERS), f"{LABELS[kind]} trained")
    np.savez(ctx.artifact_path("final_collocation_points.npz"), **snapshots)
    return {"outcomes": outcomes, "device": str(device)}
