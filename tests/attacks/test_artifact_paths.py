"""Attacks 1 and 2: reading files outside a run's artifact folder through the page route,
the API and the zip (traversal in every encoding, absolute paths, NUL bytes, symlinks), and
zip-slip member names even when hostile artifact rows are forced into the database."""
from __future__ import annotations

import io
import os
import zipfile

import pytest

from apps.runs.models import Artifact
from apps.runs.store import run_artifact_dir

from .conftest import make_run

pytestmark = [pytest.mark.django_db, pytest.mark.attacks]

SECRET = "TOP-SECRET-OUTSIDE-THE-RUN"

# Each entry is the last URL segment exactly as it goes on the wire.
TRAVERSALS = [
    "../secret.txt",
    "..%2fsecret.txt",
    "..%2Fsecret.txt",
    "%2e%2e%2fsecret.txt",
    "%252e%252e%252fsecret.txt",
    "..%252fsecret.txt",
    "..%5csecret.txt",
    "..\\secret.txt",
    "....//secret.txt",
    "%2e%2e%5c%2e%2e%5csecret.txt",
    "/etc/passwd",
    "%2fetc%2fpasswd",
    "%2F%2Fetc%2Fpasswd",
    "C:%5cWindows%5cwin.ini",
    "probe.txt%00.png",
    "probe.txt%00",
    "%00",
    "probe.txt%0a",
    ".",
    "..",
    "%2e%2e",
    "~",
]


@pytest.fixture
def world(catalog, alice, artifacts_root, tmp_path):
    """A run with one real artifact, a secret file beside the artifacts root, and a second
    run whose folder sits next to the first (a traversal target too)."""
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET)
    (artifacts_root / "secret.txt").parent.mkdir(parents=True, exist_ok=True)
    (artifacts_root / "secret.txt").write_text(SECRET)
    run = make_run(catalog, alice, files={"probe.txt": "probe output"})
    (run_artifact_dir(run.pk).parent / "secret.txt").write_text(SECRET)
    return run, outside


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_the_real_artifact_downloads_on_both_routes(client, world):
    run, _ = world
    for url in (f"/runs/{run.pk}/artifacts/probe.txt", f"/api/runs/{run.pk}/artifacts/probe.txt"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert body(response) == b"probe output"
        assert response["Content-Disposition"].startswith("attachment")


def test_traversal_in_any_encoding_is_refused_on_the_page_and_api_routes(client, world):
    run, _ = world
    before = sorted(os.listdir(run_artifact_dir(run.pk)))
    for segment in TRAVERSALS:
        for prefix in (f"/runs/{run.pk}/artifacts/", f"/api/runs/{run.pk}/artifacts/"):
            response = client.get(prefix + segment)
            # 404, or 400 where the NUL middleware refuses the request before routing
            assert response.status_code in (400, 404), (prefix + segment, response.status_code)
            assert SECRET.encode() not in body(response)
            assert b"root:" not in body(response)
    assert sorted(os.listdir(run_artifact_dir(run.pk))) == before


def test_traversal_names_forced_into_the_database_are_still_refused(client, world):
    run, _ = world
    hostile = ["../secret.txt", "../../secret.txt", "/etc/passwd", "..\\secret.txt", "..", ".", "probe.txt\n"]
    for name in hostile:
        Artifact.objects.create(run=run, name=name, size=1)
    for name in hostile:
        for route in (f"/runs/{run.pk}/artifacts/", f"/api/runs/{run.pk}/artifacts/"):
            response = client.get(route + name.replace("\n", "%0a"))
            assert response.status_code == 404, (route, name)
            assert SECRET.encode() not in body(response)


def test_a_symlink_inside_the_run_folder_is_served_by_neither_route_nor_zipped(client, world):
    run, outside = world
    folder = run_artifact_dir(run.pk)
    os.symlink(outside, folder / "leak.txt")
    os.symlink(outside.parent, folder / "leakdir")
    os.symlink("probe.txt", folder / "alias.txt")  # even a link to a sibling is not a plain file
    for name in ("leak.txt", "leakdir", "alias.txt"):
        Artifact.objects.create(run=run, name=name, size=len(SECRET))
    for name in ("leak.txt", "leakdir", "alias.txt"):
        for route in (f"/runs/{run.pk}/artifacts/", f"/api/runs/{run.pk}/artifacts/"):
            assert client.get(route + name).status_code == 404, (route, name)
    for url in (f"/runs/{run.pk}/artifacts.zip", f"/api/runs/{run.pk}/artifacts.zip"):
        archive = zipfile.ZipFile(io.BytesIO(body(client.get(url))))
        names = archive.namelist()
        assert f"run-{run.pk}/probe.txt" in names
        assert not any(n.endswith(("leak.txt", "leakdir", "alias.txt")) for n in names), names
        assert all(SECRET.encode() not in archive.read(n) for n in names)


def test_a_run_folder_that_is_itself_a_symlink_serves_nothing(client, catalog, alice, artifacts_root, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "probe.txt").write_text(SECRET)
    run = make_run(catalog, alice)
    folder = run_artifact_dir(run.pk)
    folder.rmdir()
    os.symlink(elsewhere, folder)
    Artifact.objects.create(run=run, name="probe.txt", size=len(SECRET))
    assert client.get(f"/runs/{run.pk}/artifacts/probe.txt").status_code == 404
    assert client.get(f"/api/runs/{run.pk}/artifacts/probe.txt").status_code == 404
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(f"/runs/{run.pk}/artifacts.zip"))))
    assert all(SECRET.encode() not in archive.read(n) for n in archive.namelist())


def safe_member(name: str) -> bool:
    parts = name.split("/")
    return (not name.startswith("/") and "\\" not in name and ".." not in parts and "\x00" not in name
            and ":" not in parts[0] and all(parts))


def test_zips_never_hold_traversal_absolute_or_backslash_member_names(client, world):
    run, _ = world
    hostile = ["../../evil.sh", "/etc/cron.d/evil", "..\\..\\evil.bat", "a/../../evil", "C:\\evil.exe",
               "run-1/../../evil", "ok/../../..", "\\\\server\\share\\evil", "probe.txt/../../x"]
    for name in hostile:
        Artifact.objects.create(run=run, name=name, size=1)
    # Files with those names cannot even exist in the folder, except as nested paths: make
    # the ones that can, so the zip really has something to pick up if it followed names.
    (run_artifact_dir(run.pk) / "a").mkdir()
    for url in (f"/runs/{run.pk}/artifacts.zip", f"/api/runs/{run.pk}/artifacts.zip"):
        response = client.get(url)
        assert response.status_code == 200
        archive = zipfile.ZipFile(io.BytesIO(body(response)))
        names = archive.namelist()
        assert names and all(safe_member(n) for n in names), names
        assert all(n.startswith(f"run-{run.pk}/") for n in names)
        assert {n.split("/", 1)[1] for n in names} == {"probe.txt", "result.json", "metrics.csv", "run.json"}
        assert all(SECRET.encode() not in archive.read(n) for n in names)


def test_the_zip_of_a_finished_probe_run_has_only_flat_safe_names(client, catalog, alice, artifacts_root):
    from workers.runner import run_once

    run = make_run(catalog, alice, status="queued")
    run.config = {"steps": 5, "label_text": "../../../../etc/passwd"}
    run.save()
    assert run_once(run.pk) == "succeeded"
    archive = zipfile.ZipFile(io.BytesIO(body(client.get(f"/runs/{run.pk}/artifacts.zip"))))
    names = archive.namelist()
    assert f"run-{run.pk}/figure.html" in names and f"run-{run.pk}/plotly.min.js" in names
    assert all(safe_member(n) and n.count("/") == 1 for n in names), names
