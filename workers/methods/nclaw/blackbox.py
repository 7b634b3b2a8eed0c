"""The black-box baseline: a one-layer mesh graph network (in the style of MeshGraphNets / GNS)
that predicts each node's acceleration from the current state, trained on one-step targets.

Edge k (i ← j) features: rest offset, current offset, relative velocity, stretch (current − rest
length), all in units of the mesh spacing / a velocity scale; message = MLP(features); node i:
MLP(Σ messages, v_i) → acceleration (de-normalised). Translation invariant, not rotation
equivariant, no energy or stress structure: it learns the dynamics, not the material.
"""
from __future__ import annotations

import torch
from torch import nn

from .body import Body


def two_layer(inputs: int, width: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, width), nn.GELU(), nn.Linear(width, width), nn.GELU(), nn.Linear(width, outputs))


class MeshGNN(nn.Module):
    def __init__(self, width: int, spacing: float, velocity_scale: float, acceleration_scale: float,
                 acceleration_shift: torch.Tensor):
        super().__init__()
        self.message = two_layer(7, width, width)
        self.update = two_layer(width + 2, width, 2)
        self.spacing, self.velocity_scale, self.acceleration_scale = float(spacing), float(velocity_scale), float(acceleration_scale)
        self.register_buffer("acceleration_shift", acceleration_shift.reshape(2))

    def forward(self, body: Body, x: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        receivers, senders = body.edges
        rest = (body.rest[senders] - body.rest[receivers]) / self.spacing
        current = (x[:, senders] - x[:, receivers]) / self.spacing
        relative_v = (v[:, senders] - v[:, receivers]) / self.velocity_scale
        stretch = current.norm(dim=-1, keepdim=True) - rest.norm(dim=-1)[:, None]
        features = torch.cat([rest.expand_as(current), current, relative_v, stretch], dim=-1)
        messages = self.message(features)
        summed = torch.zeros(x.shape[0], x.shape[1], messages.shape[-1], dtype=x.dtype, device=x.device)
        summed = summed.index_add(1, receivers, messages)
        out = self.update(torch.cat([summed, v / self.velocity_scale], dim=-1))
        return out * self.acceleration_scale + self.acceleration_shift
