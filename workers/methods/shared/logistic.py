"""L2-regularized logistic regression: data sets and oracles shared by the optimization methods.

    f(w) = (1/n) Σ_i log(1 + exp(-y_i a_iᵀw)) + (λ/2)||w||²,   y_i ∈ {-1, +1}
    ∇f(w) = -(1/n) Aᵀ (y ⊙ σ(-y ⊙ Aw)) + λw
    ∇²f(w) = (1/n) Aᵀ diag(σ(z)(1-σ(z))) A + λI,   z = y ⊙ Aw
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.special import expit, log_expit


@dataclass(frozen=True)
class LogisticProblem:
    A: np.ndarray  # (n, d) features
    y: np.ndarray  # (n,) labels in {-1, +1}
    lam: float  # L2 regularization

    @property
    def dim(self) -> int:
        return self.A.shape[1]

    def value(self, w: np.ndarray) -> float:
        z = self.y * (self.A @ w)
        return float(-log_expit(z).mean() + 0.5 * self.lam * w @ w)

    def grad(self, w: np.ndarray) -> np.ndarray:
        z = self.y * (self.A @ w)
        return -(self.A.T @ (self.y * expit(-z))) / len(self.y) + self.lam * w

    def hess(self, w: np.ndarray) -> np.ndarray:
        z = self.y * (self.A @ w)
        s = expit(z)
        weights = s * (1.0 - s)
        return (self.A.T * weights) @ self.A / len(self.y) + self.lam * np.eye(self.dim)

    def smoothness(self) -> float:
        """Global Lipschitz constant of ∇f: λ_max(AᵀA)/(4n) + λ."""
        return float(np.linalg.norm(self.A, 2) ** 2 / (4 * len(self.y)) + self.lam)


def standardized_with_bias(X: np.ndarray) -> np.ndarray:
    X = (X - X.mean(axis=0)) / np.maximum(X.std(axis=0), 1e-12)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def breast_cancer(lam: float) -> LogisticProblem:
    """sklearn's breast-cancer data (569 × 30, shipped with sklearn), standardized, with a bias column."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return LogisticProblem(standardized_with_bias(data.data), np.where(data.target == 1, 1.0, -1.0), lam)


def synthetic(n: int, d: int, lam: float, rng: np.random.Generator, noise: float = 0.5) -> LogisticProblem:
    """Gaussian features with a planted separator and label noise."""
    A = rng.standard_normal((n, d))
    w_true = rng.standard_normal(d) / np.sqrt(d)
    logits = A @ w_true * 3.0 + noise * rng.standard_normal(n)
    return LogisticProblem(A, np.where(logits > 0, 1.0, -1.0), lam)
