"""Trained weights as safetensors artifacts (never pickle), and loading them back."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

import torch
from safetensors.torch import load_file, save_file


def state_of(model: torch.nn.Module | Mapping[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """A flat {name: contiguous CPU tensor} of a module's parameters and buffers (or a dict)."""
    items = model.state_dict().items() if isinstance(model, torch.nn.Module) else model.items()
    return {name: tensor.detach().to("cpu").contiguous() for name, tensor in items}


def save_weights(ctx: Any, name: str, model: torch.nn.Module | Mapping[str, torch.Tensor],
                 metadata: Mapping[str, str] | None = None) -> Path:
    """Write ``model``'s weights to the run's artifact ``name`` (must end in .safetensors)."""
    if not name.endswith(".safetensors"):
        raise ValueError(f"weights artifact {name!r} must end in .safetensors")
    path = ctx.artifact_path(name)
    save_file(state_of(model), str(path), metadata={k: str(v) for k, v in (metadata or {}).items()})
    return path


def load_weights(path: str | Path, model: torch.nn.Module | None = None, device: str = "cpu"):
    """The tensors saved at ``path``; loaded into ``model`` (strictly) when one is given."""
    tensors = load_file(str(path), device=device)
    if model is not None:
        model.load_state_dict(tensors, strict=True)
        return model
    return tensors
