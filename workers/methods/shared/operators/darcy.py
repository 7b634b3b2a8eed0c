"""2-D Darcy flow -div(a ∇u) = f on [0, 1]², u = 0 on the boundary, by finite volumes.

The grid has s × s nodes x_i = i h, h = 1/(s-1), the boundary nodes included (the FNO layout).
Each interior node balances the fluxes through its four faces; a face's coefficient is the
harmonic mean of the two nodes' values (exact for a coefficient constant on either side, so
piecewise-constant a keeps a conservative, second-order scheme):

    Σ_faces a_face (u_P - u_nb) / h² = f_P.

The (s-2)² unknowns are solved by ``scipy.sparse.linalg.spsolve`` (SuperLU).
Random coefficients: a = 12 where a GRF with covariance (-Δ + 9)^{-2} is >= 0, else 3.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import spsolve

from .fields import grf, threshold_field


def harmonic(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return 2.0 * a * b / (a + b)


def darcy_matrix(a: np.ndarray) -> sp.csr_matrix:
    """The finite-volume matrix on the (s-2)² interior nodes, row-major (i along axis 0)."""
    s = a.shape[0]
    h2 = (1.0 / (s - 1)) ** 2
    m = s - 2
    inner = a[1:-1, 1:-1]
    faces = {  # coefficient on the face towards each neighbour
        (-1, 0): harmonic(inner, a[:-2, 1:-1]), (1, 0): harmonic(inner, a[2:, 1:-1]),
        (0, -1): harmonic(inner, a[1:-1, :-2]), (0, 1): harmonic(inner, a[1:-1, 2:]),
    }
    index = np.arange(m * m).reshape(m, m)
    rows, cols, vals = [index.ravel()], [index.ravel()], [sum(faces.values()).ravel() / h2]
    for (di, dj), coeff in faces.items():
        i, j = np.meshgrid(np.arange(m), np.arange(m), indexing="ij")
        ni, nj = i + di, j + dj
        inside = (ni >= 0) & (ni < m) & (nj >= 0) & (nj < m)
        rows.append(index[inside])
        cols.append(index[ni[inside], nj[inside]])
        vals.append(-coeff[inside] / h2)
    return sp.csr_matrix((np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(m * m, m * m))


def solve_darcy(a: np.ndarray, f: np.ndarray | float = 1.0) -> np.ndarray:
    """u on the s × s grid (zeros on the boundary) for coefficient a and source f at the nodes."""
    s = a.shape[0]
    source = np.broadcast_to(np.asarray(f, dtype=float), (s, s))[1:-1, 1:-1]
    u = np.zeros((s, s))
    u[1:-1, 1:-1] = spsolve(darcy_matrix(a).tocsc(), source.ravel()).reshape(s - 2, s - 2)
    return u


def random_coefficients(rng: np.random.Generator, count: int, s: int, *, high: float = 12.0, low: float = 3.0,
                        tau: float = 3.0, alpha: float = 2.0) -> np.ndarray:
    """Piecewise-constant coefficients: a thresholded GRF sampled at the s × s nodes."""
    field = grf(rng, count, 2, s, modes=min((s - 1) // 2, 24), alpha=alpha, tau=tau)
    return threshold_field(field, high, low)


def darcy_dataset(rng: np.random.Generator, count: int, s: int, f: float = 1.0, callback=None,
                  **coefficients) -> tuple[np.ndarray, np.ndarray]:
    """(a, u), each (count, s, s) float64; ``callback(i)`` runs after each solve."""
    a = random_coefficients(rng, count, s, **coefficients)
    u = np.empty_like(a)
    for i in range(count):
        u[i] = solve_darcy(a[i], f)
        if callback is not None:
            callback(i)
    return a, u
