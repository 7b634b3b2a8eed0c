"""Hessian numerics by Hessian-vector products: Hutchinson's diagonal and trace, Lanczos and
stochastic Lanczos quadrature (SLQ). Shared by the training-dynamics methods.

    Hv = ∇(∇L(θ)ᵀv)                          (Pearlmutter: one extra backward pass)
    diag(H) = E_z[z ⊙ Hz],  tr(H) = E_z[zᵀHz],  z Rademacher   (Hutchinson; Bekas et al. 2007)
    Lanczos: V = [v_1..v_k] orthonormal, VᵀHV = T tridiagonal (α on the diagonal, β off it);
    the Ritz values (eigenvalues of T) approach H's extremal eigenvalues first, and
    ∫ g(λ) dμ(λ) ≈ Σ_m τ_m² g(θ_m) (θ, τ: eigenvalues and first eigenvector components of T)
    estimates (1/p) tr g(H) for a unit start vector (Golub & Meurant; Ubaru et al. 2017).
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import torch

Tensors = Sequence[torch.Tensor]
MatVec = Callable[[torch.Tensor], torch.Tensor]


def rademacher_like(tensors: Tensors, generator: torch.Generator | None = None) -> list[torch.Tensor]:
    """Independent ±1 entries shaped like each tensor."""
    return [
        torch.randint(0, 2, t.shape, generator=generator, device=t.device).to(t.dtype) * 2 - 1
        for t in tensors
    ]


def hvp(grads: Tensors, params: Tensors, vectors: Tensors) -> list[torch.Tensor]:
    """H v from gradients built with ``create_graph=True`` (the graph is kept for more products)."""
    return list(torch.autograd.grad(grads, params, grad_outputs=vectors, retain_graph=True))


def hutchinson_diagonal(grads: Tensors, params: Tensors, samples: int = 1,
                        generator: torch.Generator | None = None) -> list[torch.Tensor]:
    """Mean over ``samples`` Rademacher z of z ⊙ Hz: an unbiased estimate of diag(H)."""
    total = [torch.zeros_like(p) for p in params]
    for _ in range(samples):
        z = rademacher_like(params, generator)
        for acc, zi, hz in zip(total, z, hvp(grads, params, z)):
            acc.add_(zi * hz)
    return [t / samples for t in total]


def hutchinson_trace(matvec: MatVec, dim: int, samples: int, generator: torch.Generator | None = None,
                     device=None, dtype=torch.float32) -> tuple[float, float]:
    """Mean and standard error of zᵀHz over ``samples`` Rademacher z (flat operator)."""
    values = []
    for _ in range(samples):
        z = torch.randint(0, 2, (dim,), generator=generator, device=device).to(dtype) * 2 - 1
        values.append(float(z @ matvec(z)))
    data = torch.tensor(values, dtype=torch.float64)
    spread = float(data.std(unbiased=True)) / samples ** 0.5 if samples > 1 else float("nan")
    return float(data.mean()), spread


def flat(tensors: Tensors) -> torch.Tensor:
    return torch.cat([t.reshape(-1) for t in tensors])


def unflat(vector: torch.Tensor, like: Tensors) -> list[torch.Tensor]:
    out, start = [], 0
    for t in like:
        out.append(vector[start:start + t.numel()].view_as(t))
        start += t.numel()
    return out


def loss_hessian_matvec(loss: torch.Tensor, params: Tensors) -> MatVec:
    """The flat operator v ↦ Hv of ``loss`` with respect to ``params`` (one graph, many products)."""
    params = list(params)
    grads = torch.autograd.grad(loss, params, create_graph=True)

    def matvec(v: torch.Tensor) -> torch.Tensor:
        return flat(hvp(grads, params, unflat(v.to(params[0].dtype), params))).detach()

    return matvec


@dataclass(frozen=True)
class Tridiagonal:
    alpha: torch.Tensor  # (k,) diagonal of T
    beta: torch.Tensor  # (k-1,) off-diagonal of T

    def matrix(self) -> torch.Tensor:
        return torch.diag(self.alpha) + torch.diag(self.beta, 1) + torch.diag(self.beta, -1)

    def ritz(self) -> tuple[torch.Tensor, torch.Tensor]:
        """Ritz values θ (ascending) and quadrature weights τ² (first eigenvector components squared)."""
        values, vectors = torch.linalg.eigh(self.matrix())
        return values, vectors[0] ** 2


def lanczos(matvec: MatVec, start: torch.Tensor, steps: int) -> Tridiagonal:
    """``steps`` Lanczos iterations from ``start`` with full reorthogonalization (float64 basis).
    Stops early at an invariant subspace (β ≈ 0)."""
    v = (start / start.norm()).to(torch.float64)
    basis = [v]
    alphas, betas = [], []
    for k in range(steps):
        w = matvec(basis[-1].to(start.dtype)).to(torch.float64)
        alpha = torch.dot(w, basis[-1])
        alphas.append(alpha)
        stacked = torch.stack(basis)
        w = w - stacked.T @ (stacked @ w)
        w = w - stacked.T @ (stacked @ w)  # twice is enough (Parlett)
        beta = w.norm()
        if k == steps - 1 or beta < 1e-10 * max(1.0, float(alpha.abs())):
            break
        betas.append(beta)
        basis.append(w / beta)
    return Tridiagonal(torch.stack(alphas), torch.stack(betas) if betas else torch.zeros(0, dtype=torch.float64))


@dataclass(frozen=True)
class SpectrumEstimate:
    nodes: torch.Tensor  # (probes, k) Ritz values per probe
    weights: torch.Tensor  # (probes, k) quadrature weights per probe (each row sums to 1)

    @property
    def largest(self) -> float:
        return float(self.nodes.max())

    @property
    def smallest(self) -> float:
        return float(self.nodes.min())

    def moment(self, g: Callable[[torch.Tensor], torch.Tensor]) -> float:
        """Estimate of (1/p) tr g(H), averaged over probes."""
        return float((self.weights * g(self.nodes)).sum(dim=1).mean())


def slq(matvec: MatVec, dim: int, steps: int, probes: int, generator: torch.Generator | None = None,
        device=None, dtype=torch.float32) -> SpectrumEstimate:
    """Stochastic Lanczos quadrature: ``probes`` Rademacher starts, ``steps`` Lanczos steps each.
    Probes that stop early are padded with zero-weight nodes at their largest Ritz value."""
    nodes, weights = [], []
    for _ in range(probes):
        start = torch.randint(0, 2, (dim,), generator=generator, device=device).to(dtype) * 2 - 1
        theta, tau = lanczos(matvec, start, min(steps, dim)).ritz()
        pad = steps - len(theta)
        nodes.append(torch.cat([theta, theta[-1:].expand(pad)]).cpu())
        weights.append(torch.cat([tau, torch.zeros(pad, dtype=tau.dtype, device=tau.device)]).cpu())
    return SpectrumEstimate(torch.stack(nodes), torch.stack(weights))
