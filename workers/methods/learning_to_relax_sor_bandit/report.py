"""From one setting's cost table and policy plays to the numbers the claims read, the curves the
lab draws, and the ``problem.npz`` anyone can re-check with another SOR implementation.

Totals are per trial (a sequence of T instances) averaged over trials; every ratio is a ratio of
those averages. "Best fixed ω" is the grid ω with the smallest total on that trial's sequence
(in hindsight, exactly, from the table).
"""
from __future__ import annotations

import math

import numpy as np

from .experiment import SettingRun
from .instances import OFFSET_BETA, SETTING_LABEL

TSALLIS, CHEBCB, TSALLIS_CB = "Tsallis-INF", "ChebCB", "Tsallis-INF-CB"
BEST_FIXED, INSTANCE_OPTIMAL = "best fixed ω (hindsight)", "instance-optimal ω*"
GRID_ORACLE, GAUSS_SEIDEL = "best grid ω per instance", "Gauss-Seidel (ω=1)"
SHORT_TAG = {"high_variance": "high-var", "low_variance": "low-var"}
ENVELOPE_CONSTANT = 4.0  # Zimmert & Seldin (2021): Tsallis-INF regret ≤ 4√(kT) + 1 for losses in [0, 1]
MAX_POINTS_PER_SERIES = 1000


def envelope(horizon: int, arms: int) -> float:
    """Allowed average-cost ratio to the best fixed ω after ``horizon`` rounds: 1 + 4√(k/T)."""
    return 1.0 + ENVELOPE_CONSTANT * math.sqrt(arms / horizon)


def _ratio_of_means(numerator: np.ndarray, denominator: np.ndarray) -> float:
    return float(np.sum(numerator) / np.sum(denominator))


def comparison_curves(run: SettingRun) -> dict[str, np.ndarray]:
    """(trials, T) iterations of every policy and reference policy."""
    grid = run.costs[..., :-1]
    trials = np.arange(grid.shape[0])
    best_arm = grid.sum(axis=1).argmin(axis=1)
    return {
        **run.policy_costs,
        BEST_FIXED: grid[trials, :, best_arm],
        INSTANCE_OPTIMAL: run.costs[..., -1],
        GRID_ORACLE: grid.min(axis=2),
        GAUSS_SEIDEL: grid[..., 0],
    }


def tsallis_excess_by_horizon(run: SettingRun) -> dict[str, float]:
    """Tsallis-INF's cost ratio − 1 against the best fixed ω in hindsight of the first k rounds."""
    grid, tsallis = run.costs[..., :-1], run.policy_costs[TSALLIS]
    horizon = grid.shape[1]
    excess = {}
    for name, k in (("quarter", horizon // 4), ("half", horizon // 2), ("full", horizon)):
        best_prefix = grid[:, :k].sum(axis=1).min(axis=1)
        excess[name] = _ratio_of_means(tsallis[:, :k].sum(axis=1), best_prefix) - 1.0
    return excess


def summarise(run: SettingRun, omegas: np.ndarray, max_iterations: int) -> dict:
    grid = run.costs[..., :-1]
    trials, horizon, arms = grid.shape
    curves = comparison_curves(run)
    totals = {name: float(c.sum(axis=1).mean()) for name, c in curves.items()}
    halves = {"early": slice(0, horizon // 2), "late": slice(horizon // 2, horizon)}
    best_of = {h: grid[:, w].sum(axis=1).min(axis=1) for h, w in halves.items()}
    arm_totals = grid.sum(axis=1)
    alpha, beta = OFFSET_BETA[run.sequences.setting]
    return {
        "label": SETTING_LABEL[run.sequences.setting],
        "offsets": f"c_t = -0.15 + 0.6 Beta({alpha}, {beta})",
        "trials": trials,
        "instances": horizon,
        "fixed_mean_iterations": (arm_totals.mean(axis=0) / horizon).round(2).tolist(),
        "best_fixed_omega": round(float(omegas[arm_totals.mean(axis=0).argmin()]), 6),
        "best_fixed_omega_per_trial": omegas[arm_totals.argmin(axis=1)].round(6).tolist(),
        "uniform_random_total": float(arm_totals.mean()),
        "totals": totals,
        "ratio_to_best_fixed": {name: totals[name] / totals[BEST_FIXED] for name in totals},
        **{f"{h}_half_ratio_to_best_fixed": {
            name: _ratio_of_means(curves[name][:, w].sum(axis=1), best_of[h])
            for name in (TSALLIS, CHEBCB, TSALLIS_CB, INSTANCE_OPTIMAL)
        } for h, w in halves.items()},
        "tsallis_excess_by_horizon": tsallis_excess_by_horizon(run),
        "tsallis_envelope": envelope(horizon, arms),
        "omega_star_range": [float(run.omega_star.min()), float(run.omega_star.max())],
        "capped_runs": int((run.costs >= max_iterations).sum()),
    }


def _window_means(values: np.ndarray, window: int) -> np.ndarray:
    starts = np.arange(0, len(values), window)
    return np.add.reduceat(values, starts) / np.diff(np.append(starts, len(values)))


def log_setting(ctx, run: SettingRun, omegas: np.ndarray) -> None:
    """Per-instance curves (trial means; block means when T > 1000), cumulative costs, cost
    ratios, the claim's envelope, Tsallis-INF's weight on the best ω, and cost against ω."""
    tag = SHORT_TAG[run.sequences.setting]
    grid = run.costs[..., :-1]
    horizon, arms = grid.shape[1], grid.shape[2]
    window = max(1, math.ceil(horizon / MAX_POINTS_PER_SERIES))
    steps = np.minimum(np.arange(window, horizon + window, window), horizon)
    curves = {name: c.mean(axis=0) for name, c in comparison_curves(run).items()}
    per_instance = {f"{tag} iterations: {name}": v for name, v in curves.items() if name != GAUSS_SEIDEL}
    per_instance |= {f"{tag} iterations: fixed ω={w:.2f}": grid[:, :, k].mean(axis=0) for k, w in enumerate(omegas)}
    per_instance[f"{tag} Tsallis-INF probability of the best fixed ω"] = run.tsallis_best_arm_probability.mean(axis=0)
    per_instance[f"{tag} trial 1: offset c_t"] = run.sequences.offsets[0]
    per_instance[f"{tag} trial 1: ω chosen by ChebCB"] = omegas[run.policy_arms[CHEBCB][0]]
    per_instance[f"{tag} trial 1: instance-optimal ω*"] = run.omega_star[0]
    cumulative = {name: np.cumsum(v)[steps - 1] for name, v in curves.items() if name != GRID_ORACLE}
    series = {key: _window_means(v, window) for key, v in per_instance.items()}
    series |= {f"{tag} cumulative iterations: {name}": v for name, v in cumulative.items()}
    for name in (TSALLIS, CHEBCB, TSALLIS_CB, INSTANCE_OPTIMAL):
        series[f"{tag} cost ratio to best fixed ω: {name}"] = cumulative[name] / cumulative[BEST_FIXED]
    series[f"{tag} average regret per instance: Tsallis-INF"] = (cumulative[TSALLIS] - cumulative[BEST_FIXED]) / steps
    series[f"{tag} claim envelope 1+4√(k/t)"] = np.array([envelope(int(s), arms) for s in steps])
    for i, step in enumerate(steps):
        ctx.log_point(int(step), {key: float(v[i]) for key, v in series.items()})
    for k, w in enumerate(omegas):
        ctx.log(f"{tag} mean iterations per instance vs ω (fixed ω)", float(w), float(grid[:, :, k].mean()))


RHS_BYTES_LIMIT = 20_000_000
RHS_RECIPE = (
    "rhs too large to store; workers/methods/learning_to_relax_sor_bandit/instances.py redraws offsets and rhs: "
    "sample_sequences(np.random.default_rng(np.random.SeedSequence(entropy)), setting, trials, T, grid_points**2) "
    "with entropy = [int(v) for v in <setting>_rhs_seed_entropy.item().split(',')]"
)


def save_problem(ctx, config, runs: dict[str, SettingRun], omegas: np.ndarray) -> None:
    """problem.npz: the ω grid, per setting the offsets, ω*, the full cost table (int32, last column
    = ω*), each policy's chosen arms, and the right-hand sides when they fit in 20 MB (otherwise
    the seed they are redrawn from with ``instances.sample_sequences``)."""
    arrays: dict[str, np.ndarray] = {
        "omegas": omegas,
        "tolerance": np.array(config.tolerance),
        "max_iterations": np.array(config.max_iterations),
        "grid_points": np.array(config.grid_points),
        "readme": np.array(
            "A_t = delsq(numgrid('S', grid_points+2)) + offsets[trial, t] * I (column-major numbering); "
            "b_t = rhs[trial, t]; x0 = 0; costs[trial, t, k] = SOR sweeps x += (D/w + L)^-1 (b - A x) until "
            "||b - A x|| < tolerance * ||b|| (capped at max_iterations), w = omegas[k] for k < len(omegas), "
            "w = omega_star[trial, t] for the last column; <policy>_arms index omegas."
        ),
    }
    rhs_bytes = sum(run.sequences.rhs.nbytes for run in runs.values())
    for setting, run in runs.items():
        arrays[f"{setting}_offsets"] = run.sequences.offsets
        arrays[f"{setting}_omega_star"] = run.omega_star
        arrays[f"{setting}_costs"] = run.costs.astype(np.int32)
        if rhs_bytes <= RHS_BYTES_LIMIT:
            arrays[f"{setting}_rhs"] = run.sequences.rhs
        else:
            arrays[f"{setting}_rhs_seed_entropy"] = np.array(",".join(map(str, run.sequences.seed_entropy)))
            arrays["rhs_recipe"] = np.array(RHS_RECIPE)
        for name, chosen in run.policy_arms.items():
            arrays[f"{setting}_{name.replace('-', '_')}_arms"] = chosen.astype(np.int16)
    np.savez_compressed(ctx.artifact_path("problem.npz"), **arrays)
