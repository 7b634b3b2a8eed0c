"""(inputs, outputs) pairs of an operator-learning problem: tensors, splits, and the .npz cache.

Inputs and outputs are float32 arrays shaped (samples, channels, *grid). A data set is saved
as one compressed .npz artifact through the run's context when it fits ``MAX_ARTIFACT_BYTES``;
``load_dataset`` reads such a file back (no pickle).
"""
from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

MAX_ARTIFACT_BYTES = 50 * 1024 * 1024


@dataclass
class OperatorData:
    inputs: np.ndarray
    outputs: np.ndarray
    params: np.ndarray | None = None
    """Per-sample PDE parameters (samples, P), where the problem has any."""
    meta: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.inputs = np.asarray(self.inputs, dtype=np.float32)
        self.outputs = np.asarray(self.outputs, dtype=np.float32)
        if self.params is not None:
            self.params = np.asarray(self.params, dtype=np.float32).reshape(len(self.inputs), -1)
        if len(self.inputs) != len(self.outputs):
            raise ValueError("inputs and outputs need the same number of samples")

    def __len__(self) -> int:
        return len(self.inputs)

    @property
    def resolution(self) -> int:
        return self.inputs.shape[-1]

    def take(self, index) -> OperatorData:
        params = None if self.params is None else self.params[index]
        return OperatorData(self.inputs[index], self.outputs[index], params, dict(self.meta))

    def split(self, n_train: int) -> tuple[OperatorData, OperatorData]:
        """The first ``n_train`` samples and the rest (samples are drawn i.i.d., so in order is fine)."""
        if not 0 < n_train < len(self):
            raise ValueError(f"cannot split {len(self)} samples at {n_train}")
        return self.take(slice(0, n_train)), self.take(slice(n_train, None))

    def tensors(self, device=None) -> tuple[torch.Tensor, torch.Tensor]:
        return torch.as_tensor(self.inputs, device=device), torch.as_tensor(self.outputs, device=device)

    def arrays(self, prefix: str = "") -> dict[str, np.ndarray]:
        out = {f"{prefix}inputs": self.inputs, f"{prefix}outputs": self.outputs}
        if self.params is not None:
            out[f"{prefix}params"] = self.params
        return out


def npz_bytes(arrays: Mapping[str, np.ndarray]) -> bytes:
    buffer = io.BytesIO()
    np.savez_compressed(buffer, **{k: np.asarray(v) for k, v in arrays.items()})
    return buffer.getvalue()


def save_dataset(ctx: Any, name: str, arrays: Mapping[str, np.ndarray], max_bytes: int = MAX_ARTIFACT_BYTES) -> dict:
    """Save ``arrays`` as the .npz artifact ``name`` if it fits ``max_bytes``.

    Returns {"saved": bool, "bytes": size} so the run's results can say what happened."""
    if not name.endswith(".npz"):
        raise ValueError(f"data set artifact {name!r} must end in .npz")
    data = npz_bytes(arrays)
    if len(data) > max_bytes:
        return {"saved": False, "bytes": len(data), "reason": f"{len(data):,} bytes exceed {max_bytes:,}"}
    ctx.save_artifact(name, data)
    return {"saved": True, "bytes": len(data)}


def load_dataset(path: str | Path) -> dict[str, np.ndarray]:
    with np.load(Path(path), allow_pickle=False) as data:
        return {k: data[k] for k in data.files}
