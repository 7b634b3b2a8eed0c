"""EquiNO and the data-driven baseline as torch modules, on the periodic cell of ``periodic_cell``.

EquiNO (Eivazi et al., arXiv 2504.07976): a branch MLP maps the macro strain ē to POD coefficients
(c_u, c_σ). The fluctuation is φ = Φ_u c_u (periodic by construction), the face strains
ε = ē + Φ_ε c_u with Φ_ε = D Φ_u (the kinematic layer), the constitutive stress σ_c = σ(ε) (the
constitutive layer) and the network's stress σ_nn = Φ_σ c_σ. Every POD stress mode is a linear
combination of equilibrated snapshots, so σ_nn satisfies Dᵀσ = 0 exactly; the label-free loss
mean ||σ_c − σ_nn||² then forces σ_c to be equilibrated, i.e. the micro problem to be solved.
The homogenized stress is the cell average of σ_nn.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..shared.periodic_cell import PeriodicCell


def pod_modes(snapshots: np.ndarray, rank: int) -> np.ndarray:
    """The leading ``rank`` left singular vectors (columns) of snapshots stacked as rows (S, N)."""
    _, _, vt = np.linalg.svd(snapshots, full_matrices=False)
    return vt[:rank].T.copy()


def branch(width: int, depth: int, out: int) -> nn.Sequential:
    layers: list[nn.Module] = []
    size = 2
    for _ in range(depth):
        layers += [nn.Linear(size, width), nn.Tanh()]
        size = width
    return nn.Sequential(*layers, nn.Linear(size, out))


class EquiNO(nn.Module):
    """ē ↦ (σ_c, σ_nn) face stress fields (B, 2, n²); ``homogenized`` gives σ̄ (B, 2)."""

    def __init__(self, cell: PeriodicCell, phi_modes: np.ndarray, stress_modes: np.ndarray,
                 coefficient_scale: np.ndarray, strain_scale: float, width: int, depth: int):
        super().__init__()
        dx, dy = cell.operators()
        as_t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32)
        n2, rank_u = phi_modes.shape
        self.rank_u = rank_u
        self.register_buffer("strain_modes", as_t(np.stack([dx @ phi_modes, dy @ phi_modes])))  # (2, n², r_u)
        self.register_buffer("stress_modes", as_t(stress_modes.reshape(2, n2, -1)))  # (2, n², r_σ)
        self.register_buffer("faces", as_t(cell.faces))
        self.register_buffer("coefficient_scale", as_t(coefficient_scale))
        self.register_buffer("strain_scale", torch.tensor(float(strain_scale)))
        self.beta = float(cell.beta)
        self.net = branch(width, depth, phi_modes.shape[1] + stress_modes.shape[1])

    def coefficients(self, mean_strain: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c = self.net(mean_strain / self.strain_scale) * self.coefficient_scale
        return c[:, : self.rank_u], c[:, self.rank_u:]

    def forward(self, mean_strain: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        c_u, c_s = self.coefficients(mean_strain)
        strain = mean_strain[:, :, None] + torch.einsum("kfr,br->bkf", self.strain_modes, c_u)
        constitutive = self.faces * (strain + self.beta * strain ** 3)
        return constitutive, torch.einsum("kfr,br->bkf", self.stress_modes, c_s)

    def homogenized(self, mean_strain: torch.Tensor) -> torch.Tensor:
        _, c_s = self.coefficients(mean_strain)
        return c_s @ self.stress_modes.mean(dim=1).T


def equino_loss(model: EquiNO, mean_strain: torch.Tensor, stress_scale: float) -> torch.Tensor:
    """The label-free loss: mean ||σ_c − σ_nn||² over faces and strains, in units of the stress scale."""
    constitutive, network = model(mean_strain)
    return (((constitutive - network) / stress_scale) ** 2).mean()


class DataDriven(nn.Module):
    """The black-box baseline ē ↦ σ̄ fitted to the labelled snapshots only."""

    def __init__(self, strain_scale: float, stress_scale: float, width: int, depth: int):
        super().__init__()
        self.register_buffer("strain_scale", torch.tensor(float(strain_scale)))
        self.register_buffer("stress_scale", torch.tensor(float(stress_scale)))
        self.net = branch(width, depth, 2)

    def homogenized(self, mean_strain: torch.Tensor) -> torch.Tensor:
        return self.net(mean_strain / self.strain_scale) * self.stress_scale
