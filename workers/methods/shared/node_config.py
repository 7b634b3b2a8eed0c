"""The config both solver-heuristic regularization methods share (digits neural-ODE classifier)."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from ..base import MethodConfig
from .node_reg import SolverSettings
from .node_train import TrainingSetup, run_comparison

Variant = Literal["vanilla", "error", "stiffness", "local_unbiased", "local_biased", "taynode", "steer"]


class NodeRegConfig(MethodConfig):
    solver: Literal["tsit5", "dopri5"] = Field("tsit5", description="Adaptive 5(4) pair used in training and at test time.")
    rtol: float = Field(1e-6, ge=1e-10, le=1e-1, description="Relative tolerance of every adaptive solve.")
    atol: float = Field(1e-6, ge=1e-12, le=1e-1, description="Absolute tolerance of every adaptive solve.")
    dim: int = Field(16, ge=2, le=256, description="Dimension of the ODE state (encoder output).")
    width: int = Field(32, ge=4, le=1024, description="Hidden width of the dynamics MLP f(z) = W2 tanh(W1 z + b1) + b2.")
    epochs: int = Field(15, ge=1, le=500, description="Training epochs over the digits training split.")
    batch_size: int = Field(128, ge=8, le=2048, description="Mini-batch size (one adaptive solve per batch).")
    learning_rate: float = Field(1e-2, ge=1e-5, le=1.0, description="Adam learning rate.")
    seeds: int = Field(1, ge=1, le=10, description="Independent trainings per variant (initial weights, batch order).")
    prediction_repeats: int = Field(5, ge=1, le=200, description="Timed batched predictions of the test set (median).")
    lambda_error: float = Field(100.0, ge=0.0, le=1e5, description="Weight of the error-estimate regularizer (global and local).")
    lambda_stiffness: float = Field(0.1, ge=0.0, le=1e5, description="Weight of the stiffness regularizer (variant 'stiffness').")
    lambda_taylor: float = Field(0.01, ge=0.0, le=1e5, description="Weight of TayNODE's K=2 regularizer (variant 'taynode').")
    steer_half_width: float = Field(0.5, ge=0.0, le=0.99, description="STEER: end time drawn from U(T(1-b), T(1+b)).")
    max_steps: int = Field(2000, ge=10, le=100_000, description="Attempted steps after which a solve counts as failed.")

    def solver_settings(self) -> SolverSettings:
        return SolverSettings(method=self.solver, rtol=self.rtol, atol=self.atol, max_steps=self.max_steps,
                              lambda_error=self.lambda_error, lambda_stiffness=self.lambda_stiffness,
                              lambda_taylor=self.lambda_taylor, steer_half_width=self.steer_half_width)

    def training_setup(self) -> TrainingSetup:
        return TrainingSetup(dim=self.dim, width=self.width, epochs=self.epochs, batch_size=self.batch_size,
                             learning_rate=self.learning_rate, seeds=self.seeds,
                             prediction_repeats=self.prediction_repeats)


def require_variants(variants: list[Any], needed: tuple[str, ...]) -> list[Any]:
    """A validator body: the claims compare these variants, so they must be trained."""
    missing = [v for v in needed if v not in variants]
    if missing:
        raise ValueError(f"variants must include {', '.join(needed)} (the claims compare them); missing {missing}")
    if len(set(variants)) != len(variants):
        raise ValueError("variants must not repeat")
    return variants


def run(config: NodeRegConfig, ctx) -> dict:
    """A method's ``run``: every configured variant trained and judged (``node_train.run_comparison``)."""
    results = run_comparison(tuple(config.variants), config.training_setup(), config.solver_settings(), ctx)
    results["variants"] = list(config.variants)
    return results
