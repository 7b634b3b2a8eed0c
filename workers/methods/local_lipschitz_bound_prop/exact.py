"""The exact local Lipschitz constant of a small ReLU network by enumerating the activation
patterns that occur on the ball (Jordan & Dimakis' LipMIP value, found by search instead of MIP).

Inside one activation region the network is affine, so its gradient is one vector; the
constant is the largest ‖∇f‖₁ over the regions that meet B∞(x0, ε) in a set with interior.
A depth-first search fixes the unstable neurons layer by layer; each partial pattern is kept
only if a linear program finds a point of the ball where every fixed neuron has its sign with
a positive margin (scipy's HiGHS). A child that the parent's witness point already satisfies
needs no new program.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import linprog

MARGIN = 1e-9


@dataclass
class Search:
    layers: list[tuple[np.ndarray, np.ndarray]]
    low: np.ndarray  # ball's corners
    high: np.ndarray
    max_programs: int
    programs: int = 0
    regions: int = 0
    best: float = 0.0
    complete: bool = True
    rows: list[np.ndarray] = field(default_factory=list)  # constraints s·(a·x + c) ≥ t as (−s a, s c)
    offsets: list[float] = field(default_factory=list)


def interior_point(search: Search, extra: tuple[np.ndarray, float]) -> np.ndarray | None:
    """A point of the ball where every constraint (and ``extra``) holds with margin > 0, or None."""
    search.programs += 1
    a_rows = search.rows + [extra[0]]
    b_rows = search.offsets + [extra[1]]
    dim = len(search.low)
    a_ub = np.hstack([np.array(a_rows), np.ones((len(a_rows), 1))])  # −s a·x + t ≤ s c
    result = linprog(np.r_[np.zeros(dim), -1.0], A_ub=a_ub, b_ub=np.array(b_rows),
                     bounds=[*zip(search.low, search.high), (None, 1.0)], method="highs")
    if result.status != 0 or -result.fun <= MARGIN:
        return None
    return result.x[:dim]


def descend(search: Search, layer: int, neuron: int, affine: tuple[np.ndarray, np.ndarray],
            pattern: list[np.ndarray], witness: np.ndarray) -> None:
    """Fix neuron ``neuron`` of hidden layer ``layer`` (pre-activation = A x + c on this region)."""
    if search.programs >= search.max_programs:
        search.complete = False
        return
    weight_a, offset_c = affine
    if neuron == len(offset_c):
        next_step(search, layer, affine, pattern, witness)
        return
    a, c = weight_a[neuron], offset_c[neuron]
    value = float(a @ witness + c)
    center, radius = (search.high + search.low) / 2, (search.high - search.low) / 2
    reach = (float(a @ center + c - np.abs(a) @ radius), float(a @ center + c + np.abs(a) @ radius))
    for sign in (1.0, -1.0) if value >= 0 else (-1.0, 1.0):  # the witness's own side first
        if (sign > 0 and reach[1] <= MARGIN) or (sign < 0 and reach[0] >= -MARGIN):
            continue  # the box alone rules this side out
        constraint = (-sign * a, sign * c)
        point = witness if sign * value > MARGIN else interior_point(search, constraint)
        if point is None:
            continue
        search.rows.append(constraint[0])
        search.offsets.append(constraint[1])
        pattern[layer][neuron] = 1.0 if sign > 0 else 0.0
        descend(search, layer, neuron + 1, affine, pattern, point)
        search.rows.pop()
        search.offsets.pop()


def next_step(search: Search, layer: int, affine, pattern: list[np.ndarray], witness: np.ndarray) -> None:
    """Layer ``layer`` is fixed: move to the next hidden layer, or score the region's gradient."""
    weight_a, offset_c = affine
    d = pattern[layer]
    if layer + 1 == len(search.layers) - 1:
        gradient = (search.layers[-1][0][0] * d) @ weight_a
        search.best = max(search.best, float(np.abs(gradient).sum()))
        search.regions += 1
        return
    w_next, b_next = search.layers[layer + 1]
    descend(search, layer + 1, 0, (w_next @ (d[:, None] * weight_a), w_next @ (d * offset_c) + b_next),
            pattern, witness)


def exact_local_lipschitz(layers: list[tuple[np.ndarray, np.ndarray]], x0: np.ndarray, eps: float,
                          max_programs: int = 100_000) -> Search:
    """max over regions meeting B∞(x0, ε) of ‖∇f‖₁; ``complete`` is False if the budget ran out."""
    search = Search(layers, x0 - eps, x0 + eps, max_programs)
    pattern = [np.zeros(len(b)) for _, b in layers[:-1]]
    w1, b1 = layers[0]
    descend(search, 0, 0, (w1, b1), pattern, x0.copy())
    return search
