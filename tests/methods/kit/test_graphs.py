"""Edge-array graphs and max aggregation against brute force and networkx."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.shared.graphs import (
    batch_graphs,
    edge_tensors,
    erdos_renyi,
    max_aggregate,
    to_networkx,
)

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])


@pytest.mark.parametrize("device", DEVICES)
def test_max_aggregate_takes_the_largest_message_per_receiving_node(device):
    rng = np.random.default_rng(1)
    dst = torch.as_tensor(rng.integers(0, 6, size=40), device=device)
    messages = torch.as_tensor(rng.normal(size=(40, 3)), device=device)
    out = max_aggregate(messages, dst, 7).cpu().numpy()
    for v in range(7):
        rows = messages.cpu().numpy()[dst.cpu().numpy() == v]
        expected = rows.max(axis=0) if len(rows) else np.full(3, -np.inf)
        np.testing.assert_array_equal(out[v], expected)


def test_erdos_renyi_is_undirected_and_matches_networkx():
    graph = erdos_renyi(30, 0.2, np.random.default_rng(2), (0.0, 5.0))
    g = to_networkx(graph)
    assert g.number_of_edges() * 2 == graph.src.size
    for a, b, w in zip(graph.src, graph.dst, graph.weight):
        assert g[a][b]["weight"] == w
    for v in range(30):
        assert list(g[v]) == sorted(g[v]) == graph.neighbours(v).tolist()


def test_a_batch_is_the_disjoint_union_with_offsets():
    rng = np.random.default_rng(3)
    graphs = [erdos_renyi(n, 0.5, rng) for n in (4, 7, 5)]
    union, offsets = batch_graphs(graphs)
    assert union.n == 16 and offsets.tolist() == [0, 4, 11]
    assert union.src.size == sum(g.src.size for g in graphs)
    src, _, w = edge_tensors(union.with_self_loops(), "cpu", torch.float64)
    assert src.numel() == union.src.size + 16 and float(w[-1]) == 0.0
