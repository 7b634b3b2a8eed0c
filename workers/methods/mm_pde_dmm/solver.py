"""The neural PDE solver on a (moving or uniform) mesh, 1-D MM-PDE proxy.

Itp1: the current state u(t) is read at the mesh nodes (the DMM mesh of u(t), or the uniform mesh);
the solver, a 1-D convolutional net over the node sequence (a chain graph) with inputs
(u_j, x_j, h_j), predicts u(t + Δt) at the same nodes as u_j + Δ_j; Itp2: the prediction is
interpolated piecewise-linearly back to the fine grid, where it is compared with the reference.
Both meshes have the same node count, the same net and the same training budget.
"""
from __future__ import annotations

import torch
from torch import nn

from .mesh import fine_grid, interp


class NodeSolver(nn.Module):
    def __init__(self, width: int, layers: int, kernel: int = 5):
        super().__init__()
        blocks, channels = [], 3
        for _ in range(layers - 1):
            blocks += [nn.Conv1d(channels, width, kernel, padding=kernel // 2, padding_mode="replicate"), nn.GELU()]
            channels = width
        blocks.append(nn.Conv1d(channels, 1, kernel, padding=kernel // 2, padding_mode="replicate"))
        self.net = nn.Sequential(*blocks)

    def forward(self, nodal_u: torch.Tensor, mesh: torch.Tensor) -> torch.Tensor:
        spacing = torch.diff(mesh, dim=-1, append=mesh[..., -1:] + (mesh[..., -1:] - mesh[..., -2:-1]))
        features = torch.stack([nodal_u, mesh, spacing * mesh.shape[-1]], 1).float()
        return nodal_u.float() + self.net(features).squeeze(1)


def at_nodes(u_closed: torch.Tensor, mesh: torch.Tensor) -> torch.Tensor:
    grid = fine_grid(u_closed.shape[-1] - 1, u_closed.device, u_closed.dtype)
    return interp(mesh, grid, u_closed)


def to_fine(nodal: torch.Tensor, mesh: torch.Tensor, n_fine: int) -> torch.Tensor:
    grid = fine_grid(n_fine, mesh.device, mesh.dtype)
    return interp(grid.expand(mesh.shape[0], n_fine + 1), mesh, nodal.double())


def relative_error(prediction_fine: torch.Tensor, target_fine: torch.Tensor) -> torch.Tensor:
    return (prediction_fine - target_fine).norm(dim=-1) / target_fine.norm(dim=-1).clamp_min(1e-30)


def train_solver(model: NodeSolver, current: torch.Tensor, target: torch.Tensor, mesh: torch.Tensor, *,
                 epochs: int, batch: int, lr: float, generator: torch.Generator, on_epoch) -> None:
    """Next-step MSE at the nodes: inputs u(t) and targets u(t + Δt) both read on the mesh of u(t)."""
    inputs, targets = at_nodes(current, mesh), at_nodes(target, mesh).float()
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, epochs)
    for epoch in range(1, epochs + 1):
        order = torch.randperm(len(inputs), generator=generator, device=generator.device).to(inputs.device)
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            optimizer.zero_grad(set_to_none=True)
            nn.functional.mse_loss(model(inputs[rows], mesh[rows]), targets[rows]).backward()
            optimizer.step()
        schedule.step()
        on_epoch(epoch)


def solver_error(model: NodeSolver, current: torch.Tensor, target: torch.Tensor, mesh: torch.Tensor) -> float:
    with torch.no_grad():
        nodal = model(at_nodes(current, mesh), mesh)
    n_fine = current.shape[-1] - 1
    return float(relative_error(to_fine(nodal, mesh, n_fine), target).mean())
