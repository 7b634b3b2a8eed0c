"""Papers of the catalog and the methods that reproduce them (synced from the registry)."""
from __future__ import annotations

from django.db import models


class PaperStatus(models.TextChoices):
    NOT_RUNNABLE = "not_runnable", "not yet runnable"
    RUNNABLE = "runnable", "runnable"
    SMOKE_REPRODUCED = "smoke_reproduced", "reproduced in one run"
    REPRODUCED = "reproduced", "reproduced (seed groups, deciding presets)"


class Paper(models.Model):
    number = models.PositiveSmallIntegerField(unique=True)
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=300)
    abstract = models.TextField()
    arxiv_id = models.CharField(max_length=20, blank=True)
    code_url = models.URLField(blank=True)
    topics = models.JSONField(default=list)
    status = models.CharField(max_length=20, choices=PaperStatus.choices, default=PaperStatus.NOT_RUNNABLE,
                              help_text="Kept by apps.catalog.status when a run finishes.")
    claim_badges = models.JSONField(default=dict, blank=True,
                                    help_text="Per method/claim: best public seed group on a deciding preset.")
    scoreboard = models.JSONField(default=dict, blank=True,
                                  help_text="Verdict counts of the latest public runs, last run, changed claims.")

    class Meta:
        ordering = ["number"]

    def __str__(self) -> str:
        return f"#{self.number} {self.title}"

    @property
    def arxiv_url(self) -> str:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else ""


class Method(models.Model):
    """A runnable method, mirrored from workers.methods.registry by `manage.py sync_catalog`."""

    slug = models.SlugField(max_length=80, unique=True)
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="methods")
    title = models.CharField(max_length=300)
    summary = models.TextField(blank=True)
    device = models.CharField(max_length=8)
    config_schema = models.JSONField(default=dict)
    presets = models.JSONField(default=dict)
    claims = models.JSONField(default=list)
    deviations = models.JSONField(default=list)
    available = models.BooleanField(default=True, help_text="False once the method left the registry.")

    class Meta:
        ordering = ["paper__number", "slug"]

    def __str__(self) -> str:
        return self.slug
