"""Serving a run's artifacts: only names the run registered, only plain files inside the
run's own folder (no symlinks, no traversal), zipped with flat, safe member names."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import numpy as np
from django.conf import settings
from django.http import FileResponse, Http404, JsonResponse, StreamingHttpResponse

from workers.methods.context import ARTIFACT_NAME

from . import objectstore
from .figures import FIGURE_NAME, PLOTLY_JS, PLOTLY_JS_NAME
from .models import Artifact, MetricChunk, Run
from .points import DTYPE
from .store import run_artifact_dir

COPY_BLOCK = 1 << 20


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


def artifact_response(run: Run, name: str):
    """One artifact as a download, from the folder or streamed from the object store; 404 for
    a name the run did not register (or an object missing from the store)."""
    if objectstore.store_enabled():
        artifact = stored_artifact(run, name)
        try:
            body = _store_body(run, name)
        except objectstore.ArtifactStoreError as exc:
            return store_refused(exc)
        response = StreamingHttpResponse(objectstore.blocks(body), content_type="application/octet-stream")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Content-Length"] = str(artifact.size)
        return response
    path = artifact_file(run, name)
    if path is None:
        raise Http404("no such artifact")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


def stored_artifact(run: Run, name: str) -> Artifact:
    artifact = Artifact.objects.filter(run=run, name=name).first() if ARTIFACT_NAME.fullmatch(name) else None
    if artifact is None:
        raise Http404("no such artifact")
    return artifact


def store_refused(exc: Exception) -> JsonResponse:
    """The store could not be read (wrong keys, no such bucket, unreachable): say so."""
    return JsonResponse({"detail": str(exc)}, status=503)


def _store_body(run: Run, name: str):
    try:
        return objectstore.open_body(run.pk, name)
    except objectstore.ArtifactMissing as exc:
        raise Http404(str(exc)) from None


def metrics_csv_response(run: Run) -> StreamingHttpResponse:
    """Every stored point as the CLI's metrics.csv, streamed one stored chunk at a time."""
    response = StreamingHttpResponse(metrics_csv_blocks(run), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-metrics.csv"'
    return response


def zip_response(run: Run):
    """The run as the CLI's output folder: result.json (the CLI's format), metrics.csv (every
    point) and the method's files, plus figure.html with plotly.min.js beside it and run.json
    (the lab's record: status, error, worker). Streamed as it is built: nothing is spooled and
    the points pass through one chunk at a time."""
    try:
        sources = _member_sources(run)
    except objectstore.ArtifactStoreError as exc:
        return store_refused(exc)
    response = StreamingHttpResponse(_zip_stream(run, sources), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-artifacts.zip"'
    return response


class _Pipe(io.RawIOBase):
    """A write-only, unseekable file whose bytes are taken out as they come (zipfile then
    writes each member's sizes after its data)."""

    def __init__(self):
        self.parts: list[bytes] = []

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def take(self) -> bytes:
        data, self.parts = b"".join(self.parts), []
        return data


def _member_sources(run: Run) -> list[tuple[str, object]]:
    """(name, source) of each artifact: a local path, or an open object-store body (all opened
    before the first byte is sent, so a missing object is a 404, not a truncated zip)."""
    if objectstore.store_enabled():
        return [(a.name, _store_body(run, a.name)) for a in run.artifacts.all()]
    return [(a.name, path) for a in run.artifacts.all() if (path := artifact_file(run, a.name)) is not None]


def _member_blocks(source):
    if isinstance(source, Path):
        with source.open("rb") as handle:
            while block := handle.read(COPY_BLOCK):
                yield block
    else:
        yield from objectstore.blocks(source)


def _zip_stream(run: Run, files: list[tuple[str, object]]):
    pipe = _Pipe()
    folder = f"run-{run.pk}"
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/result.json", json.dumps(result_record(run, files), indent=2))
        yield pipe.take()
        with archive.open(f"{folder}/metrics.csv", "w", force_zip64=True) as member:
            for block in metrics_csv_blocks(run):
                member.write(block)
                yield pipe.take()
        for name, source in files:
            with archive.open(f"{folder}/{name}", "w", force_zip64=True) as member:
                for block in _member_blocks(source):
                    member.write(block)
                    yield pipe.take()
        if any(name == FIGURE_NAME for name, _ in files):
            archive.write(PLOTLY_JS, arcname=f"{folder}/{PLOTLY_JS_NAME}")
        archive.writestr(f"{folder}/run.json", _run_json(run))
    yield pipe.take()


def result_record(run: Run, files) -> dict:
    """result.json as `python -m workers.methods run` writes it, from the run's rows."""
    return {
        "method": run.method.slug, "paper": run.method.paper.number, "config": run.config, "seed": run.seed,
        "device": run.device_name, "versions": run.versions, "commit": run.commit, "timings": run.timings,
        "series": {
            s.name: {"points": s.points, "last_step": s.last_step, "last_value": s.last_value,
                     "panel": s.panel or None, "unit": s.unit or None}
            for s in run.series.all()
        },
        "claims": run.claims, "results": run.results,
        "artifacts": [name for name, _ in files if name != FIGURE_NAME], "events": run.events,
        "preset": run.preset or None,
    }


def metrics_csv_blocks(run: Run):
    """metrics.csv as the CLI writes it (series, step, wall_s to the microsecond, value; a
    missing value is nan), series by series in logging order, one stored chunk at a time."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["series", "step", "wall_s", "value"])
    names = dict(run.series.values_list("id", "name"))
    chunks = MetricChunk.objects.filter(series__run=run).order_by("series_id", "id")
    for series_id, *columns in chunks.values_list("series_id", "steps", "walls", "values").iterator(chunk_size=20):
        steps, walls, values = (np.frombuffer(bytes(c), dtype=DTYPE).tolist() for c in columns)
        name = names[series_id]
        writer.writerows((name, repr(st), f"{w:.6f}", repr(v)) for st, w, v in zip(steps, walls, values))
        yield out.getvalue().encode()
        out.seek(0)
        out.truncate()
    yield out.getvalue().encode()


def _run_json(run: Run) -> str:
    return json.dumps(
        {
            "id": run.pk, "method": run.method.slug, "preset": run.preset, "config": run.config, "seed": run.seed,
            "status": run.status, "device": run.device_name, "versions": run.versions, "commit": run.commit,
            "timings": run.timings, "claims": run.claims, "results": run.results, "error": run.error,
        },
        indent=2,
    )
