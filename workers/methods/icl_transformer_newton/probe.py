"""Reading a prediction out of every layer of the Transformer (Fu et al., Sec. 4).

Probe: for each layer ℓ (0 = embeddings, L = last block) a linear map h ↦ θ_ℓᵀ[h; 1] from the residual
stream at the token of x_i to y_i, fitted by ridge least squares on probe-training prompts (the
model is frozen), then applied to separate evaluation prompts: ŷ_ℓ. See similarity.py for SimE.
"""
from __future__ import annotations

import torch

from .model import ICLTransformer

RIDGE = 1e-6  # relative to the mean diagonal of the probe's Gram matrix
CHUNK = 256


def _features(state: torch.Tensor) -> torch.Tensor:
    """(c, n, e) residual stream → (c·n, e+1) float64 rows [h; 1]."""
    rows = state.reshape(-1, state.shape[-1]).double()
    return torch.cat((rows, torch.ones_like(rows[:, :1])), dim=1)


@torch.no_grad()
def fit_probes(model: ICLTransformer, xs: torch.Tensor, ys: torch.Tensor) -> list[torch.Tensor]:
    """θ_ℓ (e+1,) per layer from the normal equations, accumulated chunk by chunk in float64."""
    model.eval()
    gram = rhs = None
    for start in range(0, xs.shape[0], CHUNK):
        states = model.hidden_states(xs[start : start + CHUNK], ys[start : start + CHUNK])
        target = ys[start : start + CHUNK].reshape(-1).double()
        feats = torch.stack([_features(s) for s in states])  # (L+1, rows, e+1)
        chunk_gram, chunk_rhs = feats.transpose(1, 2) @ feats, feats.transpose(1, 2) @ target
        gram = chunk_gram if gram is None else gram + chunk_gram
        rhs = chunk_rhs if rhs is None else rhs + chunk_rhs
    scale = torch.diagonal(gram, dim1=1, dim2=2).mean(dim=1)
    eye = torch.eye(gram.shape[-1], dtype=gram.dtype, device=gram.device)
    return list(torch.linalg.solve(gram + RIDGE * scale[:, None, None] * eye, rhs.unsqueeze(-1)).squeeze(-1))


@torch.no_grad()
def layer_predictions(model: ICLTransformer, probes: list[torch.Tensor], xs: torch.Tensor, ys: torch.Tensor):
    """(probe predictions (L+1, B, n), the model's own output (B, n)) as float64 numpy arrays."""
    model.eval()
    per_layer, own = [], []
    for start in range(0, xs.shape[0], CHUNK):
        states = model.hidden_states(xs[start : start + CHUNK], ys[start : start + CHUNK])
        shape = states[0].shape[:2]
        per_layer.append(torch.stack([(_features(s) @ theta).reshape(shape) for s, theta in zip(states, probes)]))
        own.append(model.head(states[-1]).double())
    return torch.cat(per_layer, dim=1).cpu().numpy(), torch.cat(own).cpu().numpy()


