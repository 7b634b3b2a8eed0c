"""The LFA paper's claims: recovery of linear models, C-LIME = SmoothGrad, each explainer optimal on
its own neighbourhood, and no free lunch."""
from __future__ import annotations

from ..claimkit import Band, Threshold, below, slope

RECOVERY = Threshold(0.99, "note")
TIE_TOLERANCE = 0.01  # unexplained share: within 1% of the column's best counts as tied (ours, below)
TIED = Threshold(TIE_TOLERANCE, "ours", "tied = within 0.01 unexplained share (1% of f's variance on the neighbourhood) of the column's best")
MONTE_CARLO = Band(-0.75, -0.25, "ours", "two unbiased estimators of the same vector (Stein's lemma) differ by O(N^-1/2)")
NO_WINNER = Threshold(0.0, "paper")

CLAIMS = (
    below(
        "linear-recovery",
        "On a linear model every explainer recovers the model's weights (in its own space: w in input space, "
        "w * (x0 - baseline) for mask-based and path-based explainers).",
        "Sec. 4 (recovery of the black box when it is in the explanation class); exp2_model_recov",
        metric="min_cosine", method="explanation", threshold=RECOVERY, above=True, cells="recovery",
        how_checked="Smallest cosine over the test points between each explainer's weights and the closed form, for all "
                    "eight explainers, on least squares fit to the diabetes data; at least 0.99 (the note's) for each.",
    ),
    slope(
        "clime-equals-smoothgrad",
        "C-LIME and SmoothGrad with the same Gaussian neighbourhood are the same explanation in expectation (they "
        "differ only by sampling error, which vanishes as samples grow).",
        "Sec. 3 (Theorem: C-LIME and SmoothGrad converge to the same vector)",
        fit="C-LIME vs SmoothGrad", within=MONTE_CARLO, x="x", y="y",
    ),
    below(
        "own-neighbourhood-best",
        "Each explainer is the most faithful (or tied) on its own neighbourhood.",
        "Sec. 4 (guiding principle); Fig. 3",
        metric="excess_over_best", method="own", threshold=TIED, cells="own_column",
        how_checked="Unexplained share Var_w(f - g)/Var_w(f) on each neighbourhood (Gaussian: 20k fresh samples; masks: "
                    "all 2^d with the kernel's weights), median over test points; each explainer's own column minus the "
                    "column's best must be at most 0.01.",
    ),
    below(
        "no-free-lunch",
        "No explainer is the most faithful on every neighbourhood.",
        "Sec. 3 (no free lunch theorem); Fig. 3",
        metric="universal_winners", method="fidelity matrix", threshold=NO_WINNER,
        how_checked="Count the explainers within 0.01 of the best unexplained share in every column of the fidelity "
                    "matrix; the count must be 0.",
    ),
)
