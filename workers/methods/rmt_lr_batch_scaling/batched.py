"""M copies of one tanh MLP trained side by side, each with its own learning rate (the
divergence sweep): weights are stacked along a leading model axis and multiplied with bmm.

    SGD:  θ ← θ − α g                     Adam: m ← β1 m + (1−β1) g, v ← β2 v + (1−β2) g²,
                                                θ ← θ − α m̂ / (√v̂ + ε)     (Kingma & Ba; torch's defaults)
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
import torch.nn.functional as F
from torch import nn


def stack_mlp(model: nn.Sequential, copies: int) -> list[torch.Tensor]:
    """[W1ᵀ, b1, W2ᵀ, b2, ...] of ``model``'s Linear layers, repeated ``copies`` times: (M, in, out), (M, 1, out)."""
    tensors = []
    for layer in model:
        if isinstance(layer, nn.Linear):
            tensors.append(layer.weight.detach().T.unsqueeze(0).repeat(copies, 1, 1).contiguous())
            tensors.append(layer.bias.detach().view(1, 1, -1).repeat(copies, 1, 1).contiguous())
    return [t.requires_grad_(True) for t in tensors]


def forward(params: list[torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """Logits (M, batch, classes) of every copy on the same inputs ``x`` (batch, features)."""
    h = x.unsqueeze(0).expand(params[0].shape[0], -1, -1)
    layers = len(params) // 2
    for k in range(layers):
        h = torch.baddbmm(params[2 * k + 1], h, params[2 * k])
        if k < layers - 1:
            h = torch.tanh(h)
    return h


def losses(params: list[torch.Tensor], x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of each copy, shape (M,)."""
    logits = forward(params, x)
    per_point = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.repeat(logits.shape[0]), reduction="none")
    return per_point.view(logits.shape[0], -1).mean(dim=1)


@dataclass
class BatchedOptimizer:
    """SGD or Adam over stacked copies, with one learning rate per copy."""

    kind: str
    lrs: torch.Tensor  # (M,)
    betas: tuple[float, float] = (0.9, 0.999)
    eps: float = 1e-8
    state: list[tuple[torch.Tensor, torch.Tensor]] = field(default_factory=list)
    t: int = 0

    @torch.no_grad()
    def step(self, params: list[torch.Tensor], grads: list[torch.Tensor]) -> None:
        self.t += 1
        if not self.state:
            self.state = [(torch.zeros_like(p), torch.zeros_like(p)) for p in params]
        for p, g, (m, v) in zip(params, grads, self.state):
            lr = self.lrs.view(-1, *([1] * (p.dim() - 1)))
            if self.kind == "sgd":
                p.sub_(lr * g)
                continue
            b1, b2 = self.betas
            m.mul_(b1).add_(g, alpha=1 - b1)
            v.mul_(b2).addcmul_(g, g, value=1 - b2)
            p.sub_(lr * (m / (1 - b1 ** self.t)) / ((v / (1 - b2 ** self.t)).sqrt() + self.eps))
