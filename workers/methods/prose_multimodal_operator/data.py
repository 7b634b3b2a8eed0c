"""The generated data set: per sample, a trajectory of one ODE family with perturbed coefficients,
its true equation (the symbol decoder's target) and the guessed equation the model reads (the
coefficients perturbed again, sometimes with a term left out)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .families import FAMILIES, Family, integrate, sample_coefficients, sample_initial
from .symbols import equation_tokens, to_ids

MAX_TOKENS = 128
BOUNDED = 200.0  # trajectories leaving |x| < 200 are redrawn
SUBSTEPS = 8


@dataclass(frozen=True)
class Split:
    family: np.ndarray  # (S,) index into the run's family list
    times: np.ndarray  # (T,) shared time grid; the first ``input_points`` are observed
    trajectories: np.ndarray  # (S, T, 3)
    coefficients: list[np.ndarray]  # true coefficients per sample
    guessed_ids: np.ndarray  # (S, MAX_TOKENS) the symbol input
    true_ids: np.ndarray  # (S, MAX_TOKENS) the symbol target
    corrupted_ids: np.ndarray  # (S, MAX_TOKENS) the symbol input with one term left out


def droppable_terms(family: Family) -> list[int]:
    """Flat indices of terms in equations that keep at least one term when it is dropped."""
    out, index = [], 0
    for equation in family.equations:
        for _ in equation:
            if len(equation) > 1:
                out.append(index)
            index += 1
    return out


def guessed_tokens(family: Family, coefficients: np.ndarray, config, rng: np.random.Generator, drop: bool) -> list[str]:
    noisy = coefficients * rng.uniform(1 - config.symbol_noise, 1 + config.symbol_noise, size=coefficients.shape)
    dropped = frozenset([int(rng.choice(droppable_terms(family)))]) if drop else frozenset()
    return equation_tokens(family, noisy, dropped)


def bounded_trajectories(family: Family, count: int, config, times: np.ndarray, rng: np.random.Generator):
    """(coefficients, trajectories) of ``count`` samples whose trajectories stay bounded."""
    coefficients, trajectories = [], []
    while sum(len(c) for c in coefficients) < count:
        c = sample_coefficients(family, 2 * count, config.coefficient_spread, rng)
        x = integrate(family, c, sample_initial(family, 2 * count, rng), times, SUBSTEPS)
        keep = np.isfinite(x).all(axis=(1, 2)) & (np.abs(x).max(axis=(1, 2)) < BOUNDED)
        coefficients.append(c[keep])
        trajectories.append(x[keep])
    return np.concatenate(coefficients)[:count], np.concatenate(trajectories)[:count]


def make_split(config, per_family: int, rng: np.random.Generator, train: bool) -> Split:
    times = np.linspace(0.0, config.output_time, config.input_points + config.output_points)
    family_ids, trajectories, coefficients, guessed, true, corrupted = [], [], [], [], [], []
    for index, name in enumerate(config.families):
        family = FAMILIES[name]
        c, x = bounded_trajectories(family, per_family, config, times, rng)
        for sample in range(per_family):
            drop = train and rng.random() < config.corrupt_share
            guessed.append(to_ids(guessed_tokens(family, c[sample], config, rng, drop), MAX_TOKENS))
            corrupted.append(to_ids(guessed_tokens(family, c[sample], config, rng, True), MAX_TOKENS))
            true.append(to_ids(equation_tokens(family, c[sample]), MAX_TOKENS))
            coefficients.append(c[sample])
        family_ids.append(np.full(per_family, index))
        trajectories.append(x)
    return Split(np.concatenate(family_ids), times, np.concatenate(trajectories).astype(np.float32), coefficients,
                 np.asarray(guessed), np.asarray(true), np.asarray(corrupted))


def normalized(split: Split, input_points: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per-sample centre (S, 1, 3) and scale (S, 1, 1) from the observed window, and the
    normalized trajectories (S, T, 3)."""
    observed = split.trajectories[:, :input_points]
    centre = observed.mean(axis=1, keepdims=True)
    scale = observed.std(axis=(1, 2), keepdims=True) + 1e-3
    return centre, scale, (split.trajectories - centre) / scale


def save_split(path, train: Split, test: Split, config) -> None:
    """Trajectories as float32, token ids as uint8 (the vocabulary has 32 tokens)."""
    ids = lambda a: a.astype(np.uint8)
    np.savez_compressed(
        path, families=np.asarray(config.families), times=train.times,
        train_family=train.family, train_trajectories=train.trajectories, train_guessed=ids(train.guessed_ids),
        train_true=ids(train.true_ids), test_family=test.family, test_trajectories=test.trajectories,
        test_guessed=ids(test.guessed_ids), test_true=ids(test.true_ids), test_corrupted=ids(test.corrupted_ids),
    )
