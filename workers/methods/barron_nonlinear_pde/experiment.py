"""One run: for each dimension d and width W, a periodic two-layer network trained as a PINN on the
manufactured nonlinear elliptic problem of that d (same Barron norm for all d); the relative L2 error
on held-out uniform points, the error at a fixed width vs d, and the smallest width reaching ε vs d."""
from __future__ import annotations

import torch

from ..shared import pinn
from ..shared.weights import save_weights
from .function_space import descend, torus_problem
from .manufactured import PeriodicTwoLayer, draw_pattern, manufactured

TORUS_MODES = [(1, 0, 0.6), (1, 2, -0.3), (2, 1, 0.25)]
"""u* of the function-space experiment: (k1, k2, amplitude) of its cosines."""
TORUS_TOL = 1e-10


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


def function_space(config, ctx) -> dict:
    """Preconditioned vs plain gradient descent in function space on each grid (the proof's iteration)."""
    cells, fits = {}, {"pgd_iterations_vs_grid": {"x": [], "y": []}, "gd_iterations_vs_grid": {"x": [], "y": []}}
    for n in config.grids:
        problem = torus_problem(n, config.nonlinearity, TORUS_MODES)
        outcomes = {}
        for name, preconditioned, cap in (("pgd", True, 10_000), ("gd", False, config.plain_gd_iterations)):
            def log(t, error, proxy, name=name, n=n):
                if name == "pgd" or t % 10 == 0:
                    ctx.log_point(t, {f"{name} n={n} error": error}, panel="function-space error")
                    ctx.log_point(t, {f"{name} n={n} Barron proxy": proxy}, panel="Barron proxy")
            outcomes[name] = descend(problem, preconditioned, TORUS_TOL, cap, log)
            if not outcomes[name]["reached_tol"]:
                outcomes[name]["censored"] = ["iterations"]
            fits[f"{name}_iterations_vs_grid"]["x"].append(n)
            fits[f"{name}_iterations_vs_grid"]["y"].append(outcomes[name]["iterations_to_tol"])
        cells[f"n={n}"] = outcomes
    return {"function_space": cells, "function_space_fits": fits}


def run(config, ctx) -> dict:
    space = function_space(config, ctx)
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
        "function_space": space["function_space"],
        "fits": {
            **space["function_space_fits"],
            "error_vs_dimension": {"x": list(config.dims), "y": [grid[f"d={d}"][f"W={judge}"]["rel_l2"] for d in config.dims]},
            "width_vs_dimension": {"x": [d for d in config.dims if reached[d]], "y": [reached[d] for d in config.dims if reached[d]]},
        },
    }
