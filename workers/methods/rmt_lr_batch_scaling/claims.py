"""Granziol, Zohren & Roberts' claims, decided from one run's spectra and divergence sweep."""
from __future__ import annotations

from ..claimkit import Band, Threshold, fewer, slope

CLAIMS = (
    fewer(
        "batch-lambda-max-exceeds",
        "The largest eigenvalue of the mini-batch Hessian exceeds that of the full-batch (empirical) Hessian.",
        "abstract; Sec. 3 (spiked random-matrix model)",
        metric="lambda_max", method="batch", baseline="full", higher_is_better=True, cells="spectrum",
        at_least=Threshold(1.0, "paper", "the paper states the direction; the size is the next claim's slope"),
    ),
    fewer(
        "batch-spectrum-wider",
        "Both extremal eigenvalues move outward: the mini-batch Hessian's spectrum (lambda_max - lambda_min) is "
        "wider than the full-batch Hessian's.",
        "abstract ('extremal eigenvalues')",
        metric="spectral_width", method="batch", baseline="full", higher_is_better=True, cells="spectrum",
        at_least=Threshold(1.0, "paper", "direction only"),
    ),
    slope(
        "excess-scales-as-inverse-b",
        "The excess lambda_max(H_B) - lambda_max(H_full) falls as 1/B (the noise matrix's variance scales as "
        "1/B - 1/N).",
        "Sec. 3-4",
        fit="excess_vs_batch",
        within=Band(-1.3, -0.7, "note", "the note: slope -1 +- 0.3"),
    ),
    slope(
        "sgd-lr-linear-in-b",
        "The largest stable learning rate of SGD grows linearly with the batch size (below a critical batch size).",
        "abstract; Sec. 5",
        fit="sgd_lr_vs_batch", baseline_fit="adam_lr_vs_batch",
        within=Band(0.7, 1.2, "note", "the note: slope 1 within 0.7-1.2"),
    ),
    slope(
        "adam-lr-sqrt-in-b",
        "The largest stable learning rate of Adam grows as the square root of the batch size.",
        "abstract; Sec. 6",
        fit="adam_lr_vs_batch", baseline_fit="sgd_lr_vs_batch",
        within=Band(0.3, 0.7, "note", "the note: slope 0.5 within 0.3-0.7"),
    ),
)
