"""The DCDM claims: fewer iterations than CG and than IC(0)-PCG at every grid size, and an
iteration count that grows little with the grid size, judged on the same unseen systems."""
from __future__ import annotations

from ..claimkit import Band, Threshold, fewer, needs, slope

HALF_OF_CG = Threshold(2.0, "note", "the note's bar: DCDM iterations at most half of CG's at every N")
FEWER_THAN_ICCG = Threshold(
    1.0, "ours", "the paper shows DCDM below ICCG without a ratio to hold it to; the direction is checked"
)
FLAT_IN_SIZE = Band(
    -1.0, 0.29, "note",
    "the note allows 1.5x growth over a 4x larger N (64 -> 256): log 1.5 / log 4 = 0.29; CG grows about 4x (slope 1)",
)


def _spans_sizes(config) -> bool:
    sizes = sorted(config.test_sizes)
    return len(sizes) >= 3 and sizes[-1] >= 4 * sizes[0]


CLAIMS = (
    fewer(
        "fewer-iterations-than-cg",
        "DCDM reaches the residual tolerance in far fewer iterations than conjugate gradient on Poisson systems.",
        "Abstract; Sec. 5 (iteration counts vs CG)",
        metric="iterations", method="dcdm", baseline="cg", at_least=HALF_OF_CG, cells="by_size",
    ),
    fewer(
        "fewer-iterations-than-iccg",
        "DCDM needs fewer iterations than incomplete-Cholesky preconditioned CG (ICPCG).",
        "Sec. 5, convergence figures (DCDM vs ICPCG)",
        metric="iterations", method="dcdm", baseline="iccg", at_least=FEWER_THAN_ICCG, cells="by_size",
    ),
    slope(
        "iterations-flat-in-grid-size",
        "DCDM's iteration count to tolerance grows little with the grid size (CG's grows linearly in N).",
        "Abstract ('a small number of iterations, independent of the problem size')",
        fit="dcdm", within=FLAT_IN_SIZE, x="x", y="y", baseline_fit="cg",
        decidable=needs(_spans_sizes, "needs at least 3 test sizes spanning a factor 4 in N"),
    ),
)
