"""The AdaHessian update (Yao et al., AAAI 2021, Algorithm 1; official ``optim_adahessian.py``).

    g = ∇L_B(θ);  D = |z ⊙ Hz| = |Hz| (z Rademacher, |z_i| = 1)          Hutchinson diagonal
    D ← spatial average of D (conv kernel: mean over its k×k positions)
    m ← β1 m + (1−β1) g;   v ← β2 v + (1−β2) D²                          Hessian momentum
    θ ← θ − η ( m/(1−β1^t) / ( (√v / √(1−β2^t))^k + ε ) + λ θ )
"""
from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Literal

import torch

from ..shared.hessian import hvp, rademacher_like

SpatialAveraging = Literal["conv", "conv+linear", "none"]


def spatial_average(diagonal: torch.Tensor, mode: SpatialAveraging) -> torch.Tensor:
    """Average the diagonal estimate over a block: a 4-D conv kernel over its spatial dims (2, 3);
    with ``conv+linear`` also a 2-D weight over its input dim (1). Others are left as they are."""
    if mode != "none" and diagonal.dim() == 4:
        return diagonal.mean(dim=(2, 3), keepdim=True).expand_as(diagonal)
    if mode == "conv+linear" and diagonal.dim() == 2:
        return diagonal.mean(dim=1, keepdim=True).expand_as(diagonal)
    return diagonal


class AdaHessian(torch.optim.Optimizer):
    """Call ``step(loss)``: it takes the gradient and one Hessian-vector product itself."""

    def __init__(self, params: Iterable[torch.nn.Parameter], lr: float = 0.15, betas=(0.9, 0.999),
                 eps: float = 1e-4, weight_decay: float = 0.0, hessian_power: float = 1.0,
                 spatial: SpatialAveraging = "conv", generator: torch.Generator | None = None):
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay, hessian_power=hessian_power)
        super().__init__(params, defaults)
        self.spatial = spatial
        self.generator = generator

    def params(self) -> list[torch.nn.Parameter]:
        return [p for group in self.param_groups for p in group["params"] if p.requires_grad]

    def hessian_diagonal(self, loss: torch.Tensor) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
        """The gradient and the spatially averaged |Hz| of ``loss`` (one Rademacher sample)."""
        params = self.params()
        grads = torch.autograd.grad(loss, params, create_graph=True)
        products = hvp(grads, params, rademacher_like(params, self.generator))
        diagonals = [spatial_average(h.detach().abs(), self.spatial) for h in products]
        return [g.detach() for g in grads], diagonals

    @torch.no_grad()
    def apply(self, grads: list[torch.Tensor], diagonals: list[torch.Tensor]) -> None:
        params = iter(zip(self.params(), grads, diagonals))
        for group in self.param_groups:
            beta1, beta2 = group["betas"]
            k = group["hessian_power"]
            for p in group["params"]:
                if not p.requires_grad:
                    continue
                _, g, d = next(params)
                state = self.state[p]
                if not state:
                    state.update(step=0, exp_avg=torch.zeros_like(p), exp_hessian_diag_sq=torch.zeros_like(p))
                state["step"] += 1
                state["exp_avg"].mul_(beta1).add_(g, alpha=1 - beta1)
                state["exp_hessian_diag_sq"].mul_(beta2).addcmul_(d, d, value=1 - beta2)
                correction1 = 1 - beta1 ** state["step"]
                correction2 = 1 - beta2 ** state["step"]
                denom = (state["exp_hessian_diag_sq"].sqrt() ** k) / math.sqrt(correction2) ** k + group["eps"]
                p.sub_(group["lr"] * (state["exp_avg"] / correction1 / denom + group["weight_decay"] * p))

    def step(self, loss: torch.Tensor) -> None:  # type: ignore[override]
        self.apply(*self.hessian_diagonal(loss))


def make_stepper(name: str, params: list[torch.nn.Parameter], lr: float, *, momentum: float = 0.9,
                 spatial: SpatialAveraging = "conv", generator: torch.Generator | None = None
                 ) -> Callable[[torch.Tensor], None]:
    """One training step ``step(loss)`` for AdaHessian or its baselines (Adam, SGD with momentum)."""
    if name == "adahessian":
        return AdaHessian(params, lr=lr, spatial=spatial, generator=generator).step
    optimizer = {"adam": lambda: torch.optim.Adam(params, lr=lr),
                 "sgd": lambda: torch.optim.SGD(params, lr=lr, momentum=momentum)}[name]()

    def step(loss: torch.Tensor) -> None:
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    return step
