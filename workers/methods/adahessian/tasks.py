"""The small tasks of the comparison: 2-D test functions (the official README's Rosenbrock and
Rastrigin) and classification on digits (MLP, small CNN) and an ill-conditioned synthetic
logistic regression."""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from ..shared.datasets import Split, digits, digits_images, mlp, split_arrays

TOY_FUNCTIONS: dict[str, tuple[Callable[[torch.Tensor], torch.Tensor], tuple[float, float], tuple[float, float]]] = {
    # name: (f, start, minimizer); starts as in the README's figures (jettify/pytorch-optimizer)
    "rosenbrock": (lambda p: (1 - p[0]) ** 2 + 100 * (p[1] - p[0] ** 2) ** 2, (-2.0, 2.0), (1.0, 1.0)),
    "rastrigin": (
        lambda p: 20 + (p ** 2 - 10 * torch.cos(2 * math.pi * p)).sum(), (-2.0, 3.5), (0.0, 0.0),
    ),
}


@dataclass(frozen=True)
class NetTask:
    name: str
    data: Split
    build: Callable[[], nn.Module]
    weight_decay: float = 0.0


def digits_mlp(rng: np.random.Generator, hidden: int) -> NetTask:
    data = digits(rng)
    return NetTask("digits-mlp", data, lambda: mlp([64, hidden, 10], "relu"))


def digits_cnn(rng: np.random.Generator, channels: int) -> NetTask:
    data = digits_images(digits(rng))

    def build() -> nn.Module:
        return nn.Sequential(
            nn.Conv2d(1, channels, 3, padding=1), nn.ReLU(),
            nn.Conv2d(channels, 2 * channels, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(2 * channels * 16, 10),
        )

    return NetTask("digits-cnn", data, build)


def ill_conditioned_logistic(rng: np.random.Generator, n: int, features: int, condition: float) -> NetTask:
    """Binary labels from a random linear teacher on Gaussian features whose scales span
    √condition, so the loss Hessian's condition number is about ``condition``; features are
    not standardized (that would undo the conditioning)."""
    scales = np.logspace(0, -0.5 * math.log10(condition), features)
    x = rng.standard_normal((n, features)) * scales
    teacher = rng.standard_normal(features) / scales
    y = (x @ teacher + 0.1 * rng.standard_normal(n) > 0).astype(np.int64)
    data = split_arrays(x, y, 0.2, rng, scale=False)
    return NetTask("logreg", data, lambda: nn.Linear(features, 2))
