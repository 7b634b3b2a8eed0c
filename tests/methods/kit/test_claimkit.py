"""The claim builders decide, explain and fail as they say, on hand-made results."""
from __future__ import annotations

import copy

import pytest

from workers.methods.base import Verdict
from workers.methods.claimkit import Band, Threshold, below, fewer, loglog_slope, no_worse, ratio_within, slope


def outcomes(a, b, **flags):
    return {"outcomes": {"new": {"iterations": a, **flags.get("new", {})}, "old": {"iterations": b, **flags.get("old", {})}}}


TEN = Threshold(10, "note")


def test_fewer_reproduces_fails_and_reports_its_threshold():
    claim = fewer("c", "s", "Table 1", metric="iterations", method="new", baseline="old", at_least=TEN)
    good = claim.check(outcomes(29, 3399))
    assert good.verdict == Verdict.REPRODUCED
    assert good.numbers["ratio"] == pytest.approx(3399 / 29)
    assert good.numbers["threshold_source"] == "note"
    assert claim.check(outcomes(29, 200)).verdict == Verdict.NOT_REPRODUCED
    assert claim.check(claim.baseline_swap(outcomes(29, 3399))).verdict == Verdict.NOT_REPRODUCED


def test_a_capped_baseline_gives_a_lower_bound_and_a_capped_method_fails():
    claim = fewer("c", "s", "t", metric="iterations", method="new", baseline="old", at_least=TEN)
    assert claim.check(outcomes(29, 20000, old={"censored": ["iterations"]})).verdict == Verdict.REPRODUCED
    assert claim.check(outcomes(29, 100, old={"censored": ["iterations"]})).verdict == Verdict.INCONCLUSIVE
    assert claim.check(outcomes(500, 20000, new={"censored": ["iterations"]})).verdict == Verdict.NOT_REPRODUCED
    assert claim.check(outcomes(5, 20000, new={"failed": "diverged"})).verdict == Verdict.NOT_REPRODUCED


def test_a_threshold_of_one_needs_a_strict_advantage_and_the_note_verdict_is_shown():
    claim = fewer("t", "s", "t", metric="iterations", method="new", baseline="old",
                  at_least=Threshold(1.0, "ours", "direction only", note_value=2.0))
    finding = claim.check(outcomes(10, 15))
    assert finding.verdict == Verdict.REPRODUCED
    assert finding.numbers["verdict_at_note_threshold"] == "not_reproduced"
    assert claim.check(outcomes(10, 10)).verdict == Verdict.NOT_REPRODUCED


def test_cells_need_every_cell_or_the_given_share():
    results = {"by_n": {"n=8": outcomes(1, 20)["outcomes"], "n=16": outcomes(1, 5)["outcomes"]}}
    every = fewer("c", "s", "t", metric="iterations", method="new", baseline="old", at_least=TEN, cells="by_n")
    half = fewer("c", "s", "t", metric="iterations", method="new", baseline="old", at_least=TEN, cells="by_n",
                 min_share=0.5)
    assert every.check(results).verdict == Verdict.NOT_REPRODUCED
    assert half.check(results).verdict == Verdict.REPRODUCED
    assert half.check(half.baseline_swap(results)).verdict == Verdict.NOT_REPRODUCED
    assert set(every.check(results).numbers["cells"]) == {"n=8", "n=16"}


def test_higher_is_better_ratio():
    claim = fewer("acc", "s", "t", metric="iterations", method="new", baseline="old",
                  at_least=Threshold(1.5, "paper"), higher_is_better=True)
    assert claim.check(outcomes(3.0, 1.0)).verdict == Verdict.REPRODUCED
    assert claim.check(outcomes(1.2, 1.0)).verdict == Verdict.NOT_REPRODUCED


def test_below_and_above_with_and_without_baseline():
    level = Threshold(1e-3, "note")
    claim = below("err", "s", "t", metric="iterations", method="new", threshold=level, baseline="old")
    assert claim.check(outcomes(1e-4, 0.5)).verdict == Verdict.REPRODUCED
    assert claim.check(outcomes(1e-2, 0.5)).verdict == Verdict.NOT_REPRODUCED
    assert claim.check(claim.baseline_swap(outcomes(1e-4, 0.5))).verdict == Verdict.NOT_REPRODUCED
    plain = below("err", "s", "t", metric="iterations", method="new", threshold=level)
    assert plain.baseline_swap is None
    assert plain.check(plain.weaken(outcomes(1e-4, 0.5))).verdict == Verdict.NOT_REPRODUCED
    up = below("acc", "s", "t", metric="iterations", method="new", threshold=Threshold(0.9, "paper"), above=True)
    assert up.check(outcomes(0.95, 0)).verdict == Verdict.REPRODUCED
    assert up.check(up.weaken(outcomes(0.95, 0))).verdict == Verdict.NOT_REPRODUCED


def test_slope_matches_numpy_and_swaps_in_the_baseline_fit():
    xs = [2.0, 4.0, 8.0, 16.0]
    assert loglog_slope(xs, [x ** -2 for x in xs]) == pytest.approx(-2.0)
    results = {"fits": {"new": {"x": xs, "y": [x ** -2 for x in xs]}, "old": {"x": xs, "y": [x ** -1 for x in xs]}}}
    claim = slope("rate", "s", "t", fit="new", within=Band(-2.2, -1.8, "paper"), baseline_fit="old")
    assert claim.check(results).verdict == Verdict.REPRODUCED
    assert claim.check(claim.baseline_swap(copy.deepcopy(results))).verdict == Verdict.NOT_REPRODUCED
    plain = slope("rate", "s", "t", fit="new", within=Band(-2.2, -1.8, "paper"))
    assert plain.check(plain.weaken(copy.deepcopy(results))).verdict == Verdict.NOT_REPRODUCED
    results["fits"]["new"] = {"x": xs[:2], "y": [1, 0.25]}
    assert claim.check(results).verdict == Verdict.INCONCLUSIVE


def test_ratio_within_band_and_parity():
    band = ratio_within("nfe", "s", "t", metric="iterations", method="new", baseline="old",
                        within=Band(0.56, 0.73, "paper"))
    assert band.check(outcomes(64, 100)).verdict == Verdict.REPRODUCED
    assert band.check(outcomes(90, 100)).verdict == Verdict.NOT_REPRODUCED
    assert band.check(band.baseline_swap(outcomes(64, 100))).verdict == Verdict.NOT_REPRODUCED
    parity = no_worse("acc", "s", "t", metric="iterations", method="new", baseline="old",
                      factor=Threshold(1.1, "ours", "10% slack for seed noise"))
    assert parity.baseline_swap is None
    assert parity.check(outcomes(1.05, 1.0)).verdict == Verdict.REPRODUCED
    assert parity.check(parity.weaken(outcomes(1.05, 1.0))).verdict == Verdict.NOT_REPRODUCED


def test_thresholds_of_ours_need_a_reason():
    with pytest.raises(ValueError):
        Threshold(2, "ours")
    with pytest.raises(ValueError):
        Threshold(2, "blog")


def test_an_annotated_claim_keeps_its_verdict_and_adds_the_note():
    from workers.methods.claimkit import annotated

    claim = fewer("c", "s", "src", metric="calls", method="a", baseline="b", at_least=Threshold(2.0, "note"))
    note = annotated(claim, lambda r: ("b's slope is 1 by construction.", {"by_construction": True}))
    results = {"outcomes": {"a": {"calls": 10}, "b": {"calls": 30}}}
    finding = note.check(results)
    assert finding.verdict == claim.check(results).verdict == Verdict.REPRODUCED
    assert finding.summary.endswith("by construction.") and finding.numbers["by_construction"] is True
    assert finding.numbers["ratio"] == 3.0
    assert note.baseline_swap is claim.baseline_swap and note.check(note.baseline_swap(results)).verdict != Verdict.REPRODUCED


def test_a_claim_over_no_cells_is_inconclusive_even_with_its_baseline_swapped_in():
    claim = below("c", "s", "src", metric="err", method="m", threshold=Threshold(1e-2, "note"), baseline="b",
                  cells="grid")
    assert claim.check({"grid": {}}).verdict == Verdict.INCONCLUSIVE
    assert claim.check(claim.baseline_swap({"grid": {}})).verdict == Verdict.INCONCLUSIVE
