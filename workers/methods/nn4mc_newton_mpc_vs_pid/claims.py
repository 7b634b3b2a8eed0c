"""The nn4mc claims that a simulation can decide: lower tracking error than a tuned PID on every
reference, and a network model that fits a microcontroller's flash and cycle budget."""
from __future__ import annotations

from ..claimkit import Threshold, below, fewer

FLASH_BYTES = 256 * 1024  # a Cortex-M4F part with 256 KiB flash (ours: the paper's board is not named in the note)
M4F_HZ = 64e6  # a 64 MHz Cortex-M4F core clock (ours, conservative)
PAPER_RATE_HZ = 120.0  # the abstract's tracking rate

NO_WORSE_THAN_PID = Threshold(1.0, "note", "the note's bar: NR-MPC RMSE below the tuned PID's (ratio > 1)")
FLASH_SHARE = Threshold(
    0.064 * FLASH_BYTES, "ours",
    "the abstract's 6.4% of flash applied to a 256 KiB Cortex-M4F; float32 weights only (no code size)",
)
CYCLES_AT_120_HZ = Threshold(
    M4F_HZ / PAPER_RATE_HZ, "ours",
    "one control step must fit 1/120 s (the abstract's rate) of a 64 MHz Cortex-M4F, at 4 cycles per "
    "multiply-accumulate and 100 per tanh",
)

CLAIMS = (
    fewer(
        "lower-tracking-error-than-pid",
        "The network model with Newton-Raphson MPC tracks the soft actuator's reference with lower error than a "
        "tuned PID controller.",
        "Abstract; Sec. 4 (NR-MPC vs PID on the mass-spring-damper simulation)",
        metric="rmse", method="nr_mpc", baseline="pid", at_least=NO_WORSE_THAN_PID, cells="by_reference",
    ),
    below(
        "weights-fit-flash",
        "The network model fits a microcontroller's flash budget (the abstract: at most 6.4% of flash).",
        "Abstract",
        metric="weight_bytes", method="nr_mpc", threshold=FLASH_SHARE,
    ),
    below(
        "control-step-fits-mcu-cycles",
        "One NR-MPC control step (all model evaluations, at the longest horizon chosen) fits a Cortex-M4F's cycle "
        "budget at 120 Hz.",
        "Abstract (tracking at 120 Hz on an ARM Cortex-M4F)",
        metric="mcu_cycles_per_step", method="nr_mpc", threshold=CYCLES_AT_120_HZ,
    ),
)
