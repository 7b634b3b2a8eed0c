"""Figure 8: each batch-1 method's core solver against a reference library on the same problem,
time to the same accuracy, one thread, repeats alternated. Cases live here and in
references_more.py; each returns {label: seconds} per repeat plus a note."""
from __future__ import annotations

import time
import warnings

import numpy as np

from .stats import from_samples


class Stop(Exception):
    """Raised from a reference solver's callback once it reached the common accuracy."""


def clock(function) -> tuple[float, object]:
    started = time.perf_counter()
    out = function()
    return time.perf_counter() - started, out


def until(iterator, reached, cap: int = 10**6) -> tuple[float, int]:
    """Seconds and iterations until `reached(item)` over an iterate generator (checks included)."""
    started = time.perf_counter()
    for k, item in enumerate(iterator):
        if reached(item):
            return time.perf_counter() - started, k
        if k >= cap:
            break
    raise RuntimeError(f"did not reach the target within {cap} iterations")


def scipy_until(minimize_call, reached) -> float:
    """Seconds until a scipy.optimize callback sees `reached(intermediate_result)` (then stopped)."""
    box = {}
    started = time.perf_counter()

    def callback(intermediate_result):
        if reached(intermediate_result):
            box["t"] = time.perf_counter() - started
            raise StopIteration

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        minimize_call(callback)
    if "t" not in box:
        raise RuntimeError("the reference solver stopped before reaching the target")
    return box["t"]


# ---- #10 grad-norm-smooth-newton ------------------------------------------------------------
def grad_norm_smooth_case():
    """Softmax (LogSumExp, μ=0.25, n=200, d=50, the smoke problem) to f − f* ≤ 1e-8."""
    from scipy.optimize import minimize

    from workers.methods.grad_norm_smooth_newton.methods import grad_norm_smooth
    from workers.methods.grad_norm_smooth_newton.problems import logsumexp_problem

    problem, _ = logsumexp_problem(200, 50, 0.25, np.random.default_rng(0))
    tol, f_star = 1e-8, problem.f_star
    close = lambda step: step.f - f_star <= tol
    scipy_close = lambda r: r.fun - f_star <= tol

    def run_scipy(method):
        return lambda cb: minimize(problem.value, problem.x0, jac=problem.grad, hess=problem.hess, method=method,
                                   callback=cb, options={"maxiter": 2000})

    plain = minimize(problem.value, problem.x0, jac=problem.grad, hess=problem.hess, method="Newton-CG",
                     options={"maxiter": 2000})
    solvers = {
        "Alg. 1, exact Hessian": lambda: until(grad_norm_smooth(problem, problem.hess), close)[0],
        "Alg. 1, Gauss–Newton Hessian": lambda: until(grad_norm_smooth(problem, problem.approx_hess), close)[0],
        "scipy trust-ncg": lambda: scipy_until(run_scipy("trust-ncg"), scipy_close),
        "scipy trust-exact": lambda: scipy_until(run_scipy("trust-exact"), scipy_close),
    }
    pairs = [("Alg. 1, exact Hessian", "scipy trust-ncg"), ("Alg. 1, Gauss–Newton Hessian", "scipy trust-ncg"),
             ("Alg. 1, exact Hessian", "scipy trust-exact")]
    why = ("scipy's trust-region Newton solvers (trust-ncg: Newton-CG in a trust region; trust-exact) use the "
           "same information as Alg. 1, an exact Hessian; time to f − f* ≤ 1e-8 (f* = f(0), planted), the "
           "reference stopped by its callback as soon as it gets there. Plain scipy Newton-CG is not usable "
           f"here: from x0 = 1 it stops after {plain.nit} iterations with f − f* = {plain.fun - f_star:.3g} "
           f"(\"{plain.message}\") — the softmax Hessian is nearly singular far from x*, which is what Alg. 1's "
           "gradient regularization is for.")
    return solvers, pairs, why


# ---- #13 convex-relu-admm -------------------------------------------------------------------
def convex_relu_case():
    """The smoke program (1-d data, n=30, every activation pattern) to 1e-3 of CVXPY's optimum."""
    import cvxpy as cp

    from workers.methods.convex_relu_admm import ConvexReluConfig, build_problem
    from workers.methods.convex_relu_admm.admm import AdmmSolver

    config = ConvexReluConfig()
    _, program = build_problem(config, np.random.default_rng(0))
    X, y, P = program.X, program.y, program.patterns

    def cvx():
        U = cp.Variable((2 * P, X.shape[1]))
        Z = X @ U.T
        fit = cp.sum(cp.multiply(Z[:, :P] - Z[:, P:], program.masks), axis=1)
        objective = 0.5 * cp.sum_squares(fit - y) + program.beta * cp.sum(cp.norm(U, 2, axis=1))
        problem = cp.Problem(cp.Minimize(objective), [cp.multiply(Z, program.signs) >= 0])
        problem.solve(solver=cp.CLARABEL)
        return problem

    p_star = cvx().value
    rel = 1e-3

    def admm():
        solver = AdmmSolver(program, config.rho, config.dual_step, config.constraint_scale)  # factorisation timed
        state = solver.initial_state()
        for k in range(1, config.admm_iterations + 1):
            state = solver.step(state)
            if k % 10 == 0 and abs(program.objective(state.v) - p_star) <= rel * abs(p_star):
                return k
        raise RuntimeError("ADMM did not reach 1e-3 of the optimum")

    solvers = {"ADMM (Alg. 1)": lambda: clock(admm)[0], "CVXPY + Clarabel": lambda: clock(cvx)[0]}
    why = (f"CVXPY (Clarabel, an interior-point conic solver) on the very same convex program — objective "
           f"½‖Σ D_i X(v_i − w_i) − y‖² + β Σ‖·‖, cone constraints (2D_i − I)X u ≥ 0, {2 * P} blocks of size "
           f"{X.shape[1]} — solved to its default accuracy (p* = {p_star:.6g}); ADMM's time runs from the "
           "Cholesky factorisation to the first iterate (checked every 10) whose objective is within 1e-3 of p*. "
           "CVXPY's time includes its compilation of the problem, as a user pays it.")
    return solvers, [("ADMM (Alg. 1)", "CVXPY + Clarabel")], why


# ---- #2 adasketch-newton --------------------------------------------------------------------
def adasketch_case():
    """The smoke's constrained logistic regression (d=8, 3 linear equalities + the unit sphere)."""
    from scipy.optimize import minimize

    from workers.methods.adasketch_newton import AdaSketchConfig, build_problems
    from workers.methods.adasketch_newton.solver import Params, adasketch_newton

    config = AdaSketchConfig()
    problem = build_problems(config, np.random.default_rng(0))[-1]
    base = dict(eta1=config.eta1, eta2=config.eta2, delta=config.delta, xi_B=config.xi_B, beta=config.beta,
                nu=config.nu, delta_floor=config.delta_floor, max_row_ops=config.max_row_ops,
                sampling=config.sampling)
    exact = list(adasketch_newton(problem, Params(**base), "lu", np.random.default_rng(1), 200, 1e-11))[-1]
    f_star, tol = float(problem.f(exact.x)), 1e-6

    def reached(x) -> bool:
        return abs(problem.f(x) - f_star) <= tol * max(1.0, abs(f_star)) and np.linalg.norm(problem.c(x)) <= tol

    def ours(solver):
        return lambda: until(adasketch_newton(problem, Params(**base), solver, np.random.default_rng(1), 500, 0.0),
                             lambda it: reached(it.x))[0]

    constraint = {"type": "eq", "fun": problem.c, "jac": problem.jac}
    slsqp = lambda cb: minimize(problem.f, problem.x0, jac=problem.grad, constraints=[constraint],
                                method="SLSQP", callback=cb, options={"maxiter": 1000, "ftol": 1e-15})
    solvers = {
        "AdaSketch-RK (θ=1)": ours("sketch"),
        "same, exact Newton-KKT (LU)": ours("lu"),
        "scipy SLSQP": lambda: scipy_until(slsqp, lambda r: reached(r.x)),
    }
    why = ("scipy's SLSQP is the library's SQP solver for equality-constrained smooth problems; time to "
           "|f − f*| ≤ 1e-6·max(1,|f*|) and ‖c(x)‖ ≤ 1e-6 (the method's KKT tolerance), f* from the exact "
           "Newton-KKT variant run to KKT 1e-11. The target check is inside both timings. The sketched solver's "
           "large ratio is the method's own finding at this size: its claim 'fewer flops than the exact solve' "
           "is expected not reproduced on smoke (Kaczmarz needs ~N·κ² row operations for the accuracy the method "
           "asks; see the method's deviations).")
    return solvers, [("AdaSketch-RK (θ=1)", "scipy SLSQP"), ("same, exact Newton-KKT (LU)", "scipy SLSQP")], why


def run_case(name: str, builder, repeats: int) -> tuple[list[dict], str]:
    solvers, pairs, why = builder()
    times = {label: [] for label in solvers}
    for rep in range(repeats):
        order = list(solvers) if rep % 2 == 0 else list(reversed(solvers))
        for label in order:
            times[label].append(solvers[label]())
    metrics = []
    for ours, ref in pairs:
        ratios = [a / b for a, b in zip(times[ours], times[ref])]
        metrics.append(from_samples(f"{name}: {ours} / {ref}", ratios, "×"))
    seconds = ", ".join(f"{label} {np.median(t) * 1e3:.3g} ms" for label, t in times.items())
    return metrics, f"{name}: {why} Median times: {seconds}."


def cases():
    from . import references_more as more

    return {
        "#10 grad-norm-smooth-newton": grad_norm_smooth_case,
        "#13 convex-relu-admm": convex_relu_case,
        "#2 adasketch-newton": adasketch_case,
        "#38 vr-halpern": more.vr_halpern_case,
        "#4 bcd-greedy-rules": more.bcd_case,
        "#34 intrl-quadrature": more.intrl_case,
        "#1 icl-transformer-newton": more.icl_case,
    }


def references_figure(quick: bool = False) -> dict:
    from .ot_bench import single_thread
    from .references_more import SKIPPED

    single_thread()
    metrics, notes = [], []
    for name, builder in cases().items():
        try:
            m, note = run_case(name, builder, 1 if quick else 3)
            metrics += m
            notes.append(note)
        except Exception as exc:  # one broken case must not hide the others
            notes.append(f"{name}: not measured — {type(exc).__name__}: {exc}")
    notes.insert(0, "Ratio = our solver's time / the reference's time to the same accuracy on the same problem "
                    "(< 1: ours is faster); median over 3 repeats alternated, one thread (torch, BLAS). The issue "
                    "sets no target for these ratios: they say where each method stands, not pass/fail.")
    notes += SKIPPED
    return {"metrics": metrics, "notes": notes}
