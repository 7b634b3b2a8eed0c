"""Loss-term weights of a PINN: fixed, learning-rate annealing, or residual-based attention.

* ``fixed``: each term keeps the weight it was declared with.
* ``lra`` (Wang, Teng & Perdikaris, SIAM J. Sci. Comput. 43 (2021) A3055, Algorithm 1): the first
  squared term (the PDE residual) is the reference; every ``update_every`` steps each other term's
  weight moves towards λ̂_i = max_θ |∇_θ L_ref| / mean_θ |∇_θ L_i|, λ_i ← (1 − α) λ_i + α λ̂_i, so a
  term whose gradients are small next to the residual's gets a larger weight.
* ``grad_norm`` (Wang et al., "An expert's guide to training PINNs", arXiv 2308.08468, Sec. 4.1): the
  same moving average towards λ̂_i = ||∇_θ L_ref|| / ||∇_θ L_i||, which balances the norms of the
  weighted gradients instead of the reference's largest entry against the term's mean entry.
* ``rba`` (Anagnostopoulos et al., CMAME 421 (2024) 116805): a weight per collocation point of each
  term with fixed points, λ_j ← γ λ_j + η |r_j| / max_k |r_k| at every Adam step; the term's loss is
  mean((λ_j r_j)²), so the points with the largest residuals get the most attention.

During L-BFGS all weights are frozen (the line search needs one fixed objective).
"""
from __future__ import annotations

from typing import Any, Mapping, Sequence

import torch
from torch import Tensor, nn

WEIGHTINGS = ("fixed", "lra", "grad_norm", "rba")


class TermWeights:
    def __init__(self, terms: Sequence[Any], schedule: Any):
        self.mode = schedule.weighting
        if self.mode not in WEIGHTINGS:
            raise ValueError(f"unknown weighting {self.mode!r}; known: {', '.join(WEIGHTINGS)}")
        self.alpha = schedule.alpha
        self.decay, self.rate = schedule.rba_decay, schedule.rba_rate
        self._weights = {t.name: float(t.weight) for t in terms}
        squared = [t.name for t in terms if t.reduce == "mse"]
        self.reference = squared[0] if squared else None
        self._per_point_terms = {t.name for t in terms if t.reduce == "mse" and not (t.resample and callable(t.points))}
        self._per_point: dict[str, Tensor] = {}
        self.frozen = False

    def value(self, name: str) -> float:
        return self._weights[name]

    def values(self) -> dict[str, float]:
        return dict(self._weights)

    def freeze(self) -> None:
        self.frozen = True

    def point_weights(self, name: str, residual: Tensor) -> Tensor | float:
        """The per-point multipliers of a term's residual (1 unless rba applies to it)."""
        if self.mode != "rba" or name not in self._per_point_terms:
            return 1.0
        current = self._per_point.get(name)
        if current is None or current.shape != residual.shape:
            current = torch.ones_like(residual).detach()
        if not self.frozen:
            size = residual.detach().abs()
            current = self.decay * current + self.rate * size / size.max().clamp_min(1e-30)
        self._per_point[name] = current
        return current

    def update(self, model: nn.Module, losses: Mapping[str, Tensor]) -> None:
        """One gradient-balancing update (lra or grad_norm; a no-op for fixed and rba)."""
        if self.mode not in ("lra", "grad_norm") or self.frozen or self.reference is None or len(losses) < 2:
            return
        params = [p for p in model.parameters() if p.requires_grad]
        size = (lambda g: g.abs().mean()) if self.mode == "lra" else torch.linalg.vector_norm
        ref_grads = _flat_grad(losses[self.reference], params)
        top = float(ref_grads.abs().max() if self.mode == "lra" else torch.linalg.vector_norm(ref_grads))
        for name, loss in losses.items():
            if name == self.reference or not loss.requires_grad:
                continue
            own = float(size(_flat_grad(loss, params)))
            if own > 0 and top > 0:
                self._weights[name] = (1 - self.alpha) * self._weights[name] + self.alpha * top / own


def _flat_grad(loss: Tensor, params: Sequence[Tensor]) -> Tensor:
    grads = torch.autograd.grad(loss, params, retain_graph=True, allow_unused=True)
    return torch.cat([(g if g is not None else torch.zeros_like(p)).reshape(-1) for g, p in zip(grads, params)])
