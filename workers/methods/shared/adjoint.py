"""The continuous adjoint of a fixed-step RK4 solve, and a meter of the memory autograd keeps.

Neural ODE y' = f_θ(t, y), loss L(y(t₁)). Backprop through the solver (discretize-then-optimize)
stores every stage of every step for the backward pass: memory O(steps). The continuous adjoint
(optimize-then-discretize; Chen et al. 2018, Kidger's thesis §5.1) stores only y(t₁) and solves,
backward from t₁ to t₀, the augmented system

    dy/dt = f(t, y),   da/dt = −aᵀ ∂f/∂y,   dg/dt = −aᵀ ∂f/∂θ,    a(t₁) = ∂L/∂y(t₁), g(t₁) = 0,

giving ∂L/∂y(t₀) = a(t₀) and ∂L/∂θ = g(t₀). Each backward step builds one small graph for the
vector-Jacobian products and frees it, so memory is O(1) in the number of steps; the price is a
gradient that differs from the discrete one by the solver's error (O(h⁴) here) and the
reconstruction of y backward in time.

``SavedTensorMeter`` counts the bytes autograd keeps alive for backward (``saved_tensors_hooks``):
its ``peak_bytes`` is the depth-dependent memory of a backward pass on any device, the CPU
counterpart of ``torch.cuda.max_memory_allocated``.
"""
from __future__ import annotations

from typing import Callable, Sequence

import torch
from torch import nn

Dynamics = Callable[[float, torch.Tensor], torch.Tensor]


def rk4_solve(f: Dynamics, y0: torch.Tensor, t0: float, t1: float, steps: int) -> torch.Tensor:
    """y(t₁) of y' = f(t, y) by ``steps`` classical RK4 steps (differentiable: backprop-through-solver)."""
    h, y = (t1 - t0) / steps, y0
    for i in range(steps):
        t = t0 + i * h
        k1 = f(t, y)
        k2 = f(t + h / 2, y + h / 2 * k1)
        k3 = f(t + h / 2, y + h / 2 * k2)
        k4 = f(t + h, y + h * k3)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return y


def _rk4_tuple(f: Callable[[float, list[torch.Tensor]], list[torch.Tensor]], t: float,
               state: list[torch.Tensor], h: float) -> list[torch.Tensor]:
    """One RK4 step of a system whose state is a list of tensors."""
    def shifted(k, c):
        return [s + c * d for s, d in zip(state, k)]

    k1 = f(t, state)
    k2 = f(t + h / 2, shifted(k1, h / 2))
    k3 = f(t + h / 2, shifted(k2, h / 2))
    k4 = f(t + h, shifted(k3, h))
    return [s + h / 6 * (a + 2 * b + 2 * c + d) for s, a, b, c, d in zip(state, k1, k2, k3, k4)]


def _augmented(func: nn.Module, params: Sequence[torch.Tensor]):
    """The reversed-time augmented dynamics s = t₁ − t: d(y, a, g)/ds = (−f, aᵀ∂f/∂y, aᵀ∂f/∂θ)."""

    def rhs(s_time: float, state: list[torch.Tensor]) -> list[torch.Tensor]:
        y, a = state[0], state[1]
        with torch.enable_grad():
            y_leaf = y.detach().requires_grad_(True)
            f = func(s_time, y_leaf)
            grads = torch.autograd.grad(f, (y_leaf, *params), a, allow_unused=True)
        vjp_params = [torch.zeros_like(p) if g is None else g for g, p in zip(grads[1:], params)]
        return [-f.detach(), grads[0], *vjp_params]

    return rhs


class _AdjointRK4(torch.autograd.Function):
    @staticmethod
    def forward(ctx, func, t0, t1, steps, y0, *params):
        with torch.no_grad():
            y1 = rk4_solve(func, y0, t0, t1, steps)
        ctx.func, ctx.t0, ctx.t1, ctx.steps = func, t0, t1, steps
        ctx.save_for_backward(y1, *params)
        return y1

    @staticmethod
    def backward(ctx, grad_y1):
        y1, *params = ctx.saved_tensors
        func, t0, t1, steps = ctx.func, ctx.t0, ctx.t1, ctx.steps
        rhs = _augmented(func, params)
        h = (t1 - t0) / steps
        reversed_rhs = lambda s, state: rhs(t1 - s, state)  # noqa: E731 (time runs backward)
        state = [y1.detach(), grad_y1.detach(), *[torch.zeros_like(p) for p in params]]
        with torch.no_grad():
            for i in range(steps):
                state = _rk4_tuple(reversed_rhs, i * h, state, h)
        return (None, None, None, None, state[1], *state[2:])


def odeint_adjoint_rk4(func: nn.Module, y0: torch.Tensor, t0: float, t1: float, steps: int) -> torch.Tensor:
    """y(t₁) by ``steps`` RK4 steps; its backward pass solves the continuous adjoint with as many
    RK4 steps backward in time (memory O(1) in ``steps``). ``func(t, y)`` must be an nn.Module
    whose parameters are all the θ the loss depends on through f."""
    params = tuple(p for p in func.parameters() if p.requires_grad)
    return _AdjointRK4.apply(func, float(t0), float(t1), int(steps), y0, *params)


class _Held:
    """A saved tensor, counted while autograd holds it."""

    __slots__ = ("tensor", "meter", "size")

    def __init__(self, tensor: torch.Tensor, meter: "SavedTensorMeter"):
        self.tensor, self.meter = tensor, meter
        self.size = tensor.numel() * tensor.element_size()
        meter.live += self.size
        meter.peak = max(meter.peak, meter.live)

    def __del__(self):
        self.meter.live -= self.size


class SavedTensorMeter:
    """Bytes of the tensors autograd saves for backward, live and at their peak, over the block.

    Parameters saved by reference are counted too (a constant); what grows with the solver's
    depth is the stages stored per step."""

    def __init__(self):
        self.live = 0
        self.peak = 0
        self._hooks = torch.autograd.graph.saved_tensors_hooks(self._pack, self._unpack)

    def _pack(self, tensor: torch.Tensor) -> _Held:
        return _Held(tensor, self)

    @staticmethod
    def _unpack(held: _Held) -> torch.Tensor:
        return held.tensor

    def __enter__(self) -> "SavedTensorMeter":
        self._hooks.__enter__()
        return self

    def __exit__(self, *exc) -> None:
        self._hooks.__exit__(*exc)

    @property
    def peak_bytes(self) -> int:
        return self.peak
