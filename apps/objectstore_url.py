"""`ARTIFACTS_URL=s3://bucket/prefix` as a django-storages S3 backend entry of STORAGES (pure:
reads the URL and the environment, connects to nothing)."""
from __future__ import annotations

from urllib.parse import urlsplit


def s3_storage_settings(url: str, env) -> dict:
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"ARTIFACTS_URL must look like s3://bucket/prefix, not {url!r}")
    options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
        "region_name": env.str("AWS_S3_REGION_NAME", default="") or env.str("AWS_DEFAULT_REGION", default="") or None,
        "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
        "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
        "file_overwrite": True,
        "default_acl": None,
        "querystring_auth": True,
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
