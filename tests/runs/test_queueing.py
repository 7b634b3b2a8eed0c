"""Queueing a run: validation names every bad field, nothing half-created, right queue."""
from __future__ import annotations

import pytest

from apps.runs.models import Run
from apps.runs.queueing import RunRequest, submit
from workers.methods.base import ConfigError

pytestmark = pytest.mark.django_db


def test_a_valid_request_creates_one_queued_run_on_the_cpu_queue(catalog, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = submit(RunRequest(method="lab-probe", preset="smoke", config={"steps": 7}, seed=3))
    assert len(callbacks) == 1
    run.refresh_from_db()
    assert (run.status, run.queue, run.seed, run.config["steps"]) == ("queued", "cpu", 3, 7)
    assert run.enqueued_at is not None


def test_every_offending_field_is_named_and_nothing_is_created(catalog):
    with pytest.raises(ConfigError) as caught:
        submit(RunRequest(method="lab-probe", config={"steps": -1, "bogus": 2}, seed=-5, queue="tpu"))
    assert set(caught.value.problems) == {"steps", "bogus", "seed", "queue"}
    assert Run.objects.count() == 0


def test_an_unknown_method_lists_the_known_ones(catalog):
    with pytest.raises(ConfigError) as caught:
        submit(RunRequest(method="no-such-method"))
    assert "known methods" in caught.value.problems["method"]


def test_the_form_rejects_an_out_of_range_value_with_400_naming_the_field(alice_client, catalog):
    client = alice_client
    response = client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "0", "steps": "0"})
    assert response.status_code == 400
    assert "steps" in response.content.decode() and "greater than or equal to 1" in response.content.decode()
    assert Run.objects.count() == 0


def test_the_form_rejects_a_non_numeric_seed(alice_client, catalog):
    client = alice_client
    response = client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "abc"})
    assert response.status_code == 400 and "whole number" in response.content.decode()


def test_a_valid_form_redirects_to_the_run_page(alice_client, catalog):
    client = alice_client
    response = client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "4", "steps": "9", "label": "mine"})
    run = Run.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/runs/{run.pk}/"
    assert (run.label, run.config["steps"], run.seed) == ("mine", 9, 4)


def test_the_queue_size_is_the_number_of_messages_waiting_in_real_redis(settings):
    from apps.celery import app
    from apps.runs.queueing import broker_queue_size

    if not settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs the Redis broker")
    queue = "count-probe"
    with app.connection_for_write() as conn:
        conn.default_channel.queue_purge(queue)
    assert broker_queue_size(queue) == 0  # a queue Redis has never seen holds nothing
    for run_id in (101, 102, 103):
        app.send_task("workers.tasks.execute_run", args=[run_id], queue=queue)
    app.send_task("workers.tasks.execute_run", args=[104], queue=queue, priority=6)
    try:
        assert broker_queue_size(queue) == 4
    finally:
        with app.connection_for_write() as conn:
            conn.default_channel.queue_purge(queue)
    assert broker_queue_size(queue) == 0


def test_an_unreachable_broker_has_no_size(settings):
    from apps.runs.queueing import broker_queue_size

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    assert broker_queue_size("cpu") is None
