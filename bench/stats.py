"""Pure helpers: percentiles, the median-and-spread summary of repeats, targets."""
from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

OPERATORS = {
    "<": lambda x, t: x < t,
    "<=": lambda x, t: x <= t,
    ">": lambda x, t: x > t,
    ">=": lambda x, t: x >= t,
}


def percentile(values: Iterable[float], q: float) -> float:
    """The q-th percentile (0 ≤ q ≤ 100), linear between order statistics (numpy's default)."""
    data = sorted(float(v) for v in values)
    if not data:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"q must be in [0, 100], not {q}")
    position = (len(data) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(data) - 1)
    return data[low] + (data[high] - data[low]) * (position - low)


def spread(values: Iterable[float]) -> dict:
    """Median, quartiles, min and max of the repeats (n of them)."""
    data = [float(v) for v in values]
    return {
        "n": len(data),
        "median": percentile(data, 50),
        "q1": percentile(data, 25),
        "q3": percentile(data, 75),
        "min": min(data),
        "max": max(data),
    }


@dataclass(frozen=True)
class Target:
    """A target such as '< 0.5 s': `op` one of <, <=, >, >=."""

    op: str
    value: float

    def __post_init__(self):
        if self.op not in OPERATORS:
            raise ValueError(f"unknown operator {self.op!r}")

    def met(self, x: float) -> bool:
        return OPERATORS[self.op](x, self.value)

    def text(self, unit: str = "") -> str:
        return f"{self.op} {self.value:,g}{(' ' + unit) if unit else ''}"

    def miss_factor(self, x: float) -> float:
        """How far from the target a missed value is, as a factor ≥ 1 (∞ when undefined)."""
        if self.met(x):
            return 1.0
        if self.op in ("<", "<="):
            return x / self.value if self.value > 0 else math.inf
        return self.value / x if x > 0 else math.inf


def metric(name: str, value: float, unit: str = "", *, samples: Iterable[float] | None = None,
           stat: str = "median", target: Target | None = None, note: str = "") -> dict:
    """One reported number: its value (`stat` of the samples), their spread, the target verdict."""
    out = {"name": name, "value": float(value), "unit": unit, "stat": stat, "note": note}
    if samples is not None:
        out["spread"] = spread(samples)
    if target is not None:
        out["target"] = target.text(unit)
        out["met"] = bool(target.met(value))
        if not out["met"]:
            out["missed_by"] = target.miss_factor(value)
    return out


def from_samples(name: str, samples: list[float], unit: str = "", *, target: Target | None = None,
                 note: str = "") -> dict:
    """A metric whose value is the median of its repeats."""
    return metric(name, percentile(samples, 50), unit, samples=samples, target=target, note=note)


def fmt(x: float | None) -> str:
    """Three significant digits, without exponent for everyday magnitudes."""
    if x is None:
        return "—"
    if isinstance(x, bool):
        return str(x)
    if x == 0 or not math.isfinite(x):
        return str(x)
    magnitude = abs(x)
    if magnitude >= 1e6 or magnitude < 1e-3:
        return f"{x:.3g}"
    if magnitude >= 100:
        return f"{x:,.0f}"
    return f"{x:#.3g}"  # keeps trailing zeros: 1.00 (a ratio of one), 0.0370
