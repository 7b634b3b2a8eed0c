"""Run methods' GPU presets through the CLI on CUDA, several at a time, each under a time limit,
and print one line per run: device, seconds, verdicts (or how it ended).

    python scripts/gpu_presets.py OUT_DIR [--preset full] [--jobs 6] [--limit 420] [SLUG ...]

With no slugs: every registered method whose preset is meant for a GPU ("gpu" or "any")."""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def gpu_slugs(preset: str) -> list[str]:
    from workers.methods.registry import REGISTRY, get_method

    slugs = []
    for slug in REGISTRY:
        method = get_method(slug)
        if preset in method.presets and method.presets[preset].device in ("gpu", "any"):
            slugs.append(slug)
    return slugs


def run_one(slug: str, preset: str, out: Path, limit: float, threads: int) -> dict:
    target = out / f"{slug}-{preset}"
    started = time.perf_counter()
    cmd = [sys.executable, "-m", "workers.methods", "run", slug, "--preset", preset, "--device", "cuda",
           "--threads", str(threads), "--out", str(target)]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=limit)
        ended = "ok" if proc.returncode == 0 else f"exit {proc.returncode}: {proc.stderr.strip()[-600:]}"
    except subprocess.TimeoutExpired:
        ended = f"timeout after {limit:.0f} s"
    seconds = time.perf_counter() - started
    record = {"slug": slug, "preset": preset, "ended": ended, "seconds": round(seconds, 1)}
    result = target / "result.json"
    if result.is_file():
        data = json.loads(result.read_text())
        record.update(device=data["device"], method_s=data["timings"]["method_s"],
                      claims={c["id"]: c["verdict"] for c in data["claims"]},
                      summaries={c["id"]: c["summary"] for c in data["claims"]})
    print(f"{slug:34s} [{preset}] {record.get('device', '-'):22s} {seconds:7.1f} s  {ended[:80]}  "
          + ", ".join(f"{k}={v}" for k, v in record.get("claims", {}).items()), flush=True)
    return record


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--preset", default="full")
    parser.add_argument("--jobs", type=int, default=6)
    parser.add_argument("--limit", type=float, default=420.0)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    slugs = args.slugs or gpu_slugs(args.preset)
    print(f"{len(slugs)} runs of preset {args.preset!r}, {args.jobs} at a time, {args.limit:.0f} s each", flush=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        records = list(pool.map(lambda s: run_one(s, args.preset, args.out, args.limit, args.threads), slugs))
    (args.out / "summary.json").write_text(json.dumps(records, indent=1))


if __name__ == "__main__":
    main()
