"""Reference models for operator learning, 1-D and 2-D: FNO, a plain CNN, a small U-Net, an MLP.

Tensors are (batch, channels, *grid). FNO (Li et al., ICLR 2021): lift by a 1×1 convolution,
L Fourier layers v ← σ(K v + W v) with K a spectral convolution truncated to ``modes`` Fourier
modes per axis, project by a two-layer 1×1 network. Its weights act on Fourier coefficients of
the function (rfft then irfft, so the grid's size cancels), which makes the same parameters a
map between functions at any resolution with more than 2·modes points per axis.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

CONV = {1: nn.Conv1d, 2: nn.Conv2d}
CONV_T = {1: nn.ConvTranspose1d, 2: nn.ConvTranspose2d}


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


class SpectralConv(nn.Module):
    """u ↦ IFFT(R · FFT(u)) on the lowest ``modes`` frequencies per axis (1-D or 2-D).

    The complex weights R are stored as real tensors (..., 2) so safetensors can hold them; in
    2-D there are two blocks, for the non-negative and the negative first-axis frequencies."""

    def __init__(self, dim: int, in_channels: int, out_channels: int, modes: int):
        super().__init__()
        self.dim, self.modes, self.out_channels = dim, modes, out_channels
        scale = 1.0 / (in_channels * out_channels)
        blocks = 1 if dim == 1 else 2
        shape = (blocks, in_channels, out_channels) + (modes,) * dim + (2,)
        self.weight = nn.Parameter(scale * torch.rand(shape))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        w = torch.view_as_complex(self.weight)
        size = x.shape[-self.dim:]
        spectrum = torch.fft.rfftn(x, dim=tuple(range(-self.dim, 0)))
        out = torch.zeros(x.shape[0], self.out_channels, *spectrum.shape[2:], dtype=spectrum.dtype, device=x.device)
        m_last = min(self.modes, spectrum.shape[-1])
        if self.dim == 1:
            out[..., :m_last] = torch.einsum("bix,iox->box", spectrum[..., :m_last], w[0, ..., :m_last])
        else:
            m = min(self.modes, size[0] // 2)
            mix = "bixy,ioxy->boxy"
            out[:, :, :m, :m_last] = torch.einsum(mix, spectrum[:, :, :m, :m_last], w[0, :, :, :m, :m_last])
            out[:, :, -m:, :m_last] = torch.einsum(mix, spectrum[:, :, -m:, :m_last], w[1, :, :, -m:, :m_last])
        return torch.fft.irfftn(out, s=size, dim=tuple(range(-self.dim, 0)))


def grid_channels(x: torch.Tensor, dim: int, periodic: bool) -> torch.Tensor:
    """Coordinates of the grid points as ``dim`` extra channels (in [0, 1))."""
    size = x.shape[-dim:]
    axes = [torch.linspace(0, 1, n + 1 if periodic else n, device=x.device, dtype=x.dtype)[:n] for n in size]
    mesh = torch.meshgrid(*axes, indexing="ij")
    return torch.stack(mesh).unsqueeze(0).expand(x.shape[0], -1, *size)


class FNO(nn.Module):
    def __init__(self, dim: int, in_channels: int, out_channels: int, *, width: int = 32, modes: int = 12,
                 layers: int = 4, projection: int = 128, append_grid: bool = True, periodic: bool = True,
                 padding: int = 0):
        super().__init__()
        self.dim, self.append_grid, self.periodic, self.padding = dim, append_grid, periodic, padding
        conv = CONV[dim]
        self.lift = conv(in_channels + (dim if append_grid else 0), width, 1)
        self.spectral = nn.ModuleList(SpectralConv(dim, width, width, modes) for _ in range(layers))
        self.pointwise = nn.ModuleList(conv(width, width, 1) for _ in range(layers))
        self.project = nn.Sequential(conv(width, projection, 1), nn.GELU(), conv(projection, out_channels, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.append_grid:
            x = torch.cat([x, grid_channels(x, self.dim, self.periodic)], dim=1)
        x = self.lift(x)
        if self.padding:
            x = F.pad(x, (0, self.padding) * self.dim)
        for i, (spectral, pointwise) in enumerate(zip(self.spectral, self.pointwise)):
            x = spectral(x) + pointwise(x)
            if i < len(self.spectral) - 1:
                x = F.gelu(x)
        if self.padding:
            x = x[(..., *[slice(0, -self.padding)] * self.dim)]
        return self.project(x)


class CNN(nn.Module):
    """A plain stack of ``layers`` k-point convolutions with GELU between them."""

    def __init__(self, dim: int, in_channels: int, out_channels: int, *, width: int = 32, kernel: int = 5,
                 layers: int = 3, padding_mode: str = "circular"):
        super().__init__()
        sizes = [in_channels] + [width] * (layers - 1) + [out_channels]
        self.convs = nn.ModuleList(
            CONV[dim](a, b, kernel, padding=kernel // 2, padding_mode=padding_mode) for a, b in zip(sizes, sizes[1:])
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, conv in enumerate(self.convs):
            x = conv(x)
            if i < len(self.convs) - 1:
                x = F.gelu(x)
        return x


def conv_block(dim: int, a: int, b: int, padding_mode: str) -> nn.Sequential:
    conv = CONV[dim]
    return nn.Sequential(conv(a, b, 3, padding=1, padding_mode=padding_mode), nn.GELU(),
                         conv(b, b, 3, padding=1, padding_mode=padding_mode), nn.GELU())


class UNet(nn.Module):
    """A small U-Net: ``depth`` levels of two 3-point convolutions, average-pool down, transposed
    convolution up, skip connections; channels double per level. The grid must divide by 2^depth."""

    def __init__(self, dim: int, in_channels: int, out_channels: int, *, width: int = 16, depth: int = 2,
                 padding_mode: str = "zeros"):
        super().__init__()
        self.dim, self.depth = dim, depth
        widths = [width * 2**i for i in range(depth + 1)]
        self.down = nn.ModuleList([conv_block(dim, in_channels, widths[0], padding_mode)] + [
            conv_block(dim, widths[i], widths[i + 1], padding_mode) for i in range(depth)])
        self.up = nn.ModuleList(CONV_T[dim](widths[i + 1], widths[i], 2, stride=2) for i in reversed(range(depth)))
        self.merge = nn.ModuleList(conv_block(dim, 2 * widths[i], widths[i], padding_mode) for i in reversed(range(depth)))
        self.out = CONV[dim](widths[0], out_channels, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if any(n % 2**self.depth for n in x.shape[2:]):
            raise ValueError(f"U-Net of depth {self.depth} needs a grid divisible by {2**self.depth}")
        pool = F.avg_pool1d if self.dim == 1 else F.avg_pool2d
        skips = []
        for i, block in enumerate(self.down):
            x = block(x if i == 0 else pool(x, 2))
            skips.append(x)
        skips.pop()
        for up, merge in zip(self.up, self.merge):
            x = merge(torch.cat([up(x), skips.pop()], dim=1))
        return self.out(x)


class MLP(nn.Module):
    """A fully connected network on the flattened grid: tied to one resolution by construction."""

    def __init__(self, in_shape: tuple[int, ...], out_shape: tuple[int, ...], *, hidden: int = 256, layers: int = 3):
        super().__init__()
        self.in_shape, self.out_shape = tuple(in_shape), tuple(out_shape)
        sizes = [math.prod(in_shape)] + [hidden] * (layers - 1) + [math.prod(out_shape)]
        mods: list[nn.Module] = []
        for i, (a, b) in enumerate(zip(sizes, sizes[1:])):
            mods.append(nn.Linear(a, b))
            if i < len(sizes) - 2:
                mods.append(nn.GELU())
        self.net = nn.Sequential(*mods)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if tuple(x.shape[1:]) != self.in_shape:
            raise ValueError(f"this MLP takes inputs of shape {self.in_shape}, not {tuple(x.shape[1:])}")
        return self.net(x.flatten(1)).reshape(x.shape[0], *self.out_shape)


class Rescaled(nn.Module):
    """x ↦ model((x - in_shift) / in_scale) · out_scale + out_shift, with scalar (resolution-free)
    statistics of the training data, so the wrapped model works on unit-size values."""

    def __init__(self, model: nn.Module, in_shift: float, in_scale: float, out_shift: float, out_scale: float):
        super().__init__()
        self.model = model
        self.in_shift, self.in_scale, self.out_shift, self.out_scale = in_shift, in_scale, out_shift, out_scale

    @classmethod
    def fitted(cls, model: nn.Module, inputs: torch.Tensor, outputs: torch.Tensor, center: bool = True) -> Rescaled:
        shift = (lambda t: float(t.mean())) if center else (lambda t: 0.0)
        return cls(model, shift(inputs), float(inputs.std()), shift(outputs), float(outputs.std()))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model((x - self.in_shift) / self.in_scale) * self.out_scale + self.out_shift
