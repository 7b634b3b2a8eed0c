"""Data sets for the convex-ReLU experiments, each with a bias column appended to the inputs.

* ``1d``: x ~ U[−1, 1], label sign(sin(π f x)) (f = label_frequency, so 2f − 1 sign changes) with a
  fraction of labels flipped. With d = 2 (x, 1) every activation pattern can be enumerated (≤ 2n),
  so the convex program is the exact reformulation and its optimum the global one.
* ``moons``: scikit-learn's two moons (d = 3 with the bias), for the sampled-pattern formulation.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Dataset:
    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


def with_bias(x: np.ndarray) -> np.ndarray:
    x = x.reshape(len(x), -1)
    return np.hstack([x, np.ones((len(x), 1))])


def one_dimensional(n_train: int, n_test: int, frequency: float, noise: float, rng: np.random.Generator) -> Dataset:
    def draw(n: int, flip: bool) -> tuple[np.ndarray, np.ndarray]:
        x = np.sort(rng.uniform(-1.0, 1.0, n))
        y = np.where(np.sin(np.pi * frequency * x) >= 0, 1.0, -1.0)
        if flip:
            y = y * np.where(rng.random(n) < noise, -1.0, 1.0)
        return with_bias(x), y

    X_train, y_train = draw(n_train, True)
    X_test, y_test = draw(n_test, False)
    return Dataset(X_train, y_train, X_test, y_test)


def moons(n_train: int, n_test: int, noise: float, rng: np.random.Generator) -> Dataset:
    from sklearn.datasets import make_moons

    X, labels = make_moons(n_train + n_test, noise=max(noise, 1e-3), random_state=int(rng.integers(2**31)))
    y = 2.0 * labels - 1.0
    return Dataset(with_bias(X[:n_train]), y[:n_train], with_bias(X[n_train:]), y[n_train:])


def accuracy(pred: np.ndarray, y: np.ndarray) -> float:
    return float(np.mean(np.where(pred >= 0, 1.0, -1.0) == y))
