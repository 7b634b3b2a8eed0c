"""Learning rates as a function of batch size, from the spectrum of the mini-batch Hessian.

Paper: D. Granziol, S. Zohren, S. Roberts, "Learning Rates as a Function of Batch Size: A
Random Matrix Theory Approach to Neural Network Training", JMLR 2022, arXiv:2006.09092.

The mini-batch Hessian is the full one plus a random matrix whose entries' variance scales as
1/B − 1/N; its outliers move outward by about σ_B²/β (BBP), so λ_max(H_B) − λ_max(H) ∝ 1/B and
SGD's stability limit 2/λ_max(H_B) grows ∝ B, while Adam's preconditioner 1/√v (v ∝ 1/B) gives
∝ √B. Measured here on a tanh MLP on digits: Lanczos spectra of batch and full Hessians, and
divergence thresholds of SGD and Adam over a learning-rate grid (see ``experiment.py``).
"""
from __future__ import annotations

from pydantic import Field, ValidationInfo, field_validator

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run


class RmtLrBatchScalingConfig(MethodConfig):
    hidden: int = Field(32, ge=4, le=1024, description="Width of each hidden tanh layer.")
    depth: int = Field(2, ge=1, le=4, description="Number of hidden layers.")
    pretrain_steps: int = Field(300, ge=0, le=100_000, description="SGD steps before the Hessian spectra are measured.")
    pretrain_lr: float = Field(0.1, ge=1e-5, le=10.0, description="Learning rate of that SGD.")
    pretrain_batch: int = Field(64, ge=1, le=2048, description="Batch size of that SGD.")
    spectrum_batches: list[int] = Field(
        [8, 16, 32, 64, 128, 256, 512], min_length=3, max_length=12,
        description="Batch sizes whose Hessian spectra are compared with the full-batch one (must be below the 1,438 "
                    "training digits).",
    )
    batches_per_size: int = Field(5, ge=1, le=100, description="Random batches (and Lanczos starts) per batch size.")
    lanczos_steps: int = Field(20, ge=2, le=500, description="Lanczos steps per spectrum.")
    sweep_batches: list[int] = Field(
        [8, 16, 32, 64, 128], min_length=3, max_length=12, description="Batch sizes of the divergence sweep."
    )
    sgd_lr_min: float = Field(0.03, ge=1e-6, le=1e4, description="Lowest SGD learning rate tried.")
    sgd_lr_max: float = Field(100.0, ge=1e-6, le=1e4, description="Highest SGD learning rate tried.")
    adam_lr_min: float = Field(3e-4, ge=1e-6, le=1e4, description="Lowest Adam learning rate tried.")
    adam_lr_max: float = Field(3.0, ge=1e-6, le=1e4, description="Highest Adam learning rate tried.")
    lr_points: int = Field(17, ge=3, le=64, description="Log-spaced learning rates per optimizer and batch size.")
    sweep_steps: int = Field(150, ge=1, le=100_000, description="Steps per run of the divergence sweep.")

    @field_validator("spectrum_batches", "sweep_batches")
    @classmethod
    def batch_sizes_in_range(cls, batches: list[int]) -> list[int]:
        if any(not 1 <= b < 1438 for b in batches):
            raise ValueError("batch sizes must lie in [1, 1437] (the training set has 1,438 digits)")
        return sorted(set(batches))

    @field_validator("sgd_lr_max", "adam_lr_max")
    @classmethod
    def above_its_minimum(cls, high: float, info: ValidationInfo) -> float:
        low = info.data.get(info.field_name.replace("_max", "_min"))
        if low is not None and not low < high:
            raise ValueError("the highest learning rate must exceed the lowest")
        return high


PRESETS = {
    "smoke": Preset(
        {}, "cpu",
        "64-32-32-10 tanh MLP on digits: spectra at 7 batch sizes (5 batches, 20 Lanczos steps); SGD and Adam "
        "divergence sweeps at B = 8..128 over 17 learning rates, 150 steps each.",
    ),
    "full": Preset(
        {"hidden": 128, "pretrain_steps": 2000, "batches_per_size": 20, "lanczos_steps": 40,
         "spectrum_batches": [4, 8, 16, 32, 64, 128, 256, 512, 1024], "sweep_batches": [4, 8, 16, 32, 64, 128, 256, 512],
         "lr_points": 33, "sweep_steps": 300},
        "gpu",
        "The note's full plan: 64-128-128-10 tanh MLP, spectra at 9 batch sizes (20 batches, 40 Lanczos steps), "
        "sweeps at B = 4..512 over 33 learning rates, 300 steps each.",
    ),
}

DEVIATIONS = (
    "VGG/WideResNet on CIFAR-100 and ImageNet are replaced by a tanh MLP on scikit-learn's digits (1,438 training "
    "images), as the reproduction note proposes; the on-the-fly SLQ learning-rate learner of the paper is not run.",
    "Spectra are measured once, after a short SGD pretraining, not along training; lambda_max(H_B) is the mean of the "
    "largest Ritz value over random batches (one Lanczos start each), lambda_max of the full Hessian the mean over as "
    "many starts on the whole training set.",
    "The largest stable learning rate is read off a log-spaced grid (spacing (high/low)^(1/(points-1))) from runs of "
    "a fixed number of steps from the same initial weights: 'stable' means the final training loss is finite and below "
    "the initial one. A batch size whose top grid rate was still stable is censored and left out of the fit.",
    "Slopes are fitted over every sweep batch size, all taken to lie below the critical batch size; the note's bands "
    "(SGD 0.7-1.2, Adam 0.3-0.7, excess -1 +- 0.3) are used as stated.",
    "Adam uses torch's defaults (betas 0.9, 0.999, eps 1e-8) and no weight decay; SGD has no momentum.",
    "Mini-batches are drawn with replacement in the sweeps and without replacement for the spectra; one seed.",
)

METHOD = MethodSpec(
    slug="rmt-lr-batch-scaling",
    paper=11,
    title="Learning Rates as a Function of Batch Size: A Random Matrix Theory Approach to Neural Network Training",
    summary=(
        "Lanczos spectra of mini-batch vs full-batch Hessians of a tanh MLP on digits, and measured divergence "
        "thresholds of SGD and Adam as the batch size varies (log-log slopes)."
    ),
    config_model=RmtLrBatchScalingConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
