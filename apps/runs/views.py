"""Run pages: queue a run, watch it, cancel or re-run it, download what it made."""
from __future__ import annotations

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.catalog.models import Method

from . import lifecycle
from .access import may_control, visible_run_or_404, visible_runs_listed
from .artifacts import artifact_response, metrics_csv_response, zip_response
from .compare import finite_float
from .curves import run_curves
from .forms import ConfigForm, parse_config
from .models import ACTIVE_STATUSES, WORKER_ONLINE_S, RunStatus, WorkerHeartbeat
from .queueing import (
    MAX_GROUP,
    QUEUES,
    AlreadySucceeded,
    BrokerUnavailable,
    ConfigError,
    QuotaExceeded,
    RunRequest,
    submit,
    submit_seeds,
)


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@login_required
@require_POST
def queue_run(request, slug: str):
    method = get_object_or_404(Method, slug=slug, available=True)
    preset = request.POST.get("preset") or None
    try:
        overrides, problems = parse_config(method, request.POST)
    except (RecursionError, ValueError):  # JSON nested too deeply, or an integer of over 4300 digits
        overrides, problems = {}, {"config": "a setting is not valid JSON"}
    form = ConfigForm.for_method(method, preset or "smoke", overrides)
    form.label = request.POST.get("label", "")[:200]
    seed_raw = request.POST.get("seed", "0") or "0"
    try:
        seed = int(seed_raw)
    except ValueError:
        seed, problems["seed"] = 0, "must be a whole number"
    form.seed = seed
    seeds = _int(request.POST.get("seeds"), 0) or 1
    if not 1 <= seeds <= MAX_GROUP:
        problems["seeds"], seeds = f"must be between 1 and {MAX_GROUP}", 1
    form.queue = request.POST.get("queue", "")
    run_request = RunRequest(
        method=slug, preset=preset, config=overrides, seed=seed, queue=form.queue or None, label=form.label,
        private=request.POST.get("private") == "on", force=request.POST.get("force") == "1",
    )
    status, message, existing = 400, "", None
    if not problems:
        try:
            if seeds > 1:
                runs = submit_seeds(run_request, seeds, owner=request.user)
                return redirect("group", group=runs[0].group)
            run = submit(run_request, owner=request.user)
            return redirect("run", run_id=run.pk)
        except ConfigError as exc:
            problems = exc.problems
        except AlreadySucceeded as exc:
            status, existing = 409, exc.run
        except QuotaExceeded as exc:
            status, message = 429, str(exc)
        except BrokerUnavailable as exc:
            status, message = 503, str(exc)
    form.with_errors(problems)
    context = {"method": method, "form": form, "message": message, "existing": existing}
    return render(request, "runs/queue_error.html", context, status=status)


@require_GET
def run_detail(request, run_id: int):
    run = visible_run_or_404(request.user, run_id)
    context = {
        "run": run, "artifacts": run.artifacts.all(), "may_control": may_control(request.user, run),
        "config_json": json.dumps(run.config, indent=2, sort_keys=True),
    }
    return render(request, "runs/run.html", context)


@require_GET
def run_status(request, run_id: int):
    """The live part of the run page; htmx stops polling (HTTP 286) once the run is over."""
    run = visible_run_or_404(request.user, run_id)
    context = {"run": run, "artifacts": run.artifacts.all(), "may_control": may_control(request.user, run)}
    response = render(request, "runs/_status.html", context)
    if not run.is_active:
        response.status_code = 286
    return response


@require_GET
def run_metrics(request, run_id: int):
    run = visible_run_or_404(request.user, run_id)
    max_points = _int(request.GET.get("max_points"), settings.METRICS_MAX_POINTS)
    names = [n for n in request.GET.getlist("series") if n]
    after = finite_float(request.GET.get("after"))
    return JsonResponse({"run": run.pk, "status": run.status, "after": after, "events": run.events or [],
                         "series": run_curves(run, max_points, names, after)})


@require_GET
def run_metrics_csv(request, run_id: int):
    return metrics_csv_response(visible_run_or_404(request.user, run_id))


@require_GET
def artifact_download(request, run_id: int, name: str):
    return artifact_response(visible_run_or_404(request.user, run_id), name)


@require_GET
def artifacts_zip(request, run_id: int):
    run = visible_run_or_404(request.user, run_id)
    return zip_response(run)


@login_required
@require_POST
def cancel_run(request, run_id: int):
    run = visible_run_or_404(request.user, run_id)
    if not may_control(request.user, run):
        raise PermissionDenied("only the run's owner or staff may cancel it")
    lifecycle.cancel(run)
    if request.htmx:
        return run_status(request, run_id)
    return redirect("run", run_id=run.pk)


@login_required
@require_POST
def rerun(request, run_id: int):
    """Re-run with the same config and seed: a deliberate repeat, so no duplicate check."""
    old = visible_run_or_404(request.user, run_id)
    request_ = RunRequest(method=old.method.slug, preset=None, config=old.config, seed=old.seed,
                          queue=old.queue, label=old.label, private=old.private, force=True)
    try:
        run = submit(request_, owner=request.user)
    except (QuotaExceeded, BrokerUnavailable, ConfigError) as exc:
        return render(request, "error.html", {"title": "Could not re-run", "message": str(exc)}, status=_status_for(exc))
    return redirect("run", run_id=run.pk)


def _status_for(exc: Exception) -> int:
    return {QuotaExceeded: 429, BrokerUnavailable: 503}.get(type(exc), 400)


@require_GET
def queue_page(request):
    active = list(
        visible_runs_listed(request.user).filter(status__in=ACTIVE_STATUSES).order_by("created_at")
    )
    position = {}
    for queue in QUEUES:
        waiting = [r for r in active if r.status == RunStatus.QUEUED and r.queue == queue]
        position.update({r.pk: i + 1 for i, r in enumerate(waiting)})
    for run in active:
        run.position = position.get(run.pk)
    cutoff = timezone.now() - timezone.timedelta(seconds=WORKER_ONLINE_S)
    workers = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).order_by("hostname")
    recent = visible_runs_listed(request.user).exclude(status__in=ACTIVE_STATUSES)[:20]
    return render(request, "runs/queue.html", {"active": active, "workers": workers, "recent": recent})
