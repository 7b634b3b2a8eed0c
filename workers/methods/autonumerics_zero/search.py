"""The evolutionary search: NSGA-II over (max relative error, number of ops).

Each generation, λ = μ children are made by mutating parents picked with NSGA-II's binary
tournament (lower Pareto rank wins, ties broken by larger crowding distance); each child's
constants are fitted (one evaluation) and it is scored by its max relative error on the search
grid. Parents and children compete together and the best μ by (rank, crowding) survive
(Deb et al. 2002; the paper's ``evolution/lib/nsga2_search_algorithm.cc``). A child whose
structure was already evaluated is discarded and re-drawn (the paper's hashing of candidates),
so every evaluation fits a new program.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from .fitting import fit_constants
from .programs import Program, forward, log10_error, mutate, seed_program
from .target import chebyshev_points


@dataclass(frozen=True)
class Candidate:
    program: Program
    constants: np.ndarray
    error: float

    @property
    def ops(self) -> int:
        return len(self.program)

    @property
    def objectives(self) -> tuple[float, int]:
        return (log10_error(self.error), self.ops)


@dataclass
class Evaluator:
    """Fits constants at Chebyshev nodes, scores on an equispaced search grid; counts fits."""

    fit_points: int
    grid_points: int
    evaluations: int = 0
    x_fit: np.ndarray = field(init=False)
    x_grid: np.ndarray = field(init=False)

    def __post_init__(self):
        self.x_fit = chebyshev_points(self.fit_points)
        self.f_fit = np.exp2(self.x_fit)
        self.x_grid = np.linspace(0.0, 1.0, self.grid_points)
        self.f_grid = np.exp2(self.x_grid)

    def __call__(self, program: Program, start: np.ndarray) -> Candidate:
        self.evaluations += 1
        constants = fit_constants(program, start, self.x_fit, self.f_fit)
        with np.errstate(all="ignore"):
            value, _ = forward(program, constants, self.x_grid)
            error = float(np.max(np.abs(value / self.f_grid - 1.0)))
        return Candidate(program, constants, error if math.isfinite(error) else math.inf)


class ParetoArchive:
    """The best candidate seen at each op count; front(b) = best with at most b ops."""

    def __init__(self):
        self.best: dict[int, Candidate] = {}

    def add(self, candidate: Candidate) -> None:
        held = self.best.get(candidate.ops)
        if held is None or candidate.error < held.error:
            self.best[candidate.ops] = candidate

    def front(self, budget: int) -> Candidate | None:
        members = [c for ops, c in self.best.items() if ops <= budget]
        return min(members, key=lambda c: c.error) if members else None


def non_dominated_fronts(keys: list[tuple[float, int]]) -> list[list[int]]:
    """Fast non-dominated sort (both objectives minimized)."""
    n = len(keys)
    dominated_by_me: list[list[int]] = [[] for _ in range(n)]
    count = [0] * n
    fronts: list[list[int]] = [[]]
    for i in range(n):
        for j in range(n):
            if _dominates(keys[i], keys[j]):
                dominated_by_me[i].append(j)
            elif _dominates(keys[j], keys[i]):
                count[i] += 1
        if count[i] == 0:
            fronts[0].append(i)
    while fronts[-1]:
        following = []
        for i in fronts[-1]:
            for j in dominated_by_me[i]:
                count[j] -= 1
                if count[j] == 0:
                    following.append(j)
        fronts.append(following)
    return fronts[:-1]


def _dominates(a: tuple[float, int], b: tuple[float, int]) -> bool:
    return a[0] <= b[0] and a[1] <= b[1] and a != b


def crowding_distances(keys: list[tuple[float, int]], front: list[int]) -> dict[int, float]:
    distance = {i: 0.0 for i in front}
    for m in range(2):
        ordered = sorted(front, key=lambda i: keys[i][m])
        distance[ordered[0]] = distance[ordered[-1]] = math.inf
        span = (keys[ordered[-1]][m] - keys[ordered[0]][m]) or 1.0
        for before, mid, after in zip(ordered, ordered[1:], ordered[2:]):
            distance[mid] += (keys[after][m] - keys[before][m]) / span
    return distance


def nsga2_survivors(pool: list[Candidate], size: int) -> tuple[list[Candidate], list[tuple[int, float]]]:
    """The best `size` by (rank, −crowding), with each survivor's (rank, crowding)."""
    keys = [c.objectives for c in pool]
    chosen: list[int] = []
    quality: dict[int, tuple[int, float]] = {}
    for rank, front in enumerate(non_dominated_fronts(keys)):
        crowd = crowding_distances(keys, front)
        for i in front:
            quality[i] = (rank, crowd[i])
        room = size - len(chosen)
        chosen += front if len(front) <= room else sorted(front, key=lambda i: -crowd[i])[:room]
        if len(chosen) >= size:
            break
    return [pool[i] for i in chosen], [quality[i] for i in chosen]


def tournament(population: list[Candidate], quality: list[tuple[int, float]], rnd: random.Random) -> Candidate:
    i, j = rnd.randrange(len(population)), rnd.randrange(len(population))
    better_i = (quality[i][0], -quality[i][1]) <= (quality[j][0], -quality[j][1])
    return population[i] if better_i else population[j]


def make_child(parent: Candidate, max_ops: int, seen: set, rnd: random.Random, tries: int = 100):
    """A valid mutation of the parent with at most max_ops ops and a never-seen structure."""
    for _ in range(tries):
        child = mutate(parent.program, parent.constants, rnd)
        if child is not None and len(child[0]) <= max_ops and child[0] not in seen:
            return child
    return None


def evolve(
    evaluations: int,
    population_size: int,
    max_ops: int,
    evaluator: Evaluator,
    rnd: random.Random,
    report: Callable[[int, ParetoArchive], None],
    report_every: int,
) -> ParetoArchive:
    """Run NSGA-II until `evaluations` fits were spent; report(evaluations, archive) now and then."""
    archive = ParetoArchive()
    seen: set = set()
    program, constants = seed_program()
    population = [evaluator(program, constants)]
    archive.add(population[0])
    seen.add(program)
    quality = [(0, math.inf)]
    next_report = 0
    while evaluator.evaluations < evaluations:
        children = []
        stale = 0
        while len(children) < population_size and evaluator.evaluations < evaluations and stale < 10 * population_size:
            parent = tournament(population, quality, rnd)
            child = make_child(parent, max_ops, seen, rnd)
            if child is None:
                stale += 1
                continue
            seen.add(child[0])
            children.append(evaluator(*child))
            archive.add(children[-1])
        if evaluator.evaluations >= next_report:
            report(evaluator.evaluations, archive)
            next_report = evaluator.evaluations + report_every
        if not children:
            break
        population, quality = nsga2_survivors(population + children, population_size)
    report(evaluator.evaluations, archive)
    return archive
