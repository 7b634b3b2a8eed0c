"""Run one method under a context and assemble its record: config, provenance, timings,
series summary, the method's results and each claim's verdict.

Used by the CLI and by the worker's runner alike, so a run means the same thing in both.
"""
from __future__ import annotations

import enum
import functools
import math
import os
import platform
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .base import Finding, MethodConfig, MethodSpec, Verdict
from .context import RunContext

VERSIONED_PACKAGES = ("numpy", "scipy", "torch", "pydantic", "scikit-learn")


def judge_claims(method: MethodSpec, results: Mapping[str, Any], config: Any = None) -> list[dict[str, Any]]:
    """Each claim's verdict from the run's own numbers; a check that breaks is inconclusive,
    and so is a claim this run's config cannot decide."""
    verdicts = []
    for claim in method.claims:
        try:
            reason = claim.undecidable_reason(config)
            finding = Finding.inconclusive(reason) if reason else claim.check(results)
            if not isinstance(finding, Finding):
                raise TypeError(f"check returned {type(finding).__name__}, not Finding")
        except Exception as exc:  # a broken check must not hide the run's data
            finding = Finding.inconclusive(f"the check could not be evaluated: {type(exc).__name__}: {exc}")
        verdicts.append(
            {
                "id": claim.id,
                "statement": claim.statement,
                "source": claim.source,
                "kind": claim.kind,
                "baseline": claim.baseline,
                "verdict": Verdict(finding.verdict).value,
                "summary": finding.summary,
                "evidence": jsonable(dict(finding.numbers)),
            }
        )
    return verdicts


def device_name(device: str) -> str:
    if device == "cuda":
        import torch

        return torch.cuda.get_device_name(torch.cuda.current_device())
    return f"cpu ({platform.processor() or platform.machine()})"


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


@functools.lru_cache(maxsize=1)
def code_version() -> str:
    """The git commit of the code that ran (REPROLAB_COMMIT wins, e.g. in images)."""
    if os.environ.get("REPROLAB_COMMIT"):
        return os.environ["REPROLAB_COMMIT"]
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
        )
        return out.stdout.strip() if out.returncode == 0 else "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def seed_everything(seed: int, device: str) -> None:
    """Seed the global generators; torch only if the method imported it (numpy-only methods
    should not pay torch's import time)."""
    np.random.seed(seed % (2**32))
    if "torch" in sys.modules:
        import torch

        torch.manual_seed(seed)
        if device == "cuda":
            torch.cuda.manual_seed_all(seed)


def execute(method: MethodSpec, config: MethodConfig, ctx: RunContext) -> dict[str, Any]:
    """Run the method; the RunCancelled and other exceptions propagate to the caller."""
    seed_everything(ctx.seed, ctx.device)
    ctx.watch_trouble(method.monitors)
    ctx.start_clock()
    started = time.perf_counter()
    results = method.run(config, ctx)
    ctx.close()
    wall = time.perf_counter() - started
    return {
        "method": method.slug,
        "paper": method.paper,
        "config": config.model_dump(mode="json"),
        "seed": ctx.seed,
        "device": device_name(ctx.device),
        "versions": package_versions(),
        "commit": code_version(),
        "timings": {
            "wall_s": round(wall, 4),
            "method_s": round(wall - ctx.logging_seconds, 4),
            "logging_s": round(ctx.logging_seconds, 4),
        },
        "series": jsonable(ctx.series_summary()),
        "claims": judge_claims(method, results, config),
        "results": jsonable(results),
        "artifacts": list(ctx.artifacts),
        "events": jsonable([event.as_dict() for event in ctx.trouble.events]),
    }


def jsonable(value: Any) -> Any:
    """Plain JSON: numpy scalars/arrays to Python, non-finite floats to None."""
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return jsonable(value.tolist())
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return value if math.isfinite(value) else None
    if isinstance(value, (np.bool_,)):
        return bool(value)
    if isinstance(value, enum.Enum):
        return value.value
    if hasattr(value, "detach") and hasattr(value, "tolist"):  # a torch tensor
        return jsonable(value.detach().cpu().tolist())
    return value
