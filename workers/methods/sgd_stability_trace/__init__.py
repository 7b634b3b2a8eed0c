"""Linear stability of SGD bounds the Hessian trace at the minima it stays at; GD's bounds only λ_max.

Paper: L. Wu, W. J. Su, "The Implicit Regularization of Dynamical Stability in Stochastic
Gradient Descent", ICML 2023, arXiv:2305.17490.

A diagonal linear network f(x) = ⟨u ⊙ v, x⟩ is trained to interpolation on a sparse regression
by SGD (several batch sizes) and GD over a grid of learning rates from the same start; at each
minimum reached, the Hessian G (exact at interpolation, see ``diagonal_net.py``) gives η·tr(G)/2
and η·λ_max(G)/2, and the test error and ‖u ⊙ v‖₁ show the regularization.
"""
from __future__ import annotations

from pydantic import Field, field_validator

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run


class SgdStabilityTraceConfig(MethodConfig):
    d: int = Field(200, ge=2, le=5000, description="Input dimension (and width of the diagonal net).")
    n: int = Field(60, ge=2, le=5000, description="Training points (fewer than d: over-parameterized).")
    sparsity: int = Field(3, ge=1, le=100, description="Non-zeros of the teacher beta* = (1, ..., 1, 0, ...).")
    test_points: int = Field(1000, ge=10, le=100_000, description="Held-out points for the test MSE.")
    init_scale: float = Field(0.5, ge=1e-3, le=10.0, description="Initial weights u = v = init_scale * 1.")
    lrs: list[float] = Field(
        [0.01, 0.02, 0.04, 0.08, 0.16], min_length=2, max_length=16,
        description="Learning rates, each run by SGD at every batch size and by GD.",
    )
    batch_sizes: list[int] = Field(
        [1, 4, 16], min_length=1, max_length=8,
        description="SGD batch sizes (drawn with replacement); the first is the one the lr claims use (1 in the paper).",
    )
    steps: int = Field(10_000, ge=100, le=1_000_000, description="Steps per run (SGD and GD alike).")
    converged_loss: float = Field(
        1e-6, ge=1e-14, le=1e-1, description="A run counts as having reached a minimum when its train loss is below this."
    )

    @field_validator("lrs")
    @classmethod
    def positive_lrs(cls, lrs: list[float]) -> list[float]:
        if any(not 0 < lr <= 10 for lr in lrs):
            raise ValueError("learning rates must lie in (0, 10]")
        return lrs

    @field_validator("batch_sizes")
    @classmethod
    def positive_batches(cls, batches: list[int]) -> list[int]:
        if any(not 1 <= b <= 5000 for b in batches):
            raise ValueError("batch sizes must lie in [1, 5000]")
        return batches


PRESETS = {
    "smoke": Preset(
        {}, "cpu",
        "d=200, n=60, 3-sparse teacher, 5 learning rates, SGD B in {1,4,16} and GD, 10k steps (the note's smoke size).",
    ),
    "full": Preset(
        {"d": 1000, "n": 300, "lrs": [0.0025, 0.005, 0.01, 0.02, 0.04, 0.08, 0.16],
         "batch_sizes": [1, 2, 4, 8, 16, 32, 64], "steps": 80_000, "init_scale": 0.25, "converged_loss": 1e-7},
        "gpu",
        "The third-party size: d=1000, n=300, lr from 0.0025 to 0.16, SGD B from 1 to 64 and GD, 80k steps; "
        "init 0.25 so that the initial eta*tr(G)/2 spans the bound as in smoke.",
    ),
}

DEVIATIONS = (
    "No official code: the setup follows the reproduction note and a third-party notebook (diagonal linear net, "
    "x ~ U[-1,1]^d, beta* = (1,1,1,0,...)); the two-layer ReLU experiments of the paper are not run.",
    "GD runs at a constant learning rate (the third-party notebook uses a cosine schedule) and nothing is clipped "
    "(it clips gradients at 50); a run whose loss passes 1e8 counts as diverged and is not a minimum.",
    "A run counts as having reached a minimum when its training loss is below `converged_loss` after `steps` steps; "
    "the Hessian there is taken to be G = (1/n) sum grad f_i grad f_i^T, exact at interpolation (the residual term "
    "is of the order of the loss).",
    "The batch-size bound eta*tr(G)/(2B) <= 1 is our reading for B > 1 (the abstract states B = 1); SGD batches are "
    "drawn with replacement.",
    "One seed and one data instance per run (the note's full plan has 5 seeds); the test MSE is on 1000 fresh points.",
    "Full uses init_scale 0.25 (smoke 0.5): at d=1000 with u = v = 0.5, tr(G) starts at about 167 and SGD with B=1 "
    "diverged already at eta = 0.032 in a CPU check (converging only at 0.004), too few minima for the lr claims; "
    "0.25 puts the initial tr(G) (about 42) near smoke's (about 33).",
    "The smoke preset uses the note's smoke size (d=200, n=60) with a 5-point lr grid from 0.01 to 0.16 (the note: "
    "0.02, 0.05, 0.1), so that the trace bound binds for SGD at the large end; at eta = 0.005 no run reaches a train "
    "loss of 1e-6 within 10k steps.",
)

METHOD = MethodSpec(
    slug="sgd-stability-trace",
    paper=41,
    title="The Implicit Regularization of Dynamical Stability in Stochastic Gradient Descent",
    summary=(
        "Diagonal linear nets trained to interpolation by SGD (several batch sizes) and GD over a learning-rate grid: "
        "eta*tr(H)/2 and eta*lambda_max(H)/2 at the minima reached, test error and l1 norm."
    ),
    config_model=SgdStabilityTraceConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
