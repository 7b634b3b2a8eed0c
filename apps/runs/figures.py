"""The run's figure as a standalone HTML file that opens offline: it loads plotly.min.js from
beside it, and the run's zip carries that file (one copy in static/, not one per run)."""
from __future__ import annotations

from pathlib import Path

from .curves import run_curves
from .models import Run

FIGURE_NAME = "figure.html"
PLOTLY_JS_NAME = "plotly.min.js"
PLOTLY_JS = Path(__file__).resolve().parents[2] / "static" / "vendor" / PLOTLY_JS_NAME


def write_figure_html(run: Run, folder: Path) -> Path:
    import plotly.graph_objects as go

    fig = go.Figure()
    for curve in run_curves(run, max_points=4000):
        fig.add_trace(go.Scatter(x=curve["step"], y=curve["value"], mode="lines", name=curve["name"]))
    fig.update_layout(
        title=f"Run {run.pk}: {run.method.slug} [{run.preset or 'custom'}] seed {run.seed}",
        xaxis_title="step",
        yaxis_type="log" if _all_positive(fig) else "linear",
        template="plotly_white",
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FIGURE_NAME
    fig.write_html(str(path), include_plotlyjs=PLOTLY_JS_NAME, full_html=True)
    return path


def _all_positive(fig) -> bool:
    values = [v for trace in fig.data for v in (trace.y or ()) if v is not None]
    return bool(values) and min(values) > 0
