"""The two controllers: Newton–Raphson MPC on a small network model, and a PID.

Network model (numpy inference, the way nn4mc's generated C runs it): from the window
s_t = (x_t, x_{t−1}, x_{t−2}, u_{t−1}, u_t), an MLP predicts the scaled second difference
a_t = (x_{t+1} − 2x_t + x_{t−1}) / dt², so x̂_{t+1} = 2x_t − x_{t−1} + dt² a_t.

NR-MPC (Aguasvivas Manzano et al. 2022): at each step choose u (held over the horizon H) to minimize
    J(u) = (1/H) Σ_{j=1..H} (x̂_{t+j}(u) − r_{t+j})² + λ ((u − u_{t−1}) / u_max)²
by K Newton–Raphson iterations u ← u − J'(u)/J''(u) from u_{t−1}, J' and J'' by central finite
differences (three model rollouts per iteration), u clipped to [−u_max, u_max].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

INPUTS = 5  # x_t, x_{t-1}, x_{t-2}, u_{t-1}, u_t
FD_STEP = 1e-3  # finite-difference step, as a fraction of u_max
MAX_NEWTON_STEP = 0.25  # largest change of u per iteration when J'' is not positive, fraction of u_max
CYCLES_PER_MAC = 4  # Cortex-M4F single-precision multiply-accumulate with its two loads
CYCLES_PER_TANH = 100  # a libm tanhf call


@dataclass(frozen=True)
class NumpyMLP:
    """tanh MLP with input standardization and output scaling, float32 weights."""

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    input_mean: np.ndarray
    input_scale: np.ndarray
    output_scale: float

    def __call__(self, inputs: np.ndarray) -> np.ndarray:
        """inputs (..., 5) -> predicted second difference / dt² (...)."""
        h = ((inputs - self.input_mean) / self.input_scale).astype(np.float32)
        for i, (w, b) in enumerate(zip(self.weights, self.biases)):
            h = h @ w.T + b
            if i < len(self.weights) - 1:
                h = np.tanh(h)
        return h[..., 0].astype(np.float64) * self.output_scale

    @property
    def parameters(self) -> int:
        return int(sum(w.size + b.size for w, b in zip(self.weights, self.biases)))

    @property
    def macs(self) -> int:
        return int(sum(w.size for w in self.weights))

    @property
    def activations(self) -> int:
        return int(sum(b.size for b in self.biases[:-1]))


def rollout(model: NumpyMLP, history: np.ndarray, u_prev: float, u: np.ndarray, horizon: int, dt: float) -> np.ndarray:
    """Predicted positions x̂_{t+1..t+H} (len(u), H) for candidate inputs u held over the horizon;
    history = (x_t, x_{t−1}, x_{t−2})."""
    u = np.asarray(u, dtype=float)
    x0, x1, x2 = (np.full(u.shape, value) for value in history)
    previous = np.full(u.shape, u_prev)
    out = np.empty(u.shape + (horizon,))
    for j in range(horizon):
        accel = model(np.stack([x0, x1, x2, previous, u], axis=-1))
        x0, x1, x2 = 2 * x0 - x1 + dt * dt * accel, x0, x1
        previous = u
        out[..., j] = x0
    return out


@dataclass(frozen=True)
class NewtonMPC:
    model: NumpyMLP
    horizon: int
    iterations: int
    effort_weight: float
    u_max: float
    dt: float

    def objective(self, u: np.ndarray, history: np.ndarray, u_prev: float, targets: np.ndarray) -> np.ndarray:
        predicted = rollout(self.model, history, u_prev, u, self.horizon, self.dt)
        tracking = ((predicted - targets[: self.horizon]) ** 2).mean(axis=-1)
        return tracking + self.effort_weight * ((np.asarray(u) - u_prev) / self.u_max) ** 2

    def newton_step(self, u: float, history, u_prev: float, targets) -> float:
        """One Newton–Raphson update of u with finite-difference J', J''."""
        delta = FD_STEP * self.u_max
        low, mid, high = self.objective(np.array([u - delta, u, u + delta]), history, u_prev, targets)
        first = (high - low) / (2 * delta)
        second = (high - 2 * mid + low) / delta ** 2
        if second > 0:
            step = -first / second
        else:
            step = -np.sign(first) * MAX_NEWTON_STEP * self.u_max
        return float(np.clip(u + step, -self.u_max, self.u_max))

    def control(self, history: np.ndarray, u_prev: float, targets: np.ndarray) -> float:
        """targets = r_{t+1..t+H} (padded with the last value near the end of the reference)."""
        u = float(np.clip(u_prev, -self.u_max, self.u_max))
        for _ in range(self.iterations):
            u = self.newton_step(u, history, u_prev, targets)
        return u

    def mcu_cycles_per_step(self) -> int:
        """Model evaluations per control step (K iterations x 3 rollouts x H steps) in M4F cycles."""
        evaluations = self.iterations * 3 * self.horizon
        return evaluations * (CYCLES_PER_MAC * self.model.macs + CYCLES_PER_TANH * self.model.activations)


@dataclass
class PID:
    """Discrete PID on the error e = r − x with conditional integration (anti-windup), batched over gains."""

    kp: np.ndarray
    ki: np.ndarray
    kd: np.ndarray
    u_max: float
    dt: float

    def __post_init__(self) -> None:
        self.integral = np.zeros_like(self.kp, dtype=float)
        self.previous_error: np.ndarray | None = None

    def control(self, error: np.ndarray) -> np.ndarray:
        derivative = np.zeros_like(error) if self.previous_error is None else (error - self.previous_error) / self.dt
        self.previous_error = error
        trial = self.integral + error * self.dt
        raw = self.kp * error + self.ki * trial + self.kd * derivative
        saturated = np.abs(raw) > self.u_max
        self.integral = np.where(saturated, self.integral, trial)
        return np.clip(raw, -self.u_max, self.u_max)
