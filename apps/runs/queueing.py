"""Creating runs and handing their ids to the broker (only once the row is committed)."""
from __future__ import annotations

import hashlib
import json
import logging
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from apps.catalog.models import Method
from workers.methods.base import ConfigError
from workers.methods.registry import UnknownMethod, get_method

from .access import visible_runs
from .models import ACTIVE_STATUSES, Run, RunStatus

log = logging.getLogger(__name__)
QUEUES = ("cpu", "gpu")
MAX_GROUP = 20
SEED_MAX = 2**31 - 1
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}


class BrokerUnavailable(Exception):
    """The queue cannot take messages right now."""


class QuotaExceeded(Exception):
    pass


class AlreadySucceeded(Exception):
    """An identical run (method, normalized config, seed, code version) already succeeded."""

    def __init__(self, run: Run):
        self.run = run
        super().__init__(
            f"run #{run.pk} with the same method, config, seed and code version already succeeded; "
            "view it, or submit again with force to run it anyway"
        )


@dataclass
class RunRequest:
    method: str
    preset: str | None = "smoke"
    config: dict[str, Any] | None = None
    seed: int = 0
    queue: str | None = None
    label: str = ""
    private: bool = False
    force: bool = False


def config_hash(slug: str, config: dict, seed: int, commit: str) -> str:
    canonical = json.dumps({"m": slug, "c": config, "s": seed, "v": commit}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def validate(request: RunRequest) -> tuple[Method, dict, str]:
    """Check a request; ConfigError maps each offending field to the reason."""
    problems: dict[str, str] = {}
    try:
        spec = get_method(request.method)
    except UnknownMethod as exc:
        raise ConfigError({"method": str(exc)}) from None
    method_row = Method.objects.filter(slug=request.method, available=True).first()
    if method_row is None:
        raise ConfigError({"method": "this method is not in the catalog yet (run manage.py sync_catalog)"})
    if not isinstance(request.seed, int) or isinstance(request.seed, bool) or not 0 <= request.seed <= SEED_MAX:
        problems["seed"] = f"must be an integer between 0 and {SEED_MAX}"
    if request.queue is not None and request.queue not in QUEUES:
        problems["queue"] = f"must be one of {', '.join(QUEUES)}"
    if not isinstance(request.private, bool):
        problems["private"] = "must be true or false"
    if not isinstance(request.label, str) or len(request.label) > 120:
        problems["label"] = "must be text of at most 120 characters"
    if request.config is not None and not isinstance(request.config, dict):
        problems["config"] = "must be an object of config keys to values"
    try:
        config = spec.build_config(request.preset, request.config if isinstance(request.config, dict) else None)
    except ConfigError as exc:
        problems.update(exc.problems)
    if problems:
        raise ConfigError(problems)
    queue = request.queue or ("gpu" if spec.preset_device(request.preset) == "gpu" else "cpu")
    return method_row, config.model_dump(mode="json"), queue


def check_broker() -> None:
    from apps.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # kombu raises many kinds
        raise BrokerUnavailable(f"the run queue is unreachable ({type(exc).__name__}); nothing was queued") from exc


def submit(request: RunRequest, owner=None) -> Run:
    """Validate, create the Run row and enqueue it after commit. Raises ConfigError,
    AlreadySucceeded, QuotaExceeded or BrokerUnavailable; in each case nothing is created."""
    return submit_seeds(request, 1, owner)[0]


def submit_seeds(request: RunRequest, count: int, owner=None) -> list[Run]:
    """Queue `count` runs of one config with seeds seed, seed+1, ... as one seed group
    (all or nothing: the quota counts them together)."""
    from workers.methods.execute import code_version

    if not 1 <= count <= MAX_GROUP:
        raise ConfigError({"seeds": f"must be between 1 and {MAX_GROUP}"})
    method_row, config, queue = validate(request)
    if request.seed + count - 1 > SEED_MAX:
        raise ConfigError({"seed": f"seed + number of seeds must stay below {SEED_MAX}"})
    digests = [config_hash(method_row.slug, config, request.seed + i, code_version()) for i in range(count)]
    if count == 1 and not request.force:
        identical = (
            visible_runs(owner).filter(config_hash=digests[0], status=RunStatus.SUCCEEDED).order_by("-finished_at").first()
        )
        if identical is not None:
            raise AlreadySucceeded(identical)
    check_broker()
    group = uuid.uuid4() if count > 1 else None
    with transaction.atomic():
        if owner is not None:
            enforce_quota(owner, adding=count)
        runs = [
            Run.objects.create(
                method=method_row, owner=owner, label=request.label, preset=request.preset or "", config=config,
                config_hash=digest, private=bool(request.private), seed=request.seed + i, queue=queue, group=group,
                max_attempts=settings.RUN_MAX_ATTEMPTS,
            )
            for i, digest in enumerate(digests)
        ]
        for run in runs:
            transaction.on_commit(lambda pk=run.pk: enqueue(pk, queue))
    return runs


def enforce_quota(owner, adding: int = 1) -> None:
    """Lock the user's row so concurrent submissions are counted one after another."""
    from django.contrib.auth import get_user_model

    get_user_model().objects.select_for_update().filter(pk=owner.pk).first()
    if owner.is_staff:
        return
    active = Run.objects.filter(owner=owner, status__in=ACTIVE_STATUSES).count()
    if active + adding > settings.RUNS_PER_USER_CAP:
        asked = f" and asked for {adding} more" if adding > 1 else ""
        raise QuotaExceeded(
            f"you already have {active} queued or running runs{asked} (the limit is {settings.RUNS_PER_USER_CAP}); "
            "wait for one to finish or cancel one"
        )


def enqueue(run_id: int, queue: str) -> bool:
    """Publish the run id; on failure the run stays queued and the reconciler retries."""
    from workers.tasks import execute_run

    try:
        execute_run.apply_async(args=[run_id], queue=queue, retry=True, retry_policy=PUBLISH_RETRY)
    except Exception:
        log.exception("could not enqueue run %s; the reconciler will retry", run_id)
        return False
    Run.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(enqueued_at=timezone.now())
    return True


def broker_queue_size(queue: str) -> int | None:
    """Messages waiting in the broker's queue, or None if the broker can't be asked.

    Redis: LLEN of the queue's list (and of kombu's priority lists beside it) through the
    redis client. Other transports: a passive declare, whose reply counts the messages; a
    queue the broker does not know holds none (e.g. Redis restarted empty)."""
    url = settings.CELERY_BROKER_URL
    try:
        if url.startswith(("redis://", "rediss://")):
            return _redis_queue_size(url, queue)
        return _declared_queue_size(queue)
    except Exception:
        log.warning("could not count the messages of queue %s", queue, exc_info=True)
        return None


REDIS_PRIORITY_SEPARATOR = "\x06\x16"  # kombu's redis transport: "<queue>\x06\x16<priority>"


def _redis_queue_size(url: str, queue: str) -> int:
    import redis

    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    keys = [f"{prefix}{queue}"] + [f"{prefix}{queue}{REDIS_PRIORITY_SEPARATOR}{p}" for p in range(1, 10)]
    client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
    try:
        with client.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.llen(key)
            return int(sum(pipe.execute()))
    finally:
        client.close()


def _declared_queue_size(queue: str) -> int:
    from kombu.exceptions import ChannelError

    from apps.celery import app

    with app.connection_for_read() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
        try:
            return int(conn.default_channel.queue_declare(queue=queue, passive=True).message_count)
        except ChannelError:
            return 0


def resend_lost(candidates: list[int]) -> list[int]:
    """Re-enqueue queued runs whose message the broker no longer holds.

    A queue that still holds messages is draining normally, so its runs are left alone
    (no duplicate piles); an empty queue with old queued runs means the messages were lost
    (e.g. Redis restarted empty). A duplicate that slips through is harmless: claim() runs
    a run at most once at a time.
    """
    resent = []
    queues = dict(Run.objects.filter(pk__in=candidates).values_list("pk", "queue"))
    sizes = {q: broker_queue_size(q) for q in set(queues.values())}
    for run_id, queue in queues.items():
        if sizes[queue] == 0 and enqueue(run_id, queue):
            resent.append(run_id)
    return resent
