"""Sample-complexity claims: fewer trajectories than vanilla PG; slopes within the theorems' exponents."""
from __future__ import annotations

from ..claimkit import Band, Threshold, fewer, needs, slope

FEWER = Threshold(1.0, "note")  # "need fewer trajectories than vanilla PG on the same tuned step grid"
IGT_EXPONENT = Band(0.0, 2.5, "paper", "O(eps^-2.5) sample complexity of N-PG-IGT, read as an upper bound on the measured exponent")
SLOPE_BUDGET = 10_000
ENOUGH_FOR_SLOPES = needs(
    lambda c: c.budget >= SLOPE_BUDGET and len(c.target_fractions) >= 4,
    f"a slope over target gaps needs a budget of at least {SLOPE_BUDGET:,} trajectories and 4 targets (smoke: 2,000)",
)
HARPG_EXPONENT = Band(0.0, 2.0, "paper", "O(eps^-2) sample complexity of N-HARPG, read as an upper bound on the measured exponent")

CLAIMS = (
    fewer(
        "igt-fewer-samples",
        "N-PG-IGT reaches the target return with fewer sampled trajectories than vanilla policy gradient.",
        "abstract; Sec. 4 (Theorem: O(eps^-2.5) vs O(eps^-3)); Sec. 6",
        metric="trajectories_to_target", method="N-PG-IGT", baseline="PG (best batch)", at_least=FEWER,
    ),
    fewer(
        "harpg-fewer-samples",
        "N-HARPG reaches the target return with fewer sampled trajectories than vanilla policy gradient.",
        "abstract; Sec. 5 (Theorem: O(eps^-2)); Sec. 6",
        metric="trajectories_to_target", method="N-HARPG", baseline="PG (best batch)", at_least=FEWER,
    ),
    slope(
        "igt-sample-slope", "The trajectories N-PG-IGT needs grow no faster than eps^-2.5.",
        "abstract; Theorem (N-PG-IGT)", fit="N-PG-IGT", within=IGT_EXPONENT, decidable=ENOUGH_FOR_SLOPES,
    ),
    slope(
        "harpg-sample-slope", "The trajectories N-HARPG needs grow no faster than eps^-2.",
        "abstract; Theorem (N-HARPG)", fit="N-HARPG", within=HARPG_EXPONENT, decidable=ENOUGH_FOR_SLOPES,
    ),
)
