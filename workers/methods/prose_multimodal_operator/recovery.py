"""How well the symbol decoder recovers the equations: greedy decoding, exact structure match
(skeleton), and the relative L2 error of the decoded equation's own trajectory (integrated with
RK4 from the true initial state) against the true one over the output window."""
from __future__ import annotations

import numpy as np
import sympy

from .data import MAX_TOKENS, SUBSTEPS
from .symbols import from_ids, parse_equations, skeleton

SYMBOLS = sympy.symbols("x0 x1 x2")
DIVERGED = 1.0  # relative error charged to an equation that does not parse or blows up


def integrate_expressions(expressions, x0: np.ndarray, times: np.ndarray) -> np.ndarray:
    f = sympy.lambdify([SYMBOLS], expressions, "numpy")
    rhs = lambda x: np.asarray(f(x), dtype=float)
    x, states = np.asarray(x0, dtype=float), [np.asarray(x0, dtype=float)]
    with np.errstate(all="ignore"):
        for t0, t1 in zip(times[:-1], times[1:]):
            h = (t1 - t0) / SUBSTEPS
            for _ in range(SUBSTEPS):
                k1 = rhs(x)
                k2 = rhs(x + 0.5 * h * k1)
                k3 = rhs(x + 0.5 * h * k2)
                k4 = rhs(x + h * k3)
                x = x + (h / 6.0) * (k1 + 2 * k2 + 2 * k3 + k4)
            states.append(x)
    return np.stack(states)


def decoded_error(tokens: list[str], true_trajectory: np.ndarray, times: np.ndarray, input_points: int) -> float:
    try:
        expressions = parse_equations(tokens)
    except ValueError:
        return DIVERGED
    path = integrate_expressions(expressions, true_trajectory[0], times)
    truth = true_trajectory[input_points:]
    error = float(np.linalg.norm(path[input_points:] - truth) / np.linalg.norm(truth))
    return error if np.isfinite(error) else DIVERGED


def recovery_scores(model, test, split, config) -> dict[str, float]:
    count = min(config.decode_samples, test.size)
    rows = np.linspace(0, test.size - 1, count).astype(int)  # every family represented
    memory, mask = model.encode(test.observed[rows], test.guessed[rows])
    decoded = model.greedy_decode(memory, mask, MAX_TOKENS).cpu().numpy()
    matches, errors = [], []
    for row, ids in zip(rows, decoded):
        tokens, truth = from_ids(ids), from_ids(split.true_ids[row])
        matches.append(skeleton(tokens) == skeleton(truth))
        errors.append(min(DIVERGED, decoded_error(tokens, split.trajectories[row], split.times, config.input_points)))
    return {"skeleton_accuracy": float(np.mean(matches)), "decoded_rel_l2": float(np.mean(errors)),
            "decoded_samples": int(count)}
