"""One suite over every registered method: config, smoke run, verdicts, weakened results, cancel."""
from __future__ import annotations

import copy

import pytest

from workers.methods.base import ConfigError, config_schema_problems
from workers.methods.context import RunCancelled, RunContext
from workers.methods.execute import judge_claims
from workers.methods.registry import REGISTRY, get_method

from .conftest import smoke_record

SLUGS = sorted(REGISTRY)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_preset_builds_a_valid_config(slug):
    method = get_method(slug)
    for name in method.presets:
        config = method.build_config(name)
        assert config.model_dump() == method.config_model(**config.model_dump()).model_dump()
    assert method.presets["smoke"].device in ("cpu", "any")
    assert config_schema_problems(method.config_model) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_an_unknown_key_is_rejected_by_name(slug):
    method = get_method(slug)
    with pytest.raises(ConfigError) as caught:
        method.build_config("smoke", {"no_such_key": 1})
    assert "no_such_key" in caught.value.problems


@pytest.mark.parametrize("slug", SLUGS)
def test_an_out_of_range_size_is_rejected_by_name(slug):
    method = get_method(slug)
    numeric = [
        name
        for name, info in method.config_model.model_fields.items()
        if info.annotation in (int, float)
    ]
    assert numeric, "a method config should have at least one bounded size"
    name = numeric[0]
    with pytest.raises(ConfigError) as caught:
        method.build_config("smoke", {name: 10**12})
    assert name in caught.value.problems


@pytest.mark.parametrize("slug", SLUGS)
def test_the_smoke_preset_completes_with_every_claim_reproduced(slug, tmp_path_factory):
    record = smoke_record(slug, tmp_path_factory)
    assert record["series"], "a run must log at least one curve"
    assert all(info["points"] > 0 for info in record["series"].values())
    method = get_method(slug)
    smoke = method.build_config("smoke")
    expected = {
        c.id: "inconclusive" if c.undecidable_reason(smoke) else method.expected_on_smoke.get(c.id, "reproduced")
        for c in method.claims
    }
    verdicts = {c["id"]: c["verdict"] for c in record["claims"]}
    assert verdicts == {k: getattr(v, "value", v) for k, v in expected.items()}, record["claims"]
    for claim in record["claims"]:
        assert claim["summary"], "a verdict needs its reason"
        assert claim["evidence"] or claim["verdict"] == "inconclusive", "a verdict needs its numbers"


@pytest.mark.parametrize("slug", SLUGS)
def test_each_check_says_not_reproduced_for_weakened_results(slug, tmp_path_factory):
    method = get_method(slug)
    results = smoke_record(slug, tmp_path_factory)["results"]
    smoke = method.build_config("smoke")
    for claim in method.claims:
        if claim.undecidable_reason(smoke):
            continue  # smoke cannot decide it; the method's own tests cover its check
        weakened = claim.weaken(copy.deepcopy(results))
        verdict = {c["id"]: c["verdict"] for c in judge_claims(method, weakened)}[claim.id]  # no config: always judged
        assert verdict == "not_reproduced", f"{claim.id} still says {verdict} on weakened results"


@pytest.mark.parametrize("slug", SLUGS)
def test_the_artifacts_it_lists_exist(slug, tmp_path_factory):
    record = smoke_record(slug, tmp_path_factory)
    for name in record["artifacts"]:
        assert (record["_artifact_dir"] / name).is_file(), name


class CancelAfter(RunContext):
    """A context whose stop request arrives after a few points."""

    def __init__(self, after_points: int, **kwargs):
        super().__init__(**kwargs)
        self.after_points = after_points
        self.cancel_poll_seconds = 0.0

    def _poll_cancelled(self) -> bool:
        return sum(info["points"] for info in self._series.values()) >= self.after_points


@pytest.mark.parametrize("slug", SLUGS)
def test_a_stop_request_ends_the_run_at_its_next_point(slug, tmp_path):
    method = get_method(slug)
    ctx = CancelAfter(3, seed=0, device="cpu", artifact_dir=tmp_path)
    with pytest.raises(RunCancelled):
        method.run(method.build_config("smoke"), ctx)
    logged = sum(info["points"] for info in ctx.series_summary().values())
    assert 3 <= logged <= 3 + 64, "the method must stop soon after the request"


@pytest.mark.parametrize("slug", SLUGS)
def test_each_comparative_claim_fails_with_its_baseline_in_the_methods_place(slug, tmp_path_factory):
    """Baseline-swap control: the baseline's real numbers from the same run, put in the
    method's place, must not reproduce a claim of advantage over that baseline."""
    method = get_method(slug)
    results = smoke_record(slug, tmp_path_factory)["results"]
    for claim in method.claims:
        if claim.baseline_swap is None:
            continue
        swapped = claim.baseline_swap(copy.deepcopy(results))
        verdict = {c["id"]: c["verdict"] for c in judge_claims(method, swapped)}[claim.id]
        assert verdict != "reproduced", f"{claim.id}: {claim.baseline} in the method's place still reproduces it"
