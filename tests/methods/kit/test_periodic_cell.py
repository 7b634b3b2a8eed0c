"""The periodic cell solver against closed forms (laminates) and scipy's minimizer of the cell energy."""
from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from workers.methods.shared.periodic_cell import PeriodicCell, forward_difference, inclusion_cell, laminate_cell


def test_a_laminate_homogenizes_to_the_harmonic_and_arithmetic_means():
    layers = np.random.default_rng(1).uniform(1.0, 20.0, 10)
    cell = PeriodicCell(laminate_cell(layers))
    across = cell.homogenized([1.0, 0.0])
    along = cell.homogenized([0.0, 1.0])
    assert abs(across[0] - 1.0 / np.mean(1.0 / layers)) < 1e-10
    assert abs(along[1] - np.mean(layers)) < 1e-10
    assert abs(across[1]) < 1e-12 and abs(along[0]) < 1e-12


def test_a_uniform_cell_is_its_own_homogenized_law():
    cell = PeriodicCell(np.full((6, 6), 3.0), beta=0.5)
    strain = np.array([0.7, -0.4])
    assert np.allclose(cell.homogenized(strain), 3.0 * (strain + 0.5 * strain ** 3), atol=1e-12)


def test_the_differences_are_periodic_and_annihilate_constants():
    d = forward_difference(5, 1)
    assert np.allclose(d @ np.ones(25), 0.0)
    assert np.allclose(np.asarray(d.sum(axis=0)).ravel(), 0.0)  # Dᵀ1 = 0: fluxes balance over the cell


def test_newton_minimizes_the_cell_energy_like_scipy():
    cell = PeriodicCell(inclusion_cell(5, 0.3, 8.0), beta=1.5)
    strain = np.array([0.9, 0.3])
    phi, _, iterations = cell.solve(strain)
    faces = cell.faces

    def energy(free):
        eps = cell.strains(np.concatenate([[0.0], free]), strain)
        return float(np.sum(faces * (eps ** 2 / 2 + cell.beta * eps ** 4 / 4)))

    reference = minimize(energy, np.zeros(24), method="BFGS", options={"gtol": 1e-10}).x
    assert iterations <= 10
    assert np.abs(phi[1:] - reference).max() < 1e-5
    assert np.abs(cell.residual(phi, strain)).max() < 1e-10
