"""Small weighted graphs as edge arrays, and the max-aggregation step of a message-passing network.

A graph here is an ``EdgeGraph``: ``n`` nodes and directed edges ``src -> dst`` with weights;
an undirected graph carries each edge in both directions. Message passing sends one message per
edge and reduces the messages arriving at a node by their elementwise maximum (the aggregator
aligned with BFS / Bellman-Ford, Veličković et al. 2020).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch


@dataclass(frozen=True)
class EdgeGraph:
    n: int
    src: np.ndarray  # int64, one entry per directed edge
    dst: np.ndarray
    weight: np.ndarray  # float64

    def with_self_loops(self, weight: float = 0.0) -> EdgeGraph:
        """The same graph plus an edge v -> v of the given weight at every node."""
        nodes = np.arange(self.n)
        return EdgeGraph(
            self.n,
            np.concatenate([self.src, nodes]),
            np.concatenate([self.dst, nodes]),
            np.concatenate([self.weight, np.full(self.n, float(weight))]),
        )

    def neighbours(self, v: int) -> np.ndarray:
        """Out-neighbours of v in increasing order."""
        return np.sort(self.dst[self.src == v])


def erdos_renyi(n: int, p: float, rng: np.random.Generator, weight_range: tuple[float, float] = (0.0, 1.0)) -> EdgeGraph:
    """G(n, p), undirected, each edge weight ~ U(weight_range) shared by both directions."""
    upper_i, upper_j = np.triu_indices(n, k=1)
    keep = rng.random(upper_i.size) < p
    i, j = upper_i[keep], upper_j[keep]
    w = rng.uniform(weight_range[0], weight_range[1], size=i.size)
    return EdgeGraph(n, np.concatenate([i, j]).astype(np.int64), np.concatenate([j, i]).astype(np.int64),
                     np.concatenate([w, w]))


def to_networkx(graph: EdgeGraph):
    """An undirected networkx graph with the same nodes and weights; edges are added in sorted
    order so every node's adjacency lists its neighbours in increasing order (DFS tie-break)."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(range(graph.n))
    pairs = sorted({(min(a, b), max(a, b), w) for a, b, w in zip(graph.src.tolist(), graph.dst.tolist(),
                                                               graph.weight.tolist()) if a != b})
    g.add_weighted_edges_from(pairs)
    return g


def edge_tensors(graph: EdgeGraph, device, dtype: torch.dtype) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    return (torch.as_tensor(graph.src, device=device), torch.as_tensor(graph.dst, device=device),
            torch.as_tensor(graph.weight, device=device, dtype=dtype))


def max_aggregate(messages: torch.Tensor, dst: torch.Tensor, n: int, empty: float = float("-inf")) -> torch.Tensor:
    """out[v] = max over edges e with dst[e] = v of messages[e] (rows), ``empty`` where none arrive."""
    out = torch.full((n, *messages.shape[1:]), empty, dtype=messages.dtype, device=messages.device)
    index = dst.view(-1, *([1] * (messages.dim() - 1))).expand_as(messages)
    return out.scatter_reduce(0, index, messages, reduce="amax", include_self=True)


def batch_graphs(graphs: list[EdgeGraph]) -> tuple[EdgeGraph, np.ndarray]:
    """One disjoint union graph and the node offset of each member (for batched message passing)."""
    offsets = np.cumsum([0] + [g.n for g in graphs[:-1]])
    union = EdgeGraph(
        int(sum(g.n for g in graphs)),
        np.concatenate([g.src + o for g, o in zip(graphs, offsets)]),
        np.concatenate([g.dst + o for g, o in zip(graphs, offsets)]),
        np.concatenate([g.weight for g in graphs]),
    )
    return union, offsets
