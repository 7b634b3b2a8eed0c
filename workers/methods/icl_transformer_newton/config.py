"""The method's settings and presets."""
from __future__ import annotations

from pydantic import Field, model_validator

from ..base import MethodConfig, Preset


class IclNewtonConfig(MethodConfig):
    dim: int = Field(8, ge=2, le=64, description="d: dimension of the inputs x and of the hidden weights w.")
    points_per_prompt: int = Field(17, ge=4, le=129, description="n: (x, y) pairs per prompt; 2d+1 lets the last "
                                   "query see 2d examples.")
    condition_number: float = Field(100.0, ge=2.0, le=1e4, description="κ of the input covariance Σ for the "
                                    "ill-conditioned solver prompts (eigenvalues log-spaced, random rotation per prompt).")
    solver_prompts: int = Field(512, ge=8, le=100_000, description="Prompts on which Newton, GD and OLS are compared.")
    tolerance: float = Field(1e-6, ge=1e-12, le=1e-2, description="ε: the mean relative distance to the OLS "
                             "weights ||w_k − w*||/||w*|| an algorithm must reach.")
    newton_max_iters: int = Field(60, ge=5, le=200, description="Iterative Newton iterations run on the solver prompts.")
    gd_max_steps_log2: int = Field(40, ge=8, le=60, description="GD is evaluated (in closed form) up to 2^this steps.")
    train_condition_number: float = Field(1.0, ge=1.0, le=1e4, description="κ of Σ for the Transformer's training, "
                                          "probing and evaluation prompts (1: isotropic, the paper's main setting).")
    n_layer: int = Field(2, ge=1, le=24, description="Transformer blocks (L).")
    n_head: int = Field(2, ge=1, le=16, description="Attention heads per block (must divide n_embd).")
    n_embd: int = Field(32, ge=8, le=1024, description="Width of the residual stream.")
    train_steps: int = Field(200, ge=0, le=500_001, description="Training steps (0: skip the Transformer).")
    batch_size: int = Field(32, ge=1, le=1024, description="Prompts per training step.")
    learning_rate: float = Field(1e-3, ge=1e-6, le=1e-1, description="Peak Adam learning rate.")
    warmup_steps: int = Field(20, ge=0, le=100_000, description="Linear warm-up steps before the cosine decay.")
    curriculum_start_dim: int = Field(4, ge=1, le=64, description="Curriculum: active input dimensions at step 0 "
                                      "(grows by 1 every interval up to d).")
    curriculum_start_points: int = Field(9, ge=2, le=129, description="Curriculum: points per prompt at step 0 "
                                         "(grows by 2 every interval up to n).")
    curriculum_interval: int = Field(40, ge=1, le=100_000, description="Curriculum: steps between increments.")
    max_train_minutes: float = Field(5.0, ge=0.05, le=1440.0, description="Training stops after this many minutes "
                                     "even if train_steps are not done (the run records the steps it did).")
    probe_prompts: int = Field(256, ge=16, le=16_384, description="Prompts on which the per-layer linear probes are fitted.")
    eval_prompts: int = Field(256, ge=16, le=16_384, description="Held-out prompts for errors and SimE.")
    similarity_newton_iters: int = Field(24, ge=2, le=60, description="Newton iterations 0..this compared with each layer.")
    cpu_threads: int = Field(1, ge=1, le=256, description="At most this many torch threads when running on the CPU "
                             "(small models gain nothing from more, and busy-waiting threads stall shared machines).")
    similarity_gd_log2: int = Field(14, ge=2, le=30, description="GD steps 1..2^this (4 per doubling) compared with each layer.")

    @model_validator(mode="after")
    def _consistent(self) -> "IclNewtonConfig":
        if self.n_embd % self.n_head:
            raise ValueError(f"n_embd ({self.n_embd}) must be a multiple of n_head ({self.n_head})")
        if self.curriculum_start_dim > self.dim or self.curriculum_start_points > self.points_per_prompt:
            raise ValueError("the curriculum cannot start above dim / points_per_prompt")
        return self


SMOKE = dict(dim=8, points_per_prompt=17, solver_prompts=512, n_layer=2, n_head=2, n_embd=32, train_steps=200,
             batch_size=32, learning_rate=1e-3, warmup_steps=20, curriculum_start_dim=4, curriculum_start_points=9,
             curriculum_interval=40, probe_prompts=256, eval_prompts=256)
FULL = dict(dim=10, points_per_prompt=21, solver_prompts=4096, n_layer=8, n_head=4, n_embd=256, train_steps=40_000,
            batch_size=128, learning_rate=3e-4, warmup_steps=1000, curriculum_start_dim=5, curriculum_start_points=11,
            curriculum_interval=1000, max_train_minutes=8.0, probe_prompts=4096, eval_prompts=2048, similarity_gd_log2=20)
PRESETS = {
    "smoke": Preset(SMOKE, "cpu", "Newton vs GD on 512 prompts (d=8, κ=1 and 100) and a 2-layer, 32-wide "
                    "Transformer trained 200 steps to exercise the training/probe pipeline; ~10 s on one core."),
    "full": Preset(FULL, "gpu", "d=10, n=21: an 8-layer, 4-head, 256-wide Transformer trained 40k steps with the "
                   "curriculum (capped at 8 min), probed per layer against Newton k=0..24 and GD 1..2^20; ≤ 10 min on one GPU."),
    "ill_conditioned": Preset({**FULL, "train_condition_number": 100.0}, "gpu", "The full preset trained and "
                              "evaluated on κ=100 covariances (paper's ill-conditioned experiment, smaller model)."),
    "paper": Preset({**FULL, "dim": 20, "points_per_prompt": 41, "n_layer": 12, "n_head": 8, "train_steps": 500_001,
                     "batch_size": 64, "learning_rate": 1e-4, "warmup_steps": 0, "curriculum_interval": 2000,
                     "max_train_minutes": 1440.0}, "gpu",
                    "The dtsip/Fu et al. setting: d=20, 41 points, 12 layers, 8 heads, width 256, batch 64, lr 1e-4, "
                    "500k steps (hours on one GPU; capped at 24 h)."),
}
