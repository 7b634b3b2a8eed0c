"""One run: train the direction network on Ritz-vector right-hand sides of training layouts, then
solve the same unseen test systems at every grid size with CG, IC(0)-preconditioned CG and DCDM.

Systems: ``workers/methods/shared/poisson.py`` (2-D 5-point Poisson, solid rectangles with
Neumann walls, Dirichlet domain edge). Test right-hand sides: white noise on the fluid cells.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import scipy.sparse.linalg as sla
import torch

from ..context import RunContext
from ..shared.krylov import SolveResult, conjugate_directions, preconditioned_cg
from ..shared.poisson import fluid_mask, incomplete_cholesky, poisson_apply, poisson_matrix
from ..shared.threads import one_thread_when_small
from ..shared.weights import save_weights
from .network import DirectionNet, dcdm_loss, parameter_count

SOLVERS = ("dcdm", "cg", "iccg")
LOW_MODE_SHARE = 0.9  # share of training right-hand sides drawn from the Ritz space; the rest white noise
TRAIN_PROGRESS = 0.5
DENSE_EIGH_UP_TO = 1500
SINGLE_THREAD_UP_TO_N = 64


@dataclass(frozen=True)
class TrainingLayout:
    fluid: np.ndarray
    ritz: np.ndarray  # (k, N, N): the k lowest eigenvectors of A, zero on solid cells


def ritz_vectors(fluid: np.ndarray, count: int) -> np.ndarray:
    """The ``count`` lowest eigenvectors of A restricted to the fluid cells (dense for small systems,
    shift-invert Lanczos otherwise)."""
    cells = np.flatnonzero(fluid.ravel())
    a = poisson_matrix(fluid)[cells][:, cells]
    count = min(count, len(cells) - 2)
    if len(cells) <= DENSE_EIGH_UP_TO:
        vectors = np.linalg.eigh(a.toarray())[1][:, :count]
    else:
        vectors = sla.eigsh(a.tocsc(), k=count, sigma=0.0, which="LM", v0=np.ones(len(cells)))[1]
    full = np.zeros((count, fluid.size))
    full[:, cells] = vectors.T
    return full.reshape(count, *fluid.shape)


def training_layouts(config, rng: np.random.Generator) -> list[TrainingLayout]:
    layouts = []
    for n in config.train_sizes:
        for _ in range(config.train_layouts):
            fluid = fluid_mask(n, config.obstacles, rng)
            layouts.append(TrainingLayout(fluid, ritz_vectors(fluid, config.ritz_vectors)))
    return layouts


def training_batch(layouts, batch_size: int, rng: np.random.Generator, device) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-hand sides: random combinations of one layout's Ritz vectors, or white noise on its fluid."""
    size = layouts[rng.integers(len(layouts))].fluid.shape[0]  # one grid size per batch
    same_size = [layout for layout in layouts if layout.fluid.shape[0] == size]
    picks = rng.integers(len(same_size), size=batch_size)
    masks = np.stack([same_size[i].fluid for i in picks]).astype(np.float32)
    rhs = []
    for i in picks:
        layout = same_size[i]
        if rng.random() < LOW_MODE_SHARE:
            rhs.append(np.tensordot(rng.standard_normal(len(layout.ritz)), layout.ritz, axes=1))
        else:
            rhs.append(rng.standard_normal(layout.fluid.shape) * layout.fluid)
    as_tensor = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32)[:, None], device=device)
    return as_tensor(rhs), as_tensor(masks)


def train(config, layouts, ctx: RunContext) -> tuple[DirectionNet, float]:
    device = ctx.torch_device
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(ctx.seed)
        net = DirectionNet(config.width).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=config.learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.train_steps)
    rng = ctx.rng("batches")
    loss_value = float("nan")
    for step in range(1, config.train_steps + 1):
        b, mask = training_batch(layouts, config.batch_size, rng, device)
        loss = dcdm_loss(net, b, mask)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        loss_value = float(loss.detach())
        ctx.log("train loss", step, loss_value, panel="loss")
        if step % 20 == 0:
            ctx.progress(TRAIN_PROGRESS * step / config.train_steps, f"training step {step}")
    return net.eval(), loss_value


@dataclass(frozen=True)
class TestSystem:
    fluid: np.ndarray
    rhs: np.ndarray


def test_systems(config, rng: np.random.Generator) -> dict[int, list[TestSystem]]:
    """Unseen layouts (their own random stream) and white-noise right-hand sides, per grid size."""
    systems = {}
    for n in config.test_sizes:
        group = []
        for _ in range(config.test_problems):
            fluid = fluid_mask(n, config.obstacles, rng)
            group.append(TestSystem(fluid, rng.standard_normal((n, n)) * fluid))
        systems[n] = group
    return systems


def solve_all(system: TestSystem, net: DirectionNet, config, device, on_iteration) -> dict[str, tuple[SolveResult, float]]:
    """Each solver on one system, to the same tolerance and cap, timed (wall seconds)."""
    fluid_t = torch.as_tensor(system.fluid, device=device)
    mask = fluid_t.to(torch.float32)[None, None]
    b = torch.as_tensor(system.rhs, device=device, dtype=torch.float64)
    matvec = lambda v: poisson_apply(v, fluid_t)
    lower = incomplete_cholesky(system.fluid)
    upper = lower.T.tocsr()

    def apply_ic(r: torch.Tensor) -> torch.Tensor:
        z = sla.spsolve_triangular(upper, sla.spsolve_triangular(lower, r.cpu().numpy().ravel(), lower=True), lower=False)
        return torch.as_tensor(z.reshape(r.shape), device=device)

    @torch.no_grad()
    def propose(r: torch.Tensor) -> torch.Tensor:
        return net(r[None, None].to(torch.float32), mask)[0, 0].to(torch.float64)

    runs = {
        "dcdm": lambda cb: conjugate_directions(matvec, b, propose, rtol=config.rtol, max_iters=config.max_iters,
                                                memory=config.memory, on_iteration=cb),
        "cg": lambda cb: preconditioned_cg(matvec, b, rtol=config.rtol, max_iters=config.max_iters, on_iteration=cb),
        "iccg": lambda cb: preconditioned_cg(matvec, b, rtol=config.rtol, max_iters=config.max_iters,
                                             precondition=apply_ic, on_iteration=cb),
    }
    out = {}
    for name, solve in runs.items():
        started = _now(device)
        result = solve(lambda k, rel, name=name: on_iteration(name, k, rel))
        out[name] = (result, _now(device) - started)
    return out


def _now(device) -> float:
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()
    return time.perf_counter()


def size_outcomes(solved: list[dict[str, tuple[SolveResult, float]]]) -> dict[str, dict]:
    """Mean iterations and seconds over a size's systems; censored where any run hit the cap."""
    outcomes = {}
    for name in SOLVERS:
        results = [s[name][0] for s in solved]
        outcome = {
            "iterations": float(np.mean([r.iterations for r in results])),
            "seconds": float(np.mean([s[name][1] for s in solved])),
            "final_residual": float(max(r.residuals[-1] for r in results)),
        }
        if not all(r.converged for r in results):
            outcome["censored"] = ["iterations", "seconds"]
        outcomes[name] = outcome
    return outcomes


def run(config, ctx: RunContext) -> dict:
    small = max(config.test_sizes + config.train_sizes) <= SINGLE_THREAD_UP_TO_N
    with one_thread_when_small(ctx.device, small):
        return _run(config, ctx)


def _run(config, ctx: RunContext) -> dict:
    device = ctx.torch_device
    layouts = training_layouts(config, ctx.rng("training-layouts"))
    net, final_loss = train(config, layouts, ctx)
    save_weights(ctx, "direction_net.safetensors", net, {"width": config.width, "train_sizes": config.train_sizes})
    systems = test_systems(config, ctx.rng("instances"))
    by_size: dict[str, dict] = {}
    for position, (n, group) in enumerate(systems.items()):
        solved = []
        for index, system in enumerate(group):
            def on_iteration(name, k, rel, n=n, first=index == 0):
                if first:
                    ctx.log(f"{name} N={n}", k, rel, panel="relative residual")
                elif k % 16 == 0:
                    ctx.check_cancelled()
            solved.append(solve_all(system, net, config, device, on_iteration))
        by_size[f"N={n}"] = size_outcomes(solved)
        ctx.log_point(n, {name: by_size[f"N={n}"][name]["iterations"] for name in SOLVERS}, panel="iterations to tol")
        ctx.progress(TRAIN_PROGRESS + (1 - TRAIN_PROGRESS) * (position + 1) / len(systems), f"solved N={n}")
    save_data(ctx, layouts, systems)
    sizes = [float(n) for n in systems]
    return {
        "by_size": by_size,
        "fits": {name: {"x": sizes, "y": [by_size[f"N={int(n)}"][name]["iterations"] for n in sizes]} for name in SOLVERS},
        "final_train_loss": final_loss,
        "network_parameters": parameter_count(net),
        "rtol": config.rtol,
        "device": str(device),
    }


def save_data(ctx: RunContext, layouts: list[TrainingLayout], systems: dict[int, list[TestSystem]]) -> None:
    arrays = {}
    for n in {layout.fluid.shape[0] for layout in layouts}:
        arrays[f"train_fluid_{n}"] = np.stack([layout.fluid for layout in layouts if layout.fluid.shape[0] == n])
    for n, group in systems.items():
        arrays[f"test_fluid_{n}"] = np.stack([s.fluid for s in group])
        arrays[f"test_rhs_{n}"] = np.stack([s.rhs for s in group])
    np.savez_compressed(ctx.artifact_path("systems.npz"), **arrays)
