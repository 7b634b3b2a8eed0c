"""One run: digits, four arms trained from the same init and batches (symmetric EP, asymmetric EP,
asymmetric EP + Jacobian homeostasis, exact gradient on the asymmetric net), and the nudge
estimators compared with the exact du*/dbeta at init.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_digits

from ..context import RunContext
from ..shared.weights import save_weights
from .network import (
    EqNet,
    ep_gradient,
    exact_gradient,
    flat,
    homeostasis_loss,
    jacobian_symmetry,
)

SYMMETRIC, ASYMMETRIC, HOMEOSTATIC, EXACT = "EP symmetric", "EP asymmetric", "EP asymmetric + homeostasis", "exact gradient asymmetric"
ARMS = (SYMMETRIC, ASYMMETRIC, HOMEOSTATIC, EXACT)


def load_data(rng: np.random.Generator, train: int, device):
    x, labels = load_digits(return_X_y=True)
    order = rng.permutation(len(x))
    x = torch.as_tensor(x[order] / 16.0, dtype=torch.float64, device=device)
    y = torch.nn.functional.one_hot(torch.as_tensor(labels[order], device=device), 10).double()
    return (x[:train], y[:train]), (x[train:], y[train:])


def build(arm: str, config, device) -> EqNet:
    gen = torch.Generator().manual_seed(config.init_seed)
    net = EqNet(64, config.hidden, 10, tied=arm == SYMMETRIC, generator=gen, alpha_deg=config.alpha_deg)
    return net.to(device)


def gradient(arm: str, net: EqNet, x, y, config) -> dict[str, torch.Tensor]:
    u = net.equilibrium(x, y, 0.0, steps=config.free_steps)
    if arm == EXACT:
        grads = exact_gradient(net, u, x, y)
    else:
        grads = ep_gradient(net, u, x, y, config.beta, config.nudge_points, config.nudge_steps)
    grads = {k: g / x.shape[0] for k, g in grads.items()}
    if arm == HOMEOSTATIC:
        params = dict(net.named_parameters())
        extra = torch.autograd.grad(config.homeostasis * homeostasis_loss(net, u), list(params.values()), allow_unused=True)
        grads = {k: g + (e if e is not None else 0.0) for (k, g), e in zip(grads.items(), extra)}
    return grads


def cosine(a: torch.Tensor, b: torch.Tensor) -> float:
    return float(a @ b / (a.norm() * b.norm()).clamp_min(1e-300))


def diagnose(net: EqNet, probe, config) -> dict[str, float]:
    """On the probe batch: alignment of EP's gradient with the exact one, Jacobian symmetry, L_h."""
    x, y = probe
    u = net.equilibrium(x, y, 0.0, steps=config.free_steps)
    ep = flat(ep_gradient(net, u, x, y, config.beta, config.nudge_points, config.nudge_steps))
    exact = flat(exact_gradient(net, u, x, y))
    with torch.no_grad():
        lh = float(homeostasis_loss(net, u))
    return {"cosine_to_exact": cosine(ep, exact), "jacobian_symmetry": jacobian_symmetry(net, u), "homeostasis_loss": lh}


def accuracy(net: EqNet, data, config) -> float:
    x, y = data
    u = net.equilibrium(x, y, 0.0, steps=config.free_steps)
    return float((u[:, net.hidden:].argmax(1) == y.argmax(1)).double().mean())


def train_arm(arm: str, config, train, test, probe, ctx: RunContext) -> tuple[EqNet, dict]:
    net = build(arm, config, ctx.torch_device)
    optimizer = torch.optim.Adam(net.parameters(), lr=config.learning_rate)
    batches = ctx.rng("batches")  # the same order for every arm
    x_train, y_train = train
    history = []
    for epoch in range(config.epochs):
        order = torch.as_tensor(batches.permutation(len(x_train)), device=x_train.device)
        for start in range(0, len(order) - config.batch_size + 1, config.batch_size):
            idx = order[start:start + config.batch_size]
            grads = gradient(arm, net, x_train[idx], y_train[idx], config)
            optimizer.zero_grad()
            for name, p in net.named_parameters():
                p.grad = grads[name]
            optimizer.step()
            ctx.check_cancelled()
        record = {"test_accuracy": accuracy(net, test, config), **diagnose(net, probe, config)}
        history.append(record)
        ctx.log_point(epoch + 1, {f"{arm} test accuracy": record["test_accuracy"]}, panel="test accuracy")
        ctx.log_point(epoch + 1, {f"{arm} cos(EP, exact)": record["cosine_to_exact"]}, panel="cosine of EP to exact gradient")
        ctx.log_point(epoch + 1, {f"{arm} Jacobian symmetry": record["jacobian_symmetry"]}, panel="Jacobian symmetry s/(s+a)")
    return net, history[-1]


def nudge_estimators(config, probe, ctx: RunContext) -> dict[str, dict]:
    """At init, symmetric net: EP gradients from one-sided, central and Cauchy nudges at finite beta."""
    net = build(SYMMETRIC, config, ctx.torch_device)
    x, y = probe
    u = net.equilibrium(x, y, 0.0, steps=config.free_steps)
    exact = flat(exact_gradient(net, u, x, y))
    out = {}
    for points, name in ((1, "one-sided N=1"), (2, "central N=2"), (config.nudge_points, f"Cauchy N={config.nudge_points}")):
        g = flat(ep_gradient(net, u, x, y, config.beta, points, config.nudge_steps))
        out[name] = {"relative_error": float((g - exact).norm() / exact.norm()), "cosine": cosine(g, exact)}
        ctx.log("EP gradient relative error at init", points, out[name]["relative_error"], panel="nudge estimator error")
    return {f"symmetric net at init, beta={config.beta:g}": out}


def run(config, ctx: RunContext) -> dict:
    train, test = load_data(ctx.rng("instances"), config.train_size, ctx.torch_device)
    probe = (test[0][:config.probe_size], test[1][:config.probe_size])
    nudge = nudge_estimators(config, probe, ctx)
    outcomes = {}
    for k, arm in enumerate(ARMS):
        net, final = train_arm(arm, config, train, test, probe, ctx)
        final["misalignment"] = 1.0 - final["cosine_to_exact"]
        outcomes[arm] = final
        save_weights(ctx, f"net_{k}.safetensors", net, {"arm": arm})
        ctx.progress((k + 1) / len(ARMS), f"{arm} trained")
    gap = outcomes[SYMMETRIC]["test_accuracy"] - outcomes[ASYMMETRIC]["test_accuracy"]
    recovered = outcomes[HOMEOSTATIC]["test_accuracy"] - outcomes[ASYMMETRIC]["test_accuracy"]
    for arm in ARMS:
        outcomes[arm]["gap_recovered"] = (outcomes[arm]["test_accuracy"] - outcomes[ASYMMETRIC]["test_accuracy"]) / gap if gap > 0 else float("nan")
    return {"nudge": nudge, "outcomes": outcomes, "accuracy_gap": gap, "accuracy_recovered": recovered,
            "device": str(ctx.torch_device)}

