"""GIOROM-lite and GNS-lite: one-step velocity models of a particle cloud.

GIOROM-lite (after HrishikeshVish/GIOROM, giorom2d_T.py, reduced): the sparse set S (its
positions and last velocities) is lifted by an MLP, carried onto a G × G latent grid on [0, 1]²
by a graph-kernel integral (GNO in)

    z(g) = Σ_s w(g, s) κ_θ(g - s) ⊙ h_s / Σ_s w(g, s),   w = exp(-|g - s|² / 2σ²),

processed by an FNO on the grid into a velocity field, and read off at any query points by
bilinear interpolation (exact for fields linear in x and y). Its cost is |S|·G² + FNO(G) plus
a few flops per queried point, so it barely grows with the number of inferred points.

GNS-lite (Sanchez-Gonzalez et al. 2020, reduced): every particle is a node of a k-nearest-
neighbour graph with its position and last velocity; an MLP encoder, ``layers`` residual
message-passing steps m_ij = MLP([h_i, h_j, x_j - x_i]), h_i += MLP([h_i, mean_j m_ij]), and an
MLP decoder; its cost is linear in the number of particles.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..shared.operators.models import FNO


def mlp(a: int, hidden: int, b: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(a, hidden), nn.GELU(), nn.Linear(hidden, b))


def bilinear(field: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Values of grid fields (B, C, G, G), nodes at i/(G-1) on [0, 1]² (axis 2 = x), at points
    (B, Q, 2) in [0, 1]²: (B, Q, C). Exact for fields linear in x and y."""
    # grid_sample reads (x, y) as (last axis, second-last axis): swap to index axis 2 by x
    coords = (2 * points - 1).flip(-1)[:, :, None, :]
    values = F.grid_sample(field, coords, mode="bilinear", padding_mode="border", align_corners=True)
    return values[..., 0].transpose(1, 2)


def latent_grid(size: int, device, dtype=torch.float32) -> torch.Tensor:
    axis = torch.linspace(0, 1, size, device=device, dtype=dtype)
    return torch.stack(torch.meshgrid(axis, axis, indexing="ij"), dim=-1).reshape(-1, 2)


class GioromLite(nn.Module):
    def __init__(self, *, grid: int = 16, width: int = 32, modes: int = 6, layers: int = 3, sigma: float = 0.15):
        super().__init__()
        self.grid, self.sigma = grid, sigma
        self.lift = mlp(4, width, width)
        self.kernel = mlp(2, width, width)
        self.processor = FNO(2, width, 2, width=width, modes=modes, layers=layers, projection=2 * width,
                             periodic=False, padding=4)

    def encode(self, positions: torch.Tensor, velocities: torch.Tensor) -> torch.Tensor:
        """Sparse set (B, S, 2) twice -> latent grid (B, width, G, G)."""
        nodes = latent_grid(self.grid, positions.device, positions.dtype)
        offsets = nodes[None, :, None, :] - positions[:, None, :, :]  # (B, G², S, 2)
        weights = torch.exp(-(offsets**2).sum(-1) / (2 * self.sigma**2))
        features = self.lift(torch.cat([positions, velocities], dim=-1))  # (B, S, width)
        z = torch.einsum("bgs,bgsc,bsc->bgc", weights, self.kernel(offsets), features)
        z = z / weights.sum(-1, keepdim=True).clamp_min(1e-6)
        return z.transpose(1, 2).reshape(len(positions), -1, self.grid, self.grid)

    def velocity_field(self, positions: torch.Tensor, velocities: torch.Tensor) -> torch.Tensor:
        return self.processor(self.encode(positions, velocities))

    def forward(self, positions: torch.Tensor, velocities: torch.Tensor, queries: torch.Tensor) -> torch.Tensor:
        return bilinear(self.velocity_field(positions, velocities), queries)


class GnsLite(nn.Module):
    def __init__(self, *, width: int = 32, layers: int = 2):
        super().__init__()
        self.encoder = mlp(4, width, width)
        self.messages = nn.ModuleList(mlp(2 * width + 2, width, width) for _ in range(layers))
        self.updates = nn.ModuleList(mlp(2 * width, width, width) for _ in range(layers))
        self.decoder = mlp(width, width, 2)

    def forward(self, positions: torch.Tensor, velocities: torch.Tensor, neighbours: torch.Tensor) -> torch.Tensor:
        """positions, velocities (B, N, 2), neighbours (B, N, k) indices -> velocities (B, N, 2)."""
        h = self.encoder(torch.cat([positions, velocities], dim=-1))
        batch, count = neighbours.shape[:2]
        flat = (neighbours + count * torch.arange(batch, device=neighbours.device)[:, None, None]).reshape(-1)
        gather = lambda t: t.reshape(batch * count, -1)[flat].reshape(batch, count, -1, t.shape[-1])
        offsets = gather(positions) - positions[:, :, None]
        for message, update in zip(self.messages, self.updates):
            pairs = torch.cat([h[:, :, None].expand(-1, -1, neighbours.shape[-1], -1), gather(h), offsets], dim=-1)
            h = h + update(torch.cat([h, message(pairs).mean(dim=2)], dim=-1))
        return self.decoder(h)
