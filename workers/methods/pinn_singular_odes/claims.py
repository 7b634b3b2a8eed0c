"""The paper's claims on ODEs with regular singular points, judged with the claim kit.

Thresholds are the reproduction note's (the paper states no numbers we could retrieve)."""
from __future__ import annotations

from ..claimkit import Threshold, below, fewer, needs

SPECIAL_FUNCTION_ERROR = Threshold(1e-3, "note", "the note's rel. L2 <= 1e-3 for Legendre and 2F1")
ACCRETION_ERROR = Threshold(1e-2, "note", "the note's rel. L2 <= 1e-2 for Michel accretion")
ADAPTIVE_GAIN = Threshold(2.0, "note", "the note's 'adaptive weighting >= 2x lower error than fixed weights'")

CLAIMS = (
    below(
        "special-functions-accurate",
        "A PINN with adaptive loss weights solves the Legendre and hypergeometric equations, written with "
        "polynomial coefficients, accurately on the whole interval including both regular singular points, "
        "where an integrator cannot start at the singular point.",
        "abstract; Sec. 3 (Legendre, hypergeometric)",
        metric="rel_l2", method="pinn_adaptive", threshold=SPECIAL_FUNCTION_ERROR, cells="special_functions",
        baseline="ivp_naive",
    ),
    below(
        "accurate-near-singular-points",
        "The PINN's accuracy holds next to the singular points (within 1% of the interval's length).",
        "Sec. 3 (error profiles near x = ±1 and x = 0, 1)",
        metric="rel_l2_near_singular", method="pinn_adaptive", threshold=SPECIAL_FUNCTION_ERROR,
        cells="special_functions", baseline="ivp_naive",
    ),
    fewer(
        "adaptive-weights-help",
        "Adaptive loss weighting (learning-rate annealing of the boundary term) gives a lower error than "
        "fixed unit weights.",
        "Sec. 2 (adaptive weights); the note's criterion",
        metric="rel_l2", method="pinn_adaptive", baseline="pinn_fixed", at_least=ADAPTIVE_GAIN,
        cells="special_functions",
    ),
    below(
        "accretion-through-sonic-point",
        "The PINN passes smoothly through the sonic (critical) point of Michel accretion onto a Schwarzschild "
        "black hole, where the ODE is 0/0, matching the transonic solution; an integrator started at the "
        "outer boundary does not.",
        "Sec. 5 (Michel accretion)",
        metric="rel_l2_worst", method="pinn_adaptive", threshold=ACCRETION_ERROR, cells="accretion",
        baseline="ivp_naive",
        decidable=needs(lambda c: c.accretion, "the run has no accretion problem (accretion=false; the full preset has it)"),
    ),
)
