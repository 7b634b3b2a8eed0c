"""One run: compile BFS, Bellman-Ford and DFS and check them against networkx; train the same
processor from random init on BFS and Bellman-Ford traces; evaluate both on in-distribution and
larger graphs drawn from the run's seed.
"""
from __future__ import annotations

import numpy as np
import torch

from ..context import RunContext
from ..shared.graphs import (
    EdgeGraph,
    batch_graphs,
    edge_tensors,
    erdos_renyi,
    to_networkx,
)
from ..shared.weights import save_weights
from .dfs import compiled_dfs
from .learned_dfs import preorder_accuracy, train_pointer
from .processor import (
    COMPILERS,
    STATE_DIMS,
    MaxMPNN,
    initial_state,
    reference_trace,
    rollout,
)

ALGORITHMS = {"bfs": "BFS", "bf": "Bellman-Ford"}
DISTANCE_RTOL = 0.02  # a learned distance counts as right within 2% (relative, floor 1 unit of distance)
EXACT_ATOL = 1e-9  # compiled distances vs networkx's float sums


def draw_graphs(rng: np.random.Generator, count: int, sizes: tuple[int, int], degree: float, weight_high: float) -> list[EdgeGraph]:
    out = []
    for _ in range(count):
        n = int(rng.integers(sizes[0], sizes[1] + 1))
        out.append(erdos_renyi(n, min(1.0, degree / (n - 1)), rng, (0.0, weight_high)))
    return out


def test_cells(config, rng) -> dict[str, list[EdgeGraph]]:
    cells = {f"n={config.train_n_min}-{config.train_n_max}": draw_graphs(
        rng, config.test_graphs, (config.train_n_min, config.train_n_max), config.mean_degree, 1.0)}
    for n in config.ood_sizes:
        cells[f"n={n}"] = draw_graphs(rng, config.test_graphs, (n, n), config.mean_degree, config.ood_weight_scale)
    return cells


def network_input(algorithm: str, graph: EdgeGraph) -> EdgeGraph:
    """The graph a processor reads: self-loops of weight 0; BFS sees an unweighted graph (edge feature 1)."""
    if algorithm == "bfs":
        graph = EdgeGraph(graph.n, graph.src, graph.dst, np.ones_like(graph.weight))
    return graph.with_self_loops()


# ---- compiled networks vs networkx -------------------------------------------------------

def _compiled_matches(algorithm: str, model: MaxMPNN | None, graph: EdgeGraph) -> bool:
    import networkx as nx

    g = to_networkx(graph)
    if algorithm == "dfs":
        return compiled_dfs(graph, 0) == list(nx.dfs_preorder_nodes(g, 0))
    looped = network_input(algorithm, graph)
    states = rollout(model, torch.as_tensor(initial_state(algorithm, graph.n, 0)),
                     edge_tensors(looped, "cpu", torch.float64), graph.n - 1).numpy()
    if algorithm == "bfs":
        hops = nx.single_source_shortest_path_length(g, 0)
        levels = np.where(states[:, :, 0].max(axis=0) > 0.5, np.argmax(states[:, :, 0] > 0.5, axis=0), -1)
        return all(levels[v] == hops.get(v, -1) for v in range(graph.n))
    dist = nx.single_source_bellman_ford_path_length(g, 0)
    final = states[-1]
    reached = {v for v in range(graph.n) if final[v, 0] > 0.5}
    return reached == set(dist) and all(abs(final[v, 1] - d) <= EXACT_ATOL for v, d in dist.items())


def compiled_models(config) -> dict[str, MaxMPNN]:
    return {a: COMPILERS[a](MaxMPNN(STATE_DIMS[a], config.message_dim, config.hidden).double()) for a in ALGORITHMS}


def check_compiled(models, cells, ctx: RunContext) -> dict[str, dict]:
    out = {}
    for algorithm in ("bfs", "bf", "dfs"):
        for label, graphs in cells.items():
            exact = [_compiled_matches(algorithm, models.get(algorithm), g) for g in graphs]
            share = float(np.mean(exact))
            out[f"{algorithm} {label}"] = {"compiled": {"exact_share": share, "graphs": len(graphs)}}
            ctx.log(f"compiled {algorithm.upper()} exact share", max(g.n for g in graphs), share, panel="accuracy")
    return out


# ---- learned networks ---------------------------------------------------------------------

def teacher_forced_batch(algorithm: str, graphs: list[EdgeGraph], device):
    """Every graph's trace steps as disjoint copies: inputs x^t, targets x^{t+1}, t < n - 1."""
    copies, inputs, targets = [], [], []
    for g in graphs:
        trace = reference_trace(algorithm, g, 0, g.n - 1)
        looped = network_input(algorithm, g)
        copies.extend([looped] * (g.n - 1))
        inputs.append(trace[:-1].reshape(-1, trace.shape[-1]))
        targets.append(trace[1:].reshape(-1, trace.shape[-1]))
    union, _ = batch_graphs(copies)
    as_tensor = lambda a: torch.as_tensor(np.concatenate(a), dtype=torch.float32, device=device)
    return edge_tensors(union, device, torch.float32), as_tensor(inputs), as_tensor(targets)


def train(algorithm: str, config, train_graphs: list[EdgeGraph], ctx: RunContext) -> MaxMPNN:
    device = ctx.torch_device
    torch.manual_seed(int(ctx.rng(f"init {algorithm}").integers(2**31)))
    model = MaxMPNN(STATE_DIMS[algorithm], config.message_dim, config.hidden).to(device)
    chunks = [train_graphs[i:i + config.batch_graphs] for i in range(0, len(train_graphs), config.batch_graphs)]
    batches = [teacher_forced_batch(algorithm, chunk, device) for chunk in chunks]
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    for step in range(config.train_steps):
        edges, x, y = batches[step % len(batches)]
        loss = torch.mean((model(x, *edges) - y) ** 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 5 == 0 or step == config.train_steps - 1:
            ctx.log(f"learned {ALGORITHMS[algorithm]} loss", step, loss.item(), panel="training loss")
    return model.eval()


def _node_correct(algorithm: str, predicted: np.ndarray, truth: np.ndarray) -> np.ndarray:
    reach_ok = (predicted[..., 0] > 0.5) == (truth[..., 0] > 0.5)
    if algorithm == "bfs":
        return reach_ok
    close = np.abs(predicted[..., 1] - truth[..., 1]) <= DISTANCE_RTOL * np.maximum(truth[..., 1], 1.0)
    return reach_ok & (close | (truth[..., 0] < 0.5))


def _relative_error(algorithm: str, predicted: np.ndarray, truth: np.ndarray) -> float:
    """BFS: mean |r_hat - r|; Bellman-Ford: mean |d_hat - d| / max(d, 1) over reached nodes."""
    if algorithm == "bfs":
        return float(np.abs(predicted[:, 0] - truth[:, 0]).mean())
    reached = truth[:, 0] > 0.5
    return float((np.abs(predicted[reached, 1] - truth[reached, 1]) / np.maximum(truth[reached, 1], 1.0)).mean())


def evaluate(algorithm: str, model: MaxMPNN, compiled: MaxMPNN, graphs: list[EdgeGraph], device) -> dict:
    """Roll out learned and compiled networks on the union of ``graphs`` for max(n) - 1 steps."""
    union, _ = batch_graphs([network_input(algorithm, g) for g in graphs])
    steps = max(g.n for g in graphs) - 1
    x0 = np.concatenate([initial_state(algorithm, g.n, 0) for g in graphs])
    truth = np.concatenate([reference_trace(algorithm, g, 0, steps) for g in graphs], axis=1)  # source 0 of each
    learned = rollout(model, torch.as_tensor(x0, dtype=torch.float32, device=device),
                      edge_tensors(union, device, torch.float32), steps).double().cpu().numpy()
    exact = rollout(compiled, torch.as_tensor(x0), edge_tensors(union, "cpu", torch.float64), steps).numpy()
    per_step = _node_correct(algorithm, learned, truth).mean(axis=1)
    drift = np.abs(learned - exact).mean(axis=(1, 2))
    return {"node_accuracy": float(_node_correct(algorithm, learned[-1], truth[-1]).mean()),
            "relative_error": _relative_error(algorithm, learned[-1], truth[-1]),
            "trace_agreement": float(per_step.mean()), "drift_per_step": drift.tolist(),
            "final_drift": float(drift[-1])}


def learned_cells(models, compiled, cells, ctx: RunContext) -> dict[str, dict]:
    """{algorithm: {cell: {"learned": metrics, "compiled": metrics}}}, logging accuracy against n."""
    out: dict[str, dict] = {}
    for algorithm, model in models.items():
        out[algorithm] = {}
        for label, graphs in cells.items():
            learned = evaluate(algorithm, model, compiled[algorithm], graphs, ctx.torch_device)
            n = max(g.n for g in graphs)
            ctx.log_point(n, {f"learned {ALGORITHMS[algorithm]} node accuracy": learned["node_accuracy"],
                              f"learned {ALGORITHMS[algorithm]} trace agreement": learned["trace_agreement"]},
                          panel="accuracy")
            out[algorithm][label] = {"learned": learned, "compiled": {"node_accuracy": 1.0, "trace_agreement": 1.0}}
    return out


def generalisation_outcomes(learned: dict, in_label: str, far_label: str) -> dict[str, dict]:
    """Accuracy in distribution, on the largest graphs, and the drop between them, per network."""
    out = {}
    for algorithm, name in ALGORITHMS.items():
        inside, far = learned[algorithm][in_label]["learned"], learned[algorithm][far_label]["learned"]
        out[f"learned {name}"] = {"id_accuracy": inside["node_accuracy"], "ood_accuracy": far["node_accuracy"],
                                  "ood_drop": inside["node_accuracy"] - far["node_accuracy"],
                                  "id_relative_error": inside["relative_error"], "ood_relative_error": far["relative_error"],
                                  "error_growth": far["relative_error"] / max(inside["relative_error"], 1e-12),
                                  "ood_trace_agreement": far["trace_agreement"], "ood_drift": far["final_drift"]}
    out["compiled"] = {"id_accuracy": 1.0, "ood_accuracy": 1.0, "ood_drop": 0.0, "ood_trace_agreement": 1.0, "ood_drift": 0.0,
                       "id_relative_error": 0.0, "ood_relative_error": 0.0, "error_growth": 1.0}
    return out


def learned_dfs_accuracy(config, train_graphs, cells, ctx: RunContext) -> dict[str, float]:
    """Train the pointer GNN on DFS traces; share of preorder positions right per size cell."""
    model = train_pointer(config, train_graphs, ctx, "learned DFS loss")
    save_weights(ctx, "learned_dfs.safetensors", model, {"algorithm": "dfs"})
    out = {}
    for label, graphs in cells.items():
        out[label] = preorder_accuracy(model, graphs, ctx.torch_device)
        ctx.log("learned DFS preorder accuracy", max(g.n for g in graphs), out[label], panel="accuracy")
    return out


def run(config, ctx: RunContext) -> dict:
    rng = ctx.rng("instances")
    train_graphs = draw_graphs(rng, config.train_graphs, (config.train_n_min, config.train_n_max), config.mean_degree, 1.0)
    cells = test_cells(config, rng)
    compiled = compiled_models(config)
    compiled_cells = check_compiled(compiled, cells, ctx)
    ctx.progress(0.2, "compiled networks checked against networkx")
    models = {}
    for k, algorithm in enumerate(ALGORITHMS):
        models[algorithm] = train(algorithm, config, train_graphs, ctx)
        save_weights(ctx, f"learned_{algorithm}.safetensors", models[algorithm], {"algorithm": algorithm})
        save_weights(ctx, f"compiled_{algorithm}.safetensors", compiled[algorithm], {"algorithm": algorithm})
        ctx.progress(0.2 + 0.35 * (k + 1), f"trained the {ALGORITHMS[algorithm]} processor")
    learned = learned_cells(models, compiled, cells, ctx)
    labels = list(cells)
    far = labels[-1]
    dfs_accuracy = learned_dfs_accuracy(config, train_graphs, cells, ctx)
    for algorithm, name in ALGORITHMS.items():
        for step, drift in enumerate(learned[algorithm][far]["learned"]["drift_per_step"]):
            ctx.log(f"learned {name} drift from compiled ({far})", step, drift, panel="drift from compiled state")
    return {
        "compiled_cells": compiled_cells,
        "learned_bfs_cells": {label: {"learned BFS": cell["learned"], "compiled": cell["compiled"]}
                              for label, cell in learned["bfs"].items()},
        "outcomes": {**generalisation_outcomes(learned, labels[0], far),
                     "learned DFS": {"id_accuracy": dfs_accuracy[labels[0]], "ood_accuracy": dfs_accuracy[far],
                                     "ood_drop": dfs_accuracy[labels[0]] - dfs_accuracy[far]}},
        "learned_dfs_preorder_accuracy": dfs_accuracy,
        "in_distribution": labels[0], "largest": far,
        "device": str(ctx.torch_device),
    }
