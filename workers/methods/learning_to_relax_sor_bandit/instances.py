"""The instance sequences of the paper's experiments (official ``scripts/learning.m``, ``contextual.m``).

Instance t is A_t = Δ_h + c_t I with right-hand side b_t, where

    high variance:  c_t = −0.15 + 0.6 · Beta(0.5, 1.5)
    low variance:   c_t = −0.15 + 0.6 · Beta(2, 6)
    b_t ~ N(0, I_n) conditioned on ‖b_t‖ ≤ √n   (``utils/truncated_normal.m``, by rejection).

All offsets lie in [−0.15, 0.45], inside the context interval [−0.15, 0.65] the contextual
learners are told, and above −λ_min(Δ_h) = −4(1 − cos(π/(m+1))) for m ≤ 10, so every A_t is SPD.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

OFFSET_LOW, OFFSET_WIDTH = -0.15, 0.6
CONTEXT_LO, CONTEXT_HI = -0.15, 0.65
OFFSET_BETA = {"high_variance": (0.5, 1.5), "low_variance": (2.0, 6.0)}
SETTING_LABEL = {"high_variance": "high-variance offsets", "low_variance": "low-variance offsets"}
SETTINGS_OF_CHOICE = {
    "high_variance": ("high_variance",),
    "low_variance": ("low_variance",),
    "both": ("high_variance", "low_variance"),
}


@dataclass(frozen=True)
class InstanceSequences:
    """``offsets[trial, t]`` and ``rhs[trial, t, :]`` of one offset distribution, and the entropy of
    the numpy SeedSequence they were drawn from (``sample_sequences`` redraws them from it)."""

    setting: str
    offsets: np.ndarray
    rhs: np.ndarray
    seed_entropy: tuple[int, ...] = ()


def truncated_normal(rng: np.random.Generator, count: int, n: int) -> np.ndarray:
    """``count`` draws of N(0, I_n) restricted to the ball ‖b‖ ≤ √n, by rejection (≈ 50% accepted)."""
    accepted: list[np.ndarray] = []
    have = 0
    while have < count:
        draws = rng.standard_normal((2 * (count - have) + 8, n))
        keep = draws[np.linalg.norm(draws, axis=1) <= np.sqrt(n)]
        accepted.append(keep)
        have += len(keep)
    return np.concatenate(accepted)[:count]


def sample_sequences(rng: np.random.Generator, setting: str, trials: int, horizon: int, n: int) -> InstanceSequences:
    """Independent sequences of ``horizon`` instances, one per trial, from one generator."""
    alpha, beta = OFFSET_BETA[setting]
    offsets = OFFSET_LOW + OFFSET_WIDTH * rng.beta(alpha, beta, size=(trials, horizon))
    rhs = truncated_normal(rng, trials * horizon, n).reshape(trials, horizon, n)
    entropy = getattr(rng.bit_generator.seed_seq, "entropy", None)
    seed_entropy = tuple(np.atleast_1d(entropy).tolist()) if entropy is not None else ()
    return InstanceSequences(setting, offsets, rhs, seed_entropy)
