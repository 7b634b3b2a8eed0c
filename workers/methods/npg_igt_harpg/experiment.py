"""One run: a Garnet MDP drawn from the seed; each algorithm over a step-size grid x runs, in one
batch, until its trajectory budget is spent; the exact gap J* - J(theta) by dynamic programming
after every iteration; trajectories to reach each target fraction of the initial gap.
"""
from __future__ import annotations

import numpy as np
import torch

from ..context import RunContext
from ..shared.mdp import expected_return, garnet, optimal_return
from ..shared.weights import save_weights
from .algorithms import ALGORITHMS, make

HEADLINE_FRACTION = 0.1  # the note's "10% of the initial gap"
LOG_POINTS = 60


def run_algorithm(name: str, mdp, j_star: float, config, ctx: RunContext):
    """Gap curves (iterations, B) and trajectories used after each iteration, for grid x runs rows."""
    device = ctx.torch_device
    grid = torch.as_tensor(config.step_grid, dtype=torch.float64, device=device)
    base = config.pg_step if name.startswith("PG") else config.normalized_step
    step_size = (base * grid).repeat_interleave(config.runs)
    theta = torch.zeros(step_size.shape[0], mdp.states, mdp.actions, dtype=torch.float64, device=device)
    algorithm, gen = make(name), ctx.torch_generator(f"trajectories {name}")
    algorithm.start(theta)
    used, gaps, spent = 0, [j_star - expected_return(mdp, theta)], [0]
    log_every = max(1, config.budget // LOG_POINTS)
    t = 0
    while used < config.budget:
        theta, k = algorithm.step(t, theta, step_size, mdp, config.horizon, gen)
        used, t = used + k, t + 1
        gaps.append(j_star - expected_return(mdp, theta))
        spent.append(used)
        if used // log_every != (used - k) // log_every:
            medians = torch.stack(gaps[-1:]).view(len(config.step_grid), config.runs).median(1).values
            ctx.log_point(used, {f"{name} x{m:g}": float(v) for m, v in zip(config.step_grid, medians)},
                          panel="optimality gap J* - J", unit="")
    return torch.stack(gaps).cpu().numpy(), np.asarray(spent), theta


def trajectories_to(gaps: np.ndarray, spent: np.ndarray, level: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: trajectories when the gap first fell to ``level`` (row's own), and whether never (censored)."""
    reached = gaps <= level[None, :]
    hit = reached.any(0)
    first = np.where(hit, reached.argmax(0), len(spent) - 1)
    return spent[first].astype(float), ~hit


def summarise(name, gaps, spent, config) -> dict:
    """Best step of the grid by median trajectories to the headline target; its numbers per fraction."""
    initial = gaps[0]
    per_step = []
    for fraction in config.target_fractions:
        counts, censored = trajectories_to(gaps, spent, fraction * initial)
        per_step.append((counts.reshape(len(config.step_grid), config.runs),
                         censored.reshape(len(config.step_grid), config.runs)))
    head = config.target_fractions.index(HEADLINE_FRACTION)
    medians = np.median(per_step[head][0], axis=1)
    best = int(np.argmin(medians))
    outcome = {"step_multiplier": config.step_grid[best], "final_gap": float(np.median(gaps[-1].reshape(len(config.step_grid), -1)[best]))}
    censored_metrics = []
    for fraction, (counts, censored) in zip(config.target_fractions, per_step):
        key = f"trajectories_to_{fraction:g}"
        outcome[key] = float(np.median(counts[best]))
        if np.median(censored[best].astype(float)) >= 0.5:  # the median run never got there
            censored_metrics.append(key)
    outcome["trajectories_to_target"] = outcome[f"trajectories_to_{HEADLINE_FRACTION:g}"]
    if f"trajectories_to_{HEADLINE_FRACTION:g}" in censored_metrics:
        censored_metrics.append("trajectories_to_target")
    outcome["censored"] = censored_metrics
    return outcome


def fit_points(outcome: dict, initial_gap: float, fractions) -> dict:
    """x = 1/epsilon (absolute gap), y = median trajectories, over the targets actually reached."""
    xs, ys = [], []
    for fraction in fractions:
        key = f"trajectories_to_{fraction:g}"
        if key not in outcome["censored"] and outcome[key] > 0:
            xs.append(1.0 / (fraction * initial_gap))
            ys.append(outcome[key])
    return {"x": xs, "y": ys}


def run(config, ctx: RunContext) -> dict:
    mdp = garnet(config.states, config.actions, config.branching, config.discount, ctx.rng("instances"),
                 device=ctx.torch_device)
    j_star = optimal_return(mdp)
    outcomes, fits = {}, {}
    for k, name in enumerate(ALGORITHMS):
        gaps, spent, theta = run_algorithm(name, mdp, j_star, config, ctx)
        outcomes[name] = summarise(name, gaps, spent, config)
        fits[name] = fit_points(outcomes[name], float(np.median(gaps[0])), config.target_fractions)
        save_weights(ctx, f"policy_{name.split()[0].lower()}{k}.safetensors", {"theta": theta}, {"algorithm": name})
        ctx.progress((k + 1) / len(ALGORITHMS), f"{name} done")
    vanilla = min(("PG (batch 1)", "PG (batch 10)"), key=lambda n: (bool(outcomes[n]["censored"]), outcomes[n]["trajectories_to_target"]))
    outcomes["PG (best batch)"] = {**outcomes[vanilla], "batch": vanilla}
    fits["PG (best batch)"] = fits[vanilla]
    initial_gap = j_star - float(expected_return(mdp, torch.zeros(1, mdp.states, mdp.actions, dtype=torch.float64, device=ctx.torch_device))[0])
    return {"outcomes": outcomes, "fits": fits, "j_star": j_star, "initial_gap": initial_gap,
            "headline_fraction": HEADLINE_FRACTION, "device": str(ctx.torch_device)}
