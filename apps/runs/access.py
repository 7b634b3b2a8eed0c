"""Who may see and act on a run. Private runs are visible to their owner and staff only."""
from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from .models import Run


def visible_runs(user) -> QuerySet[Run]:
    runs = Run.objects.select_related("method__paper", "owner")
    if user is not None and user.is_authenticated and user.is_staff:
        return runs
    if user is not None and user.is_authenticated:
        return runs.filter(Q(private=False) | Q(owner=user))
    return runs.filter(private=False)


HEAVY_FIELDS = ("results", "versions", "timings", "error")
"""Run fields that list views never show: a run's full results can weigh tens of KB."""


def visible_runs_listed(user) -> QuerySet[Run]:
    """``visible_runs`` for lists: without the heavy fields."""
    return visible_runs(user).defer(*HEAVY_FIELDS)


def visible_run_or_404(user, run_id: int) -> Run:
    run = visible_runs(user).filter(pk=run_id).first()
    if run is None:
        raise Http404("no such run")
    return run


def may_control(user, run: Run) -> bool:
    """Cancel is for the run's owner and staff."""
    return bool(user and user.is_authenticated and (user.is_staff or run.owner_id == user.pk))
