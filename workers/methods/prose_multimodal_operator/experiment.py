"""One run: generate the data set, train PROSE (data + symbols) and the data-only model on the same
batches from the same initialization seed, then evaluate both on held-out coefficients: relative
L2 of the predicted trajectory (PROSE with the guessed and with corrupted equations), and, with
the symbol decoder, the recovered expressions."""
from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..context import RunContext
from ..shared.threads import one_thread_when_small
from ..shared.weights import save_weights
from .data import MAX_TOKENS, Split, make_split, normalized, save_split
from .model import Prose
from .recovery import recovery_scores
from .symbols import PAD

MODELS = ("prose", "data_only")
EVAL_BATCH = 256


class Tensors:
    """A split on the device: model inputs, targets, and the scales to undo the normalization."""

    def __init__(self, split: Split, config, device):
        centre, scale, norm = normalized(split, config.input_points)
        as_t = lambda a, dtype=torch.float32: torch.as_tensor(np.array(a), dtype=dtype, device=device)
        times = np.broadcast_to(split.times[None, :, None], norm.shape[:2] + (1,))
        self.observed = as_t(np.concatenate([times, norm], axis=-1)[:, : config.input_points])
        self.query_times = as_t(np.broadcast_to(split.times[config.input_points:], (len(norm), config.output_points)))
        self.target = as_t(norm[:, config.input_points:])
        ids = (split.guessed_ids, split.true_ids, split.corrupted_ids)
        used = 2 + max(int((a != PAD).sum(axis=1).max()) for a in ids)  # trim the padding no sample uses
        self.guessed, self.true, self.corrupted = (as_t(a[:, :used], torch.long) for a in ids)
        self.scale = as_t(scale)
        self.size = len(norm)


def build(config, use_symbols: bool, seed: int, device) -> Prose:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Prose(config.dim, config.heads, config.layers, MAX_TOKENS, use_symbols,
                      use_symbols and config.symbol_decoder)
    return model.to(device)


def losses(model: Prose, data: Tensors, rows: torch.Tensor, symbol_weight: float) -> tuple[torch.Tensor, torch.Tensor]:
    tokens = data.guessed[rows] if model.use_symbols else None
    memory, mask = model.encode(data.observed[rows], tokens)
    mse = F.mse_loss(model.predict(memory, mask, data.query_times[rows]), data.target[rows])
    if not model.has_symbol_decoder:
        return mse, mse.new_zeros(())
    target = data.true[rows]
    logits = model.symbol_logits(memory, mask, target[:, :-1])
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target[:, 1:].reshape(-1), ignore_index=PAD)
    return mse + symbol_weight * ce, ce


def train(config, data: Tensors, ctx: RunContext) -> dict[str, Prose]:
    models = {"prose": build(config, True, ctx.seed, ctx.torch_device),
              "data_only": build(config, False, ctx.seed, ctx.torch_device)}
    optimizers = {name: torch.optim.AdamW(m.parameters(), lr=config.learning_rate, weight_decay=1e-4)
                  for name, m in models.items()}
    schedules = {name: torch.optim.lr_scheduler.OneCycleLR(opt, config.learning_rate, total_steps=config.train_steps,
                                                           pct_start=0.1) for name, opt in optimizers.items()}
    generator = ctx.torch_generator("batches")
    for step in range(1, config.train_steps + 1):
        rows = torch.randint(data.size, (config.batch_size,), generator=generator, device=ctx.torch_device)
        point = {}
        for name, model in models.items():
            loss, ce = losses(model, data, rows, config.symbol_weight)
            optimizers[name].zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizers[name].step()
            schedules[name].step()
            point[f"{name} loss"] = float(loss.detach())
            if model.has_symbol_decoder:
                point["prose symbol cross-entropy"] = float(ce.detach())
        ctx.log_point(step, point, panel="training loss")
        if step % 25 == 0:
            ctx.progress(0.8 * step / config.train_steps, f"training step {step}")
    return {name: model.eval() for name, model in models.items()}


@torch.no_grad()
def error_norms(model: Prose, data: Tensors, tokens: torch.Tensor | None) -> np.ndarray:
    """‖û − u‖ per sample over the output window, in the original (unnormalized) units."""
    errors = []
    for start in range(0, data.size, EVAL_BATCH):
        rows = slice(start, start + EVAL_BATCH)
        memory, mask = model.encode(data.observed[rows], None if tokens is None else tokens[rows])
        predicted = model.predict(memory, mask, data.query_times[rows])
        error = ((predicted - data.target[rows]) * data.scale[rows]).flatten(1).norm(dim=1)
        errors.append(error.cpu().numpy())
    return np.concatenate(errors)


def true_norms(split: Split, input_points: int) -> np.ndarray:
    return np.linalg.norm(split.trajectories[:, input_points:].reshape(len(split.family), -1), axis=1)


def run(config, ctx: RunContext) -> dict:
    with one_thread_when_small(ctx.device, config.dim * config.batch_size <= 1 << 13):
        return _run(config, ctx)


def _run(config, ctx: RunContext) -> dict:
    train_split = make_split(config, config.samples_per_family, ctx.rng("training-data"), train=True)
    test_split = make_split(config, config.test_per_family, ctx.rng("instances"), train=False)
    save_split(ctx.artifact_path("ode_data.npz"), train_split, test_split, config)
    models = train(config, Tensors(train_split, config, ctx.torch_device), ctx)
    for name, model in models.items():
        save_weights(ctx, f"{name}.safetensors", model, {"families": ",".join(config.families)})
    test = Tensors(test_split, config, ctx.torch_device)
    norms = true_norms(test_split, config.input_points)
    per_sample = {
        "prose": error_norms(models["prose"], test, test.guessed) / norms,
        "prose_corrupted": error_norms(models["prose"], test, test.corrupted) / norms,
        "data_only": error_norms(models["data_only"], test, None) / norms,
    }
    outcomes = {name: {"rel_l2": float(np.mean(values)), "median_rel_l2": float(np.median(values))}
                for name, values in per_sample.items()}
    by_family = {family: {name: {"rel_l2": float(np.mean(values[test_split.family == i]))}
                          for name, values in per_sample.items()}
                 for i, family in enumerate(config.families)}
    for name, outcome in outcomes.items():
        ctx.log(f"{name} test rel L2", config.train_steps, outcome["rel_l2"], panel="test relative L2")
    if config.symbol_decoder:
        ctx.progress(0.85, "decoding symbols")
        outcomes["prose"].update(recovery_scores(models["prose"], test, test_split, config))
    return {"outcomes": outcomes, "by_family": by_family, "test_samples": int(test.size)}
