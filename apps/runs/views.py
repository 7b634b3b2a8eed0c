"""Run pages: queue a run, watch it, cancel or re-run it, download what it made."""
from __future__ import annotations

import csv

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from apps.catalog.models import Method

from . import lifecycle
from .artifacts import artifact_file, zip_response
from .curves import run_curves
from .forms import ConfigForm, parse_config
from .models import Run, RunStatus, WorkerHeartbeat
from .queueing import BrokerUnavailable, ConfigError, QuotaExceeded, RunRequest, submit

WORKER_ONLINE_S = 30


def _int(value, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


@require_POST
def queue_run(request, slug: str):
    method = get_object_or_404(Method, slug=slug, available=True)
    preset = request.POST.get("preset") or None
    overrides, problems = parse_config(method, request.POST)
    form = ConfigForm.for_method(method, preset or "smoke", overrides)
    form.label = request.POST.get("label", "")[:200]
    seed_raw = request.POST.get("seed", "0") or "0"
    try:
        seed = int(seed_raw)
    except ValueError:
        seed, problems["seed"] = 0, "must be a whole number"
    form.seed = seed
    run_request = RunRequest(
        method=slug, preset=preset, config=overrides, seed=seed,
        queue=request.POST.get("queue") or None, label=form.label,
    )
    status, message = 400, ""
    if not problems:
        try:
            run = submit(run_request, owner=request.user if request.user.is_authenticated else None)
            return redirect("run", run_id=run.pk)
        except ConfigError as exc:
            problems = exc.problems
        except QuotaExceeded as exc:
            status, message = 429, str(exc)
        except BrokerUnavailable as exc:
            status, message = 503, str(exc)
    form.with_errors(problems)
    return render(
        request, "runs/queue_error.html", {"method": method, "form": form, "message": message}, status=status
    )


@require_GET
def run_detail(request, run_id: int):
    run = get_object_or_404(Run.objects.select_related("method__paper", "owner"), pk=run_id)
    return render(request, "runs/run.html", {"run": run, "artifacts": run.artifacts.all()})


@require_GET
def run_status(request, run_id: int):
    """The live part of the run page; htmx stops polling (HTTP 286) once the run is over."""
    run = get_object_or_404(Run.objects.select_related("method"), pk=run_id)
    response = render(request, "runs/_status.html", {"run": run, "artifacts": run.artifacts.all()})
    if not run.is_active:
        response.status_code = 286
    return response


@require_GET
def run_metrics(request, run_id: int):
    run = get_object_or_404(Run, pk=run_id)
    max_points = _int(request.GET.get("max_points"), settings.METRICS_MAX_POINTS)
    names = [n for n in request.GET.getlist("series") if n]
    return JsonResponse({"run": run.pk, "status": run.status, "series": run_curves(run, max_points, names)})


class _Echo:
    def write(self, value):
        return value


@require_GET
def run_metrics_csv(request, run_id: int):
    run = get_object_or_404(Run, pk=run_id)
    from .models import MetricPoint

    rows = (
        MetricPoint.objects.filter(series__run=run)
        .order_by("series_id", "step", "id")
        .values_list("series__name", "step", "wall_s", "value")
        .iterator(chunk_size=20000)
    )
    writer = csv.writer(_Echo())
    lines = (writer.writerow(r) for r in _with_header(rows))
    response = StreamingHttpResponse(lines, content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="run-{run.pk}-metrics.csv"'
    return response


def _with_header(rows):
    yield ("series", "step", "wall_s", "value")
    yield from rows


@require_GET
def artifact_download(request, run_id: int, name: str):
    run = get_object_or_404(Run, pk=run_id)
    path = artifact_file(run, name)
    if path is None:
        raise Http404("no such artifact")
    return FileResponse(path.open("rb"), as_attachment=True, filename=path.name)


@require_GET
def artifacts_zip(request, run_id: int):
    run = get_object_or_404(Run, pk=run_id)
    return zip_response(run)


@require_POST
def cancel_run(request, run_id: int):
    run = get_object_or_404(Run, pk=run_id)
    lifecycle.cancel(run)
    if request.htmx:
        return run_status(request, run_id)
    return redirect("run", run_id=run.pk)


@require_POST
def rerun(request, run_id: int):
    old = get_object_or_404(Run.objects.select_related("method"), pk=run_id)
    request_ = RunRequest(method=old.method.slug, preset=None, config=old.config, seed=old.seed,
                          queue=old.queue, label=old.label)
    try:
        run = submit(request_, owner=request.user if request.user.is_authenticated else None)
    except (QuotaExceeded, BrokerUnavailable, ConfigError) as exc:
        return render(request, "error.html", {"title": "Could not re-run", "message": str(exc)}, status=_status_for(exc))
    return redirect("run", run_id=run.pk)


def _status_for(exc: Exception) -> int:
    return {QuotaExceeded: 429, BrokerUnavailable: 503}.get(type(exc), 400)


@require_GET
def queue_page(request):
    active = list(
        Run.objects.filter(status__in=[RunStatus.QUEUED, RunStatus.RUNNING])
        .select_related("method")
        .order_by("created_at")
    )
    position = {}
    for queue in ("cpu", "gpu"):
        waiting = [r for r in active if r.status == RunStatus.QUEUED and r.queue == queue]
        position.update({r.pk: i + 1 for i, r in enumerate(waiting)})
    for run in active:
        run.position = position.get(run.pk)
    cutoff = timezone.now() - timezone.timedelta(seconds=WORKER_ONLINE_S)
    workers = WorkerHeartbeat.objects.filter(last_seen__gte=cutoff).order_by("hostname")
    recent = Run.objects.exclude(status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).select_related("method")[:20]
    return render(request, "runs/queue.html", {"active": active, "workers": workers, "recent": recent})
