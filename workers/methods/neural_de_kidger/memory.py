"""Sub-claim B: peak memory of the backward pass vs the number of solver steps, continuous adjoint
vs backprop through the solver, on the same neural ODE and the same batch.

Memory is read two ways: the bytes autograd holds for backward at their peak (``SavedTensorMeter``,
any device), and, on CUDA, ``torch.cuda.max_memory_allocated`` above the memory in use before the
forward pass. The claim reads the CUDA numbers when the run has a GPU, else the meter's.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import nn

from ..shared.adjoint import SavedTensorMeter, odeint_adjoint_rk4, rk4_solve


class ODEField(nn.Module):
    def __init__(self, dim: int, width: int):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(dim, width), nn.Tanh(), nn.Linear(width, dim))

    def forward(self, t: float, y: torch.Tensor) -> torch.Tensor:
        return self.net(y)


SOLVES = {"backprop": rk4_solve, "adjoint": odeint_adjoint_rk4}


@dataclass
class MemoryScan:
    steps: list[int] = field(default_factory=list)
    saved_bytes: dict[str, list[int]] = field(default_factory=lambda: {n: [] for n in SOLVES})
    cuda_bytes: dict[str, list[int]] = field(default_factory=lambda: {n: [] for n in SOLVES})
    gradient_gap: list[float] = field(default_factory=list)  # relative ‖g_adj − g_bp‖ / ‖g_bp‖


def _cuda_peak_of(device: torch.device, work) -> tuple[object, int]:
    if device.type != "cuda":
        return work(), 0
    torch.cuda.synchronize(device)
    before = torch.cuda.memory_allocated(device)
    torch.cuda.reset_peak_memory_stats(device)
    out = work()
    torch.cuda.synchronize(device)
    return out, torch.cuda.max_memory_allocated(device) - before


def one_backward(field_: ODEField, y0: torch.Tensor, steps: int, solve) -> tuple[torch.Tensor, int, int]:
    """The flat parameter gradient, the meter's peak and the CUDA peak of one forward + backward."""
    params = list(field_.parameters())

    def work():
        with SavedTensorMeter() as meter:
            loss = solve(field_, y0, 0.0, 1.0, steps).pow(2).mean()
            grads = torch.autograd.grad(loss, params)
        return torch.cat([g.reshape(-1) for g in grads]), meter.peak_bytes

    (grad, saved), cuda = _cuda_peak_of(y0.device, work)
    return grad, saved, cuda


def memory_scan(steps_list, *, dim: int, width: int, batch: int, device, generator,
                on_point) -> tuple[MemoryScan, ODEField]:
    field_ = ODEField(dim, width).to(device)
    y0 = torch.randn(batch, dim, generator=generator, device=generator.device).to(device)
    scan = MemoryScan()
    for steps in steps_list:
        grads = {}
        for name, solve in SOLVES.items():
            grads[name], saved, cuda = one_backward(field_, y0, steps, solve)
            scan.saved_bytes[name].append(saved)
            scan.cuda_bytes[name].append(cuda)
        gap = float((grads["adjoint"] - grads["backprop"]).norm() / grads["backprop"].norm())
        scan.steps.append(steps)
        scan.gradient_gap.append(gap)
        on_point(steps, scan)
    return scan, field_
