"""Small data sets and networks for the training-dynamics methods: scikit-learn's digits
(ships with the package, nothing fetched) and plain MLPs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch
from torch import nn

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU}


@dataclass(frozen=True)
class Split:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def features(self) -> int:
        return self.x_train.shape[1]

    @property
    def classes(self) -> int:
        return int(max(self.y_train.max(), self.y_test.max())) + 1

    def to(self, device) -> Split:
        return Split(*(t.to(device) for t in (self.x_train, self.y_train, self.x_test, self.y_test)))


def standardize(train: np.ndarray, test: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zero mean, unit variance per feature, fitted on the training part (constant features stay 0)."""
    mean, std = train.mean(axis=0), train.std(axis=0)
    std = np.where(std > 0, std, 1.0)
    return (train - mean) / std, (test - mean) / std


def split_arrays(x: np.ndarray, y: np.ndarray, test_fraction: float, rng: np.random.Generator,
                 dtype=torch.float32, scale: bool = True) -> Split:
    """A random train/test split (by ``rng``), features standardized on the training part
    unless ``scale`` is false."""
    order = rng.permutation(len(y))
    n_test = int(round(test_fraction * len(y)))
    test, train = order[:n_test], order[n_test:]
    x_train, x_test = standardize(x[train], x[test]) if scale else (x[train], x[test])
    as_x = lambda a: torch.as_tensor(a, dtype=dtype)
    as_y = lambda a: torch.as_tensor(a, dtype=torch.long)
    return Split(as_x(x_train), as_y(y[train]), as_x(x_test), as_y(y[test]))


def digits(rng: np.random.Generator, test_fraction: float = 0.2, dtype=torch.float32) -> Split:
    """scikit-learn's 8x8 digits (1,797 images, 64 features, 10 classes), standardized."""
    from sklearn.datasets import load_digits

    data = load_digits()
    return split_arrays(data.data.astype(np.float64), data.target.astype(np.int64), test_fraction, rng, dtype)


def digits_images(split: Split) -> Split:
    """The same split with features as 1x8x8 images (for convolutional nets)."""
    shape = lambda t: t.reshape(-1, 1, 8, 8)
    return Split(shape(split.x_train), split.y_train, shape(split.x_test), split.y_test)


def teacher_classification(n: int, features: int, classes: int, rng: np.random.Generator,
                           test_fraction: float = 0.2, dtype=torch.float32) -> Split:
    """Gaussian inputs labelled by the argmax of a random linear teacher."""
    x = rng.standard_normal((n, features))
    y = np.argmax(x @ rng.standard_normal((features, classes)), axis=1)
    return split_arrays(x, y, test_fraction, rng, dtype)


def mlp(sizes: list[int] | tuple[int, ...], activation: Literal["tanh", "relu"] = "tanh") -> nn.Sequential:
    """Linear layers of the given sizes with ``activation`` between them (none after the last)."""
    layers: list[nn.Module] = []
    for k, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(fan_in, fan_out))
        if k < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


def seeded(model_builder, seed: int, device=None, dtype=torch.float32) -> nn.Module:
    """A model whose initial weights depend only on ``seed`` (same init for every optimizer)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = model_builder()
    return model.to(device=device, dtype=dtype)


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    return float((model(x).argmax(dim=1) == y).float().mean())
