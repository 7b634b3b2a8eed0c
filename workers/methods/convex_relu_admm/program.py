"""The convex reformulation of two-layer ReLU training with sampled activation patterns.

Non-convex problem (m neurons, squared loss, weight decay β), Bai, Gautam & Sojoudi (2022) eq. (1):

    min_{u_j, α_j}  ½||Σ_j (X u_j)_+ α_j − y||² + (β/2) Σ_j (||u_j||² + α_j²)

Approximate convex program over P sampled patterns D_i = diag(1[X h_i ≥ 0]), h_i ~ N(0, I) (Pilanci &
Ergen 2020; the paper's "approximate formulation"):

    min_{v_i, w_i}  ½||Σ_i D_i X (v_i − w_i) − y||² + β Σ_i (||v_i|| + ||w_i||)
    s.t.            (2D_i − I) X v_i ≥ 0,  (2D_i − I) X w_i ≥ 0

Its variables are stored as one array U of shape (2P, d): rows 0..P−1 are v_i, rows P..2P−1 are w_i.
A solution maps to a network with one neuron per non-zero row: u = v/√||v||, α = ±√||v||, whose
non-convex objective equals the convex one when every row is in its cone.

Certificate (Lagrange dual of the convex program): for any z ∈ ℝⁿ,
    D(z) = zᵀy − ½||z||²   is a lower bound on the optimum whenever
    ||Π_{K_i}(±Xᵀ D_i z)|| ≤ β for every pattern i,   K_i = {u : (2D_i − I) X u ≥ 0},
so z = y − F(U) scaled into that set gives a lower bound, and the projection of U onto the cones a
feasible upper bound: their gap certifies the optimum.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import nnls


def sample_patterns(X: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """Distinct, non-empty patterns 1[X h ≥ 0] from Gaussian h, as an (n, P) 0/1 float matrix."""
    H = rng.standard_normal((X.shape[1], count))
    masks = (X @ H >= 0).astype(float)
    masks = np.unique(masks, axis=1)
    return masks[:, masks.any(axis=0)]


@dataclass
class ConvexReluProgram:
    X: np.ndarray  # (n, d), a bias column included
    y: np.ndarray  # (n,)
    masks: np.ndarray  # (n, P) 0/1
    beta: float

    @property
    def patterns(self) -> int:
        return self.masks.shape[1]

    @property
    def signs(self) -> np.ndarray:
        """(n, 2P): the rows of 2D_i − I, once for the v-block and once for the w-block."""
        s = 2.0 * self.masks - 1.0
        return np.hstack([s, s])

    def fit(self, U: np.ndarray) -> np.ndarray:
        """F(U) = Σ_i D_i X (v_i − w_i)."""
        Z = self.X @ U.T
        P = self.patterns
        return ((Z[:, :P] - Z[:, P:]) * self.masks).sum(axis=1)

    def fit_adjoint(self, r: np.ndarray) -> np.ndarray:
        """Fᵀr as a (2P, d) array."""
        top = (self.masks * r[:, None]).T @ self.X
        return np.vstack([top, -top])

    def constraints(self, U: np.ndarray) -> np.ndarray:
        """G(U): (n, 2P), column j = (2D_j − I) X u_j (feasible iff ≥ 0)."""
        return (self.X @ U.T) * self.signs

    def constraints_adjoint(self, Q: np.ndarray) -> np.ndarray:
        return (Q * self.signs).T @ self.X

    def fit_matrix(self) -> np.ndarray:
        """F as an explicit n × 2Pd matrix, columns grouped by row of U."""
        blocks = [self.masks[:, [i]] * self.X for i in range(self.patterns)]
        return np.hstack(blocks + [-b for b in blocks])

    def objective(self, U: np.ndarray) -> float:
        r = self.fit(U) - self.y
        return 0.5 * float(r @ r) + self.beta * float(np.linalg.norm(U, axis=1).sum())

    def network_predict(self, U: np.ndarray, X: np.ndarray | None = None) -> np.ndarray:
        """The ReLU network read off U: Σ_i (X v_i)_+ − (X w_i)_+."""
        X = self.X if X is None else X
        Z = np.maximum(X @ U.T, 0.0)
        P = self.patterns
        return Z[:, :P].sum(axis=1) - Z[:, P:].sum(axis=1)

    def network_objective(self, U: np.ndarray) -> float:
        """Non-convex objective of the network read off U (equals ``objective`` when U is feasible)."""
        r = self.network_predict(U) - self.y
        return 0.5 * float(r @ r) + self.beta * float(np.linalg.norm(U, axis=1).sum())

    def project_to_cone(self, c: np.ndarray, j: int) -> np.ndarray:
        """Π_{K_j}(c), K_j = {u : G_j u ≥ 0}: c + G_jᵀμ with μ = argmin_{μ≥0} ||c + G_jᵀμ|| (Moreau)."""
        G = self.X * self.signs[:, [j]]
        mu, _ = nnls(G.T, -c, maxiter=50 * G.shape[0])
        return c + G.T @ mu

    def feasible_point(self, U: np.ndarray) -> np.ndarray:
        """Each non-zero row projected onto its cone (zero rows stay zero)."""
        out = np.zeros_like(U)
        for j in np.flatnonzero(np.linalg.norm(U, axis=1) > 0):
            out[j] = self.project_to_cone(U[j], j)
        return out

    def dual_bound(self, z: np.ndarray) -> float:
        """max_t D(t·z) over the scales t ≥ 0 that keep t·z dual feasible (D is a concave quadratic in t,
        maximised at zᵀy/||z||², and feasibility is t ≤ β / max_j ||Π_{K_j}(F_jᵀz)||)."""
        C = self.fit_adjoint(z)  # row j: ±Xᵀ D_i z
        worst = max(np.linalg.norm(self.project_to_cone(C[j], j)) for j in range(C.shape[0]))
        best = max(float(z @ self.y), 0.0) / max(float(z @ z), 1e-300)
        t = min(best, self.beta / worst) if worst > 0 else best
        zt = t * z
        return float(zt @ self.y - 0.5 * zt @ zt)

    def certificate(self, U: np.ndarray) -> dict[str, float]:
        """Feasible upper bound, dual lower bound and their relative gap."""
        feasible = self.feasible_point(U)
        upper = self.objective(feasible)
        lower = self.dual_bound(self.y - self.fit(U))
        return {"upper": upper, "lower": lower, "relative_gap": (upper - lower) / max(abs(upper), 1e-300)}


def all_patterns_2d(X: np.ndarray) -> np.ndarray:
    """Every distinct non-empty pattern 1[X u ≥ 0] for d = 2 (e.g. a scalar input and a bias column).

    The n lines {u : x_kᵀu = 0} cut the plane into at most 2n sectors; one direction inside each
    sector (the bisector of two consecutive boundary angles) gives that sector's pattern.
    """
    if X.shape[1] != 2:
        raise ValueError("exact pattern enumeration is implemented for d = 2 only")
    normals = np.arctan2(X[:, 1], X[:, 0])
    boundaries = np.sort(np.mod(np.concatenate([normals + np.pi / 2, normals - np.pi / 2]), 2 * np.pi))
    gaps = np.diff(np.concatenate([boundaries, boundaries[:1] + 2 * np.pi]))
    mids = (boundaries + gaps / 2)[gaps > 1e-12]
    directions = np.stack([np.cos(mids), np.sin(mids)])
    masks = np.unique((X @ directions >= 0).astype(float), axis=1)
    return masks[:, masks.any(axis=0)]
