"""MgNO: the linear operator between neuron channels parameterized as a multigrid V-cycle.

He, Liu, Xu, "MgNO: Efficient parameterization of linear operators via multigrid", ICLR 2024
(arXiv:2310.19809); structure as in the official MgConv_DC / MgNO_DC (xlliu2017/MgNO), written
anew. Every operator is a 3×3 convolution (zero padding: the Dirichlet boundary of Darcy flow).

    WMg(f):  level 1: u¹ = S * f¹, then ν₁ - 1 smoothings u ← u + S_i * (f − A_i * u)
             level ℓ+1: f^{ℓ+1} = R_ℓ *₂ f^ℓ,  u^{ℓ+1} = Π_ℓ *₂ u^ℓ   (stride-2 convolutions),
                        then ν_{ℓ+1} smoothings
             back up:  u^ℓ ← u^ℓ + P_ℓ(u^{ℓ+1})   (transposed 4×4 stride-2 convolution)
    layer:   u ← GELU(WMg(u) + W u + b)   (W a 1×1 convolution);  output: a 1×1 convolution.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def conv3(a: int, b: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(a, b, 3, stride=stride, padding=1, bias=False)


class Smoothing(nn.Module):
    """u ← u + S * (f − A * u); the first smoothing of the finest level is u = S * f."""

    def __init__(self, channels_u: int, channels_f: int, first: bool):
        super().__init__()
        self.S = conv3(channels_f, channels_u)
        self.A = None if first else conv3(channels_u, channels_f)

    def forward(self, u: torch.Tensor | None, f: torch.Tensor) -> torch.Tensor:
        if self.A is None:
            return self.S(f)
        return u + self.S(f - self.A(u))


class MultigridConv(nn.Module):
    """One V-cycle WMg from ``channels_f`` to ``channels_u`` channels over len(smoothings) levels."""

    def __init__(self, channels_f: int, channels_u: int, smoothings: list[int]):
        super().__init__()
        if smoothings[0] < 1:
            raise ValueError("the finest level needs at least one smoothing")
        self.levels = len(smoothings)
        self.smooth = nn.ModuleList(
            nn.ModuleList(Smoothing(channels_u, channels_f, first=(level == 0 and i == 0)) for i in range(count))
            for level, count in enumerate(smoothings))
        self.restrict_u = nn.ModuleList(conv3(channels_u, channels_u, 2) for _ in range(self.levels - 1))
        self.restrict_f = nn.ModuleList(conv3(channels_f, channels_f, 2) for _ in range(self.levels - 1))
        self.prolong = nn.ModuleList(nn.ConvTranspose2d(channels_u, channels_u, 4, stride=2, padding=1, bias=False)
                                     for _ in range(self.levels - 1))

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        if any(n % 2 ** (self.levels - 1) for n in f.shape[-2:]):
            raise ValueError(f"{self.levels} levels need a grid divisible by {2 ** (self.levels - 1)}")
        u, solutions = None, []
        for level in range(self.levels):
            if level > 0:
                u, f = self.restrict_u[level - 1](u), self.restrict_f[level - 1](f)
            for smoothing in self.smooth[level]:
                u = smoothing(u, f)
            solutions.append(u)
        u = solutions[-1]
        for level in reversed(range(self.levels - 1)):
            u = solutions[level] + self.prolong[level](u)
        return u


class MgNO(nn.Module):
    """``layers`` of u ← GELU(WMg(u) + W u + b), then a 1×1 output convolution (MgNO_DC)."""

    def __init__(self, in_channels: int, out_channels: int, *, channels: int = 8, layers: int = 3,
                 smoothings: list[int] | None = None):
        super().__init__()
        smoothings = smoothings or [1, 1, 1, 1]
        sizes = [in_channels] + [channels] * layers
        self.multigrid = nn.ModuleList(MultigridConv(a, channels, smoothings) for a in sizes[:-1])
        self.pointwise = nn.ModuleList(nn.Conv2d(a, channels, 1) for a in sizes[:-1])
        self.out = nn.Conv2d(channels, out_channels, 1, bias=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for multigrid, pointwise in zip(self.multigrid, self.pointwise):
            x = F.gelu(multigrid(x) + pointwise(x))
        return self.out(x)
