"""One offset distribution of a run: sample the instance sequences, tabulate every arm's SOR cost
once, and replay the learners on that table (``report.py`` summarises and logs the outcome).

Cost table ``costs[trial, t, k]``: SOR iterations of ω_k on instance t (k < K: the ω grid, the
official ``linspace(1, 1.95, 20)``; k = K: the instance-optimal ω*_t = 2/(1 + √(1 − ρ(J_t)²))).
Because every policy reads the same table, the best fixed ω in hindsight is exact (the column
with the smallest total) and all comparisons are on the same instances.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .bandits import ChebCB, TsallisINF, TsallisINFCB
from .instances import CONTEXT_HI, CONTEXT_LO, InstanceSequences, sample_sequences
from .sor import BatchedSOR, default_batch, optimal_omega, shifted_jacobi_radius, sor_spectral_radius

OMEGA_MIN, OMEGA_MAX = 1.0, 1.95
CONTEXT_BINS = 5  # TsallisINFCB's bins in the official contextual.m


@dataclass(frozen=True)
class SettingRun:
    """Everything one offset distribution produced, per trial and instance."""

    sequences: InstanceSequences
    omega_star: np.ndarray  # (trials, T)
    costs: np.ndarray  # (trials, T, K + 1): the ω grid, then ω*
    policy_costs: dict[str, np.ndarray]  # name -> (trials, T) iterations
    policy_arms: dict[str, np.ndarray]  # name -> (trials, T) chosen arm index
    tsallis_best_arm_probability: np.ndarray  # (trials, T)


def omega_grid(arms: int) -> np.ndarray:
    return np.linspace(OMEGA_MIN, OMEGA_MAX, arms)


def cost_table(solver: BatchedSOR, seq: InstanceSequences, omegas: np.ndarray, on_sweep, on_batch):
    """SOR iterations of every grid ω and of ω*_t on every instance: shape (trials, T, K + 1).

    Systems are solved in order of their asymptotic rate ρ(G_ω) (Young), so that the systems of
    one batch need about as many sweeps and the batch is not kept alive by a few slow ones.
    """
    trials, horizon = seq.offsets.shape
    jacobi = shifted_jacobi_radius(solver.layout.m, seq.offsets)
    omega_star = optimal_omega(jacobi)
    columns = np.concatenate([np.broadcast_to(omegas, (trials, horizon, len(omegas))), omega_star[..., None]], axis=2)
    offsets = np.broadcast_to(seq.offsets[..., None], columns.shape).ravel()
    instance = np.broadcast_to(np.arange(trials * horizon).reshape(trials, horizon, 1), columns.shape).ravel()
    rate = sor_spectral_radius(np.broadcast_to(jacobi[..., None], columns.shape), columns).ravel()
    order = np.argsort(rate, kind="stable")
    iterations = np.empty(columns.size, dtype=np.int64)
    rhs = seq.rhs.reshape(trials * horizon, -1)
    omega = columns.ravel()[order]
    iterations[order] = solver.iterations(offsets[order], omega, rhs, instance[order], on_sweep, on_batch)
    return iterations.reshape(columns.shape), omega_star


def play_tsallis(costs: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Tsallis-INF on the grid columns, all trials in lockstep; also P(best fixed arm) per round."""
    trials, horizon, arms = costs.shape
    best = costs.sum(axis=1).argmin(axis=1)
    learner = TsallisINF(trials, arms)
    chosen = np.empty((trials, horizon), dtype=np.int64)
    p_best = np.empty((trials, horizon))
    rows = np.arange(trials)
    for t in range(horizon):
        arm, probs = learner.predict(rng)
        p_best[:, t] = probs[rows, best] / probs.sum(axis=1)
        chosen[:, t] = arm
        learner.update(costs[rows, t, arm].astype(float))
    return costs[rows[:, None], np.arange(horizon)[None, :], chosen], chosen, p_best


def play_tsallis_cb(costs: np.ndarray, offsets: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Tsallis-INF-CB (the context interval cut into 5 bins), all trials in lockstep."""
    trials, horizon, arms = costs.shape
    learner = TsallisINFCB(trials, arms, CONTEXT_BINS, CONTEXT_LO, CONTEXT_HI)
    chosen = np.empty((trials, horizon), dtype=np.int64)
    rows = np.arange(trials)
    for t in range(horizon):
        chosen[:, t] = learner.predict(offsets[:, t], rng)
        learner.update(costs[rows, t, chosen[:, t]].astype(float))
    return costs[rows[:, None], np.arange(horizon)[None, :], chosen], chosen


def play_chebcb(costs: np.ndarray, offsets: np.ndarray, terms: int, rng: np.random.Generator, ctx):
    """ChebCB with the offset c_t as context, all trials in lockstep."""
    trials, horizon, arms = costs.shape
    learner = ChebCB(trials, arms, horizon, terms, CONTEXT_LO, CONTEXT_HI)
    chosen = np.empty((trials, horizon), dtype=np.int64)
    rows = np.arange(trials)
    for t in range(horizon):
        chosen[:, t] = learner.predict(offsets[:, t], rng)
        learner.update(costs[rows, t, chosen[:, t]].astype(float))
        if t % 256 == 255:
            ctx.check_cancelled()
    return costs[rows[:, None], np.arange(horizon)[None, :], chosen], chosen


def run_setting(config, ctx, solver: BatchedSOR, setting: str, progress) -> SettingRun:
    """Instances, cost table and the three learners for one offset distribution.

    ``progress(fraction, message)`` reports this setting's own progress in [0, 1].
    """
    n = config.grid_points**2
    seq = sample_sequences(ctx.rng(f"instances-{setting}"), setting, config.trials, config.instances, n)
    progress(0.0, "tabulating SOR iterations of every ω on every instance")
    on_batch = lambda done: progress(0.85 * done, f"SOR cost table {done:.0%}")  # noqa: E731
    costs, omega_star = cost_table(solver, seq, omega_grid(config.arms), lambda k: ctx.check_cancelled(), on_batch)
    grid_costs = costs[..., :-1]
    progress(0.85, "Tsallis-INF")
    tsallis, tsallis_arms, p_best = play_tsallis(grid_costs, ctx.rng(f"tsallis-{setting}"))
    progress(0.88, "ChebCB")
    cheb, cheb_arms = play_chebcb(grid_costs, seq.offsets, config.chebyshev_terms, ctx.rng(f"chebcb-{setting}"), ctx)
    progress(0.97, "Tsallis-INF-CB")
    tcb, tcb_arms = play_tsallis_cb(grid_costs, seq.offsets, ctx.rng(f"tsallis-cb-{setting}"))
    return SettingRun(
        sequences=seq,
        omega_star=omega_star,
        costs=costs,
        policy_costs={"Tsallis-INF": tsallis, "ChebCB": cheb, "Tsallis-INF-CB": tcb},
        policy_arms={"Tsallis-INF": tsallis_arms, "ChebCB": cheb_arms, "Tsallis-INF-CB": tcb_arms},
        tsallis_best_arm_probability=p_best,
    )


def make_solver(config, ctx) -> BatchedSOR:
    device = ctx.torch_device
    return BatchedSOR(config.grid_points, config.tolerance, config.max_iterations, device, default_batch(device))
