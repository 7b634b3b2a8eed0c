"""Smoke runs are shared by the generic tests: each method's smoke preset runs once per session."""
from __future__ import annotations

import pytest
import torch

from workers.methods.context import RunContext
from workers.methods.execute import execute
from workers.methods.registry import get_method

_SMOKE_RECORDS: dict[str, dict] = {}


@pytest.fixture(autouse=True)
def one_torch_thread():
    """Smoke presets are defined on one core, as the worker runs them (workers/runner.py): torch's
    default pool on a shared machine makes small-tensor runs many times slower."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def smoke_record(slug: str, tmp_path_factory: pytest.TempPathFactory) -> dict:
    if slug not in _SMOKE_RECORDS:
        method = get_method(slug)
        out = tmp_path_factory.mktemp(slug)
        ctx = RunContext(seed=0, device="cpu", artifact_dir=out)
        _SMOKE_RECORDS[slug] = execute(method, method.build_config("smoke"), ctx)
        _SMOKE_RECORDS[slug]["_artifact_dir"] = out
    return _SMOKE_RECORDS[slug]
