"""The one channel between a running method and the lab: curve points, progress,
artifacts, seeded generators and the stop request.

Time spent inside the context (buffering, flushing points, polling for cancellation) is
measured and subtracted from ``clock()``, so a method is never charged for being observed.
Subclasses (the CLI's file sink, the worker's database sink) override the ``_``-hooks.
"""
from __future__ import annotations

import hashlib
import math
import re
import time
from pathlib import Path
from typing import Any, Mapping

import numpy as np

from .trouble import Monitor, TroubleWatch

ARTIFACT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")
SERIES_NAME_MAX = 120


class RunCancelled(Exception):
    """Raised inside a method at its next curve point once a stop was requested."""


class RunContext:
    flush_points = 5000
    flush_seconds = 1.0
    cancel_poll_seconds = 0.5

    def __init__(self, *, seed: int, device: str, artifact_dir: Path):
        if device not in ("cpu", "cuda"):
            raise ValueError(f"device must be 'cpu' or 'cuda', not {device!r}")
        self.seed = int(seed)
        self.device = device
        self.artifact_dir = Path(artifact_dir)
        self.artifact_dir.mkdir(parents=True, exist_ok=True)
        self._start = time.perf_counter()
        self._overhead = 0.0
        self._buffer: list[tuple[str, float, float, float]] = []
        self._last_flush = self._start
        self._last_poll = self._start
        self._cancelled = False
        self._series: dict[str, dict[str, Any]] = {}
        self.artifacts: list[str] = []
        self.trouble = TroubleWatch()

    def watch_trouble(self, monitors: Mapping[str, Monitor] | None) -> None:
        """Watch the series matching these patterns for divergence and stagnation too."""
        self.trouble = TroubleWatch(monitors)

    # ---- what methods use -------------------------------------------------------
    @property
    def torch_device(self):
        import torch

        return torch.device(self.device)

    def rng(self, stream: str = "default") -> np.random.Generator:
        """A generator determined by (seed, stream): same seed, same instances."""
        return np.random.default_rng(np.random.SeedSequence([self.seed, _stream_key(stream)]))

    def torch_generator(self, stream: str = "default"):
        import torch

        gen = torch.Generator(device=self.device)
        gen.manual_seed((self.seed * 1_000_003 + _stream_key(stream)) % (2**63))
        return gen

    def clock(self) -> float:
        """Seconds since the run started, not counting time spent inside this context."""
        return time.perf_counter() - self._start - self._overhead

    def log(self, series: str, step: float, value: float, *, panel: str | None = None, unit: str | None = None) -> None:
        """Record one curve point; raises RunCancelled if a stop was requested.

        ``panel`` names the chart the series is drawn in (e.g. "error", "iterations", "step
        size", "loss") and ``unit`` its unit; the first point that names them sets them."""
        self.log_point(step, {series: value}, panel=panel, unit=unit)

    def log_point(self, step: float, values: dict[str, float], *, panel: str | None = None,
                  unit: str | None = None) -> None:
        """Several series at the same step (e.g. the method and its baseline), in one panel."""
        entered = time.perf_counter()
        wall = entered - self._start - self._overhead
        for series, value in values.items():
            self._record(series, float(step), wall, float(value), panel, unit)
        self._maybe_flush_and_poll(entered)
        self._overhead += time.perf_counter() - entered
        if self._cancelled:
            raise RunCancelled()

    def progress(self, fraction: float, message: str = "") -> None:
        entered = time.perf_counter()
        self._report_progress(min(max(float(fraction), 0.0), 1.0), message[:200])
        self._overhead += time.perf_counter() - entered

    def check_cancelled(self) -> None:
        entered = time.perf_counter()
        self._maybe_flush_and_poll(entered)
        self._overhead += time.perf_counter() - entered
        if self._cancelled:
            raise RunCancelled()

    def artifact_path(self, name: str) -> Path:
        """Where to write an artifact file yourself (np.savez, safetensors, ...)."""
        if not ARTIFACT_NAME.match(name):
            raise ValueError(f"artifact name {name!r}: letters, digits, '.', '_', '-' only")
        if name not in self.artifacts:
            self.artifacts.append(name)
        return self.artifact_dir / name

    def save_artifact(self, name: str, data: bytes | str) -> Path:
        path = self.artifact_path(name)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
        return path

    # ---- what the lab uses ------------------------------------------------------
    def start_clock(self) -> None:
        """Start the run's clock now (set-up before the method starts is not its time)."""
        self._start = self._last_flush = self._last_poll = time.perf_counter()
        self._overhead = 0.0

    def close(self) -> None:
        self._flush()

    def series_summary(self) -> dict[str, dict[str, Any]]:
        return {name: dict(info) for name, info in self._series.items()}

    @property
    def logging_seconds(self) -> float:
        return self._overhead

    # ---- internals --------------------------------------------------------------
    def _record(self, series: str, step: float, wall: float, value: float,
                panel: str | None = None, unit: str | None = None) -> None:
        series = str(series)[:SERIES_NAME_MAX]
        self._buffer.append((series, step, wall, value))
        self.trouble.feed(series, step, value)
        info = self._series.setdefault(
            series, {"points": 0, "last_step": None, "last_value": None, "panel": None, "unit": None}
        )
        if panel and not info["panel"]:
            info["panel"] = str(panel)[:60]
        if unit and not info["unit"]:
            info["unit"] = str(unit)[:30]
        info["points"] += 1
        info["last_step"] = step
        info["last_value"] = value if math.isfinite(value) else None

    def _maybe_flush_and_poll(self, now: float) -> None:
        if len(self._buffer) >= self.flush_points or now - self._last_flush >= self.flush_seconds:
            self._flush()
        if now - self._last_poll >= self.cancel_poll_seconds:
            self._last_poll = now
            if self._poll_cancelled():
                self._cancelled = True

    def _flush(self) -> None:
        if self._buffer:
            points, self._buffer = self._buffer, []
            self._write_points(points)
        self._last_flush = time.perf_counter()

    # ---- hooks for subclasses ---------------------------------------------------
    def _write_points(self, points: list[tuple[str, float, float, float]]) -> None:
        """Persist a batch of (series, step, wall_s, value)."""

    def _report_progress(self, fraction: float, message: str) -> None:
        """Publish progress in [0, 1]."""

    def _poll_cancelled(self) -> bool:
        """True once a stop was requested."""
        return False

    def request_cancel(self) -> None:
        """Ask the method to stop at its next curve point (used in tests and signals)."""
        self._cancelled = True


def _stream_key(stream: str) -> int:
    return int.from_bytes(hashlib.sha256(stream.encode()).digest()[:4], "little")
