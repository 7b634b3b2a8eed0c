"""The catalog API's response models: papers, methods, claim history, the scoreboard."""
from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from ninja import Schema
from pydantic import Field

from .models import PaperStatus

PaperStatusName = Literal[tuple(PaperStatus.values)]


class ClaimBadgeOut(Schema):
    """The best public seed group of a claim on a deciding preset: k of n runs reproduced it."""

    k: int = 0
    n: int = 0
    preset: str = ""
    group: str = ""
    earned: bool = False


class PaperOut(Schema):
    number: int
    slug: str
    title: str
    abstract: str
    arxiv_id: str
    code_url: str
    topics: list[str]
    status: PaperStatusName
    claim_badges: dict[str, ClaimBadgeOut] = Field(description='per "method-slug/claim-id"')
    methods: list[str] = Field(description="slugs of the paper's runnable methods")


class PresetOut(Schema):
    device: str
    description: str
    values: dict[str, Any]


class ClaimSpecOut(Schema):
    id: str
    statement: str
    source: str
    how_checked: str
    kind: Literal["claim", "control"] = "claim"
    baseline: str | None = None


class MethodOut(Schema):
    slug: str
    paper: int
    title: str
    summary: str
    device: str
    config_schema: dict[str, Any] = Field(description="JSON schema of the method's config")
    presets: dict[str, PresetOut]
    claims: list[ClaimSpecOut]
    deviations: list[str]


class HistoryRowOut(Schema):
    run: int
    finished_at: datetime | None
    commit: str
    device: str
    preset: str
    verdict: str | None
    key_number: float | None


class HistoryGroupOut(Schema):
    commit: str
    device: str
    runs: int
    verdicts: dict[str, int]
    first_at: datetime | None
    last_at: datetime | None
    key_numbers: list[float]
    key_text: str


class ClaimHistoryOut(Schema):
    rows: list[HistoryRowOut]
    groups: list[HistoryGroupOut] = Field(description="rows grouped by (commit, device)")
    changed: bool = Field(description="the majority verdict changed between two commits on one preset")


class MethodHistoryOut(Schema):
    method: str
    claims: dict[str, ClaimHistoryOut]


class TotalsOut(Schema):
    papers: int
    runnable: int
    claims: int
    claims_reproduced: int
    papers_reproduced: int
    verdict_changed: int


class LastRunOut(Schema):
    run: int
    finished_at: str | None
    device: str
    preset: str


class ScoreboardRowOut(Schema):
    number: int
    slug: str
    title: str
    topics: list[str]
    status: PaperStatusName
    reproduced: int = 0
    not_reproduced: int = 0
    inconclusive: int = 0
    claims: int = 0
    last_run: LastRunOut | None = None
    changed: list[str] = Field(default_factory=list, description="claims whose verdict changed between commits")


class ScoreboardOut(Schema):
    totals: TotalsOut
    papers: list[ScoreboardRowOut]
