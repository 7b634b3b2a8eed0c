"""The data-free mesh mover (DMM) in 1-D: a network maps a solution u and a reference coordinate
ξ ∈ [0, 1] to a mesh point x(u, ξ), trained on the Monge–Ampère residual alone (no mesh data).
The branch reads u through its monitor's normalized cumulative integral (a fixed feature of u).

x(u, ξ) = ξ + ξ(1 − ξ) g_θ(u, ξ): the endpoints stay fixed by construction (the repo penalizes
boundary displacement with weight 1000). g_θ is a DeepONet: a branch MLP on a feature of u (its
monitor's normalized cumulative integral on a coarse grid), a trunk MLP on ξ, their inner product. Loss (``dmm_utils.py`` in 1-D):
    mean_ξ (M(x(ξ)) / c − ξ)² + w_c mean_ξ min(0, x'(ξ))²,   M(x) = ∫_0^x m,  c = M(1),
(the repo's residual m(x(ξ)) x'(ξ) / c − 1 integrated once: see ``ma_loss``),
x' by autograd, m(x) by linear interpolation of the monitor on the fine grid, ξ sampled uniformly.
"""
from __future__ import annotations

import torch
from torch import nn

from .mesh import cumulative, fine_grid, interp


class MeshMover(nn.Module):
    def __init__(self, branch_points: int, width: int, basis: int):
        super().__init__()
        self.branch_points = branch_points
        self.branch = nn.Sequential(nn.Linear(branch_points, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(),
                                    nn.Linear(width, basis))
        self.trunk = nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, width), nn.Tanh(),
                                   nn.Linear(width, basis))

    def branch_input(self, m: torch.Tensor) -> torch.Tensor:
        """M(x)/M(1) − x at branch_points evenly spaced fine points: the monitor's normalized cumulative
        integral, a feature of u alone (zero for a uniform monitor)."""
        n = m.shape[-1] - 1
        big_m = cumulative(m)
        idx = torch.arange(self.branch_points, device=m.device) * n // self.branch_points
        return big_m[..., idx] / big_m[..., -1:] - idx / n

    def forward(self, m: torch.Tensor, xi: torch.Tensor) -> torch.Tensor:
        """Mesh points (batch, k) for reference points xi (batch, k), given the monitor m of u on the fine grid."""
        coeffs = self.branch(self.branch_input(m).float())
        g = (self.trunk(xi.unsqueeze(-1)) * coeffs.unsqueeze(1)).sum(-1)
        return xi + xi * (1 - xi) * g


def ma_loss(model: MeshMover, m: torch.Tensor, xi: torch.Tensor,
            convexity_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    """(equidistribution loss + monotonicity penalty, mean squared differential MA residual) at xi.

    The loss is the 1-D Monge–Ampère condition integrated once from x(0) = 0:
    M(x(ξ)) / M(1) − ξ = 0, better conditioned for gradient descent than m(x) x' / c − 1 (whose
    mean square is returned as the diagnostic the paper minimizes)."""
    xi = xi.requires_grad_(True)
    x = model(m, xi)
    dx = torch.autograd.grad(x.sum(), xi, create_graph=True)[0]
    grid = fine_grid(m.shape[-1] - 1, m.device, m.dtype)
    big_m = cumulative(m)
    c = big_m[..., -1:]
    ma_residual = interp(x.double(), grid, m) / c * dx.double() - 1
    integrated = interp(x.double(), grid, big_m) / c - xi.double()
    penalty = torch.clamp(dx, max=0.0).pow(2).mean()
    loss = integrated.pow(2).mean() + convexity_weight * penalty
    return loss.float(), ma_residual.detach().pow(2).mean()


def mesh_of(model: MeshMover, m: torch.Tensor, nodes: int) -> torch.Tensor:
    """The DMM mesh (batch, nodes + 1) at ξ_j = j / nodes for monitors m (float64, endpoints exact)."""
    xi = torch.linspace(0.0, 1.0, nodes + 1, device=m.device).expand(m.shape[0], nodes + 1)
    with torch.no_grad():
        return model(m, xi).double()


def train_dmm(model: MeshMover, m_train: torch.Tensor, *, steps: int, batch: int,
              points: int, lr: float, convexity_weight: float, generator: torch.Generator, on_step) -> None:
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)
    for step in range(1, steps + 1):
        rows = torch.randint(0, len(m_train), (batch,), generator=generator, device=generator.device).to(m_train.device)
        xi = torch.rand(batch, points, generator=generator, device=generator.device).to(m_train.device)
        loss, mse = ma_loss(model, m_train[rows], xi, convexity_weight)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        on_step(step, float(mse))
