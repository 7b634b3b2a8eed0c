"""The note's criteria for AAS on the peak problem, at equal collocation budget."""
from __future__ import annotations

from ..claimkit import Threshold, fewer, needs, no_worse

DECIDING_STEPS = 2000
SOURCE = "Tang, Zhai, Wan, Yang, ICLR 2024 (arXiv 2305.18702), abstract and Sec. 5 (peak problems); criteria from note #32"
LOWER_ERROR = Threshold(3.0, "note", "AAS rel-L2 at least 3x lower than the uniform PINN at equal N on two peaks")
FLATTER = Threshold(1.0, "note", "the coefficient of variation of r^2 is lower under AAS (any margin)")
PARITY = Threshold(1.0, "note", "AAS no worse than RAD")

_benchmark = needs(lambda c: c.peaks == 2 and c.steps >= DECIDING_STEPS,
                   f"the note's criteria are for the two-peak problem trained for thousands of steps; this run has "
                   f"fewer than {DECIDING_STEPS} steps or one peak")

CLAIMS = (
    fewer("aas-lowers-error",
          "Adversarial adaptive sampling lowers the PINN's error against uniform sampling on the peak problem, at equal "
          "collocation budget.",
          SOURCE, metric="rel_l2", method="aas", baseline="uniform", at_least=LOWER_ERROR, decidable=_benchmark),
    fewer("aas-flattens-residual",
          "AAS makes the residual profile flatter: a lower coefficient of variation of r^2 under the uniform measure.",
          SOURCE, metric="residual_cv", method="aas", baseline="uniform", at_least=FLATTER, decidable=_benchmark),
    no_worse("aas-no-worse-than-rad",
             "AAS is at least as accurate as residual-based adaptive resampling (RAD) at equal budget.",
             SOURCE, metric="rel_l2", method="aas", baseline="rad", factor=PARITY, decidable=_benchmark),
)
