"""The bound-propagation claims, decided per (network width, radius) cell over the run's points."""
from __future__ import annotations

import dataclasses

from ..claimkit import Threshold, below, fewer

NOT_BELOW_ATTAINED = Threshold(1.0 - 1e-9, "paper", "an upper bound may never fall below a value the network attains "
                               "(1e-9 allows for rounding)")
ORDERING = Threshold(1.0, "note", "the note's ordering naive >= interval >= ours >= exact >= sampling")

CLAIMS = (
    below(
        "bounds-valid",
        "The computed bounds are sound upper bounds on the local Lipschitz constant.",
        "Sec. 3-4 (soundness of the relaxations)",
        metric="min_ratio_to_lower", method="all_upper_bounds", cells="cells", above=True,
        threshold=NOT_BELOW_ATTAINED,
        how_checked="at every point and radius, each upper bound (naive, interval, bound propagation, with BaB) "
                    "divided by the sampled lower bound (max ||grad f||_1 over random points and corners of the ball) "
                    "must be at least 1.",
    ),
    fewer(
        "tighter-than-interval",
        "Bound propagation gives tighter local Lipschitz bounds than the interval (RecurJac-like) relaxation.",
        "abstract; Tables 1-2",
        metric="bound", method="bound_prop", baseline="interval", cells="cells", at_least=ORDERING,
    ),
    fewer(
        "tighter-than-naive",
        "Bound propagation with branch and bound is far tighter than the naive product of weight norms.",
        "abstract",
        metric="bound", method="bab", baseline="naive", cells="cells", at_least=ORDERING,
    ),
    below(
        "near-exact-on-tiny-nets",
        "On tiny nets, bound propagation with branch and bound comes close to the exact value.",
        "abstract ('comparable to exact methods'); Table 1",
        metric="ratio_to_exact", method="bab", cells="exact_cells",
        threshold=Threshold(1.10, "note", "within 10 % of exact on tiny nets"),
        how_checked="mean over points of BaB's bound / the exact value (pattern enumeration) must be at most 1.10 in "
                    "every cell where the enumeration finished.",
    ),
    fewer(
        "cheaper-than-exact",
        "Bound propagation costs far less than exact computation.",
        "abstract ('exact methods cannot scale')",
        metric="seconds", method="bound_prop", baseline="exact", cells="per_model",
        at_least=Threshold(10.0, "ours", "'far lower cost' read as an order of magnitude; an enumeration stopped at its "
                           "budget gives a lower bound on its time"),
        how_checked="per net, seconds summed over its radii and points (the paper reports runtime per model): exact "
                    "enumeration's / bound propagation's must be at least 10; a stopped enumeration gives a lower bound "
                    "(counts if it clears 10). The per-radius seconds are in the 'cells' results.",
    ),
    dataclasses.replace(
        below(
            "exact-above-sampling",
            "The exact reference is at least every sampled gradient norm.",
            "reference check",
            metric="ratio_exact_to_sampled", method="exact", cells="exact_cells", above=True,
            threshold=NOT_BELOW_ATTAINED,
        ),
        kind="control",
    ),
)
