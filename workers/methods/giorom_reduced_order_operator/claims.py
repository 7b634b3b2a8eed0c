"""GIOROM's claims in the reproduction note's checkable form (paper 7; thresholds in the note)."""
from __future__ import annotations

import math

from ..claimkit import Band, Threshold, fewer, needs, no_worse, slope

# "time <= 1.5x when N grows 5k -> 20k": a log-log slope of at most log 1.5 / log 4
FLAT = Band(-0.5, math.log(1.5) / math.log(4), "note",
            "GIOROM's inference time at most 1.5x when the points grow 4x (5k -> 20k), i.e. slope <= 0.29")
SPEEDUP = Threshold(5.0, "note", "at least 5x faster than GNS at the largest cloud")
ROLLOUT = Threshold(2.0, "note", "rollout error at most 2x GNS's")
MIN_STEPS = 2_000
trained = needs(lambda c: c.train_steps >= MIN_STEPS,
                f"errors after fewer than {MIN_STEPS:,} training steps compare barely trained models (smoke, 150 "
                "steps: rollout rel L2 GIOROM 1.29 vs GNS 0.56, one-step 0.54 vs 0.099)")

CLAIMS = (
    slope(
        "near-constant-cost-in-points",
        "Inferring the full point cloud from the sparse graph costs nearly the same whatever the number of "
        "inferred points (negligible change in computation time), while a dense GNS grows about linearly.",
        "Abstract ('point clouds of the order of 100,000 points can be inferred from sparse graphs with ~1000 "
        "points, with negligible change in computation time'); note 7",
        fit="giorom_time", within=FLAT, baseline_fit="gns_time",
    ),
    fewer(
        "speedup-over-gns",
        "The reduced-order operator is much faster than a dense neural particle simulator (GNS) on a large cloud.",
        "Abstract ('25x speedup compared to other neural network-based physics simulators'); note 7 (>= 5x at 20k)",
        metric="ms_at_largest", method="giorom", baseline="gns", at_least=SPEEDUP, unit=" ms",
    ),
    no_worse(
        "rollout-error-near-gns",
        "Trained on ~1% of the particles, it infers the full cloud's rollout with an error close to a dense GNS's.",
        "Abstract ('high-fidelity predictions'); note 7 (rollout error <= 2x GNS)",
        metric="rollout_rel_l2", method="giorom", baseline="gns", factor=ROLLOUT, decidable=trained,
    ),
)
