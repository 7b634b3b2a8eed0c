"""Equality-constrained test problems  min f(x)  s.t.  c(x) = 0  with exact derivatives.

Hock–Schittkowski problems (Hock & Schittkowski 1981, "Test examples for nonlinear programming
codes", problems 6, 7, 27, 28, 39, 40, 42, 78, 79: the equality-constrained ones of CUTEst's HS
set), hand-coded with their standard starting points and known optima, plus the constrained
logistic regression of the paper's Sec. 5 (official repo IlgeeHong/AdaSketch-Newton,
ConstrainedLogisticRegression/*/Eval.jl):

    min_x (1/N) Σ log(1 + exp(-y_i a_iᵀx))   s.t.   C x = d,   ||x||² = 1.

Every problem gives f, ∇f, c, ∇c (the m×n Jacobian G) and ∇²ₓL(x, λ) = ∇²f + Σ_j λ_j ∇²c_j.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ..shared.logistic import LogisticProblem, breast_cancer, standardized_with_bias

SQRT2 = float(np.sqrt(2.0))


@dataclass(frozen=True)
class EqualityProblem:
    name: str
    x0: np.ndarray
    f: Callable[[np.ndarray], float]
    grad: Callable[[np.ndarray], np.ndarray]
    hess_f: Callable[[np.ndarray], np.ndarray]
    c: Callable[[np.ndarray], np.ndarray]
    jac: Callable[[np.ndarray], np.ndarray]
    hess_c: Callable[[np.ndarray, np.ndarray], np.ndarray]  # Σ_j λ_j ∇²c_j(x)
    lam0: np.ndarray | None = None
    f_star: float | None = None
    x_star: np.ndarray | None = field(default=None)
    arrays: dict = field(default_factory=dict)  # data defining the instance, saved as an artifact

    @property
    def n(self) -> int:
        return self.x0.size

    @property
    def m(self) -> int:
        return self.c(self.x0).size

    def start(self) -> tuple[np.ndarray, np.ndarray]:
        lam0 = np.zeros(self.m) if self.lam0 is None else self.lam0
        return self.x0.astype(float).copy(), lam0.astype(float).copy()

    def hess_lagrangian(self, x: np.ndarray, lam: np.ndarray) -> np.ndarray:
        return self.hess_f(x) + self.hess_c(x, lam)


def _arr(*values) -> np.ndarray:
    return np.array(values, dtype=float)


def hs6() -> EqualityProblem:
    """HS6: (1-x1)²  s.t. 10(x2 - x1²) = 0;  x* = (1, 1), f* = 0."""
    return EqualityProblem(
        "HS6", _arr(-1.2, 1.0),
        f=lambda x: (1 - x[0]) ** 2,
        grad=lambda x: _arr(-2 * (1 - x[0]), 0.0),
        hess_f=lambda x: np.diag([2.0, 0.0]),
        c=lambda x: _arr(10 * (x[1] - x[0] ** 2)),
        jac=lambda x: np.array([[-20 * x[0], 10.0]]),
        hess_c=lambda x, lam: lam[0] * np.diag([-20.0, 0.0]),
        f_star=0.0, x_star=_arr(1.0, 1.0),
    )


def hs7() -> EqualityProblem:
    """HS7: log(1+x1²) - x2  s.t. (1+x1²)² + x2² - 4 = 0;  x* = (0, √3), f* = -√3."""
    return EqualityProblem(
        "HS7", _arr(2.0, 2.0),
        f=lambda x: np.log1p(x[0] ** 2) - x[1],
        grad=lambda x: _arr(2 * x[0] / (1 + x[0] ** 2), -1.0),
        hess_f=lambda x: np.diag([2 * (1 - x[0] ** 2) / (1 + x[0] ** 2) ** 2, 0.0]),
        c=lambda x: _arr((1 + x[0] ** 2) ** 2 + x[1] ** 2 - 4),
        jac=lambda x: np.array([[4 * x[0] * (1 + x[0] ** 2), 2 * x[1]]]),
        hess_c=lambda x, lam: lam[0] * np.diag([4 + 12 * x[0] ** 2, 2.0]),
        f_star=-np.sqrt(3.0), x_star=_arr(0.0, np.sqrt(3.0)),
    )


def hs27() -> EqualityProblem:
    """HS27: 0.01(x1-1)² + (x2-x1²)²  s.t. x1 + x3² + 1 = 0;  x* = (-1, 1, 0), f* = 0.04."""
    def hess_f(x):
        return np.array([[0.02 - 4 * x[1] + 12 * x[0] ** 2, -4 * x[0], 0], [-4 * x[0], 2, 0], [0, 0, 0]], float)

    return EqualityProblem(
        "HS27", _arr(2.0, 2.0, 2.0),
        f=lambda x: 0.01 * (x[0] - 1) ** 2 + (x[1] - x[0] ** 2) ** 2,
        grad=lambda x: _arr(0.02 * (x[0] - 1) - 4 * x[0] * (x[1] - x[0] ** 2), 2 * (x[1] - x[0] ** 2), 0.0),
        hess_f=hess_f,
        c=lambda x: _arr(x[0] + x[2] ** 2 + 1),
        jac=lambda x: np.array([[1.0, 0.0, 2 * x[2]]]),
        hess_c=lambda x, lam: lam[0] * np.diag([0.0, 0.0, 2.0]),
        f_star=0.04, x_star=_arr(-1.0, 1.0, 0.0),
    )


def hs28() -> EqualityProblem:
    """HS28: (x1+x2)² + (x2+x3)²  s.t. x1 + 2x2 + 3x3 - 1 = 0;  x* = (½, -½, ½), f* = 0."""
    return EqualityProblem(
        "HS28", _arr(-4.0, 1.0, 1.0),
        f=lambda x: (x[0] + x[1]) ** 2 + (x[1] + x[2]) ** 2,
        grad=lambda x: _arr(2 * (x[0] + x[1]), 2 * (x[0] + x[1]) + 2 * (x[1] + x[2]), 2 * (x[1] + x[2])),
        hess_f=lambda x: np.array([[2, 2, 0], [2, 4, 2], [0, 2, 2]], float),
        c=lambda x: _arr(x[0] + 2 * x[1] + 3 * x[2] - 1),
        jac=lambda x: np.array([[1.0, 2.0, 3.0]]),
        hess_c=lambda x, lam: np.zeros((3, 3)),
        f_star=0.0, x_star=_arr(0.5, -0.5, 0.5),
    )


def hs39() -> EqualityProblem:
    """HS39: -x1  s.t. x2 - x1³ - x3² = 0,  x1² - x2 - x4² = 0;  x* = (1, 1, 0, 0), f* = -1."""
    return EqualityProblem(
        "HS39", _arr(2.0, 2.0, 2.0, 2.0),
        f=lambda x: -x[0],
        grad=lambda x: _arr(-1.0, 0.0, 0.0, 0.0),
        hess_f=lambda x: np.zeros((4, 4)),
        c=lambda x: _arr(x[1] - x[0] ** 3 - x[2] ** 2, x[0] ** 2 - x[1] - x[3] ** 2),
        jac=lambda x: np.array([[-3 * x[0] ** 2, 1.0, -2 * x[2], 0.0], [2 * x[0], -1.0, 0.0, -2 * x[3]]]),
        hess_c=lambda x, lam: np.diag([-6 * x[0] * lam[0] + 2 * lam[1], 0.0, -2 * lam[0], -2 * lam[1]]),
        f_star=-1.0, x_star=_arr(1.0, 1.0, 0.0, 0.0),
    )


def _product_hessian(x: np.ndarray) -> np.ndarray:
    """∇² of Π_i x_i: entry (i, j), i ≠ j, is the product of the other coordinates."""
    n = x.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i != j:
                H[i, j] = np.prod(np.delete(x, [i, j]))
    return H


def _product_grad(x: np.ndarray) -> np.ndarray:
    return np.array([np.prod(np.delete(x, i)) for i in range(x.size)])


def hs40() -> EqualityProblem:
    """HS40: -x1x2x3x4  s.t. x1³ + x2² = 1, x1²x4 = x3, x4² = x2;  f* = -1/4."""
    def hess_c(x, lam):
        H = np.diag([6 * x[0] * lam[0] + 2 * x[3] * lam[1], 2 * lam[0], 0.0, 2 * lam[2]])
        H[0, 3] = H[3, 0] = 2 * x[0] * lam[1]
        return H

    return EqualityProblem(
        "HS40", _arr(0.8, 0.8, 0.8, 0.8),
        f=lambda x: -np.prod(x),
        grad=lambda x: -_product_grad(x),
        hess_f=lambda x: -_product_hessian(x),
        c=lambda x: _arr(x[0] ** 3 + x[1] ** 2 - 1, x[0] ** 2 * x[3] - x[2], x[3] ** 2 - x[1]),
        jac=lambda x: np.array(
            [[3 * x[0] ** 2, 2 * x[1], 0, 0], [2 * x[0] * x[3], 0, -1, x[0] ** 2], [0, -1, 0, 2 * x[3]]], float
        ),
        hess_c=hess_c,
        f_star=-0.25, x_star=2.0 ** -np.array([1 / 3, 1 / 2, 11 / 12, 1 / 4]),
    )


def hs42() -> EqualityProblem:
    """HS42: Σ (x_i - i)²  s.t. x1 = 2, x3² + x4² = 2;  x* = (2, 2, 0.6√2, 0.8√2), f* = 28 - 10√2."""
    target = _arr(1.0, 2.0, 3.0, 4.0)
    return EqualityProblem(
        "HS42", _arr(1.0, 1.0, 1.0, 1.0),
        f=lambda x: float(np.sum((x - target) ** 2)),
        grad=lambda x: 2 * (x - target),
        hess_f=lambda x: 2 * np.eye(4),
        c=lambda x: _arr(x[0] - 2, x[2] ** 2 + x[3] ** 2 - 2),
        jac=lambda x: np.array([[1.0, 0, 0, 0], [0, 0, 2 * x[2], 2 * x[3]]]),
        hess_c=lambda x, lam: lam[1] * np.diag([0.0, 0.0, 2.0, 2.0]),
        f_star=28 - 10 * SQRT2, x_star=_arr(2.0, 2.0, 0.6 * SQRT2, 0.8 * SQRT2),
    )


def hs78() -> EqualityProblem:
    """HS78: x1x2x3x4x5  s.t. Σx² = 10, x2x3 = 5x4x5, x1³ + x2³ = -1;  f* = -2.91970041."""
    def hess_c(x, lam):
        H = 2 * lam[0] * np.eye(5)
        H[1, 2] = H[2, 1] = lam[1]
        H[3, 4] = H[4, 3] = -5 * lam[1]
        H[0, 0] += 6 * x[0] * lam[2]
        H[1, 1] += 6 * x[1] * lam[2]
        return H

    return EqualityProblem(
        "HS78", _arr(-2.0, 1.5, 2.0, -1.0, -1.0),
        f=lambda x: float(np.prod(x)),
        grad=_product_grad,
        hess_f=_product_hessian,
        c=lambda x: _arr(x @ x - 10, x[1] * x[2] - 5 * x[3] * x[4], x[0] ** 3 + x[1] ** 3 + 1),
        jac=lambda x: np.array(
            [2 * x, [0, x[2], x[1], -5 * x[4], -5 * x[3]], [3 * x[0] ** 2, 3 * x[1] ** 2, 0, 0, 0]], float
        ),
        hess_c=hess_c,
        f_star=-2.91970041,
    )


def _hs79_hess(x: np.ndarray) -> np.ndarray:
    a, b = 12 * (x[2] - x[3]) ** 2, 12 * (x[3] - x[4]) ** 2
    return np.array(
        [[4, -2, 0, 0, 0], [-2, 4, -2, 0, 0], [0, -2, 2 + a, -a, 0], [0, 0, -a, a + b, -b], [0, 0, 0, -b, b]], float
    )


def hs79() -> EqualityProblem:
    """HS79: (x1-1)² + (x1-x2)² + (x2-x3)² + (x3-x4)⁴ + (x4-x5)⁴ with three nonlinear equalities;
    f* = 0.0787768209."""
    def grad(x):
        d34, d45 = 4 * (x[2] - x[3]) ** 3, 4 * (x[3] - x[4]) ** 3
        return _arr(
            2 * (x[0] - 1) + 2 * (x[0] - x[1]), -2 * (x[0] - x[1]) + 2 * (x[1] - x[2]),
            -2 * (x[1] - x[2]) + d34, -d34 + d45, -d45,
        )

    def hess_c(x, lam):
        H = np.diag([0.0, 2 * lam[0], 6 * x[2] * lam[0] - 2 * lam[1], 0.0, 0.0])
        H[0, 4] = H[4, 0] = lam[2]
        return H

    return EqualityProblem(
        "HS79", np.full(5, 2.0),
        f=lambda x: (x[0] - 1) ** 2 + (x[0] - x[1]) ** 2 + (x[1] - x[2]) ** 2 + (x[2] - x[3]) ** 4 + (x[3] - x[4]) ** 4,
        grad=grad,
        hess_f=_hs79_hess,
        c=lambda x: _arr(
            x[0] + x[1] ** 2 + x[2] ** 3 - 2 - 3 * SQRT2, x[1] - x[2] ** 2 + x[3] + 2 - 2 * SQRT2, x[0] * x[4] - 2
        ),
        jac=lambda x: np.array([[1, 2 * x[1], 3 * x[2] ** 2, 0, 0], [0, 1, -2 * x[2], 1, 0], [x[4], 0, 0, 0, x[0]]], float),
        hess_c=hess_c,
        f_star=0.0787768209,
    )


HS_PROBLEMS: dict[str, Callable[[], EqualityProblem]] = {
    "HS6": hs6, "HS7": hs7, "HS27": hs27, "HS28": hs28, "HS39": hs39,
    "HS40": hs40, "HS42": hs42, "HS78": hs78, "HS79": hs79,
}


def constrained_logistic(
    data: LogisticProblem, n_linear: int, rng: np.random.Generator, name: str = "ConLogReg"
) -> EqualityProblem:
    """Logistic loss s.t. n_linear Gaussian linear equalities C x = d and the sphere ||x||² = 1.

    d = C x_feas for a random x_feas with ||x_feas|| = ½, so that the feasible set (an affine subspace
    through a point inside the unit ball, cut by the sphere) is never empty. Start x0 = 1, λ0 = 1 as
    in the official code.
    """
    n = data.dim
    C = rng.standard_normal((n_linear, n))
    x_feas = rng.standard_normal(n)
    d = C @ (0.5 * x_feas / np.linalg.norm(x_feas))

    def hess_c(x, lam):
        return 2 * lam[-1] * np.eye(n)

    return EqualityProblem(
        name, np.ones(n),
        f=data.value, grad=data.grad, hess_f=data.hess,
        c=lambda x: np.append(C @ x - d, x @ x - 1),
        jac=lambda x: np.vstack([C, 2 * x]),
        hess_c=hess_c,
        lam0=np.ones(n_linear + 1),
        arrays={"features": data.A, "labels": data.y, "C": C, "d": d},
    )


def logistic_data(dataset: str, n_samples: int, n_features: int, rng: np.random.Generator) -> LogisticProblem:
    """Unregularized logistic data (λ = 0, as in the paper): sklearn's breast cancer or a synthetic set."""
    if dataset == "breast_cancer":
        full = breast_cancer(0.0)
        return LogisticProblem(full.A[:, :n_features], full.y, 0.0)
    A = standardized_with_bias(rng.standard_normal((n_samples, n_features - 1)))
    w_true = rng.standard_normal(n_features) / np.sqrt(n_features)
    logits = 3.0 * A @ w_true + 0.5 * rng.standard_normal(n_samples)
    return LogisticProblem(A, np.where(logits > 0, 1.0, -1.0), 0.0)
