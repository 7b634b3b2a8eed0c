"""One run of the whole comparison: the same instances, the same budget, every rule.

    least squares, logistic:  {fixed 'Sort' blocks, variable blocks} × {Lb, Hb} × FIXED_RULES
    non-negative L1:          variable blocks × {Lb, Hb} × L1_RULES

Each combination is one curve "<problem> <partition> <rule>-<update>" of relative suboptimality
against the iteration k; the results hold, per combination, the numbers the claims are checked on.
"""
from __future__ import annotations

from typing import Any

import numpy as np

from . import problems as P
from .loop import Trace, run_bcd
from .rules import FIXED_RULES, L1_RULES, fixed_block_selector, variable_block_selector
from .updates import UPDATES, make_update

SHORT = {"least squares": "LS", "logistic regression": "Logistic", "L1 least squares": "L1"}
RESOLVED = 1e-13  # relative suboptimality below which double precision cannot rank two runs


def build_instances(config, rng: np.random.Generator) -> dict[str, Any]:
    n, p = config.rows, config.features
    return {
        "least squares": P.least_squares_instance(n, p, rng),
        "logistic regression": P.logistic_instance(n, p, config.logistic_l2, rng),
        "L1 least squares": P.l1_instance(n, p, config.l1_fraction, rng),
    }


def combinations(config) -> list[tuple[str, str, str, str, int]]:
    """(problem, partition, update, rule, block size) in run order."""
    combos = []
    for problem in ("least squares", "logistic regression"):
        for partition in ("fixed", "variable"):
            for update in UPDATES:
                combos += [(problem, partition, update, rule, config.block_size) for rule in FIXED_RULES]
    for update in UPDATES:
        combos += [("L1 least squares", "variable", update, rule, config.l1_block_size) for rule in L1_RULES]
    return combos


def series_label(problem: str, partition: str, rule: str, update: str) -> str:
    part = "FB" if partition == "fixed" else "VB"
    return f"{SHORT[problem]} {part} {rule}-{update} suboptimality"


def run_all(config, ctx, instances: dict[str, Any], optima: dict[str, np.ndarray]) -> dict[str, Any]:
    f_star = {name: inst.value(optima[name]) for name, inst in instances.items()}
    runs: dict[str, Any] = {}
    raw_min_gap: dict[str, float] = {name: np.inf for name in instances}
    combos = combinations(config)
    for i, (problem, partition, update, rule, block_size) in enumerate(combos):
        inst = instances[problem]
        label = series_label(problem, partition, rule, update)
        selector_factory = fixed_block_selector if partition == "fixed" else variable_block_selector
        select = selector_factory(rule, inst.curvature, block_size, ctx.rng(f"selection/{label}"))
        trace = run_bcd(
            inst, select, make_update(update, inst), config.iterations, f_star[problem], label,
            on_point=lambda k, v, label=label: ctx.log(label, k, v), log_every=config.log_every,
        )
        runs.setdefault(SHORT[problem], {}).setdefault(partition, {}).setdefault(update, {})[rule] = summarize(
            trace, optima[problem], inst.nonnegative
        )
        raw_min_gap[problem] = min(raw_min_gap[problem], inst.value(trace.x) - f_star[problem])
        ctx.progress(0.1 + 0.85 * (i + 1) / len(combos), f"{label}: {trace.final:.2e}")
    return {
        "f_star": {SHORT[k]: v for k, v in f_star.items()},
        "f_star_check": {SHORT[k]: {"min_final_minus_f_star": v, "f_star": f_star[k]} for k, v in raw_min_gap.items()},
        "runs": runs,
    }


def summarize(trace: Trace, x_star: np.ndarray, nonnegative: bool) -> dict[str, Any]:
    hits = np.flatnonzero(trace.suboptimality <= RESOLVED)
    summary = {
        "final": trace.final,
        "resolved_at": int(hits[0]) if len(hits) else None,
        "iterations_to_1e-6": trace.iterations_to(1e-6),
        "curve_every_10": trace.suboptimality[::10],
    }
    if nonnegative:
        summary.update(
            last_support_change=trace.last_support_change,
            support_size=trace.support_size,
            support_matches_optimum=bool(np.array_equal(trace.x > 0, x_star > 0)),
        )
    return summary


def save_instances(ctx, instances: dict[str, Any], optima: dict[str, np.ndarray], max_entries: int) -> None:
    """problem.npz: the data and the reference optimum of each problem (data only when small)."""
    arrays: dict[str, np.ndarray] = {}
    for name, inst in instances.items():
        key = SHORT[name]
        arrays[f"{key}_x_star"] = optima[name]
        data = inst.problem if hasattr(inst, "problem") else inst
        if data.A.size <= max_entries:
            arrays[f"{key}_A"] = data.A
            arrays[f"{key}_{'y' if hasattr(data, 'y') else 'b'}"] = data.y if hasattr(data, "y") else data.b
    arrays["logistic_l2"] = np.array(instances["logistic regression"].problem.lam)
    arrays["l1_weight"] = np.array(instances["L1 least squares"].l1)
    np.savez_compressed(ctx.artifact_path("problem.npz"), **arrays)
