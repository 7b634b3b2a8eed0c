"""Thresholds and bands that carry their source, and numbers written as a person reads them."""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

ThresholdSource = Literal["paper", "note", "ours"]


@dataclass(frozen=True)
class Threshold:
    """A number a claim is judged against, with where it comes from."""

    value: float
    source: ThresholdSource
    reason: str = ""
    note_value: float | None = None
    """The reproduction note's threshold where the adopted one differs (both verdicts shown)."""

    def __post_init__(self) -> None:
        if self.source not in ("paper", "note", "ours"):
            raise ValueError(f"threshold source must be paper, note or ours, not {self.source!r}")
        if self.source == "ours" and not self.reason:
            raise ValueError("a threshold of ours needs its reason")

    def evidence(self, prefix: str = "threshold") -> dict[str, Any]:
        numbers: dict[str, Any] = {prefix: self.value, f"{prefix}_source": self.source}
        if self.reason:
            numbers[f"{prefix}_reason"] = self.reason
        return numbers

    def describe(self) -> str:
        why = f": {self.reason}" if self.reason else ""
        return f"{fmt(self.value)} ({self.source}{why})"


@dataclass(frozen=True)
class Band:
    """An interval a fitted number must fall in, with where it comes from."""

    low: float
    high: float
    source: ThresholdSource
    reason: str = ""
    note_band: tuple[float, float] | None = None

    def __post_init__(self) -> None:
        if not self.low <= self.high:
            raise ValueError("band low must not exceed high")
        Threshold(self.low, self.source, self.reason)  # same source rules

    def contains(self, value: float, band: tuple[float, float] | None = None) -> bool:
        low, high = band or (self.low, self.high)
        return math.isfinite(value) and low <= value <= high

    def evidence(self) -> dict[str, Any]:
        numbers: dict[str, Any] = {"band": [self.low, self.high], "band_source": self.source}
        if self.reason:
            numbers["band_reason"] = self.reason
        return numbers


def fmt(value: Any) -> str:
    """A number as a person reads it: 1912.4 -> '1,912', 0.0312 -> '0.0312', 3e-11 -> '3e-11'."""
    if value is None:
        return "n/a"
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    value = float(value)
    if not math.isfinite(value):
        return str(value)
    if value != 0 and (abs(value) < 1e-3 or abs(value) >= 1e6):
        return f"{value:.2g}"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"
