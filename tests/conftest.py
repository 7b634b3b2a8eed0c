"""Shared world of the web tests: the catalog, the probe method, users, and real Celery
worker processes talking to the test database over real connections."""
from __future__ import annotations

import os

os.environ.setdefault("REPROLAB_EXTRA_METHODS", "lab-probe=tests.probes.lab_probe")

import pytest  # noqa: E402

from tests.worker_process import WorkerProcess  # noqa: E402


@pytest.fixture
def catalog(db):
    """The 42 papers, the registered methods and the probe method, as `make run` loads them."""
    from apps.catalog.models import Method, Paper
    from apps.catalog.sync import method_fields, sync_catalog
    from workers.methods.registry import get_method

    sync_catalog()
    probe = get_method("lab-probe")
    Method.objects.update_or_create(
        slug=probe.slug, defaults={"paper": Paper.objects.get(number=probe.paper), **method_fields(probe)}
    )
    # The probe stands alone on its paper, so a paper's status in tests is the probe's claims alone.
    Method.objects.filter(paper__number=probe.paper).exclude(slug=probe.slug).update(available=False)
    return Method.objects.get(slug="lab-probe")


@pytest.fixture
def alice(db, django_user_model):
    return django_user_model.objects.create_user("alice", password="alice-password-1")


@pytest.fixture
def bob(db, django_user_model):
    return django_user_model.objects.create_user("bob", password="bob-password-1")


@pytest.fixture
def worker(transactional_db, catalog, settings):
    """A real Celery worker process (prefork, one run per child) on queues cpu and gpu."""
    from apps.celery import app

    app.control.purge()
    process = WorkerProcess(name="w1")
    process.start()
    yield process
    process.stop()
    app.control.purge()


@pytest.fixture
def short_lease(settings):
    """Leases short enough that lost workers are noticed within seconds."""
    settings.RUN_LEASE_S = 3.0
    settings.RUN_HEARTBEAT_S = 0.3
    settings.RUN_QUEUED_RECONCILE_S = 2.0
    return {"RUN_LEASE_S": "3", "RUN_HEARTBEAT_S": "0.3", "RUN_QUEUED_RECONCILE_S": "2", "REAPER_INTERVAL_S": "1"}


@pytest.fixture
def alice_client(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture
def purge():
    from apps.celery import app

    app.control.purge()
    yield
    app.control.purge()


@pytest.fixture
def workers(transactional_db, purge, short_lease):
    """Start real workers with short leases; all are stopped after the test."""
    started = []

    def start(name: str, **env) -> WorkerProcess:
        process = WorkerProcess(name=name, env={**short_lease, **env})
        process.start()
        started.append(process)
        return process

    yield start
    for process in started:
        process.stop()
