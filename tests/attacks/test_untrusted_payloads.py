"""Attack 6: code smuggled in as data. A pickled message pushed straight onto the Celery
queue of a real worker must be refused (the lab accepts JSON only) without running, and the
worker must keep working; a pickle bomb saved as a model checkpoint must not run on load."""
from __future__ import annotations

import pickle
import re
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from apps.runs.models import Run
from tests.worker_process import WorkerProcess

pytestmark = [pytest.mark.attacks]
ROOT = Path(__file__).resolve().parents[2]


class Bomb:
    """Unpickling this creates `path` (a harmless stand-in for arbitrary code)."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_the_bomb_is_armed(tmp_path):
    marker = tmp_path / "armed"
    pickle.loads(pickle.dumps(Bomb(marker)))
    assert marker.exists()  # so its absence below means it was never unpickled


def test_the_lab_accepts_only_json_messages():
    assert django_settings.CELERY_ACCEPT_CONTENT == ["json"]
    assert django_settings.CELERY_TASK_SERIALIZER == "json" and django_settings.CELERY_RESULT_SERIALIZER == "json"


@pytest.mark.django_db(transaction=True)
def test_a_pickled_task_message_is_refused_and_the_worker_keeps_working(catalog, private_redis, tmp_path):
    from apps.celery import app
    from workers.tasks import execute_run

    worker = WorkerProcess(name="attack-pickle", env={"REDIS_URL": private_redis})
    worker.start()
    try:
        markers = [tmp_path / "pwned-protocol2", tmp_path / "pwned-protocol1", tmp_path / "pwned-yaml-typed"]
        queue = app.amqp.queues["cpu"]
        with app.connection_for_write(private_redis) as conn:  # the app's transport options (key prefix)
            producer = conn.Producer()
            task_id = str(uuid.uuid4())
            # Celery protocol 2: the task name travels in the headers, the args in a pickled body.
            producer.publish(([Bomb(markers[0])], {}, {"callbacks": None, "errbacks": None, "chain": None, "chord": None}),
                             serializer="pickle", exchange=queue.exchange, routing_key=queue.routing_key, declare=[queue],
                             headers={"lang": "py", "task": "workers.tasks.execute_run", "id": task_id,
                                      "root_id": task_id, "parent_id": None, "retries": 0, "argsrepr": "(1,)",
                                      "kwargsrepr": "{}", "origin": "attacker"})
            # Celery protocol 1: the whole message is the pickled body (decoded by the consumer itself).
            producer.publish({"task": "workers.tasks.execute_run", "id": str(uuid.uuid4()), "args": [Bomb(markers[1])],
                              "kwargs": {}}, serializer="pickle", exchange=queue.exchange,
                             routing_key=queue.routing_key)
            # A pickle labelled as something else (no loader for it is accepted either).
            producer.publish(pickle.dumps(Bomb(markers[2])), content_type="application/x-yaml",
                             content_encoding="binary", exchange=queue.exchange, routing_key=queue.routing_key,
                             headers={"lang": "py", "task": "workers.tasks.execute_run", "id": str(uuid.uuid4())})
            wait_for(lambda: conn.default_channel.client.llen("cpu") == 0, 30, "the worker to take the messages")
            wait_for(lambda: len(re.findall(r"ContentDisallowed|Refusing to deserialize", worker.output())) >= 2,
                     30, "the worker to refuse them")
            run = Run.objects.create(method=catalog, config={"steps": 5}, config_hash="after-attack", preset="smoke")
            execute_run.apply_async(args=[run.pk], queue="cpu", connection=conn)
            wait_for(lambda: Run.objects.get(pk=run.pk).status == "succeeded", 60, "a JSON run after the attack")
        assert not any(m.exists() for m in markers), [m for m in markers if m.exists()]
        assert worker.process.poll() is None
        output = worker.output()
        print("pickle attack, worker said:", *sorted(set(re.findall(r"(ContentDisallowed[^\n]{0,100}|Refusing[^\n]{0,100})", output))), sep="\n  ")
    finally:
        worker.stop()


def test_a_pickle_bomb_saved_as_a_model_checkpoint_is_refused_without_running(tmp_path):
    import torch

    from workers.methods.icl_transformer_newton import model as tf_model

    arch = tf_model.Architecture(n_dims=2, n_points=4, n_embd=8, n_layer=1, n_head=2)
    weights, arch_path = tmp_path / "model.safetensors", tmp_path / "model.json"
    tf_model.save(tf_model.ICLTransformer(arch), weights, arch_path)
    assert tf_model.load(weights, arch_path).arch == arch  # the real checkpoint loads

    marker = tmp_path / "pwned-checkpoint"
    for write in (lambda p: torch.save({"read_in.weight": Bomb(marker)}, p),
                  lambda p: p.write_bytes(pickle.dumps(Bomb(marker))),
                  lambda p: p.write_bytes(pickle.dumps(Bomb(marker), protocol=0))):
        write(weights)
        with pytest.raises(Exception) as refused:
            tf_model.load(weights, arch_path)
        assert "safetensor" in type(refused.value).__name__.lower() or "header" in str(refused.value).lower()
        assert not marker.exists()
        copy = tmp_path / "bomb.pt"
        copy.write_bytes(weights.read_bytes())
        with pytest.raises(pickle.UnpicklingError):
            torch.load(copy, weights_only=True)  # torch's own safe loader refuses it as well
        assert not marker.exists()


UNSAFE_LOADS = re.compile(r"pickle\.loads?\(|torch\.load\((?![^)]*weights_only=True)|allow_pickle=True|"
                          r"joblib\.load|dill\.load|cloudpickle|yaml\.load\(|yaml\.unsafe_load|marshal\.loads?\(")


def test_no_lab_code_loads_pickles():
    offenders = []
    for folder in ("apps", "workers"):
        for path in (ROOT / folder).rglob("*.py"):
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if UNSAFE_LOADS.search(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
