"""Figure 7: the lab's log-domain Sinkhorn (workers/methods/shared/sinkhorn.py) against POT's
ot.sinkhorn (kernel domain) and ot.sinkhorn(method="sinkhorn_log") on the same cost matrices, to
the same marginal error; and Sinkhorn-Newton-Sparse against our Sinkhorn at η = 1200."""
from __future__ import annotations

import time
import warnings

import numpy as np

from .stats import Target, from_samples

ETA = 1200.0
TOL = 1e-3  # Sinkhorn vs POT: the marginal error both must reach (the same iterations of the same algorithm)
SNS_TOL, SNS_N = 1e-4, 500
REPEATS = {500: 3, 1000: 2, 2000: 1}


def single_thread() -> None:
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(1)
    threadpool_limits(1)


def instance(n: int, seed: int = 0):
    """C_ij ~ U[0, 1], r = c = 1/n (the SNS method's random assignment problem), as numpy and torch."""
    import torch

    from workers.methods.shared.sinkhorn import log_kernel

    cost = np.random.default_rng(seed).random((n, n))
    a = np.full(n, 1.0 / n)
    r = torch.as_tensor(a)
    return {"C": cost, "a": a, "Ct": torch.as_tensor(cost), "r": r, "log_k": log_kernel(torch.as_tensor(cost), ETA)}


def l1_marginal_error(plan, a, b) -> float:
    plan = np.asarray(plan)
    return float(np.abs(plan.sum(1) - a).sum() + np.abs(plan.sum(0) - b).sum())


def iterations_to(p, tol: float) -> int:
    from workers.methods.shared.sinkhorn import sinkhorn

    run = sinkhorn(p["log_k"], p["r"], p["r"].clone(), tol=tol, max_iters=100_000)
    return run.converged_at


def ours(p, iterations: int) -> tuple[float, float]:
    """From the cost matrix, as POT is timed: the log-kernel −ηC − 1 is part of the work."""
    from workers.methods.shared.sinkhorn import log_kernel, marginal_error, sinkhorn

    started = time.perf_counter()
    log_k = log_kernel(p["Ct"], ETA)
    run = sinkhorn(log_k, p["r"], p["r"].clone(), tol=0.0, max_iters=iterations)
    seconds = time.perf_counter() - started
    return seconds, marginal_error(p["log_k"], run.u, run.v, p["r"], p["r"])


def pot(p, iterations: int, method: str, backend: str) -> tuple[float, float]:
    import ot

    args = (p["a"], p["a"], p["C"]) if backend == "numpy" else (p["r"], p["r"].clone(), p["Ct"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "did not converge": stopThr=0 runs exactly `iterations`
        started = time.perf_counter()
        plan = ot.sinkhorn(*args, 1.0 / ETA, method=method, numItermax=iterations, stopThr=0.0)
        seconds = time.perf_counter() - started
    plan = plan.numpy() if hasattr(plan, "numpy") else plan
    return seconds, l1_marginal_error(plan, p["a"], p["a"])


SOLVERS = {
    "ours": lambda p, k: ours(p, k),
    "POT sinkhorn_log (numpy)": lambda p, k: pot(p, k, "sinkhorn_log", "numpy"),
    "POT sinkhorn_log (torch)": lambda p, k: pot(p, k, "sinkhorn_log", "torch"),
    "POT sinkhorn (kernel, numpy)": lambda p, k: pot(p, k, "sinkhorn", "numpy"),
}


def versus_pot(n: int, repeats: int) -> tuple[list[dict], str]:
    p = instance(n)
    k = iterations_to(p, TOL)
    times = {name: [] for name in SOLVERS}
    errors = {}
    for rep in range(repeats):
        names = list(SOLVERS) if rep % 2 == 0 else list(reversed(SOLVERS))
        for name in names:
            seconds, errors[name] = SOLVERS[name](p, k)
            times[name].append(seconds)
    metrics = []
    for name in list(SOLVERS)[1:]:
        ratios = [o / r for o, r in zip(times["ours"], times[name])]
        target = Target("<=", 1.0) if "torch" not in name else None
        metrics.append(from_samples(f"n={n}: ours / {name}", ratios, "×", target=target))
    metrics.append(from_samples(f"n={n}: ours, time to error < {TOL:g}", times["ours"], "s"))
    note = (f"n={n}: {k} iterations to reach ‖P1−r‖₁+‖Pᵀ1−c‖₁ < {TOL:g}; final errors "
            + ", ".join(f"{name} {err:.3g}" for name, err in errors.items())
            + "; seconds (median) " + ", ".join(f"{name} {np.median(t):.3g}" for name, t in times.items()) + ".")
    return metrics, note


def sns_versus_sinkhorn(repeats: int = 3) -> tuple[list[dict], str]:
    """Time to SNS_TOL at η = 1200: SNS (20 Sinkhorn warm-up iterations + sparse Newton) vs Sinkhorn."""
    from workers.methods.shared.sinkhorn import marginal_error, sinkhorn
    from workers.methods.sinkhorn_newton_sparse.newton import newton_stage

    p = instance(SNS_N)
    r, c, log_k = p["r"], p["r"].clone(), p["log_k"]
    sns_t, sk_t, detail = [], [], {}
    for rep in range(repeats):
        started = time.perf_counter()
        warm = sinkhorn(log_k, r, c, tol=SNS_TOL, max_iters=20)
        newton = newton_stage(log_k, r, c, warm.u, warm.v, tol=SNS_TOL, max_iters=300, kept_per_row=4.0,
                              cg_tol=1e-5, cg_max_iters=5000)
        sns_t.append(time.perf_counter() - started)
        started = time.perf_counter()
        base = sinkhorn(log_k, r, c, tol=SNS_TOL, max_iters=100_000)
        sk_t.append(time.perf_counter() - started)
        detail = {"newton": newton.iterations, "sinkhorn": base.converged_at,
                  "sns_err": marginal_error(log_k, newton.u, newton.v, r, c),
                  "sk_err": marginal_error(log_k, base.u, base.v, r, c)}
    speedups = [s / t for s, t in zip(sk_t, sns_t)]
    metrics = [
        from_samples(f"SNS speed-up over our Sinkhorn (n={SNS_N}, η={ETA:g}, tol {SNS_TOL:g})", speedups, "×",
                     target=Target(">=", 3.0)),
        from_samples("SNS time to tol", sns_t, "s"),
        from_samples("our Sinkhorn time to tol", sk_t, "s"),
    ]
    note = (f"SNS vs Sinkhorn at tol {SNS_TOL:g} on the n={SNS_N} instance (the paper's Table 1 runs to 1e-10, "
            "where Sinkhorn needs ~56,000 iterations: minutes, beyond this budget; SNS's lead grows with tighter "
            f"tolerances). SNS: 20 Sinkhorn iterations + {detail['newton']} Newton steps (kept_per_row 4, CG rtol 1e-5, the "
            f"method's defaults), final error {detail['sns_err']:.2g}; Sinkhorn: {detail['sinkhorn']} iterations "
            f"(checked every 16), final error {detail['sk_err']:.2g}.")
    return metrics, note


def op_profile(n: int = 1000, iterations: int = 4) -> str:
    """torch.profiler's operator table for a few iterations of our Sinkhorn (saved as text)."""
    from torch.profiler import ProfilerActivity, profile

    from workers.methods.shared.sinkhorn import sinkhorn

    from .env import OUT

    p = instance(n)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        sinkhorn(p["log_k"], p["r"], p["r"].clone(), tol=0.0, max_iters=iterations)
    path = OUT / "profile-fig7-sinkhorn.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=15))
    return str(path.relative_to(OUT.parent.parent))


CAUSE = (
    "Where ours loses (profile: {profile}): a log-domain half step materialises K + v (an n×n temporary), then "
    "torch.logsumexp makes a max pass, a subtract-and-exp pass and a sum pass over it — an exp per entry and "
    "~4 passes over n² doubles per half step. POT's kernel-domain ot.sinkhorn does one BLAS matrix-vector "
    "product per half step: a multiply-add per entry, no transcendental, one pass. The two are different "
    "algorithms with the same iterates while exp(−ηC)·scalings stay in range; the log domain is what keeps "
    "η = 1200 and tight tolerances safe (the SNS method needs it), so this ratio is the price of stability, "
    "not a defect of the implementation. A fused step (one pass, exp in registers: torch.compile, figure 9's "
    "script) is the fix to try; workers/methods/shared/sinkhorn.py is not ours to change.")


def sinkhorn_figure(quick: bool = False) -> dict:
    single_thread()
    metrics, notes = [], []
    for n, repeats in REPEATS.items():
        if quick and n > 500:
            continue
        m, note = versus_pot(n, 1 if quick else repeats)
        metrics += m
        notes.append(note)
    m, note = sns_versus_sinkhorn(1 if quick else 3)
    metrics += m
    notes.append(note)
    if any(m.get("met") is False for m in metrics):
        notes.append(CAUSE.format(profile=op_profile()))
    notes.insert(0, (
        f"Random assignment problems C_ij ~ U[0,1], r = c = 1/n, η = {ETA:g} (POT's reg = 1/η), float64, one "
        "thread for everyone (torch.set_num_threads(1), threadpoolctl), one process, solvers alternated per "
        "repeat. Every solver runs the same number of Sinkhorn iterations — the number ours needs to reach "
        f"the marginal error {TOL:g} — with POT's stopThr=0 so it neither stops early nor late; the final "
        "L1 marginal errors are listed to show they match. Every timing starts from the cost matrix (ours "
        "includes building its log-kernel, POT its kernel). POT's kernel-domain ot.sinkhorn works at this η "
        "on this problem (same error) though exp(−ηC) underflows for C > 0.59."))
    return {"metrics": metrics, "notes": notes}
