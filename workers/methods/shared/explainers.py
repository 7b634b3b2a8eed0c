"""Post-hoc explainers as local function approximation (Han, Srinivas, Lakkaraju, NeurIPS 2022).

Each explainer returns a local linear model of a black box f at x0, either in input space
(``space="x"``: g(x0 + eps) = w . eps + b) or in the binary interpretable space of masks
(``space="z"``: g(z) = w . z + b, the input being z * x0 + (1 - z) * baseline). They differ only in
the neighbourhood and the loss:

    VanillaGrad  grad f(x0)                                    (SmoothGrad with sigma -> 0)
    Grad x Input grad f(x0) * x0                                (VanillaGrad read in z-space)
    SmoothGrad   E grad f(x0 + sigma eps)                       (gradient matching, Gaussian)
    C-LIME       least squares of f(x0 + sigma eps) on eps      (squared loss, Gaussian)
    IntegGrad    E_alpha grad f(baseline + alpha (x0 - baseline)) * (x0 - baseline)   (gradient matching, path)
    LIME         weighted least squares on masks z ~ Bernoulli(1/2), weight exp(-|1-z|_1 / (d kappa^2))
    KernelSHAP   weighted least squares on masks with the Shapley kernel (0 < |z| < d)
    Occlusion    w_i = f(x0) - f(x0 with feature i at its baseline)

``f`` is a callable on a (N, d) tensor returning (N,). Everything is batched torch.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

Model = Callable[[torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Explanation:
    space: str  # "x" or "z"
    weights: torch.Tensor  # (d,)


def gradients(f: Model, points: torch.Tensor) -> torch.Tensor:
    x = points.detach().clone().requires_grad_(True)
    (grad,) = torch.autograd.grad(f(x).sum(), x)
    return grad.detach()


def weighted_least_squares(features: torch.Tensor, targets: torch.Tensor, weights: torch.Tensor | None = None) -> torch.Tensor:
    """Slopes of argmin_{w, b} sum_k weights_k (targets_k - w . features_k - b)^2 (intercept dropped)."""
    design = torch.cat([features, torch.ones_like(features[:, :1])], dim=1)
    root = torch.ones_like(targets) if weights is None else weights.sqrt()
    solution = torch.linalg.lstsq(design * root[:, None], (targets * root)[:, None]).solution
    return solution[:-1, 0]


def vanilla_gradient(f: Model, x0: torch.Tensor) -> Explanation:
    return Explanation("x", gradients(f, x0[None])[0])


def gradient_times_input(f: Model, x0: torch.Tensor, baseline: torch.Tensor) -> Explanation:
    return Explanation("z", gradients(f, x0[None])[0] * (x0 - baseline))


def smoothgrad(f: Model, x0: torch.Tensor, noise: torch.Tensor) -> Explanation:
    """``noise`` (N, d) already scaled by sigma."""
    return Explanation("x", gradients(f, x0 + noise).mean(0))


def c_lime(f: Model, x0: torch.Tensor, noise: torch.Tensor) -> Explanation:
    with torch.no_grad():
        return Explanation("x", weighted_least_squares(noise, f(x0 + noise)))


def integrated_gradients(f: Model, x0: torch.Tensor, baseline: torch.Tensor, steps: int) -> Explanation:
    alphas = (torch.arange(steps, dtype=x0.dtype, device=x0.device) + 0.5) / steps  # midpoint rule
    path = baseline + alphas[:, None] * (x0 - baseline)
    return Explanation("z", gradients(f, path).mean(0) * (x0 - baseline))


def masked_inputs(x0: torch.Tensor, baseline: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    return masks * x0 + (1.0 - masks) * baseline


def lime_weights(masks: torch.Tensor, kernel_width: float) -> torch.Tensor:
    removed_share = (1.0 - masks).sum(1) / masks.shape[1]
    return torch.exp(-removed_share / kernel_width**2)


def shapley_weights(masks: torch.Tensor) -> torch.Tensor:
    """(d - 1) / (C(d, |z|) |z| (d - |z|)); zero at the empty and the full coalition."""
    d = masks.shape[1]
    size = masks.sum(1)
    inner = (size > 0) & (size < d)
    safe = size.clamp(1, d - 1)
    log_binom = torch.lgamma(torch.tensor(d + 1.0, dtype=masks.dtype, device=masks.device)) - torch.lgamma(safe + 1) - torch.lgamma(d - safe + 1)
    weight = (d - 1) / (torch.exp(log_binom) * safe * (d - safe))
    return torch.where(inner, weight, torch.zeros_like(weight))


def lime(f: Model, x0: torch.Tensor, baseline: torch.Tensor, masks: torch.Tensor, kernel_width: float) -> Explanation:
    with torch.no_grad():
        targets = f(masked_inputs(x0, baseline, masks))
        return Explanation("z", weighted_least_squares(masks, targets, lime_weights(masks, kernel_width)))


def shapley_masks(count: int, d: int, generator: torch.Generator, dtype=torch.float64, device="cpu") -> torch.Tensor:
    """KernelSHAP's sampling: a coalition size s with probability proportional to (d-1)/(s(d-s)),
    then a uniform subset of that size (the Shapley kernel then weighs the samples uniformly)."""
    sizes = torch.arange(1, d, dtype=dtype, device=device)
    drawn = torch.multinomial((d - 1) / (sizes * (d - sizes)), count, replacement=True, generator=generator) + 1
    ranks = torch.rand(count, d, generator=generator, dtype=dtype, device=device).argsort(1).argsort(1)
    return (ranks < drawn[:, None]).to(dtype)


def kernel_shap(f: Model, x0: torch.Tensor, baseline: torch.Tensor, masks: torch.Tensor) -> Explanation:
    """Masks drawn by ``shapley_masks``: plain least squares on them is the Shapley-kernel fit."""
    with torch.no_grad():
        return Explanation("z", weighted_least_squares(masks, f(masked_inputs(x0, baseline, masks))))


def occlusion(f: Model, x0: torch.Tensor, baseline: torch.Tensor) -> Explanation:
    d = x0.shape[0]
    masks = 1.0 - torch.eye(d, dtype=x0.dtype, device=x0.device)
    with torch.no_grad():
        return Explanation("z", f(x0[None])[0] - f(masked_inputs(x0, baseline, masks)))


def all_masks(d: int, dtype=torch.float64, device="cpu") -> torch.Tensor:
    """Every z in {0, 1}^d, (2^d, d)."""
    codes = torch.arange(2**d, device=device)
    return ((codes[:, None] >> torch.arange(d, device=device)) & 1).to(dtype)


def as_space(explanation: Explanation, space: str, x0: torch.Tensor, baseline: torch.Tensor) -> torch.Tensor:
    """w in the asked space: z-weights are x-weights times (x0 - baseline), and back."""
    if explanation.space == space:
        return explanation.weights
    scale = x0 - baseline
    if space == "z":
        return explanation.weights * scale
    return explanation.weights / torch.where(scale.abs() > 1e-12, scale, torch.full_like(scale, 1e-12))


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a @ b) / (a.norm() * b.norm()).clamp_min(1e-300))


def unexplained_share(targets: torch.Tensor, predicted: torch.Tensor, weights: torch.Tensor | None = None) -> float:
    """Weighted variance of f - g over weighted variance of f (the best intercept is free): 0 is perfect."""
    w = torch.ones_like(targets) if weights is None else weights
    w = w / w.sum()

    def variance(v: torch.Tensor) -> torch.Tensor:
        return (w * (v - (w * v).sum()) ** 2).sum()

    return float(variance(targets - predicted) / variance(targets).clamp_min(1e-300))

