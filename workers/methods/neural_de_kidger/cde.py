"""Sub-claim A: a neural CDE on irregularly sampled spirals vs GRU baselines on the same series.

Data (torchcde's ``example.py``): a decaying spiral (cos, sin)(φ + t) / (1 + t/2) on t ∈ [0, 4π],
clockwise or anticlockwise (x negated), 1 % noise. Each point is dropped with probability p
(the first and last points are kept), so every series has its own observation times.

Neural CDE (Kidger et al. 2020): X is the piecewise-linear path through (t_i/T, x_i, y_i)
(time is a channel, so the spacing of the observations enters through dX); z(t₀) = ζ(X(t₀)),
dz = f_θ(z) dX with f_θ: R^h → R^{h×3}, ŷ = ℓ(z(T)). On each observation interval dX/dt is
constant, so one RK4 step in s ∈ [0, 1] of dz/ds = f_θ(z)·ΔX_k solves it. Series are padded by
repeating their last observation: ΔX = 0 there, so z does not move.

Baselines on the same series: GRU-Δt reads (x, y, Δt) at the observations; GRU-ffill reads the
regular grid with missing values forward-filled and an observed-mask channel.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

T_END = 4 * math.pi


@dataclass
class IrregularSeries:
    path: torch.Tensor  # (batch, max_obs, 3): (t/T, x, y) at the kept points, padded with the last one
    lengths: torch.Tensor  # (batch,) kept points per series
    grid_filled: torch.Tensor  # (batch, length, 3): forward-filled (x, y) and observed mask on the full grid
    labels: torch.Tensor  # (batch,) 1.0 = anticlockwise


def spirals(rng: np.random.Generator, count: int, length: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Times (length,), points (count, length, 2) and labels (count,)."""
    t = np.linspace(0.0, T_END, length)
    start = rng.uniform(0, 2 * math.pi, size=(count, 1))
    decay = 1 + 0.5 * t
    x, y = np.cos(start + t) / decay, np.sin(start + t) / decay
    labels = (rng.random(count) < 0.5).astype(np.float64)
    x = np.where(labels[:, None] > 0, x, -x)
    points = np.stack([x, y], -1) + 0.01 * rng.standard_normal((count, length, 2))
    return t, points, labels


def keep_masks(rng: np.random.Generator, count: int, length: int, drop: float) -> np.ndarray:
    keep = rng.random((count, length)) >= drop
    keep[:, 0] = keep[:, -1] = True
    return keep


def irregular(t: np.ndarray, points: np.ndarray, labels: np.ndarray, keep: np.ndarray, device) -> IrregularSeries:
    count, length = keep.shape
    lengths = keep.sum(1)
    path = np.zeros((count, lengths.max(), 3))
    for i in range(count):
        rows = np.concatenate([t[keep[i], None] / T_END, points[i, keep[i]]], 1)
        path[i, : len(rows)] = rows
        path[i, len(rows):] = rows[-1]
    last = np.maximum.accumulate(np.where(keep, np.arange(length), 0), axis=1)
    filled = np.take_along_axis(points, last[..., None], axis=1)
    grid = np.concatenate([filled, keep[..., None].astype(np.float64)], -1)
    as_tensor = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    return IrregularSeries(as_tensor(path), torch.as_tensor(lengths, device=device), as_tensor(grid),
                           as_tensor(labels))


class CDEField(nn.Module):
    def __init__(self, hidden: int, channels: int, width: int):
        super().__init__()
        self.hidden, self.channels = hidden, channels
        self.net = nn.Sequential(nn.Linear(hidden, width), nn.Softplus(), nn.Linear(width, width), nn.Softplus(),
                                 nn.Linear(width, hidden * channels), nn.Tanh())

    def forward(self, z: torch.Tensor, dx: torch.Tensor) -> torch.Tensor:
        return (self.net(z).view(-1, self.hidden, self.channels) @ dx.unsqueeze(-1)).squeeze(-1)


class NeuralCDE(nn.Module):
    def __init__(self, hidden: int = 8, width: int = 32, channels: int = 3):
        super().__init__()
        self.initial = nn.Linear(channels, hidden)
        self.field = CDEField(hidden, channels, width)
        self.readout = nn.Linear(hidden, 1)

    def forward(self, path: torch.Tensor, lengths: torch.Tensor | None = None) -> torch.Tensor:
        z = self.initial(path[:, 0])
        for k in range(path.shape[1] - 1):
            dx = path[:, k + 1] - path[:, k]
            k1 = self.field(z, dx)
            k2 = self.field(z + k1 / 2, dx)
            k3 = self.field(z + k2 / 2, dx)
            k4 = self.field(z + k3, dx)
            z = z + (k1 + 2 * k2 + 2 * k3 + k4) / 6
        return self.readout(z).squeeze(-1)


class GRUClassifier(nn.Module):
    """A GRU over a padded sequence, read out at each series' last real step."""

    def __init__(self, inputs: int, hidden: int):
        super().__init__()
        self.gru = nn.GRU(inputs, hidden, batch_first=True)
        self.readout = nn.Linear(hidden, 1)

    def forward(self, sequence: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        out, _ = self.gru(sequence)
        last = out[torch.arange(len(out), device=out.device), lengths - 1]
        return self.readout(last).squeeze(-1)


def gru_delta_inputs(path: torch.Tensor) -> torch.Tensor:
    """(x, y, Δt) per observation from the padded path (Δt of the first is 0)."""
    dt = torch.diff(path[..., :1], dim=1, prepend=path[:, :1, :1]) * T_END
    return torch.cat([path[..., 1:], dt], -1)


MODELS = ("ncde", "gru_dt", "gru_ffill")


def model_inputs(name: str, data: IrregularSeries) -> tuple[torch.Tensor, torch.Tensor]:
    if name == "ncde":
        return data.path, data.lengths
    if name == "gru_dt":
        return gru_delta_inputs(data.path), data.lengths
    full = torch.full_like(data.lengths, data.grid_filled.shape[1])
    return data.grid_filled, full


def build(name: str, hidden: int, width: int) -> nn.Module:
    if name == "ncde":
        return NeuralCDE(hidden, width)
    gru_hidden = gru_size_matching(hidden, width)
    return GRUClassifier(3, gru_hidden)


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())


def gru_size_matching(hidden: int, width: int) -> int:
    """The GRU hidden size whose parameter count is closest to the NCDE's (same budget)."""
    target = parameter_count(NeuralCDE(hidden, width))
    return min(range(2, 129), key=lambda h: abs(parameter_count(GRUClassifier(3, h)) - target))


@dataclass
class Scores:
    accuracy: float
    loss: float


def evaluate(model: nn.Module, inputs: torch.Tensor, lengths: torch.Tensor, labels: torch.Tensor) -> Scores:
    with torch.no_grad():
        logits = model(inputs, lengths)
        loss = nn.functional.binary_cross_entropy_with_logits(logits, labels)
        accuracy = ((logits > 0).float() == labels).float().mean()
    return Scores(float(accuracy), float(loss))


def train_classifier(model: nn.Module, inputs, lengths, labels, *, epochs: int, batch: int, lr: float,
                     generator: torch.Generator, on_epoch) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    count = len(labels)
    for epoch in range(1, epochs + 1):
        order = torch.randperm(count, generator=generator, device=generator.device).to(labels.device)
        for start in range(0, count, batch):
            rows = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            logits = model(inputs[rows], lengths[rows])
            nn.functional.binary_cross_entropy_with_logits(logits, labels[rows]).backward()
            optimizer.step()
        on_epoch(epoch)
