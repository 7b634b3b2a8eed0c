"""Post-hoc explainers as local function approximation (LFA): eight explainers, their neighbourhoods
and losses, a fidelity matrix, and recovery of linear models.

Paper: T. Han, S. Srinivas, H. Lakkaraju, "Which Explanation Should I Choose? A Function
Approximation Perspective to Characterizing Post Hoc Explanations", NeurIPS 2022, arXiv:2206.01254.
"""
from __future__ import annotations

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run


class LfaExplanationsConfig(MethodConfig):
    hidden: int = Field(32, ge=2, le=1024, description="Width of the ReLU MLP's hidden layers.")
    layers: int = Field(2, ge=1, le=6, description="Hidden layers of the MLP.")
    epochs: int = Field(300, ge=1, le=100_000, description="Full-batch Adam epochs on the diabetes regression.")
    learning_rate: float = Field(1e-2, ge=1e-6, le=1.0, description="Adam learning rate.")
    test_points: int = Field(20, ge=1, le=442, description="Points explained (drawn from the data set by the seed).")
    sigma: float = Field(0.5, ge=1e-4, le=10.0, description="Std of SmoothGrad's and C-LIME's Gaussian neighbourhood (standardised units).")
    sigma_small: float = Field(0.01, ge=1e-5, le=1.0, description="The near-zero Gaussian neighbourhood (VanillaGrad's own).")
    samples: list[int] = Field([100, 400, 1600], min_length=1, max_length=8,
                               description="Perturbation sample counts swept for C-LIME vs SmoothGrad; the largest is used for the matrix.")
    eval_samples: int = Field(20_000, ge=100, le=1_000_000, description="Fresh Gaussian samples that score fidelity.")
    ig_steps: int = Field(64, ge=2, le=10_000, description="Midpoint-rule steps of integrated gradients.")
    lime_kernel_width: float = Field(0.75, ge=0.05, le=10.0, description="LIME kernel width kappa: weight exp(-share removed / kappa^2).")


PRESETS = {
    "smoke": Preset({}, "cpu", "Diabetes, MLP 2x32, 20 points; C-LIME vs SmoothGrad at 100/400/1,600 samples."),
    "full": Preset(
        {"hidden": 64, "layers": 3, "epochs": 2000, "test_points": 100, "samples": [100, 300, 1000, 3000, 10_000, 30_000],
         "eval_samples": 100_000},
        "gpu", "MLP 3x64, 100 points, C-LIME vs SmoothGrad up to 30,000 samples, 100k samples per Gaussian fidelity.",
    ),
}

DEVIATIONS = (
    "Explainers are our own torch implementations (captum is not installed); KernelSHAP is the Shapley-kernel "
    "least-squares fit without the efficiency constraints (its endpoints have infinite weight), i.e. SHAP-like.",
    "Data: scikit-learn's diabetes regression (standardised; baseline = the feature means, 0) instead of the paper's "
    "HELOC/WHO data; one linear model and one ReLU MLP instead of the paper's model zoo.",
    "Fidelity is the unexplained share Var_w(f - g)/Var_w(f) with a free intercept, per neighbourhood; mask "
    "neighbourhoods are scored on all 2^10 masks exactly, Gaussian ones on fresh samples. z-space explanations enter "
    "Gaussian neighbourhoods as w / (x0 - baseline) and x-space ones enter mask neighbourhoods as w * (x0 - baseline).",
    "Integrated gradients' own neighbourhood (the path to the baseline) has no column: on a one-dimensional path only "
    "w . (x0 - baseline) is identified, so fidelity there does not rank explainers.",
    "Grad x Input is VanillaGrad read in z-space, so the two rows of the matrix coincide.",
)

METHOD = MethodSpec(
    slug="lfa-explanations",
    paper=27,
    title="Which Explanation Should I Choose? A Function Approximation Perspective (LFA)",
    summary=(
        "Gradients, SmoothGrad, C-LIME, integrated gradients, LIME, KernelSHAP and occlusion as local linear "
        "approximations: recovery of linear models, C-LIME = SmoothGrad, and a fidelity matrix over neighbourhoods."
    ),
    config_model=LfaExplanationsConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
