"""Compiled GNN parameters against networkx's BFS, Bellman-Ford and DFS (exact at every size)."""
from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
import torch

from workers.methods.neural_compilation_gnn.dfs import compiled_dfs
from workers.methods.neural_compilation_gnn.experiment import network_input
from workers.methods.neural_compilation_gnn.learned_dfs import (
    dfs_steps,
    segment_log_softmax,
)
from workers.methods.neural_compilation_gnn.processor import (
    MaxMPNN,
    compile_bellman_ford,
    compile_bfs,
    initial_state,
    reference_trace,
    rollout,
)
from workers.methods.shared.graphs import edge_tensors, erdos_renyi, to_networkx

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


def graphs(count=30, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        n = int(rng.integers(4, 80))
        yield erdos_renyi(n, min(1.0, 3.0 / (n - 1)), rng, (0.0, 10.0))


def run_compiled(model, algorithm, graph, device):
    x0 = torch.as_tensor(initial_state(algorithm, graph.n, 0), device=device)
    return rollout(model.to(device), x0, edge_tensors(network_input(algorithm, graph), device, torch.float64),
                   graph.n - 1).cpu().numpy()


@pytest.mark.parametrize("device", DEVICES)
def test_compiled_bfs_reaches_each_node_at_its_networkx_hop_distance(device):
    model = compile_bfs(MaxMPNN(1, 8, 32).double())
    for graph in graphs():
        states = run_compiled(model, "bfs", graph, device)[:, :, 0]
        hops = nx.single_source_shortest_path_length(to_networkx(graph), 0)
        for t in range(graph.n):
            np.testing.assert_array_equal(states[t], [float(hops.get(v, graph.n) <= t) for v in range(graph.n)])


@pytest.mark.parametrize("device", DEVICES)
def test_compiled_bellman_ford_gives_networkx_distances(device):
    model = compile_bellman_ford(MaxMPNN(2, 8, 32).double())
    for graph in graphs(seed=1):
        final = run_compiled(model, "bf", graph, device)[-1]
        dist = nx.single_source_bellman_ford_path_length(to_networkx(graph), 0)
        np.testing.assert_array_equal(final[:, 0], [float(v in dist) for v in range(graph.n)])
        np.testing.assert_allclose(final[:, 1], [dist.get(v, 0.0) for v in range(graph.n)], rtol=0, atol=1e-9)


def test_the_numpy_reference_trace_ends_at_networkx_distances():
    for graph in graphs(10, seed=2):
        final = reference_trace("bf", graph, 0, graph.n - 1)[-1]
        dist = nx.single_source_dijkstra_path_length(to_networkx(graph), 0)
        np.testing.assert_allclose(final[:, 1], [dist.get(v, 0.0) for v in range(graph.n)], atol=1e-12)


def test_compiled_dfs_visits_nodes_in_networkx_preorder():
    for graph in graphs(40, seed=3):
        assert compiled_dfs(graph, 0) == list(nx.dfs_preorder_nodes(to_networkx(graph), 0))


def test_the_learned_dfs_traces_follow_networkx_preorder_and_its_softmax_is_per_graph():
    for graph in graphs(20, seed=4):
        features, targets, order = dfs_steps(graph)
        assert order == list(nx.dfs_preorder_nodes(to_networkx(graph), 0))
        assert len(features) == len(targets) == 2 * (len(order) - 1)
    logits = torch.tensor([0.3, -1.0, 2.0, 0.5, 0.1], dtype=torch.float64)
    segment = torch.tensor([0, 0, 1, 1, 1])
    expected = torch.cat([torch.log_softmax(logits[:2], 0), torch.log_softmax(logits[2:], 0)])
    torch.testing.assert_close(segment_log_softmax(logits, segment, 2), expected)
