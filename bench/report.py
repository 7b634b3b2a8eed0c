"""The report: one JSON document and its Markdown rendering (bench/report.json, bench/report.md)."""
from __future__ import annotations

import json
from pathlib import Path

from .stats import fmt

HEADER = ("| # | figure | metric | value | spread over repeats | target | met |\n"
          "|---|---|---|---|---|---|---|")


def verdict(m: dict) -> str:
    if "met" not in m:
        return ""
    if m["met"]:
        return "**met**"
    factor = m.get("missed_by")
    return f"**missed** ({fmt(factor)}×)" if factor and factor != float("inf") else "**missed**"


def spread_text(m: dict) -> str:
    s = m.get("spread")
    if not s:
        return ""
    if s["n"] < 4:
        return f"min {fmt(s['min'])} – max {fmt(s['max'])} (n={s['n']})"
    return f"min {fmt(s['min'])}, IQR {fmt(s['q1'])}–{fmt(s['q3'])}, max {fmt(s['max'])} (n={s['n']})"


def value_text(m: dict) -> str:
    unit = f" {m['unit']}" if m.get("unit") else ""
    stat = m.get("stat", "median")
    prefix = "" if stat in ("median", "value") else f"{stat} "
    return f"{prefix}{fmt(m['value'])}{unit}"


def metric_row(figure: dict, m: dict) -> str:
    name = m["name"] + (f" — {m['note']}" if m.get("note") else "")
    cells = [figure["id"], figure["title"], name, value_text(m), spread_text(m), m.get("target", ""), verdict(m)]
    return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"


def figure_rows(figure: dict) -> list[str]:
    if figure.get("status") != "ok" and not figure.get("metrics"):
        reason = figure.get("error") or figure.get("status", "")
        return [f"| {figure['id']} | {figure['title']} | {reason} | | | | |"]
    return [metric_row(figure, m) for m in figure.get("metrics", [])]


def render_markdown(report: dict) -> str:
    lines = [f"# ReproLab benchmark report — {report['started_at']}", ""]
    lines += [f"`python -m bench` ran in {report.get('total_seconds', 0):.0f} s (`make bench` adds its setup: pip, "
              f"migrate, sync_catalog). {report.get('summary', '')}".rstrip(), ""]
    lines += ["## Machine and versions", ""]
    for key, value in {**report.get("machine", {}), **report.get("versions", {})}.items():
        lines.append(f"- {key}: {value}")
    lines += ["", "## Figures", "", HEADER]
    for figure in report["figures"]:
        lines += figure_rows(figure)
    lines += ["", "## Notes per figure", ""]
    for figure in report["figures"]:
        took = f" ({figure['seconds']:.0f} s)" if figure.get("seconds") is not None else ""
        lines.append(f"### {figure['id']}. {figure['title']}{took}")
        lines.append("")
        if figure.get("error"):
            status = figure.get("status", "error")
            error = figure["error"]
            lines.append(f"- {error}" if error.startswith(status) else f"- {status}: {error}")
        for note in figure.get("notes", []):
            lines.append(f"- {note}")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write(report: dict, folder: Path) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    json_path, md_path = folder / "report.json", folder / "report.md"
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n")
    md_path.write_text(render_markdown(report))
    return json_path, md_path
