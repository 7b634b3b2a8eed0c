"""One enum for how a delivery ends: the runner returns it, the run's process reports it as
its exit code, the pool child maps that code back (any other code is a crash)."""
from __future__ import annotations

import pytest

from apps.runs.lifecycle import Outcome
from apps.runs.models import Run
from workers.isolation import run_isolated


def test_every_outcome_has_its_own_exit_code_and_none_is_an_ordinary_exit():
    codes = [outcome.exit_code for outcome in Outcome]
    assert len(set(codes)) == len(codes) and not {0, 1} & set(codes)
    assert all(Outcome.from_exit_code(outcome.exit_code) is outcome for outcome in Outcome)
    for crashed in (0, 1, 17, -9, 89, max(codes) + 1):
        assert Outcome.from_exit_code(crashed) is None


def test_outcomes_compare_and_serialize_as_their_status_names():
    assert Outcome.SUCCEEDED == "succeeded" and Outcome.SKIPPED == "skipped" and str(Outcome.QUEUED) == "queued"


def make_run(method, **config) -> Run:
    return Run.objects.create(method=method, config={"steps": 10, **config}, config_hash="x", preset="smoke")


@pytest.mark.django_db(transaction=True)
def test_a_forked_run_reports_its_outcome_through_its_exit_code(catalog):
    run = make_run(catalog)
    assert run_isolated(run.pk) is Outcome.SUCCEEDED
    assert Run.objects.get(pk=run.pk).status == "succeeded"
    assert run_isolated(run.pk) is Outcome.SKIPPED  # a second delivery of a finished run


@pytest.mark.django_db(transaction=True)
def test_a_run_process_that_exits_on_its_own_is_a_crash_and_fails_at_the_attempts_cap(catalog):
    run = make_run(catalog, fail="exit", fail_at_step=3)
    Run.objects.filter(pk=run.pk).update(max_attempts=1)
    assert run_isolated(run.pk) is Outcome.FAILED
    run.refresh_from_db()
    assert run.status == "failed" and "exited with code 17" in run.error
