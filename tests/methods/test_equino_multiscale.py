"""EquiNO: the stress modes are equilibrated, the physics loss vanishes at the direct solution's
coefficients only, and the homogenized stress is the modes' cell average."""
from __future__ import annotations

import numpy as np
import torch

from workers.methods.equino_multiscale.surrogates import EquiNO, equino_loss, pod_modes
from workers.methods.shared.periodic_cell import PeriodicCell, inclusion_cell

CELL = PeriodicCell(inclusion_cell(8, 0.3, 10.0), beta=1.0)
STRAINS = np.random.default_rng(0).uniform(-1, 1, (8, 2))
SOLVES = [CELL.solve(s) for s in STRAINS]
PHI = np.array([s[0] for s in SOLVES])
STRESS = np.array([s[1] for s in SOLVES]).reshape(len(STRAINS), -1)


def model_at(coefficients: np.ndarray, rank: int) -> EquiNO:
    """EquiNO whose branch outputs fixed coefficients (zero weights, bias = coefficients)."""
    model = EquiNO(CELL, pod_modes(PHI, rank), pod_modes(STRESS, rank), np.ones(2 * rank), 1.0, 4, 1).double()
    with torch.no_grad():
        last = model.net[-1]
        last.weight.zero_()
        last.bias.copy_(torch.as_tensor(coefficients))
    return model


def test_every_stress_mode_is_equilibrated():
    modes = pod_modes(STRESS, 6).reshape(2, CELL.n ** 2, -1)
    dx, dy = CELL.operators()
    divergence = dx.T @ modes[0] + dy.T @ modes[1]
    assert np.abs(divergence).max() < 1e-8 * np.abs(modes).max() * CELL.n


def test_the_loss_vanishes_at_a_snapshots_own_coefficients_and_not_elsewhere():
    rank = len(STRAINS)  # the snapshots are spanned exactly
    phi_modes, stress_modes = pod_modes(PHI, rank), pod_modes(STRESS, rank)
    exact = np.concatenate([phi_modes.T @ PHI[0], stress_modes.T @ STRESS[0]])
    strain = torch.as_tensor(STRAINS[:1])
    at_solution = equino_loss(model_at(exact, rank), strain, 1.0)
    perturbed = equino_loss(model_at(exact + 0.05, rank), strain, 1.0)
    assert float(at_solution) < 1e-10  # float32 modes
    assert float(perturbed) > 1e-4


def test_the_homogenized_stress_is_the_cell_average_of_the_network_stress():
    rank = len(STRAINS)
    phi_modes, stress_modes = pod_modes(PHI, rank), pod_modes(STRESS, rank)
    exact = np.concatenate([phi_modes.T @ PHI[2], stress_modes.T @ STRESS[2]])
    model = model_at(exact, rank)
    homogenized = model.homogenized(torch.as_tensor(STRAINS[2:3])).detach().numpy()[0]
    assert np.allclose(homogenized, CELL.homogenized(STRAINS[2]), rtol=1e-6, atol=1e-6)  # the modes are stored in float32
