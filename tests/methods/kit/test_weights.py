"""Weights round-trip through safetensors into a fresh model exactly."""
from __future__ import annotations

import pytest
import torch

from workers.methods.context import RunContext
from workers.methods.shared.weights import load_weights, save_weights


def test_weights_round_trip_into_a_fresh_model(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5), torch.nn.Linear(5, 1))
    model(torch.randn(8, 3))  # moves the batch-norm running statistics (buffers are saved too)
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    path = save_weights(ctx, "model.safetensors", model, {"epochs": 3})
    assert "model.safetensors" in ctx.artifacts and path.read_bytes()[:8] != b"\x80\x04\x95"  # not a pickle
    fresh = torch.nn.Sequential(torch.nn.Linear(3, 5), torch.nn.BatchNorm1d(5), torch.nn.Linear(5, 1))
    load_weights(path, fresh)
    for (name, a), b in zip(model.state_dict().items(), fresh.state_dict().values()):
        assert torch.equal(a, b), name


def test_weights_need_the_safetensors_suffix(tmp_path):
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    with pytest.raises(ValueError, match="safetensors"):
        save_weights(ctx, "model.pt", {"w": torch.zeros(2)})
