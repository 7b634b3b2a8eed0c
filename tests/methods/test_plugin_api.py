"""The plug-in contract itself, exercised with a toy method that is not registered."""
from __future__ import annotations

import csv
import json
from typing import Literal

import pytest
from pydantic import Field

from workers.methods import cli
from workers.methods.base import Claim, ConfigError, Finding, MethodConfig, MethodSpec, Preset
from workers.methods.context import RunCancelled, RunContext
from workers.methods.execute import execute, jsonable


class ToyConfig(MethodConfig):
    iterations: int = Field(10, ge=1, le=1000, description="Halvings of the error.")
    rate: float = Field(0.5, gt=0, lt=1, description="Contraction per iteration.")
    mode: Literal["fast", "slow"] = Field("fast", description="Ignored.")


def run_toy(config: ToyConfig, ctx: RunContext) -> dict:
    error = 1.0
    for k in range(config.iterations):
        error *= config.rate
        ctx.log("error", k, error)
    ctx.save_artifact("final.txt", f"{error}")
    return {"final_error": error}


def toy_method(**changes) -> MethodSpec:
    fields = dict(
        slug="toy",
        paper=0,
        title="Toy",
        summary="A contraction.",
        config_model=ToyConfig,
        presets={
            "smoke": Preset({"iterations": 20}, "cpu", "20 its"),
            "full": Preset({"iterations": 200}, "any", "200 its"),
        },
        claims=(
            Claim(
                id="small",
                statement="error below 1e-3",
                source="nowhere",
                how_checked="final error < 1e-3",
                check=lambda r: Finding.judge(r["final_error"] < 1e-3, "error", error=r["final_error"]),
                weaken=lambda r: {**r, "final_error": 1.0},
            ),
        ),
        deviations=(),
        run=run_toy,
    )
    fields.update(changes)
    return MethodSpec(**fields)


def test_a_preset_with_overrides_builds_the_config():
    config = toy_method().build_config("smoke", {"rate": 0.25})
    assert (config.iterations, config.rate) == (20, 0.25)


def test_config_errors_name_every_offending_field():
    with pytest.raises(ConfigError) as caught:
        toy_method().build_config("smoke", {"rate": 2.0, "mode": "medium", "extra": 1})
    assert set(caught.value.problems) == {"rate", "mode", "extra"}
    assert "unknown key" in caught.value.problems["extra"]


def test_an_unknown_preset_is_a_config_error():
    with pytest.raises(ConfigError, match="unknown preset 'huge'"):
        toy_method().build_config("huge")


def test_a_method_without_bounds_or_descriptions_is_refused():
    class Loose(MethodConfig):
        n: int = 3

    with pytest.raises(TypeError, match="no description"):
        toy_method(config_model=Loose)


def test_execute_records_series_claims_and_artifacts(tmp_path):
    ctx = RunContext(seed=1, device="cpu", artifact_dir=tmp_path)
    record = execute(toy_method(), toy_method().build_config("smoke"), ctx)
    assert record["series"]["error"]["points"] == 20
    assert record["series"]["error"]["last_value"] == pytest.approx(0.5**20)
    assert record["claims"][0]["verdict"] == "reproduced"
    assert record["artifacts"] == ["final.txt"]
    assert (tmp_path / "final.txt").read_text() == str(0.5**20)
    json.dumps(record)


def test_a_check_that_breaks_is_inconclusive_not_a_crash(tmp_path):
    broken = Claim("c", "s", "src", "how", check=lambda r: r["missing"], weaken=lambda r: r)
    ctx = RunContext(seed=1, device="cpu", artifact_dir=tmp_path)
    record = execute(toy_method(claims=(broken,)), toy_method().build_config("smoke"), ctx)
    assert record["claims"][0]["verdict"] == "inconclusive"
    assert "KeyError" in record["claims"][0]["summary"]


def test_time_spent_in_logging_is_not_charged_to_the_method(tmp_path):
    class SlowSink(RunContext):
        flush_points = 1

        def _write_points(self, points):
            import time

            time.sleep(0.01)

    ctx = SlowSink(seed=0, device="cpu", artifact_dir=tmp_path)
    for k in range(20):
        ctx.log("x", k, 1.0)
    assert ctx.logging_seconds >= 0.2
    assert ctx.clock() < 0.05


def test_the_same_seed_gives_the_same_streams(tmp_path):
    a = RunContext(seed=7, device="cpu", artifact_dir=tmp_path)
    b = RunContext(seed=7, device="cpu", artifact_dir=tmp_path)
    assert (a.rng("instances").random(3) == b.rng("instances").random(3)).all()
    assert (a.rng("instances").random(3) != a.rng("solver").random(3)).all()


@pytest.mark.parametrize("name", ["../x", "a/b", "", ".hidden", "x\x00y"])
def test_artifact_names_cannot_leave_the_run_folder(tmp_path, name):
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    with pytest.raises(ValueError):
        ctx.save_artifact(name, b"x")


def test_a_cancelled_context_raises_at_the_next_point(tmp_path):
    ctx = RunContext(seed=0, device="cpu", artifact_dir=tmp_path)
    ctx.log("x", 0, 1.0)
    ctx.request_cancel()
    with pytest.raises(RunCancelled):
        ctx.log("x", 1, 1.0)
    assert ctx.series_summary()["x"]["points"] == 2


def test_jsonable_turns_non_finite_numbers_into_null():
    import numpy as np

    assert jsonable({"a": np.float64("nan"), "b": np.arange(2), "c": np.inf}) == {"a": None, "b": [0, 1], "c": None}


def test_the_cli_writes_result_and_metrics(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "get_method", lambda slug: toy_method())
    assert cli.main(["run", "toy", "--preset", "smoke", "--set", "rate=0.1", "--out", str(tmp_path)]) == 0
    record = json.loads((tmp_path / "result.json").read_text())
    assert record["config"]["rate"] == 0.1 and record["preset"] == "smoke"
    rows = list(csv.DictReader((tmp_path / "metrics.csv").open()))
    assert len(rows) == 20 and set(rows[0]) == {"series", "step", "wall_s", "value"}


def test_the_cli_rejects_an_unknown_slug_with_the_known_ones(capsys):
    assert cli.main(["run", "nope", "--out", "/tmp/unused"]) == 2
    err = capsys.readouterr().err
    assert "unknown method 'nope'" in err and "known methods:" in err


def test_the_cli_rejects_an_out_of_range_value_in_one_line(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "get_method", lambda slug: toy_method())
    assert cli.main(["run", "toy", "--set", "rate=3", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: invalid config: rate:") and "\n" not in err
    assert not (tmp_path / "result.json").exists()
