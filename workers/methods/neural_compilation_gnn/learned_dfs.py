"""DFS learned from traces: a GNN with max-aggregated messages and a per-graph max readout that
points at the next top of the stack (one push or pop per step), the stack bookkeeping done outside.

Node features at a step: [visited, is top, depth / 16, id / n]. The target is the node that is
the top after the step (the pushed neighbour, or the parent on a pop); the loss is cross-entropy
over each graph's nodes. A rollout feeds its own pointers back for the true number of steps and
is scored by the share of preorder positions it gets right.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ..shared.graphs import EdgeGraph, batch_graphs, max_aggregate

FEATURES = 4
DEPTH_SCALE = 16.0


def dfs_steps(graph: EdgeGraph, source: int = 0) -> tuple[list[np.ndarray], list[int], list[int]]:
    """Iterative DFS (smallest unvisited neighbour first): features before each step, the next top, and the preorder."""
    visited, depth = np.zeros(graph.n), np.zeros(graph.n)
    visited[source], depth[source] = 1, 1
    stack, order, features, targets = [source], [source], [], []
    ids = np.arange(graph.n) / graph.n
    while True:
        top = stack[-1]
        top_bit = np.zeros(graph.n)
        top_bit[top] = 1
        candidates = [v for v in graph.neighbours(top) if not visited[v]]
        if not candidates and len(stack) == 1:
            return features, targets, order
        features.append(np.stack([visited.copy(), top_bit, depth / DEPTH_SCALE, ids], 1))
        if candidates:
            nxt = int(candidates[0])
            visited[nxt], depth[nxt] = 1, len(stack) + 1
            stack.append(nxt)
            order.append(nxt)
        else:
            depth[stack.pop()] = 0
            nxt = stack[-1]
        targets.append(nxt)


def _mlp(inputs: int, hidden: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), nn.ReLU(), nn.Linear(hidden, outputs))


class PointerGNN(nn.Module):
    def __init__(self, message_dim: int, hidden: int):
        super().__init__()
        self.message = _mlp(2 * FEATURES, hidden, message_dim)
        self.readout = _mlp(FEATURES, hidden, message_dim)
        self.update = _mlp(FEATURES + 2 * message_dim, hidden, 1)

    def forward(self, x, src, dst, segment, segments: int) -> torch.Tensor:
        """A logit per node; ``segment`` maps nodes to their graph copy."""
        aggregated = max_aggregate(self.message(torch.cat([x[src], x[dst]], 1)), dst, x.shape[0], empty=0.0)
        pooled = max_aggregate(self.readout(x), segment, segments)[segment]
        return self.update(torch.cat([x, aggregated, pooled], 1))[:, 0]


def segment_log_softmax(logits: torch.Tensor, segment: torch.Tensor, segments: int) -> torch.Tensor:
    top = max_aggregate(logits[:, None], segment, segments)[:, 0].detach()
    shifted = torch.exp(logits - top[segment])
    total = torch.zeros(segments, dtype=logits.dtype, device=logits.device).index_add_(0, segment, shifted)
    return logits - top[segment] - torch.log(total)[segment]


def step_batch(graphs: list[EdgeGraph], device):
    """All trace steps of ``graphs`` as disjoint copies: features, edges, segments, target node indices."""
    copies, feats, targets = [], [], []
    for g in graphs:
        features, nxt, _ = dfs_steps(g)
        copies.extend([g] * len(features))
        feats.extend(features)
        targets.extend(nxt)
    union, offsets = batch_graphs(copies)
    segment = np.repeat(np.arange(len(copies)), [g.n for g in copies])
    as_t = lambda a, dtype: torch.as_tensor(a, dtype=dtype, device=device)
    return (as_t(np.concatenate(feats), torch.float32), as_t(union.src, torch.long), as_t(union.dst, torch.long),
            as_t(segment, torch.long), len(copies), as_t(np.asarray(targets) + offsets, torch.long))


def train_pointer(config, graphs: list[EdgeGraph], ctx, log_series: str) -> PointerGNN:
    device = ctx.torch_device
    torch.manual_seed(int(ctx.rng("init dfs").integers(2**31)))
    model = PointerGNN(config.message_dim, config.hidden).to(device)
    chunks = [graphs[i:i + config.batch_graphs] for i in range(0, len(graphs), config.batch_graphs)]
    batches = [step_batch(chunk, device) for chunk in chunks]
    optimizer = torch.optim.Adam(model.parameters(), lr=config.learning_rate)
    for step in range(config.train_steps):
        x, src, dst, segment, segments, target = batches[step % len(batches)]
        loss = -segment_log_softmax(model(x, src, dst, segment, segments), segment, segments)[target].mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 5 == 0 or step == config.train_steps - 1:
            ctx.log(log_series, step, loss.item(), panel="training loss")
    return model.eval()


def rollout_preorder(model: PointerGNN, graph: EdgeGraph, steps: int, device) -> list[int]:
    """Follow the model's pointers for ``steps`` steps, doing the stack bookkeeping; the preorder it visits."""
    visited, depth = np.zeros(graph.n), np.zeros(graph.n)
    visited[0], depth[0], top, order = 1, 1, 0, [0]
    src, dst = torch.as_tensor(graph.src, device=device), torch.as_tensor(graph.dst, device=device)
    segment = torch.zeros(graph.n, dtype=torch.long, device=device)
    with torch.no_grad():
        for _ in range(steps):
            top_bit = np.zeros(graph.n)
            top_bit[top] = 1
            x = torch.as_tensor(np.stack([visited, top_bit, depth / DEPTH_SCALE, np.arange(graph.n) / graph.n], 1),
                                dtype=torch.float32, device=device)
            nxt = int(model(x, src, dst, segment, 1).argmax())
            if not visited[nxt]:
                visited[nxt], depth[nxt] = 1, depth[top] + 1
                order.append(nxt)
            else:
                depth[top] = 0
            top = nxt
    return order


def preorder_accuracy(model: PointerGNN, graphs: list[EdgeGraph], device) -> float:
    """Share of preorder positions (over all graphs) the rollout gets right."""
    right = total = 0
    for g in graphs:
        features, _, truth = dfs_steps(g)
        learned = rollout_preorder(model, g, len(features), device)
        right += sum(a == b for a, b in zip(learned, truth))
        total += len(truth)
    return right / total
