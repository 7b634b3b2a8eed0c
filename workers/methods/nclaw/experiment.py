"""One run: ground truth for every scene with the true law; NCLaw and the prior-free law trained
through the differentiable simulator on the training trajectory (λ-step windows reset to ground
truth); the black-box mesh GNN trained on the same trajectory's one-step accelerations; then free
rollouts of all three on the training scene and the four out-of-distribution scenes."""
from __future__ import annotations

import numpy as np
import torch

from ..context import RunContext
from ..shared.operators.datasets import save_dataset
from ..shared.threads import one_thread_when_small
from ..shared.weights import save_weights
from .blackbox import MeshGNN
from .body import physics_acceleration, rollout, total_energy
from .laws import Corotated, NCLaw, PlainLaw, prior_violation
from .scenes import TRAIN, ground_truth, scenes

LOG_EVERY = 5


def seeded(ctx: RunContext, build):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(ctx.seed)
        return build().to(ctx.torch_device)


def window_batch(xs: torch.Tensor, vs: torch.Tensor, window: int):
    """Start states (W, N, 2) of the λ-step windows and their targets (W, λ, N, 2)."""
    starts = torch.arange(0, xs.shape[0] - window, window, device=xs.device)
    targets = torch.stack([xs[s + 1: s + 1 + window] for s in starts.tolist()])
    return xs[starts], vs[starts], targets


def train_law(law, name: str, scene, truth, config, ctx: RunContext) -> float:
    """Adam on mean ||x − x_gt|| over λ-step rollouts of the differentiable simulator, clipped gradients."""
    x0, v0, targets = window_batch(*truth, config.window)
    acceleration = physics_acceleration(scene.body, law, config.gravity)
    optimizer = torch.optim.Adam(law.parameters(), lr=config.learning_rate)
    loss = torch.tensor(float("nan"))
    for epoch in range(1, config.epochs + 1):
        xs, _ = rollout(scene.body, x0, v0, acceleration, config.dt, config.window)
        loss = (xs[:, 1:] - targets).norm(dim=-1).mean()
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(law.parameters(), config.grad_clip)
        optimizer.step()
        ctx.log(f"{name} window loss", epoch, float(loss.detach()), panel="loss")
    return float(loss.detach())


def make_gnn(truth, config, spacing: float, ctx: RunContext) -> MeshGNN:
    xs, vs = truth
    accelerations = (vs[1:] - vs[:-1]) / config.dt
    return seeded(ctx, lambda: MeshGNN(config.gnn_width, spacing, float(vs.std()) + 1e-6,
                                       float(accelerations.std()) + 1e-6, accelerations.mean(dim=(0, 1))))


def train_gnn(gnn: MeshGNN, scene, truth, config, ctx: RunContext) -> float:
    """Adam on the one-step acceleration error (normalised), minibatches of time steps."""
    xs, vs = truth
    targets = (vs[1:] - vs[:-1]) / config.dt
    free = scene.body.free
    optimizer = torch.optim.Adam(gnn.parameters(), lr=config.gnn_learning_rate)
    generator = ctx.torch_generator("gnn batches")
    loss = torch.tensor(float("nan"))
    for step in range(1, config.gnn_steps + 1):
        batch = torch.randint(len(targets), (config.gnn_batch,), device=xs.device, generator=generator)
        error = (gnn(scene.body, xs[batch], vs[batch]) - targets[batch]) * free / gnn.acceleration_scale
        loss = (error ** 2).sum() / (free.sum() * len(batch) * 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 10 == 0 or step == config.gnn_steps:
            ctx.log("gnn one-step loss", step, float(loss.detach()), panel="loss")
    return float(loss.detach())


def rollout_error(scene, truth_xs: torch.Tensor, acceleration, config, ctx: RunContext, series: str) -> dict:
    """Mean over time and nodes of ||x − x_gt|| / body size on a free rollout; a rollout that leaves the
    body's size (or goes non-finite) is capped there and marked censored."""
    with torch.no_grad():
        xs, _ = rollout(scene.body, scene.x0, scene.v0, acceleration, config.dt, scene.steps, ctx.check_cancelled)
    per_step = ((xs[0] - truth_xs).norm(dim=-1).mean(dim=-1) / scene.body.size).cpu().numpy()
    capped = ~np.isfinite(per_step) | (per_step > 1.0)
    per_step = np.where(capped, 1.0, per_step)
    for k in range(0, len(per_step), LOG_EVERY):
        ctx.log(f"{series} ({scene.label})", k, float(per_step[k]), panel=f"rollout error: {scene.label}")
    outcome = {"rollout_error": float(per_step.mean())}
    if capped.any():
        outcome["censored"] = ["rollout_error"]
    return outcome


def energy_drift(scene, truth, law, config) -> float:
    """max_t |E_t − E_0| / max_t KE_t of the true-law trajectory (symplectic Euler: bounded, O(dt))."""
    xs, vs = truth
    energy = total_energy(scene.body, xs, vs, law.energy, config.gravity)
    kinetic = 0.5 * (scene.body.mass * vs ** 2).sum(dim=(1, 2))
    return float((energy - energy[0]).abs().max() / kinetic.max())


def run(config, ctx: RunContext) -> dict:
    with one_thread_when_small(ctx.device, config.cells_x <= 16):
        return _run(config, ctx)


def _run(config, ctx: RunContext) -> dict:
    device = ctx.torch_device
    true_law = Corotated(config.mu, config.lam)
    all_scenes = scenes(config, device)
    truths = {s.label: ground_truth(s, true_law, config) for s in all_scenes}
    train_scene = all_scenes[0]
    save_dataset(ctx, "training_trajectory.npz", {"positions": truths[TRAIN][0].cpu().numpy(),
                                                  "velocities": truths[TRAIN][1].cpu().numpy(),
                                                  "elements": train_scene.body.elements.cpu().numpy()})
    scale = config.mu + config.lam
    nclaw = seeded(ctx, lambda: NCLaw(config.width, scale))
    plain = seeded(ctx, lambda: PlainLaw(config.width, scale))
    train_law(nclaw, "nclaw", train_scene, truths[TRAIN], config, ctx)
    ctx.progress(0.4, "NCLaw trained")
    train_law(plain, "plain", train_scene, truths[TRAIN], config, ctx)
    ctx.progress(0.6, "plain law trained")
    gnn = make_gnn(truths[TRAIN], config, 1.0 / config.cells_x, ctx)
    train_gnn(gnn, train_scene, truths[TRAIN], config, ctx)
    ctx.progress(0.8, "black-box GNN trained")
    for name, model in (("nclaw", nclaw), ("plain_law", plain), ("gnn", gnn)):
        save_weights(ctx, f"{name}.safetensors", model)

    errors: dict[str, dict] = {}
    for scene in all_scenes:
        models = {"nclaw": physics_acceleration(scene.body, nclaw, config.gravity),
                  "plain": physics_acceleration(scene.body, plain, config.gravity),
                  "gnn": lambda x, v, body=scene.body: gnn(body, x, v)}
        errors[scene.label] = {name: rollout_error(scene, truths[scene.label][0], acc, config, ctx, name)
                               for name, acc in models.items()}
    in_distribution = errors.pop(TRAIN)
    for cell in errors.values():
        for name, outcome in cell.items():
            outcome["ood_over_id"] = outcome["rollout_error"] / max(in_distribution[name]["rollout_error"], 1e-12)
    ctx.progress(1.0, "done")
    return {
        "ood": errors,
        "in_distribution": in_distribution,
        "outcomes": {"nclaw": {"prior_violation": prior_violation(nclaw)},
                     "plain": {"prior_violation": prior_violation(plain)},
                     "oracle": {"energy_drift": energy_drift(train_scene, truths[TRAIN], true_law, config)}},
    }
