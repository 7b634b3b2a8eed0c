"""Attack 4: state-changing requests without a CSRF token (session auth) or with a wrong one,
and API writes with a wrong or revoked bearer token. Each is refused and changes nothing;
the same request with the right credentials goes through (so the refusal is the check's)."""
from __future__ import annotations

import json

import pytest
from django.test import Client

from apps.accounts.models import ApiToken
from apps.runs.models import Run

from .conftest import bearer, make_run

pytestmark = [pytest.mark.django_db, pytest.mark.attacks]

WRONG = "x" * 64


@pytest.fixture
def strict(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    return client


def csrf_cookie(client: Client) -> str:
    assert client.get("/accounts/").status_code == 200
    return client.cookies["csrftoken"].value


@pytest.fixture
def queued(catalog, alice, artifacts_root):
    return make_run(catalog, alice, status="queued")


def snapshot(run: Run) -> tuple:
    run.refresh_from_db()
    return run.status, run.cancel_requested, Run.objects.count(), ApiToken.objects.count()


def test_web_forms_without_a_csrf_token_are_403_and_change_nothing(strict, queued, alice):
    token, _ = ApiToken.issue(alice, "kept")
    before = snapshot(queued)
    posts = [
        ("/methods/lab-probe/runs", {"preset": "smoke", "seed": "7"}),
        (f"/runs/{queued.pk}/cancel", {}),
        (f"/runs/{queued.pk}/rerun", {}),
        ("/accounts/tokens/", {"name": "stolen"}),
        (f"/accounts/tokens/{token.pk}/delete", {}),
        ("/accounts/logout/", {}),
    ]
    for url, data in posts:
        response = strict.post(url, data)
        assert response.status_code == 403, url
        response = strict.post(url, data, HTTP_HX_REQUEST="true")  # htmx sends the token as a header
        assert response.status_code == 403, url
    assert snapshot(queued) == before
    assert strict.get("/accounts/").status_code == 200  # still logged in: logout was refused too


def test_web_forms_with_a_wrong_csrf_token_are_403_and_change_nothing(strict, queued, alice):
    token, _ = ApiToken.issue(alice, "kept")
    csrf_cookie(strict)
    before = snapshot(queued)
    for url in ("/methods/lab-probe/runs", f"/runs/{queued.pk}/cancel", f"/runs/{queued.pk}/rerun",
                "/accounts/tokens/", f"/accounts/tokens/{token.pk}/delete"):
        assert strict.post(url, {"csrfmiddlewaretoken": WRONG, "preset": "smoke"}).status_code == 403, url
        assert strict.post(url, {"preset": "smoke"}, HTTP_X_CSRFTOKEN=WRONG).status_code == 403, url
    assert snapshot(queued) == before


def test_the_same_web_forms_with_the_right_token_go_through(strict, queued):
    good = csrf_cookie(strict)
    response = strict.post(f"/runs/{queued.pk}/cancel", {"csrfmiddlewaretoken": good})
    assert response.status_code == 302
    queued.refresh_from_db()
    assert queued.status == "cancelled"
    assert strict.post("/accounts/tokens/", {"name": "mine"}, HTTP_X_CSRFTOKEN=good).status_code == 302
    assert ApiToken.objects.filter(name="mine").count() == 1


def api_post(client, url, body=None, **extra):
    return client.post(url, data=json.dumps(body or {}), content_type="application/json", **extra)


def test_api_writes_with_a_session_but_no_or_a_wrong_csrf_token_are_403(strict, queued):
    before = snapshot(queued)
    body = {"method": "lab-probe", "preset": "smoke", "seed": 3}
    assert api_post(strict, "/api/runs", body).status_code == 403
    assert api_post(strict, f"/api/runs/{queued.pk}/cancel").status_code == 403
    csrf_cookie(strict)
    assert api_post(strict, "/api/runs", body, HTTP_X_CSRFTOKEN=WRONG).status_code == 403
    assert api_post(strict, f"/api/runs/{queued.pk}/cancel", HTTP_X_CSRFTOKEN=WRONG).status_code == 403
    assert snapshot(queued) == before


def test_api_writes_with_a_session_and_the_right_csrf_token_go_through(strict, queued):
    good = csrf_cookie(strict)
    response = api_post(strict, "/api/runs", {"method": "lab-probe", "seed": 4}, HTTP_X_CSRFTOKEN=good)
    assert response.status_code == 201
    assert Run.objects.get(pk=response.json()["id"]).owner == queued.owner


def test_a_wrong_or_revoked_bearer_token_is_401_even_with_a_valid_session(strict, queued, alice):
    good = csrf_cookie(strict)
    token, raw = ApiToken.issue(alice, "revoked")
    token.delete()
    before = snapshot(queued)
    body = {"method": "lab-probe", "seed": 5}
    for header in (f"Bearer {WRONG}", f"Bearer {raw}", "Bearer ", "Bearer rl_' OR '1'='1"):
        for csrf in ({}, {"HTTP_X_CSRFTOKEN": good}):
            response = api_post(strict, "/api/runs", body, HTTP_AUTHORIZATION=header, **csrf)
            assert response.status_code == 401, header
            response = api_post(strict, f"/api/runs/{queued.pk}/cancel", HTTP_AUTHORIZATION=header, **csrf)
            assert response.status_code == 401, header
    assert Client().post("/api/runs", data=json.dumps(body), content_type="application/json").status_code == 401
    assert snapshot(queued) == before


def test_a_valid_bearer_token_needs_no_csrf_token(queued, alice_token):
    client = Client(enforce_csrf_checks=True)
    response = api_post(client, f"/api/runs/{queued.pk}/cancel", **bearer(alice_token))
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_a_form_encoded_api_post_with_a_session_is_refused_not_a_500(strict, queued):
    good = csrf_cookie(strict)
    count = Run.objects.count()
    for content in ({"csrfmiddlewaretoken": good, "method": "lab-probe"}, "method=lab-probe&csrfmiddlewaretoken=" + good):
        if isinstance(content, dict):
            response = strict.post("/api/runs", content)  # multipart, the browser form default
        else:
            response = strict.post("/api/runs", content, content_type="application/x-www-form-urlencoded")
        assert 400 <= response.status_code < 500, response.status_code
    assert Run.objects.count() == count
