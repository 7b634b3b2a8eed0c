"""Collocation points for PINNs: a box domain, its interior (uniform, Latin hypercube, scrambled
Sobol or a regular grid) and its boundary, as tensors of a given device and dtype. Drawn from a
numpy Generator (the run's ``ctx.rng(...)``) so that a seed fixes every point."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import torch
from torch import Tensor

SampleKind = Literal["uniform", "lhs", "sobol", "grid"]


def unit_samples(n: int, dim: int, kind: SampleKind, rng: np.random.Generator) -> np.ndarray:
    """n points in [0, 1]^dim: i.i.d. uniform, Latin hypercube, scrambled Sobol, or a regular
    grid of ⌈n^(1/dim)⌉ points per axis (cell centres; more than n points when n is no power)."""
    if kind == "uniform":
        return rng.random((n, dim))
    if kind == "grid":
        side = math.ceil(n ** (1.0 / dim) - 1e-9)
        axes = [(np.arange(side) + 0.5) / side] * dim
        return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, dim)
    from scipy.stats import qmc

    engine = qmc.LatinHypercube(d=dim, rng=rng) if kind == "lhs" else qmc.Sobol(d=dim, scramble=True, rng=rng)
    return engine.random(n)


@dataclass(frozen=True)
class Box:
    """The domain [low_1, high_1] × … × [low_d, high_d]."""

    low: tuple[float, ...]
    high: tuple[float, ...]

    @property
    def dim(self) -> int:
        return len(self.low)

    def scale(self, unit: np.ndarray) -> np.ndarray:
        low, high = np.asarray(self.low, float), np.asarray(self.high, float)
        return low + (high - low) * unit

    def interior(self, n: int, rng: np.random.Generator, kind: SampleKind = "uniform", *,
                 device: Any = "cpu", dtype: torch.dtype = torch.float32) -> Tensor:
        return _tensor(self.scale(unit_samples(n, self.dim, kind, rng)), device, dtype)

    def boundary(self, n: int, rng: np.random.Generator, *, device: Any = "cpu",
                 dtype: torch.dtype = torch.float32) -> Tensor:
        """n points uniform on the box's faces (faces drawn in proportion to their areas;
        both end points in 1-D)."""
        if self.dim == 1:
            ends = np.array([[self.low[0]], [self.high[0]]])
            return _tensor(ends[np.arange(n) % 2], device, dtype)
        widths = np.asarray(self.high, float) - np.asarray(self.low, float)
        areas = np.array([np.prod(np.delete(widths, axis)) for axis in range(self.dim)])
        axes = rng.choice(self.dim, size=n, p=areas / areas.sum())
        points = self.scale(rng.random((n, self.dim)))
        sides = rng.integers(0, 2, size=n)
        points[np.arange(n), axes] = np.where(sides == 0, np.asarray(self.low)[axes], np.asarray(self.high)[axes])
        return _tensor(points, device, dtype)

    def grid(self, per_axis: int, *, device: Any = "cpu", dtype: torch.dtype = torch.float32) -> Tensor:
        """A regular grid with end points, per_axis^d points (for reference solutions and plots)."""
        axes = [np.linspace(lo, hi, per_axis) for lo, hi in zip(self.low, self.high)]
        return _tensor(np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, self.dim), device, dtype)


def _tensor(array: np.ndarray, device: Any, dtype: torch.dtype) -> Tensor:
    return torch.as_tensor(np.ascontiguousarray(array), dtype=dtype, device=device)


