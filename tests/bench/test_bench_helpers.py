"""The benchmark's pure helpers: percentiles, spreads, targets, report rendering, README section."""
from __future__ import annotations

import math

import pytest

from bench.readme import HEADING, section
from bench.report import render_markdown, spread_text, verdict
from bench.stats import Target, fmt, from_samples, metric, percentile, spread


def test_percentile_interpolates_like_numpy():
    data = [4.0, 1.0, 3.0, 2.0]
    assert percentile(data, 0) == 1.0
    assert percentile(data, 100) == 4.0
    assert percentile(data, 50) == 2.5
    assert percentile(data, 25) == pytest.approx(1.75)
    assert percentile([7.0], 95) == 7.0
    assert percentile(range(1, 21), 95) == pytest.approx(19.05)


def test_percentile_rejects_bad_input():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1.0], 101)


def test_spread_summarises_repeats():
    s = spread([3.0, 1.0, 2.0, 10.0])
    assert s == {"n": 4, "median": 2.5, "q1": 1.75, "q3": 4.75, "min": 1.0, "max": 10.0}


def test_target_verdicts_and_miss_factor():
    below = Target("<", 0.5)
    assert below.met(0.4) and not below.met(0.5)
    assert below.miss_factor(1.0) == pytest.approx(2.0)
    assert below.miss_factor(0.1) == 1.0
    above = Target(">=", 200_000)
    assert above.met(200_000)
    assert above.miss_factor(50_000) == pytest.approx(4.0)
    assert math.isinf(above.miss_factor(0.0))
    assert below.text("s") == "< 0.5 s"
    with pytest.raises(ValueError):
        Target("!=", 1.0)


def test_metric_records_target_and_spread():
    m = from_samples("latency", [0.2, 0.4, 0.9], "s", target=Target("<", 0.3))
    assert m["value"] == 0.4 and m["stat"] == "median"
    assert m["met"] is False and m["missed_by"] == pytest.approx(0.4 / 0.3)
    assert m["spread"]["min"] == 0.2 and m["spread"]["max"] == 0.9
    plain = metric("ratio", 1.5, "×", stat="value")
    assert "met" not in plain and "spread" not in plain


def test_fmt_keeps_three_significant_digits():
    assert fmt(0.123456) == "0.123"
    assert fmt(1.0004) == "1.00"
    assert fmt(123456.0) == "123,456"
    assert fmt(1.5e-5) == "1.5e-05"
    assert fmt(None) == "—"


def _report():
    ok = from_samples("p50", [0.1, 0.2, 0.3], "s", target=Target("<", 0.5))
    bad = metric("rate", 50_000, "points/s", stat="value", target=Target(">=", 200_000))
    return {
        "started_at": "2026-01-01 00:00 UTC", "total_seconds": 480.0, "summary": "Targets met: 1 of 2.",
        "machine": {"cores": 2, "cpu": "test cpu", "load average at start": "1.00 1.00 1.00"},
        "versions": {"django": "5.2"},
        "figures": [
            {"id": "1", "title": "Latency | idle", "status": "ok", "metrics": [ok], "notes": ["a note"], "seconds": 3},
            {"id": "3", "title": "Ingest", "status": "ok", "metrics": [bad], "notes": []},
            {"id": "9", "title": "GPU", "status": "not run", "error": "not run: no GPU on this machine (2026-01-01)",
             "metrics": [], "notes": []},
        ],
    }


def test_render_markdown_has_every_figure_and_verdict():
    text = render_markdown(_report())
    assert "| 1 | Latency \\| idle | p50 | 0.200 s |" in text
    assert "**met**" in text and "**missed** (4.00×)" in text
    assert "not run: no GPU on this machine (2026-01-01)" in text
    assert "### 1. Latency | idle (3 s)" in text and "- a note" in text
    assert spread_text({"spread": spread([1.0, 2.0])}) == "min 1.00 – max 2.00 (n=2)"
    assert verdict({"name": "x"}) == ""


def test_readme_section_quotes_targets():
    text = section(_report())
    assert text.startswith(HEADING)
    assert "| 3 | rate | 50,000 points/s |  | >= 200,000 points/s **missed** (4.00×) |" in text
    assert "not run: no GPU" in text
