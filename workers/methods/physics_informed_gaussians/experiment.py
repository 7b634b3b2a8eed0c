"""One run: for each Helmholtz case, PIG, PIG with frozen grid Gaussians, and a tanh-MLP PINN with the
same parameter count trained for the same steps and, separately, for PIG's training time; all on the
same collocation stream, scored by relative L2 error on a regular test grid."""
from __future__ import annotations

import math

import torch

from ..shared import pinn
from ..shared.weights import save_weights
from .models import mlp_with_parameters, pig

BOX = pinn.Box((-1.0, -1.0), (1.0, 1.0))
WAVE_NUMBER = 1.0
CASES = {"(1,4)": (1.0, 4.0), "(10,10)": (10.0, 10.0)}
EQUAL_TIME_STEP_CAP = 20
"""The equal-time PINN may take up to this many times the steps of the others."""


def exact(x: torch.Tensor, a1: float, a2: float) -> torch.Tensor:
    return torch.sin(a1 * math.pi * x[:, :1]) * torch.sin(a2 * math.pi * x[:, 1:2])


def helmholtz_terms(case: str, config, rng, device) -> list[pinn.Term]:
    """Δu + k²u = q on [−1, 1]², u = 0 on the boundary, q from u* = sin(a1πx) sin(a2πy)."""
    a1, a2 = CASES[case]
    scale = WAVE_NUMBER**2 - (a1 * math.pi) ** 2 - (a2 * math.pi) ** 2

    def residual(model, x):
        u = model(x)
        return pinn.laplacian(u, x) + WAVE_NUMBER**2 * u - scale * exact(x, a1, a2)

    return [
        pinn.Term("pde", residual, lambda: BOX.interior(config.collocation_points, rng, device=device)),
        pinn.Term("bc", lambda m, x: m(x), lambda: BOX.boundary(config.boundary_points, rng, device=device),
                  weight=config.bc_weight),
    ]


def models(config, ctx) -> dict[str, torch.nn.Module]:
    rng = ctx.rng("gaussians")
    built = {
        "pig": pig(config.gaussians, config.features, config.hidden, config.sigma_init, config.feature_scale, rng, BOX),
        "pig_fixed_grid": pig(config.gaussians, config.features, config.hidden, config.sigma_init,
                              config.feature_scale, rng, BOX, adaptive=False),
    }
    torch.manual_seed(ctx.seed)
    target = pinn.parameter_count(built["pig"])
    built["pinn"] = mlp_with_parameters(target, 2, config.mlp_depth)
    built["pinn_equal_time"] = mlp_with_parameters(target, 2, config.mlp_depth)
    built["pinn_equal_time"].load_state_dict(built["pinn"].state_dict())
    return {name: model.to(ctx.torch_device) for name, model in built.items()}


def schedule(config, name: str, pig_seconds: float | None) -> pinn.Schedule:
    lr = config.pinn_lr if name.startswith("pinn") else config.pig_lr
    steps, budget = config.adam_steps, None
    if name == "pinn_equal_time":
        steps, budget = config.adam_steps * EQUAL_TIME_STEP_CAP, pig_seconds
    return pinn.Schedule(adam_steps=steps, lr=lr, lr_decay=config.lr_decay, lbfgs_steps=config.lbfgs_steps,
                         weighting=config.weighting,
                         eval_every=config.eval_every, log_every=config.log_every, max_seconds=budget)


def solve(case: str, config, ctx) -> dict:
    grid = BOX.grid(config.test_grid, device=ctx.torch_device)
    a1, a2 = CASES[case]
    reference = pinn.Reference(grid, exact(grid, a1, a2))
    outcomes, pig_seconds = {}, None
    for name, model in models(config, ctx).items():
        rng = ctx.rng(f"collocation {case}")  # the same points for every model
        result = pinn.train(model, helmholtz_terms(case, config, rng, ctx.torch_device),
                            schedule(config, name, pig_seconds), reference=reference,
                            callback=pinn.ctx_logger(ctx, f"{case} {name}"))
        pig_seconds = result.seconds if name == "pig" else pig_seconds
        outcomes[name] = {"rel_l2": result.final["rel_l2"], "max_abs": result.final["max_abs"],
                          "seconds": result.seconds, "steps": result.steps,
                          "parameters": pinn.parameter_count(model), "loss": result.final["loss"]}
        save_weights(ctx, f"helmholtz-{a1:g}-{a2:g}-{name.replace('_', '-')}.safetensors", model, {"case": case})
    return outcomes


def run(config, ctx) -> dict:
    results: dict = {"cases": {}}
    for k, case in enumerate(config.cases):
        ctx.progress(k / len(config.cases), f"Helmholtz {case}")
        results["cases"][case] = solve(case, config, ctx)
    results["high_frequency"] = {case: results["cases"][case] for case in config.cases if case == "(10,10)"}
    ctx.progress(1.0, "done")
    return results
