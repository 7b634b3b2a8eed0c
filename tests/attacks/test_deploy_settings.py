"""Attack 8: production settings. `manage.py check --deploy` with DJANGO_DEBUG=false and a real
secret key reports nothing; the dev secret key is refused at start; production answers carry
HSTS, secure cookies and an HTTPS redirect; dev and test defaults are unchanged."""
from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.attacks]
ROOT = Path(__file__).resolve().parents[2]
HOST = "lab.example.org"


def run_with(env: dict, *args: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SECURE_"))}
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
                          env={**base, "DJANGO_SETTINGS_MODULE": "apps.settings", **env})


def production(**extra) -> dict:
    return {"DJANGO_DEBUG": "false", "DJANGO_SECRET_KEY": secrets.token_urlsafe(50), "DJANGO_ALLOWED_HOSTS": HOST,
            **extra}


def test_check_deploy_with_production_settings_reports_no_issue():
    result = run_with(production(), "manage.py", "check", "--deploy", "--fail-level", "DEBUG")
    print("check --deploy:", result.stdout.strip(), result.stderr.strip())
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    for key in ({}, {"DJANGO_SECRET_KEY": ""}, {"DJANGO_SECRET_KEY": "dev-only-insecure-key-set-DJANGO_SECRET_KEY-in-production"}):
        env = {**production(), **key}
        if not key:
            env.pop("DJANGO_SECRET_KEY")
        result = run_with(env, "manage.py", "check")
        assert result.returncode != 0, key
        assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY" in result.stderr


PROBE = """
import json, django
django.setup()
from django.test import Client
client = Client()
plain = client.get("/accounts/login/", HTTP_HOST="@HOST@")
secure = client.get("/accounts/login/", HTTP_HOST="@HOST@", secure=True)
proxied = client.get("/accounts/login/", HTTP_HOST="@HOST@", HTTP_X_FORWARDED_PROTO="https")
print(json.dumps({
    "plain": [plain.status_code, plain.get("Location")],
    "secure": [secure.status_code, secure.get("Strict-Transport-Security"), secure.get("X-Frame-Options"),
               secure.get("X-Content-Type-Options"), bool(secure.cookies["csrftoken"]["secure"])],
    "proxied": proxied.status_code,
}))
""".replace("@HOST@", HOST)


def test_production_answers_redirect_to_https_with_hsts_and_secure_cookies(tmp_path):
    result = run_with(production(REPROLAB_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3"),
                      "-c", PROBE)
    assert result.returncode == 0, result.stderr
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["plain"] == [301, f"https://{HOST}/accounts/login/"]
    status, hsts, frames, sniff, secure_cookie = seen["secure"]
    assert status == 200 and hsts == "max-age=31536000; includeSubDomains; preload"
    assert frames == "DENY" and sniff == "nosniff" and secure_cookie
    assert seen["proxied"] == 301  # X-Forwarded-Proto is not trusted unless DJANGO_BEHIND_TLS_PROXY is set
    behind = run_with(production(REPROLAB_VAR_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3",
                                 DJANGO_BEHIND_TLS_PROXY="true"), "-c", PROBE)
    assert json.loads(behind.stdout.strip().splitlines()[-1])["proxied"] == 200


def test_dev_and_test_defaults_are_unchanged(settings):
    assert "DJANGO_DEBUG" not in os.environ or os.environ["DJANGO_DEBUG"].lower() in ("1", "true", "yes", "on")
    from apps import settings as module

    assert module.DEBUG is True
    assert module.SECRET_KEY == module.DEV_SECRET_KEY or "DJANGO_SECRET_KEY" in os.environ
    assert not settings.SECURE_SSL_REDIRECT and not settings.SESSION_COOKIE_SECURE and not settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS == 0
