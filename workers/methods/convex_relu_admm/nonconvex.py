"""The baseline: the non-convex two-layer ReLU network trained by SGD or Adam (torch).

    L(U, α) = ½||Σ_j (X u_j)_+ α_j − y||² + (β/2) Σ_j (||u_j||² + α_j²)

the same objective the convex program reformulates (Bai, Gautam & Sojoudi 2022, eq. 1), with the same
number of neurons m as the convex solution. Several initialisations are trained at once as one batch
of independent networks (shape (inits, m, d)); each network's gradient depends on its own parameters
only, so this is the same as training them one by one. Mini-batch gradients use the objective
rescaled to the batch (n/|B| times the batch loss); the logged objective is always the full one.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch


@dataclass
class NonconvexSetup:
    neurons: int
    inits: int
    epochs: int
    batch_size: int
    sgd_lr: float
    adam_lr: float
    init_scale: float


def objective(U: torch.Tensor, alpha: torch.Tensor, X: torch.Tensor, y: torch.Tensor, beta: float) -> torch.Tensor:
    """L(U, α) for every initialisation at once: U (S, m, d), α (S, m) -> (S,)."""
    pred = torch.relu(torch.matmul(X, U.transpose(1, 2))) @ alpha.unsqueeze(-1)
    residual = pred.squeeze(-1) - y
    return 0.5 * (residual**2).sum(dim=1) + 0.5 * beta * ((U**2).sum(dim=(1, 2)) + (alpha**2).sum(dim=1))


def initial_weights(setup: NonconvexSetup, d: int, generator: torch.Generator, device) -> tuple[torch.Tensor, torch.Tensor]:
    """He-style init: u ~ N(0, 2/d)·scale, α ~ N(0, 1/m)·scale."""
    shape = (setup.inits, setup.neurons)
    U = torch.randn(*shape, d, generator=generator, device=device, dtype=torch.float64)
    alpha = torch.randn(*shape, generator=generator, device=device, dtype=torch.float64)
    U = U * setup.init_scale * math.sqrt(2.0 / d)
    alpha = alpha * setup.init_scale / math.sqrt(setup.neurons)
    return U.requires_grad_(True), alpha.requires_grad_(True)


def train(
    optimizer_name: str,
    X: np.ndarray,
    y: np.ndarray,
    beta: float,
    setup: NonconvexSetup,
    generator: torch.Generator,
    device,
    on_epoch: Callable[[int, np.ndarray], None],
    report_epochs: set[int],
) -> np.ndarray:
    """Train every initialisation; returns the final full objective of each, shape (inits,).

    ``on_epoch(epoch, objectives)`` is called after the epochs in ``report_epochs`` only (the full
    objective costs a pass over the data)."""
    Xt = torch.as_tensor(X, dtype=torch.float64, device=device)
    yt = torch.as_tensor(y, dtype=torch.float64, device=device)
    U, alpha = initial_weights(setup, X.shape[1], generator, device)
    if optimizer_name == "SGD":
        opt = torch.optim.SGD([U, alpha], lr=setup.sgd_lr, momentum=0.9)
    elif optimizer_name == "Adam":
        opt = torch.optim.Adam([U, alpha], lr=setup.adam_lr)
    else:
        raise ValueError(f"unknown optimizer {optimizer_name!r}; known: SGD, Adam")
    n = X.shape[0]
    batch = min(setup.batch_size, n)
    for epoch in range(1, setup.epochs + 1):
        order = torch.randperm(n, generator=generator, device=device)
        for start in range(0, n - batch + 1, batch):
            idx = order[start : start + batch]
            loss = _batch_objective(U, alpha, Xt[idx], yt[idx], beta, n / len(idx)).sum() / n
            opt.zero_grad()
            loss.backward()
            opt.step()
        if epoch in report_epochs:
            with torch.no_grad():
                on_epoch(epoch, objective(U, alpha, Xt, yt, beta).cpu().numpy())
    with torch.no_grad():
        return objective(U, alpha, Xt, yt, beta).cpu().numpy()


def _batch_objective(U, alpha, Xb, yb, beta, weight):
    """weight·(batch data term) + regulariser: an unbiased estimate of L for each initialisation."""
    pred = torch.relu(torch.matmul(Xb, U.transpose(1, 2))) @ alpha.unsqueeze(-1)
    data = 0.5 * ((pred.squeeze(-1) - yb) ** 2).sum(dim=1)
    return weight * data + 0.5 * beta * ((U**2).sum(dim=(1, 2)) + (alpha**2).sum(dim=1))
