"""The claims of 'Locally Regularized Neural Differential Equations' (Pal, Edelman, Rackauckas,
ICML 2023) judged on one run: local (unbiased) error regularization vs vanilla and vs global
error regularization, all trained on the same digits split, seeds and initial weights."""
from __future__ import annotations

from ..claimkit import Band, Threshold, below, fewer, needs, no_worse, ratio_within

METHOD, VANILLA, GLOBAL = "local_unbiased", "vanilla", "error"

TIMING_RUN = needs(
    lambda c: c.seeds >= 3,
    "timing claims need seed means over >= 3 seeds on an uncontended device (the full preset); smoke runs "
    "one seed on a shared CPU core, where wall times are noise",
)

CLAIMS = (
    fewer(
        "fewer-nfe",
        "Local regularization reduces the number of function evaluations at prediction to 0.556-0.733x of the "
        "unregularized model's.",
        "Abstract; Table 1 (MNIST NODE)",
        metric="test_nfe", method=METHOD, baseline=VANILLA,
        at_least=Threshold(1.25, "note", reason="note's pass criterion: test NFE <= 0.8x vanilla (paper 0.556-0.733x)"),
    ),
    fewer(
        "faster-prediction",
        "Local regularization accelerates predictions by 1.3-2x.",
        "Abstract",
        metric="prediction_seconds", method=METHOD, baseline=VANILLA, unit=" s",
        at_least=Threshold(1 / 0.85, "note", reason="note's pass criterion: prediction time <= 0.85x vanilla"),
        decidable=TIMING_RUN,
    ),
    ratio_within(
        "matches-global-regularization",
        "Local regularization matches the NFE reduction of global error regularization (Pal et al. 2021).",
        "Abstract; Table 1",
        metric="test_nfe", method=METHOD, baseline=GLOBAL,
        within=Band(0.8, 1.25, "ours", reason="'matches' read as test NFE within 25% of global regularization's"),
    ),
    below(
        "no-accuracy-loss",
        "The NFE reduction comes at no loss of accuracy.",
        "Abstract; Table 1",
        metric="accuracy_drop_pp", method=METHOD,
        threshold=Threshold(1.0, "note", reason="note: accuracy drop <= 1 percentage point vs vanilla"),
    ),
    no_worse(
        "training-no-costlier-than-global",
        "Local regularization trains no slower than global regularization (one extra step instead of the "
        "error estimates of every step in the backward pass).",
        "Sec. 4; Table 1 training times",
        metric="train_seconds", method=METHOD, baseline=GLOBAL,
        factor=Threshold(1.0, "note", reason="note: training time <= global regularization's"),
        decidable=TIMING_RUN,
    ),
)
