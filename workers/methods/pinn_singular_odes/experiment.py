"""One run: every ODE of the config, solved by a PINN with fixed and with adaptive (learning-rate
annealing) loss weights on the same seed and collocation stream, and by RK45 started at the singular
point and a step δ away with the Frobenius series; all scored against scipy's special functions."""
from __future__ import annotations

import numpy as np
import torch

from ..shared import pinn
from ..shared.weights import save_weights
from .equations import SingularODE, hypergeometric, legendre, michel
from .integrators import integrate

NEAR = 0.01
"""The near-singular region: within 1% of the domain's length of a singular point."""
SERIES_DELTA = 1e-4
WEIGHTINGS = {"pinn_fixed": "fixed", "pinn_adaptive": "grad_norm"}


def problems(config) -> list[tuple[str, SingularODE]]:
    out = [("special_functions", legendre(l)) for l in config.legendre_degrees]
    out += [("special_functions", hypergeometric(name)) for name in config.hypergeometric]
    if config.accretion:
        out.append(("accretion", michel(config.sonic_radius, config.accretion_r_min, config.accretion_r_max)))
    return out


def evaluation_points(problem: SingularODE, count: int) -> np.ndarray:
    """``count`` even points plus 40 geometric ones within 1e-6..NEAR of each singular point."""
    length = problem.high - problem.low
    extra = [s + sign * length * np.geomspace(1e-6, NEAR, 40) for s in problem.singular for sign in (-1, 1)]
    x = np.concatenate([np.linspace(problem.low, problem.high, count), *extra])
    return np.unique(x[(x >= problem.low) & (x <= problem.high)])


def near_mask(problem: SingularODE, x: np.ndarray) -> np.ndarray:
    distance = np.min([np.abs(x - s) for s in problem.singular], axis=0)
    return distance <= NEAR * (problem.high - problem.low)


def build_model(problem: SingularODE, config, device, dtype) -> torch.nn.Module:
    box = pinn.Box((problem.low,), (problem.high,))
    model: torch.nn.Module = pinn.Rescaled(pinn.mlp(1, config.width, config.depth), box)
    if problem.positive:
        model = pinn.Constrained(model, lambda x, out: torch.exp(out))
    return model.to(device=device, dtype=dtype)


def terms(problem: SingularODE, config, rng: np.random.Generator, device, dtype) -> list[pinn.Term]:
    box = pinn.Box((problem.low,), (problem.high,))
    singular = torch.tensor([[s] for s in problem.singular], device=device, dtype=dtype)

    def collocation():
        return torch.cat([box.interior(config.collocation_points, rng, "lhs", device=device, dtype=dtype), singular])

    anchor = torch.tensor([[problem.anchor]], device=device, dtype=dtype)
    return [
        pinn.Term("ode", lambda m, x: problem.residual(m(x), x), collocation),
        pinn.Term("bc", lambda m, x: m(x) - problem.value, anchor),
    ]


def schedule(config, weighting: str) -> pinn.Schedule:
    return pinn.Schedule(adam_steps=config.adam_steps, lr=config.lr, lr_decay=config.lr_decay,
                         lbfgs_steps=config.lbfgs_steps, lbfgs_inner=20, weighting=weighting,
                         eval_every=config.eval_every, log_every=config.log_every)


def train_pinn(problem, config, ctx, seed: int, name: str, label: str, reference: pinn.Reference):
    device, dtype = ctx.torch_device, getattr(torch, config.dtype)
    torch.manual_seed(ctx.seed * 1000 + seed)  # same initial net for both weightings
    model = build_model(problem, config, device, dtype)
    rng = ctx.rng(f"collocation {problem.name} {seed}")  # same points for both weightings
    result = pinn.train(model, terms(problem, config, rng, device, dtype), schedule(config, WEIGHTINGS[name]),
                        reference=reference, callback=pinn.ctx_logger(ctx, f"{label} {name}"))
    return model, result


def solve(problem: SingularODE, config, ctx, seed: int) -> dict:
    """{solver: outcome} for one problem and seed."""
    x = evaluation_points(problem, config.test_points)
    exact, near = problem.reference(x), near_mask(problem, x)
    device, dtype = ctx.torch_device, getattr(torch, config.dtype)
    reference = pinn.Reference(torch.tensor(x[:, None], device=device, dtype=dtype),
                               torch.tensor(exact[:, None], device=device, dtype=dtype),
                               {"near_singular": torch.tensor(near[:, None], device=device)})
    label = f"{problem.name} s{seed}" if config.seeds > 1 else problem.name
    outcomes = {}
    for name in WEIGHTINGS:
        model, result = train_pinn(problem, config, ctx, seed, name, label, reference)
        final = result.final
        outcomes[name] = {"rel_l2": final["rel_l2"], "rel_l2_near_singular": final["rel_l2_near_singular"],
                          "max_abs": final["max_abs"], "seconds": result.seconds, "loss": final["loss"],
                          "bc_weight": result.weights["bc"]}
        if seed == 0:
            save_weights(ctx, f"{_slug(problem.name)}-{name}.safetensors", model, {"problem": problem.name})
    outcomes["ivp_naive"] = integrate(problem, x, exact, near)
    if problem.slope is not None:
        outcomes["ivp_series_start"] = integrate(problem, x, exact, near, delta=SERIES_DELTA)
    for outcome in outcomes.values():
        values = [outcome.get("rel_l2"), outcome.get("rel_l2_near_singular")]
        outcome["rel_l2_worst"] = None if None in values else max(values)
    return outcomes


def _slug(name: str) -> str:
    return "".join(ch if ch.isalnum() else "-" for ch in name).strip("-").lower()


def run(config, ctx) -> dict:
    results: dict = {"special_functions": {}, "accretion": {}, "near_singular_fraction": NEAR}
    cases = [(group, problem, seed) for group, problem in problems(config) for seed in range(config.seeds)]
    for k, (group, problem, seed) in enumerate(cases):
        ctx.progress(k / len(cases), f"{problem.name}, seed {seed}")
        label = f"{problem.name} seed {seed}" if config.seeds > 1 else problem.name
        results[group][label] = solve(problem, config, ctx, seed)
    ctx.progress(1.0, "done")
    return results
