"""The direction network f_θ and the DCDM training loss.

f_θ maps a normalized residual on the grid to a search direction; the fluid mask zeroes solid cells
after every block (it is not an input channel, which would break homogeneity). It is a
multilevel convolutional net: at each level a residual conv block, an average-pool to the next
coarser level (down to ``coarsest`` cells), the coarse result upsampled and merged, another
residual block. Weights are shared across levels and no layer has a bias, so f_θ is positively
homogeneous (f(c r) = c f(r), c > 0) and runs on any power-of-two grid, which is what lets one
trained net be tested across grid sizes. The coarse result is scaled by 4 on the way up, the
factor by which the inverse of the 5-point Laplacian grows per coarsening (h² scaling).

Loss (Kaneda et al. 2023, Eq. 9): for a right-hand side b with ‖b‖ = 1,
    L(θ) = ‖b − (fᵀb / fᵀA f) · A f‖²,   f = f_θ(b),
the residual left after one exact line-search step along f; it is 0 iff f ∝ A⁻¹b.
"""
from __future__ import annotations

import torch
from torch import nn

from ..shared.poisson import poisson_apply

COARSE_GAIN = 4.0


class ResidualBlock(nn.Module):
    def __init__(self, width: int):
        super().__init__()
        self.first = nn.Conv2d(width, width, 3, padding=1, bias=False)
        self.second = nn.Conv2d(width, width, 3, padding=1, bias=False)

    def forward(self, h: torch.Tensor) -> torch.Tensor:
        return h + self.second(torch.relu(self.first(h)))


class DirectionNet(nn.Module):
    def __init__(self, width: int = 16, coarsest: int = 4):
        super().__init__()
        self.coarsest = coarsest
        self.lift = nn.Conv2d(1, width, 3, padding=1, bias=False)
        self.pre = ResidualBlock(width)
        self.merge = nn.Conv2d(2 * width, width, 3, padding=1, bias=False)
        self.post = ResidualBlock(width)
        self.project = nn.Conv2d(width, 1, 1, bias=False)

    def _level(self, h: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        h = self.pre(h) * mask
        if h.shape[-1] > self.coarsest and h.shape[-1] % 2 == 0:
            coarse_mask = nn.functional.avg_pool2d(mask, 2)
            coarse = self._level(nn.functional.avg_pool2d(h, 2), coarse_mask)
            up = nn.functional.interpolate(coarse, scale_factor=2, mode="nearest") * COARSE_GAIN
            h = torch.relu(self.merge(torch.cat([h, up], dim=1))) * mask
        return self.post(h) * mask

    def forward(self, r: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """r, mask: (B, 1, N, N) -> direction (B, 1, N, N), zero on solid cells."""
        h = self.lift(r * mask)
        return self.project(self._level(h, mask)) * mask


def parameter_count(net: nn.Module) -> int:
    return sum(p.numel() for p in net.parameters())


def dcdm_loss(net: DirectionNet, b: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of ‖b − (fᵀb / fᵀAf) A f‖² / ‖b‖², f = f_θ(b)."""
    b = b / torch.linalg.vector_norm(b, dim=(-2, -1), keepdim=True)
    f = net(b, mask)
    af = poisson_apply(f, mask)
    f_b = (f * b).sum(dim=(-2, -1), keepdim=True)
    f_af = (f * af).sum(dim=(-2, -1), keepdim=True).clamp_min(1e-12)
    left = b - (f_b / f_af) * af
    return (left ** 2).sum(dim=(-2, -1)).mean()
