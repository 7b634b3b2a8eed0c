"""One run: excite the plant open loop, fit the network model, tune the PID by grid search, then
track every reference with both controllers on the same plant, noise and reference."""
from __future__ import annotations

import itertools
import time

import numpy as np
import torch
from torch import nn

from ..context import RunContext
from ..shared.threads import one_thread_when_small
from ..shared.weights import save_weights
from .controllers import INPUTS, PID, NewtonMPC, NumpyMLP
from .plant import Plant, excitation, reference

REFERENCES = ("sine", "sweep", "square")
KP_GRID = np.geomspace(10.0, 10_000.0, 10)
KI_GRID = np.concatenate([[0.0], np.geomspace(10.0, 30_000.0, 8)])
KD_GRID = np.concatenate([[0.0], np.geomspace(0.3, 300.0, 9)])
REFINE = np.geomspace(0.5, 2.0, 5)
VALIDATION_SHARE = 0.2


def plants(config) -> tuple[Plant, Plant]:
    """(nominal plant: model data and PID tuning, test plant: the one both controllers track on)."""
    nominal = Plant(damping=config.damping, stiffness=config.stiffness, cubic=config.cubic, u_max=config.u_max,
                    dt=1.0 / config.control_hz)
    scale = 1.0 + config.mismatch
    test = Plant(damping=config.damping * scale, stiffness=config.stiffness * scale, cubic=config.cubic * scale,
                 u_max=config.u_max, dt=nominal.dt)
    return nominal, test


def windows(positions: np.ndarray, u: np.ndarray, dt: float) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (x_t, x_{t-1}, x_{t-2}, u_{t-1}, u_t) and targets (x_{t+1} - 2x_t + x_{t-1}) / dt² for t = 2..T-1."""
    t = np.arange(2, len(u))
    inputs = np.stack([positions[t], positions[t - 1], positions[t - 2], u[t - 1], u[t]], axis=1)
    targets = (positions[t + 1] - 2 * positions[t] + positions[t - 1]) / dt ** 2
    return inputs, targets


def model_data(config, plant: Plant, rng: np.random.Generator):
    u = excitation(config.samples + 3, plant, rng)
    positions = plant.simulate(u)
    measured = positions + config.noise * rng.standard_normal(positions.shape)
    inputs, targets = windows(measured, u, plant.dt)
    return u, positions, inputs, targets


def train_model(config, inputs: np.ndarray, targets: np.ndarray, ctx: RunContext) -> tuple[nn.Module, NumpyMLP, float]:
    device = ctx.torch_device
    split = int(len(inputs) * (1 - VALIDATION_SHARE))
    mean, scale = inputs[:split].mean(axis=0), inputs[:split].std(axis=0) + 1e-12
    out_scale = float(targets[:split].std() + 1e-12)
    as_t = lambda a: torch.as_tensor(np.asarray(a, dtype=np.float32), device=device)
    x_train, y_train = as_t((inputs[:split] - mean) / scale), as_t(targets[:split] / out_scale)
    x_val, y_val = as_t((inputs[split:] - mean) / scale), as_t(targets[split:] / out_scale)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(ctx.seed)
        layers: list[nn.Module] = []
        width_in = INPUTS
        for _ in range(config.hidden_layers):
            layers += [nn.Linear(width_in, config.hidden_width), nn.Tanh()]
            width_in = config.hidden_width
        net = nn.Sequential(*layers, nn.Linear(width_in, 1)).to(device)
    optimizer = torch.optim.Adam(net.parameters(), lr=config.learning_rate)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, config.train_steps)
    generator = ctx.torch_generator("batches")
    for step in range(1, config.train_steps + 1):
        batch = torch.randint(len(x_train), (config.batch_size,), device=device, generator=generator)
        loss = ((net(x_train[batch])[:, 0] - y_train[batch]) ** 2).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 10 == 0 or step == config.train_steps:
            with torch.no_grad():
                val = float(((net(x_val)[:, 0] - y_val) ** 2).mean())
            ctx.log_point(step, {"train loss": float(loss.detach()), "validation loss": val}, panel="model loss")
    linears = [m for m in net if isinstance(m, nn.Linear)]
    numpy_model = NumpyMLP(
        tuple(m.weight.detach().cpu().numpy().astype(np.float32) for m in linears),
        tuple(m.bias.detach().cpu().numpy().astype(np.float32) for m in linears),
        mean, scale, out_scale,
    )
    return net, numpy_model, val


def track_pid(plant: Plant, target: np.ndarray, kp, ki, kd, noise: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Closed loop for a batch of gains: (positions (G, T), commands (G, T)) tracking target[1..T]."""
    pid = PID(np.asarray(kp, float), np.asarray(ki, float), np.asarray(kd, float), plant.u_max, plant.dt)
    state = np.zeros(pid.kp.shape + (2,))
    positions, commands = [], []
    for t in range(len(target) - 1):
        u = pid.control(target[t + 1] - (state[..., 0] + noise[t]))  # aim at the next sample, as the MPC does
        state = plant.step(state, u)
        positions.append(state[..., 0])
        commands.append(u)
    return np.stack(positions, axis=-1), np.stack(commands, axis=-1)


def tune_pid(plant: Plant, target: np.ndarray, noise: np.ndarray) -> tuple[float, float, float]:
    """Grid search of (Kp, Ki, Kd) minimizing tracking RMSE, then a finer grid around the best."""
    gains = np.array(list(itertools.product(KP_GRID, KI_GRID, KD_GRID)))
    for _ in range(2):
        positions, _ = track_pid(plant, target, gains[:, 0], gains[:, 1], gains[:, 2], noise)
        rmse = np.sqrt(((positions - target[1:]) ** 2).mean(axis=-1))
        rmse = np.where(np.isfinite(rmse), rmse, np.inf)
        best = gains[int(np.argmin(rmse))]
        gains = np.array([best * np.array(f) for f in itertools.product(REFINE, REFINE, REFINE)])
    return tuple(float(g) for g in best)


def track_mpc(plant: Plant, controller: NewtonMPC, target: np.ndarray, noise: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """Closed loop with NR-MPC: (positions, commands, mean seconds per control step)."""
    state = np.zeros(2)
    measured = np.zeros(3)  # x_t, x_{t-1}, x_{t-2}
    u_prev = 0.0
    padded = np.concatenate([target, np.full(controller.horizon, target[-1])])
    positions, commands = [], []
    started = time.perf_counter()
    for t in range(len(target) - 1):
        u = controller.control(measured, u_prev, padded[t + 1: t + 1 + controller.horizon])
        state = plant.step(state, u)
        measured = np.array([state[0] + noise[t + 1], measured[0], measured[1]])
        positions.append(state[0])
        commands.append(u)
        u_prev = u
    seconds = (time.perf_counter() - started) / max(1, len(target) - 1)
    return np.asarray(positions), np.asarray(commands), seconds


def tracking_outcome(positions: np.ndarray, commands: np.ndarray, target: np.ndarray, u_max: float) -> dict:
    error = positions - target[1:]
    return {
        "rmse": float(np.sqrt((error ** 2).mean())),
        "max_error": float(np.abs(error).max()),
        "effort": float(np.sqrt(((commands / u_max) ** 2).mean())),
        "saturated_share": float((np.abs(commands) >= u_max * (1 - 1e-9)).mean()),
    }


def log_tracking(ctx: RunContext, kind: str, target, mpc_positions, pid_positions, every: int) -> None:
    for t in range(0, len(mpc_positions), every):
        ctx.log_point(t + 1, {f"reference ({kind})": target[t + 1], f"nr_mpc ({kind})": mpc_positions[t],
                              f"pid ({kind})": pid_positions[t]}, panel=f"position: {kind}")
        ctx.log_point(t + 1, {f"nr_mpc error ({kind})": abs(mpc_positions[t] - target[t + 1]),
                              f"pid error ({kind})": abs(pid_positions[t] - target[t + 1])}, panel="tracking error")


def run(config, ctx: RunContext) -> dict:
    with one_thread_when_small(ctx.device, config.hidden_width * config.batch_size <= 1 << 16):
        return _run(config, ctx)


def tune_mpc(config, model: NumpyMLP, nominal: Plant, target: np.ndarray, noise: np.ndarray):
    """The horizon (from ``config.horizons``) with the lowest tracking RMSE on the nominal plant, as
    the PID's gains are searched: (controller, its nominal-plant run)."""
    best = None
    for horizon in config.horizons:
        controller = NewtonMPC(model, horizon, config.newton_iterations, config.effort_weight, config.u_max, nominal.dt)
        tracked = track_mpc(nominal, controller, target, noise)
        rmse = float(np.sqrt(((tracked[0] - target[1:]) ** 2).mean()))
        if best is None or rmse < best[0]:
            best = (rmse, controller, tracked)
    return best[1], best[2]


def _run(config, ctx: RunContext) -> dict:
    nominal, test_plant = plants(config)
    rng = ctx.rng("instances")
    u, positions, inputs, targets = model_data(config, nominal, rng)
    net, model, validation_loss = train_model(config, inputs, targets, ctx)
    save_weights(ctx, "plant_model.safetensors", net, {"inputs": "x_t,x_t-1,x_t-2,u_t-1,u_t", "dt": nominal.dt})
    steps = int(round(config.reference_seconds * config.control_hz))
    by_reference, tuned, saved = {}, {}, {"excitation_u": u, "excitation_x": positions}
    for position, kind in enumerate(REFERENCES):
        target = reference(kind, steps, nominal.dt, config.amplitude, config.max_frequency)
        noise = config.noise * rng.standard_normal(steps)
        gains = tune_pid(nominal, target, noise)
        controller, nominal_run = tune_mpc(config, model, nominal, target, noise)
        pid_x, pid_u = track_pid(test_plant, target, *gains, noise)
        mpc_x, mpc_u, seconds = nominal_run if test_plant == nominal else track_mpc(test_plant, controller, target, noise)
        log_tracking(ctx, kind, target, mpc_x, np.ravel(pid_x), every=max(1, steps // 500))
        by_reference[kind] = {
            "nr_mpc": {**tracking_outcome(mpc_x, mpc_u, target, config.u_max), "seconds_per_step": seconds},
            "pid": tracking_outcome(np.ravel(pid_x), np.ravel(pid_u), target, config.u_max),
        }
        tuned[kind] = {"kp": gains[0], "ki": gains[1], "kd": gains[2], "mpc_horizon": controller.horizon,
                       "mcu_cycles_per_step": controller.mcu_cycles_per_step()}
        saved[f"reference_{kind}"] = target
        ctx.progress((position + 1) / len(REFERENCES), f"tracked {kind}")
    np.savez_compressed(ctx.artifact_path("actuator_data.npz"), **saved)
    budget = {"parameters": model.parameters, "weight_bytes": 4 * model.parameters, "macs_per_evaluation": model.macs,
              "mcu_cycles_per_step": max(t["mcu_cycles_per_step"] for t in tuned.values())}
    return {
        "by_reference": by_reference,
        "outcomes": {"nr_mpc": budget},
        "tuned": tuned,
        "model_validation_loss": validation_loss,
        "control_hz": config.control_hz,
    }
