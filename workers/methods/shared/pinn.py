"""Physics-informed neural network (PINN) training in plain torch, generic over the problem.

A problem is a list of loss ``Term``s (a PDE residual, boundary and initial conditions, an energy)
and an optional ``Reference`` solution. Each term maps ``(model, points) -> r`` and contributes
``weight * mean(r**2)`` (or ``weight * mean(r)`` for an energy, ``reduce="mean"``); its points come
from a sampler and are redrawn every ``resample_every`` Adam steps. ``train`` runs Adam (optionally
with exponential learning-rate decay) then L-BFGS with a strong-Wolfe line search, adapts the term
weights (``weighting.py``), measures the relative L2 error against the reference every
``eval_every`` steps, and hands every logged record to a callback (``ctx_logger`` writes it to the
run's context). Derivatives of any order come from ``derivative`` (autograd, batched, differentiable).

References: M. Raissi, P. Perdikaris, G. E. Karniadakis, J. Comput. Phys. 378 (2019) 686 (PINNs);
S. Wang, Y. Teng, P. Perdikaris, SIAM J. Sci. Comput. 43 (2021) A3055 (learning-rate annealing);
S. J. Anagnostopoulos et al., CMAME 421 (2024) 116805 (residual-based attention).
"""
from __future__ import annotations

import copy
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Literal, Mapping, Sequence

import torch
from torch import Tensor, nn

from .collocation import Box, SampleKind, unit_samples  # noqa: F401  (re-exported for methods)
from .weighting import TermWeights

# ---- derivatives -------------------------------------------------------------------------


def derivative(u: Tensor, x: Tensor, orders: int | Sequence[int]) -> Tensor:
    """∂^|α| u / ∂x_1^α_1 … ∂x_d^α_d at every point of a batch, differentiable again.

    ``u`` has shape (N,) or (N, 1) and its n-th entry depends on the n-th row of ``x`` (N, d)
    only (x must require grad); ``orders`` is the multi-index α (an int for d = 1). Returns the
    shape of ``u``; a derivative that vanishes identically comes back as zeros."""
    alpha = (orders,) if isinstance(orders, int) else tuple(int(k) for k in orders)
    if len(alpha) != x.shape[-1] or min(alpha, default=0) < 0:
        raise ValueError(f"orders {alpha} must give one non-negative order per coordinate of x ({x.shape[-1]})")
    out = u
    for axis, order in enumerate(alpha):
        for _ in range(order):
            grad = torch.autograd.grad(out.sum(), x, create_graph=True, allow_unused=True)[0] if out.requires_grad else None
            if grad is None:
                return torch.zeros_like(u)
            out = grad[..., axis].reshape(u.shape)
    return out


def gradient(u: Tensor, x: Tensor) -> Tensor:
    """∇u (N, d) of a batched scalar field u (N,) or (N, 1)."""
    grad = torch.autograd.grad(u.sum(), x, create_graph=True, allow_unused=True)[0]
    return torch.zeros_like(x) if grad is None else grad


def laplacian(u: Tensor, x: Tensor) -> Tensor:
    """Δu in the shape of u: the trace of the Hessian, one extra backward pass per coordinate."""
    grad = gradient(u, x)
    total = torch.zeros_like(u)
    for axis in range(x.shape[-1]):
        total = total + derivative(grad[..., axis].reshape(u.shape), x, _unit(axis, x.shape[-1]))
    return total


def _unit(axis: int, dim: int) -> tuple[int, ...]:
    return tuple(1 if i == axis else 0 for i in range(dim))


# ---- networks ------------------------------------------------------------------------------

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {"tanh": nn.Tanh, "sin": lambda: _Sin(), "gelu": nn.GELU,
                                                    "softplus": nn.Softplus, "relu": nn.ReLU}


class _Sin(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return torch.sin(x)


def mlp(in_dim: int, width: int, depth: int, out_dim: int = 1, activation: str = "tanh") -> nn.Sequential:
    """A fully connected net with ``depth`` hidden layers of ``width`` units, Xavier-normal weights."""
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; known: {', '.join(ACTIVATIONS)}")
    sizes = [in_dim] + [width] * depth + [out_dim]
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        linear = nn.Linear(a, b)
        nn.init.xavier_normal_(linear.weight)
        nn.init.zeros_(linear.bias)
        layers.append(linear)
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
    return nn.Sequential(*layers)


class Constrained(nn.Module):
    """u(x) = transform(x, net(x)): hard boundary conditions, e.g. u = u0 + (x − x0)·N(x)."""

    def __init__(self, net: nn.Module, transform: Callable[[Tensor, Tensor], Tensor]):
        super().__init__()
        self.net = net
        self.transform = transform

    def forward(self, x: Tensor) -> Tensor:
        return self.transform(x, self.net(x))


class Rescaled(nn.Module):
    """net((x − centre) / half_width): a box's coordinates mapped to [−1, 1] before the net."""

    def __init__(self, net: nn.Module, box: Box):
        super().__init__()
        self.net = net
        low, high = torch.tensor(box.low), torch.tensor(box.high)
        self.register_buffer("centre", (low + high) / 2, persistent=False)
        self.register_buffer("half_width", (high - low) / 2, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        return self.net((x - self.centre.to(x.dtype)) / self.half_width.to(x.dtype))


def parameter_count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


# ---- the problem -----------------------------------------------------------------------------


@dataclass
class Term:
    """One loss term: ``residual(model, x)`` at the points ``points()`` (or a fixed tensor)."""

    name: str
    residual: Callable[[nn.Module, Tensor], Tensor]
    points: Callable[[], Tensor] | Tensor
    weight: float = 1.0
    reduce: Literal["mse", "mean"] = "mse"
    resample: bool = True

    def draw(self) -> Tensor:
        x = self.points() if callable(self.points) else self.points
        return x.detach().requires_grad_(True)


@dataclass
class Reference:
    """The true solution ``u`` at points ``x``; ``regions`` name boolean masks (e.g. the points
    near a singular point) on which the relative L2 error is also reported."""

    x: Tensor
    u: Tensor
    regions: Mapping[str, Tensor] = field(default_factory=dict)
    chunk: int = 65536

    def predict(self, model: nn.Module) -> Tensor:
        with torch.no_grad():
            parts = [model(self.x[i:i + self.chunk]) for i in range(0, self.x.shape[0], self.chunk)]
        return torch.cat(parts).reshape(self.u.shape)

    def errors(self, model: nn.Module) -> dict[str, float]:
        """{"rel_l2": ||u − u*|| / ||u*||, "max_abs": ||u − u*||_∞, "rel_l2_<region>": …}."""
        diff = self.predict(model) - self.u
        out = {"rel_l2": relative_l2(diff, self.u), "max_abs": float(diff.abs().max())}
        for name, mask in self.regions.items():
            out[f"rel_l2_{name}"] = relative_l2(diff[mask], self.u[mask])
        return out


def relative_l2(diff: Tensor, reference: Tensor) -> float:
    norm = float(torch.linalg.vector_norm(reference))
    return float(torch.linalg.vector_norm(diff)) / norm if norm > 0 else float(torch.linalg.vector_norm(diff))


# ---- training ----------------------------------------------------------------------------------


@dataclass
class Schedule:
    """How long and how to train. A phase with zero steps is skipped."""

    adam_steps: int = 1000
    lr: float = 1e-3
    lr_decay: float = 1.0
    """Exponential learning-rate decay per Adam step (e.g. 0.9995)."""
    resample_every: int = 1
    """Redraw the points of resampled terms every this many Adam steps (0: never)."""
    lbfgs_steps: int = 0
    """Outer L-BFGS steps, each of up to ``lbfgs_inner`` iterations; points and weights are frozen."""
    lbfgs_inner: int = 20
    lbfgs_history: int = 50
    lbfgs_draws: int = 1
    """L-BFGS fits one fixed set of points: this many fresh draws of each resampled term, joined
    (more points than parameters, lest L-BFGS interpolate the points and miss the solution)."""
    weighting: Literal["fixed", "lra", "grad_norm", "rba"] = "fixed"
    update_every: int = 10
    """Adaptive weights are updated every this many Adam steps."""
    alpha: float = 0.1
    """Moving-average rate of the gradient-balancing weights (lra, grad_norm)."""
    rba_decay: float = 0.999
    rba_rate: float = 0.01
    eval_every: int = 100
    log_every: int = 10
    max_seconds: float | None = None
    """Stop training (either phase) once this much training time has passed."""


@dataclass
class TrainResult:
    history: list[dict[str, float]]
    final: dict[str, float]
    seconds: float
    steps: int
    lbfgs_iterations: int
    weights: dict[str, float]


def term_losses(model: nn.Module, terms: Sequence[Term], points: Sequence[Tensor],
                weights: TermWeights) -> dict[str, Tensor]:
    """Each term's unweighted loss (per-point weights of rba applied)."""
    out = {}
    for term, x in zip(terms, points):
        r = term.residual(model, x)
        if term.reduce == "mean":
            out[term.name] = r.mean()
        else:
            out[term.name] = (weights.point_weights(term.name, r) * r).pow(2).mean()
    return out


def total_loss(losses: Mapping[str, Tensor], weights: TermWeights) -> Tensor:
    return sum(weights.value(name) * loss for name, loss in losses.items())


class _Trainer:
    def __init__(self, model, terms, schedule, reference, callback, tick):
        self.model, self.terms, self.s, self.reference = model, list(terms), schedule, reference
        self.callback, self.tick = callback, tick
        self.weights = TermWeights(self.terms, schedule)
        self.points = [t.draw() for t in self.terms]
        self.history: list[dict[str, float]] = []
        self.train_seconds = 0.0
        self.lbfgs_iterations = 0
        self.step = 0

    def out_of_time(self) -> bool:
        return self.s.max_seconds is not None and self.train_seconds >= self.s.max_seconds

    def record(self, phase: str, losses: Mapping[str, Tensor], force_eval: bool = False) -> None:
        due_log = self.step % self.s.log_every == 0
        due_eval = self.reference is not None and (force_eval or self.step % self.s.eval_every == 0)
        if not (due_log or due_eval or force_eval):
            return
        rec: dict[str, float] = {"step": self.step, "seconds": self.train_seconds,
                                 "loss": float(total_loss(losses, self.weights).detach())}
        rec.update({f"loss/{k}": float(v.detach()) for k, v in losses.items()})
        rec.update({f"weight/{k}": v for k, v in self.weights.values().items()})
        if due_eval:
            rec.update(self.reference.errors(self.model))
        rec["phase"] = 0.0 if phase == "adam" else 1.0
        self.history.append(rec)
        if self.callback is not None:
            self.callback(self.step, rec)

    def finish(self, losses: Mapping[str, Tensor] | None) -> None:
        """Make sure the last record is of the last step and carries the reference errors."""
        last = self.history[-1] if self.history else None
        if last is None or last["step"] != self.step or losses is None:
            losses = losses if losses is not None else term_losses(self.model, self.terms, self.points, self.weights)
            self.record("lbfgs" if self.lbfgs_iterations else "adam", losses, force_eval=True)
        elif self.reference is not None and "rel_l2" not in last:
            errors = self.reference.errors(self.model)
            last.update(errors)
            if self.callback is not None:
                self.callback(self.step, {"step": self.step, **errors})

    def adam(self) -> dict[str, Tensor] | None:
        opt = torch.optim.Adam(self.model.parameters(), lr=self.s.lr)
        decay = torch.optim.lr_scheduler.ExponentialLR(opt, gamma=self.s.lr_decay)
        losses = None
        for k in range(self.s.adam_steps):
            if self.out_of_time():
                break
            started = time.perf_counter()
            if self.s.resample_every and k % self.s.resample_every == 0 and k > 0:
                self.points = [t.draw() if (t.resample and callable(t.points)) else p for t, p in zip(self.terms, self.points)]
            losses = term_losses(self.model, self.terms, self.points, self.weights)
            if k % self.s.update_every == 0:
                self.weights.update(self.model, losses)
            opt.zero_grad(set_to_none=True)
            total_loss(losses, self.weights).backward()
            opt.step()
            decay.step()
            self.train_seconds += _elapsed(started, self.points[0])
            self.step += 1
            if self.tick is not None:
                self.tick()
            self.record("adam", losses)
        return losses

    def lbfgs(self) -> dict[str, Tensor] | None:
        params = [p for p in self.model.parameters() if p.requires_grad]
        opt = torch.optim.LBFGS(params, lr=1.0, max_iter=self.s.lbfgs_inner, history_size=self.s.lbfgs_history,
                                tolerance_grad=1e-12, tolerance_change=1e-15, line_search_fn="strong_wolfe")
        self.weights.freeze()
        if self.s.lbfgs_steps > 0 and self.s.lbfgs_draws > 1:
            self.points = [torch.cat([t.draw() for _ in range(self.s.lbfgs_draws)]).detach().requires_grad_(True)
                           if (t.resample and callable(t.points)) else p for t, p in zip(self.terms, self.points)]
        losses = None
        for _ in range(self.s.lbfgs_steps):
            if self.out_of_time():
                break
            started = time.perf_counter()
            saved = copy.deepcopy(self.model.state_dict())
            opt.step(lambda: self._closure(opt))
            losses = term_losses(self.model, self.terms, self.points, self.weights)
            self.train_seconds += _elapsed(started, self.points[0])
            if not math.isfinite(float(total_loss(losses, self.weights).detach())):
                self.model.load_state_dict(saved)  # a diverged line search: keep the last good iterate
                break
            self.lbfgs_iterations = opt.state[opt._params[0]].get("n_iter", 0)
            self.step += 1
            if self.tick is not None:
                self.tick()
            self.record("lbfgs", losses)
        return losses

    def _closure(self, opt) -> Tensor:
        opt.zero_grad(set_to_none=True)
        loss = total_loss(term_losses(self.model, self.terms, self.points, self.weights), self.weights)
        loss.backward()
        return loss


def _elapsed(started: float, like: Tensor) -> float:
    if like.is_cuda:
        torch.cuda.synchronize(like.device)
    return time.perf_counter() - started


def train(model: nn.Module, terms: Sequence[Term], schedule: Schedule, *, reference: Reference | None = None,
          callback: Callable[[int, dict[str, float]], None] | None = None,
          tick: Callable[[], None] | None = None) -> TrainResult:
    """Train ``model`` on the weighted sum of the terms: Adam, then L-BFGS. ``callback(step,
    record)`` receives every ``log_every``-th record (losses, weights, and the reference errors
    every ``eval_every`` steps); ``tick()`` is called after every step (e.g. a cancellation check).
    ``TrainResult.seconds`` counts training only, not evaluation or logging."""
    trainer = _Trainer(model, terms, schedule, reference, callback, tick)
    losses = trainer.adam()
    losses = trainer.lbfgs() or losses
    trainer.finish(losses)
    final = dict(trainer.history[-1])
    return TrainResult(trainer.history, final, trainer.train_seconds, trainer.step, trainer.lbfgs_iterations,
                       trainer.weights.values())


def ctx_logger(ctx: Any, label: str, every_error: bool = True) -> Callable[[int, dict[str, float]], None]:
    """A callback writing a training record to the run's context: ``<label> loss`` and each term's
    loss in panel "loss", the weights in "loss weight", the reference errors in "error"."""

    def log(step: int, rec: Mapping[str, float]) -> None:
        losses = {f"{label} {k}": v for k, v in rec.items() if k == "loss" or k.startswith("loss/")}
        ctx.log_point(step, {k: max(v, 1e-300) if math.isfinite(v) else v for k, v in losses.items()}, panel="loss")
        weights = {f"{label} {k}": v for k, v in rec.items() if k.startswith("weight/")}
        if len(weights) > 1 or any(v != 1.0 for v in weights.values()):
            ctx.log_point(step, weights, panel="loss weight")
        errors = {f"{label} {k}": v for k, v in rec.items() if k.startswith("rel_l2")}
        if errors and every_error:
            ctx.log_point(step, errors, panel="error")

    return log
