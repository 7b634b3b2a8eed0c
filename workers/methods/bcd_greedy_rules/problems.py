"""The three test problems of Nutini, Laradji & Schmidt (JMLR 2022), with the oracles BCD needs.

Every problem is f(x) = smooth part + (for the L1 problem) a separable part, and exposes

* ``value(x)``, ``grad(x)`` of the smooth part (the L1 problem folds its linear term λ·1ᵀx into both);
* a matrix upper bound M ⪰ ∇²f(x) for all x, of the form M = c·AᵀA + μI:
  least squares M = AᵀA (the exact Hessian), L2-logistic M = AᵀA/(4n) + λI (the bound used for the
  paper's "matrix updates" on logistic regression), so a block step x_b ← x_b − M_bb⁻¹∇_b f never
  increases f;
* ``coord_lipschitz`` L_i = M_ii and ``row_abs_sums`` d_i = Σ_j |M_ij| (a diagonal bound M ⪯ Diag(d)).

Data follow the paper's recipe for its data sets A (least squares) and B (logistic), scaled down:
A = (N(0,1) + 1) with each column scaled by 10·N(0,1), entries kept with probability 10·log(n)/n,
planted 10 %-sparse w, b = Aw + N(0,1) (A) or b = sign(Aw) with 10 % of signs flipped (B).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import linalg as sla

from ..shared.logistic import LogisticProblem


def sparse_scaled_design(n: int, p: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The paper's design matrix and a 10 %-sparse planted vector w."""
    A = rng.standard_normal((n, p)) + 1.0
    A = A * (10.0 * rng.standard_normal(p))
    keep = rng.random((n, p)) < min(1.0, 10.0 * np.log(n) / n)
    A = A * keep
    w = rng.standard_normal(p) * (rng.random(p) < 0.1)
    return A, w


@dataclass
class Curvature:
    """M = scale·AᵀA + shift·I, the matrix bound on the Hessian; blocks are formed lazily."""

    A: np.ndarray
    scale: float
    shift: float

    def __post_init__(self) -> None:
        self.coord_lipschitz = self.scale * np.einsum("ij,ij->j", self.A, self.A) + self.shift
        self._row_abs_sums: np.ndarray | None = None
        self._blocks: dict[bytes, tuple[np.ndarray, float]] = {}

    def block(self, idx: np.ndarray) -> np.ndarray:
        return self._block_and_lipschitz(idx)[0]

    def columns(self, idx: np.ndarray) -> np.ndarray:
        """M[:, idx], shape (p, len(idx))."""
        cols = self.scale * (self.A.T @ self.A[:, idx])
        cols[idx, np.arange(len(idx))] += self.shift
        return cols

    def block_lipschitz(self, idx: np.ndarray) -> float:
        """L_b = λ_max(M_bb)."""
        return self._block_and_lipschitz(idx)[1]

    def _block_and_lipschitz(self, idx: np.ndarray) -> tuple[np.ndarray, float]:
        """M_bb and λ_max(M_bb), memoised per block (fixed blocks recur every iteration)."""
        key = idx.tobytes()
        if key not in self._blocks:
            if len(self._blocks) > 20000:
                self._blocks.clear()
            Ab = self.A[:, idx]
            M = self.scale * (Ab.T @ Ab) + self.shift * np.eye(len(idx))
            self._blocks[key] = (M, float(np.linalg.eigvalsh(M)[-1]))
        return self._blocks[key]

    @property
    def row_abs_sums(self) -> np.ndarray:
        """d_i = Σ_j |M_ij| (computed once, in column chunks to bound memory)."""
        if self._row_abs_sums is None:
            p = self.A.shape[1]
            sums = np.empty(p)
            for start in range(0, p, 512):
                idx = np.arange(start, min(p, start + 512))
                sums[idx] = np.abs(self.columns(idx)).sum(axis=0)
            self._row_abs_sums = sums
        return self._row_abs_sums


class LeastSquares:
    """f(x) = ½||Ax − b||², M = AᵀA; f* from a least-squares solve."""

    name = "least squares"
    nonnegative = False
    is_quadratic = True

    def __init__(self, A: np.ndarray, b: np.ndarray):
        self.A, self.b = A, b
        self.dim = A.shape[1]
        self.curvature = Curvature(A, 1.0, 0.0)

    def value(self, x: np.ndarray) -> float:
        r = self.A @ x - self.b
        return 0.5 * float(r @ r)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.A.T @ (self.A @ x - self.b)

    def block_hessian(self, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return self.curvature.block(idx)

    def solve(self) -> np.ndarray:
        return np.linalg.lstsq(self.A, self.b, rcond=None)[0]


class Logistic:
    """f(w) = (1/n)Σ log(1+exp(−y_i a_iᵀw)) + (λ/2)||w||² (shared oracles), M = AᵀA/(4n) + λI."""

    name = "logistic regression"
    nonnegative = False
    is_quadratic = False

    def __init__(self, problem: LogisticProblem):
        self.problem = problem
        self.dim = problem.dim
        n = len(problem.y)
        self.curvature = Curvature(problem.A, 1.0 / (4.0 * n), problem.lam)

    def value(self, x: np.ndarray) -> float:
        return self.problem.value(x)

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.problem.grad(x)

    def block_hessian(self, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        """∇²_bb f(x) = A_bᵀ diag(σ(1−σ)) A_b / n + λI."""
        z = self.problem.y * (self.problem.A @ x)
        s = 1.0 / (1.0 + np.exp(-z))
        Ab = self.problem.A[:, idx]
        return (Ab.T * (s * (1.0 - s))) @ Ab / len(z) + self.problem.lam * np.eye(len(idx))

    def solve(self, tol: float = 1e-13, max_iter: int = 100) -> np.ndarray:
        """Damped Newton; the Newton system is solved in the n-dimensional dual space when n < p."""
        x = np.zeros(self.dim)
        for _ in range(max_iter):
            g = self.grad(x)
            if np.linalg.norm(g) <= tol * max(1.0, np.linalg.norm(x)):
                break
            step = self._newton_direction(x, g)
            t, f0, slope = 1.0, self.value(x), float(g @ step)
            while self.value(x - t * step) > f0 - 1e-4 * t * slope and t > 1e-12:
                t *= 0.5
            x = x - t * step
        return x

    def _newton_direction(self, x: np.ndarray, g: np.ndarray) -> np.ndarray:
        """H⁻¹g with H = AᵀWA + λI, W = diag(σ(1−σ))/n (Woodbury when n < p)."""
        A, lam = self.problem.A, self.problem.lam
        n, p = A.shape
        s = 1.0 / (1.0 + np.exp(-self.problem.y * (A @ x)))
        root_w = np.sqrt(s * (1.0 - s) / n)
        if n >= p:
            return sla.solve((A.T * root_w**2) @ A + lam * np.eye(p), g, assume_a="pos")
        B = A * root_w[:, None]
        inner = sla.solve(lam * np.eye(n) + B @ B.T, B @ g, assume_a="pos")
        return (g - B.T @ inner) / lam


class NonnegativeL1LeastSquares:
    """f(x) = ½||Ax − b||² + λ·Σ x_i subject to x ≥ 0 (the paper's L1 experiments, 'lsl1nn').

    The linear term is part of ``value``/``grad``; the constraint is handled by the updates.
    """

    name = "L1 least squares"
    nonnegative = True
    is_quadratic = True

    def __init__(self, A: np.ndarray, b: np.ndarray, l1: float):
        self.A, self.b, self.l1 = A, b, float(l1)
        self.dim = A.shape[1]
        self.curvature = Curvature(A, 1.0, 0.0)

    def value(self, x: np.ndarray) -> float:
        r = self.A @ x - self.b
        return 0.5 * float(r @ r) + self.l1 * float(x.sum())

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.A.T @ (self.A @ x - self.b) + self.l1

    def block_hessian(self, x: np.ndarray, idx: np.ndarray) -> np.ndarray:
        return self.curvature.block(idx)

    def solve(self) -> np.ndarray:
        """L-BFGS-B with bounds, then polished: solve the KKT system on the support it found."""
        from scipy.optimize import minimize

        fit = minimize(
            lambda x: (self.value(x), self.grad(x)),
            np.zeros(self.dim),
            jac=True,
            method="L-BFGS-B",
            bounds=[(0.0, None)] * self.dim,
            options={"maxiter": 20000, "ftol": 1e-15, "gtol": 1e-12},
        )
        return self.polish(np.maximum(fit.x, 0.0))

    def polish(self, x: np.ndarray, rel_tol: float = 1e-6) -> np.ndarray:
        """Exact minimizer on the support of x when it satisfies the KKT conditions, else x."""
        support = np.flatnonzero(x > rel_tol * max(1.0, x.max(initial=0.0)))
        if 0 < len(support) <= self.A.shape[0]:
            As = self.A[:, support]
            xs = sla.solve(As.T @ As, As.T @ self.b - self.l1, assume_a="pos")
            candidate = np.zeros(self.dim)
            candidate[support] = xs
            if xs.min() > 0 and self.value(candidate) <= self.value(x):
                return candidate
        return x


def least_squares_instance(n: int, p: int, rng: np.random.Generator) -> LeastSquares:
    A, w = sparse_scaled_design(n, p, rng)
    return LeastSquares(A, A @ w + rng.standard_normal(n))


def logistic_instance(n: int, p: int, lam: float, rng: np.random.Generator) -> Logistic:
    A, w = sparse_scaled_design(n, p, rng)
    labels = np.sign(A @ w)
    labels[labels == 0] = 1.0
    labels = labels * np.where(rng.random(n) < 0.1, -1.0, 1.0)
    return Logistic(LogisticProblem(A, labels, lam))


def l1_instance(n: int, p: int, l1_fraction: float, rng: np.random.Generator) -> NonnegativeL1LeastSquares:
    """λ = l1_fraction · max_i (Aᵀb)_i, the smallest λ for which x* = 0 times the fraction."""
    A, w = sparse_scaled_design(n, p, rng)
    b = A @ np.abs(w) + rng.standard_normal(n)
    l1_max = float(np.max(A.T @ b))
    return NonnegativeL1LeastSquares(A, b, l1_fraction * l1_max)
