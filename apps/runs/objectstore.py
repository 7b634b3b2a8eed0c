"""Run artifacts in an S3-compatible store (STORAGES["artifacts"], set by ARTIFACTS_URL).

Objects are keyed `<prefix>/runs/<run id>/<name>`. Workers upload a run's files when it ends
(boto3's managed transfer: multipart above 8 MB); downloads and the zip read the object's
body in blocks, so no file is held in memory whole. Only this module talks to the store.
"""
from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings

BLOCK = 1 << 20


class ArtifactStoreError(Exception):
    """The store refused or could not be reached (wrong keys, no such bucket, network)."""


class ArtifactMissing(ArtifactStoreError):
    """An artifact the run registered is not in the store."""


def store_enabled() -> bool:
    return "artifacts" in settings.STORAGES


def _storage():
    from django.core.files.storage import storages

    return storages["artifacts"]


def object_key(run_id: int, name: str) -> str:
    prefix = _storage().location.strip("/")
    key = f"runs/{int(run_id)}/{name}"
    return f"{prefix}/{key}" if prefix else key


def _client():
    storage = _storage()
    return storage.connection.meta.client, storage.bucket_name


def file_digest(path: Path) -> tuple[int, str]:
    """(size, sha256 hex) of a local file, read in blocks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as source:
        while block := source.read(BLOCK):
            digest.update(block)
            size += len(block)
    return size, digest.hexdigest()


def upload(run_id: int, files: list[Path]) -> None:
    """Upload the run's files; on any failure remove what this call uploaded and raise."""
    from boto3.exceptions import Boto3Error
    from botocore.exceptions import BotoCoreError, ClientError

    client, bucket = _client()
    done: list[str] = []
    try:
        for path in files:
            key = object_key(run_id, path.name)
            client.upload_file(str(path), bucket, key)
            done.append(key)
    except (Boto3Error, BotoCoreError, ClientError, OSError) as exc:
        _delete_keys(client, bucket, done)
        raise ArtifactStoreError(f"uploading the artifacts to {settings.ARTIFACTS_URL} failed: {_reason(exc)}") from exc


def delete_run(run_id: int) -> None:
    """Remove every object of the run (a new attempt starts from nothing); best effort."""
    from botocore.exceptions import BotoCoreError, ClientError

    client, bucket = _client()
    try:
        listed = client.list_objects_v2(Bucket=bucket, Prefix=object_key(run_id, ""))
        _delete_keys(client, bucket, [item["Key"] for item in listed.get("Contents", [])])
    except (BotoCoreError, ClientError):
        pass


def _delete_keys(client, bucket: str, keys: list[str]) -> None:
    if keys:
        client.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys], "Quiet": True})


def open_body(run_id: int, name: str):
    """The object's streaming body (read it in blocks); ArtifactMissing if it is not there."""
    from botocore.exceptions import BotoCoreError, ClientError

    client, bucket = _client()
    try:
        return client.get_object(Bucket=bucket, Key=object_key(run_id, name))["Body"]
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
            raise ArtifactMissing(f"the artifact {name!r} is missing from the store") from exc
        raise ArtifactStoreError(f"the store refused to read {name!r}: {_reason(exc)}") from exc
    except BotoCoreError as exc:
        raise ArtifactStoreError(f"the store could not be read: {_reason(exc)}") from exc


def blocks(body) -> Iterator[bytes]:
    try:
        while block := body.read(BLOCK):
            yield block
    finally:
        body.close()


def _reason(exc: Exception) -> str:
    error = getattr(exc, "response", {}).get("Error", {}) if hasattr(exc, "response") else {}
    return f"{error.get('Code')}: {error.get('Message')}" if error else str(exc)
