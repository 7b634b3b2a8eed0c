"""Writes of a run's curves and artifacts, fenced by the attempt token so that a lost
attempt (reaped and re-queued) can never write into its successor's data."""
from __future__ import annotations

import math
import shutil
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction

from . import objectstore
from .models import Artifact, MetricChunk, Run, RunStatus, Series
from .points import advance_final, chunk_for


class FencedOut(Exception):
    """This attempt no longer owns the run (it was reaped, re-queued or finished elsewhere)."""


def run_artifact_dir(run_id: int) -> Path:
    """Where the run's files are written: the artifacts folder, or with an object store a
    local scratch folder whose files are uploaded (then removed) when the run ends."""
    root = settings.ARTIFACTS_SCRATCH if objectstore.store_enabled() else settings.MEDIA_ROOT
    return Path(root) / "runs" / str(int(run_id))


def reset_run_data(run: Run) -> None:
    """A fresh attempt starts from nothing: earlier points and artifacts are removed."""
    Series.objects.filter(run=run).delete()
    Artifact.objects.filter(run=run).delete()
    shutil.rmtree(run_artifact_dir(run.pk), ignore_errors=True)
    if objectstore.store_enabled():
        objectstore.delete_run(run.pk)


def assert_owner(run_id: int, token) -> None:
    if not Run.objects.select_for_update().filter(pk=run_id, attempt_token=token, status=RunStatus.RUNNING).exists():
        raise FencedOut(f"run {run_id}: attempt {token} no longer owns the run")


class PointWriter:
    """Batched metric writes: one transaction per flush, one MetricChunk row per series (one
    INSERT for all of them, Django's bulk_create) and one UPDATE of the series rows' counts,
    panels, units and final values.

    On PostgreSQL a flush commits without waiting for its WAL to reach the disk
    (synchronous_commit off for that transaction only). That can lose only the last flushes of
    a run if PostgreSQL itself crashes, and then the attempt fails on its connection and is
    re-queued from no points anyway; the run's final transition (lifecycle.finish) commits
    synchronously, which makes every earlier flush durable too (the WAL is flushed in order).
    Non-finite values are stored as NaN, which readers treat as "no value".
    """

    def __init__(self, run_id: int, token):
        self.run_id = run_id
        self.token = token
        self.series: dict[str, Series] = {}

    def write(self, points: list[tuple[str, float, float, float]], described: dict | None = None) -> None:
        """Store a batch of (series, step, wall_s, value). `described` maps series names to what
        the method said about them (panel, unit), as RunContext.series_summary() does."""
        by_series: dict[str, list[tuple[float, float, float]]] = {}
        for name, step, wall, value in points:
            by_series.setdefault(name, []).append((step, wall, value if math.isfinite(value) else math.nan))
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            assert_owner(self.run_id, self.token)
            self._ensure_series(by_series)
            chunks = []
            for name, points_of_series in by_series.items():
                series = self.series[name]
                chunk = chunk_for(series.pk, *zip(*points_of_series))
                advance_final(series, chunk)
                self._describe(series, (described or {}).get(name) or {})
                chunks.append(chunk)
            MetricChunk.objects.bulk_create(chunks)
            update_series([(self.series[name], chunk.count) for name, chunk in zip(by_series, chunks)])

    @staticmethod
    def _describe(series: Series, info: dict) -> None:
        """The panel and unit the method declared (the first declaration stays)."""
        series.panel = series.panel or str(info.get("panel") or "")[:60]
        series.unit = series.unit or str(info.get("unit") or "")[:30]

    def _ensure_series(self, names) -> None:
        missing = [name for name in names if name not in self.series]
        if not missing:
            return
        for series in Series.objects.filter(run_id=self.run_id, name__in=missing):
            self.series[series.name] = series
        created = Series.objects.bulk_create(
            [Series(run_id=self.run_id, name=name) for name in missing if name not in self.series]
        )
        self.series.update({series.name: series for series in created})


def update_series(rows: list[tuple[Series, int]]) -> None:
    """One UPDATE for all the series of a flush: points += added; final step and value, panel
    and unit as the writer holds them. (Django's bulk_update builds a CASE per row and field
    in Python, which cost more than the flush's own INSERT.) Plain SQL that PostgreSQL and
    SQLite >= 3.33 both run."""
    table = connection.ops.quote_name(Series._meta.db_table)
    values = ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(rows))
    params = [p for series, added in rows
              for p in (series.pk, added, series.last_step, series.last_value, series.panel, series.unit)]
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH v(id, added, step, value, panel, unit) AS (VALUES {values}) "
            f"UPDATE {table} SET points = {table}.points + CAST(v.added AS INTEGER), "
            "last_step = CAST(v.step AS DOUBLE PRECISION), last_value = CAST(v.value AS DOUBLE PRECISION), "
            f"panel = CAST(v.panel AS TEXT), unit = CAST(v.unit AS TEXT) FROM v WHERE {table}.id = CAST(v.id AS BIGINT)",
            params,
        )


def register_artifacts(run: Run) -> None:
    """Mirror the files in the run's artifact folder into Artifact rows (plain files only),
    with their size and sha256. With an object store the files are uploaded first and the
    scratch folder removed; if the upload fails no row is written (ArtifactStoreError)."""
    folder = run_artifact_dir(run.pk)
    files = sorted(p for p in folder.iterdir() if p.is_file() and not p.is_symlink()) if folder.is_dir() else []
    rows = [Artifact(run=run, name=path.name, size=size, sha256=sha)
            for path in files for size, sha in [objectstore.file_digest(path)]]
    if objectstore.store_enabled():
        try:
            objectstore.upload(run.pk, files)
        finally:  # uploaded, or lost with the run's failure: the scratch copy goes either way
            shutil.rmtree(folder, ignore_errors=True)
    with transaction.atomic():
        Artifact.objects.filter(run=run).delete()
        Artifact.objects.bulk_create(rows)
