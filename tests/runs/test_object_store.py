"""Artifacts in an S3-compatible store, against a real S3 HTTP server (moto's, on 127.0.0.1,
started once for this module): a run's files are uploaded when it ends with their sha256 and
size recorded and nothing left on the local disk; downloads and the zip stream from the store;
a missing object and a store that refuses give clear errors, and nothing half-recorded."""
from __future__ import annotations

import hashlib
import io
import time
import uuid
import zipfile

import environ
import pytest

pytest.importorskip("storages.backends.s3", reason="needs django-storages (requirements.txt)")
moto_server = pytest.importorskip("moto.server", reason="needs moto[s3] with flask (requirements.txt)")

from apps.objectstore_url import s3_storage_settings  # noqa: E402
from apps.runs import objectstore  # noqa: E402
from apps.runs.models import Artifact, Run  # noqa: E402
from workers.runner import run_once  # noqa: E402

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module")
def s3_endpoint():
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


def boto_client(endpoint: str):
    import boto3

    return boto3.client("s3", endpoint_url=endpoint, aws_access_key_id="lab", aws_secret_access_key="lab-secret",
                        region_name="us-east-1")


@pytest.fixture
def store(s3_endpoint, settings, tmp_path, monkeypatch):
    """A fresh bucket as the artifact store; the local artifacts folder is watched."""
    bucket = f"lab-{uuid.uuid4().hex[:12]}"
    boto_client(s3_endpoint).create_bucket(Bucket=bucket)
    return use_store(s3_endpoint, bucket, settings, tmp_path, monkeypatch)


def use_store(endpoint: str, bucket: str, settings, tmp_path, monkeypatch) -> str:
    for name, value in {"AWS_S3_ENDPOINT_URL": endpoint, "AWS_ACCESS_KEY_ID": "lab",
                        "AWS_SECRET_ACCESS_KEY": "lab-secret", "AWS_S3_REGION_NAME": "us-east-1"}.items():
        monkeypatch.setenv(name, value)
    settings.ARTIFACTS_URL = f"s3://{bucket}/lab"
    settings.STORAGES = {**settings.STORAGES, "artifacts": s3_storage_settings(settings.ARTIFACTS_URL, environ.Env())}
    settings.MEDIA_ROOT = str(tmp_path / "artifacts")
    settings.ARTIFACTS_SCRATCH = tmp_path / "scratch"
    return bucket


def stored_objects(endpoint: str, bucket: str) -> dict[str, bytes]:
    client = boto_client(endpoint)
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: client.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def finished_run(catalog, **config) -> Run:
    run = Run.objects.create(method=catalog, config={"steps": 10, **config}, config_hash="x", preset="smoke")
    run_once(run.pk)
    run.refresh_from_db()
    return run


def local_files(tmp_path) -> list:
    return [p for p in tmp_path.rglob("*") if p.is_file()]


def test_a_run_uploads_its_files_with_sha256_and_size_and_keeps_none_locally(catalog, store, s3_endpoint, tmp_path):
    run = finished_run(catalog)
    assert run.status == "succeeded", run.error
    objects = stored_objects(s3_endpoint, store)
    assert set(objects) == {f"lab/runs/{run.pk}/figure.html", f"lab/runs/{run.pk}/probe.txt"}
    for artifact in Artifact.objects.filter(run=run):
        data = objects[f"lab/runs/{run.pk}/{artifact.name}"]
        assert artifact.size == len(data) and artifact.sha256 == hashlib.sha256(data).hexdigest()
    assert local_files(tmp_path) == []


def test_downloads_and_the_zip_stream_from_the_store(catalog, store, client):
    run = finished_run(catalog)
    response = client.get(f"/api/runs/{run.pk}/artifacts/probe.txt")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"probe"
    listed = {a["name"]: a for a in client.get(f"/api/runs/{run.pk}/artifacts").json()}
    assert listed["probe.txt"]["sha256"] == hashlib.sha256(b"probe").hexdigest() and listed["probe.txt"]["size"] == 5
    page = client.get(f"/runs/{run.pk}/artifacts/probe.txt")
    assert b"".join(page.streaming_content) == b"probe"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/api/runs/{run.pk}/artifacts.zip").streaming_content)))
    folder = f"run-{run.pk}/"
    assert archive.read(folder + "probe.txt") == b"probe"
    assert {folder + n for n in ("figure.html", "metrics.csv", "result.json", "run.json")} <= set(archive.namelist())


def test_an_object_missing_from_the_store_is_a_404_that_says_so(catalog, store, s3_endpoint, client):
    run = finished_run(catalog)
    boto_client(s3_endpoint).delete_object(Bucket=store, Key=f"lab/runs/{run.pk}/probe.txt")
    response = client.get(f"/api/runs/{run.pk}/artifacts/probe.txt")
    assert response.status_code == 404 and "missing from the store" in response.json()["detail"]
    assert client.get(f"/api/runs/{run.pk}/artifacts.zip").status_code == 404
    assert client.get(f"/api/runs/{run.pk}/artifacts/nope.txt").status_code == 404


def test_a_store_that_refuses_fails_the_run_clearly_and_records_no_artifact(catalog, s3_endpoint, settings,
                                                                           tmp_path, monkeypatch):
    use_store(s3_endpoint, "no-such-bucket-here", settings, tmp_path, monkeypatch)
    run = finished_run(catalog)
    assert run.status == "failed" and "uploading the artifacts" in run.error and "NoSuchBucket" in run.error
    assert not Artifact.objects.filter(run=run).exists()


@pytest.fixture
def keys_checked(monkeypatch):
    """From now on the S3 server checks access keys (ours are unknown to it)."""
    import moto.settings

    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)


def test_wrong_keys_fail_the_run_saying_so_and_record_no_artifact(catalog, store, keys_checked, tmp_path):
    run = finished_run(catalog)
    assert run.status == "failed" and "InvalidAccessKeyId" in run.error
    assert not Artifact.objects.filter(run=run).exists()
    assert local_files(tmp_path) == []


def test_wrong_keys_on_download_are_a_503_saying_so(catalog, store, client, monkeypatch):
    import moto.settings

    run = finished_run(catalog)
    monkeypatch.setattr(moto.settings, "INITIAL_NO_AUTH_ACTION_COUNT", 0)
    for url in (f"/api/runs/{run.pk}/artifacts/probe.txt", f"/api/runs/{run.pk}/artifacts.zip", f"/runs/{run.pk}/artifacts.zip"):
        response = client.get(url)
        assert response.status_code == 503 and "InvalidAccessKeyId" in response.json()["detail"], url


def test_a_large_file_goes_up_in_parts_and_comes_back_whole(store, tmp_path, capsys):
    size = 24 << 20  # above boto3's 8 MB multipart threshold
    path = tmp_path / "scratch" / "big.bin"
    path.parent.mkdir(parents=True)
    path.write_bytes(bytes(range(256)) * (size // 256))
    started = time.perf_counter()
    objectstore.upload(7, [path])
    uploaded = time.perf_counter()
    digest = hashlib.sha256()
    for block in objectstore.blocks(objectstore.open_body(7, "big.bin")):
        digest.update(block)
    downloaded = time.perf_counter()
    assert digest.hexdigest() == objectstore.file_digest(path)[1]
    with capsys.disabled():
        print(f"\ns3 (moto on 127.0.0.1): upload {size / 2**20 / (uploaded - started):.0f} MB/s, "
              f"download {size / 2**20 / (downloaded - uploaded):.0f} MB/s ({size >> 20} MB)")


def test_a_real_worker_uploads_to_the_store_and_the_zip_comes_from_it(alice_client, catalog, store, s3_endpoint,
                                                                      settings, tmp_path, purge):
    from apps.celery import app
    from tests.worker_process import WorkerProcess, wait_for

    env = {"ARTIFACTS_URL": settings.ARTIFACTS_URL, "AWS_S3_ENDPOINT_URL": s3_endpoint, "AWS_ACCESS_KEY_ID": "lab",
           "AWS_SECRET_ACCESS_KEY": "lab-secret", "AWS_S3_REGION_NAME": "us-east-1",
           "REPROLAB_ARTIFACTS_DIR": str(tmp_path / "worker-artifacts")}  # the same var/ (a file broker lives there)
    worker = WorkerProcess(name="s3", env=env)
    worker.start()
    try:
        alice_client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": "0", "steps": "15", "label_text": "from s3"})
        run_id = Run.objects.get().pk
        wait_for(lambda: Run.objects.get(pk=run_id).status in ("succeeded", "failed"), 60, "the run to end")
    finally:
        worker.stop()
        app.control.purge()
    run = Run.objects.get(pk=run_id)
    assert run.status == "succeeded", run.error
    assert f"lab/runs/{run_id}/probe.txt" in stored_objects(s3_endpoint, store)
    archive = zipfile.ZipFile(io.BytesIO(b"".join(alice_client.get(f"/runs/{run_id}/artifacts.zip").streaming_content)))
    assert archive.read(f"run-{run_id}/probe.txt") == b"from s3"
    assert not [p for p in (tmp_path / "worker-artifacts").rglob("*") if p.is_file()]
    assert not (settings.VAR_DIR / "scratch" / "runs" / str(run_id)).exists()
