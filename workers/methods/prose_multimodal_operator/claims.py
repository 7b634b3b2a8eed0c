"""PROSE claims: the multimodal model predicts held-out trajectories better than the data-only model,
stays no worse than data-only when the equation it reads is corrupted, and recovers the equations."""
from __future__ import annotations

from ..claimkit import Threshold, below, fewer, needs, no_worse

BETTER_THAN_DATA_ONLY = Threshold(1.0, "note", "the note's bar: data + symbols beats data-only on held-out coefficients")
CORRUPTED_NO_WORSE = Threshold(1.0, "note", "the note's bar: corrupted symbols degrade gracefully, staying <= data-only")
SKELETON_ACCURACY = Threshold(
    0.9, "ours", "the paper reports near-perfect recovery of the expression structure; we ask 90% of decoded "
    "equations to have the true structure (coefficients to three digits are judged by decoded_rel_l2, reported)",
)

CLAIMS = (
    fewer(
        "symbols-improve-operator-prediction",
        "Reading the (noisy) symbolic equation with the data predicts the solution operator better than the data "
        "alone.",
        "Abstract; Sec. 4 (multimodal vs data-only)",
        metric="rel_l2", method="prose", baseline="data_only", at_least=BETTER_THAN_DATA_ONLY,
    ),
    no_worse(
        "robust-to-corrupted-symbols",
        "With a corrupted equation (a term left out) the multimodal model degrades gracefully, staying no worse "
        "than the data-only model.",
        "Abstract (robust to noisy data and misspecified symbols); reproduction note",
        metric="rel_l2", method="prose_corrupted", baseline="data_only", factor=CORRUPTED_NO_WORSE,
    ),
    below(
        "recovers-symbolic-expressions",
        "The symbol decoder recovers the governing equations (their structure) from data and a noisy guess.",
        "Abstract; Sec. 4 (symbolic expression recovery)",
        metric="skeleton_accuracy", method="prose", threshold=SKELETON_ACCURACY, above=True,
        decidable=needs(lambda c: c.symbol_decoder, "the smoke preset trains no symbol decoder (as the note plans)"),
    ),
)
