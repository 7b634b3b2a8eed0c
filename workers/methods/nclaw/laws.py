"""Constitutive laws F ↦ P in 2-D: the ground-truth fixed-corotated law, the NCLaw network with its
physical priors, and the prior-free plain network.

Fixed corotated: Ψ = μ ||F − R||² + λ/2 (J − 1)², P = 2μ (F − R) + λ (J − 1) J F⁻ᵀ, with R the
rotation of the polar decomposition F = R S (closed form in 2-D, smooth for det F > 0).

NCLaw (Ma et al., ICML 2023, ``InvariantFullMetaElasticity``): features that vanish at F = I and are
invariant to F ↦ QF, an MLP without biases → M, and P = R sym(M). Hence P(I) = 0 exactly and
P(QF) = Q P(F) for every rotation Q. The 2-D features are (FᵀF − I, J − 1, tr S − 2): smooth
symmetric functions in place of the paper's singular values σ − 1 (whose SVD gradient is singular
at F = I).
"""
from __future__ import annotations

import copy

import torch
from torch import nn


def polar_rotation(f: torch.Tensor) -> torch.Tensor:
    """R (..., 2, 2) of F = R S in 2-D: the rotation by atan2(F10 − F01, F00 + F11)."""
    angle = torch.atan2(f[..., 1, 0] - f[..., 0, 1], f[..., 0, 0] + f[..., 1, 1])
    c, s = torch.cos(angle), torch.sin(angle)
    return torch.stack([torch.stack([c, -s], -1), torch.stack([s, c], -1)], -2)


def sym(m: torch.Tensor) -> torch.Tensor:
    return 0.5 * (m + m.transpose(-1, -2))


class Corotated(nn.Module):
    """The ground-truth law (and the oracle)."""

    def __init__(self, mu: float, lam: float):
        super().__init__()
        self.mu, self.lam = float(mu), float(lam)

    def energy(self, f: torch.Tensor) -> torch.Tensor:
        j = torch.linalg.det(f)
        return self.mu * ((f - polar_rotation(f)) ** 2).sum(dim=(-1, -2)) + 0.5 * self.lam * (j - 1) ** 2

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        j = torch.linalg.det(f)[..., None, None]
        cofactor = torch.stack([torch.stack([f[..., 1, 1], -f[..., 1, 0]], -1),
                                torch.stack([-f[..., 0, 1], f[..., 0, 0]], -1)], -2)  # J F⁻ᵀ
        return 2 * self.mu * (f - polar_rotation(f)) + self.lam * (j - 1) * cofactor


def invariant_features(f: torch.Tensor) -> torch.Tensor:
    """(FᵀF − I (4 entries), J − 1, tr(RᵀF) − 2): zero at F = I, unchanged by F ↦ QF."""
    eye = torch.eye(2, dtype=f.dtype, device=f.device)
    c = f.transpose(-1, -2) @ f - eye
    stretch = (polar_rotation(f).transpose(-1, -2) @ f).diagonal(dim1=-2, dim2=-1).sum(-1)
    return torch.cat([c.flatten(-2), (torch.linalg.det(f) - 1)[..., None], (stretch - 2)[..., None]], dim=-1)


def unbiased_mlp(inputs: int, width: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, width, bias=False), nn.GELU(), nn.Linear(width, width, bias=False),
                         nn.GELU(), nn.Linear(width, outputs, bias=False))


class NCLaw(nn.Module):
    """P = R sym(M(features)) · scale, an MLP without biases: the priors hold by construction."""

    def __init__(self, width: int, scale: float):
        super().__init__()
        self.net = unbiased_mlp(6, width, 4)
        self.scale = float(scale)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        m = self.net(invariant_features(f)).reshape(*f.shape[:-2], 2, 2)
        return polar_rotation(f) @ sym(m) * self.scale


class PlainLaw(nn.Module):
    """The prior-free ablation: an MLP (with biases) from F − I to P."""

    def __init__(self, width: int, scale: float):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(4, width), nn.GELU(), nn.Linear(width, width), nn.GELU(), nn.Linear(width, 4))
        self.scale = float(scale)

    def forward(self, f: torch.Tensor) -> torch.Tensor:
        eye = torch.eye(2, dtype=f.dtype, device=f.device)
        return self.net((f - eye).flatten(-2)).reshape(f.shape) * self.scale


def prior_violation(law: nn.Module, samples: int = 64, seed: int = 0) -> float:
    """max(|P(I)|, max_F |P(QF) − Q P(F)|) over random F near I and rotations Q, in units of the law's
    scale, evaluated in float64 (float32 rounding alone is about 1e-7)."""
    law = copy.deepcopy(law).double()
    generator = torch.Generator().manual_seed(seed)
    param = next(law.parameters())
    f = torch.eye(2, dtype=param.dtype) + 0.3 * torch.randn(samples, 2, 2, generator=generator, dtype=param.dtype)
    angle = 2 * torch.pi * torch.rand(samples, generator=generator, dtype=param.dtype)
    q = torch.stack([torch.stack([angle.cos(), -angle.sin()], -1), torch.stack([angle.sin(), angle.cos()], -1)], -2)
    f, q = f.to(param.device), q.to(param.device)
    with torch.no_grad():
        at_identity = law(torch.eye(2, dtype=param.dtype, device=param.device)[None]).abs().max()
        equivariance = (law(q @ f) - q @ law(f)).abs().max()
    return float(max(at_identity, equivariance)) / law.scale
