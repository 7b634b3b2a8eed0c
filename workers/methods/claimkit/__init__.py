"""Claim builders for the common kinds of claim, so a method declares its claims in a few lines.

Every builder reads the run's results through one convention, ``results["outcomes"]``::

    {"outcomes": {"sns": {"iterations": 29, "seconds": 0.34},
                  "sinkhorn": {"iterations": 20000, "seconds": 12.1,
                               "censored": ["iterations", "seconds"]}}}

or, for a claim over a grid of cells (sizes, problems, seeds), ``results[cells]`` maps each
cell's label to such an ``{name: {metric: value}}`` dict. An outcome lists in ``censored``
the metrics that are only bounds because that solver stopped at its cap (its true cost is at
least the value), and may carry ``failed`` (why it did not finish: then any claim in its
favour fails).

Each built claim carries its threshold with the threshold's source (``paper``, ``note`` or
``ours``, with the reason), writes evidence with the numbers and the threshold, computes the
verdict at the note's threshold too where the adopted one differs, and declares the baseline
it is measured against: ``Claim.baseline_swap`` puts that baseline's own numbers from the
same run in the method's place, and the generic suite requires the check then to fail.
"""
from __future__ import annotations

from .cells import cells_of, is_censored, swap_in_baseline
from .levels import annotated, below, loglog_slope, needs, slope
from .ratios import fewer, no_worse, ratio_within
from .sources import Band, Threshold, ThresholdSource, fmt

__all__ = [
    "Band", "Threshold", "ThresholdSource", "annotated", "below", "cells_of", "fewer", "fmt", "is_censored",
    "loglog_slope", "needs", "no_worse", "ratio_within", "slope", "swap_in_baseline",
]
