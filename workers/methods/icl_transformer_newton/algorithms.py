"""In-context linear regression prompts and the algorithms a Transformer is compared with.

Fu, Chen, Jia & Sharan, "Transformers Learn to Achieve Second-Order Convergence Rates for
In-Context Linear Regression" (NeurIPS 2024, arXiv 2310.17086), Sec. 3:

    prompt  (x_1, y_1, ..., x_n, y_n),  x_i ~ N(0, Σ),  y_i = wᵀx_i,  w ~ N(0, I_d)
    X ∈ R^{n×d}, S = XᵀX, b = Xᵀy
    Iterative Newton (Newton–Schulz for S⁺):  M_0 = αS,  M_{k+1} = 2M_k − M_k S M_k,  w_k = M_k b
    Gradient descent on ½||Xw − y||²:         w_0 = 0,   w_{k+1} = w_k − η (S w_k − b)
    OLS:                                      w* = S⁺ b  (minimum-norm least squares)

Both iterations are polynomials in S, so with S = V diag(λ) Vᵀ they are spectral filters
(exact in exact arithmetic; used to evaluate any k, e.g. 2^30 GD steps, at O(d) per prompt):

    Newton:  I − M_k S = (I − αS²)^{2^k}   ⇒  w_k = V diag((1 − (1 − αλ²)^{2^k}) / λ) Vᵀ b
    GD:      w_k = V diag((1 − (1 − ηλ)^k) / λ) Vᵀ b
    (λ = 0: filter 0, both iterates stay in range(S), so both converge to the min-norm w*.)

Step sizes: η = 1/λ_max(S) and α = 1/λ_max(S)². Newton–Schulz converges iff 0 < α < 2/λ_max²
(Ben-Israel & Cohen, 1966); the paper's α = 2/||SSᵀ||₂ is the end point of that interval, where
the top eigen-direction's residual is (−1)^{2^k} and never shrinks, so we take half of it.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EIG_RTOL = 1e-10  # eigenvalues below EIG_RTOL·λ_max are treated as exact zeros (null space of S)


# ---- prompts ----------------------------------------------------------------------------
def covariance_eigenvalues(dim: int, condition_number: float) -> np.ndarray:
    """Eigenvalues of Σ: log-spaced from 1 down to 1/κ, rescaled to mean 1 (so E||x||² = d)."""
    eigenvalues = np.logspace(0.0, -np.log10(condition_number), dim)
    return eigenvalues / eigenvalues.mean()


def random_rotations(count: int, dim: int, rng: np.random.Generator) -> np.ndarray:
    """Haar-distributed orthogonal matrices (QR of a Gaussian matrix with the sign fix)."""
    q, r = np.linalg.qr(rng.standard_normal((count, dim, dim)))
    return q * np.sign(np.diagonal(r, axis1=1, axis2=2))[:, None, :]


def sample_prompts(count: int, points: int, dim: int, condition_number: float, rng: np.random.Generator):
    """(xs (count, points, dim), ys (count, points), ws (count, dim)); Σ = Q diag(λ) Qᵀ per prompt."""
    xs = rng.standard_normal((count, points, dim))
    if condition_number > 1.0:
        root = np.sqrt(covariance_eigenvalues(dim, condition_number))
        rotations = random_rotations(count, dim, rng)
        xs = np.einsum("bnj,bij->bni", xs * root, rotations)  # x = Q diag(√λ) z
    ws = rng.standard_normal((count, dim))
    ys = np.einsum("bnd,bd->bn", xs, ws)
    return xs, ys, ws


# ---- explicit iterations (the algorithms as written) ---------------------------------------
def newton_step_size(S: np.ndarray) -> np.ndarray:
    """α = 1/λ_max(S)² per matrix of a batch (..., d, d), as an array broadcastable to S."""
    top = np.linalg.eigvalsh(S)[..., -1]
    return (1.0 / np.maximum(top**2, np.finfo(float).tiny))[..., None, None]


def newton_schulz_iterates(S: np.ndarray, num_iters: int):
    """Yield M_0, M_1, ..., M_num_iters of Newton–Schulz on a batch of symmetric S (..., d, d)."""
    M = newton_step_size(S) * S
    yield M
    for _ in range(num_iters):
        M = 2.0 * M - M @ S @ M
        yield M


def gd_iterates(S: np.ndarray, b: np.ndarray, num_iters: int):
    """Yield w_0 = 0, w_1, ..., w_num_iters of GD with η = 1/λ_max(S) on a batch (..., d)."""
    eta = 1.0 / np.maximum(np.linalg.eigvalsh(S)[..., -1], np.finfo(float).tiny)
    w = np.zeros_like(b)
    yield w
    for _ in range(num_iters):
        w = w - eta[..., None] * (np.einsum("...ij,...j->...i", S, w) - b)
        yield w


def ols(X: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Minimum-norm least squares w* = X⁺y for a batch X (..., n, d), y (..., n)."""
    return np.einsum("...dn,...n->...d", np.linalg.pinv(X), y)


# ---- spectral form ----------------------------------------------------------------------
@dataclass(frozen=True)
class Spectra:
    """S = V diag(λ) Vᵀ of a batch of Gram matrices, with b and query x in V's basis.

    ``coef = Vᵀb`` and ``query = Vᵀx_q``; a filter f(λ) gives the prediction Σ_j query_j f(λ_j) coef_j.
    """

    eigenvalues: np.ndarray  # (..., d), ascending
    coef: np.ndarray  # (..., d)
    query: np.ndarray  # (..., d)

    @property
    def top(self) -> np.ndarray:
        return self.eigenvalues[..., -1:]

    @property
    def positive(self) -> np.ndarray:
        return self.eigenvalues > EIG_RTOL * np.maximum(self.top, np.finfo(float).tiny)

    def predict(self, filters: np.ndarray) -> np.ndarray:
        """Predictions x_qᵀ V diag(f) Vᵀ b for filters (K, ..., d) → (K, ...)."""
        return np.einsum("...d,k...d->k...", self.query * self.coef, filters)


def spectra(S: np.ndarray, b: np.ndarray, query: np.ndarray | None = None) -> Spectra:
    """Eigen-decompose a batch of Gram matrices S (..., d, d); b and the query go to V's basis."""
    eigenvalues, V = np.linalg.eigh(S)
    query = np.zeros_like(b) if query is None else query
    to_basis = lambda v: np.einsum("...ij,...i->...j", V, v)  # noqa: E731 - Vᵀv
    return Spectra(np.maximum(eigenvalues, 0.0), to_basis(b), to_basis(query))


def _inverse_on_range(sp: Spectra) -> np.ndarray:
    return np.where(sp.positive, 1.0 / np.where(sp.positive, sp.eigenvalues, 1.0), 0.0)


def newton_filters(sp: Spectra, iterations: np.ndarray) -> np.ndarray:
    """Filters (1 − (1 − αλ²)^{2^k}) / λ for each k in ``iterations`` (sorted), shape (K, ..., d)."""
    residual = 1.0 - (sp.eigenvalues / np.maximum(sp.top, np.finfo(float).tiny)) ** 2  # 1 − αλ², in [0, 1]
    out, squarings = [], 0
    for k in np.asarray(iterations, dtype=int):
        while squarings < k:  # (1 − αλ²)^{2^k} by repeated squaring
            residual, squarings = residual * residual, squarings + 1
        out.append((1.0 - residual) * _inverse_on_range(sp))
    return np.stack(out)


def gd_filters(sp: Spectra, steps: np.ndarray) -> np.ndarray:
    """Filters (1 − (1 − ηλ)^k) / λ, η = 1/λ_max, for each k in ``steps``, shape (K, ..., d)."""
    contraction = 1.0 - sp.eigenvalues / np.maximum(sp.top, np.finfo(float).tiny)  # in [0, 1]
    powers = np.power(contraction[None], np.asarray(steps, dtype=float).reshape((-1,) + (1,) * contraction.ndim))
    return (1.0 - powers) * _inverse_on_range(sp)


def ols_filter(sp: Spectra) -> np.ndarray:
    return _inverse_on_range(sp)[None]


# ---- prefixes of a prompt: what each algorithm predicts at every position ---------------------
def prefix_spectra(xs: np.ndarray, ys: np.ndarray) -> Spectra:
    """For each prompt and position i, the spectra of S_i = Σ_{j<i} x_j x_jᵀ with query x_i."""
    outer = np.einsum("bni,bnj->bnij", xs, xs)
    gram = np.cumsum(outer, axis=1) - outer  # exclusive prefix sums: examples before position i
    moment = np.cumsum(xs * ys[..., None], axis=1) - xs * ys[..., None]
    return spectra(gram, moment, xs)


def gd_step_grid(max_log2: int, per_octave: int = 4) -> np.ndarray:
    """GD step counts 1 ... 2^max_log2, ``per_octave`` log-spaced values per doubling."""
    return np.unique(np.round(2.0 ** (np.arange(max_log2 * per_octave + 1) / per_octave)).astype(np.int64))


# ---- iterations to a tolerance -----------------------------------------------------------
def relative_weight_error(weights: np.ndarray, target: np.ndarray) -> np.ndarray:
    """||w − w*|| / ||w*|| over the last axis."""
    return np.linalg.norm(weights - target, axis=-1) / np.linalg.norm(target, axis=-1)


def filter_relative_errors(sp: Spectra, filters: np.ndarray) -> np.ndarray:
    """||w_f − w*|| / ||w*|| for filters (K, ..., d), computed in S's eigenbasis (V is orthogonal)."""
    target = ols_filter(sp)[0] * sp.coef
    return np.linalg.norm(filters * sp.coef - target, axis=-1) / np.linalg.norm(target, axis=-1)


def first_step_below(error_at, tolerance: float, max_step: int) -> int | None:
    """Smallest k ≤ max_step with error_at(k) ≤ tolerance, for a non-increasing error_at; None if none."""
    if error_at(max_step) > tolerance:
        return None
    low, high = 0, max_step  # error_at(high) ≤ tolerance; invariant keeps it so
    if error_at(low) <= tolerance:
        return low
    while high - low > 1:
        mid = (low + high) // 2
        low, high = (low, mid) if error_at(mid) <= tolerance else (mid, high)
    return high
