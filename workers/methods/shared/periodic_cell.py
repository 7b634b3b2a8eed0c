"""A 2-D periodic cell (RVE) problem by finite differences: the micro solve of FE² homogenization.

On the unit cell [0,1)² split into n×n cells with a stiffness a(y) per cell, the fluctuation φ
(one value per cell, periodic) solves the discrete equilibrium

    Dxᵀ σx + Dyᵀ σy = 0,   σk = a_k (εk + β εk³),   εk = ēk + Dk φ   (k = x, y),

where Dk φ is the forward difference across the faces normal to k (periodic wrap-around) and a_k
the harmonic mean of the two cells that share the face. σ is the flux (stress) on the faces; its
cell average σ̄ = (mean σx, mean σy) is the homogenized stress at the macro strain ē. β = 0 is the
linear conduction / anti-plane problem; β > 0 a stiffening law with the convex energy
a (ε²/2 + β ε⁴/4) per face, so Newton's method on the energy converges from φ = 0.

Closed forms for tests: a laminate whose stiffness varies along x only has, for β = 0, the
harmonic mean of a along x and the arithmetic mean along y (the 1-D cell problem's answer).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla


def harmonic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 2.0 * a * b / (a + b)


def forward_difference(n: int, axis: int) -> sp.csr_matrix:
    """(φ[next cell along axis] − φ) · n on the n×n periodic grid, cells numbered row-major (i, j)."""
    index = np.arange(n * n).reshape(n, n)
    following = np.roll(index, -1, axis=axis)
    rows = np.concatenate([index.ravel(), index.ravel()])
    cols = np.concatenate([following.ravel(), index.ravel()])
    values = np.concatenate([np.full(n * n, float(n)), np.full(n * n, -float(n))])
    return sp.csr_matrix((values, (rows, cols)), shape=(n * n, n * n))


@dataclass(frozen=True, eq=False)
class PeriodicCell:
    """The cell's face stiffnesses and difference operators; ``solve`` is one micro solve."""

    stiffness: np.ndarray  # (n, n) per cell
    beta: float = 0.0

    @property
    def n(self) -> int:
        return self.stiffness.shape[0]

    @cached_property
    def faces(self) -> np.ndarray:
        """(2, n²): a on the x-faces and on the y-faces, the harmonic mean of the two cells sharing each."""
        a = self.stiffness
        return np.stack([harmonic(a, np.roll(a, -1, axis=0)).ravel(), harmonic(a, np.roll(a, -1, axis=1)).ravel()])

    @cached_property
    def _operators(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        return forward_difference(self.n, 0), forward_difference(self.n, 1)

    def operators(self) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(Dx, Dy), built once per cell."""
        return self._operators

    def strains(self, phi: np.ndarray, mean_strain: np.ndarray) -> np.ndarray:
        """Face strains (2, n²) of the fluctuation φ (n²,) at macro strain ē (2,)."""
        dx, dy = self.operators()
        return np.stack([mean_strain[0] + dx @ phi, mean_strain[1] + dy @ phi])

    def stress(self, strain: np.ndarray) -> np.ndarray:
        return self.faces * (strain + self.beta * strain ** 3)

    def tangent(self, strain: np.ndarray) -> np.ndarray:
        return self.faces * (1.0 + 3.0 * self.beta * strain ** 2)

    def residual(self, phi: np.ndarray, mean_strain: np.ndarray) -> np.ndarray:
        """Dxᵀσx + Dyᵀσy: zero at equilibrium (scaled by 1/n² like the energy)."""
        dx, dy = self.operators()
        sigma = self.stress(self.strains(phi, mean_strain))
        return (dx.T @ sigma[0] + dy.T @ sigma[1]) / self.n ** 2

    def solve(self, mean_strain, tol: float = 1e-10, max_newton: int = 30) -> tuple[np.ndarray, np.ndarray, int]:
        """Newton on the pinned system (φ at cell 0 is 0): (φ (n²,), face stress (2, n²), iterations)."""
        mean_strain = np.asarray(mean_strain, dtype=float)
        dx, dy = self.operators()
        phi = np.zeros(self.n ** 2)
        free = slice(1, None)
        for iteration in range(1, max_newton + 1):
            strain = self.strains(phi, mean_strain)
            sigma = self.stress(strain)
            gradient = dx.T @ sigma[0] + dy.T @ sigma[1]
            if np.linalg.norm(gradient[free]) <= tol * self.n ** 2 * (1.0 + np.abs(sigma).max()):
                return phi, sigma, iteration - 1
            tangent = self.tangent(strain)
            hessian = (dx.T @ sp.diags(tangent[0]) @ dx + dy.T @ sp.diags(tangent[1]) @ dy).tocsc()
            phi[free] -= spla.spsolve(hessian[free, free], gradient[free])
        return phi, self.stress(self.strains(phi, mean_strain)), max_newton

    def homogenized(self, mean_strain) -> np.ndarray:
        """σ̄ (2,) at macro strain ē: the cell average of the equilibrated face stress."""
        return self.solve(mean_strain)[1].mean(axis=1)


def inclusion_cell(n: int, radius: float, inside: float, outside: float = 1.0) -> np.ndarray:
    """Per-cell stiffness of a square cell with a centred circular inclusion of the given radius."""
    centres = (np.arange(n) + 0.5) / n
    x, y = np.meshgrid(centres, centres, indexing="ij")
    return np.where((x - 0.5) ** 2 + (y - 0.5) ** 2 < radius ** 2, inside, outside)


def laminate_cell(layers: np.ndarray) -> np.ndarray:
    """An n×n cell whose stiffness varies along x only (layer i is the row of cells i)."""
    layers = np.asarray(layers, dtype=float)
    return np.repeat(layers[:, None], len(layers), axis=1)
