"""Block selection rules (Nutini, Laradji & Schmidt 2022, Sec. 2-3), for fixed and variable blocks.

With M ⪰ ∇²f the matrix bound, L_b = λ_max(M_bb), L_i = M_ii and d_i = Σ_j |M_ij|:

    Random     b uniform                      Cyclic   b = k mod #blocks
    Lipschitz  P(b) ∝ L_b                     GS       argmax_b ||∇_b f||
    GSL        argmax_b ||∇_b f||² / L_b      (most progress of the Lipschitz update x_b −= ∇_b f/L_b)
    GSD        argmax_b ∇_b fᵀ D_b⁻¹ ∇_b f    (D_b diagonal with M_bb ⪯ D_b: most progress of a diagonal update)
    GSQ        argmax_b ∇_b fᵀ M_bb⁻¹ ∇_b f   (most progress of the matrix update x_b −= M_bb⁻¹∇_b f)

Fixed blocks are the paper's "Sort" partition (coordinates sorted by L_i, cut into blocks of τ).
Variable blocks (VB) take the τ coordinates with the largest per-coordinate score (|∇_i f|, ∇_i f²/L_i,
∇_i f²/d_i); VB-GSQ adds coordinates greedily, each maximising the exact gain of ∇_Sᵀ M_SS⁻¹ ∇_S
(a Schur-complement update), in place of the paper's iterative-hard-thresholding approximation.
For the non-negative L1 problem the greedy rule is GSq: the τ coordinates whose projected
coordinate step x_i ← max(x_i − ∇_i f/L_i, 0) decreases the quadratic bound the most.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from .problems import Curvature

FIXED_RULES = ("Random", "Cyclic", "Lipschitz", "GS", "GSL", "GSD", "GSQ")
VARIABLE_RULES = ("Random", "Cyclic", "Lipschitz", "GS", "GSL", "GSD", "GSQ")
L1_RULES = ("Random", "Cyclic", "GSq")

Selector = Callable[[int, np.ndarray, np.ndarray], np.ndarray]  # (iteration, x, grad) -> block indices


def sorted_partition(coord_lipschitz: np.ndarray, block_size: int) -> list[np.ndarray]:
    """The paper's 'Sort' fixed partition: coordinates ordered by L_i, cut into consecutive blocks."""
    order = np.argsort(coord_lipschitz, kind="stable")
    return [np.sort(order[i : i + block_size]) for i in range(0, len(order), block_size)]


def fixed_block_selector(rule: str, curvature: Curvature, block_size: int, rng: np.random.Generator) -> Selector:
    blocks = sorted_partition(curvature.coord_lipschitz, block_size)
    if rule == "Random":
        return lambda k, x, g: blocks[rng.integers(len(blocks))]
    if rule == "Cyclic":
        return lambda k, x, g: blocks[k % len(blocks)]
    block_lipschitz = np.array([curvature.block_lipschitz(b) for b in blocks])
    if rule == "Lipschitz":
        probs = block_lipschitz / block_lipschitz.sum()
        return lambda k, x, g: blocks[rng.choice(len(blocks), p=probs)]
    index, weights = _padded_blocks(blocks, _fixed_block_weights(rule, curvature, blocks, block_lipschitz))

    def select(k: int, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        gb = np.where(index >= 0, g[index], 0.0)  # (blocks, τ), zero-padded
        return blocks[int(np.argmax(np.einsum("bi,bij,bj->b", gb, weights, gb)))]

    return select


def _padded_blocks(blocks: list[np.ndarray], weights: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """Blocks as a (count, τ) index array (−1 pads a short last block) and stacked (count, τ, τ) weights."""
    width = max(len(b) for b in blocks)
    index = -np.ones((len(blocks), width), dtype=int)
    stacked = np.zeros((len(blocks), width, width))
    for i, (b, w) in enumerate(zip(blocks, weights)):
        index[i, : len(b)] = b
        stacked[i, : len(b), : len(b)] = w
    return index, stacked


def _fixed_block_weights(rule, curvature, blocks, block_lipschitz) -> list[np.ndarray]:
    """The matrix W_b of each greedy score ∇_bᵀ W_b ∇_b."""
    if rule == "GS":
        return [np.eye(len(b)) for b in blocks]
    if rule == "GSL":
        return [np.eye(len(b)) / lb for b, lb in zip(blocks, block_lipschitz)]
    if rule == "GSD":  # D_b = Diag(Σ_{j∈b} |M_ij|) ⪰ M_bb (diagonal dominance)
        return [np.diag(1.0 / np.abs(curvature.block(b)).sum(axis=1)) for b in blocks]
    if rule == "GSQ":
        return [np.linalg.pinv(curvature.block(b), hermitian=True) for b in blocks]
    raise ValueError(f"unknown fixed-block rule {rule!r}; known: {', '.join(FIXED_RULES)}")


def variable_block_selector(rule: str, curvature: Curvature, block_size: int, rng: np.random.Generator) -> Selector:
    p = len(curvature.coord_lipschitz)
    if rule == "Random":
        return lambda k, x, g: np.sort(rng.choice(p, block_size, replace=False))
    if rule == "Cyclic":
        order = rng.permutation(p)
        n_chunks = max(1, p // block_size)
        return lambda k, x, g: np.sort(order[(k % n_chunks) * block_size : (k % n_chunks + 1) * block_size])
    if rule == "Lipschitz":
        probs = curvature.coord_lipschitz / curvature.coord_lipschitz.sum()
        return lambda k, x, g: np.sort(rng.choice(p, block_size, replace=False, p=probs))
    if rule == "GSQ":
        return lambda k, x, g: greedy_gsq_block(g, curvature, block_size)
    if rule == "GSq":
        return lambda k, x, g: top_k(projected_step_progress(x, g, curvature.coord_lipschitz), block_size)
    if rule == "GS":
        return lambda k, x, g: top_k(np.abs(g), block_size)
    if rule == "GSL":
        return lambda k, x, g: top_k(g**2 / curvature.coord_lipschitz, block_size)
    if rule == "GSD":
        return lambda k, x, g: top_k(g**2 / curvature.row_abs_sums, block_size)
    raise ValueError(f"unknown variable-block rule {rule!r}; known: {', '.join(VARIABLE_RULES + ('GSq',))}")


def top_k(scores: np.ndarray, k: int) -> np.ndarray:
    return np.sort(np.argpartition(-scores, k - 1)[:k])


def projected_step_progress(x: np.ndarray, g: np.ndarray, coord_lipschitz: np.ndarray) -> np.ndarray:
    """Decrease of the coordinate bound g_i d_i + (L_i/2) d_i² for d_i = max(x_i − g_i/L_i, 0) − x_i."""
    d = np.maximum(x - g / coord_lipschitz, 0.0) - x
    return -(g * d + 0.5 * coord_lipschitz * d**2)


def greedy_gsq_block(g: np.ndarray, curvature: Curvature, block_size: int) -> np.ndarray:
    """Forward selection for max_S ∇_Sᵀ M_SS⁻¹ ∇_S, |S| = τ.

    Adding j to S raises the score by (g_j − M_jS M_SS⁻¹ g_S)² / (M_jj − M_jS M_SS⁻¹ M_Sj).
    """
    diag = curvature.coord_lipschitz
    chosen: list[int] = []
    cols = np.zeros((len(g), 0))
    for _ in range(block_size):
        if chosen:
            m_ss = cols[chosen, :]
            solved = np.linalg.lstsq(m_ss, np.column_stack([g[chosen], cols.T]), rcond=None)[0]
            residual = g - cols @ solved[:, 0]
            schur = diag - np.einsum("ij,ji->i", cols, solved[:, 1:])
        else:
            residual, schur = g, diag
        gain = residual**2 / np.maximum(schur, 1e-12 * diag.max())
        gain[chosen] = -np.inf
        j = int(np.argmax(gain))
        chosen.append(j)
        cols = np.column_stack([cols, curvature.columns(np.array([j]))])
    return np.sort(np.array(chosen))
