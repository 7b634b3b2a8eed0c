"""DCDM: Ritz vectors vs a dense eigensolver, the training loss vs its closed form, the network's
homogeneity and masking, and the claims on hand-made results."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from workers.methods.base import Verdict
from workers.methods.deep_conjugate_direction import experiment
from workers.methods.deep_conjugate_direction.claims import CLAIMS
from workers.methods.deep_conjugate_direction.network import DirectionNet, dcdm_loss
from workers.methods.shared.poisson import fluid_mask, poisson_matrix


def layout(n=16, seed=1):
    return fluid_mask(n, 3, np.random.default_rng(seed))


@pytest.mark.parametrize("dense_up_to", [10_000, 0])
def test_ritz_vectors_are_the_lowest_eigenvectors_of_the_fluid_block(monkeypatch, dense_up_to):
    monkeypatch.setattr(experiment, "DENSE_EIGH_UP_TO", dense_up_to)  # both the dense and the Lanczos path
    fluid = layout()
    vectors = experiment.ritz_vectors(fluid, 12).reshape(12, -1)
    a = poisson_matrix(fluid).toarray()
    cells = np.flatnonzero(fluid.ravel())
    lowest = np.linalg.eigh(a[np.ix_(cells, cells)])
    assert np.abs(vectors[:, ~fluid.ravel()]).max() == 0.0
    assert np.allclose(vectors @ vectors.T, np.eye(12), atol=1e-8)
    rayleigh = np.sort(np.einsum("ki,ij,kj->k", vectors, a, vectors))
    assert np.allclose(rayleigh, lowest.eigenvalues[:12], rtol=1e-8)


def test_the_loss_is_the_residual_after_one_line_search_step_and_zero_for_the_exact_inverse():
    fluid = layout(8)
    a = poisson_matrix(fluid).toarray()
    rng = np.random.default_rng(0)
    b = rng.standard_normal(64) * fluid.ravel()
    f = rng.standard_normal(64) * fluid.ravel()
    bn = b / np.linalg.norm(b)
    expected = np.linalg.norm(bn - (f @ bn) / (f @ a @ f) * (a @ f)) ** 2
    mask = torch.as_tensor(fluid, dtype=torch.float64)[None, None]

    class Fixed(torch.nn.Module):
        def __init__(self, out):
            super().__init__()
            self.out = out

        def forward(self, r, mask):
            return self.out

    as_grid = lambda v: torch.as_tensor(v.reshape(1, 1, 8, 8))
    assert float(dcdm_loss(Fixed(as_grid(f)), as_grid(b), mask)) == pytest.approx(expected, rel=1e-10)
    exact = np.linalg.solve(a, bn)
    assert float(dcdm_loss(Fixed(as_grid(exact)), as_grid(b), mask)) < 1e-20


def test_the_network_is_positively_homogeneous_zero_on_solids_and_runs_at_every_size():
    torch.manual_seed(0)
    net = DirectionNet(width=4)
    for n in (8, 16, 32):
        mask = torch.as_tensor(layout(n), dtype=torch.float32)[None, None]
        r = torch.randn(1, 1, n, n) * mask
        with torch.no_grad():
            out = net(r, mask)
        assert out.shape == r.shape
        assert torch.allclose(net(3.0 * r, mask), 3.0 * out, rtol=1e-5, atol=1e-5)
        assert float(out[mask == 0].abs().max()) == 0.0


def cell(dcdm, cg, iccg, censored=()):
    out = {"dcdm": {"iterations": dcdm}, "cg": {"iterations": cg}, "iccg": {"iterations": iccg}}
    for name in censored:
        out[name]["censored"] = ["iterations"]
    return out


def test_the_claims_decide_from_iterations_per_size():
    good = {"by_size": {"N=32": cell(12, 100, 30), "N=64": cell(14, 200, 60), "N=128": cell(16, 400, 120)},
            "fits": {"dcdm": {"x": [32, 64, 128], "y": [12, 14, 16]}, "cg": {"x": [32, 64, 128], "y": [100, 200, 400]}}}
    verdicts = {claim.id: claim.check(good).verdict for claim in CLAIMS}
    assert set(verdicts.values()) == {Verdict.REPRODUCED}
    slow = {**good, "by_size": {**good["by_size"], "N=128": cell(300, 400, 120)}}
    assert CLAIMS[0].check(slow).verdict == Verdict.NOT_REPRODUCED
    capped = {**good, "by_size": {**good["by_size"], "N=128": cell(5000, 400, 120, censored=("dcdm",))}}
    assert CLAIMS[1].check(capped).verdict == Verdict.NOT_REPRODUCED
    steep = {**good, "fits": {**good["fits"], "dcdm": {"x": [32, 64, 128], "y": [12, 24, 48]}}}
    assert CLAIMS[2].check(steep).verdict == Verdict.NOT_REPRODUCED
