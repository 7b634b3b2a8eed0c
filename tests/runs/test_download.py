"""A downloaded run is the CLI's output folder: the same files, result.json with the same
keys and numbers, metrics.csv with the same points; the zip is streamed as it is built."""
from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from apps.runs.artifacts import metrics_csv_blocks
from apps.runs.models import Run
from workers.methods.cli import main as cli_main
from workers.methods.registry import get_method
from workers.runner import run_once

pytestmark = pytest.mark.django_db
LAB_EXTRAS = {"figure.html", "plotly.min.js", "run.json"}  # the figure and the lab's own record
OVERRIDES = {"steps": 30, "extra_series": 4, "label_text": "same"}


@pytest.fixture(autouse=True)
def artifacts_and_no_heartbeat(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.RUN_HEARTBEAT_S = 600  # the heartbeat's own connection cannot see the test's transaction


def lab_run(catalog, seed: int) -> Run:
    config = get_method("lab-probe").build_config("smoke", OVERRIDES).model_dump(mode="json")
    run = Run.objects.create(method=catalog, config=config, config_hash="download", preset="smoke", seed=seed)
    assert run_once(run.pk) == "succeeded"
    return run


def cli_run(out: Path, seed: int) -> Path:
    sets = [arg for key, value in OVERRIDES.items() for arg in ("--set", f"{key}={json.dumps(value)}")]
    assert cli_main(["run", "lab-probe", "--preset", "smoke", "--seed", str(seed), "--out", str(out), *sets]) == 0
    return out


def points(text: str) -> list[tuple]:
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["series", "step", "wall_s", "value"]
    return sorted((name, float(step), value) for name, step, _, value in rows[1:])


def test_a_downloaded_run_matches_the_cli_output_of_the_same_method_preset_and_seed(client, catalog, tmp_path):
    run = lab_run(catalog, seed=7)
    cli = cli_run(tmp_path / "cli", seed=7)
    response = client.get(f"/api/runs/{run.pk}/artifacts.zip")
    assert response.status_code == 200 and response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    folder = f"run-{run.pk}/"
    names = {n.removeprefix(folder) for n in archive.namelist()}
    assert names == {p.name for p in cli.iterdir()} | LAB_EXTRAS

    downloaded = json.loads(archive.read(folder + "result.json"))
    written = json.loads((cli / "result.json").read_text())
    assert list(downloaded) == list(written)  # same keys, same order
    for key in ("method", "paper", "config", "seed", "preset", "artifacts", "results", "events"):
        assert downloaded[key] == written[key], key
    assert downloaded["series"] == written["series"]  # points, final step and value, panel, unit
    assert [(c["id"], c["verdict"], c["evidence"]) for c in downloaded["claims"]] == [
        (c["id"], c["verdict"], c["evidence"]) for c in written["claims"]]
    assert archive.read(folder + "probe.txt") == (cli / "probe.txt").read_bytes()
    assert points(archive.read(folder + "metrics.csv").decode()) == points((cli / "metrics.csv").read_text())
    assert len(points((cli / "metrics.csv").read_text())) == 30 * 5


def test_metrics_csv_is_built_one_stored_chunk_at_a_time(catalog):
    run = lab_run(catalog, seed=1)
    blocks = list(metrics_csv_blocks(run))
    assert blocks[0].startswith(b"series,step,wall_s,value\r\n")
    assert len(blocks) >= run.series.count()  # one block per chunk, never the whole run at once
    assert b"".join(blocks).count(b"\n") == 1 + 30 * 5


def test_numerical_trouble_is_kept_on_the_run_and_in_its_result_json(client, catalog):
    config = get_method("lab-probe").build_config("smoke", {"steps": 6, "nan_at_step": 2}).model_dump(mode="json")
    run = Run.objects.create(method=catalog, config=config, config_hash="nan", preset="smoke")
    assert run_once(run.pk) == "succeeded"
    run.refresh_from_db()
    assert [(e["series"], e["step"], e["kind"], e["value"]) for e in run.events] == [("probe value", 2.0, "nonfinite", None)]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(client.get(f"/runs/{run.pk}/artifacts.zip").streaming_content)))
    assert json.loads(archive.read(f"run-{run.pk}/result.json"))["events"] == run.events
