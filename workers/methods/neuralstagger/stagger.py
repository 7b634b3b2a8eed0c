"""NeuralStagger's decomposition and its physics-constrained loss on 2-D vorticity (torus).

Spatial staggering with factor s: the fine field ω (n × n) splits into s² coarse fields
ω^{(i,j)} = ω[i::s, j::s], stacked as channels (space-to-channel, ``pixel_unshuffle``); the
inverse (``pixel_shuffle``) puts every coarse value back in its place, so the decomposition is a
permutation and round-trips exactly. Temporal staggering with factor s_T: one call of the coarse
solver outputs the next s_T states. A solver sees the s² coarse fields of the current state and
outputs s_T · s² coarse fields (increments added to the current state), which reassemble to
s_T fine states. s = s_T = 1 is the vanilla physics-constrained solver.

Physics loss (no simulation data): the Crank–Nicolson residual of each predicted step on the
fine grid, spectral and dealiased as the kit's solver (``VorticityStepper``),

    R_k = ω_k - ω_{k-1} - Δt [ ½ (A(ω_k) + A(ω_{k-1})) + ½ ν Δ(ω_k + ω_{k-1}) ],   A(ω) = -u·∇ω,

summed over the s_T steps and divided by ||ω_0||² (Huang et al., ICML 2023, Sec. 3; the
"vanilla physics-constrained loss" on the fine grid, here with CN time discretization).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from ..shared.operators.models import CNN
from ..shared.operators.navier_stokes import VorticityStepper


def space_to_channel(w: torch.Tensor, s: int) -> torch.Tensor:
    """(B, n, n) -> (B, s², n/s, n/s); channel i·s + j holds w[i::s, j::s]."""
    return F.pixel_unshuffle(w[:, None], s)


def channel_to_space(c: torch.Tensor, s: int) -> torch.Tensor:
    """The inverse of ``space_to_channel``: (B, s², m, m) -> (B, n, n)."""
    return F.pixel_shuffle(c, s)[:, 0]


class StaggeredSolver(nn.Module):
    """One coarse solver for all s² spatial subtasks and s_T temporal ones: ω_t -> (ω_{t+1}, ..., ω_{t+s_T})."""

    def __init__(self, space: int, time: int, *, width: int = 32, kernel: int = 5, layers: int = 4, scale: float = 1.0):
        super().__init__()
        self.space, self.time, self.scale = space, time, scale
        self.net = CNN(2, space**2, time * space**2, width=width, kernel=kernel, layers=layers)

    def forward(self, w: torch.Tensor) -> torch.Tensor:
        """(B, n, n) -> (B, s_T, n, n)."""
        coarse = space_to_channel(w / self.scale, self.space)
        increments = self.net(coarse).reshape(len(w), self.time, self.space**2, *coarse.shape[-2:])
        frames = coarse[:, None] + increments.cumsum(dim=1)
        flat = frames.reshape(len(w) * self.time, *frames.shape[2:])
        return channel_to_space(flat, self.space).reshape(len(w), self.time, *w.shape[-2:]) * self.scale


class PhysicsLoss:
    """Crank–Nicolson residual of consecutive vorticity frames (float64 spectral)."""

    def __init__(self, n: int, nu: float, dt: float, device):
        self.stepper = VorticityStepper(n, nu, device)
        self.nu, self.dt = nu, dt

    def residual(self, before: torch.Tensor, after: torch.Tensor) -> torch.Tensor:
        """R̂ for fields (B, n, n) -> spectra (B, n, n//2+1)."""
        st = self.stepper
        a_hat, b_hat = torch.fft.rfft2(before.double()), torch.fft.rfft2(after.double())
        advection = 0.5 * (st.slope(a_hat) + st.slope(b_hat))
        diffusion = -0.5 * self.nu * st.lap * (a_hat + b_hat)
        return (b_hat - a_hat) - self.dt * (advection + diffusion)

    def __call__(self, start: torch.Tensor, frames: torch.Tensor) -> torch.Tensor:
        """Per-sample loss of predicted ``frames`` (B, s_T, n, n) after ``start`` (B, n, n)."""
        previous, total = start, 0.0
        for k in range(frames.shape[1]):
            r = torch.fft.irfft2(self.residual(previous, frames[:, k]), s=start.shape[-2:])
            total = total + (r**2).flatten(1).sum(1)
            previous = frames[:, k]
        return total / (start.double() ** 2).flatten(1).sum(1).clamp_min(1e-12)
