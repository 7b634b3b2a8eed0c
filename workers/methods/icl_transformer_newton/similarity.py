"""Matching predictors by their errors (Fu et al., Sec. 4) — numpy only.

Similarity of errors (Fu et al., Def. 1): for two predictors A and B on a prompt with n points,

    SimE(A, B) = E_prompts [ cos( (ŷ^A_i − y_i)_{i=1..n-1},  (ŷ^B_i − y_i)_{i=1..n-1} ) ]

over the positions that have at least one example before them (at i = 0 every algorithm predicts 0).
Best match of layer ℓ: k*(ℓ) = argmax_k SimE(TF_ℓ, Alg_k) over each algorithm's grid of iterations.
A layer that matches OLS (both algorithms' limit) as well as any iterate has no identifiable k*.
"""
from __future__ import annotations

import numpy as np

from . import algorithms as alg


def algorithm_predictions(xs: np.ndarray, ys: np.ndarray, newton_iters: np.ndarray, gd_steps: np.ndarray):
    """Newton, GD and OLS predictions at every position from the examples before it: (K, B, n) each."""
    sp = alg.prefix_spectra(xs, ys)
    newton = sp.predict(alg.newton_filters(sp, newton_iters))
    gd = np.concatenate([sp.predict(alg.gd_filters(sp, gd_steps[i : i + 8])) for i in range(0, len(gd_steps), 8)])
    return newton, gd, sp.predict(alg.ols_filter(sp))


def similarity_of_errors(errors_a: np.ndarray, errors_b: np.ndarray) -> np.ndarray:
    """SimE for every pair: errors (LA, B, n) and (LB, B, n) → (LA, LB), positions 1..n-1."""
    a, b = errors_a[..., 1:], errors_b[..., 1:]
    a = a / np.maximum(np.linalg.norm(a, axis=-1, keepdims=True), 1e-300)
    b = b / np.maximum(np.linalg.norm(b, axis=-1, keepdims=True), 1e-300)
    return np.einsum("lpn,kpn->lk", a, b) / a.shape[1]


def best_matches(similarity: np.ndarray, grid: np.ndarray, tie: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """(k*(ℓ), max_k SimE(ℓ, k)) per layer row of a (L+1, K) similarity table.

    k* is the fewest iterations within ``tie`` of the best: once an algorithm has converged its
    iterates agree to round-off, and the argmax among them would be noise."""
    top = similarity.max(axis=1)
    first = np.argmax(similarity >= top[:, None] - tie, axis=1)
    return np.asarray(grid)[first], top
