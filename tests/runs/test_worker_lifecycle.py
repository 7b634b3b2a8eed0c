"""Real Celery worker processes: queue over HTTP, run, download; cancel; kill mid-run."""
from __future__ import annotations

import io
import os
import signal
import time
import zipfile

import pytest

from apps.runs.models import Run
from apps.runs.points import point_count
from tests.worker_process import wait_for
from workers.methods.registry import get_method

pytestmark = pytest.mark.django_db(transaction=True)



def status_of(run_id: int) -> str:
    return Run.objects.values_list("status", flat=True).get(pk=run_id)


def test_a_run_queued_over_http_succeeds_on_a_real_worker_and_its_zip_downloads(alice_client, worker):
    client = alice_client
    response = client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "0", "steps": "25", "label_text": "zip me"})
    run_id = Run.objects.get().pk
    assert response.status_code == 302
    wait_for(lambda: status_of(run_id) == "succeeded", 60, "the run to succeed")
    run = Run.objects.get(pk=run_id)
    assert point_count(run) == 25
    assert run.claims[0]["verdict"] == "reproduced" and run.worker
    page = client.get(f"/runs/{run_id}/").content.decode()
    assert "succeeded" in page and "probe.txt" in page
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/runs/{run_id}/artifacts.zip").streaming_content)))
    names = set(archive.namelist())
    assert {f"run-{run_id}/probe.txt", f"run-{run_id}/figure.html", f"run-{run_id}/plotly.min.js"} <= names
    assert archive.read(f"run-{run_id}/probe.txt") == b"zip me"
    assert client.get(f"/runs/{run_id}/status").status_code == 286  # htmx: stop polling


def test_cancel_while_running_on_a_worker_keeps_the_points_so_far(alice_client, worker):
    client = alice_client
    client.post("/methods/lab-probe/runs", {"preset": "full", "seed": "0", "steps": "2000", "sleep_s": "0.01"})
    run_id = Run.objects.get().pk
    wait_for(lambda: point_count(run_id) > 0, 60, "points to arrive")
    assert client.post(f"/runs/{run_id}/cancel").status_code == 302
    wait_for(lambda: status_of(run_id) == "cancelled", 20, "the run to stop")
    kept = point_count(run_id)
    assert 0 < kept < 2000


def test_a_killed_pool_child_is_rerun_once_and_succeeds(alice_client, catalog, workers):
    workers("killchild")
    alice_client.post("/methods/lab-probe/runs", {"preset": "full", "seed": "0", "steps": "60", "sleep_s": "0.05"})
    run_id = Run.objects.get().pk
    wait_for(lambda: status_of(run_id) == "running", 60, "the run to start")
    child = Run.objects.get(pk=run_id).worker_pid
    os.kill(child, signal.SIGKILL)
    started = time.monotonic()
    wait_for(lambda: status_of(run_id) == "succeeded", 90, "the second attempt to succeed", every=0.2)
    run = Run.objects.get(pk=run_id)
    assert run.attempts == 2 and run.worker_pid != child
    assert point_count(run) == 60  # no duplicated points
    print(f"recovered from a killed child in {time.monotonic() - started:.1f} s")


def test_a_method_that_kills_its_process_every_time_fails_after_the_attempts_cap(alice_client, catalog, workers):
    workers("crashy")
    alice_client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "0", "fail": "exit", "fail_at_step": "2"})
    run_id = Run.objects.get().pk
    wait_for(lambda: status_of(run_id) == "failed", 90, "the run to fail", every=0.2)
    run = Run.objects.get(pk=run_id)
    assert run.attempts == run.max_attempts == 2
    assert "attempts" in run.error


def test_the_sinkhorn_exemplar_smoke_preset_reproduces_on_a_real_worker(alice_client, worker):
    client = alice_client
    response = client.post("/methods/sinkhorn-newton-sparse/runs", {"preset": "smoke", "seed": "0"})
    assert response.status_code == 302, response.content[:500]
    run_id = Run.objects.get().pk
    wait_for(lambda: status_of(run_id) in ("succeeded", "failed"), 240, "the exemplar to finish", every=0.3)
    run = Run.objects.get(pk=run_id)
    assert run.status == "succeeded", (run.error, worker.output()[-3000:])
    method = get_method("sinkhorn-newton-sparse")
    smoke = method.build_config("smoke")
    expected = {c.id: "inconclusive" if c.undecidable_reason(smoke) else "reproduced" for c in method.claims}
    assert {c["id"]: c["verdict"] for c in run.claims} == expected, run.claims
    assert expected["fewer-iterations"] == "reproduced"
    assert set(run.series.values_list("name", flat=True)) >= {"SNS marginal error", "Sinkhorn marginal error"}
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/runs/{run_id}/artifacts.zip").streaming_content)))
    assert f"run-{run_id}/problem.npz" in archive.namelist()
    page = client.get(f"/runs/{run_id}/").content.decode()
    assert "fewer-iterations" in page and "reproduced" in page
