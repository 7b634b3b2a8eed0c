"""Compare pages and seed groups: overlays, k-of-N verdicts, bands, censored time-to-target."""
from __future__ import annotations

import pytest

from apps.runs.groups import band, first_reach, kaplan_meier
from apps.runs.models import Run
from apps.runs.queueing import QuotaExceeded, RunRequest, submit_seeds
from workers.runner import run_once

pytestmark = pytest.mark.django_db


def test_the_band_is_the_median_and_quantiles_across_runs():
    curves = [{"step": [0, 1, 2], "value": [v, v / 2, v / 4]} for v in (1.0, 2.0, 3.0, 4.0, 5.0)]
    result = band(curves)
    assert result["step"] == [0, 1, 2]
    assert result["median"] == [3.0, 1.5, 0.75]
    assert result["q10"][0] == pytest.approx(1.4) and result["q90"][0] == pytest.approx(4.6)


def test_a_run_that_stopped_early_keeps_its_final_value_in_the_band():
    result = band([{"step": [0, 1], "value": [1.0, 0.1]}, {"step": [0, 1, 2, 3], "value": [1.0, 0.5, 0.2, 0.1]}])
    assert result["median"][-1] == pytest.approx(0.1)


def test_time_to_target_counts_runs_that_never_reached_it_as_censored():
    curves = [
        {"step": [0, 10, 20], "value": [1, 1e-3, 1e-7]},   # reaches 1e-6 at step 20
        {"step": [0, 10, 30], "value": [1, 1e-7, 1e-9]},   # reaches at 10
        {"step": [0, 5], "value": [1, 0.5]},               # never: censored at 5
        {"step": [0, 50], "value": [1, 0.1]},              # never: censored at 50
    ]
    hits = [first_reach(c, 1e-6) for c in curves]
    assert hits == [(20.0, True), (10.0, True), (5.0, False), (50.0, False)]
    km = kaplan_meier([h[0] for h in hits], [h[1] for h in hits])
    assert (km["reached"], km["censored"]) == (2, 2)
    # at risk: 4 at step 5 (censoring), 3 at step 10 (one event), 2 at step 20 (one event)
    assert km["fraction"][-1] == pytest.approx(1 - (2 / 3) * (1 / 2))
    assert km["median_step"] == 20.0


def test_a_group_of_five_seeds_is_queued_at_once_and_summarised(alice_client, catalog):
    response = alice_client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "10", "seeds": "5", "steps": "15"})
    runs = list(Run.objects.order_by("seed"))
    assert [r.seed for r in runs] == [10, 11, 12, 13, 14] and len({r.group for r in runs}) == 1
    assert response.status_code == 302 and response["Location"] == f"/groups/{runs[0].group}/"
    for run in runs:
        run_once(run.pk)
    page = alice_client.get(f"/groups/{runs[0].group}/", {"target": "0.5"}).content.decode()
    assert "reproduced 5 of 5" in page and "median of" not in page  # chart titles are drawn client-side
    assert '"median"' in page and '"q10"' in page and '"q90"' in page


def test_a_group_larger_than_the_quota_is_refused_whole(catalog, alice, settings):
    settings.RUNS_PER_USER_CAP = 3
    with pytest.raises(QuotaExceeded, match="asked for 5 more"):
        submit_seeds(RunRequest(method="lab-probe"), 5, owner=alice)
    assert Run.objects.count() == 0


def test_compare_overlays_runs_and_tabulates_final_values_and_verdicts(alice_client, catalog):
    ids = []
    for steps in (10, 20):
        alice_client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": str(steps), "steps": str(steps)})
        ids.append(Run.objects.order_by("-pk").first().pk)
        run_once(ids[-1])
    page = alice_client.get("/compare/", {"runs": f"{ids[0]},{ids[1]}"}).content.decode()
    assert "Compare 2 runs" in page and "probe value" in page
    assert f"/runs/{ids[0]}/metrics.json /runs/{ids[1]}/metrics.json" in page
    assert f"{0.9 ** 10:.4g}" in page and f"{0.9 ** 20:.4g}" in page
    assert f"runs={ids[0]},{ids[1]}" in page


def test_compare_with_nothing_selected_explains_how(client, catalog):
    assert "Tick two or more runs" in client.get("/compare/").content.decode()


def test_compare_hides_private_runs_of_others(client, catalog, alice, bob):
    run = Run.objects.create(method=catalog, owner=alice, config={"steps": 3}, config_hash="x", private=True)
    client.force_login(bob)
    page = client.get("/compare/", {"runs": str(run.pk)}).content.decode()
    assert "1 of the requested runs do not exist or are not visible" in page


def test_a_groups_comparative_evidence_reports_the_ratios_spread():
    from types import SimpleNamespace

    from apps.runs.groups import event_counts, verdict_counts

    runs = [SimpleNamespace(claims=[{"id": "fewer", "verdict": "reproduced", "evidence": {"ratio": r, "threshold": 10}}],
                            events=[{"kind": "nonfinite"}] if r < 20 else [])
            for r in (12.0, 30.0, 50.0, 70.0, 90.0)]
    (fewer,) = verdict_counts(runs)
    assert (fewer["reproduced"], fewer["of"]) == (5, 5)
    assert fewer["spread"]["median"] == 50.0 and fewer["spread"]["n"] == 5
    assert fewer["spread"]["q10"] == pytest.approx(12.0 + 0.4 * 18.0) and fewer["spread"]["q90"] == pytest.approx(82.0)
    assert verdict_counts(runs[:1])[0]["spread"] is None  # one run has no spread
    assert event_counts(runs) == {"nonfinite": 1}
