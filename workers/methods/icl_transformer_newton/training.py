"""Training the Transformer on in-context linear regression, with the curriculum of Garg et al. (2022).

Each step draws fresh prompts: w ~ N(0, I), x ~ N(0, Σ), y = wᵀx, restricted to the first d_t
coordinates and n_t points, where the curriculum grows d_t by 1 and n_t by 2 every
``curriculum_interval`` steps up to (d, n). The loss is the mean over positions of (ŷ_i − y_i)²,
logged divided by d_t (so the zero predictor scores 1). Adam with linear warm-up then cosine decay
to a tenth of the rate, gradient norm clipped at 1, bf16 autocast on CUDA.

Adam is written out with torch's multi-tensor ops: constructing a ``torch.optim`` optimizer imports
``torch._dynamo``, which costs seconds — a third of the smoke run's budget on one core.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch

from .algorithms import covariance_eigenvalues
from .model import ICLTransformer

LOG_POINTS = 200  # training-loss points, whatever the number of steps
EVAL_POINTS = 20  # evaluations of the in-context error on fixed held-out prompts


@dataclass(frozen=True)
class Curriculum:
    dims: int
    points: int
    start_dims: int
    start_points: int
    interval: int

    def at(self, step: int) -> tuple[int, int]:
        """(d_t, n_t) in use at a training step."""
        grown = step // self.interval
        return min(self.dims, self.start_dims + grown), min(self.points, self.start_points + 2 * grown)


class PromptSampler:
    """Draws training prompts on the device from a seeded torch generator."""

    def __init__(self, dims: int, condition_number: float, generator: torch.Generator, device: torch.device):
        self.dims, self.condition_number = dims, condition_number
        self.generator, self.device = generator, device

    def _normal(self, *shape: int) -> torch.Tensor:
        return torch.randn(*shape, generator=self.generator, device=self.device)

    def sample(self, batch: int, active_dims: int, points: int) -> tuple[torch.Tensor, torch.Tensor]:
        xs = torch.zeros(batch, points, self.dims, device=self.device)
        xs[..., :active_dims] = self._normal(batch, points, active_dims)
        if self.condition_number > 1.0:
            xs[..., :active_dims] = self._ill_conditioned(xs[..., :active_dims])
        ws = torch.zeros(batch, self.dims, device=self.device)
        ws[:, :active_dims] = self._normal(batch, active_dims)
        return xs, torch.einsum("bnd,bd->bn", xs, ws)

    def _ill_conditioned(self, z: torch.Tensor) -> torch.Tensor:
        """x = Q diag(√λ) z with Σ's eigenvalues λ (mean 1, ratio κ) and a Haar rotation Q per prompt."""
        batch, _, dims = z.shape
        root = torch.as_tensor(np.sqrt(covariance_eigenvalues(dims, self.condition_number)), dtype=z.dtype, device=z.device)
        q, r = torch.linalg.qr(self._normal(batch, dims, dims))
        q = q * torch.sign(torch.diagonal(r, dim1=1, dim2=2)).unsqueeze(1)
        return torch.einsum("bnj,bij->bni", z * root, q)


class Adam:
    """Adam (Kingma & Ba, 2015) without weight decay:
    m ← β₁m + (1−β₁)g,  v ← β₂v + (1−β₂)g²,  θ ← θ − lr · (m/(1−β₁ᵗ)) / (√(v/(1−β₂ᵗ)) + ε)."""

    def __init__(self, params, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8):
        self.params = [p for p in params if p.requires_grad]
        self.betas, self.eps, self.steps = betas, eps, 0
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]

    def zero_grad(self) -> None:
        for p in self.params:
            p.grad = None

    @torch.no_grad()
    def step(self, lr: float) -> None:
        beta1, beta2 = self.betas
        self.steps += 1
        grads = [p.grad for p in self.params]
        torch._foreach_lerp_(self.m, grads, 1.0 - beta1)
        torch._foreach_mul_(self.v, beta2)
        torch._foreach_addcmul_(self.v, grads, grads, value=1.0 - beta2)
        denom = torch._foreach_sqrt(self.v)
        torch._foreach_div_(denom, math.sqrt(1.0 - beta2**self.steps))
        torch._foreach_add_(denom, self.eps)
        torch._foreach_addcdiv_(self.params, self.m, denom, value=-lr / (1.0 - beta1**self.steps))


def learning_rate_at(step: int, peak: float, warmup: int, total: int) -> float:
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = (step - warmup) / max(1, total - warmup)
    return peak * (0.1 + 0.9 * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress))))


@torch.no_grad()
def normalized_errors(model: ICLTransformer, xs: torch.Tensor, ys: torch.Tensor, chunk: int = 512) -> np.ndarray:
    """Mean over prompts of (ŷ_i − y_i)²/d at every position i, shape (n,)."""
    was_training = model.training
    model.eval()
    total = torch.zeros(xs.shape[1], dtype=torch.float64, device=xs.device)
    for start in range(0, xs.shape[0], chunk):
        pred = model(xs[start : start + chunk], ys[start : start + chunk])
        total += ((pred - ys[start : start + chunk]) ** 2).sum(0).double()
    model.train(was_training)
    return (total / (xs.shape[0] * xs.shape[-1])).cpu().numpy()


@dataclass
class TrainingRecord:
    steps_done: int
    seconds: float
    stopped_by_time_limit: bool
    final_train_loss: float


def train(model: ICLTransformer, config, ctx, on_log, on_eval) -> TrainingRecord:
    """Train in place. ``on_log(step, loss/d_t, d_t, n_t)`` about LOG_POINTS times and ``on_eval(step)``
    about EVAL_POINTS times; stops after train_steps or once max_train_minutes have passed."""
    device = ctx.torch_device
    curriculum = Curriculum(config.dim, config.points_per_prompt, config.curriculum_start_dim,
                            config.curriculum_start_points, config.curriculum_interval)
    sampler = PromptSampler(config.dim, config.train_condition_number, ctx.torch_generator("train"), device)
    optimizer = Adam(model.parameters())
    autocast = torch.autocast("cuda", dtype=torch.bfloat16, enabled=device.type == "cuda")
    log_every = max(1, config.train_steps // LOG_POINTS)
    eval_every = max(1, config.train_steps // EVAL_POINTS)
    started, limit_s = ctx.clock(), 60.0 * config.max_train_minutes
    loss_value = float("nan")
    model.train()
    for step in range(config.train_steps):
        active_dims, points = curriculum.at(step)
        xs, ys = sampler.sample(config.batch_size, active_dims, points)
        with autocast:
            loss = torch.nn.functional.mse_loss(model(xs, ys).float(), ys)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(optimizer.params, 1.0)
        optimizer.step(learning_rate_at(step, config.learning_rate, config.warmup_steps, config.train_steps))
        done = step + 1
        if done % log_every == 0 or done == config.train_steps:
            loss_value = loss.item() / active_dims
            on_log(done, loss_value, active_dims, points)
            if ctx.clock() - started > limit_s:
                on_eval(done)
                model.eval()
                return TrainingRecord(done, ctx.clock() - started, True, loss_value)
        if done % eval_every == 0 or done == config.train_steps:
            on_eval(done)
    model.eval()
    return TrainingRecord(config.train_steps, ctx.clock() - started, False, loss_value)
