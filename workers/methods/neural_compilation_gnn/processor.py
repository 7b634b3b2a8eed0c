"""A max-aggregation message-passing processor, its compiled parameters for BFS and Bellman-Ford,
and the reference traces it is trained on.

Processor (one layer, shared across steps, self-loops of weight 0 at every node):
    m_uv = psi([x_u, x_v, w_uv]),  a_v = max_u m_uv,  x_v' = phi([x_v, a_v])
with psi, phi two-layer ReLU MLPs. Neural compilation sets their weights by hand:

BFS (state r in {0,1}):           psi = ReLU(r_u),  phi = ReLU(a)         => r_v' = max_{u in N+(v)} r_u
Bellman-Ford (state (r, d), d=0 where unreached, M a bound above twice every distance):
    psi = (ReLU(r_u), -ReLU(d_u + w - M r_u + M))                        => a = (reached?, -min_u(d_u + w))
    phi = (ReLU(a_1), f(-a_2)),  f(z) = ReLU(z) - 2 ReLU(z - M/2) + ReLU(z - M)   (f(z) = z below M/2, 0 above M)
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..shared.graphs import EdgeGraph, max_aggregate

STATE_DIMS = {"bfs": 1, "bf": 2}
BIG_M = 1.0e4  # the Bellman-Ford encoding is exact while every distance is below BIG_M / 2


class MaxMPNN(nn.Module):
    def __init__(self, state_dim: int, message_dim: int, hidden: int):
        super().__init__()
        self.msg_in = nn.Linear(2 * state_dim + 1, hidden)
        self.msg_out = nn.Linear(hidden, message_dim)
        self.upd_in = nn.Linear(state_dim + message_dim, hidden)
        self.upd_out = nn.Linear(hidden, state_dim)

    def messages(self, x: torch.Tensor, src: torch.Tensor, dst: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        return self.msg_out(torch.relu(self.msg_in(torch.cat([x[src], x[dst], w[:, None]], dim=1))))

    def forward(self, x: torch.Tensor, src: torch.Tensor, dst: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        """One step; the graph must carry its self-loops, so every node receives a message."""
        aggregated = max_aggregate(self.messages(x, src, dst, w), dst, x.shape[0])
        return self.upd_out(torch.relu(self.upd_in(torch.cat([x, aggregated], dim=1))))


def _zeroed(model: MaxMPNN) -> MaxMPNN:
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    return model


def compile_bfs(model: MaxMPNN) -> MaxMPNN:
    """Set ``model`` (state_dim 1) to r_v' = max over u in N+(v) of r_u."""
    _zeroed(model)
    with torch.no_grad():
        model.msg_in.weight[0, 0] = 1.0  # hidden 0 = ReLU(r_u)
        model.msg_out.weight[0, 0] = 1.0
        model.upd_in.weight[0, 1] = 1.0  # hidden 0 = ReLU(a_1)
        model.upd_out.weight[0, 0] = 1.0
    return model


def compile_bellman_ford(model: MaxMPNN, big_m: float = BIG_M) -> MaxMPNN:
    """Set ``model`` (state_dim 2: reached, distance) to one synchronous Bellman-Ford relaxation."""
    _zeroed(model)
    r_u, d_u, w = 0, 1, 4  # message inputs: [r_u, d_u, r_v, d_v, w]
    a_1, a_2 = 2, 3  # update inputs: [r_v, d_v, a_1, a_2]
    with torch.no_grad():
        model.msg_in.weight[0, r_u] = 1.0
        model.msg_in.weight[1, d_u], model.msg_in.weight[1, w], model.msg_in.weight[1, r_u] = 1.0, 1.0, -big_m
        model.msg_in.bias[1] = big_m
        model.msg_out.weight[0, 0], model.msg_out.weight[1, 1] = 1.0, -1.0
        model.upd_in.weight[0, a_1] = 1.0
        for unit, shift in ((1, 0.0), (2, big_m / 2), (3, big_m)):
            model.upd_in.weight[unit, a_2], model.upd_in.bias[unit] = -1.0, -shift
        model.upd_out.weight[0, 0] = 1.0
        model.upd_out.weight[1, 1], model.upd_out.weight[1, 2], model.upd_out.weight[1, 3] = 1.0, -2.0, 1.0
    return model


COMPILERS = {"bfs": compile_bfs, "bf": compile_bellman_ford}


def initial_state(algorithm: str, n: int, source: int) -> np.ndarray:
    """BFS: r = [v = s]; Bellman-Ford: (r, d) = ([v = s], 0)."""
    state = np.zeros((n, STATE_DIMS[algorithm]))
    state[source, 0] = 1.0
    return state


def reference_trace(algorithm: str, graph: EdgeGraph, source: int, steps: int) -> np.ndarray:
    """States x^0..x^steps of synchronous BFS / Bellman-Ford in numpy (independent of the network)."""
    state = initial_state(algorithm, graph.n, source)
    trace = [state]
    for _ in range(steps):
        reached = state[:, 0] > 0
        new = state.copy()
        if algorithm == "bfs":
            np.maximum.at(new[:, 0], graph.dst, state[graph.src, 0])
        else:
            dist = np.where(reached, state[:, 1], np.inf)
            relaxed = dist.copy()
            np.minimum.at(relaxed, graph.dst, dist[graph.src] + graph.weight)
            now = np.isfinite(relaxed)
            new = np.stack([now.astype(float), np.where(now, relaxed, 0.0)], axis=1)
        state = new
        trace.append(state)
    return np.stack(trace)


def rollout(model: MaxMPNN, x0: torch.Tensor, edges: tuple[torch.Tensor, torch.Tensor, torch.Tensor], steps: int) -> torch.Tensor:
    """The network's states x^0..x^steps fed back to itself (no teacher forcing)."""
    states = [x0]
    with torch.no_grad():
        for _ in range(steps):
            states.append(model(states[-1], *edges))
    return torch.stack(states)
