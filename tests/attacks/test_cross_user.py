"""Attack 5: one user reading another's private runs, or cancelling or re-running another's
runs, through the pages and the API. Private runs answer 404 (their existence is not
revealed), others' public runs cannot be cancelled (403), and nothing changes."""
from __future__ import annotations

import uuid

import pytest

from apps.accounts.models import ApiToken
from apps.runs.models import Run, Series
from apps.runs.points import append_points
from apps.runs.queueing import RunRequest, config_hash, validate
from workers.methods.execute import code_version

from .conftest import bearer, make_run

pytestmark = [pytest.mark.django_db, pytest.mark.attacks]

SECRET_LABEL = "alice-private-label-7f3a"


@pytest.fixture
def alice_runs(catalog, alice, artifacts_root):
    """Alice's private finished run (curve, artifact, same hash a smoke run would have), her
    private seed group, and her public queued run."""
    _, config, _ = validate(RunRequest(method="lab-probe", preset="smoke"))
    private = make_run(catalog, alice, private=True, label=SECRET_LABEL, files={"probe.txt": "alice's data"},
                       group=uuid.uuid4())
    Run.objects.filter(pk=private.pk).update(config=config, config_hash=config_hash("lab-probe", config, 0, code_version()))
    series = Series.objects.create(run=private, name="secret series", points=1)
    append_points(series, [0.0], [0.0], [42.0])
    public = make_run(catalog, alice, status="queued", label="alice-public")
    return private, public


def state() -> list:
    return list(Run.objects.order_by("pk").values_list("pk", "owner__username", "status", "cancel_requested", "private"))


def text(response) -> str:
    return (b"".join(response.streaming_content) if response.streaming else response.content).decode(errors="replace")


def private_urls(run) -> list[str]:
    return [f"/runs/{run.pk}/", f"/runs/{run.pk}/status", f"/runs/{run.pk}/metrics.json", f"/runs/{run.pk}/metrics.csv",
            f"/runs/{run.pk}/artifacts/probe.txt", f"/runs/{run.pk}/artifacts.zip", f"/groups/{run.group}/",
            f"/api/runs/{run.pk}", f"/api/runs/{run.pk}/metrics", f"/api/runs/{run.pk}/metrics.csv",
            f"/api/runs/{run.pk}/artifacts", f"/api/runs/{run.pk}/artifacts/probe.txt", f"/api/runs/{run.pk}/artifacts.zip"]


def test_the_owner_can_read_every_private_url(client, alice, alice_runs, alice_token):
    private, _ = alice_runs
    client.force_login(alice)
    for url in private_urls(private):
        assert client.get(url).status_code in (200, 286), url  # 286: htmx's "stop polling"
    client.logout()
    for url in private_urls(private):
        if url.startswith("/api/"):
            assert client.get(url, **bearer(alice_token)).status_code == 200, url


def test_another_user_or_anonymous_gets_404_for_every_private_url(client, bob, alice_runs, bob_token):
    private, _ = alice_runs
    for who in ("anonymous", "bob-session", "bob-bearer"):
        if who == "bob-session":
            client.force_login(bob)
        extra = bearer(bob_token) if who == "bob-bearer" else {}
        for url in private_urls(private):
            response = client.get(url, **extra)
            assert response.status_code == 404, (who, url, response.status_code)
            assert SECRET_LABEL not in text(response) and "secret series" not in text(response)
        client.logout()


def test_private_runs_are_left_out_of_every_listing_for_others(client, bob, alice_runs, bob_token):
    private, public = alice_runs
    client.force_login(bob)
    for url in ("/queue/", "/papers/3/", "/accounts/", f"/compare/?runs={private.pk},{public.pk}", "/"):
        response = client.get(url)
        assert response.status_code == 200 and SECRET_LABEL not in text(response), url
    assert "1 of the requested runs do not exist" in text(client.get(f"/compare/?runs={private.pk},{public.pk}"))
    listed = {r["id"] for r in client.get("/api/runs?page_size=100", **bearer(bob_token)).json()["results"]}
    assert public.pk in listed and private.pk not in listed
    assert client.get("/api/runs?mine=true", **bearer(bob_token)).json()["count"] == 0


def test_an_identical_submission_does_not_reveal_anothers_private_run(client, alice_runs, alice_token, bob_token):
    body = {"method": "lab-probe", "preset": "smoke", "seed": 0}
    mine = client.post("/api/runs", data=body, content_type="application/json", **bearer(alice_token))
    assert mine.status_code == 409 and mine.json()["existing"]["label"] == SECRET_LABEL  # the owner is told
    theirs = client.post("/api/runs", data=body, content_type="application/json", **bearer(bob_token))
    assert theirs.status_code == 201 and SECRET_LABEL not in theirs.content.decode()
    assert Run.objects.get(pk=theirs.json()["id"]).owner.username == "bob"


def test_another_user_cannot_cancel_a_run_on_the_web(client, bob, alice_runs):
    private, public = alice_runs
    before = state()
    client.force_login(bob)
    assert client.post(f"/runs/{public.pk}/cancel").status_code == 403
    assert client.post(f"/runs/{public.pk}/cancel", HTTP_HX_REQUEST="true").status_code == 403
    assert client.post(f"/runs/{private.pk}/cancel").status_code == 404
    assert state() == before
    assert "Cancel run" not in text(client.get(f"/runs/{public.pk}/"))  # no button either


def test_another_user_cannot_cancel_a_run_through_the_api(client, alice_runs, bob_token, bob):
    private, public = alice_runs
    before = state()
    assert client.post(f"/api/runs/{public.pk}/cancel", **bearer(bob_token)).status_code == 403
    assert client.post(f"/api/runs/{private.pk}/cancel", **bearer(bob_token)).status_code == 404
    client.force_login(bob)
    assert client.post(f"/api/runs/{public.pk}/cancel").status_code == 403
    assert state() == before


def test_another_user_cannot_rerun_a_private_run_and_a_public_rerun_is_their_own(client, bob, alice, alice_runs):
    private, public = alice_runs
    before = state()
    client.force_login(bob)
    assert client.post(f"/runs/{private.pk}/rerun").status_code == 404
    assert state() == before
    response = client.post(f"/runs/{public.pk}/rerun")
    assert response.status_code == 302
    new = Run.objects.exclude(pk__in=[pk for pk, *_ in before]).get()
    assert new.owner == bob and new.owner != alice
    assert [s for s in state() if s[0] != new.pk] == before  # alice's runs untouched
    assert Run.objects.filter(owner=alice, status__in=["queued", "running"]).count() == 1  # nor her quota


def test_another_user_cannot_revoke_a_token(client, alice, bob):
    token, raw = ApiToken.issue(alice, "alice's")
    client.force_login(bob)
    assert client.post(f"/accounts/tokens/{token.pk}/delete").status_code == 302
    assert ApiToken.objects.filter(pk=token.pk).exists()
    assert ApiToken.user_for(raw) == alice
    assert "alice&#x27;s" not in text(client.get("/accounts/")) and "alice's" not in text(client.get("/accounts/"))
