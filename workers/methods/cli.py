"""Run a method standalone, with no database or broker:

    python -m workers.methods list
    python -m workers.methods show SLUG
    python -m workers.methods run SLUG [--preset P] [--set key=value ...] [--seed N]
                                  [--device cpu|cuda] [--threads N] --out DIR

``run`` writes DIR/result.json, DIR/metrics.csv and the method's artifacts. It exits 0 when
the run completed (whatever the verdicts), 2 with a one-line reason on bad input.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from .base import ConfigError
from .context import RunContext
from .execute import execute
from .registry import REGISTRY, UnknownMethod, get_method


class CsvContext(RunContext):
    """Streams points to DIR/metrics.csv (series, step, wall_s, value)."""

    def __init__(self, *, out_dir: Path, **kwargs: Any):
        super().__init__(artifact_dir=out_dir, **kwargs)
        self._file = open(out_dir / "metrics.csv", "w", newline="")
        self._csv = csv.writer(self._file)
        self._csv.writerow(["series", "step", "wall_s", "value"])

    def _write_points(self, points):
        self._csv.writerows((s, repr(st), f"{w:.6f}", repr(v)) for s, st, w, v in points)

    def _report_progress(self, fraction: float, message: str) -> None:
        print(f"  {fraction:6.1%} {message}", file=sys.stderr, flush=True)

    def close(self) -> None:
        super().close()
        self._file.close()


def parse_overrides(pairs: list[str]) -> dict[str, Any]:
    overrides: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigError({pair: "expected key=value"})
        try:
            overrides[key.strip()] = json.loads(raw)
        except json.JSONDecodeError:
            overrides[key.strip()] = raw
    return overrides


def resolve_device(requested: str, method_device: str) -> str:
    if requested == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError({"device": "cuda requested but no CUDA device is available"})
        if method_device == "cpu":
            print("note: this method runs on the CPU only; running on cpu", file=sys.stderr)
            return "cpu"
    return requested


def command_run(args: argparse.Namespace) -> int:
    method = get_method(args.slug)
    config = method.build_config(args.preset, parse_overrides(args.set or []))
    device = resolve_device(args.device, method.device)
    if args.threads:
        import torch
        from threadpoolctl import threadpool_limits

        torch.set_num_threads(args.threads)
        threadpool_limits(args.threads)  # BLAS/OpenMP pools too, not only torch's
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    ctx = CsvContext(out_dir=out, seed=args.seed, device=device)
    try:
        record = execute(method, config, ctx)
    finally:
        ctx.close()
    record["preset"] = args.preset
    (out / "result.json").write_text(json.dumps(record, indent=2))
    print(f"{method.slug} [{args.preset}] on {record['device']}: {record['timings']['wall_s']:.2f} s")
    for claim in record["claims"]:
        print(f"  {claim['id']}: {claim['verdict']} - {claim['summary']}")
    print(f"wrote {out / 'result.json'}")
    return 0


def command_list(_: argparse.Namespace) -> int:
    for slug in REGISTRY:
        method = get_method(slug)
        print(f"{slug:32s} #{method.paper:<3d} {method.device:4s} presets: {', '.join(method.presets)}")
    return 0


def command_show(args: argparse.Namespace) -> int:
    method = get_method(args.slug)
    info = {
        "slug": method.slug,
        "paper": method.paper,
        "title": method.title,
        "device": method.device,
        "config_schema": method.config_model.model_json_schema(),
        "presets": {k: {"device": p.device, "description": p.description, "values": dict(p.values)} for k, p in method.presets.items()},
        "claims": [{"id": c.id, "statement": c.statement, "source": c.source, "how_checked": c.how_checked} for c in method.claims],
        "deviations": list(method.deviations),
    }
    print(json.dumps(info, indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m workers.methods", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the registered methods")
    show = sub.add_parser("show", help="config schema, presets, claims and deviations of a method")
    show.add_argument("slug")
    run = sub.add_parser("run", help="run a method and write result.json + metrics.csv")
    run.add_argument("slug")
    run.add_argument("--preset", default="smoke")
    run.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a config value (repeatable)")
    run.add_argument("--seed", type=int, default=0)
    run.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    run.add_argument("--threads", type=int, default=0, help="torch intra-op threads (0: leave as is)")
    run.add_argument("--out", required=True)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handlers = {"list": command_list, "show": command_show, "run": command_run}
    try:
        return handlers[args.command](args)
    except UnknownMethod as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ConfigError as exc:
        print(f"error: invalid config: {exc}", file=sys.stderr)
        return 2
