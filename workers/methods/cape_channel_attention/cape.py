"""CAPE: a parameter-guided channel-attention block in front of a neural PDE solver (1-D).

Takamoto, Alesiani, Niepert, "Learning neural PDE solvers with parameter-guided channel
attention", ICML 2023 (arXiv:2304.14118); structure as in PrmEmb_Block_1d / _wrap_model of
nec-research/CAPE-ML4Sci, written anew. With x the input frames and p the PDE parameters:

    e_i = Lin(GELU(Lin(p))),  i = 0, 1, 2                       (one width-w vector each)
    y   = GELU(Conv_k(x))                                        (w/2 channels)
    y0  = Upsample_4(SpectralConv(AvgPool_4(y))) ⊙ e0            (large-scale, Fourier)
    y1  = Conv_1x1(y) ⊙ e1                                       (pointwise)
    y2  = DepthwiseConv_k(y) ⊙ e2                                (local)
    z   = Conv_k(GELU(y0 + y1 + y2 + Conv_1x1(y)))
    x̃   = x + LayerNorm(z)                                       (the CAPE estimate of the next state)

The base model F receives concat(x, x̃) and a 1×1 convolution mixes its two output channels
into the prediction. Parameters enter as log p (the paper feeds p in 1-D, sigmoid(log p) in 2-D).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..shared.operators.models import FNO, SpectralConv


class ParameterEmbedding(nn.Module):
    def __init__(self, num_params: int, width: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(num_params, width // 2), nn.GELU(), nn.Linear(width // 2, width))

    def forward(self, p: torch.Tensor) -> torch.Tensor:
        return self.net(p)[:, :, None]


class CapeBlock(nn.Module):
    def __init__(self, channels: int, resolution: int, *, width: int = 16, kernel: int = 5, modes: int = 8,
                 num_params: int = 1):
        super().__init__()
        half, pad = width // 2, kernel // 2
        self.first = nn.Conv1d(channels, half, kernel, padding=pad, padding_mode="circular", bias=False)
        self.spectral = SpectralConv(1, half, width, modes)
        self.pointwise_attended = nn.Conv1d(half, width, 1)
        self.depthwise = nn.Conv1d(half, width, kernel, padding=pad, padding_mode="circular", groups=half, bias=False)
        self.pointwise = nn.Conv1d(half, width, 1)
        self.last = nn.Conv1d(width, channels, kernel, padding=pad, padding_mode="circular", bias=False)
        self.embeddings = nn.ModuleList(ParameterEmbedding(num_params, width) for _ in range(3))
        self.norm = nn.LayerNorm([resolution])

    def forward(self, x: torch.Tensor, log_p: torch.Tensor) -> torch.Tensor:
        e0, e1, e2 = (embed(log_p) for embed in self.embeddings)
        y = F.gelu(self.first(x))
        coarse = self.spectral(F.avg_pool1d(y, 4)) * e0
        y0 = F.interpolate(coarse, scale_factor=4)
        y = y0 + self.pointwise_attended(y) * e1 + self.depthwise(y) * e2 + self.pointwise(y)
        return x + self.norm(self.last(F.gelu(y)))


class Solver(nn.Module):
    """A one-step solver: ``history`` frames (and PDE parameters) -> the next frame.

    kind "base": F(x); "param-channel": F(concat(x, log p as constant channels));
    "cape": mix(F(concat(x, CAPE(x, p)))), also returning CAPE's own estimate x̃."""

    def __init__(self, kind: str, history: int, resolution: int, *, width: int, modes: int, layers: int,
                 cape_width: int = 16, num_params: int = 1):
        super().__init__()
        self.kind = kind
        in_channels = {"base": history, "param-channel": history + num_params, "cape": 2 * history}[kind]
        out_channels = 2 if kind == "cape" else 1
        self.model = FNO(1, in_channels, out_channels, width=width, modes=modes, layers=layers, projection=2 * width)
        if kind == "cape":
            self.cape = CapeBlock(history, resolution, width=cape_width, modes=min(modes, resolution // 8),
                                  num_params=num_params)
            self.mix = nn.Conv1d(2, 1, 1)

    def forward(self, x: torch.Tensor, log_p: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
        if self.kind == "base":
            return self.model(x), None
        if self.kind == "param-channel":
            constant = log_p[:, :, None].expand(-1, -1, x.shape[-1])
            return self.model(torch.cat([x, constant], dim=1)), None
        estimate = self.cape(x, log_p)
        return self.mix(self.model(torch.cat([x, estimate], dim=1))), estimate[:, -1:]
