"""Integral-RL policy iteration (Vrabie & Lewis 2009) for the linear-quadratic regulator.

System ẋ = Ax + Bu, cost ∫₀^∞ xᵀQx + uᵀRu dt, policy u = −Kx, value V_K(x) = xᵀP_K x.
Policy evaluation (PEV) uses the integral Bellman equation on segments of length T:

    x(t)ᵀ P x(t) − x(t+T)ᵀ P x(t+T) = ∫_t^{t+T} xᵀ(Q + KᵀRK)x dτ,

one row per segment, solved for the n(n+1)/2 entries of P by least squares; the integral on the
right is the only computed quantity, by a quadrature rule on N state samples (or exactly).
Policy improvement: K ← R⁻¹BᵀP. With exact integrals this is Kleinman's Newton iteration on the
Riccati equation AᵀP + PA − PBR⁻¹BᵀP + Q = 0, so P → P* (scipy.linalg.solve_continuous_are).

States are sampled exactly, x(t_j) = e^{A_K t_j} x(0), and the exact integral is x(0)ᵀW x(0) with
W = ∫₀ᵀ e^{A_Kᵀs}(Q + KᵀRK)e^{A_K s} ds from Van Loan's block exponential, so the only error
left in PEV is the quadrature error under study.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy.linalg import expm, solve_continuous_are


@dataclass(frozen=True)
class LinearQuadraticTask:
    A: np.ndarray
    B: np.ndarray
    Q: np.ndarray
    R: np.ndarray

    @property
    def state_dim(self) -> int:
        return self.A.shape[0]

    def riccati_solution(self) -> np.ndarray:
        return solve_continuous_are(self.A, self.B, self.Q, self.R)

    def gain(self, P: np.ndarray) -> np.ndarray:
        return np.linalg.solve(self.R, self.B.T @ P)


def third_order_system() -> LinearQuadraticTask:
    """The paper's third-order LTI example (official repo env.py): a1, a2, a3 = 0.1, 0.5, 0.7."""
    A = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [-0.1, -0.5, -0.7]])
    return LinearQuadraticTask(A, np.array([[0.0], [0.0], [1.0]]), np.eye(3), np.eye(1))


def quadratic_features(x: np.ndarray) -> np.ndarray:
    """φ(x) = (x_i x_j · (1 if i = j else 2))_{i ≤ j}, so that xᵀPx = φ(x)·vech(P)."""
    rows, cols = np.triu_indices(x.shape[-1])
    return x[..., rows] * x[..., cols] * np.where(rows == cols, 1.0, 2.0)


def symmetric_from_features(weights: np.ndarray, dim: int) -> np.ndarray:
    P = np.zeros((dim, dim))
    P[np.triu_indices(dim)] = weights
    return P + P.T - np.diag(np.diag(P))


def utility_gramian(A_closed: np.ndarray, Q_closed: np.ndarray, interval: float) -> np.ndarray:
    """W = ∫₀ᵀ e^{Aᵀs} Q e^{As} ds = F₃ᵀG₂ from expm([[−Aᵀ, Q], [0, A]]·T) (Van Loan 1978)."""
    dim = A_closed.shape[0]
    block = np.block([[-A_closed.T, Q_closed], [np.zeros((dim, dim)), A_closed]])
    exp_block = expm(block * interval)
    return exp_block[dim:, dim:].T @ exp_block[:dim, dim:]


@dataclass
class Evaluation:
    P: np.ndarray
    relative_quadrature_error: float
    segment_ends: np.ndarray


def evaluate_policy(task, K, starts, interval, n_samples, weights) -> Evaluation:
    """One IntRL PEV step from segments starting at `starts` (rows × n); weights=None: exact integrals."""
    A_closed = task.A - task.B @ K
    Q_closed = task.Q + K.T @ task.R @ K
    step = expm(A_closed * interval / (n_samples - 1))
    samples = [starts]
    for _ in range(n_samples - 1):
        samples.append(samples[-1] @ step.T)
    states = np.stack(samples, axis=1)  # rows × N × n
    exact = np.einsum("ri,ij,rj->r", starts, utility_gramian(A_closed, Q_closed, interval), starts)
    if weights is None:
        integrals = exact
    else:
        integrals = np.einsum("rni,ij,rnj->rn", states, Q_closed, states) @ weights
    ends = states[:, -1]
    design = quadratic_features(starts) - quadratic_features(ends)
    vech, *_ = np.linalg.lstsq(design, integrals, rcond=None)
    error = float(np.max(np.abs(integrals - exact) / np.abs(exact)))
    return Evaluation(symmetric_from_features(vech, task.state_dim), error, ends)


@dataclass
class PolicyIterationResult:
    P: np.ndarray
    K: np.ndarray
    iterations: int
    value_errors: list[float] = field(default_factory=list)  # ‖P_k − P*‖_F per iteration
    relative_quadrature_error: float = 0.0  # at the last PEV


def trajectory_starts(task, K, state, interval, rows) -> np.ndarray:
    """Successive segment starts x(iT), i < rows, along one closed-loop trajectory from `state`."""
    step = expm((task.A - task.B @ K) * interval)
    starts = [state]
    for _ in range(rows - 1):
        starts.append(step @ starts[-1])
    return np.array(starts)


def policy_iteration(task, initial_states, interval, n_samples, weights, *, data="random_states",
                     max_iterations=30, tolerance=1e-13, K0=None) -> PolicyIterationResult:
    """IntRL policy iteration from K0 (default 0: the third-order system is open-loop stable).

    data='random_states': every PEV uses segments from the same `initial_states` (one per row);
    data='one_trajectory': like the official repo, one trajectory from initial_states[0] runs on
    across rows and iterations under the current policy.
    """
    P_star = task.riccati_solution()
    K = np.zeros((task.B.shape[1], task.state_dim)) if K0 is None else K0
    result = PolicyIterationResult(P_star, K, 0)
    state = initial_states[0]
    for iteration in range(1, max_iterations + 1):
        if data == "one_trajectory":
            starts = trajectory_starts(task, K, state, interval, len(initial_states))
        else:
            starts = initial_states
        evaluation = evaluate_policy(task, K, starts, interval, n_samples, weights)
        state = evaluation.segment_ends[-1]
        K_new = task.gain(evaluation.P)
        result.P, result.iterations = evaluation.P, iteration
        result.relative_quadrature_error = evaluation.relative_quadrature_error
        result.value_errors.append(float(np.linalg.norm(evaluation.P - P_star)))
        converged = np.linalg.norm(K_new - K) < tolerance
        K = K_new
        if converged:
            break
    result.K = K
    return result
