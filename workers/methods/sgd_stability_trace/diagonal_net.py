"""A diagonal linear network trained by SGD (batch B, with replacement) and GD, many runs at once.

    f(x) = ⟨u ⊙ v, x⟩,   L(u, v) = (1/2n) Σ_i (f(x_i) − y_i)²,   y_i = ⟨β*, x_i⟩, x ~ U[−1, 1]^d
    at an interpolating minimum the Hessian is G = (1/n) Σ_i ∇f_i ∇f_iᵀ, ∇f_i = (v ⊙ x_i, u ⊙ x_i):
      tr(G) = (1/n) Σ_i Σ_j x_ij² (u_j² + v_j²),   λ_max(G) = λ_max((1/n) J Jᵀ)  (the n×n Gram matrix)
    linear stability (Wu & Su 2023): GD needs λ_max(G) ≤ 2/η; SGD with B = 1 needs tr(G) ≤ 2/η.

Every (batch size, learning rate) pair is one replica; all replicas step together. A replica
draws its own batch of B indices each step; GD replicas use the whole training set.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

DIVERGED_LOSS = 1e8


@dataclass(frozen=True)
class SparseRegression:
    x: torch.Tensor  # (n, d) training inputs
    y: torch.Tensor  # (n,)
    x_test: torch.Tensor
    y_test: torch.Tensor
    beta: torch.Tensor  # (d,) the sparse teacher


def sparse_regression(n: int, d: int, sparsity: int, test_points: int, rng: np.random.Generator,
                      device, dtype=torch.float64) -> SparseRegression:
    """x ~ U[−1, 1]^d, β* = (1, …, 1, 0, …, 0) with ``sparsity`` ones (the third-party setup)."""
    beta = np.zeros(d)
    beta[:sparsity] = 1.0
    x, x_test = rng.uniform(-1, 1, (n, d)), rng.uniform(-1, 1, (test_points, d))
    as_t = lambda a: torch.as_tensor(a, dtype=dtype, device=device)
    return SparseRegression(as_t(x), as_t(x @ beta), as_t(x_test), as_t(x_test @ beta), as_t(beta))


@dataclass
class Replicas:
    """R runs side by side: weights (R, d), learning rates (R,), batch sizes (R,) (0 = full batch)."""

    u: torch.Tensor
    v: torch.Tensor
    lr: torch.Tensor
    batch: torch.Tensor
    alive: torch.Tensor  # (R,) bool: not diverged

    @classmethod
    def start(cls, lrs: list[float], batches: list[int], d: int, init_scale: float, device, dtype=torch.float64):
        """Every (batch, lr) pair, batch-major, all from u = v = init_scale·1."""
        pairs = [(b, lr) for b in batches for lr in lrs]
        count = len(pairs)
        u = torch.full((count, d), init_scale, dtype=dtype, device=device)
        lr = torch.tensor([p[1] for p in pairs], dtype=dtype, device=device)
        batch = torch.tensor([p[0] for p in pairs], dtype=torch.long, device=device)
        return cls(u, u.clone(), lr, batch, torch.ones(count, dtype=torch.bool, device=device))


def batch_indices(replicas: Replicas, n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """Indices (R, m) and weights (R, m) with m = max(B, n for GD): each SGD replica averages over
    its first B uniformly drawn indices, GD replicas over all n points."""
    full = replicas.batch == 0
    width = n if bool(full.any()) else int(replicas.batch.max())
    idx = torch.randint(0, n, (len(replicas.lr), width), generator=generator, device=replicas.lr.device)
    idx[full] = torch.arange(width, device=idx.device)
    sizes = torch.where(full, torch.full_like(replicas.batch, width), replicas.batch)
    used = torch.arange(width, device=idx.device)[None, :] < sizes[:, None]
    return idx, used.to(replicas.u.dtype) / sizes[:, None].to(replicas.u.dtype)


def sgd_step(replicas: Replicas, data: SparseRegression, generator: torch.Generator) -> None:
    idx, weights = batch_indices(replicas, len(data.y), generator)
    xb = data.x[idx]  # (R, m, d)
    beta = replicas.u * replicas.v
    residual = torch.einsum("rmd,rd->rm", xb, beta) - data.y[idx]
    grad_beta = torch.einsum("rm,rmd->rd", weights * residual, xb)
    step = replicas.lr[:, None] * grad_beta * replicas.alive[:, None]
    replicas.u, replicas.v = replicas.u - step * replicas.v, replicas.v - step * replicas.u


def train_loss(replicas: Replicas, data: SparseRegression) -> torch.Tensor:
    residual = (replicas.u * replicas.v) @ data.x.T - data.y
    return 0.5 * (residual ** 2).mean(dim=1)


def mark_diverged(replicas: Replicas, data: SparseRegression) -> torch.Tensor:
    """Stop replicas whose loss is not finite or above DIVERGED_LOSS (their weights are zeroed)."""
    loss = train_loss(replicas, data)
    bad = ~torch.isfinite(loss) | (loss > DIVERGED_LOSS)
    replicas.alive &= ~bad
    replicas.u[bad] = 0.0
    replicas.v[bad] = 0.0
    return loss


def trace_g(u: torch.Tensor, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """tr(G) = (1/n) Σ_i Σ_j x_ij² (u_j² + v_j²), per replica."""
    return ((u ** 2 + v ** 2) * (x ** 2).mean(dim=0)).sum(dim=-1)


def top_eigenvalue_g(u: torch.Tensor, v: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """λ_max(G) from the n×n Gram matrix (1/n) J Jᵀ, J_i = (v ⊙ x_i, u ⊙ x_i), per replica."""
    gram = ((x[None] * (u ** 2 + v ** 2)[:, None, :]) @ x.T) / x.shape[0]
    return torch.linalg.eigvalsh(gram)[:, -1]


def held_out_error(replicas: Replicas, data: SparseRegression) -> torch.Tensor:
    return (((replicas.u * replicas.v) @ data.x_test.T - data.y_test) ** 2).mean(dim=1)
