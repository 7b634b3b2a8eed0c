"""The note's two reproduction criteria, judged per (N_data, noise) cell of one run."""
from __future__ import annotations

from ..claimkit import Threshold, below, fewer, needs
from .experiment import RECOVERY_MAX_NOISE, RECOVERY_MIN_DATA, SPARSE_MAX_DATA, in_recovery_regime

RECOVERY = Threshold(0.1, "note", "support {xy} in both equations and coefficients within 10 % (note #15)")
BEATS_SINDY = Threshold(1.0, "note", "UPINN's coefficient error below SINDy-on-raw-data's (any margin)")


def _has_recovery_cell(config) -> bool:
    return any(in_recovery_regime(n, s) for n in config.n_data for s in config.noise)


CLAIMS = (
    below(
        "recovers-hidden-term",
        "From few noisy measurements, the universal PINN followed by sparse regression recovers the hidden "
        "interaction term's symbolic form: support {x*y} in both equations, coefficients (-beta, +gamma) within 10 %.",
        "Podina, Eastman & Kohandel, arXiv 2212.04630, abstract and Sec. 4 (Lotka-Volterra); criterion from note #15",
        metric="recovery_error", method="upinn", baseline="sindy", threshold=RECOVERY, cells="recovery_cells",
        how_checked=(
            f"In every cell with N_data >= {RECOVERY_MIN_DATA} and noise <= {RECOVERY_MAX_NOISE:.0%}, recovery_error "
            "(largest relative coefficient error of the true terms + 1 per wrong or missing library term) must be at "
            "most 0.1, i.e. exact support and coefficients within 10 %."
        ),
        decidable=needs(_has_recovery_cell, f"no cell with N_data >= {RECOVERY_MIN_DATA} and noise <= "
                                            f"{RECOVERY_MAX_NOISE:.0%} in this run"),
    ),
    fewer(
        "beats-sindy-on-sparse-data",
        "With few measurements, UPINN's recovered coefficients are more accurate than SINDy's on the raw data "
        "(finite-difference derivatives), from the same measurements.",
        "Podina, Eastman & Kohandel, arXiv 2212.04630, Sec. 4; criterion from note #15",
        metric="coef_rel_error", method="upinn", baseline="sindy", at_least=BEATS_SINDY, cells="sparse_cells",
        decidable=needs(lambda c: min(c.n_data) <= SPARSE_MAX_DATA, f"no cell with N_data <= {SPARSE_MAX_DATA}"),
    ),
)
