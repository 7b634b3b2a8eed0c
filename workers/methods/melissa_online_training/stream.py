"""The online-training plumbing: a stream of simulations from producers, and a reservoir buffer.

Producers are either an in-process generator (the simulations run one after another in the
trainer's process) or a ``multiprocessing`` pool of worker processes (Melissa's clients), which
compute ahead while the trainer trains; both yield the simulations in the order of their
parameters, so a run's data do not depend on which one is used. A daemonic process (a Celery
prefork child) may not start children: there the pool falls back to the generator.

The reservoir (Vitter's Algorithm R) holds at most C samples; after n samples of a stream each
one is in it with probability min(1, C/n), and the trainer draws mini-batches uniformly from it.
"""
from __future__ import annotations

import multiprocessing
from typing import Iterator

import numpy as np

from .heat import HeatSimulator

_WORKER_SIMULATOR: HeatSimulator | None = None


def _start_worker(n: int, alpha: float, dt: float) -> None:
    global _WORKER_SIMULATOR
    _WORKER_SIMULATOR = HeatSimulator(n, alpha, dt)


def _simulate_in_worker(job: tuple[np.ndarray, int]) -> np.ndarray:
    theta, steps = job
    return _WORKER_SIMULATOR.simulate(theta, steps)


def pool_allowed() -> bool:
    return not multiprocessing.current_process().daemon


def simulation_stream(thetas: np.ndarray, n: int, alpha: float, dt: float, steps: int,
                      producers: int) -> tuple[Iterator[np.ndarray], str]:
    """Fields (steps, n, n) of each θ in order, and which producer ran them."""
    if producers >= 1 and pool_allowed():
        return _pool_stream(thetas, n, alpha, dt, steps, producers), f"multiprocessing pool of {producers}"
    simulator = HeatSimulator(n, alpha, dt)
    why = "in-process generator" if producers == 0 else "in-process generator (daemonic process: no pool)"
    return (simulator.simulate(theta, steps) for theta in thetas), why


def _pool_stream(thetas, n, alpha, dt, steps, producers) -> Iterator[np.ndarray]:
    context = multiprocessing.get_context("spawn")
    with context.Pool(producers, initializer=_start_worker, initargs=(n, alpha, dt)) as pool:
        yield from pool.imap(_simulate_in_worker, [(theta, steps) for theta in thetas], chunksize=1)


class Reservoir:
    """At most ``capacity`` rows of (inputs, targets); uniform over every row offered so far."""

    def __init__(self, capacity: int, in_dim: int, out_dim: int, rng: np.random.Generator):
        self.capacity, self.rng = capacity, rng
        self.inputs = np.zeros((capacity, in_dim), dtype=np.float32)
        self.targets = np.zeros((capacity, out_dim), dtype=np.float32)
        self.ids = np.full(capacity, -1, dtype=np.int64)
        self.seen = 0
        self.size = 0

    def offer(self, inputs: np.ndarray, targets: np.ndarray) -> None:
        for x, y in zip(inputs, targets):
            slot = self.seen if self.seen < self.capacity else int(self.rng.integers(0, self.seen + 1))
            if slot < self.capacity:
                self.inputs[slot], self.targets[slot], self.ids[slot] = x, y, self.seen
            self.seen += 1
            self.size = min(self.seen, self.capacity)

    def sample(self, count: int) -> tuple[np.ndarray, np.ndarray]:
        """A mini-batch drawn uniformly (with replacement) from the rows held."""
        index = self.rng.integers(0, self.size, size=count)
        return self.inputs[index], self.targets[index]
