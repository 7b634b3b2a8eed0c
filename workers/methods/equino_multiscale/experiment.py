"""One run: direct micro solves for the POD snapshots and the test strains, EquiNO trained without
labels on random strains, the data-driven map trained on the snapshots' labels, then homogenized
stress errors and seconds per macro point for all three on the same test strains."""
from __future__ import annotations

import time

import numpy as np
import torch

from ..context import RunContext
from ..shared.operators.datasets import save_dataset
from ..shared.periodic_cell import PeriodicCell, inclusion_cell, laminate_cell
from ..shared.threads import one_thread_when_small
from ..shared.weights import save_weights
from .surrogates import DataDriven, EquiNO, equino_loss, pod_modes

TIMING_REPEATS = 5


def random_strains(rng: np.random.Generator, count: int, magnitude: float) -> np.ndarray:
    return rng.uniform(-magnitude, magnitude, size=(count, 2))


def direct_solves(cell: PeriodicCell, strains: np.ndarray, ctx: RunContext) -> dict[str, np.ndarray | float]:
    """Direct Newton micro solves, one per macro point (the FE² baseline), with their mean seconds."""
    phis, stresses, seconds = [], [], 0.0
    for strain in strains:
        started = time.perf_counter()
        phi, stress, _ = cell.solve(strain)
        seconds += time.perf_counter() - started
        phis.append(phi)
        stresses.append(stress)
        ctx.check_cancelled()
    stresses = np.asarray(stresses)
    return {"phi": np.asarray(phis), "stress": stresses, "homogenized": stresses.mean(axis=2),
            "seconds_per_point": seconds / len(strains)}


def laminate_error(config) -> float:
    """Largest relative error of the direct solver on a linear laminate vs its closed form
    (harmonic mean across the layers, arithmetic mean along them)."""
    layers = np.linspace(1.0, config.contrast, config.grid)
    cell = PeriodicCell(laminate_cell(layers))
    exact = np.array([1.0 / np.mean(1.0 / layers), np.mean(layers)])
    computed = np.array([cell.homogenized([1.0, 0.0])[0], cell.homogenized([0.0, 1.0])[1]])
    return float(np.max(np.abs(computed - exact) / exact))


def seeded(ctx: RunContext, build):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(ctx.seed)
        return build().to(ctx.torch_device)


def train_equino(model: EquiNO, config, stress_scale: float, ctx: RunContext) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.train_steps)
    generator = ctx.torch_generator("collocation")
    loss = torch.tensor(float("nan"))
    for step in range(1, config.train_steps + 1):
        strain = (torch.rand(config.batch_size, 2, device=ctx.torch_device, generator=generator) * 2 - 1) * config.strain_magnitude
        loss = equino_loss(model, strain, stress_scale)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 20 == 0 or step == config.train_steps:
            ctx.log("equino physics loss", step, float(loss.detach()), panel="loss")
    fixed = (torch.rand(4 * config.batch_size, 2, device=ctx.torch_device, generator=generator) * 2 - 1) * config.strain_magnitude
    return refine_lbfgs(model, lambda: equino_loss(model, fixed, stress_scale), config, ctx, "equino physics loss")


def train_data_driven(model: DataDriven, strains: torch.Tensor, targets: torch.Tensor, config, ctx: RunContext) -> float:
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.train_steps)
    scale = float(targets.abs().mean())
    loss = torch.tensor(float("nan"))
    for step in range(1, config.train_steps + 1):
        loss = (((model.homogenized(strains) - targets) / scale) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 20 == 0 or step == config.train_steps:
            ctx.log("data-driven MLP data loss", step, float(loss.detach()), panel="loss")
    closure = lambda: (((model.homogenized(strains) - targets) / scale) ** 2).mean()
    return refine_lbfgs(model, closure, config, ctx, "data-driven MLP data loss")


def refine_lbfgs(model, objective, config, ctx: RunContext, series: str) -> float:
    """L-BFGS (strong Wolfe) after Adam, as the paper does, logged every 10 iterations."""
    optimizer = torch.optim.LBFGS(model.parameters(), lr=1.0, max_iter=10, history_size=50,
                                  line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = objective()
        loss.backward()
        return loss

    loss = objective().detach()
    for block in range(config.lbfgs_steps // 10):
        loss = optimizer.step(closure).detach()
        ctx.log(series, config.train_steps + 10 * (block + 1), float(loss), panel="loss")
    return float(objective().detach())


def seconds_per_point(model, strains: torch.Tensor) -> float:
    """Best of a few batched evaluations of σ̄ at every test strain, per point."""
    best = float("inf")
    with torch.no_grad():
        for _ in range(TIMING_REPEATS):
            if strains.is_cuda:
                torch.cuda.synchronize()
            started = time.perf_counter()
            model.homogenized(strains)
            if strains.is_cuda:
                torch.cuda.synchronize()
            best = min(best, time.perf_counter() - started)
    return best / len(strains)


def relative_error(prediction: np.ndarray, reference: np.ndarray) -> float:
    return float(np.linalg.norm(prediction - reference) / np.linalg.norm(reference))


def field_errors(model: EquiNO, strains: torch.Tensor, reference_stress: np.ndarray, cell: PeriodicCell) -> dict:
    """rel-L2 of the σ field and the largest equilibrium residual |Dᵀσ_nn| relative to |σ|."""
    with torch.no_grad():
        _, network = model(strains)
    network = network.double().cpu().numpy()
    dx, dy = cell.operators()
    residual = max(np.abs(dx.T @ s[0] + dy.T @ s[1]).max() / (cell.n * np.abs(s).max()) for s in network)
    return {"stress_field_rel_error": relative_error(network, reference_stress), "equilibrium_residual": float(residual)}


def run(config, ctx: RunContext) -> dict:
    with one_thread_when_small(ctx.device, config.grid <= 32):
        return _run(config, ctx)


def _run(config, ctx: RunContext) -> dict:
    rng = ctx.rng("instances")
    cell = PeriodicCell(inclusion_cell(config.grid, config.inclusion_radius, config.contrast), beta=config.beta)
    train_strains = random_strains(rng, config.snapshots, config.strain_magnitude)
    test_strains = random_strains(rng, config.test_points, config.strain_magnitude)
    snapshots = direct_solves(cell, train_strains, ctx)
    ctx.progress(0.2, "snapshots solved")
    reference = direct_solves(cell, test_strains, ctx)
    ctx.progress(0.4, "test strains solved directly")
    save_dataset(ctx, "rve_data.npz", {"stiffness": cell.stiffness, "train_strains": train_strains,
                                       "train_homogenized": snapshots["homogenized"], "test_strains": test_strains,
                                       "test_homogenized": reference["homogenized"]})

    phi_modes = pod_modes(snapshots["phi"], config.rank)
    stress_modes = pod_modes(snapshots["stress"].reshape(config.snapshots, -1), config.rank)
    coefficient_scale = np.concatenate([
        np.abs(snapshots["phi"] @ phi_modes).max(axis=0),
        np.abs(snapshots["stress"].reshape(config.snapshots, -1) @ stress_modes).max(axis=0),
    ]) + 1e-12
    stress_scale = float(np.abs(snapshots["stress"]).mean())
    equino = seeded(ctx, lambda: EquiNO(cell, phi_modes, stress_modes, coefficient_scale, config.strain_magnitude,
                                        config.width, config.depth))
    final_loss = train_equino(equino, config, stress_scale, ctx)
    ctx.progress(0.7, "EquiNO trained")
    as_t = lambda a: torch.as_tensor(np.asarray(a), dtype=torch.float32, device=ctx.torch_device)
    baseline = seeded(ctx, lambda: DataDriven(config.strain_magnitude, stress_scale, config.width, config.depth))
    train_data_driven(baseline, as_t(train_strains), as_t(snapshots["homogenized"]), config, ctx)
    save_weights(ctx, "equino.safetensors", equino)
    save_weights(ctx, "data_driven_mlp.safetensors", baseline)

    test = as_t(test_strains)
    outcomes = {"direct": {"stress_rel_error": 0.0, "seconds_per_point": reference["seconds_per_point"],
                           "laminate_error": laminate_error(config)}}
    for name, model in (("equino", equino), ("mlp", baseline)):
        with torch.no_grad():
            predicted = model.homogenized(test).double().cpu().numpy()
        outcomes[name] = {"stress_rel_error": relative_error(predicted, reference["homogenized"]),
                          "seconds_per_point": seconds_per_point(model, test)}
    outcomes["equino"].update(field_errors(equino, test, reference["stress"], cell))
    outcomes["equino"]["final_physics_loss"] = final_loss
    for name, outcome in outcomes.items():
        ctx.log(f"{name} homogenized stress rel error", 1, outcome["stress_rel_error"], panel="error")
        ctx.log(f"{name} seconds per macro point", 1, outcome["seconds_per_point"], panel="time", unit="s")
    ctx.progress(1.0, "done")
    return {"outcomes": outcomes,
            "speedup": reference["seconds_per_point"] / outcomes["equino"]["seconds_per_point"],
            "snapshots": config.snapshots, "grid": config.grid}
