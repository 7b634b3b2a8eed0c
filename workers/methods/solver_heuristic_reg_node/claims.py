"""The claims of 'Opening the Blackbox: Accelerating Neural Differential Equations by Regularizing
Internal Solver Heuristics' (Pal, Ma, Shah, Rackauckas, ICML 2021) judged on one run: global error
regularization R_E = Σ EEst_j dt_j vs vanilla and vs TayNODE, on the same split, seeds and weights."""
from __future__ import annotations

import dataclasses

from ..base import Claim
from ..claimkit import Threshold, below, fewer, needs, no_worse

METHOD, VANILLA, TAYNODE = "error", "vanilla", "taynode"
HALVE = Threshold(1 / 0.6, "note", reason="'halve': note's pass criterion <= 0.6x vanilla")

TIMING_RUN = needs(
    lambda c: c.seeds >= 3,
    "timing claims need seed means over >= 3 seeds on an uncontended device (the full preset); smoke runs "
    "one seed on a shared CPU core, where wall times are noise",
)
WITH_TAYNODE = needs(
    lambda c: c.seeds >= 3 and "taynode" in c.variants,
    "needs the TayNODE baseline trained, timed over >= 3 seeds (the full preset)",
)



def when_trained(claim: Claim) -> Claim:
    """A claim against a baseline only some presets train (TayNODE: full only): without that baseline's
    outcome the swap control leaves the results as they are, and the check then cannot decide."""
    swap = claim.baseline_swap

    def swap_if_present(results: dict) -> dict:
        return swap(results) if claim.baseline in results["outcomes"] else results

    return dataclasses.replace(claim, baseline_swap=swap_if_present)


CLAIMS = (
    fewer(
        "halves-nfe",
        "Regularizing the solver's local error estimates roughly halves the function evaluations at prediction.",
        "Abstract; Table 1 (MNIST NODE)",
        metric="test_nfe", method=METHOD, baseline=VANILLA, at_least=HALVE,
    ),
    fewer(
        "halves-prediction-time",
        "Error-estimate regularization can halve the prediction time.",
        "Abstract",
        metric="prediction_seconds", method=METHOD, baseline=VANILLA, at_least=HALVE, unit=" s",
        decidable=TIMING_RUN,
    ),
    below(
        "no-accuracy-loss",
        "The speed-up comes with no loss of accuracy.",
        "Table 1",
        metric="accuracy_drop_pp", method=METHOD,
        threshold=Threshold(1.0, "note", reason="note: accuracy drop <= 1 percentage point vs vanilla"),
    ),
    no_worse(
        "training-time-near-vanilla",
        "Training with the regularizer costs about as much time as unregularized training.",
        "Abstract; Table 1 training times",
        metric="train_seconds", method=METHOD, baseline=VANILLA,
        factor=Threshold(1.0, "note", reason="note: R_E training time <= vanilla's"),
        decidable=TIMING_RUN,
    ),
    when_trained(fewer(
        "trains-faster-than-taynode",
        "Unlike TayNODE, which increases training time by an order of magnitude, error regularization trains "
        "much faster.",
        "Abstract; Table 1",
        metric="train_seconds", method=METHOD, baseline=TAYNODE, unit=" s",
        at_least=Threshold(2.0, "note", reason="note: TayNODE's training time >= 2x"),
        decidable=WITH_TAYNODE,
    )),
)
