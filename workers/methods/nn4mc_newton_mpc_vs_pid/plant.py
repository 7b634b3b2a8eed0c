"""The simulated soft actuator: a mass-spring-damper with a cubic (stiffening) spring and input
saturation, driven by a zero-order-held command at the control rate.

    m x'' + c x' + k x + k3 x³ = clip(u, −u_max, u_max)

Each control interval of length dt is integrated by ``substeps`` classical RK4 steps; states are
batched (any number of plants side by side, e.g. one per PID gain candidate). References are
sampled at the control rate.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Plant:
    mass: float = 1.0
    damping: float = 0.5
    stiffness: float = 20.0
    cubic: float = 0.0
    u_max: float = 100.0
    dt: float = 0.005
    substeps: int = 4

    def force(self, u: np.ndarray) -> np.ndarray:
        return np.clip(u, -self.u_max, self.u_max)

    def derivative(self, state: np.ndarray, force: np.ndarray) -> np.ndarray:
        """d/dt (x, v) for states (..., 2) under a constant force (...)."""
        x, v = state[..., 0], state[..., 1]
        a = (force - self.damping * v - self.stiffness * x - self.cubic * x ** 3) / self.mass
        return np.stack([v, a], axis=-1)

    def step(self, state: np.ndarray, u: np.ndarray) -> np.ndarray:
        """The state one control interval later, the force held at clip(u)."""
        force = self.force(np.asarray(u, dtype=float))
        h = self.dt / self.substeps
        for _ in range(self.substeps):
            k1 = self.derivative(state, force)
            k2 = self.derivative(state + 0.5 * h * k1, force)
            k3 = self.derivative(state + 0.5 * h * k2, force)
            k4 = self.derivative(state + h * k3, force)
            state = state + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        return state

    def simulate(self, u_sequence: np.ndarray, state0: np.ndarray | None = None) -> np.ndarray:
        """Positions x_0..x_T under inputs u_0..u_{T-1} (open loop), from rest unless given."""
        state = np.zeros(2) if state0 is None else np.asarray(state0, dtype=float)
        positions = [state[0]]
        for u in u_sequence:
            state = self.step(state, u)
            positions.append(state[0])
        return np.asarray(positions)


def excitation(steps: int, plant: Plant, rng: np.random.Generator, hold_range=(5, 60)) -> np.ndarray:
    """Random piecewise-constant commands (hold times drawn in steps) plus small white noise,
    spanning the saturation range: the open-loop data the network model is trained on."""
    levels = []
    while len(levels) < steps:
        hold = int(rng.integers(*hold_range))
        levels.extend([rng.uniform(-1.1, 1.1) * plant.u_max] * hold)
    u = np.asarray(levels[:steps])
    return u + 0.05 * plant.u_max * rng.standard_normal(steps)


def reference(kind: str, steps: int, dt: float, amplitude: float, max_frequency: float) -> np.ndarray:
    """A position reference sampled at the control rate: 'sine' (max_frequency / 2),
    'sweep' (linear chirp 0.2 Hz -> max_frequency), 'square' (0.5 Hz, edges smoothed over 20 ms)."""
    t = np.arange(steps) * dt
    duration = steps * dt
    if kind == "sine":
        return amplitude * np.sin(2 * np.pi * 0.5 * max_frequency * t)
    if kind == "sweep":
        f0 = 0.2
        phase = 2 * np.pi * (f0 * t + 0.5 * (max_frequency - f0) * t ** 2 / duration)
        return amplitude * np.sin(phase)
    if kind == "square":
        raw = amplitude * np.sign(np.sin(2 * np.pi * 0.5 * t + 1e-9))
        width = max(1, int(round(0.02 / dt)))
        return np.convolve(np.pad(raw, (width - 1, 0), mode="edge"), np.ones(width) / width, mode="valid")
    raise ValueError(f"unknown reference {kind!r}; known: sine, sweep, square")
