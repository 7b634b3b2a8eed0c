"""The online policies of Khodak et al. (ICLR 2024), ported from the official MATLAB learners
(``mkhodak/learning-to-relax``, ``learners/TsallisINF.m``, ``TsallisINFCB.m``, ``ChebCB.m``).

Every policy plays against a precomputed cost table ``costs[trial, t, arm]`` (SOR iterations of
arm ω_arm on instance t of that trial), so all policies and all fixed-ω baselines see exactly the
same instances. Every learner holds one independent copy per trial (row) and the rows move in
lockstep, so a round costs a few array operations whatever the number of trials.
"""
from __future__ import annotations

import math

import numpy as np
from numpy.polynomial import chebyshev
from scipy.optimize import lsq_linear

NEWTON_STEPS = 20


def sample_rows(probs: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One index per row of a (rows, arms) weight matrix (MATLAB ``randsample`` with weights; rows
    whose weights are not a usable distribution fall back to uniform, as the official code does)."""
    total = probs.sum(axis=1, keepdims=True)
    usable = np.isfinite(total[:, 0]) & (total[:, 0] > 0) & np.all(probs >= 0, axis=1)
    weights = np.where(usable[:, None], probs / np.where(usable[:, None], total, 1.0), 1.0 / probs.shape[1])
    u = rng.random(len(probs))[:, None]
    return np.minimum((np.cumsum(weights, axis=1) < u).sum(axis=1), probs.shape[1] - 1)


def tsallis_probabilities(cum_loss: np.ndarray, scale: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Tsallis-INF (α = 1/2) distribution p_i = 4 (η (K_i/scale − x))⁻², η = 2/√t.

    The normaliser x is found by 20 Newton steps from x = −1 on Σ_i p_i(x) = 1, exactly as
    ``TsallisINF.predict``; the returned p is the one of the last step (it sums to ≈ 1).
    """
    eta = 2.0 / np.sqrt(t)[:, None]
    x = -np.ones((cum_loss.shape[0], 1))
    normalised = cum_loss / scale[:, None]
    for _ in range(NEWTON_STEPS):
        probs = 4.0 * (eta * (normalised - x)) ** -2.0
        x = x - (probs.sum(axis=1, keepdims=True) - 1.0) / (eta * (probs**1.5).sum(axis=1, keepdims=True))
    return probs


class TsallisINF:
    """Tsallis-INF with importance-weighted losses, one independent learner per row (trial).

    Loss of an SOR run = its iteration count ℓ; the learner accumulates K_i += (ℓ − 1)/p_i for
    the played arm and rescales by ``scale`` = mean(ℓ₁..ℓ_t) − 1 (``TsallisINF.update``).
    """

    def __init__(self, rows: int, arms: int):
        self.cum_loss = np.zeros((rows, arms))
        self.scale = np.ones(rows)
        self.loss_sum = np.zeros(rows)
        self.t = np.ones(rows)
        self.arm = np.zeros(rows, dtype=np.int64)
        self.prob = np.ones(rows)

    def predict(self, rng: np.random.Generator, rows: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Sample an arm for each (selected) row; returns (arms, full probability rows)."""
        rows = np.arange(len(self.t)) if rows is None else rows
        probs = tsallis_probabilities(self.cum_loss[rows], self.scale[rows], self.t[rows])
        arm = sample_rows(probs, rng)
        prob = probs[np.arange(len(rows)), arm]
        self.arm[rows], self.prob[rows] = arm, np.where(np.isfinite(prob) & (prob > 0), prob, 1.0 / probs.shape[1])
        return arm, probs

    def update(self, loss: np.ndarray, rows: np.ndarray | None = None) -> None:
        rows = np.arange(len(self.t)) if rows is None else rows
        self.loss_sum[rows] += loss
        mean_minus_one = self.loss_sum[rows] / self.t[rows] - 1.0
        self.scale[rows] = np.where(mean_minus_one > 0, mean_minus_one, 1.0)  # all-ones losses: K = 0 anyway
        self.cum_loss[rows, self.arm[rows]] += (loss - 1.0) / self.prob[rows]
        self.t[rows] += 1.0


class TsallisINFCB:
    """Context discretised into ``bins`` equal cells of [lo, hi]; an independent Tsallis-INF per cell
    (``TsallisINFCB.m``: the cell is the nearest of the centres lo + (hi − lo)(k − ½)/bins)."""

    def __init__(self, rows: int, arms: int, bins: int, lo: float, hi: float):
        self.learner = TsallisINF(rows * bins, arms)
        self.bins, self.rows = bins, rows
        self.centres = lo + (hi - lo) * np.linspace(0.5 / bins, 1.0 - 0.5 / bins, bins)
        self._cells = np.zeros(rows, dtype=np.int64)

    def predict(self, context: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        cell = np.argmin(np.abs(self.centres[None, :] - context[:, None]), axis=1)
        self._cells = np.arange(self.rows) * self.bins + cell
        arm, _ = self.learner.predict(rng, self._cells)
        return arm

    def update(self, loss: np.ndarray) -> None:
        self.learner.update(loss, self._cells)


def chebyshev_features(context: np.ndarray, terms: int, lo: float, width: float) -> np.ndarray:
    """Rows [T_0(z), …, T_{m−1}(z)] at z = 2(c − lo)/width − 1 ∈ [−1, 1] (``ChebCB.chebT``)."""
    return chebyshev.chebvander(2.0 / width * (np.asarray(context, float) - lo) - 1.0, terms - 1)


class ChebCB:
    """ChebCB (``learners/ChebCB.m``), one independent learner per row (trial), run in lockstep.

    Per arm i a cost model θ_i·T(c) in Chebyshev features of the context c is fitted by least
    squares to the normalised costs (ℓ − 1)/(K N) of the rounds it was played (min-norm; if the
    fit leaves the box |θ_ij| ≤ ub_j, the box-constrained fit), and arms are drawn by inverse-gap
    weighting around the predicted best i*:

        p_i = 1/(d + η (ŷ_i − ŷ*)) for i ≠ i*,   p_{i*} = 1 − Σ_{i≠i*} p_i,
        η = 2t √(d t / (R − resnorm + 2α² t)),   R = Σ_s (θ_{i_s}·T(c_s) − ℓ_s/(K N))².

    K = max loss so far, N = 2 + 4(b − a)L/K (1 + log m), L = (K − min)/(b − a). As in the
    official code, the loss buffer has length T and starts at zero, so "min" is 0 until the last
    round, and R compares a model of (ℓ − 1)/(K N) with ℓ/(K N); both are kept.
    Least squares use the per-arm Gram matrices XᵀX, Xᵀ(ℓ − 1), Σ(ℓ − 1)² (same minimisers as
    ``lsqminnorm``/``lsqlin`` on the rows, without storing them per arm).
    """

    def __init__(self, rows: int, arms: int, horizon: int, terms: int, lo: float, hi: float):
        self.d, self.m, self.lo, self.width, self.horizon = arms, terms, lo, hi - lo, horizon
        self.theta = np.zeros((rows, arms, terms))
        self.gram = np.zeros((rows, arms, terms, terms))
        self.moment = np.zeros((rows, arms, terms))  # Σ f (ℓ − 1)
        self.energy = np.zeros((rows, arms))  # Σ (ℓ − 1)²
        self.losses = np.zeros((rows, horizon))
        self.predicted = np.zeros((rows, horizon))
        self.eta, self.scale, self.t = np.zeros(rows), np.zeros(rows), 0
        self._rows = np.arange(rows)
        self._feature = np.zeros((rows, terms))
        self._arm = np.zeros(rows, dtype=np.int64)

    def predict(self, context: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        feature = chebyshev_features(context, self.m, self.lo, self.width)
        yhat = np.einsum("rdm,rm->rd", self.theta, feature)
        best = np.argmin(yhat, axis=1)
        probs = 1.0 / (self.d + self.eta[:, None] * (yhat - yhat[self._rows, best][:, None]))
        probs[self._rows, best] = 0.0
        probs[self._rows, best] = 1.0 - probs.sum(axis=1)
        arm = sample_rows(probs, rng)
        self.predicted[:, self.t] = np.einsum("rm,rm->r", self.theta[self._rows, arm], feature)
        self._feature, self._arm = feature, arm
        return arm

    def update(self, loss: np.ndarray) -> None:
        t, rows, arm, f = self.t, self._rows, self._arm, self._feature
        self.losses[:, t] = loss
        self.gram[rows, arm] += f[:, :, None] * f[:, None, :]
        self.moment[rows, arm] += f * (loss - 1.0)[:, None]
        self.energy[rows, arm] += (loss - 1.0) ** 2
        top = self.losses.max(axis=1)
        lipschitz = (top - self.losses.min(axis=1)) / self.width
        n_factor = 2.0 + 4.0 * self.width * lipschitz / top * (1.0 + math.log(self.m))
        refit_all = self.scale != top * n_factor
        self.scale = top * n_factor
        slope_bound = 2.0 * self.width * lipschitz[:, None] / self.scale[:, None] / np.arange(1, self.m)
        bound = np.concatenate([1.0 / n_factor[:, None], slope_bound], axis=1)
        resnorm = self._refit(refit_all, bound)
        alpha = (math.pi + 2.0 / math.pi * math.log(2.0 * self.m + 1.0)) / (2.0 * self.scale * (self.m + 1.0))
        alpha *= self.width * lipschitz
        errors = self.predicted[:, : t + 1] - self.losses[:, : t + 1] / (top * n_factor)[:, None]
        denominator = np.einsum("rs,rs->r", errors, errors) - resnorm + 2.0 * alpha**2 * (t + 1)
        self.eta = 2.0 * (t + 1) * np.sqrt(self.d * (t + 1) / np.maximum(denominator, 1e-300))
        self.t += 1

    def _refit(self, refit_all: np.ndarray, bound: np.ndarray) -> np.ndarray:
        """Refit every arm of the rows whose scale changed and the played arm of the others;
        returns each row's resnorm (of its last box-constrained fit this round, else 0)."""
        rows, arms = np.nonzero(refit_all[:, None] | (np.arange(self.d)[None, :] == self._arm[:, None]))
        scale = self.scale[rows]
        gram, moment = self.gram[rows, arms], self.moment[rows, arms] / scale[:, None]
        theta = np.einsum("pij,pj->pi", np.linalg.pinv(gram, hermitian=True), moment)
        resnorm = np.zeros(len(refit_all))
        outside = np.nonzero(np.any(np.abs(theta) > bound[rows], axis=1))[0]
        for p in outside:  # arms in increasing order per row, so the last one's resnorm stays
            energy = self.energy[rows[p], arms[p]] / scale[p] ** 2
            previous = self.theta[rows[p], arms[p]]
            theta[p], resnorm[rows[p]] = box_least_squares(gram[p], moment[p], energy, bound[rows[p]], previous)
        self.theta[rows, arms] = theta
        return resnorm


def box_least_squares(gram, moment, energy: float, bound, start=None, max_steps: int = 100) -> tuple[np.ndarray, float]:
    """min ‖Xθ − y‖² s.t. |θ_j| ≤ bound_j, given G = XᵀX, g = Xᵀy, e = yᵀy; returns (θ, ‖Xθ − y‖²).

    Primal active-set method from a feasible start (``start`` clipped to the box, e.g. the previous
    fit; 0 by default): minimise over the free coordinates with the others held at their bounds,
    step as far as feasibility allows and fix the coordinate that hits its bound, or, once the
    step is feasible, free the fixed coordinate whose multiplier has the wrong sign; stop at KKT.
    """
    m = len(moment)
    theta = np.zeros(m) if start is None else np.clip(start, -bound, bound)
    at_bound = np.abs(theta) >= bound
    for _ in range(max_steps):
        target = theta.copy()
        free = ~at_bound
        if free.any():
            rhs = moment[free] - gram[free][:, at_bound] @ theta[at_bound]
            target[free] = _solve_min_norm(gram[free][:, free], rhs)
        direction = target - theta
        with np.errstate(divide="ignore", invalid="ignore"):
            room = np.where(direction != 0, (np.sign(direction) * bound - theta) / direction, np.inf)
        blocking = int(np.argmin(room))
        if room[blocking] < 1.0:  # the step leaves the box: go to the boundary, fix that coordinate
            theta = theta + room[blocking] * direction
            theta[blocking] = np.sign(direction[blocking]) * bound[blocking]
            at_bound[blocking] = True
            continue
        theta = target
        gradient = gram @ theta - moment  # KKT: at +bound the gradient must be ≤ 0, at −bound ≥ 0
        wrong = at_bound & (np.sign(theta) * gradient > 1e-12 * (1.0 + np.abs(moment).max()))
        if not wrong.any():
            break
        at_bound[np.argmax(np.where(wrong, np.abs(gradient), -np.inf))] = False
    else:  # no convergence (degenerate cycling): fall back to scipy on a square-root factor
        root = np.linalg.cholesky(gram + 1e-12 * np.trace(gram) * np.eye(m)).T
        theta = lsq_linear(root, np.linalg.solve(root.T, moment), bounds=(-bound, bound), method="bvls").x
    residual = max(theta @ gram @ theta - 2.0 * theta @ moment + energy, 0.0)
    return theta, float(residual)


def _solve_min_norm(matrix: np.ndarray, rhs: np.ndarray) -> np.ndarray:
    """Min-norm solution of a symmetric PSD system (eigenvalues below 1e-12·max treated as 0)."""
    values, vectors = np.linalg.eigh(matrix)
    keep = values > 1e-12 * max(values[-1], 0.0)
    return vectors[:, keep] @ ((vectors[:, keep].T @ rhs) / values[keep])
