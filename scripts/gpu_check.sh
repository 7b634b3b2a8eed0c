#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: run each exemplar's smoke preset with --device cuda through
# the CLI, plus one full preset, and print device, timings and verdicts.
#   bash scripts/gpu_check.sh [OUT_DIR]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-${OUT:-/tmp/gpu-check}}
PY=${PYTHON:-python3}
mkdir -p "$OUT"
"$PY" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print("device:", torch.cuda.get_device_name(0), "| torch", torch.__version__)' || exit 1
status=0
run() {
  local slug=$1 preset=$2; shift 2
  local dir="$OUT/$slug-$preset"
  echo "== $slug [$preset] on cuda"
  if ! "$PY" -m workers.methods run "$slug" --preset "$preset" --device cuda --out "$dir" "$@"; then status=1; fi
}
run sinkhorn-newton-sparse smoke
run learning-to-relax-sor-bandit smoke
run icl-transformer-newton smoke
run sinkhorn-newton-sparse paper
run icl-transformer-newton full
"$PY" - "$OUT" <<'PY'
import json, pathlib, sys
for path in sorted(pathlib.Path(sys.argv[1]).glob("*/result.json")):
    r = json.loads(path.read_text())
    verdicts = ", ".join(f"{c['id']}={c['verdict']}" for c in r["claims"])
    print(f"{path.parent.name:40s} {r['device']:28s} {r['timings']['wall_s']:8.2f} s  {verdicts}")
PY
exit $status
