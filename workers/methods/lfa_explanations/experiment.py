"""One run: the diabetes data (standardised), a linear model and a ReLU MLP fit to it, eight
explainers at test points drawn from the seed; recovery of the linear model's weights, C-LIME vs
SmoothGrad against the number of samples, and the fidelity matrix explainer x neighbourhood.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.datasets import load_diabetes

from ..context import RunContext
from ..shared import explainers as ex
from ..shared.weights import save_weights

EXPLAINERS = ("VanillaGrad", "Grad x Input", "SmoothGrad", "C-LIME", "Integrated Gradients", "LIME", "KernelSHAP", "Occlusion")


def neighbourhoods(config) -> dict[str, str]:
    """Column label -> the explainers whose own neighbourhood it is (Integrated Gradients: a path, no column)."""
    return {f"Gaussian sigma={config.sigma_small:g}": "VanillaGrad,Grad x Input",
            f"Gaussian sigma={config.sigma:g}": "SmoothGrad,C-LIME",
            "LIME masks": "LIME", "Shapley masks": "KernelSHAP", "single removals": "Occlusion"}


def load_data(device) -> tuple[torch.Tensor, torch.Tensor]:
    x, y = load_diabetes(return_X_y=True)
    x = (x - x.mean(0)) / x.std(0)
    y = (y - y.mean()) / y.std()
    as_t = lambda a: torch.as_tensor(a, dtype=torch.float64, device=device)
    return as_t(x), as_t(y)


def fit_linear(x: torch.Tensor, y: torch.Tensor) -> torch.nn.Linear:
    design = torch.cat([x, torch.ones_like(x[:, :1])], 1)
    solution = torch.linalg.lstsq(design, y[:, None]).solution[:, 0]
    model = torch.nn.Linear(x.shape[1], 1).to(x)
    with torch.no_grad():
        model.weight.copy_(solution[:-1][None])
        model.bias.copy_(solution[-1:])
    return model


def fit_mlp(x, y, config, ctx: RunContext) -> torch.nn.Sequential:
    torch.manual_seed(int(ctx.rng("init").integers(2**31)))
    layers, width = [], x.shape[1]
    for _ in range(config.layers):
        layers += [torch.nn.Linear(width, config.hidden), torch.nn.ReLU()]
        width = config.hidden
    model = torch.nn.Sequential(*layers, torch.nn.Linear(width, 1)).to(x)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    for epoch in range(config.epochs):
        loss = torch.mean((model(x)[:, 0] - y) ** 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if epoch % 10 == 0 or epoch == config.epochs - 1:
            ctx.log("MLP training MSE", epoch, loss.item(), panel="training loss")
    return model


def as_function(model: torch.nn.Module):
    return lambda inputs: model(inputs)[:, 0]


def explain_all(f, x0, baseline, config, samples: int, gen: torch.Generator) -> dict[str, ex.Explanation]:
    d = x0.shape[0]
    noise = lambda sigma: sigma * torch.randn(samples, d, generator=gen, dtype=x0.dtype, device=x0.device)
    bernoulli = (torch.rand(samples, d, generator=gen, dtype=x0.dtype, device=x0.device) < 0.5).to(x0.dtype)
    return {
        "VanillaGrad": ex.vanilla_gradient(f, x0),
        "Grad x Input": ex.gradient_times_input(f, x0, baseline),
        "SmoothGrad": ex.smoothgrad(f, x0, noise(config.sigma)),
        "C-LIME": ex.c_lime(f, x0, noise(config.sigma)),
        "Integrated Gradients": ex.integrated_gradients(f, x0, baseline, config.ig_steps),
        "LIME": ex.lime(f, x0, baseline, bernoulli, config.lime_kernel_width),
        "KernelSHAP": ex.kernel_shap(f, x0, baseline, ex.shapley_masks(samples, d, gen, x0.dtype, x0.device)),
        "Occlusion": ex.occlusion(f, x0, baseline),
    }


def recovery(f_linear, beta, points, baseline, config, gen, ctx) -> dict[str, dict]:
    """Per explainer: the smallest cosine over points between its weights and the closed form
    (beta in x-space, beta * (x0 - baseline) in z-space)."""
    worst = {name: 1.0 for name in EXPLAINERS}
    for x0 in points:
        ctx.check_cancelled()
        for name, e in explain_all(f_linear, x0, baseline, config, max(config.samples), gen).items():
            truth = beta if e.space == "x" else beta * (x0 - baseline)
            worst[name] = min(worst[name], ex.cosine(e.weights, truth))
    return {name: {"explanation": {"min_cosine": value}} for name, value in worst.items()}


class Column:
    """One neighbourhood of x0 with the population it is scored on: (inputs, z or eps, weights)."""

    def __init__(self, label: str, config, x0, baseline, gen):
        d = x0.shape[0]
        self.label = label
        if label.startswith("Gaussian"):
            sigma = config.sigma_small if label.endswith(f"={config.sigma_small:g}") else config.sigma
            self.space = "x"
            self.coords = sigma * torch.randn(config.eval_samples, d, generator=gen, dtype=x0.dtype, device=x0.device)
            self.inputs, self.weights = x0 + self.coords, None
            return
        self.space = "z"
        if label == "single removals":
            self.coords = torch.cat([torch.ones(1, d, dtype=x0.dtype, device=x0.device),
                                     1.0 - torch.eye(d, dtype=x0.dtype, device=x0.device)])
            self.weights = None
        else:
            self.coords = ex.all_masks(d, x0.dtype, x0.device)
            self.weights = (ex.lime_weights(self.coords, config.lime_kernel_width) if label == "LIME masks"
                            else ex.shapley_weights(self.coords))
        self.inputs = ex.masked_inputs(x0, baseline, self.coords)

    def unexplained(self, f_values, explanation, x0, baseline) -> float:
        w = ex.as_space(explanation, self.space, x0, baseline)
        return ex.unexplained_share(f_values, self.coords @ w, self.weights)


def fidelity_matrix(f, points, baseline, config, gen, ctx) -> dict[str, dict[str, float]]:
    """Median over points of the unexplained share of f by each explainer on each neighbourhood."""
    labels = list(neighbourhoods(config))
    scores = {name: {label: [] for label in labels} for name in EXPLAINERS}
    for x0 in points:
        ctx.check_cancelled()
        explanations = explain_all(f, x0, baseline, config, max(config.samples), gen)
        for label in labels:
            column = Column(label, config, x0, baseline, gen)
            with torch.no_grad():
                f_values = f(column.inputs)
            for name, e in explanations.items():
                scores[name][label].append(column.unexplained(f_values, e, x0, baseline))
    return {name: {label: float(np.median(v)) for label, v in row.items()} for name, row in scores.items()}


def own_column_cells(matrix, config, tolerance: float) -> tuple[dict, dict]:
    """Each explainer on its own neighbourhood: excess over the column's best; and who is within
    ``tolerance`` of the best in every column."""
    cells = {}
    for label, owners in neighbourhoods(config).items():
        best = min(row[label] for row in matrix.values())
        for name in owners.split(","):
            cells[f"{name} on {label}"] = {"own": {"excess_over_best": matrix[name][label] - best,
                                                   "unexplained": matrix[name][label], "column_best": best}}
    winners = [name for name, row in matrix.items()
               if all(row[label] - min(r[label] for r in matrix.values()) <= tolerance for label in row)]
    return cells, {"fidelity matrix": {"universal_winners": len(winners), "winners": winners}}


def clime_vs_smoothgrad(f, points, config, gen, ctx) -> dict[str, list]:
    """Median over points of |w_C-LIME - w_SmoothGrad| / |w_SmoothGrad| (independent draws) per sample count."""
    gaps = []
    for count in config.samples:
        ctx.check_cancelled()
        values = []
        for x0 in points:
            d = x0.shape[0]
            sg = ex.smoothgrad(f, x0, config.sigma * torch.randn(count, d, generator=gen, dtype=x0.dtype, device=x0.device))
            cl = ex.c_lime(f, x0, config.sigma * torch.randn(count, d, generator=gen, dtype=x0.dtype, device=x0.device))
            values.append(float((cl.weights - sg.weights).norm() / sg.weights.norm().clamp_min(1e-300)))
        gaps.append(float(np.median(values)))
        ctx.log("C-LIME vs SmoothGrad relative gap", count, gaps[-1], panel="C-LIME vs SmoothGrad", unit="relative")
    return {"x": list(config.samples), "y": gaps}


def run(config, ctx: RunContext) -> dict:
    from .claims import TIE_TOLERANCE

    device = ctx.torch_device
    x, y = load_data(device)
    rows = ctx.rng("instances").choice(x.shape[0], size=config.test_points, replace=False)
    points, baseline = x[torch.as_tensor(rows, device=device)], torch.zeros(x.shape[1], dtype=x.dtype, device=device)
    gen = ctx.torch_generator("perturbations")
    linear = fit_linear(x, y)
    mlp = fit_mlp(x, y, config, ctx)
    save_weights(ctx, "linear.safetensors", linear)
    save_weights(ctx, "mlp.safetensors", mlp)
    ctx.progress(0.2, "models fit")
    recovered = recovery(as_function(linear), linear.weight.detach()[0], points, baseline, config, gen, ctx)
    sweep = clime_vs_smoothgrad(as_function(mlp), points, config, gen, ctx)
    ctx.progress(0.5, "C-LIME vs SmoothGrad measured")
    matrix = fidelity_matrix(as_function(mlp), points, baseline, config, gen, ctx)
    for k, label in enumerate(neighbourhoods(config)):
        ctx.log_point(k, {name: matrix[name][label] for name in EXPLAINERS}, panel="unexplained share per neighbourhood (column index)")
    own, outcomes = own_column_cells(matrix, config, TIE_TOLERANCE)
    return {"recovery": recovered, "own_column": own, "outcomes": outcomes, "fidelity_matrix": matrix,
            "fits": {"C-LIME vs SmoothGrad": sweep}, "columns": list(neighbourhoods(config)),
            "mlp_train_mse": float(torch.mean((as_function(mlp)(x).detach() - y) ** 2)), "device": str(device)}
