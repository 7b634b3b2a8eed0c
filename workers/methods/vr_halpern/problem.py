"""Finite-sum monotone linear problems: F(z) = (1/n) Σ_i F_i(z), F_i(z) = M_i z − q_i.

The instance is a convex–concave quadratic saddle problem in z = (x, y) ∈ R^d × R^d,

    min_x max_y  (μ/2)‖x‖² + xᵀB y − (μ/2)‖y‖² − bᵀx + cᵀy,   averaged over n data components,

so M_i = [[μI, B_i], [−B_iᵀ, μI]]: every component is monotone (symmetric part μI ⪰ 0) and, for
μ = 0, merely monotone (bilinear), not cocoercive. B̄ = mean B_i = U diag(s) Vᵀ with singular values
s log-spaced in [σ_min, 1], so ‖M̄‖ = 1 for μ = 0; the solution z* is planted (q̄ = M̄ z*) and
shared across every n, so only the number and the spread of the components change with n.

Every operator evaluation goes through an `Oracle`, which counts component evaluations: the full
F costs n, one F_i costs 1 (Cai, Alacaoglu & Diakonikolas 2024, the oracle model of Sec. 2).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class FiniteSumLinear:
    components: np.ndarray  # (n, D, D): M_i
    offsets: np.ndarray  # (n, D): q_i
    solution: np.ndarray  # the planted z*, with M̄ z* = q̄

    @property
    def n(self) -> int:
        return self.components.shape[0]

    @property
    def dim(self) -> int:
        return self.components.shape[1]

    @property
    def mean_matrix(self) -> np.ndarray:
        return self.components.mean(axis=0)

    @property
    def mean_offset(self) -> np.ndarray:
        return self.offsets.mean(axis=0)

    def lipschitz_full(self) -> float:
        """L_F = ‖M̄‖₂, the Lipschitz constant of F."""
        return float(np.linalg.norm(self.mean_matrix, 2))

    def lipschitz_mean_square(self) -> float:
        """L with E_i‖F_i(u) − F_i(v)‖² ≤ L²‖u − v‖² (uniform i): √λ_max((1/n) Σ M_iᵀM_i)."""
        second_moment = np.einsum("nji,njk->ik", self.components, self.components) / self.n
        return float(np.sqrt(np.linalg.eigvalsh(second_moment)[-1]))


class Oracle:
    """F and F_i with a count of component evaluations (full F = n of them)."""

    def __init__(self, problem: FiniteSumLinear):
        self.problem = problem
        self.n = problem.n
        self.calls = 0
        self._mean_matrix = problem.mean_matrix
        self._mean_offset = problem.mean_offset

    def full(self, z: np.ndarray) -> np.ndarray:
        self.calls += self.n
        return self._mean_matrix @ z - self._mean_offset

    def component_matrices(self) -> np.ndarray:
        """The M_i, for solvers that apply them in a tight loop and `charge` the calls themselves."""
        return self.problem.components

    def charge(self, calls: int) -> None:
        self.calls += calls

    def residual(self, z: np.ndarray) -> float:
        """‖F(z)‖ for reporting only: not counted (the methods' own counted evaluations are logged)."""
        return float(np.linalg.norm(self._mean_matrix @ z - self._mean_offset))


def mean_coupling(half_dim: int, sigma_min: float, rng: np.random.Generator) -> np.ndarray:
    """B̄ = U diag(s) Vᵀ, U, V Haar-random orthogonal, s log-spaced from σ_min to 1."""
    U, _ = np.linalg.qr(rng.standard_normal((half_dim, half_dim)))
    V, _ = np.linalg.qr(rng.standard_normal((half_dim, half_dim)))
    return U @ np.diag(np.geomspace(sigma_min, 1.0, half_dim)) @ V.T


def saddle_matrix(coupling: np.ndarray, regularization: float) -> np.ndarray:
    """[[μI, B], [−Bᵀ, μI]] for one or a stack of couplings B."""
    d = coupling.shape[-1]
    shape = coupling.shape[:-2] + (2 * d, 2 * d)
    matrix = np.zeros(shape)
    matrix[..., :d, d:] = coupling
    matrix[..., d:, :d] = -np.swapaxes(coupling, -1, -2)
    matrix[..., np.arange(2 * d), np.arange(2 * d)] = regularization
    return matrix


def planted_saddle(n: int, shared: dict, heterogeneity: float, regularization: float,
                   rng: np.random.Generator) -> FiniteSumLinear:
    """n components B_i = B̄ + h·G_i/√d (G_i Gaussian, centred so that mean B_i = B̄ exactly) and
    offsets q_i = M_i z* + ξ_i (ξ_i centred), so that the mean problem is the same for every n."""
    coupling, solution = shared["coupling"], shared["solution"]
    d = coupling.shape[0]
    spread = rng.standard_normal((n, d, d)) * heterogeneity / np.sqrt(d)
    spread -= spread.mean(axis=0)
    components = saddle_matrix(coupling + spread, regularization)
    noise = rng.standard_normal((n, 2 * d)) * heterogeneity / np.sqrt(2 * d)
    noise -= noise.mean(axis=0)
    offsets = components @ solution + noise
    return FiniteSumLinear(components, offsets, solution)


def shared_instance(half_dim: int, sigma_min: float, rng: np.random.Generator) -> dict:
    solution = rng.standard_normal(2 * half_dim)
    return {"coupling": mean_coupling(half_dim, sigma_min, rng), "solution": solution / np.linalg.norm(solution)}
