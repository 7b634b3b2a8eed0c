"""Serving a run's artifacts: only names the run registered, only plain files inside the
run's own folder (no symlinks, no traversal), zipped with flat, safe member names."""
from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from django.conf import settings
from django.http import FileResponse

from workers.methods.context import ARTIFACT_NAME

from .figures import FIGURE_NAME, PLOTLY_JS, PLOTLY_JS_NAME
from .models import Artifact, Run
from .store import run_artifact_dir


def artifact_file(run: Run, name: str) -> Path | None:
    if not ARTIFACT_NAME.fullmatch(name) or not Artifact.objects.filter(run=run, name=name).exists():
        return None
    folder = run_artifact_dir(run.pk)
    # The run's folder must really be MEDIA_ROOT/runs/<id>, not a link to somewhere else.
    if folder.resolve() != Path(settings.MEDIA_ROOT).resolve() / "runs" / folder.name:
        return None
    folder = folder.resolve()
    path = folder / name
    if path.is_symlink() or not path.is_file() or path.resolve().parent != folder:
        return None
    return path


def zip_response(run: Run) -> FileResponse:
    spool = tempfile.SpooledTemporaryFile(max_size=64 * 1024 * 1024)
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for artifact in run.artifacts.all():
            path = artifact_file(run, artifact.name)
            if path is not None:
                archive.write(path, arcname=f"run-{run.pk}/{artifact.name}")
        if run.artifacts.filter(name=FIGURE_NAME).exists():
            archive.write(PLOTLY_JS, arcname=f"run-{run.pk}/{PLOTLY_JS_NAME}")
        archive.writestr(f"run-{run.pk}/run.json", _run_json(run))
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=f"run-{run.pk}-artifacts.zip")


def _run_json(run: Run) -> str:
    import json

    return json.dumps(
        {
            "id": run.pk, "method": run.method.slug, "preset": run.preset, "config": run.config, "seed": run.seed,
            "status": run.status, "device": run.device_name, "versions": run.versions, "commit": run.commit,
            "timings": run.timings, "claims": run.claims, "results": run.results, "error": run.error,
        },
        indent=2,
    )
