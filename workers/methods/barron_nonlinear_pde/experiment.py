"""One run: for each dimension d and width W, a periodic two-layer network trained as a PINN on the
manufactured nonlinear elliptic problem of that d (same Barron norm for all d); the relative L2 error
on held-out uniform points, the error at a fixed width vs d, and the smallest width reaching ε vs d."""
from __future__ import annotations

import torch

from ..shared import pinn
from ..shared.weights import save_weights
from .manufactured import PeriodicTwoLayer, draw_pattern, manufactured


def train_one(problem, dim: int, width: int, config, ctx) -> dict:
    device = ctx.torch_device
    box = pinn.Box((0.0,) * dim, (1.0,) * dim)
    rng = ctx.rng(f"collocation d={dim} W={width}")
    test = box.interior(config.test_points, ctx.rng(f"test d={dim}"), device=device)
    reference = pinn.Reference(test, problem.u(test))
    torch.manual_seed(ctx.seed * 10_000 + dim * 1000 + width)
    model = PeriodicTwoLayer(dim, width).to(device)
    term = pinn.Term("pde", problem.residual, lambda: box.interior(config.collocation_points, rng, device=device))
    schedule = pinn.Schedule(adam_steps=config.adam_steps, lr=config.lr, lr_decay=config.lr_decay,
                             lbfgs_steps=config.lbfgs_steps, lbfgs_draws=-(-config.lbfgs_points // config.collocation_points),
                             eval_every=config.eval_every, log_every=config.log_every)
    result = pinn.train(model, [term], schedule, reference=reference,
                        callback=pinn.ctx_logger(ctx, f"d={dim} W={width}"))
    if width == max(config.widths):
        save_weights(ctx, f"d{dim}-w{width}.safetensors", model, {"dim": dim, "width": width})
    return {"rel_l2": result.final["rel_l2"], "loss": result.final["loss"], "seconds": result.seconds,
            "parameters": pinn.parameter_count(model)}


def width_to_error(row: dict, widths: list[int], target: float) -> int | None:
    reached = [w for w in sorted(widths) if row[f"W={w}"]["rel_l2"] <= target]
    return reached[0] if reached else None


def run(config, ctx) -> dict:
    pattern = draw_pattern(config.terms, ctx.rng("instances"))
    grid: dict = {}
    cases = [(d, w) for d in config.dims for w in config.widths]
    for k, (dim, width) in enumerate(cases):
        ctx.progress(k / len(cases), f"d={dim}, width {width}")
        problem = manufactured(pattern, dim, config.nonlinearity, ctx.rng(f"coordinates d={dim}"), ctx.torch_device)
        row = grid.setdefault(f"d={dim}", {"barron_norm": problem.barron_norm})
        row[f"W={width}"] = train_one(problem, dim, width, config, ctx)
    judge = min(config.widths, key=lambda w: abs(w - config.judge_width))
    reached = {d: width_to_error(grid[f"d={d}"], config.widths, config.target_error) for d in config.dims}
    for d in config.dims:
        ctx.log_point(d, {f"rel L2 at W={judge}": grid[f"d={d}"][f"W={judge}"]["rel_l2"]}, panel="error vs dimension")
        if reached[d] is not None:
            ctx.log_point(d, {f"width to rel L2 {config.target_error:g}": reached[d]}, panel="width vs dimension")
    ctx.progress(1.0, "done")
    return {
        "grid": grid,
        "judge_width": judge,
        "target_error": config.target_error,
        "width_to_error": {f"d={d}": w for d, w in reached.items()},
        "fits": {
            "error_vs_dimension": {"x": list(config.dims), "y": [grid[f"d={d}"][f"W={judge}"]["rel_l2"] for d in config.dims]},
            "width_vs_dimension": {"x": [d for d in config.dims if reached[d]], "y": [reached[d] for d in config.dims if reached[d]]},
        },
    }
