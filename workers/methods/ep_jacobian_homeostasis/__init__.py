"""Generalized equilibrium propagation with Cauchy-integral nudges, and Jacobian homeostasis for
networks without weight symmetry.

Paper: A. Laborieux, F. Zenke, "Improving equilibrium propagation without weight symmetry through
Jacobian homeostasis", ICLR 2024, arXiv:2309.02214.
"""
from __future__ import annotations

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS, EXPECTED_ON_SMOKE
from .experiment import run


class EpJacobianHomeostasisConfig(MethodConfig):
    hidden: int = Field(64, ge=4, le=2048, description="Hidden units (one hidden layer between 64 inputs and 10 outputs).")
    alpha_deg: float = Field(90.0, ge=0.0, le=90.0, description="Angle between feedback B and W2^T at init for the asymmetric arms.")
    beta: float = Field(0.5, ge=1e-4, le=2.0, description="Nudge strength (radius of the circle of complex nudges).")
    nudge_points: int = Field(4, ge=1, le=16, description="Nudges N for the EP estimate (1 one-sided, 2 central, >= 3 Cauchy).")
    homeostasis: float = Field(1.0, ge=0.0, le=100.0, description="Weight lambda of the Jacobian homeostasis loss.")
    free_steps: int = Field(60, ge=5, le=2000, description="Damped fixed-point steps of the free phase.")
    nudge_steps: int = Field(20, ge=2, le=2000, description="Damped steps of each nudged phase, started at the free equilibrium.")
    epochs: int = Field(3, ge=1, le=500, description="Training epochs per arm.")
    batch_size: int = Field(32, ge=1, le=1024, description="Minibatch size.")
    learning_rate: float = Field(1e-2, ge=1e-6, le=1.0, description="Adam learning rate.")
    train_size: int = Field(1200, ge=100, le=1700, description="Digits used for training (the rest test).")
    probe_size: int = Field(64, ge=4, le=500, description="Test digits on which EP's gradient is compared with the exact one.")
    init_seed: int = Field(0, ge=0, le=2**31 - 1, description="Seed of the shared initial weights.")


PRESETS = {
    "smoke": Preset({}, "cpu", "Digits, 64-64-10, beta 0.5, Cauchy N=4, alpha 0 vs 90, lambda 1, 3 epochs."),
    "full": Preset({"hidden": 256, "epochs": 40, "probe_size": 256}, "gpu",
                   "Digits, 64-256-10, 40 epochs per arm (the paper: FMNIST/CIFAR/ImageNet32)."),
}

DEVIATIONS = (
    "Data: scikit-learn's digits (8x8) instead of Fashion-MNIST, CIFAR-10 and ImageNet 32x32 (tensorflow-datasets is "
    "a download); one hidden layer of 64 (smoke) or 256 (full) instead of the paper's MLPs and CNNs.",
    "Dynamics: damped fixed-point iteration of u = G(u) with G = (B rho(o) + U x + b_h, W2 rho(h) + b_o + beta (y - rho(o))), "
    "read as the zero of F = D (G - u) - beta dl/du, so that J = D W D - D is symmetric iff B = W2^T; the paper's "
    "vector fields differ in detail.",
    "Symmetric EP ties B = W2^T; the asymmetric arms train B by its own EP gradient from B = sin(alpha) R + cos(alpha) W2^T.",
    "The homeostasis loss 1/2 |J~ - J~^T|_F^2 / dim is computed exactly at the equilibrium on J~ = D^-1/2 J D^-1/2 + I "
    "= D^1/2 W D^1/2 (similar to J, so symmetric iff J is, and of the scale W rho' of the paper's discrete-time "
    "Jacobian); the paper estimates it with two Jacobian-vector products. On the unscaled J = D W D - D the loss is "
    "~16x smaller and lambda = 1 had no measurable effect (misalignment 0.183 vs 0.184 at lr 2e-3); the rescaling was "
    "chosen after seeing that. The gradient treats the equilibrium as fixed.",
    "Smoke result (seed 0), honestly not reproduced for accuracy: after 3 epochs, test accuracy is 0.678 (symmetric EP), "
    "0.320 (asymmetric EP), 0.419 (asymmetric EP + homeostasis, lambda = 1 as the paper's MLP runs), so homeostasis "
    "recovers 28% of the gap (the note asks 50%); misalignment 1 - cos falls 0.042 -> 0.016. With lambda = 15 (the "
    "paper's CNN value) it recovered 52% in a trial run; the preset keeps lambda = 1. The full preset (40 epochs) decides.",
    "The exact-gradient baseline is implicit differentiation (recurrent backprop) of the same asymmetric network; "
    "Adam replaces the paper's SGD schedules; float64 throughout.",
)

METHOD = MethodSpec(
    slug="ep-jacobian-homeostasis",
    paper=35,
    title="Improving equilibrium propagation without weight symmetry through Jacobian homeostasis",
    summary=(
        "Generalized EP whose nudge derivative is a Cauchy integral over complex nudges (unbiased at finite nudge), "
        "the bias weight asymmetry adds, and a Jacobian homeostasis loss that reduces it."
    ),
    config_model=EpJacobianHomeostasisConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
    expected_on_smoke=EXPECTED_ON_SMOKE,
)
