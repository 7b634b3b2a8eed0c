"""The run's figure as a standalone HTML file that opens offline: it loads plotly.min.js from
beside it, and the run's zip carries that file (one copy in static/, not one per run).
Written from a small template rather than plotly's Python package, which takes a second to
import in every run process."""
from __future__ import annotations

import json
from pathlib import Path

from django.utils.html import escape

from .curves import run_curves
from .models import Run

FIGURE_NAME = "figure.html"
PLOTLY_JS_NAME = "plotly.min.js"
PLOTLY_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / PLOTLY_JS_NAME

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<script src="{plotly}"></script></head>
<body style="font-family: system-ui, sans-serif">
<h1 style="font-size: 1.2rem">{title}</h1>
<p>Open this file from the unzipped run folder: plotly.min.js sits beside it.
<label><input type="checkbox" id="log" {log_checked}> log y</label></p>
<div id="figure" style="height: 80vh"></div>
<script type="application/json" id="figure-data">{data}</script>
<script>
var data = JSON.parse(document.getElementById("figure-data").textContent);
function draw() {{
  var traces = data.map(function (s) {{ return {{x: s.step, y: s.value, mode: "lines", name: s.name}}; }});
  Plotly.react("figure", traces, {{xaxis: {{title: {{text: "step"}}}},
    yaxis: {{type: document.getElementById("log").checked ? "log" : "linear"}}}});
}}
document.getElementById("log").addEventListener("change", draw);
draw();
</script>
</body></html>
"""


def figure_html(run: Run) -> str:
    curves = [
        {"name": escape(c["name"]), "step": c["step"], "value": c["value"]} for c in run_curves(run, max_points=4000)
    ]
    values = [v for c in curves for v in c["value"] if v is not None]
    # "</" cannot appear inside the JSON script element: it could close it early.
    data = json.dumps(curves).replace("</", "<\\/")
    title = escape(f"Run {run.pk}: {run.method.slug} [{run.preset or 'custom'}] seed {run.seed}")
    return TEMPLATE.format(title=title, plotly=PLOTLY_JS_NAME, data=data,
                           log_checked="checked" if values and min(values) > 0 else "")


def write_figure_html(run: Run, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIGURE_NAME
    path.write_text(figure_html(run))
    return path
