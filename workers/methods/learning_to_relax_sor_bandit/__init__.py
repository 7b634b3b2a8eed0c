"""Learning to Relax (Khodak, Chow, Balcan, Talwalkar; ICLR 2024, arXiv 2310.02246): choosing the
SOR relaxation parameter ω for each of a sequence of linear systems A_t x = b_t with a bandit.

Instances A_t = Δ_h + c_t I (5-point Laplacian, n = 100) with random offsets c_t; the cost of ω is
the number of SOR sweeps to relative residual ``tolerance``. Tsallis-INF (iteration counts only)
and the contextual ChebCB and Tsallis-INF-CB (context c_t), ported from the official MATLAB code
``mkhodak/learning-to-relax``, are compared with every fixed ω of the grid, the best fixed ω in
hindsight and the instance-optimal ω*_t = 2/(1 + √(1 − ρ(J_t)²)), all on one cost table.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import make_solver, omega_grid, run_setting
from .instances import SETTING_LABEL, SETTINGS_OF_CHOICE
from .report import log_setting, save_problem, summarise


class SorBanditConfig(MethodConfig):
    instances: int = Field(
        300, ge=20, le=20_000, description="T: linear systems per sequence, i.e. rounds of each bandit (paper: 5000)."
    )
    trials: int = Field(
        1, ge=1, le=64, description="Independent sequences, each with its own instances and learners (paper: 40)."
    )
    offsets: Literal["high_variance", "low_variance", "both"] = Field(
        "high_variance",
        description=(
            "Offset distribution: c = -0.15 + 0.6 Beta(0.5, 1.5) (high variance), Beta(2, 6) (low variance), or both."
        ),
    )
    tolerance: float = Field(
        1e-6, ge=1e-12, le=1e-2, description="SOR stops once ||b - Ax|| < tolerance ||b|| (paper: 1e-8)."
    )
    max_iterations: int = Field(
        10_000, ge=100, le=100_000, description="Cap on the sweeps of one SOR solve (paper: 10000)."
    )
    arms: int = Field(
        20, ge=2, le=64, description="k: size of the ω grid linspace(1, 1.95, k) the bandits choose from (paper: 20)."
    )
    chebyshev_terms: int = Field(
        6, ge=2, le=12, description="m: Chebyshev features T_0..T_{m-1} of ChebCB's cost models (paper: 6)."
    )
    grid_points: int = Field(
        10,
        ge=4,
        le=10,
        description=(
            "Interior grid points per side, n = grid_points² (paper: 10; at most 10 keeps A_t SPD for c ≥ -0.15)."
        ),
    )


def run(config: SorBanditConfig, ctx) -> dict:
    omegas = omega_grid(config.arms)
    solver = make_solver(config, ctx)
    settings = SETTINGS_OF_CHOICE[config.offsets]
    runs, summaries = {}, {}
    for index, setting in enumerate(settings):

        def progress(fraction: float, message: str, index=index, setting=setting) -> None:
            ctx.progress((index + fraction) / len(settings), f"{SETTING_LABEL[setting]}: {message}")

        runs[setting] = run_setting(config, ctx, solver, setting, progress)
        summaries[setting] = summarise(runs[setting], omegas, config.max_iterations)
        log_setting(ctx, runs[setting], omegas)
    save_problem(ctx, config, runs, omegas)
    ctx.progress(1.0, "done")
    return {
        "instances": config.instances,
        "trials": config.trials,
        "arms": config.arms,
        "chebyshev_terms": config.chebyshev_terms,
        "tolerance": config.tolerance,
        "omegas": omegas.round(6).tolist(),
        "settings": summaries,
        "outcomes": {name: {"iterations": total} for name, total in summaries.get("high_variance", {}).get("totals", {}).items()},
    }


METHOD = MethodSpec(
    slug="learning-to-relax-sor-bandit",
    paper=19,
    title="Learning to Relax: Setting Solver Parameters Across a Sequence of Linear System Instances",
    summary=(
        "Bandits pick the SOR relaxation ω for each of a sequence of shifted-Laplacian systems: Tsallis-INF "
        "approaches the best fixed ω, the contextual ChebCB beats it, compared with every fixed ω and the "
        "instance-optimal ω*."
    ),
    config_model=SorBanditConfig,
    presets={
        "smoke": Preset({"instances": 300, "trials": 1, "offsets": "high_variance", "tolerance": 1e-6}, "cpu",
                        "300 instances, 1 trial, tolerance 1e-6, high-variance offsets (a few seconds on one core)"),
        "full": Preset({"instances": 5000, "trials": 4, "offsets": "both", "tolerance": 1e-8}, "any",
                       "the paper's T = 5000 and tolerance 1e-8 on both offset distributions, 4 trials "
                       "(about 2 min of CPU time on one core)"),
        "paper": Preset({"instances": 5000, "trials": 40, "offsets": "both", "tolerance": 1e-8}, "gpu",
                        "the paper's setting: T = 5000, 40 trials, tolerance 1e-8, both offset distributions "
                        "(about 20 min of CPU time on one core, untested on a GPU)"),
    },
    claims=CLAIMS,
    deviations=(
        "Smoke size: 300 instances, 1 trial, tolerance 1e-6 and the high-variance offsets only (paper: 5000 instances, "
        "40 trials, tolerance 1e-8, both offset distributions); the full preset uses 4 trials, the paper preset 40.",
        "Thresholds: Tsallis-INF is judged at the note's rule (total / best fixed ω ≤ 1.1) and ChebCB over all T rounds "
        "(the note's 'beats the best fixed ω'), both at the paper's T = 5000 (full, paper presets); at smoke size "
        "(T = 300) they are inconclusive. An earlier version allowed 1 + 4√(k/T) (2.03 at T = 300, measured 1.79) and "
        "judged ChebCB on the second half only, because over all 300 rounds it loses (1.153x the best fixed ω; "
        "0.690x on the second half): both numbers are still shown in the evidence, not judged. The excess-shrink "
        "rule (excess(T)/excess(T/4) ≤ 0.75) and the instance-optimal check's rules are ours.",
        "Every arm's cost is tabulated once per instance and all policies replay the table (the official scripts "
        "re-run SOR inside each policy's loop on the same A_t, b_t; SOR is deterministic, so the costs are the same).",
        "SOR iterates the residual r ← r − A M⁻¹r (wavefront triangular solves, batched over systems) instead of "
        "recomputing b − Ax; iteration counts match a textbook SOR loop in the tests.",
        "ChebCB's least squares use per-arm Gram matrices (pseudo-inverse for MATLAB's lsqminnorm, an active-set "
        "box-constrained solver for lsqlin): the same minimisers, except that nearly singular fits are truncated at "
        "eigenvalue ratio 1e-15 of XᵀX rather than at MATLAB's tolerance on X.",
        "Random numbers come from numpy streams (seeded per offset distribution and learner), not MATLAB's, so the "
        "instances differ from the paper's draws; the distributions are the same.",
        "Tsallis-INF-CB (context cut into 5 bins, as in the official contextual.m) is logged as an extra baseline but "
        "carries no claim.",
    ),
    run=run,
    device="any",
)
