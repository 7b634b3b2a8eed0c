"""Evaluating a network trained at resolution N0 at another resolution N = s·N0, three ways.

Berner et al. 2025 (arXiv:2506.10973; ``InterpConv2d`` in neuraloperator/NNs-to-NOs) read a
k-point convolution as the discretization of an integral operator ∫ κ(x - y) v(y) dy whose
kernel κ lives in physical units. At a finer (or coarser) grid the same κ spans
k' = s(k - 1) + 1 points, so

    W' = interp(W → k' points) / (k'/k)^d,     padding' = s · padding,

(linear / bilinear interpolation through the original taps, the division keeping ∫ κ roughly
fixed: k'/k = s - (s-1)/k tends to s for wide kernels);
1×1 convolutions, biases and activations are unchanged. Competitors: the same pixel kernels at
the new grid ("plain"), and resampling the input to N0, applying the network there and
resampling the output back ("in-out interpolation", Fourier resampling on the torus).
"""
from __future__ import annotations

import copy
from fractions import Fraction

import torch
import torch.nn.functional as F
from torch import nn

from ..shared.operators.spectral import fourier_resample

INTERP_MODE = {1: "linear", 2: "bilinear"}


def interpolated_kernel_size(kernel: int, scale: Fraction) -> int:
    """k' = s(k - 1) + 1, which must be a whole odd number of points."""
    size = scale * (kernel - 1) + 1
    if size.denominator != 1 or size < 1:
        raise ValueError(f"a {kernel}-point kernel has no interpolation at scale {scale}")
    return int(size)


def interpolate_kernel(weight: torch.Tensor, size: int) -> torch.Tensor:
    """W (out, in, k[, k]) resized to ``size`` points per axis through its taps, divided by (size/k)^d."""
    dim, kernel = weight.ndim - 2, weight.shape[-1]
    if size == kernel:
        return weight.clone()
    resized = F.interpolate(weight, size=(size,) * dim, mode=INTERP_MODE[dim], align_corners=True)
    return resized / (size / kernel) ** dim


def rescale_conv(conv: nn.Module, scale: Fraction) -> None:
    """Turn a trained k-point convolution (k > 1) into its resolution-``scale`` version, in place."""
    kernel = conv.kernel_size[0]
    if kernel == 1:
        return
    size = interpolated_kernel_size(kernel, scale)
    with torch.no_grad():
        conv.weight = nn.Parameter(interpolate_kernel(conv.weight.data, size))
    conv.kernel_size = (size,) * (conv.weight.ndim - 2)
    conv.padding = (size // 2,) * (conv.weight.ndim - 2)
    conv._reversed_padding_repeated_twice = [size // 2] * (2 * (conv.weight.ndim - 2))


def kernel_interpolated(model: nn.Module, train_resolution: int, resolution: int) -> nn.Module:
    """A copy of ``model`` whose convolutions act on a grid of ``resolution`` points per axis."""
    scale = Fraction(resolution, train_resolution)
    converted = copy.deepcopy(model)
    for module in converted.modules():
        if isinstance(module, (nn.Conv1d, nn.Conv2d)):
            rescale_conv(module, scale)
    return converted


class InOutInterpolated(nn.Module):
    """Resample the input to the training grid, apply the model, resample the output back."""

    def __init__(self, model: nn.Module, train_resolution: int, dim: int):
        super().__init__()
        self.model, self.train_resolution, self.dim = model, train_resolution, dim

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[-1]
        y = self.model(fourier_resample(x, self.train_resolution, self.dim))
        return fourier_resample(y, n, self.dim)
