"""Clustering PCFs by convergence dynamics alone, and scoring the clusters by the constants.

Each converging PCF is a point (blind δ, convergence rate) — no numerical value of its limit is
used. Features are robust-scaled ((v − median)/IQR) and clustered with DBSCAN (the paper uses a
grid-sampled density clustering). A cluster's purity is the share of its value-identified members
that relate to its most common constant; the run's purity is that share pooled over clusters with
at least two identified members. The baseline shuffles cluster memberships (same sizes), which is
what clusters carrying no information about the constant would score.
"""
from __future__ import annotations

from collections import Counter, defaultdict

import numpy as np
from sklearn.cluster import DBSCAN


def robust_scaled(features: np.ndarray) -> np.ndarray:
    spread = np.percentile(features, 75, axis=0) - np.percentile(features, 25, axis=0)
    spread[spread == 0] = 1.0
    return (features - np.median(features, axis=0)) / spread


def cluster(features: np.ndarray, eps: float, min_samples: int) -> np.ndarray:
    """DBSCAN labels (−1 = noise) of the robust-scaled feature rows."""
    if len(features) == 0:
        return np.zeros(0, dtype=int)
    return DBSCAN(eps=eps, min_samples=min_samples).fit_predict(robust_scaled(features))


def identified_groups(labels: np.ndarray, constants: list[str | None]) -> dict[int, list[str]]:
    """Cluster -> constants of its identified members, for clusters with ≥ 2 identified members."""
    groups: dict[int, list[str]] = defaultdict(list)
    for label, constant in zip(labels, constants):
        if constant is not None and label >= 0:
            groups[int(label)].append(constant)
    return {k: v for k, v in groups.items() if len(v) >= 2}


def purity(labels: np.ndarray, constants: list[str | None]) -> tuple[float, int]:
    """(pooled share of identified members agreeing with their cluster's majority constant, count)."""
    groups = identified_groups(labels, constants)
    total = sum(len(v) for v in groups.values())
    agreeing = sum(Counter(v).most_common(1)[0][1] for v in groups.values())
    return (agreeing / total if total else float("nan")), total


def random_purity(labels: np.ndarray, constants: list[str | None], rng: np.random.Generator, repeats: int) -> float:
    """Mean purity when cluster memberships are shuffled among the same PCFs."""
    scores = [purity(rng.permutation(labels), constants)[0] for _ in range(repeats)]
    scores = [s for s in scores if s == s]
    return float(np.mean(scores)) if scores else float("nan")


def cluster_table(labels: np.ndarray, constants: list[str | None], names: list[str], limit: int = 25) -> list[dict]:
    """The largest clusters: size, constants of identified members, a few member formulas."""
    members: dict[int, list[int]] = defaultdict(list)
    for i, label in enumerate(labels):
        if label >= 0:
            members[int(label)].append(i)
    rows = []
    for label, idx in sorted(members.items(), key=lambda kv: -len(kv[1]))[:limit]:
        counts = Counter(constants[i] for i in idx if constants[i] is not None)
        rows.append({"cluster": label, "size": len(idx), "identified": dict(counts), "examples": [names[i] for i in idx[:4]]})
    return rows
