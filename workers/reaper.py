"""The reaper: runs in a thread of every worker's parent process (several are safe: each
state change is a conditional, row-locked update). It re-queues or fails runs whose lease
expired and re-enqueues queued runs whose broker message was lost."""
from __future__ import annotations

import logging

from django.conf import settings

from apps.runs import lifecycle
from apps.runs.models import Run
from apps.runs.queueing import enqueue, resend_lost

log = logging.getLogger(__name__)


def reap_once() -> dict[str, list[int]]:
    reaped = lifecycle.reap_expired_leases()
    queues = dict(Run.objects.filter(pk__in=reaped["requeued"]).values_list("pk", "queue"))
    resent = [pk for pk, queue in queues.items() if enqueue(pk, queue)]
    resent += resend_lost(lifecycle.queued_without_message(settings.RUN_QUEUED_RECONCILE_S))
    if reaped["requeued"] or reaped["failed"] or resent:
        log.info("reaper: requeued %s, failed %s, enqueued %s", reaped["requeued"], reaped["failed"], resent)
    return {**reaped, "enqueued": resent}
