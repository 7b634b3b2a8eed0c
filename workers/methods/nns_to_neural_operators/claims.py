"""The checkable form of the paper's principle: a network converted to a neural operator keeps its
error across resolutions, while the plain network's error grows (reproduction note, paper 17)."""
from __future__ import annotations

from ..claimkit import Threshold, below, needs

PLAIN_GROWTH = Threshold(2.0, "note", "the plain CNN's error grows by more than 2x at 4x resolution mismatch")
INTERP_GROWTH = Threshold(1.5, "note", "the kernel-interpolated CNN stays within 1.5x of its N0 error")
FNO_GROWTH = Threshold(1.2, "ours", "the note's 'FNO is about flat' made concrete as within 1.2x of its N0 error")

has_4x = needs(lambda c: 4 * c.train_resolution in c.test_resolutions,
               "the test resolutions do not include 4x the training resolution")

CLAIMS = (
    below(
        "plain-network-degrades",
        "A CNN trained at one resolution and applied with the same pixel kernels at a finer grid loses accuracy: "
        "its error grows by more than 2x at 4x the training resolution.",
        "Sec. 1 and 3 (motivation: standard architectures are tied to one discretization); note 17",
        metric="growth_at_4x", method="cnn-plain", threshold=PLAIN_GROWTH, above=True, decidable=has_4x,
    ),
    below(
        "kernel-interpolation-keeps-error",
        "The same trained CNN converted to a neural operator (kernels interpolated to the new grid and rescaled, "
        "as InterpConv2d) keeps its error within 1.5x of the training-resolution error at every test resolution.",
        "Sec. 3-4 (conversion recipe for convolutions); neuraloperator/NNs-to-NOs unet_kernel_interp.py; note 17",
        metric="worst_growth", method="cnn-kernel-interp", threshold=INTERP_GROWTH, baseline="cnn-plain",
    ),
    below(
        "fno-resolution-invariant",
        "An FNO trained at one resolution keeps its error (about flat) at the other test resolutions.",
        "Sec. 2 (neural operators are discretization-agnostic); note 17",
        metric="worst_growth", method="fno", threshold=FNO_GROWTH, baseline="cnn-plain",
    ),
)
