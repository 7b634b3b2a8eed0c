"""Local Lipschitz constants of ReLU networks by bound propagation on the Clarke Jacobian.

Paper: Z. Shi, Y. Wang, H. Zhang, J. Z. Kolter, C.-J. Hsieh, "Efficiently Computing Local
Lipschitz Constants of Neural Networks via Bound Propagation", NeurIPS 2022, arXiv:2210.07394.

The ℓ∞-local Lipschitz constant max_{x ∈ B∞(x0, ε)} ‖∇f(x)‖₁ of a scalar ReLU net is bounded by
propagating linear bounds backwards through the Jacobian's chain W_1ᵀ D_1 … w_L (the ℓ1 norm
relaxed by chords, products by McCormick planes), then tightened by branching on unstable
neurons; compared with the naive norm product, interval arithmetic, exact enumeration of
activation regions and a sampled lower bound (see ``bounds.py``, ``exact.py``).
"""
from __future__ import annotations

from pydantic import Field, field_validator

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run


class LocalLipschitzConfig(MethodConfig):
    features: int = Field(16, ge=2, le=256, description="Input dimension of the generated task (the repo's 'simple' data: 16).")
    widths: list[int] = Field([16], min_length=1, max_length=6, description="Hidden widths; one net per width.")
    depth: int = Field(2, ge=1, le=4, description="Hidden layers per net.")
    train_points: int = Field(500, ge=10, le=100_000, description="Generated training points.")
    train_steps: int = Field(200, ge=0, le=100_000, description="Adam steps (lr 1e-2, full batch) per net.")
    points: int = Field(5, ge=1, le=200, description="Points x0 (drawn from the input distribution) per radius.")
    radii: list[float] = Field([0.02, 0.05], min_length=1, max_length=8, description="Radii eps of the l_inf balls.")
    bab_domains: int = Field(200, ge=1, le=1_000_000, description="Branch-and-bound budget: domains bounded per point.")
    exact_max_programs: int = Field(
        20_000, ge=1, le=10_000_000, description="Budget of linear programs for the exact enumeration per point."
    )
    samples: int = Field(2000, ge=2, le=1_000_000, description="Random points (half of them corners) for the lower bound.")

    @field_validator("widths")
    @classmethod
    def widths_in_range(cls, widths: list[int]) -> list[int]:
        if any(not 1 <= w <= 1024 for w in widths):
            raise ValueError("widths must lie in [1, 1024]")
        return widths

    @field_validator("radii")
    @classmethod
    def radii_in_range(cls, radii: list[float]) -> list[float]:
        if any(not 0 < r <= 10 for r in radii):
            raise ValueError("radii must lie in (0, 10]")
        return radii


PRESETS = {
    "smoke": Preset(
        {}, "cpu",
        "16-16-16-1 ReLU net, 5 points, eps in {0.02, 0.05}: naive, interval, bound propagation, BaB (200 "
        "domains), exact enumeration, sampling.",
    ),
    "full": Preset(
        {"widths": [8, 16, 32, 64], "depth": 3, "points": 10, "radii": [0.01, 0.05, 0.1], "bab_domains": 300,
         "exact_max_programs": 500, "train_steps": 500},
        "any",
        "Depth-3 nets of widths 8-64, 10 points, eps in {0.01, 0.05, 0.1}, BaB with 300 domains; the exact "
        "enumeration stops at 500 linear programs per point (its time then a lower bound). Mostly CPU work "
        "(scipy programs); a few minutes.",
    ),
}

DEVIATIONS = (
    "Scalar-output nets (a binary task from a random two-layer ReLU teacher on 16 Gaussian features) instead of the "
    "paper's 10-class models; the constant bounded is max ||grad f||_1 over the l_inf ball (the l_inf local Lipschitz "
    "constant of a scalar output).",
    "Our own implementation of the relaxation, not auto_LiRPA: pre-activation bounds by CROWN (fixed lower slopes, "
    "no alpha optimization) intersected with interval propagation, the |.| of the l1 norm relaxed by its chord, each product d*p by a McCormick plane (the best "
    "of three fixed mixes, no optimized alpha), and branch and bound on the Clarke relaxation only (splitting d to "
    "0 or 1 without refining the pre-activation bounds); BaB therefore converges to the relaxation's maximum over "
    "all activation combinations, which can exceed the exact value on deeper nets.",
    "The exact value enumerates the activation regions that meet the ball (a depth-first search with scipy HiGHS "
    "feasibility programs) instead of LipMIP's mixed-integer program; it is stopped at a budget of programs, and "
    "a stopped enumeration is reported as incomplete (its time then a lower bound).",
    "Timings are wall-clock seconds of our implementations on one thread (torch for the bounds, scipy for the "
    "programs), summed over the points of a cell.",
    "Nets are trained briefly (full-batch Adam) rather than to the paper's accuracy; one seed.",
    "Smoke uses eps in {0.02, 0.05} only: at eps = 0.1 the enumeration of the 16-16-16 net takes ~25 s on a busy core; "
    "full decides the larger radii (where, on depth-3 nets, BaB on the Clarke relaxation can end well above exact: "
    "2.25x on a width-8 net at eps = 0.1 in a CPU check).",
    "Cost is compared per net over all its radii; at the smallest radius alone (few unstable neurons) enumeration is "
    "cheap too (smoke, before CROWN was added: 0.08 s vs 0.018 s over 5 points, 4.6x).",
)

METHOD = MethodSpec(
    slug="local-lipschitz-bound-prop",
    paper=26,
    title="Efficiently Computing Local Lipschitz Constants of Neural Networks via Bound Propagation",
    summary=(
        "Upper bounds on the l_inf local Lipschitz constant of small ReLU nets by backward bound propagation through "
        "the Clarke Jacobian (+ branch and bound), against naive norm products, interval arithmetic, exact "
        "enumeration of activation regions and sampled lower bounds."
    ),
    config_model=LocalLipschitzConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
