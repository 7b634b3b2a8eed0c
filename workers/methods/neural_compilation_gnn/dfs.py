"""Depth-first search compiled into message passing with a global max readout.

DFS is sequential: one layer performs one push or one pop. Node state: visited bit, stack time
s_v (the step at which v was pushed; 0 when not on the stack), and the node's id. Every quantity
below is a ReLU of an integer-valued affine form, a max over neighbours, or a max over all nodes
(the global readout), so the layer is a fixed-weight network; on integer inputs it is exact.

    S = max_v s_v;  top_v = ReLU(s_v - S + 1) * [S > 0]                  (the stack's top)
    cand_v = ReLU((1 - visited_v) + max_{u in N(v)} top_u - 1)          (unvisited neighbour of top)
    key_v = cand_v * (n - id_v);  K = max_v key_v                        (smallest id wins)
    push_v = ReLU(key_v - K + 1) * cand_v;  any = min(K, 1)
    visited += push;  s += push * t;  s -= top * s * (1 - any)           (push, or pop the top)
A product of a bit and a bounded value v <= B is ReLU(v - B (1 - bit)); of two bits, ReLU(a + b - 1).
"""
from __future__ import annotations

import torch

from ..shared.graphs import EdgeGraph, max_aggregate


def _and(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    return torch.relu(a + b - 1.0)


def _gate(value: torch.Tensor, bit: torch.Tensor, bound: float) -> torch.Tensor:
    """value * bit for 0 <= value <= bound and bit in {0, 1}, as ReLU(value - bound (1 - bit))."""
    return torch.relu(value - bound * (1.0 - bit))


def _at_most_one(value: torch.Tensor) -> torch.Tensor:
    """min(value, 1) = value - ReLU(value - 1)."""
    return value - torch.relu(value - 1.0)


def dfs_layer(visited, stack_time, ids, src, dst, t: int, horizon: float):
    """One push or pop; ``horizon`` bounds every stack time (2n + 2)."""
    n = visited.shape[0]
    top_time = stack_time.max()  # global readout
    top = _and(torch.relu(stack_time - top_time + 1.0), _at_most_one(top_time))
    neighbour_top = max_aggregate(top[src, None], dst, n, empty=0.0)[:, 0]  # message passing
    candidate = _and(1.0 - visited, neighbour_top)
    key = _gate(n - ids, candidate, float(n))
    best = key.max()  # global readout
    push = _and(torch.relu(key - best + 1.0), candidate)
    any_push = _at_most_one(best)
    visited = visited + push
    stack_time = stack_time + t * push
    pop = _and(top, 1.0 - any_push)
    stack_time = stack_time - _gate(stack_time, pop, horizon)
    return visited, stack_time, push


def compiled_dfs(graph: EdgeGraph, source: int, device="cpu") -> list[int]:
    """Preorder of DFS from ``source`` (neighbours tried in increasing id), run for 2n layers."""
    dtype = torch.float64
    src, dst = torch.as_tensor(graph.src, device=device), torch.as_tensor(graph.dst, device=device)
    ids = torch.arange(graph.n, device=device, dtype=dtype)
    visited = torch.zeros(graph.n, device=device, dtype=dtype)
    visited[source] = 1.0
    stack_time = visited.clone()
    order = [source]
    for t in range(2, 2 * graph.n + 2):
        visited, stack_time, push = dfs_layer(visited, stack_time, ids, src, dst, t, float(2 * graph.n + 2))
        pushed = torch.nonzero(push > 0.5).flatten().tolist()
        order.extend(pushed)
        if stack_time.max() <= 0:
            break
    return order
