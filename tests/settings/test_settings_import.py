"""Importing the settings is pure: it reads the environment and nothing else (no folder made,
no socket opened). The folders come when Django starts; the broker is decided by the startup
scripts (scripts/lab_env.sh), which find a local Redis and export REDIS_URL."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

NO_SOCKETS = """
import json, socket, sys
def refuse(*args, **kwargs):
    raise AssertionError("a socket was opened while importing settings")
socket.create_connection = refuse
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
import apps.settings as s
print(json.dumps({"broker": s.CELERY_BROKER_URL, "options": s.CELERY_BROKER_TRANSPORT_OPTIONS}))
"""

STARTUP = """
import django, json
django.setup()
from apps.folders import lab_folders
print(json.dumps([str(f) for f in lab_folders()]))
"""


def python(code: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DATABASE_URL")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                          check=False, env={**base, "DJANGO_SETTINGS_MODULE": "apps.settings", **env})


def test_importing_settings_makes_no_folder_and_opens_no_socket(tmp_path):
    var = tmp_path / "fresh" / "var"
    result = python(NO_SOCKETS, REPROLAB_VAR_DIR=str(var))
    assert result.returncode == 0, result.stderr
    assert not (tmp_path / "fresh").exists()
    settings = json.loads(result.stdout)
    assert settings["broker"] == "filesystem://"
    assert settings["options"]["data_folder_in"] == str(var / "broker" / "in")


def test_a_redis_url_is_used_as_given_without_probing(tmp_path):
    result = python(NO_SOCKETS, REPROLAB_VAR_DIR=str(tmp_path / "var"), REDIS_URL="redis://10.9.9.9:6390/3")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["broker"] == "redis://10.9.9.9:6390/3"


def test_starting_django_makes_the_folders_the_lab_needs(tmp_path):
    var = tmp_path / "var"
    result = python(STARTUP, REPROLAB_VAR_DIR=str(var))
    assert result.returncode == 0, result.stderr
    folders = [Path(f) for f in json.loads(result.stdout)]
    assert var in folders and var / "broker" / "in" in folders
    assert all(f.is_dir() for f in folders)


def local_redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def broker_chosen_at_startup(**env: str) -> str:
    base = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "REPROLAB_EMBEDDED_BROKER")}
    script = ". scripts/lab_env.sh && echo \"${REDIS_URL:-files}\""
    result = subprocess.run(["bash", "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=30,
                            check=True, env={**base, **env})
    return result.stdout.strip()


@pytest.mark.skipif(not local_redis_answers(), reason="needs Redis on 127.0.0.1:6379")
def test_startup_uses_a_local_redis_that_answers_unless_told_not_to():
    assert broker_chosen_at_startup() == "redis://127.0.0.1:6379/0"
    assert broker_chosen_at_startup(REPROLAB_EMBEDDED_BROKER="true") == "files"
    assert broker_chosen_at_startup(REDIS_URL="redis://elsewhere:6379/2") == "redis://elsewhere:6379/2"


def test_an_s3_artifacts_url_is_read_without_connecting(tmp_path):
    code = NO_SOCKETS.replace('print(json.dumps({', 'print(json.dumps({"artifacts": s.STORAGES["artifacts"], ')
    result = python(code, REPROLAB_VAR_DIR=str(tmp_path / "var"), ARTIFACTS_URL="s3://lab-bucket/runs-prefix",
                    AWS_S3_ENDPOINT_URL="http://minio:9000")
    assert result.returncode == 0, result.stderr
    options = json.loads(result.stdout)["artifacts"]["OPTIONS"]
    assert (options["bucket_name"], options["location"], options["endpoint_url"]) == ("lab-bucket", "runs-prefix", "http://minio:9000")
    assert not (tmp_path / "var").exists()
