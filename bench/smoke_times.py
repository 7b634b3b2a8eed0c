"""Every registered method's smoke preset through the CLI on one core, one after another:
wall seconds of the process, the method's own seconds, CPU seconds, and the verdicts.

    python -m bench.smoke_times [--out bench/smoke_times.md] [SLUG ...]

CPU seconds (user + system of the process) are what a run costs on an idle core; on a busy
machine the wall and method seconds grow with the load, CPU seconds much less."""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIMIT_S = 30.0


def measure(slug: str) -> dict:
    with tempfile.TemporaryDirectory() as out:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "workers.methods", "run", slug, "--preset", "smoke",
                               "--device", "cpu", "--threads", "1", "--out", out],
                              cwd=ROOT, capture_output=True, text=True, env={**os.environ, "OMP_NUM_THREADS": "1"})
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        row = {"slug": slug, "wall_s": round(wall, 1), "cpu_s": round(cpu, 1), "exit": proc.returncode}
        result = Path(out) / "result.json"
        if result.is_file():
            data = json.loads(result.read_text())
            row["method_s"] = data["timings"]["method_s"]
            row["verdicts"] = {c["id"]: c["verdict"] for c in data["claims"]}
        else:
            row["error"] = proc.stderr.strip()[-300:]
        return row


def table(rows: list[dict]) -> str:
    lines = ["| method | wall s | method s | CPU s | verdicts |", "|---|---|---|---|---|"]
    for r in rows:
        counts: dict[str, int] = {}
        for verdict in (r.get("verdicts") or {}).values():
            counts[verdict] = counts.get(verdict, 0) + 1
        verdicts = ", ".join(f"{n} {v.replace('_', ' ')}" for v, n in sorted(counts.items())) or r.get("error", "")
        lines.append(f"| `{r['slug']}` | {r['wall_s']} | {r.get('method_s', '—')} | {r['cpu_s']} | {verdicts} |")
    return "\n".join(lines)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    from workers.methods.registry import REGISTRY

    parser = argparse.ArgumentParser()
    parser.add_argument("slugs", nargs="*")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "smoke_times.md")
    args = parser.parse_args()
    rows = []
    for slug in args.slugs or list(REGISTRY):
        rows.append(measure(slug))
        print(json.dumps(rows[-1]), flush=True)
    over = [r["slug"] for r in rows if r["cpu_s"] > LIMIT_S or r["exit"] != 0]
    text = table(rows) + f"\n\nOver {LIMIT_S:.0f} CPU seconds or failed: {', '.join(over) or 'none'}.\n"
    args.out.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
