"""The integrator baselines: scipy's RK45 started at the singular point (as a PINN is), and started a
step δ away with the two-term Frobenius series (what the paper says integrators need)."""
from __future__ import annotations

import warnings

import numpy as np
from scipy.integrate import solve_ivp

from .equations import SingularODE

TOLERANCES = {"rtol": 1e-10, "atol": 1e-12}
MAX_EVALUATIONS = 200_000


class _TooManyEvaluations(RuntimeError):
    pass


def _capped(rhs):
    count = [0]

    def f(x, y):
        count[0] += 1
        if count[0] > MAX_EVALUATIONS:
            raise _TooManyEvaluations()
        return rhs(x, y)

    return f


def _errors(x: np.ndarray, u: np.ndarray, exact: np.ndarray, near: np.ndarray) -> dict:
    def rel(mask):
        return float(np.linalg.norm(u[mask] - exact[mask]) / np.linalg.norm(exact[mask]))

    return {"rel_l2": rel(np.ones_like(near)), "rel_l2_near_singular": rel(near) if near.any() else None,
            "max_abs": float(np.max(np.abs(u - exact)))}


def integrate(problem: SingularODE, x: np.ndarray, exact: np.ndarray, near: np.ndarray, delta: float = 0.0) -> dict:
    """RK45 from the anchor (shifted by δ into the domain, with the series' data) to the far end.

    With δ = 0 it starts at the singular point itself; a solution that is not finite everywhere on
    the test points is reported as failed, with the reason. With δ > 0 the error is taken on the
    test points the integration covers."""
    inward = 1.0 if problem.anchor == problem.low else -1.0
    start = problem.anchor + inward * delta
    end = problem.high if inward > 0 else problem.low
    end = end - inward * delta if delta > 0 else end
    y0 = [problem.value + (problem.slope or 0.0) * inward * delta]
    if problem.slope is not None:
        y0.append(problem.slope)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        if not np.all(np.isfinite(problem.rhs(start, np.array(y0)))):
            return {"failed": f"the right-hand side is not finite at the start x = {start:g} (0/0)", "rel_l2": None}
        try:
            sol = solve_ivp(_capped(problem.rhs), (start, end), y0, method="RK45", dense_output=True, **TOLERANCES)
        except _TooManyEvaluations:
            return {"failed": f"no progress within {MAX_EVALUATIONS:,} evaluations (a singular point in the way)",
                    "rel_l2": None}
    covered = (x >= min(start, end)) & (x <= max(start, end))
    if not sol.success or sol.sol is None:
        return {"failed": f"solve_ivp stopped: {sol.message}", "rel_l2": None, "steps": int(sol.t.size)}
    with np.errstate(all="ignore"):
        u = sol.sol(x[covered])[0]
    if not np.all(np.isfinite(u)):
        return {"failed": "the solution is not finite (0/0 at the singular point)", "rel_l2": None,
                "steps": int(sol.t.size)}
    out = _errors(x[covered], u, exact[covered], near[covered])
    out.update({"steps": int(sol.t.size), "covered": float(covered.mean()), "nfev": int(sol.nfev)})
    return out
