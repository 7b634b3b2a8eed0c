"""One run: for every (number of measurements, noise level) cell, the same noisy measurements go to
the universal PINN + STLSQ and to SINDy on finite differences of the raw data.

UPINN (Podina, Eastman & Kohandel 2022): u_θ(t) ≈ (x, y) and F_φ(u) ≈ the hidden term, trained
together on  w_d · mean_i |u_θ(t_i) − y_i|² + w_r · mean_j |u_θ'(τ_j) − N(u_θ(τ_j)) − F_φ(u_θ(τ_j))|²
(the shared PINN trainer: Adam, then L-BFGS). The symbolic step evaluates F_φ along the fitted
trajectory and fits it by STLSQ over the monomials of degree ≤ ``library_degree``.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..context import RunContext
from ..shared.pinn import Reference, Schedule, Term, ctx_logger, derivative, mlp, relative_l2, train
from ..shared.sindy import finite_difference_derivative, monomial_library, monomial_names, stlsq
from ..shared.weights import save_weights
from .problem import TRUE_HIDDEN, VARIABLES, Measurements, hidden_part, known_part, measure, trajectory

REFERENCE_POINTS = 256
RECOVERY_MAX_NOISE, RECOVERY_MIN_DATA = 0.01, 10  # the note's "N_data ≥ 10 and noise ≤ 1 %"
SPARSE_MAX_DATA = 10  # the note's "UPINN beats SINDy at N_data ≤ 10"


class UniversalPINN(nn.Module):
    """u_θ(t) (the solution surrogate, the module's output) and F_φ(u) (the hidden term)."""

    def __init__(self, width: int, depth: int, t_end: float):
        super().__init__()
        self.solution = mlp(1, width, depth, 2)
        self.hidden = mlp(2, width, depth, 2)
        self.t_end = t_end

    def forward(self, t: torch.Tensor) -> torch.Tensor:
        return self.solution(t / self.t_end)


def in_recovery_regime(n: int, noise: float) -> bool:
    return n >= RECOVERY_MIN_DATA and noise <= RECOVERY_MAX_NOISE


def cell_label(n: int, noise: float) -> str:
    return f"N{n}_noise{noise:g}"


def upinn_terms(model: UniversalPINN, data: Measurements, config, rng: np.random.Generator, device) -> list[Term]:
    t_data = torch.as_tensor(data.t[:, None], dtype=torch.float32, device=device)
    y_data = torch.as_tensor(data.values, dtype=torch.float32, device=device)

    def data_misfit(net, t):
        return net(t) - y_data

    def physics_residual(net, t):
        u = net(t)
        du = torch.stack([derivative(u[:, i], t, 1) for i in range(2)], dim=1)
        return du - known_part(u) - net.hidden(u)

    def collocation():
        return torch.as_tensor(rng.random((config.collocation, 1)) * config.t_end, dtype=torch.float32, device=device)

    return [Term("residual", physics_residual, collocation, weight=config.residual_weight),
            Term("data", data_misfit, t_data, weight=1.0, resample=False)]


def recovery(xi: np.ndarray, exponents) -> dict:
    """How far the sparse coefficients Ξ are from the true hidden term: the largest relative error of
    a true coefficient (a missing term counts 1), the number of wrong or missing terms, and
    recovery_error = that coefficient error + 1 per wrong or missing term (≤ 0.1 only when the
    support is exactly right and every coefficient is within 10 %)."""
    names = monomial_names(exponents, VARIABLES)
    truth = np.zeros_like(xi)
    for term, coefs in TRUE_HIDDEN.items():
        truth[names.index(term)] = coefs
    found, wanted = xi != 0, truth != 0
    errors = np.abs(xi[wanted] - truth[wanted]) / np.abs(truth[wanted])
    wrong_terms = int((found & ~wanted).sum() + (~found & wanted).sum())
    return {"coef_rel_error": float(errors.max()), "wrong_terms": wrong_terms,
            "recovery_error": float(errors.max()) + wrong_terms,
            "formula": [_formula(xi[:, j], names) for j in range(xi.shape[1])]}


def _formula(column: np.ndarray, names: list[str]) -> str:
    parts = [f"{c:+.4g}*{n}" if n != "1" else f"{c:+.4g}" for c, n in zip(column, names) if c != 0]
    return " ".join(parts) or "0"


def symbolic_step(states: np.ndarray, hidden_values: np.ndarray, config) -> dict:
    library, exponents = monomial_library(states, config.library_degree)
    fit = stlsq(library, hidden_values, config.stlsq_threshold, ridge=config.stlsq_ridge)
    return recovery(fit.coefficients, exponents)


def run_upinn(data: Measurements, config, ctx: RunContext, label: str, rng: np.random.Generator) -> dict:
    device = ctx.torch_device
    model = UniversalPINN(config.width, config.depth, config.t_end).to(device)
    t_ref = np.linspace(0.0, config.t_end, REFERENCE_POINTS)
    u_ref = trajectory(t_ref)
    as_tensor = lambda a: torch.as_tensor(a, dtype=torch.float32, device=device)  # noqa: E731
    reference = Reference(as_tensor(t_ref[:, None]), as_tensor(u_ref))
    schedule = Schedule(adam_steps=config.adam_steps, lr=config.lr, lr_decay=config.lr_decay,
                        lbfgs_steps=config.lbfgs_steps, eval_every=config.eval_every, log_every=config.eval_every)
    result = train(model, upinn_terms(model, data, config, rng, device), schedule, reference=reference,
                   callback=ctx_logger(ctx, f"UPINN {label}"), tick=ctx.check_cancelled)
    with torch.no_grad():
        u_fit = model(reference.x)
        hidden_fit = model.hidden(u_fit).cpu().numpy()
        hidden_true_path = model.hidden(reference.u).cpu().numpy()
    out = symbolic_step(u_fit.cpu().numpy(), hidden_fit, config)
    out["trajectory_rel_l2"] = result.final["rel_l2"]
    out["hidden_rel_l2"] = relative_l2(torch.as_tensor(hidden_true_path - hidden_part(u_ref)), torch.as_tensor(hidden_part(u_ref)))
    out["seconds"] = result.seconds
    save_weights(ctx, f"upinn_{label}.safetensors", model, {"cell": label})
    return out


def run_sindy(data: Measurements, config) -> dict:
    """SINDy with the same prior: the known part N is subtracted from the finite-difference
    derivatives of the raw measurements, and the remainder is fitted by the same STLSQ."""
    derivatives = finite_difference_derivative(data.t, data.values)
    return symbolic_step(data.values, derivatives - known_part(data.values), config)


def run(config, ctx: RunContext) -> dict:
    torch.set_default_dtype(torch.float32)
    rng = ctx.rng("instances")
    cells, saved, where = {}, {}, {}
    total = len(config.n_data) * len(config.noise)
    for n in config.n_data:
        for noise in config.noise:
            label = cell_label(n, noise)
            where[label] = (n, noise)
            torch.manual_seed(ctx.seed * 1009 + len(cells))
            data = measure(n, noise, config.t_end, rng)
            saved[f"t_{label}"], saved[f"y_{label}"] = data.t, data.values
            cells[label] = {"upinn": run_upinn(data, config, ctx, label, rng), "sindy": run_sindy(data, config)}
            ctx.log_point(n, {f"UPINN noise {noise:g}": cells[label]["upinn"]["coef_rel_error"],
                              f"SINDy noise {noise:g}": cells[label]["sindy"]["coef_rel_error"]},
                          panel="coefficient error vs N_data")
            ctx.progress(len(cells) / total, f"cell {label} done")
    np.savez(ctx.artifact_path("measurements.npz"), **saved)
    recovery_cells = {k: v for k, v in cells.items() if in_recovery_regime(*where[k])}
    sparse_cells = {k: v for k, v in cells.items() if where[k][0] <= SPARSE_MAX_DATA}
    return {"cells": cells, "recovery_cells": recovery_cells, "sparse_cells": sparse_cells,
            "device": str(ctx.torch_device)}

