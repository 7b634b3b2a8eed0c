"""Adaptive explicit Runge–Kutta solvers in pure torch, with the controller's state exposed.

Two embedded 5(4) pairs, both FSAL (the last stage is f at the new point, reused as the next
step's first stage):

* ``dopri5``: Dormand & Prince (1980), the tableau of Hairer, Nørsett & Wanner, *Solving ODEs I*, II.5.
* ``tsit5``: Tsitouras (2011), "Runge–Kutta pairs of order 5(4) satisfying only the first column
  simplifying assumption", Comput. Math. Appl. 62, the default of Julia's OrdinaryDiffEq.

A step of size h from (t, y) computes stages k_i = f(t + c_i h, y + h Σ_j a_ij k_j), the new point
y₁ = y + h Σ b_i k_i and the embedded error e = h Σ (b_i − b̂_i) k_i. Its size is measured in the
Hairer norm  EEst = sqrt(mean_i (e_i / (atol + rtol·max(|y_i|, |y₁_i|)))²)  over every element
of the state (a batch [batch, dim] is one system with one step size, as a neural ODE is solved).
A step is accepted when EEst ≤ 1; the next step is h·clip(safety·EEst^(−β₁)·EEst_prev^(β₂),
min_factor, max_factor) (the PI controller; β₂ = 0 is the classic I controller), and a rejected
step retries with h·max(min_factor, safety·EEst^(−β₁)), never growing right after a rejection.

Why not torchdiffeq: it is not installed here, and its solvers hide what regularizing internal
solver heuristics needs: the differentiable embedded error estimate EEst_j, the step size dt_j and
a stiffness estimate of every accepted step, and one differentiable step from an arbitrary
(τ, u_τ, dt) (local regularization, Pal et al. 2023). Here each accepted step is handed to an
``on_accept`` hook as a :class:`StepRecord` whose ``error_norm`` and ``stiffness`` are tensors
in the autograd graph, and :func:`single_step` performs one such step on its own.

Gradients: the whole solve is ordinary torch code, so ``loss.backward()`` differentiates through
the accepted steps (discretize-then-optimize, "backprop through the solver"); the controller's
choices (accept/reject, h) are taken on detached numbers, as in every AD-through-solver scheme.

Output at intermediate times is the cubic Hermite interpolant of each accepted step (values and
FSAL slopes at both ends, error O(h⁴)), so asking for many output times does not force steps.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import torch

Dynamics = Callable[[float, torch.Tensor], torch.Tensor]


@dataclass(frozen=True)
class Tableau:
    name: str
    c: tuple[float, ...]
    a: tuple[tuple[float, ...], ...]  # row i holds a_{i+1, 1..i}
    b: tuple[float, ...]
    b_error: tuple[float, ...]  # b − b̂: the embedded error weights
    order: int  # order of the propagated solution
    error_order: int  # order of the embedded solution


DOPRI5 = Tableau(
    "dopri5",
    c=(0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0),
    a=(
        (1 / 5,),
        (3 / 40, 9 / 40),
        (44 / 45, -56 / 15, 32 / 9),
        (19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729),
        (9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656),
        (35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84),
    ),
    b=(35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0),
    b_error=(
        35 / 384 - 5179 / 57600, 0.0, 500 / 1113 - 7571 / 16695, 125 / 192 - 393 / 640,
        -2187 / 6784 + 92097 / 339200, 11 / 84 - 187 / 2100, -1 / 40,
    ),
    order=5,
    error_order=4,
)

_TSIT5_B = (0.09646076681806523, 0.01, 0.4798896504144996, 1.379008574103742,
            -3.290069515436081, 2.324710524099774, 0.0)
TSIT5 = Tableau(
    "tsit5",
    c=(0.0, 0.161, 0.327, 0.9, 0.9800255409045097, 1.0, 1.0),
    a=(
        (0.161,),
        (-0.008480655492356989, 0.335480655492357),
        (2.897153057105493, -6.359448489975075, 4.3622954328695815),
        (5.325864828439257, -11.748883564062828, 7.4955393428898365, -0.09249506636175525),
        (5.86145544294642, -12.92096931784711, 8.159367898576159, -0.071584973281401, -0.028269050394068383),
        _TSIT5_B[:6],
    ),
    b=_TSIT5_B,
    b_error=(-0.00178001105222577714, -0.0008164344596567469, 0.007880878010261995, -0.1447110071732629,
             0.5823571654525552, -0.45808210592918697, 0.015151515151515152),
    order=5,
    error_order=4,
)

TABLEAUS = {"dopri5": DOPRI5, "tsit5": TSIT5}


def tableau_of(method: str | Tableau) -> Tableau:
    if isinstance(method, Tableau):
        return method
    if method not in TABLEAUS:
        raise ValueError(f"unknown method {method!r}; known: {', '.join(TABLEAUS)}")
    return TABLEAUS[method]


@dataclass(frozen=True)
class Controller:
    """Step-size control. Defaults are OrdinaryDiffEq's PI controller for 5th-order pairs:
    β₁ = 7/(10·5), β₂ = 2/(5·5), safety 0.9, factors in [0.2, 10]."""

    safety: float = 0.9
    min_factor: float = 0.2
    max_factor: float = 10.0
    beta1: float = 0.14
    beta2: float = 0.08
    initial_previous_error: float = 1e-4

    @classmethod
    def integral(cls, **kwargs) -> "Controller":
        """The classic I controller: factor = safety · EEst^(−1/5)."""
        return cls(beta1=0.2, beta2=0.0, **kwargs)

    def accepted_factor(self, error: float, previous_error: float) -> float:
        if error == 0.0:
            return self.max_factor
        factor = self.safety * error ** (-self.beta1) * previous_error ** self.beta2
        return min(self.max_factor, max(self.min_factor, factor))

    def rejected_factor(self, error: float) -> float:
        if not math.isfinite(error):
            return self.min_factor
        return min(1.0, max(self.min_factor, self.safety * error ** (-self.beta1)))


@dataclass(frozen=True)
class StepRecord:
    """One accepted step, as the ``on_accept`` hook sees it. Tensors are in the autograd graph."""

    index: int
    t: float
    dt: float
    y0: torch.Tensor
    y1: torch.Tensor
    error_norm: torch.Tensor  # EEst, a scalar
    stiffness: torch.Tensor  # ‖k₇ − k₆‖ / ‖y₁ − Y₆‖, an estimate of |λ_max| of ∂f/∂y (Hairer II.2)


@dataclass
class SolverStats:
    """What the controller did: every attempted step's size and error, and the NFE."""

    nfe: int = 0
    accepted: int = 0
    rejected: int = 0
    initial_step_evals: int = 0
    ts: list[float] = field(default_factory=list)  # start time of each accepted step
    dts: list[float] = field(default_factory=list)  # size of each accepted step
    error_norms: list[float] = field(default_factory=list)  # EEst of each accepted step
    stiffness: list[float] = field(default_factory=list)  # stiffness estimate of each accepted step
    rejected_dts: list[float] = field(default_factory=list)
    rejected_error_norms: list[float] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        return self.accepted + self.rejected


@dataclass
class OdeSolution:
    ys: torch.Tensor  # [len(t_eval), *y0.shape]
    stats: SolverStats


class TooManySteps(RuntimeError):
    """The solver needed more than ``max_steps`` attempts (the dynamics turned stiff or singular)."""


class CountedDynamics:
    """Wraps f and counts its evaluations (the NFE)."""

    def __init__(self, f: Dynamics):
        self.f, self.count = f, 0

    def __call__(self, t: float, y: torch.Tensor) -> torch.Tensor:
        self.count += 1
        return self.f(t, y)


@dataclass(frozen=True)
class StepResult:
    y1: torch.Tensor
    k_last: torch.Tensor  # f(t + h, y₁): the next step's first stage
    error_norm: torch.Tensor
    stiffness: torch.Tensor


def error_norm(error: torch.Tensor, y0: torch.Tensor, y1: torch.Tensor, rtol: float, atol: float) -> torch.Tensor:
    """Hairer's RMS norm of the embedded error, scaled by atol + rtol·max(|y₀|, |y₁|)."""
    scale = atol + rtol * torch.maximum(y0.abs(), y1.abs())
    return (error / scale).pow(2).mean().sqrt()


def rk_step(f: Dynamics, t: float, y: torch.Tensor, dt: float, k1: torch.Tensor, tableau: Tableau,
            rtol: float, atol: float) -> StepResult:
    """One step of an FSAL pair from (t, y) with f(t, y) = k1 known: s − 1 new evaluations."""
    stages, points = [k1], [y]
    for c, row in zip(tableau.c[1:], tableau.a):
        point = y + dt * sum(a * k for a, k in zip(row, stages) if a != 0.0)
        points.append(point)
        stages.append(f(t + c * dt, point))
    y1 = points[-1]  # FSAL: the last stage point is the new solution (its row of a is b)
    error = dt * sum(e * k for e, k in zip(tableau.b_error, stages) if e != 0.0)
    stiffness = (stages[-1] - stages[-2]).norm() / (y1 - points[-2]).norm().clamp_min(1e-30)
    return StepResult(y1, stages[-1], error_norm(error, y, y1, rtol, atol), stiffness)


def single_step(f: Dynamics, t: float, y: torch.Tensor, dt: float, method: str | Tableau = "tsit5",
                rtol: float = 1e-3, atol: float = 1e-6) -> StepResult:
    """One differentiable step from an arbitrary (t, y) with a given dt (7 evaluations): the local
    regularizer's EEst(u_τ, dt; θ)."""
    return rk_step(f, t, y, dt, f(t, y), tableau_of(method), rtol, atol)


def initial_step(f: Dynamics, t0: float, y0: torch.Tensor, f0: torch.Tensor, order: int,
                 rtol: float, atol: float) -> float:
    """Hairer, Nørsett & Wanner II.4's starting step (one extra evaluation), as SciPy's RK45."""
    with torch.no_grad():
        scale = atol + rtol * y0.abs()
        d0 = (y0 / scale).pow(2).mean().sqrt().item()
        d1 = (f0 / scale).pow(2).mean().sqrt().item()
        h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
        f1 = f(t0 + h0, y0 + h0 * f0)
        d2 = ((f1 - f0) / scale).pow(2).mean().sqrt().item() / h0
        h1 = max(1e-6, h0 * 1e-3) if max(d1, d2) <= 1e-15 else (0.01 / max(d1, d2)) ** (1.0 / (order + 1))
    return min(100 * h0, h1)


def hermite(t: float, t0: float, dt: float, y0, y1, f0, f1) -> torch.Tensor:
    """Cubic Hermite interpolant on [t0, t0 + dt] from values and slopes at both ends."""
    s = (t - t0) / dt
    h00, h10 = (1 + 2 * s) * (1 - s) ** 2, s * (1 - s) ** 2
    h01, h11 = s * s * (3 - 2 * s), s * s * (s - 1)
    return h00 * y0 + h10 * dt * f0 + h01 * y1 + h11 * dt * f1


def odeint_adaptive(
    f: Dynamics,
    y0: torch.Tensor,
    t_eval: Sequence[float] | torch.Tensor,
    *,
    method: str | Tableau = "tsit5",
    rtol: float = 1e-3,
    atol: float = 1e-6,
    dt0: float | None = None,
    controller: Controller = Controller(),
    max_steps: int = 10_000,
    on_accept: Callable[[StepRecord], None] | None = None,
) -> OdeSolution:
    """Solve y' = f(t, y) from t_eval[0] to t_eval[-1] (increasing), returning y at every t_eval.

    ``on_accept`` sees every accepted step with its differentiable EEst and stiffness estimate.
    NFE = 1 (f(t₀, y₀)) + 1 if dt0 is chosen automatically + 6 per attempted step (FSAL)."""
    tableau = tableau_of(method)
    times = [float(t) for t in (t_eval.tolist() if torch.is_tensor(t_eval) else t_eval)]
    if len(times) < 2 or any(b <= a for a, b in zip(times, times[1:])):
        raise ValueError("t_eval needs at least two strictly increasing times")
    counted = CountedDynamics(f)
    stats = SolverStats()
    t, y, t_end = times[0], y0, times[-1]
    k1 = counted(t, y)
    if dt0 is None:
        dt = initial_step(counted, t, y, k1, tableau.order, rtol, atol)
        stats.initial_step_evals = 1
    else:
        dt = dt0
    outputs, next_out = [y0], 1
    previous_error, just_rejected = controller.initial_previous_error, False
    errors, stiffs = [], []
    while t < t_end:
        if stats.attempted >= max_steps:
            stats.nfe = counted.count
            raise TooManySteps(f"more than {max_steps} steps at t={t:.4g} of {t_end:.4g} (dt={dt:.3g})")
        dt = min(dt, t_end - t)
        step = rk_step(counted, t, y, dt, k1, tableau, rtol, atol)
        err = float(step.error_norm.detach())
        if not (err <= 1.0):  # also catches NaN
            stats.rejected += 1
            stats.rejected_dts.append(dt)
            stats.rejected_error_norms.append(err)
            dt *= controller.rejected_factor(err)
            just_rejected = True
            continue
        record = StepRecord(stats.accepted, t, dt, y, step.y1, step.error_norm, step.stiffness)
        if on_accept is not None:
            on_accept(record)
        stats.accepted += 1
        stats.ts.append(t)
        stats.dts.append(dt)
        errors.append(step.error_norm.detach())
        stiffs.append(step.stiffness.detach())
        t_new = t + dt if t_end - (t + dt) > 1e-12 * max(1.0, abs(t_end)) else t_end
        while next_out < len(times) and times[next_out] <= t_new:
            at = times[next_out]
            outputs.append(step.y1 if at == t_new else hermite(at, t, dt, y, step.y1, k1, step.k_last))
            next_out += 1
        factor = controller.accepted_factor(err, previous_error)
        dt *= min(factor, 1.0) if just_rejected else factor
        previous_error, just_rejected = max(err, controller.initial_previous_error), False
        t, y, k1 = t_new, step.y1, step.k_last
    if errors:
        stats.error_norms = torch.stack(errors).tolist()
        stats.stiffness = torch.stack(stiffs).tolist()
    stats.nfe = counted.count
    return OdeSolution(torch.stack(outputs), stats)


def odeint_rk4(f: Dynamics, y0: torch.Tensor, t_eval: Sequence[float], steps_per_interval: int = 1) -> torch.Tensor:
    """Classic fixed-step RK4 on each interval of t_eval split into ``steps_per_interval`` steps."""
    times = [float(t) for t in t_eval]
    outputs, y = [y0], y0
    for a, b in zip(times, times[1:]):
        h = (b - a) / steps_per_interval
        for i in range(steps_per_interval):
            t = a + i * h
            k1 = f(t, y)
            k2 = f(t + h / 2, y + h / 2 * k1)
            k3 = f(t + h / 2, y + h / 2 * k2)
            k4 = f(t + h, y + h * k3)
            y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        outputs.append(y)
    return torch.stack(outputs)
