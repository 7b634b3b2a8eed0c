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
One chart per panel. <label><input type="checkbox" id="log" checked> log y (where every value is positive)</label></p>
<div id="figure"></div>
<script type="application/json" id="figure-data">{data}</script>
<script>
var data = JSON.parse(document.getElementById("figure-data").textContent);
var panels = [];
data.forEach(function (s) {{
  var panel = panels.filter(function (p) {{ return p.name === s.panel; }})[0];
  if (!panel) {{ panel = {{name: s.panel, unit: s.unit, series: []}}; panels.push(panel); }}
  panel.series.push(s);
}});
function draw() {{
  var root = document.getElementById("figure");
  root.textContent = "";
  panels.forEach(function (panel) {{
    var title = document.createElement("h2");
    title.style.fontSize = "1rem";
    title.textContent = panel.name;
    var box = document.createElement("div");
    box.style.height = "420px";
    root.appendChild(title); root.appendChild(box);
    var positive = panel.series.every(function (s) {{ return s.value.every(function (v) {{ return v === null || v > 0; }}); }});
    var traces = panel.series.map(function (s) {{ return {{x: s.step, y: s.value, type: "scatter", mode: "lines", name: s.name}}; }});
    Plotly.react(box, traces, {{xaxis: {{title: {{text: "step"}}}}, showlegend: true,
      yaxis: {{type: document.getElementById("log").checked && positive ? "log" : "linear", title: {{text: panel.unit || panel.name}}}}}});
  }});
}}
document.getElementById("log").addEventListener("change", draw);
draw();
</script>
</body></html>
"""


def figure_html(run: Run) -> str:
    curves = [
        {"name": escape(c["name"]), "panel": c["panel"], "unit": escape(c["unit"]), "step": c["step"], "value": c["value"]}
        for c in run_curves(run, max_points=4000)
    ]
    # No "<", ">" or "&" inside the JSON script element: "</script" would close it early and
    # "<!--<script" would make the parser swallow the next script. JSON reads \u003c as "<".
    data = json.dumps(curves).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    title = escape(f"Run {run.pk}: {run.method.slug} [{run.preset or 'custom'}] seed {run.seed}")
    return TEMPLATE.format(title=title, plotly=PLOTLY_JS_NAME, data=data)


def write_figure_html(run: Run, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIGURE_NAME
    path.write_text(figure_html(run))
    return path
