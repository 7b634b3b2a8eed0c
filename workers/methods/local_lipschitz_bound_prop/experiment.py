"""One run: small ReLU nets trained on a generated 16-feature task; at random test points and
each radius ε, the local Lipschitz constant's upper bounds (naive, interval, bound propagation,
bound propagation + BaB), its exact value by pattern enumeration and a sampled lower bound,
each method timed on the same points."""
from __future__ import annotations

import time

import numpy as np
import torch
import torch.nn.functional as F

from ..context import RunContext
from ..shared.datasets import mlp, seeded
from ..shared.threads import one_thread_on_cpu
from ..shared.weights import save_weights
from .bounds import (
    Layers,
    bound_propagation,
    branch_and_bound,
    crown_preactivation_bounds,
    derivative_bounds,
    gradient_norm,
    interval_bound,
    naive_global,
)
from .exact import exact_local_lipschitz

UPPER = ("naive", "interval", "bound_prop", "bab")


def teacher_task(config, rng: np.random.Generator, device) -> tuple[torch.Tensor, torch.Tensor]:
    """x ~ N(0, I), labels from a random two-layer ReLU teacher (as the repo's random 'simple' data)."""
    x = rng.standard_normal((config.train_points, config.features))
    hidden = np.maximum(x @ rng.standard_normal((config.features, 8)), 0)
    score = hidden @ rng.standard_normal(8)
    y = (score > np.median(score)).astype(np.float64)
    return torch.as_tensor(x, device=device), torch.as_tensor(y, device=device)


def train_net(width: int, x: torch.Tensor, y: torch.Tensor, config, ctx: RunContext) -> torch.nn.Sequential:
    model = seeded(lambda: mlp([config.features, *[width] * config.depth, 1], "relu"), ctx.seed, x.device, torch.float64)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-2)
    for step in range(1, config.train_steps + 1):
        optimizer.zero_grad(set_to_none=True)
        loss = F.binary_cross_entropy_with_logits(model(x).squeeze(1), y)
        loss.backward()
        optimizer.step()
        if step % 20 == 0:
            ctx.log(f"train loss w={width}", step, loss.item(), panel="training loss")
    return model


def layers_of(model: torch.nn.Sequential) -> Layers:
    return [(m.weight.detach(), m.bias.detach()) for m in model if isinstance(m, torch.nn.Linear)]


def timed(fn):
    began = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - began


def bounds_at(layers: Layers, x0: torch.Tensor, eps: float, config, generator: torch.Generator) -> dict:
    """Every method's value and seconds at one point."""
    dbounds, prep = timed(lambda: derivative_bounds(crown_preactivation_bounds(layers, x0, eps)))
    out = {"naive": timed(lambda: naive_global(layers)),
           "interval": timed(lambda: interval_bound(layers, dbounds)),
           "bound_prop": timed(lambda: bound_propagation(layers, dbounds))}
    bab, seconds = timed(lambda: branch_and_bound(layers, dbounds, config.bab_domains))
    out["bab"] = (bab.bound, seconds)
    for name in ("interval", "bound_prop", "bab"):
        out[name] = (out[name][0], out[name][1] + prep)
    as_numpy = [(w.cpu().numpy(), b.cpu().numpy()) for w, b in layers]
    search, seconds = timed(lambda: exact_local_lipschitz(as_numpy, x0.cpu().numpy(), eps, config.exact_max_programs))
    out["exact"] = (search.best, seconds)
    noise = torch.rand((config.samples, x0.numel()), generator=generator, device=x0.device, dtype=x0.dtype)
    corners = torch.sign(noise[: config.samples // 2] - 0.5)
    points = x0 + eps * torch.cat([2 * noise[config.samples // 2:] - 1, corners, torch.zeros_like(x0)[None]])
    out["sampling"] = timed(lambda: float(gradient_norm(layers, points).max()))
    return {"values": out, "exact_complete": search.complete, "bab_history": bab.history}


def summarize(per_point: list[dict]) -> dict:
    """Per method: mean bound, total seconds, min ratio to the sampled lower bound; exact's status."""
    lower = np.array([p["values"]["sampling"][0] for p in per_point])
    exact = np.array([p["values"]["exact"][0] for p in per_point])
    complete = all(p["exact_complete"] for p in per_point)
    cell = {}
    for name in (*UPPER, "exact", "sampling"):
        values = np.array([p["values"][name][0] for p in per_point])
        cell[name] = {"bound": float(values.mean()), "seconds": float(sum(p["values"][name][1] for p in per_point)),
                      "min_ratio_to_lower": float((values / lower).min())}
        if complete and name != "exact":
            cell[name]["ratio_to_exact"] = float((values / exact).mean())
    if not complete:
        cell["exact"]["censored"] = ["seconds"]
    cell["exact"]["complete"] = complete
    cell["exact"]["ratio_exact_to_sampled"] = float((exact / lower).min())
    cell["all_upper_bounds"] = {"min_ratio_to_lower": min(cell[n]["min_ratio_to_lower"] for n in UPPER)}
    return cell


def run(config, ctx: RunContext) -> dict:
    with one_thread_on_cpu(ctx.device):
        return run_experiment(config, ctx)


def run_experiment(config, ctx: RunContext) -> dict:
    device = ctx.torch_device
    rng = ctx.rng("instances")
    x, y = teacher_task(config, rng, device)
    centers = torch.as_tensor(rng.standard_normal((config.points, config.features)), device=device)
    generator = ctx.torch_generator("samples")
    cells = {}
    for k, width in enumerate(config.widths):
        ctx.progress(k / len(config.widths), f"width {width}")
        model = train_net(width, x, y, config, ctx)
        save_weights(ctx, f"relu_net_w{width}.safetensors", model, {"width": width, "depth": config.depth})
        layers = layers_of(model)
        for eps in config.radii:
            per_point = [bounds_at(layers, x0, eps, config, generator) for x0 in centers]
            label = f"w={width}, eps={eps:g}"
            cells[label] = summarize(per_point)
            for step, bound in per_point[0]["bab_history"]:
                ctx.log(f"BaB bound {label}, point 0", step, bound, panel="BaB anytime bound")
            ctx.log_point(eps, {f"{name} w={width}": cells[label][name]["bound"] for name in (*UPPER, "exact", "sampling")},
                          panel="mean bound vs eps")
    exact_cells = {label: cell for label, cell in cells.items() if cell["exact"]["complete"]}
    return {"cells": cells, "exact_cells": exact_cells, "per_model": per_model_cost(cells, config)}


def per_model_cost(cells: dict, config) -> dict:
    """Seconds per net summed over its radii and points (the paper's per-model runtime)."""
    out = {}
    for width in config.widths:
        mine = [c for label, c in cells.items() if label.startswith(f"w={width},")]
        model = {name: {"seconds": sum(c[name]["seconds"] for c in mine)} for name in (*UPPER, "exact")}
        if not all(c["exact"]["complete"] for c in mine):
            model["exact"]["censored"] = ["seconds"]
        out[f"w={width}"] = model
    return out
