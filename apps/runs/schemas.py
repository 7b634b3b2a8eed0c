"""The run API's request and response models: the fields `/api/openapi.json` documents and
every answer is validated against."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StrictBool, StrictInt, StrictStr

from .models import RunStatus
from .queueing import QUEUES, SEED_MAX

StatusName = Literal[tuple(RunStatus.values)]


class RunIn(Schema):
    """`POST /api/runs`. Bounds (seed, label, the config's keys) are checked with the method's
    own config, so every offending field is reported at once."""

    model_config = ConfigDict(extra="forbid")

    method: StrictStr = Field(description="method slug, e.g. sinkhorn-newton-sparse")
    preset: StrictStr | None = Field(None, description="smoke | full | paper; smoke when neither preset nor config is given")
    config: dict[str, Any] | None = Field(None, description="config keys overriding the preset's values")
    seed: StrictInt = Field(0, description=f"0 to {SEED_MAX}")
    queue: StrictStr | None = Field(None, description=f"one of {', '.join(QUEUES)}; the method's device when left out")
    label: StrictStr = Field("", description="at most 120 characters")
    private: StrictBool = Field(False, description="visible to its owner and staff only")
    force: StrictBool = Field(False, description="queue even if an identical run already succeeded")


class RunCreatedOut(Schema):
    id: int
    status: StatusName
    url: str = Field(description="the run's page")


class ClaimBriefOut(Schema):
    id: str
    verdict: str | None = Field(None, description="reproduced | not_reproduced | inconclusive")
    summary: str | None = None


class ClaimVerdictOut(ClaimBriefOut):
    statement: str = ""
    source: str = ""
    evidence: dict[str, Any] = Field(default_factory=dict, description="the run's numbers behind the verdict")


class RunOut(Schema):
    id: int
    url: str
    method: str
    paper: int
    preset: str | None
    seed: int
    queue: str
    label: str
    status: StatusName
    progress: float
    owner: str | None
    private: bool
    created_at: datetime
    finished_at: datetime | None
    all_reproduced: bool
    claims: list[ClaimBriefOut]


class ProvenanceOut(Schema):
    worker: str
    device: str
    versions: dict[str, Any]
    commit: str
    queue_wait_s: float | None
    started_at: datetime | None
    timings: dict[str, Any]


class RunDetailOut(RunOut):
    config: dict[str, Any]
    progress_message: str
    attempts: int
    max_attempts: int
    cancel_requested: bool
    provenance: ProvenanceOut
    claims: list[ClaimVerdictOut]
    results: dict[str, Any] | None
    error: str


class RunConflictOut(Schema):
    detail: str
    existing: RunOut = Field(description="the identical run that already succeeded")


class RunPageOut(Schema):
    count: int
    page: int
    page_size: int
    results: list[RunOut]


class CurveOut(Schema):
    name: str
    panel: str
    unit: str
    points: int = Field(description="points stored")
    last_step: float | None
    last_value: float | None
    bucketed: bool = Field(description="true when min/max buckets stand for the points")
    step: list[float]
    wall_s: list[float]
    value: list[float | None]


class MetricsOut(Schema):
    run: int
    status: StatusName
    after: float | None
    series: list[CurveOut]


class CancelOut(Schema):
    id: int
    status: StatusName


class ArtifactOut(Schema):
    name: str
    size: int = Field(description="bytes")
    sha256: str = Field(description="hex digest of the file (empty for artifacts stored before it was recorded)")
    url: str


class WorkerOut(Schema):
    hostname: str
    queues: list[str]
    device: str
    concurrency: int
    last_seen: datetime


def file_response(media_type: str, description: str) -> dict:
    """`openapi_extra` of an endpoint answering a file: its media type, as binary."""
    schema = {"type": "string", "format": "binary"}
    return {"responses": {200: {"description": description, "content": {media_type: {"schema": schema}}}}}
