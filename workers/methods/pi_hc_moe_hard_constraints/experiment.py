"""One run: the soft-penalty PINN (PI-SC), the global hard-constrained model (PI-HC, one expert) and
the mixture of experts (PI-HC-MoE, K experts over blocks of x) train on the same loss, points and
step budget (the mixture's loss also penalizes the jump of u and u_x across its interfaces); then the time of one training step of PI-HC and PI-HC-MoE is measured as the number
of points in the constrained solve grows.
"""
from __future__ import annotations

import statistics
import time

import numpy as np
import torch

from ..context import RunContext
from ..shared.pinn import Box, Reference, Schedule, Term, ctx_logger, derivative, mlp, train
from ..shared.weights import save_weights
from .model import HardConstrainedExperts, draw_solve_points, interface_jump
from .problem import exact, initial, residual

DOMAIN = Box((0.0, 0.0), (1.0, 1.0))
MODELS = ("soft", "hc", "moe")
LABELS = {"soft": "PI-SC", "hc": "PI-HC", "moe": "PI-HC-MoE"}


def pde_residual(model, xt):
    u = model(xt)
    return residual(u, derivative(u, xt, (0, 1)), derivative(u, xt, (2, 0)))


def loss_terms(config, rng: np.random.Generator, device, experts: int = 1) -> list[Term]:
    """The training loss of all three models: PDE residual, initial and boundary misfits (soft)."""

    def collocation():
        return DOMAIN.interior(config.collocation, rng, device=device)

    def initial_points():
        x = torch.as_tensor(rng.random(config.initial_points), dtype=torch.float32, device=device)
        return torch.stack([x, torch.zeros_like(x)], dim=1)

    def boundary_points():
        t = torch.as_tensor(rng.random(config.initial_points), dtype=torch.float32, device=device)
        x = (torch.arange(t.shape[0], device=device) % 2).to(t.dtype)
        return torch.stack([x, t], dim=1)

    def interface_points():
        x = torch.as_tensor(rng.integers(1, experts, config.initial_points) / experts, dtype=torch.float32, device=device)
        return torch.stack([x, torch.as_tensor(rng.random(x.shape[0]), dtype=torch.float32, device=device)], dim=1)

    terms = [Term("residual", pde_residual, collocation),
             Term("initial", lambda m, xt: m(xt)[:, 0] - initial(xt[:, 0]), initial_points, weight=config.penalty),
             Term("boundary", lambda m, xt: m(xt)[:, 0], boundary_points, weight=config.penalty)]
    if experts > 1:
        terms.append(Term("interface", interface_jump, interface_points, weight=config.penalty))
    return terms


def build(kind: str, config, experts: int, n_solve: int, rng: np.random.Generator, device):
    if kind == "soft":
        return mlp(2, config.width, config.depth, 1).to(device)
    points = draw_solve_points(experts, n_solve // experts, config.initial_points // experts or 1,
                               config.boundary_points, config.equality_points, rng, device)
    return HardConstrainedExperts(mlp(2, config.width, config.depth, config.basis).to(device), points, config.ridge)


def train_all(config, ctx: RunContext) -> dict:
    device = ctx.torch_device
    grid = DOMAIN.grid(config.eval_grid, device=device)
    reference = Reference(grid, exact(grid)[:, None])
    schedule = Schedule(adam_steps=config.steps, lr=config.lr, lr_decay=config.lr_decay, eval_every=config.eval_every,
                        log_every=config.eval_every)
    outcomes = {}
    for kind in MODELS:
        torch.manual_seed(ctx.seed)  # same initial network weights for every model's backbone
        experts = config.experts if kind == "moe" else 1
        model = build(kind, config, experts, config.solve_points, ctx.rng("solve points"), device)
        terms = loss_terms(config, ctx.rng("collocation"), device, experts)
        result = train(model, terms, schedule, reference=reference,
                       callback=ctx_logger(ctx, LABELS[kind]), tick=ctx.check_cancelled)
        outcomes[kind] = {"rel_l2": result.final["rel_l2"], "max_abs": result.final["max_abs"],
                          "train_seconds": result.seconds, "seconds_per_step": result.seconds / max(result.steps, 1)}
        save_weights(ctx, f"{kind}.safetensors", model.basis if kind != "soft" else model, {"model": LABELS[kind]})
        ctx.progress(0.8 * (MODELS.index(kind) + 1) / len(MODELS), f"{LABELS[kind]} trained")
    return outcomes


def step_seconds(model, config, rng: np.random.Generator, device, repeats: int) -> float:
    """Median wall time of one training step (solve, loss, backward) of ``model``."""
    xt = DOMAIN.interior(config.collocation, rng, device=device).requires_grad_(True)
    times = []
    for _ in range(repeats + 1):
        started = time.perf_counter()
        model.zero_grad(set_to_none=True)
        model.forget_solve()
        pde_residual(model, xt).pow(2).mean().backward()
        if xt.is_cuda:
            torch.cuda.synchronize(xt.device)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:])  # the first step warms up


def timing_sweep(config, ctx: RunContext) -> dict:
    """{"hc": {"x": [points], "y": [seconds]}, "moe": {...}} over ``config.timing_points``."""
    fits = {"hc_time": {"x": [], "y": []}, "moe_time": {"x": [], "y": []}}
    rng = ctx.rng("timing")
    for n in config.timing_points:
        for kind, experts in (("hc", 1), ("moe", config.experts)):
            torch.manual_seed(ctx.seed)
            model = build(kind, config, experts, n, rng, ctx.torch_device)
            seconds = step_seconds(model, config, rng, ctx.torch_device, config.timing_repeats)
            fits[f"{kind}_time"]["x"].append(n)
            fits[f"{kind}_time"]["y"].append(seconds)
        ctx.log_point(n, {f"{LABELS[k]} s/step": fits[f"{k}_time"]["y"][-1] for k in ("hc", "moe")},
                      panel="time per step vs solve points", unit="s")
    return fits


def run(config, ctx: RunContext) -> dict:
    torch.set_default_dtype(torch.float32)
    outcomes = train_all(config, ctx)
    fits = timing_sweep(config, ctx)
    for kind in ("hc", "moe"):
        outcomes[kind]["seconds_at_most_points"] = fits[f"{kind}_time"]["y"][-1]
    outcomes["soft"]["seconds_at_most_points"] = outcomes["soft"]["seconds_per_step"]
    return {"outcomes": outcomes, "fits": fits, "device": str(ctx.torch_device),
            "timing_points": list(config.timing_points)}
