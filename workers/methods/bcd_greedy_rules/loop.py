"""The BCD loop shared by every (problem, partition, selection, update) combination.

    x_0 = 0;  for k = 0..K−1:  g = ∇f(x_k);  b_k = select(k, x_k, g);  x_{k+1,b} = update(x_{k,b}, g_b)

The recorded curve is the relative suboptimality (f(x_k) − f*) / (f(x_0) − f*), floored at 1e-16
(double precision cannot resolve less). For non-negative problems the loop also records the last
iteration at which the support {i : x_i > 0} changed (the active-set identification time).
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from .rules import Selector
from .updates import Update

FLOOR = 1e-16


@dataclass
class Trace:
    label: str
    suboptimality: np.ndarray  # relative, k = 0..K
    last_support_change: int  # 0 if the support never changed (or the problem is unconstrained)
    support_size: int
    x: np.ndarray

    @property
    def final(self) -> float:
        return float(self.suboptimality[-1])

    def iterations_to(self, tol: float) -> int | None:
        hits = np.flatnonzero(self.suboptimality <= tol)
        return int(hits[0]) if len(hits) else None


def run_bcd(
    problem,
    select: Selector,
    update: Update,
    iterations: int,
    f_star: float,
    label: str,
    on_point: Callable[[int, float], None],
    log_every: int,
) -> Trace:
    x = np.zeros(problem.dim)
    f0 = problem.value(x)
    scale = max(f0 - f_star, 1e-300)
    gaps = np.empty(iterations + 1)
    gaps[0] = 1.0
    support = x > 0
    last_change = 0
    on_point(0, 1.0)
    for k in range(iterations):
        g = problem.grad(x)
        block = select(k, x, g)
        x[block] = update(x, g, block)
        gaps[k + 1] = max((problem.value(x) - f_star) / scale, FLOOR)
        if problem.nonnegative:
            new_support = x > 0
            if np.any(new_support != support):
                last_change, support = k + 1, new_support
        if (k + 1) % log_every == 0 or k + 1 == iterations:
            on_point(k + 1, gaps[k + 1])
    return Trace(label, gaps, last_change, int(np.count_nonzero(x > 0)), x)
