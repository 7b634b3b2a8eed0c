"""One run: Burgers snapshots (operator kit), the DMM trained on them without mesh data, its meshes
against de Boor's exact equidistribution and the uniform mesh, then the next-step neural solver
on the DMM mesh (MM-PDE proxy) vs the same solver on the uniform mesh, same data and budget."""
from __future__ import annotations

import math

import numpy as np
import torch

from ..context import RunContext
from ..shared.operators.burgers import burgers
from ..shared.operators.datasets import save_dataset
from ..shared.weights import save_weights
from . import mesh
from .dmm import MeshMover, mesh_of, train_dmm
from .solver import NodeSolver, at_nodes, relative_error, solver_error, to_fine, train_solver


def seed_torch(ctx: RunContext, stream: str) -> None:
    torch.manual_seed(int(ctx.rng(stream).integers(2**31 - 1)))


def initial_conditions(rng: np.random.Generator, count: int, n: int, modes: int) -> np.ndarray:
    """u0 = Σ_k a_k sin(2πkx + φ_k), a_k ~ U(−1, 1) / k, on the periodic grid x = i / n."""
    x = np.arange(n) / n
    k = np.arange(1, modes + 1)
    amplitude = rng.uniform(-1, 1, (count, modes, 1)) / k[None, :, None]
    phase = rng.uniform(0, 2 * math.pi, (count, modes, 1))
    return (amplitude * np.sin(2 * math.pi * k[None, :, None] * x + phase)).sum(1)


def burgers_snapshots(config, ctx: RunContext) -> torch.Tensor:
    """(trajectories, snapshots, n_fine + 1) closed snapshots u(t_start + k Δt) on [0, 1]."""
    count = config.train_trajectories + config.test_trajectories
    u0 = torch.as_tensor(initial_conditions(ctx.rng("instances"), count, config.n_fine, config.modes),
                         device=ctx.torch_device)
    times = [config.t_start + k * config.dt for k in range(config.snapshots)]
    u = burgers(u0, config.nu, times, callback=ctx.check_cancelled)
    save_dataset(ctx, "burgers.npz", {"snapshots": u.cpu().numpy().astype(np.float32), "times": np.array(times)})
    return mesh.closed(u)


def mesh_outcome(u: torch.Tensor, m: torch.Tensor, grid_mesh: torch.Tensor) -> dict:
    big_m = mesh.cumulative(m)
    grid = mesh.fine_grid(u.shape[-1] - 1, u.device, u.dtype)
    targets = torch.linspace(0, 1, grid_mesh.shape[-1], device=u.device, dtype=u.dtype)
    mass = mesh.interp(grid_mesh, grid.expand_as(big_m), big_m) / big_m[..., -1:] - targets
    exact = mesh.equidistributed(m, grid_mesh.shape[-1] - 1)
    return {"interp_error": float(mesh.interpolation_error(u, grid_mesh).mean()),
            "mass_error": float(mass.abs().max()), "mass_error_mean": float(mass.abs().mean()), "node_error": float((grid_mesh - exact).abs().max()),
            "tangled_cells": mesh.tangled_cells(grid_mesh)}


def mesh_part(config, ctx, train_u, test_u) -> tuple[MeshMover, dict]:
    m_train = mesh.monitor(train_u, config.beta)
    seed_torch(ctx, "init-dmm")
    model = MeshMover(config.branch_points, config.dmm_width, config.dmm_basis).to(ctx.torch_device)
    test_m = mesh.monitor(test_u, config.beta)

    def on_step(step, ma_mse):
        if step % config.log_every == 0 or step == config.dmm_steps:
            ctx.log("DMM Monge-Ampere residual", step, ma_mse, panel="DMM loss")
            err = mesh.interpolation_error(test_u, mesh_of(model, test_m, config.nodes)).mean()
            ctx.log("DMM interpolation error (test)", step, float(err), panel="interpolation error")
        else:
            ctx.check_cancelled()

    train_dmm(model, m_train, steps=config.dmm_steps, batch=config.dmm_batch, points=config.dmm_points,
              lr=config.dmm_lr, convexity_weight=config.convexity_weight,
              generator=ctx.torch_generator("dmm-batches"), on_step=on_step)
    save_weights(ctx, "dmm.safetensors", model)
    count = len(test_u)
    meshes = {"dmm": mesh_of(model, test_m, config.nodes), "uniform": mesh.uniform(config.nodes, count, test_u.device),
              "exact": mesh.equidistributed(test_m, config.nodes)}
    return model, {name: mesh_outcome(test_u, test_m, grid_mesh) for name, grid_mesh in meshes.items()}


def pairs(u: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """(current, next) snapshot pairs of every trajectory, flattened."""
    return u[:, :-1].reshape(-1, u.shape[-1]), u[:, 1:].reshape(-1, u.shape[-1])


def meshes_for(name: str, model: MeshMover, u: torch.Tensor, config) -> torch.Tensor:
    """The DMM mesh of each state (from its monitor), or the uniform mesh."""
    if name == "dmm":
        return mesh_of(model, mesh.monitor(u, config.beta), config.nodes)
    return mesh.uniform(config.nodes, len(u), u.device)


def solver_part(config, ctx, model: MeshMover, train_u, test_u) -> dict:
    (x_train, y_train), (x_test, y_test) = pairs(train_u), pairs(test_u)
    out = {}
    for name in ("dmm", "uniform"):
        mesh_train, mesh_test = (meshes_for(name, model, x, config) for x in (x_train, x_test))
        seed_torch(ctx, "init-solver")
        solver = NodeSolver(config.solver_width, config.solver_layers).to(ctx.torch_device)
        on_epoch = lambda e, s=solver, mt=mesh_test, n=name: ctx.log(  # noqa: E731
            f"next-step error {n} mesh", e, solver_error(s, x_test, y_test, mt), panel="solver error")
        train_solver(solver, x_train, y_train, mesh_train, epochs=config.solver_epochs, batch=config.solver_batch,
                     lr=config.solver_lr, generator=ctx.torch_generator("solver-batches"), on_epoch=on_epoch)
        save_weights(ctx, f"solver_{name}.safetensors", solver)
        floor = relative_error(to_fine(at_nodes(y_test, mesh_test), mesh_test, config.n_fine), y_test).mean()
        out[name] = {"solver_error": solver_error(solver, x_test, y_test, mesh_test),
                     "representation_floor": float(floor)}
    return out


def run(config, ctx: RunContext) -> dict:
    ctx.progress(0.0, "Burgers snapshots")
    u = burgers_snapshots(config, ctx)
    train_u, test_u = u[: config.train_trajectories], u[config.train_trajectories:]
    ctx.progress(0.2, "training the data-free mesh mover")
    model, meshes = mesh_part(config, ctx, train_u.reshape(-1, u.shape[-1]), test_u.reshape(-1, u.shape[-1]))
    ctx.progress(0.6, "neural solver on the DMM mesh vs the uniform mesh")
    solvers = solver_part(config, ctx, model, train_u, test_u)
    outcomes = {name: dict(values) for name, values in meshes.items()}
    for name, values in solvers.items():
        outcomes[name].update(values)
    return {"outcomes": outcomes, "device": str(ctx.torch_device), "nodes": config.nodes,
            "fine_points": config.n_fine}
