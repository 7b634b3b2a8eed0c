"""Small 3-D ODE families as sums of coefficient x monomial terms, their vectorized right-hand
sides and a batched RK4 integrator (the data generator of the run).

A term is (kind, variables, coefficient): kind "lin" (c·x_i), "prod" (c·x_i·x_j), "sq" (c·x_i²),
"sin" (c·sin x_i) or "const" (c). One description drives both the numbers (``rhs``) and the
symbols (``symbols.py``), so the data and the equation a sample is paired with cannot disagree.
Each sample perturbs every coefficient by an independent factor in [1 − spread, 1 + spread].
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

Term = tuple[str, tuple[int, ...], float]


@dataclass(frozen=True)
class Family:
    name: str
    equations: tuple[tuple[Term, ...], ...]
    initial_low: tuple[float, float, float]
    initial_high: tuple[float, float, float]

    @property
    def coefficients(self) -> np.ndarray:
        return np.array([c for eq in self.equations for (_, _, c) in eq])


def _cyclic(terms_of_first: list[tuple[str, tuple[int, ...], float]]) -> tuple[tuple[Term, ...], ...]:
    """Equations for x0, x1, x2 obtained by shifting variable indices of the first (Thomas, Halvorsen)."""
    return tuple(tuple((k, tuple((v + s) % 3 for v in vs), c) for k, vs, c in terms_of_first) for s in range(3))


FAMILIES = {
    "lorenz": Family("lorenz", (
        (("lin", (1,), 10.0), ("lin", (0,), -10.0)),
        (("lin", (0,), 28.0), ("prod", (0, 2), -1.0), ("lin", (1,), -1.0)),
        (("prod", (0, 1), 1.0), ("lin", (2,), -8.0 / 3.0)),
    ), (-10.0, -10.0, 10.0), (10.0, 10.0, 30.0)),
    "rossler": Family("rossler", (
        (("lin", (1,), -1.0), ("lin", (2,), -1.0)),
        (("lin", (0,), 1.0), ("lin", (1,), 0.2)),
        (("const", (), 0.2), ("prod", (0, 2), 1.0), ("lin", (2,), -5.7)),
    ), (-5.0, -5.0, 0.0), (5.0, 5.0, 2.0)),
    "thomas": Family("thomas", _cyclic([("sin", (1,), 1.0), ("lin", (0,), -0.208)]), (-3.0, -3.0, -3.0), (3.0, 3.0, 3.0)),
    "halvorsen": Family("halvorsen", _cyclic([("lin", (0,), -1.89), ("lin", (1,), -4.0), ("lin", (2,), -4.0),
                                              ("sq", (1,), -1.0)]), (-3.0, -3.0, -3.0), (1.0, 1.0, 1.0)),
    "chen_lee": Family("chen_lee", (
        (("lin", (0,), 5.0), ("prod", (1, 2), -1.0)),
        (("lin", (1,), -10.0), ("prod", (0, 2), 1.0)),
        (("lin", (2,), -0.38), ("prod", (0, 1), 1.0 / 3.0)),
    ), (-5.0, -5.0, -5.0), (5.0, 5.0, 5.0)),
}


def term_values(kind: str, variables: tuple[int, ...], x: np.ndarray) -> np.ndarray:
    """The monomial of a term (without its coefficient) at states x (..., 3)."""
    if kind == "lin":
        return x[..., variables[0]]
    if kind == "prod":
        return x[..., variables[0]] * x[..., variables[1]]
    if kind == "sq":
        return x[..., variables[0]] ** 2
    if kind == "sin":
        return np.sin(x[..., variables[0]])
    if kind == "const":
        return np.ones(x.shape[:-1])
    raise ValueError(f"unknown term kind {kind!r}")


def rhs(family: Family, coefficients: np.ndarray, x: np.ndarray) -> np.ndarray:
    """dx/dt for a batch: coefficients (B, n_terms), x (B, 3) -> (B, 3)."""
    out = np.zeros_like(x)
    index = 0
    for i, equation in enumerate(family.equations):
        for kind, variables, _ in equation:
            out[:, i] += coefficients[:, index] * term_values(kind, variables, x)
            index += 1
    return out


def integrate(family: Family, coefficients: np.ndarray, x0: np.ndarray, times: np.ndarray, substeps: int) -> np.ndarray:
    """Classical RK4 from x0 (B, 3) at times[0], ``substeps`` steps between consecutive times; (B, T, 3)."""
    states = [x0]
    x = x0.copy()
    for t0, t1 in zip(times[:-1], times[1:]):
        h = (t1 - t0) / substeps
        for _ in range(substeps):
            k1 = rhs(family, coefficients, x)
            k2 = rhs(family, coefficients, x + 0.5 * h * k1)
            k3 = rhs(family, coefficients, x + 0.5 * h * k2)
            k4 = rhs(family, coefficients, x + h * k3)
            x = x + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
        states.append(x)
    return np.stack(states, axis=1)


def sample_coefficients(family: Family, count: int, spread: float, rng: np.random.Generator) -> np.ndarray:
    base = family.coefficients
    return base * rng.uniform(1 - spread, 1 + spread, size=(count, len(base)))


def sample_initial(family: Family, count: int, rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(family.initial_low, family.initial_high, size=(count, 3))
