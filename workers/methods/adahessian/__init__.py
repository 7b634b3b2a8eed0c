"""AdaHessian vs Adam and SGD on small classification tasks.

Paper: Z. Yao, A. Gholami, S. Shen, M. Mustafa, K. Keutzer, M. W. Mahoney, "ADAHESSIAN: An
Adaptive Second Order Optimizer for Machine Learning", AAAI 2021, arXiv:2006.00719.

AdaHessian is Adam with the squared gradient replaced by the squared Hutchinson estimate of
the Hessian diagonal |z ⊙ Hz| (z Rademacher), averaged over each convolution kernel's spatial
positions and smoothed by an exponential moving average (Hessian momentum); see ``optimizer.py``.
"""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from ..base import MethodConfig, MethodSpec, Preset
from .claims import CLAIMS
from .experiment import run

TaskName = Literal["digits-mlp", "digits-cnn", "logreg"]


class AdaHessianConfig(MethodConfig):
    tasks: list[TaskName] = Field(
        ["digits-mlp", "logreg"], min_length=1, max_length=3,
        description="Tasks: digits-mlp (64-h-10 ReLU MLP), digits-cnn (two 3x3 conv layers), logreg "
                    "(synthetic logistic regression with a Hessian condition number of about `condition`).",
    )
    hidden: int = Field(32, ge=4, le=1024, description="Hidden width of the digits MLP.")
    channels: int = Field(8, ge=2, le=64, description="Channels of the digits CNN's first conv layer.")
    condition: float = Field(1e4, ge=1.0, le=1e8, description="Condition number of the logistic regression's features.")
    epochs: int = Field(8, ge=1, le=200, description="Training epochs per (optimizer, learning rate, seed).")
    batch_size: int = Field(64, ge=1, le=2048, description="Mini-batch size for every optimizer.")
    seeds: int = Field(2, ge=1, le=10, description="Seeds (initial weights and batch order) per learning rate.")
    lr_factors: list[float] = Field(
        [1 / 3, 1.0, 3.0], min_length=1, max_length=8,
        description="Learning-rate grid: each optimizer's default (AdaHessian 0.15, Adam 1e-3, SGD 0.1) times these.",
    )
    spatial_averaging: Literal["conv", "conv+linear", "none"] = Field(
        "conv", description="AdaHessian's spatial averaging of the diagonal: conv kernels (the official default), "
                            "also linear layers' input dim, or none.",
    )
    tiny_hidden: int = Field(4, ge=1, le=16, description="Hidden width of the tiny MLP whose exact Hessian is computed.")
    hutchinson_samples: int = Field(
        2000, ge=1, le=100_000, description="Rademacher samples for the Hutchinson diagonal checked against the exact one."
    )


PRESETS = {
    "smoke": Preset(
        {}, "cpu",
        "digits 64-32-10 MLP and a kappa=1e4 logistic regression, 8 epochs, 3 learning rates, 2 seeds per optimizer.",
    ),
    "full": Preset(
        {"tasks": ["digits-mlp", "digits-cnn", "logreg"], "hidden": 128, "epochs": 30, "seeds": 5,
         "batch_size": 128, "lr_factors": [1 / 9, 1 / 3, 1.0, 3.0, 9.0, 27.0]},
        "gpu",
        "digits MLP (64-128-10), digits CNN and the kappa=1e4 logistic regression, 30 epochs, 6 learning rates, "
        "5 seeds per optimizer (the note's full setting without the transformer).",
    ),
}

DEVIATIONS = (
    "The paper's tasks (CIFAR-10/ImageNet ResNets, IWSLT/WMT transformers, PTB/Wikitext-103, GLUE, Criteo DLRM) "
    "need data that is not available offline; they are replaced by scikit-learn's digits (MLP and a two-layer CNN) "
    "and a synthetic logistic regression with condition number 1e4, as the reproduction note proposes. The note's "
    "synthetic copy/reverse transformer task is not run.",
    "Each optimizer gets the same grid of learning rates relative to its own default (AdaHessian 0.15 from the "
    "official repo, Adam 1e-3, SGD 0.1 with momentum 0.9), and is compared at its best lr of the grid by mean test "
    "error over seeds; no learning-rate schedule, no weight decay (the paper uses step decay and weight decay on "
    "CIFAR).",
    "Test error is measured on a held-out 20 % of each data set (360 digits, 400 logistic samples): differences of a "
    "point or two are within noise, which the per-seed standard deviation in the evidence shows.",
    "Spatial averaging acts on convolution kernels only (the official image-classification optimizer); the "
    "`conv+linear` option also averages linear layers over their input dimension, as the annotated prototype in the "
    "official repo suggests.",
    "Step cost is the median wall time of one optimizer step (forward, backward, update) on the run's device; "
    "smoke cannot decide it (milliseconds dominated by Python overhead on a shared core).",
    "The Hutchinson diagonal is checked against torch's exact Hessian on a tiny 64-4-10 MLP (310 parameters) at its "
    "initial weights on 200 digits, with the estimator averaged over many samples; the optimizer itself uses one "
    "sample per step and its absolute value, as in the paper.",
    "The official README's Rosenbrock/Rastrigin illustrations are not reproduced: with a 3-point lr grid all three "
    "optimizers stop in the same Rastrigin basin, and the README's trajectories came from a hyperparameter search.",
)

METHOD = MethodSpec(
    slug="adahessian",
    paper=31,
    title="ADAHESSIAN: An Adaptive Second Order Optimizer for Machine Learning",
    summary=(
        "Adam with the squared gradient replaced by a Hutchinson estimate of the Hessian diagonal (spatially averaged, "
        "with Hessian momentum), against Adam and SGD on small classification tasks over a learning-rate grid."
    ),
    config_model=AdaHessianConfig,
    presets=PRESETS,
    claims=CLAIMS,
    deviations=DEVIATIONS,
    run=run,
    device="any",
)
