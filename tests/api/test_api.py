"""The JSON API contract: every path, and the 4xx answers with the field and the reason."""
from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import call_command

from apps.accounts.models import ApiToken
from apps.runs.models import Run
from workers.runner import run_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice_token(alice):
    return ApiToken.issue(alice)[1]


@pytest.fixture
def bob_token(bob):
    return ApiToken.issue(bob)[1]


def post_run(client, token, body, **extra):
    return client.post("/api/runs", data=body if isinstance(body, str) else json.dumps(body),
                       content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def finished_run(client, token, **config) -> int:
    response = post_run(client, token, {"method": "lab-probe", "preset": "smoke", "config": config})
    assert response.status_code == 201, response.content
    run_once(response.json()["id"])
    return response.json()["id"]


def test_papers_and_methods_are_listed(client, catalog):
    papers = client.get("/api/papers").json()
    assert len(papers) == 42 and papers[5]["slug"] == "sinkhorn-newton-sparse"
    assert client.get("/api/papers/6").json()["arxiv_id"] == "2401.12253"
    assert client.get("/api/papers/77").status_code == 404
    methods = {m["slug"] for m in client.get("/api/methods").json()}
    assert "lab-probe" in methods
    probe = client.get("/api/methods/lab-probe").json()
    assert probe["config_schema"]["properties"]["steps"]["maximum"] == 100_000
    assert probe["presets"]["smoke"]["device"] == "cpu" and probe["claims"][0]["id"] == "decays"
    assert client.get("/api/methods/nope").status_code == 404


def test_a_run_is_created_with_201_and_its_url(client, catalog, alice_token):
    response = post_run(client, alice_token, {"method": "lab-probe", "preset": "smoke", "seed": 5})
    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "queued" and body["url"] == f"/runs/{body['id']}/"
    assert Run.objects.get(pk=body["id"]).owner.username == "alice"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"method": "no-such"}, "method"),
        ({"method": "lab-probe", "config": {"steps": 0}}, "steps"),
        ({"method": "lab-probe", "config": {"stepz": 3}}, "stepz"),
        ({"method": "lab-probe", "seed": "x"}, "seed"),
        ({"method": "lab-probe", "preset": "huge"}, "preset"),
        ({"method": "lab-probe", "colour": "red"}, "colour"),
        ({"preset": "smoke"}, "method"),
    ],
)
def test_invalid_input_is_a_422_naming_the_field_and_queues_nothing(client, catalog, alice_token, body, field):
    response = post_run(client, alice_token, body)
    assert response.status_code == 422
    assert field in response.json()["errors"]
    assert Run.objects.count() == 0


def test_every_offending_field_is_reported_at_once(client, catalog, alice_token):
    response = post_run(client, alice_token, {"method": "lab-probe", "config": {"steps": -1, "sleep_s": 99}, "seed": -1})
    assert set(response.json()["errors"]) >= {"steps", "sleep_s", "seed"}


def test_bad_json_is_a_400(client, catalog, alice_token):
    response = post_run(client, alice_token, "{not json")
    assert response.status_code == 400 and "not valid JSON" in response.json()["detail"]


def test_a_write_without_a_token_is_a_401(client, catalog):
    response = client.post("/api/runs", data="{}", content_type="application/json")
    assert response.status_code == 401


def test_a_wrong_token_is_a_401_even_with_a_session(client, catalog, alice):
    client.force_login(alice)
    response = post_run(client, "rl_wrong", {"method": "lab-probe"})
    assert response.status_code == 401 and Run.objects.count() == 0


def test_a_session_write_without_csrf_is_refused(catalog, alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    response = browser.post("/api/runs", data=json.dumps({"method": "lab-probe"}), content_type="application/json")
    assert response.status_code == 403 and Run.objects.count() == 0


def test_a_session_write_with_csrf_is_accepted(catalog, alice):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(alice)
    browser.get("/")
    token = browser.cookies["csrftoken"].value
    response = browser.post("/api/runs", data=json.dumps({"method": "lab-probe"}), content_type="application/json",
                            HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 201


def test_runs_are_listed_filtered_and_paginated(client, catalog, alice_token, bob_token):
    for seed in range(3):
        post_run(client, alice_token, {"method": "lab-probe", "seed": seed})
    post_run(client, bob_token, {"method": "lab-probe", "seed": 9})
    page = client.get("/api/runs", {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2
    mine = client.get("/api/runs", {"mine": "true"}, HTTP_AUTHORIZATION=f"Bearer {bob_token}").json()
    assert [r["seed"] for r in mine["results"]] == [9]
    assert client.get("/api/runs", {"status": "succeeded"}).json()["count"] == 0
    assert client.get("/api/runs", {"method": "lab-probe"}).json()["count"] == 4
    assert client.get("/api/runs", {"mine": "true"}).status_code == 401


def test_a_finished_run_exposes_provenance_claims_metrics_and_artifacts(client, catalog, alice_token):
    run_id = finished_run(client, alice_token, steps=40)
    detail = client.get(f"/api/runs/{run_id}").json()
    assert detail["status"] == "succeeded" and detail["claims"][0]["verdict"] == "reproduced"
    assert detail["provenance"]["device"].startswith("cpu") and detail["provenance"]["versions"]["numpy"]
    metrics = client.get(f"/api/runs/{run_id}/metrics", {"series": "probe value", "max_points": 10}).json()
    assert metrics["series"][0]["points"] == 40 and metrics["series"][0]["bucketed"]
    csv_text = b"".join(client.get(f"/api/runs/{run_id}/metrics.csv").streaming_content).decode()
    assert csv_text.count("\n") == 41 and csv_text.startswith("series,step,wall_s,value")
    names = {a["name"] for a in client.get(f"/api/runs/{run_id}/artifacts").json()}
    assert names == {"figure.html", "probe.txt"}
    assert b"".join(client.get(f"/api/runs/{run_id}/artifacts/probe.txt").streaming_content) == b"probe"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/api/runs/{run_id}/artifacts.zip").streaming_content)))
    assert f"run-{run_id}/run.json" in archive.namelist()
    assert client.get(f"/api/runs/{run_id}/artifacts/nope.txt").status_code == 404


def test_cancel_is_for_the_owner_and_idempotent(client, catalog, alice_token, bob_token):
    run_id = post_run(client, alice_token, {"method": "lab-probe"}).json()["id"]
    other = client.post(f"/api/runs/{run_id}/cancel", HTTP_AUTHORIZATION=f"Bearer {bob_token}")
    assert other.status_code == 403 and Run.objects.get(pk=run_id).status == "queued"
    for _ in range(2):
        mine = client.post(f"/api/runs/{run_id}/cancel", HTTP_AUTHORIZATION=f"Bearer {alice_token}")
        assert mine.status_code == 200 and mine.json()["status"] == "cancelled"
    assert client.post(f"/api/runs/{run_id}/cancel").status_code == 401


def test_a_private_run_is_invisible_to_others(client, catalog, alice_token, bob_token):
    run_id = post_run(client, alice_token, {"method": "lab-probe", "private": True}).json()["id"]
    assert client.get(f"/api/runs/{run_id}").status_code == 404
    assert client.get(f"/api/runs/{run_id}", HTTP_AUTHORIZATION=f"Bearer {bob_token}").status_code == 404
    assert client.get(f"/api/runs/{run_id}/metrics", HTTP_AUTHORIZATION=f"Bearer {bob_token}").status_code == 404
    assert client.get(f"/api/runs/{run_id}", HTTP_AUTHORIZATION=f"Bearer {alice_token}").status_code == 200
    assert client.get("/api/runs").json()["count"] == 0


def test_an_identical_succeeded_run_is_offered_before_spending_compute(client, catalog, alice_token):
    run_id = finished_run(client, alice_token, steps=12)
    again = post_run(client, alice_token, {"method": "lab-probe", "preset": "smoke", "config": {"steps": 12}})
    assert again.status_code == 409 and again.json()["existing"]["id"] == run_id
    forced = post_run(client, alice_token, {"method": "lab-probe", "preset": "smoke", "config": {"steps": 12}, "force": True})
    assert forced.status_code == 201


def test_the_per_user_cap_refuses_with_the_reason(client, catalog, alice_token, settings):
    settings.RUNS_PER_USER_CAP = 2
    codes = [post_run(client, alice_token, {"method": "lab-probe", "seed": s}).status_code for s in range(3)]
    assert codes == [201, 201, 429]
    assert Run.objects.count() == 2


def test_workers_endpoint_lists_online_workers(client, catalog):
    from django.utils import timezone

    from apps.runs.models import WorkerHeartbeat

    now = timezone.now()
    WorkerHeartbeat.objects.create(hostname="gpu@box", queues=["gpu"], device_name="NVIDIA H100", last_seen=now, started_at=now)
    assert client.get("/api/workers").json()[0]["device"] == "NVIDIA H100"


def test_openapi_and_docs_are_served_without_a_cdn(client, catalog):
    schema = client.get("/api/openapi.json").json()
    for path in ("/api/runs", "/api/runs/{run_id}/metrics", "/api/papers/{number}", "/api/workers"):
        assert path in schema["paths"]
    docs = client.get("/api/docs").content.decode()
    assert "cdn." not in docs and "unpkg" not in docs


def test_createapitoken_prints_a_working_token(client, catalog, capsys):
    call_command("createapitoken", "carol", "--create-user")
    token = capsys.readouterr().out.strip()
    response = post_run(client, token, {"method": "lab-probe"})
    assert response.status_code == 201
