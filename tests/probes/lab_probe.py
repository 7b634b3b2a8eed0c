"""A probe method for lifecycle tests (not in the catalog): it logs a decaying curve at a
chosen pace, and can be told to raise, or to kill its own process, at a chosen step."""
from __future__ import annotations

import os
import time
from typing import Literal

from pydantic import Field

from workers.methods.base import Claim, Finding, MethodConfig, MethodSpec, Preset


class ProbeConfig(MethodConfig):
    steps: int = Field(20, ge=1, le=100_000, description="Curve points to log.")
    sleep_s: float = Field(0.0, ge=0, le=10, description="Pause after each point.")
    fail: Literal["never", "raise", "exit", "hang"] = Field(
        "never", description="What to do at fail_at_step: raise, kill its process, or hang without logging."
    )
    fail_at_step: int = Field(5, ge=0, le=100_000, description="Step at which to fail.")
    label_text: str = Field("probe", max_length=200, description="Echoed into the results and artifact.")
    nan_at_step: int = Field(-1, ge=-1, le=100_000, description="Log NaN instead of the value at this step (-1: never).")
    extra_series: int = Field(0, ge=0, le=200, description="Further series logged beside 'probe value' "
                              "(which declares no panel), spread over extra_panels panels with a unit each.")
    extra_panels: int = Field(3, ge=1, le=200, description="Panels of the extra series: error, iterations, "
                              "time, then 'error 3', 'iterations 4', ...")


def run(config: ProbeConfig, ctx) -> dict:
    value = 1.0
    for step in range(config.steps):
        if config.fail != "never" and step == config.fail_at_step:
            if config.fail == "exit":
                os._exit(17)
            if config.fail == "hang":
                while True:  # never logs again, so only the hard time limit can end it
                    time.sleep(0.05)
            raise RuntimeError(f"probe failure at step {step}")
        value *= 0.9
        ctx.log("probe value", step, float("nan") if step == config.nan_at_step else value)
        if config.extra_series:
            log_extra_series(ctx, step, value, config.extra_series, config.extra_panels)
        ctx.progress((step + 1) / config.steps, f"step {step + 1}/{config.steps}")
        if config.sleep_s:
            time.sleep(config.sleep_s)
    ctx.save_artifact("probe.txt", config.label_text)
    return {"final": value, "label": config.label_text, "pid": os.getpid()}


EXTRA_PANELS = (("error", "relative"), ("iterations", "count"), ("time", "s"))


def log_extra_series(ctx, step: int, value: float, count: int, panels: int) -> None:
    for j in range(min(panels, count)):
        name, unit = EXTRA_PANELS[j % 3]
        panel = name if j < 3 else f"{name} {j}"
        values = {f"probe {name} {k}": value * (k + 1) for k in range(j, count, panels)}
        ctx.log_point(step, values, panel=panel, unit=unit)


METHOD = MethodSpec(
    slug="lab-probe",
    paper=3,
    title="Lifecycle probe",
    summary="Logs a decaying curve; used by the lab's own tests.",
    config_model=ProbeConfig,
    presets={
        "smoke": Preset({"steps": 20}, "cpu", "20 quick points"),
        "full": Preset({"steps": 200, "sleep_s": 0.05}, "any", "10 s of points"),
    },
    claims=(
        Claim(
            id="decays",
            statement="the probe's value decays below 0.5",
            source="none",
            how_checked="final value < 0.5",
            check=lambda r: Finding.judge(r["final"] < 0.5, f"final value {r['final']:.3g}", final=r["final"]),
            weaken=lambda r: {**r, "final": 1.0},
        ),
    ),
    deviations=(),
    run=run,
)
