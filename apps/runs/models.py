"""Runs, their curves and artifacts. The Run row is the one truth about a run's state."""
from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from apps.catalog.models import Method


class RunStatus(models.TextChoices):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)
WORKER_ONLINE_S = 30
"""A worker whose last announcement is older than this is shown as offline."""
TERMINAL_STATUSES = (RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED)


class Run(models.Model):
    method = models.ForeignKey(Method, on_delete=models.PROTECT, related_name="runs")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    label = models.CharField(max_length=120, blank=True)
    preset = models.CharField(max_length=40, blank=True)
    config = models.JSONField()
    config_hash = models.CharField(max_length=64, db_index=True)
    seed = models.BigIntegerField(default=0)
    queue = models.CharField(max_length=8, default="cpu")
    group = models.UUIDField(null=True, blank=True, db_index=True, help_text="Seed group this run belongs to.")
    private = models.BooleanField(default=False, help_text="Visible to its owner and staff only.")

    status = models.CharField(max_length=12, choices=RunStatus.choices, default=RunStatus.QUEUED, db_index=True)
    cancel_requested = models.BooleanField(default=False)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=2)
    attempt_token = models.UUIDField(default=uuid.uuid4)
    progress = models.FloatField(default=0.0)
    progress_message = models.CharField(max_length=200, blank=True)

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    queue_wait_s = models.FloatField(null=True, blank=True)

    worker = models.CharField(max_length=200, blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)
    device_name = models.CharField(max_length=200, blank=True)
    versions = models.JSONField(default=dict, blank=True)
    commit = models.CharField(max_length=64, blank=True)
    timings = models.JSONField(default=dict, blank=True)
    results = models.JSONField(default=dict, blank=True)
    events = models.JSONField(default=list, blank=True, help_text="Numerical trouble the run met (NaN/inf, "
                              "divergence, stagnation), as the method context labelled it.")
    claims = models.JSONField(default=list, blank=True)
    all_reproduced = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["method", "status"])]

    def __str__(self) -> str:
        return f"run {self.pk} ({self.method_id}, {self.status})"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def display_label(self) -> str:
        return self.label or f"{self.method.slug} [{self.preset or 'custom'}] seed {self.seed}"


class Series(models.Model):
    """One curve of a run. `panel` and `unit` are what the method declared through ctx.log
    (blank: none); `last_step` / `last_value` are the value at the largest step written so far
    (kept by the writer, so pages never read the points to show a final value)."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="series")
    name = models.CharField(max_length=120)
    points = models.PositiveIntegerField(default=0)
    panel = models.CharField(max_length=60, blank=True, default="")
    unit = models.CharField(max_length=30, blank=True, default="")
    last_step = models.FloatField(null=True, blank=True)
    last_value = models.FloatField(null=True, blank=True, help_text="None when missing or not finite.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="unique_series_per_run")]
        ordering = ["id"]


class MetricChunk(models.Model):
    """One flush of a series: its points as three little-endian float64 columns (NaN = no value).

    A curve is stored as a few hundred chunks rather than a row per point, so a worker writes
    one row per series per flush and a page reads a million points as a few MB of arrays."""

    series = models.ForeignKey(Series, on_delete=models.CASCADE, related_name="chunks")
    count = models.PositiveIntegerField()
    max_step = models.FloatField(null=True, blank=True, help_text="Largest step in the chunk: a poll for "
                                 "points after step s reads only chunks with max_step > s.")
    steps = models.BinaryField()
    walls = models.BinaryField()
    values = models.BinaryField()

    class Meta:
        ordering = ["id"]


class Artifact(models.Model):
    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="artifacts")
    name = models.CharField(max_length=128)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64, blank=True, help_text="Hex digest of the file's bytes.")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "name"], name="unique_artifact_per_run")]
        ordering = ["name"]


class WorkerHeartbeat(models.Model):
    """An online worker, as it reports itself (hostname, queues, device)."""

    hostname = models.CharField(max_length=200, unique=True)
    queues = models.JSONField(default=list)
    device_name = models.CharField(max_length=200, blank=True)
    concurrency = models.PositiveSmallIntegerField(default=1)
    last_seen = models.DateTimeField()
    started_at = models.DateTimeField()
