"""Successive over-relaxation on the shifted 5-point Laplacian, batched over many systems.

The paper's instances (Khodak et al., ICLR 2024, Sec. 5; official ``scripts/learning.m``) are

    A_t = Δ_h + c_t I,   Δ_h = delsq(numgrid('S', m + 2))   (n = m² unknowns, column-major numbering),

and the cost of a relaxation parameter ω on (A_t, b_t) is the number of SOR sweeps from x₀ = 0,

    x ← x + M⁻¹ r,   r = b − A x,   M = D/ω + L   (``solvers/sor.m``),

until ‖r‖/‖r₀‖ < tol, capped. Only the residual matters for the cost, and it obeys its own recursion

    y = M⁻¹ r,        r ← r − A y = (d/ω − d) y − U y,

with d = 4 + c_t the (constant) diagonal and U the strictly upper part. Because M is lower
triangular with the grid's two "earlier" neighbours below the diagonal, the solve M y = r is a
wavefront: all cells on one anti-diagonal i + j = s depend only on anti-diagonal s − 1, so a sweep
is 2m − 1 vectorised steps over the whole batch (any number of (c_t, ω, b_t) triples at once).
The unknowns are stored anti-diagonal by anti-diagonal with one zero slot between diagonals, so
every neighbour access is a contiguous slice and out-of-grid neighbours read a zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

LAPLACIAN_DIAGONAL = 4.0


def laplacian_5pt(m: int) -> np.ndarray:
    """Dense 5-point Laplacian on an m×m interior grid, numbered column by column (as MATLAB's delsq)."""
    tri = 2.0 * np.eye(m) - np.eye(m, k=1) - np.eye(m, k=-1)
    return np.kron(np.eye(m), tri) + np.kron(tri, np.eye(m))


def jacobi_spectral_radius(A: np.ndarray) -> float:
    """ρ(I − D⁻¹A), the Jacobi iteration matrix's spectral radius (``solvers/rho_jacobi.m``)."""
    J = np.eye(A.shape[0]) - A / np.diag(A)[:, None]
    return float(np.max(np.abs(np.linalg.eigvals(J))))


def shifted_jacobi_radius(m: int, offsets: np.ndarray) -> np.ndarray:
    """ρ(J_t) for A_t = Δ_h + c_t I without an eigensolve per instance.

    J_t = (4I − Δ_h)/(4 + c_t) shares its eigenvectors with Δ_h, so ρ(J_t) = ρ(4I − Δ_h)/(4 + c_t),
    and ρ(4I − Δ_h) = 4 cos(π/(m+1)) is computed once from the symmetric eigenvalues.
    """
    off_diagonal = LAPLACIAN_DIAGONAL * np.eye(m * m) - laplacian_5pt(m)
    rho0 = float(np.max(np.abs(np.linalg.eigvalsh(off_diagonal))))
    return rho0 / (LAPLACIAN_DIAGONAL + np.asarray(offsets, dtype=float))


def optimal_omega(jacobi_radius: np.ndarray | float) -> np.ndarray | float:
    """Young's asymptotically optimal ω* = 2/(1 + √(1 − ρ(J)²)) (``solvers/omega_opt.m`` writes
    the same number as 1 + (ρ/(1 + √(1 − ρ²)))²); valid for consistently ordered SPD matrices."""
    return 2.0 / (1.0 + np.sqrt(1.0 - np.square(jacobi_radius)))


def sor_spectral_radius(jacobi_radius: np.ndarray, omega: np.ndarray) -> np.ndarray:
    """ρ(G_ω) from Young's relation (λ + ω − 1)² = λ ω² μ² for consistently ordered matrices:
    ω − 1 for ω ≥ ω*, else ((ω μ + √(ω² μ² − 4(ω − 1)))/2)² (μ = ρ(J))."""
    mu, omega = np.asarray(jacobi_radius, float), np.asarray(omega, float)
    disc = np.maximum((omega * mu) ** 2 - 4.0 * (omega - 1.0), 0.0)
    below = ((omega * mu + np.sqrt(disc)) / 2.0) ** 2
    return np.where(omega >= optimal_omega(mu), omega - 1.0, below)


@dataclass(frozen=True)
class Diagonal:
    """One anti-diagonal of the grid in the flat layout: where it sits and where its neighbours do."""

    start: int  # first flat row of this diagonal's cells
    length: int
    earlier_a: int | None  # flat start of the (i−1, j) neighbours, on the previous diagonal
    earlier_b: int | None  # flat start of the (i, j−1) neighbours
    later_a: int | None  # flat start of the (i+1, j) neighbours, on the next diagonal
    later_b: int | None  # flat start of the (i, j+1) neighbours


@dataclass(frozen=True)
class WavefrontLayout:
    """Anti-diagonal storage of an m×m grid: ``rows`` flat rows, zero slots between diagonals;
    ``perm[p]`` is the flat row of unknown p (column-major numbering)."""

    m: int
    rows: int
    diagonals: tuple[Diagonal, ...]
    perm: np.ndarray

    @classmethod
    def build(cls, m: int) -> "WavefrontLayout":
        position, diagonals, row = {}, [], 1  # row 0 is a zero slot
        for s in range(2 * m - 1):  # s = i + j with 0-based i, j
            cells = [(i, s - i) for i in range(max(0, s - m + 1), min(m - 1, s) + 1)]
            for k, cell in enumerate(cells):
                position[cell] = row + k
            diagonals.append((row, cells))
            row += len(cells) + 1  # one zero slot after every diagonal
        zero = 0

        def flat(i: int, j: int) -> int:
            return position.get((i, j), zero)

        blocks = []
        for start, cells in diagonals:
            blocks.append(
                Diagonal(
                    start=start,
                    length=len(cells),
                    earlier_a=_slice_start(flat, [(i - 1, j) for i, j in cells]),
                    earlier_b=_slice_start(flat, [(i, j - 1) for i, j in cells]),
                    later_a=_slice_start(flat, [(i + 1, j) for i, j in cells]),
                    later_b=_slice_start(flat, [(i, j + 1) for i, j in cells]),
                )
            )
        perm = np.array([position[(p % m, p // m)] for p in range(m * m)])
        return cls(m, row, tuple(blocks), perm)


def _slice_start(flat: Callable[[int, int], int], neighbours: list[tuple[int, int]]) -> int | None:
    """The neighbours of one diagonal's cells occupy consecutive flat rows (zero slots at the ends);
    None when none of them is inside the grid (the first and last diagonals)."""
    inside = [(k, flat(i, j)) for k, (i, j) in enumerate(neighbours) if flat(i, j) != 0]
    if not inside:
        return None
    k0, r0 = inside[0]
    start = r0 - k0
    if any(r != start + k for k, r in inside):
        raise RuntimeError("neighbour rows of a diagonal must be contiguous")
    return start


class BatchedSOR:
    """SOR sweep counts for many (offset c, relaxation ω, right-hand side b) triples at once.

    ``iterations(offsets, omegas, rhs)`` returns, for each triple, the first k with
    ‖r_k‖ < tol·‖b‖ (x₀ = 0), or ``max_iterations`` if that never happens.
    """

    def __init__(self, m: int, tol: float, max_iterations: int, device: torch.device, batch: int):
        self.layout = WavefrontLayout.build(m)
        self.tol, self.max_iterations, self.device, self.batch = tol, max_iterations, device, batch
        self._perm = torch.as_tensor(self.layout.perm, device=device)

    def iterations(self, offsets, omegas, rhs, rhs_index=None, on_sweep=None, on_batch=None) -> np.ndarray:
        """Sweep counts of the systems (offsets[i], omegas[i], rhs[rhs_index[i]]) (``rhs_index``
        defaults to 0, 1, …, so many systems can share a right-hand side without copies).
        ``on_sweep(k)`` is called every 16 sweeps (e.g. to honour a stop request), ``on_batch``
        with the fraction of systems done after each batch."""
        offsets, omegas, rhs = np.asarray(offsets, float), np.asarray(omegas, float), np.asarray(rhs, float)
        rhs_index = np.arange(len(offsets)) if rhs_index is None else np.asarray(rhs_index)
        on_sweep = on_sweep or (lambda k: None)
        on_batch = on_batch or (lambda fraction: None)
        out = np.empty(len(offsets), dtype=np.int64)
        for lo in range(0, len(offsets), self.batch):
            part = slice(lo, lo + self.batch)
            out[part] = self._solve_batch(offsets[part], omegas[part], rhs[rhs_index[part]], on_sweep)
            on_batch(min(lo + self.batch, len(offsets)) / len(offsets))
        return out

    def _solve_batch(self, offsets, omegas, rhs, on_sweep) -> np.ndarray:
        dev, f64 = self.device, torch.float64
        d = LAPLACIAN_DIAGONAL + torch.as_tensor(offsets, dtype=f64, device=dev)
        omega = torch.as_tensor(omegas, dtype=f64, device=dev)
        w, a = omega / d, d / omega - d  # y = w (r + earlier neighbours);  r' = a y + later neighbours
        r = torch.zeros(self.layout.rows, len(offsets), dtype=f64, device=dev)
        r[self._perm] = torch.as_tensor(rhs, dtype=f64, device=dev).T
        y = torch.zeros_like(r)
        threshold = (self.tol**2) * (r * r).sum(0)
        result = np.full(len(offsets), self.max_iterations, dtype=np.int64)
        index = torch.arange(len(offsets), device=dev)  # batch column -> position in ``result``
        done_at = torch.full_like(index, self.max_iterations)
        running = torch.ones_like(index, dtype=torch.bool)
        for k in range(1, self.max_iterations + 1):
            self._sweep(r, y, w, a)
            converged = running & ((r * r).sum(0) < threshold)
            done_at = torch.where(converged, k, done_at)
            running &= ~converged
            if k % 16 and k < self.max_iterations:
                continue
            on_sweep(k)
            alive = int(running.sum())
            if alive == 0 or k == self.max_iterations:
                break
            if alive <= 0.75 * running.numel():  # hand finished systems over, keep sweeping the rest
                finished, keep = (~running).nonzero().squeeze(1), running.nonzero().squeeze(1)
                result[index[finished].cpu().numpy()] = done_at[finished].cpu().numpy()
                r, y, w, a = r[:, keep], y[:, keep], w[keep], a[keep]
                threshold, index, done_at, running = threshold[keep], index[keep], done_at[keep], running[keep]
        result[index.cpu().numpy()] = done_at.cpu().numpy()
        return result

    def _sweep(self, r: torch.Tensor, y: torch.Tensor, w: torch.Tensor, a: torch.Tensor) -> None:
        """One SOR sweep on the residual: y = M⁻¹r by wavefront; once diagonal s+1 of y is known,
        diagonal s of the new residual r' = a·y + (U-neighbours of y) is, so the two are fused."""
        previous = None
        for diag in self.layout.diagonals:
            here = slice(diag.start, diag.start + diag.length)
            if diag.earlier_a is None:
                torch.mul(r[here], w, out=y[here])
            else:
                torch.add(r[here], y[diag.earlier_a : diag.earlier_a + diag.length], out=y[here])
                y[here] += y[diag.earlier_b : diag.earlier_b + diag.length]
                y[here] *= w
            if previous is not None:
                self._new_residual(previous, r, y, a)
            previous = diag
        self._new_residual(previous, r, y, a)

    @staticmethod
    def _new_residual(diag: Diagonal, r: torch.Tensor, y: torch.Tensor, a: torch.Tensor) -> None:
        here = slice(diag.start, diag.start + diag.length)
        torch.mul(y[here], a, out=r[here])
        if diag.later_a is not None:
            r[here] += y[diag.later_a : diag.later_a + diag.length]
            r[here] += y[diag.later_b : diag.later_b + diag.length]


def default_batch(device: torch.device) -> int:
    """Systems per batch: cache-sized on a CPU, large on a GPU (memory ≈ 2 · 120 · 8 B per system)."""
    return 1 << 21 if device.type == "cuda" else 1 << 13
