"""Run endpoints: create, list, inspect, curves, cancel, artifacts; online workers."""
from __future__ import annotations

import json
import math

import pydantic
from django.conf import settings
from django.http.request import RawPostDataException
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Status
from ninja.errors import HttpError

from apps.api import ErrorOut, FieldErrorsOut, field_errors, reader, write_auth
from apps.middleware import contains_nul

from . import lifecycle
from .access import may_control, visible_run_or_404, visible_runs_listed
from .artifacts import artifact_response, metrics_csv_response, zip_response
from .curves import run_curves
from .models import WORKER_ONLINE_S, WorkerHeartbeat
from .queueing import AlreadySucceeded, BrokerUnavailable, ConfigError, QuotaExceeded, RunRequest, submit
from .schemas import (
    ArtifactOut,
    CancelOut,
    MetricsOut,
    RunConflictOut,
    RunCreatedOut,
    RunDetailOut,
    RunIn,
    RunPageOut,
    WorkerOut,
    file_response,
)

router = Router(tags=["runs"])
PAGE_SIZE_MAX = 100


def run_json(run, detail: bool = False) -> dict:
    data = {
        "id": run.pk, "url": reverse("run", args=[run.pk]), "method": run.method.slug, "paper": run.method.paper.number,
        "preset": run.preset or None, "seed": run.seed, "queue": run.queue, "label": run.label, "status": run.status,
        "progress": run.progress, "owner": run.owner.username if run.owner else None, "private": run.private,
        "created_at": run.created_at, "finished_at": run.finished_at, "all_reproduced": run.all_reproduced,
        "claims": [{k: c.get(k) for k in ("id", "verdict", "summary")} for c in run.claims],
    }
    if detail:
        data.update({
            "config": run.config, "progress_message": run.progress_message, "attempts": run.attempts,
            "max_attempts": run.max_attempts, "cancel_requested": run.cancel_requested,
            "provenance": {
                "worker": run.worker, "device": run.device_name, "versions": run.versions, "commit": run.commit,
                "queue_wait_s": run.queue_wait_s, "started_at": run.started_at, "timings": run.timings,
            },
            "claims": run.claims, "results": run.results, "error": run.error,
        })
    return data


def parse_body(request) -> dict:
    try:
        raw = request.body
    except RawPostDataException:  # a form post whose fields were already read (CSRF check)
        raise HttpError(400, "the body must be a JSON object sent as application/json") from None
    try:
        body = json.loads(raw or b"{}")
    except RecursionError:
        raise HttpError(400, "the body is not valid JSON: nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, an integer of over 4300 digits
        raise HttpError(400, f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise HttpError(400, "the body must be a JSON object")
    return body


def run_request(body: dict) -> tuple[RunRequest | None, dict[str, str]]:
    """The body as a RunRequest, or the offending fields (unknown, wrong type, NUL characters)."""
    errors = {name: "must not contain NUL characters" for name, value in body.items() if contains_nul(value)}
    try:
        payload = RunIn.model_validate(body)
    except pydantic.ValidationError as exc:
        return None, {**field_errors(exc.errors()), **errors}
    if errors:
        return None, errors
    values = {name: getattr(payload, name) for name in payload.model_fields_set}
    values.setdefault("preset", "smoke" if "config" not in values else None)
    return RunRequest(**values), {}


RUN_BODY_DOC = {"requestBody": {"required": True, "content": {"application/json": {"schema": RunIn.model_json_schema()}}}}
CREATE_ANSWERS = {201: RunCreatedOut, 400: ErrorOut, 401: ErrorOut, 409: RunConflictOut, 422: FieldErrorsOut,
                  429: ErrorOut, 503: ErrorOut}


@router.post("/runs", auth=write_auth, response=CREATE_ANSWERS, openapi_extra=RUN_BODY_DOC, summary="Queue a run")
def create_run(request):
    """The body is read here rather than by ninja, so that bad JSON is a 400 naming the cause
    and every offending field is reported at once (the method's config checks included)."""
    request_, errors = run_request(parse_body(request))
    if errors:
        return Status(422, {"detail": "invalid run request", "errors": errors})
    try:
        run = submit(request_, owner=request.auth)
    except ConfigError as exc:
        return Status(422, {"detail": "invalid run request", "errors": exc.problems})
    except AlreadySucceeded as exc:
        return Status(409, {"detail": str(exc), "existing": run_json(exc.run)})
    except QuotaExceeded as exc:
        raise HttpError(429, str(exc)) from None
    except BrokerUnavailable as exc:
        raise HttpError(503, str(exc)) from None
    return Status(201, {"id": run.pk, "status": run.status, "url": reverse("run", args=[run.pk])})


@router.get("/runs", response=RunPageOut, summary="Runs, newest first (paginated)")
def list_runs(request, method: str = "", status: str = "", mine: bool = False, page: int = 1, page_size: int = 20):
    user = reader(request)
    runs = visible_runs_listed(user)
    if method:
        runs = runs.filter(method__slug=method)
    if status:
        runs = runs.filter(status=status)
    if mine:
        if user is None:
            raise HttpError(401, "mine=true needs a login or a bearer token")
        runs = runs.filter(owner=user)
    page_size = max(1, min(page_size, PAGE_SIZE_MAX))
    page = max(1, page)
    total = runs.count()
    chunk = runs[(page - 1) * page_size: page * page_size]
    return {"count": total, "page": page, "page_size": page_size, "results": [run_json(r) for r in chunk]}


@router.get("/runs/{run_id}", response=RunDetailOut, summary="A run: status, progress, provenance, claims")
def get_run(request, run_id: int):
    return run_json(visible_run_or_404(reader(request), run_id), detail=True)


@router.get("/runs/{run_id}/metrics", response=MetricsOut, summary="Curves, bucketed to max_points per series (min and max kept)")
def get_metrics(request, run_id: int, series: str = "", max_points: int = 0, after: float | None = None):
    """`after`: only the points with a step above it (a page polling a running run)."""
    run = visible_run_or_404(reader(request), run_id)
    names = [s for s in series.split(",") if s] if series else None
    limit = max_points if max_points > 0 else settings.METRICS_MAX_POINTS
    after = after if after is not None and math.isfinite(after) else None
    return {"run": run.pk, "status": run.status, "after": after, "series": run_curves(run, limit, names, after)}


@router.get("/runs/{run_id}/metrics.csv", openapi_extra=file_response("text/csv", "series,step,wall_s,value"),
            summary="Every stored point as CSV (the CLI's metrics.csv)")
def get_metrics_csv(request, run_id: int):
    return metrics_csv_response(visible_run_or_404(reader(request), run_id))


@router.post("/runs/{run_id}/cancel", auth=write_auth, response={200: CancelOut, 401: ErrorOut, 403: ErrorOut},
             summary="Cancel a queued or running run (idempotent)")
def cancel(request, run_id: int):
    run = visible_run_or_404(request.auth, run_id)
    if not may_control(request.auth, run):
        raise HttpError(403, "only the run's owner or staff may cancel it")
    return {"id": run.pk, "status": lifecycle.cancel(run)}


@router.get("/runs/{run_id}/artifacts", response=list[ArtifactOut], summary="The run's artifacts")
def list_artifacts(request, run_id: int):
    run = visible_run_or_404(reader(request), run_id)
    return [
        {"name": a.name, "size": a.size, "sha256": a.sha256, "url": reverse("api:get_artifact", args=[run.pk, a.name])}
        for a in run.artifacts.all()
    ]


@router.get("/runs/{run_id}/artifacts.zip", openapi_extra=file_response("application/zip", "the run's folder as the CLI writes it"),
            summary="All artifacts as one zip")
def get_artifacts_zip(request, run_id: int):
    return zip_response(visible_run_or_404(reader(request), run_id))


@router.get("/runs/{run_id}/artifacts/{name}", url_name="get_artifact",
            openapi_extra=file_response("application/octet-stream", "the file"), summary="One artifact")
def get_artifact(request, run_id: int, name: str):
    return artifact_response(visible_run_or_404(reader(request), run_id), name)


@router.get("/workers", response=list[WorkerOut], summary="Online workers, their queues and devices")
def list_workers(request):
    cutoff = timezone.now() - timezone.timedelta(seconds=WORKER_ONLINE_S)
    return [
        {"hostname": w.hostname, "queues": w.queues, "device": w.device_name, "concurrency": w.concurrency,
         "last_seen": w.last_seen}
        for w in WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).order_by("hostname")
    ]
