"""Attack 7: 50 simultaneous submissions from one user against the per-user cap, each thread
on its own database connection (real PostgreSQL): never more than the cap is accepted."""
from __future__ import annotations

import json
import threading
import time
from collections import Counter

import pytest
from django.db import connection
from django.test import Client

from apps.runs.models import Run

from .conftest import bearer

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.attacks]

ATTACKERS = 50


@pytest.fixture
def purge_queue():
    from apps.celery import app

    yield
    app.control.purge()  # the accepted runs' messages: no worker here will take them


def storm(send) -> tuple[Counter, float]:
    """Run `send(i) -> status` in ATTACKERS threads released at the same instant."""
    gate = threading.Barrier(ATTACKERS)
    statuses: list[int] = []
    lock = threading.Lock()

    def attacker(i: int) -> None:
        try:
            gate.wait(timeout=30)
            status = send(i)
        except Exception as exc:  # noqa: BLE001 - a crash is a result too
            status = repr(exc)
        finally:
            connection.close()  # each thread had its own connection
        with lock:
            statuses.append(status)

    threads = [threading.Thread(target=attacker, args=(i,)) for i in range(ATTACKERS)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return Counter(statuses), time.monotonic() - started


def test_fifty_simultaneous_api_submissions_never_exceed_the_cap(catalog, alice, alice_token, settings, purge_queue):
    assert connection.vendor == "postgresql" or pytest.skip("the race needs real PostgreSQL row locks")
    cap = settings.RUNS_PER_USER_CAP

    def send(i: int):
        body = json.dumps({"method": "lab-probe", "preset": "smoke", "seed": i})
        return Client().post("/api/runs", data=body, content_type="application/json", **bearer(alice_token)).status_code

    statuses, elapsed = storm(send)
    print(f"quota race (API): {dict(statuses)} in {elapsed:.1f} s, cap {cap}")
    assert statuses == Counter({201: cap, 429: ATTACKERS - cap})
    assert Run.objects.filter(owner=alice).count() == cap


def test_fifty_simultaneous_seed_group_forms_never_exceed_the_cap(catalog, alice, settings, purge_queue):
    assert connection.vendor == "postgresql" or pytest.skip("the race needs real PostgreSQL row locks")
    cap = settings.RUNS_PER_USER_CAP
    Run.objects.create(method=catalog, owner=alice, config={"steps": 1}, config_hash="already", status="running")

    def send(i: int):
        client = Client()
        client.force_login(alice)
        return client.post("/methods/lab-probe/runs", {"preset": "smoke", "seed": str(100 * i), "seeds": "2"}).status_code

    statuses, elapsed = storm(send)
    print(f"quota race (web, groups of 2 with 1 running): {dict(statuses)} in {elapsed:.1f} s, cap {cap}")
    groups = (cap - 1) // 2
    assert statuses == Counter({302: groups, 429: ATTACKERS - groups})
    assert Run.objects.filter(owner=alice, status__in=["queued", "running"]).count() == 1 + 2 * groups <= cap
