"""Compare runs side by side, and seed-group pages."""
from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .access import visible_runs
from .groups import group_summary
from .models import Series

MAX_COMPARED = 12


def _run_ids(request) -> list[int]:
    raw = request.GET.getlist("runs")
    ids = []
    for chunk in raw:
        for part in chunk.split(","):
            if part.strip().isdigit():
                ids.append(int(part))
    return list(dict.fromkeys(ids))[:MAX_COMPARED]


def final_values(runs) -> dict[int, dict[str, float | None]]:
    """Per run, each series' value at its last step (None if missing), as the writer kept it
    on the series row: one query for all the runs, no points read."""
    finals: dict[int, dict[str, float | None]] = {run.pk: {} for run in runs}
    rows = Series.objects.filter(run__in=[run.pk for run in runs]).values_list("run_id", "name", "last_value")
    for run_id, name, value in rows:
        finals[run_id][name] = value
    return finals


@require_GET
def compare(request):
    ids = _run_ids(request)
    by_id = {r.pk: r for r in visible_runs(request.user).filter(pk__in=ids)}
    runs = [by_id[i] for i in ids if i in by_id]
    finals = final_values(runs)
    series_names = sorted({name for values in finals.values() for name in values})
    rows = [{"name": name, "values": [finals[r.pk].get(name) for r in runs]} for name in series_names]
    context = {
        "runs": runs,
        "rows": rows,
        "metrics_urls": " ".join(reverse("run_metrics", args=[r.pk]) for r in runs),
        "labels": "\u001f".join(f"#{r.pk} {r.method.slug} s{r.seed}" for r in runs),
        "link": request.build_absolute_uri(f"{reverse('compare')}?runs={','.join(str(r.pk) for r in runs)}"),
        "missing": len(ids) - len(runs),
    }
    return render(request, "runs/compare.html", context)


@require_GET
def group_detail(request, group):
    runs = list(visible_runs(request.user).filter(group=group).order_by("seed"))
    if not runs:
        raise Http404("no such seed group")
    target = finite_float(request.GET.get("target"))
    summary = group_summary(runs, target)
    context = {"runs": runs, "summary": summary, "target": target, "first": runs[0],
               "active": any(r.is_active for r in runs)}
    return render(request, "runs/group.html", context)


def finite_float(value) -> float | None:
    """The number in a query parameter, or None if it is missing, not a number or not finite."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if number == number and abs(number) != float("inf") else None
