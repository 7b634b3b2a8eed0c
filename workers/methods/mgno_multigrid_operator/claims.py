"""The reproduction note's checkable form of MgNO's claims (paper 30; thresholds *(ours)* in the note)."""
from __future__ import annotations

from ..claimkit import Threshold, fewer, needs

LOWER = Threshold(1.0, "note", "MgNO's test rel-L2 at most the baseline's (strictly lower here)")
FEWER_PARAMS = Threshold(1.0, "note", "with no more parameters than FNO (strictly fewer here)")
SMALLER_GAP = Threshold(1.0, "note", "MgNO's test/train gap smaller than FNO's")
FASTER = Threshold(1.0, "note", "MgNO reaches 2x its final error in fewer epochs than U-Net")

MIN_EPOCHS_FOR_GAP = 50
MIN_EPOCHS_TO_COMPARE = 30
trained_long = needs(lambda c: c.epochs >= MIN_EPOCHS_FOR_GAP,
                     f"overfitting shows only after training long enough (>= {MIN_EPOCHS_FOR_GAP} epochs)")
trained = needs(lambda c: c.epochs >= MIN_EPOCHS_TO_COMPARE,
                f"errors after fewer than {MIN_EPOCHS_TO_COMPARE} epochs compare barely trained models (5 epochs: "
                "every model is still near 0.45 relative L2)")

CLAIMS = (
    fewer(
        "lower-error-than-fno",
        "On Darcy flow MgNO reaches a lower test error than FNO.",
        "Abstract ('consistently state-of-the-art'), Table 2 (Darcy); note 30",
        metric="test_rel_l2", method="mgno", baseline="fno", at_least=LOWER, decidable=trained,
    ),
    fewer(
        "fewer-parameters-than-fno",
        "MgNO parameterizes the linear operators between neurons with far fewer parameters than FNO's spectral "
        "weights.",
        "Sec. 3 (efficient parameterization), Table 2 (parameter counts); note 30",
        metric="parameters", method="mgno", baseline="fno", at_least=FEWER_PARAMS,
    ),
    fewer(
        "lower-error-than-unet",
        "On Darcy flow MgNO reaches a lower test error than a U-Net.",
        "Table 2 (Darcy: U-Net baseline); note 30",
        metric="test_rel_l2", method="mgno", baseline="unet", at_least=LOWER, decidable=trained,
    ),
    fewer(
        "smaller-generalization-gap",
        "MgNO is less prone to overfitting than spectral neural operators: its test/train error ratio is "
        "smaller than FNO's.",
        "Abstract ('reduced susceptibility to overfitting when contrasted with spectral-type neural operators'); "
        "note 30",
        metric="generalization_gap", method="mgno", baseline="fno", at_least=SMALLER_GAP, decidable=trained_long,
    ),
    fewer(
        "easier-to-train-than-unet",
        "MgNO is easier to train than CNN-based models: it reaches twice its final test error in fewer epochs "
        "than U-Net needs to reach the same error.",
        "Abstract ('superior ease of training compared to other CNN-based models'); note 30",
        metric="epochs", method="mgno", baseline="unet", at_least=FASTER, cells="to_target",
        decidable=trained,
    ),
)
