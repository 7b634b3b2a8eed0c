"""2-D 5-point Poisson systems on an N x N cell grid with solid obstacles.

Unknowns are all N² cells (row-major, i = row·N + col). A fluid cell's row is the finite-volume
Laplacian: each face to a fluid neighbour contributes (x_i − x_j), each face on the domain edge a
Dirichlet wall (x_i − 0), each face to a solid cell nothing (a Neumann wall). A solid cell's row is
the identity, so its unknown is decoupled and stays 0 for a zero right-hand side. With no solid
cells the matrix is T⊗I + I⊗T, T = tridiag(−1, 2, −1): the scaled Dirichlet Laplacian.

Fluid pockets cut off from the domain edge would make the matrix singular (pure Neumann), so
``fluid_mask`` fills them in as solid.
"""
from __future__ import annotations

import numpy as np
import scipy.sparse as sp
import torch
from scipy import ndimage


def fluid_mask(n: int, obstacles: int, rng: np.random.Generator, max_side: float = 0.25) -> np.ndarray:
    """An N x N bool mask (True = fluid) with ``obstacles`` random solid rectangles inside the domain."""
    fluid = np.ones((n, n), dtype=bool)
    longest = max(1, int(round(max_side * n)))
    for _ in range(obstacles):
        height, width = rng.integers(1, longest + 1, size=2)
        top = rng.integers(1, max(2, n - height))
        left = rng.integers(1, max(2, n - width))
        fluid[top:top + height, left:left + width] = False
    return _without_enclosed_pockets(fluid)


def _without_enclosed_pockets(fluid: np.ndarray) -> np.ndarray:
    labels, _ = ndimage.label(fluid)
    edge = np.unique(np.concatenate([labels[0], labels[-1], labels[:, 0], labels[:, -1]]))
    return np.isin(labels, edge[edge > 0])


def _neighbour_faces(fluid: np.ndarray):
    """Index pairs (i, j) of fluid cells sharing a face, each pair once (j east or south of i)."""
    n = fluid.shape[0]
    index = np.arange(n * n).reshape(n, n)
    east = fluid[:, :-1] & fluid[:, 1:]
    south = fluid[:-1, :] & fluid[1:, :]
    i = np.concatenate([index[:, :-1][east], index[:-1, :][south]])
    j = np.concatenate([index[:, 1:][east], index[1:, :][south]])
    return i, j


def diagonal(fluid: np.ndarray) -> np.ndarray:
    """Faces of each fluid cell that are not solid walls (4 minus its solid in-domain neighbours); 1 on solids."""
    solid = np.pad(~fluid, 1, constant_values=False).astype(np.int64)
    solid_neighbours = solid[:-2, 1:-1] + solid[2:, 1:-1] + solid[1:-1, :-2] + solid[1:-1, 2:]
    return np.where(fluid, 4 - solid_neighbours, 1).astype(np.float64).ravel()


def poisson_matrix(fluid: np.ndarray) -> sp.csr_matrix:
    """The N² x N² SPD matrix described in the module docstring, as CSR."""
    n2 = fluid.size
    i, j = _neighbour_faces(fluid)
    rows = np.concatenate([np.arange(n2), i, j])
    cols = np.concatenate([np.arange(n2), j, i])
    values = np.concatenate([diagonal(fluid), -np.ones(2 * len(i))])
    return sp.csr_matrix((values, (rows, cols)), shape=(n2, n2))


def poisson_apply(x: torch.Tensor, fluid: torch.Tensor) -> torch.Tensor:
    """A·x matrix-free for a batch of grids x (..., N, N); ``fluid`` a 0/1 tensor broadcastable to x."""
    fluid = fluid.to(x.dtype)
    padded_x = torch.nn.functional.pad(x * fluid, (1, 1, 1, 1))
    padded_solid = torch.nn.functional.pad(1.0 - fluid.expand_as(x), (1, 1, 1, 1))
    neighbours = padded_x[..., :-2, 1:-1] + padded_x[..., 2:, 1:-1] + padded_x[..., 1:-1, :-2] + padded_x[..., 1:-1, 2:]
    solid_neighbours = (padded_solid[..., :-2, 1:-1] + padded_solid[..., 2:, 1:-1]
                        + padded_solid[..., 1:-1, :-2] + padded_solid[..., 1:-1, 2:])
    fluid_rows = (4.0 - solid_neighbours) * x - neighbours
    return fluid * fluid_rows + (1.0 - fluid) * x


def incomplete_cholesky(fluid: np.ndarray) -> sp.csr_matrix:
    """IC(0) of ``poisson_matrix(fluid)``: lower-triangular L with A's lower pattern and (LLᵀ)_ij = A_ij there.

    On the 5-point pattern the west (i−1) and north (i−N) entries are the only lower neighbours and
    their mutual fill-in is dropped, so with d_i = L_ii²:
        d_i = a_ii − a_{i,i−1}²/d_{i−1} − a_{i,i−N}²/d_{i−N},  L_{i,i−1} = a_{i,i−1}/√d_{i−1}, ...
    d_i depends only on cells one anti-diagonal earlier, so each anti-diagonal is one vector step.
    """
    n = fluid.shape[0]
    a_diag = diagonal(fluid).reshape(n, n)
    west = np.zeros((n, n))
    west[:, 1:] = -(fluid[:, 1:] & fluid[:, :-1]).astype(np.float64)
    north = np.zeros((n, n))
    north[1:, :] = -(fluid[1:, :] & fluid[:-1, :]).astype(np.float64)
    d = np.zeros((n, n))
    rows, cols = (axis.ravel() for axis in np.indices((n, n)))
    order = np.argsort(rows + cols, kind="stable")
    for wavefront in np.split(order, np.cumsum(np.arange(1, n + 1).tolist() + np.arange(n - 1, 1, -1).tolist())):
        r, c = rows[wavefront], cols[wavefront]
        value = a_diag[r, c].copy()
        has_w, has_n = c > 0, r > 0
        value[has_w] -= west[r[has_w], c[has_w]] ** 2 / d[r[has_w], c[has_w] - 1]
        value[has_n] -= north[r[has_n], c[has_n]] ** 2 / d[r[has_n] - 1, c[has_n]]
        d[r, c] = value
    root = np.sqrt(d)
    idx = np.arange(n * n).reshape(n, n)
    w_rows, w_cols = idx[:, 1:].ravel(), idx[:, :-1].ravel()
    n_rows, n_cols = idx[1:, :].ravel(), idx[:-1, :].ravel()
    values = np.concatenate([root.ravel(), (west[:, 1:] / root[:, :-1]).ravel(), (north[1:, :] / root[:-1, :]).ravel()])
    rows_all = np.concatenate([idx.ravel(), w_rows, n_rows])
    cols_all = np.concatenate([idx.ravel(), w_cols, n_cols])
    lower = sp.csr_matrix((values, (rows_all, cols_all)), shape=(n * n, n * n))
    lower.eliminate_zeros()
    return lower
