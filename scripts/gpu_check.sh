#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: the CUDA tests of the shared numerics, the GPU worker path
# (a real Celery worker on queue gpu runs a queued run on CUDA), then every method's GPU preset
# through the CLI on CUDA, several at a time. Prints device, timings and verdicts.
#   bash scripts/gpu_check.sh [OUT_DIR] [--jobs N] [--limit SECONDS] [SLUG ...]
set -uo pipefail
cd "$(dirname "$0")/.."
OUT=${1:-${OUT:-/tmp/gpu-check}}; shift || true
PY=${PYTHON:-python3}
mkdir -p "$OUT"
"$PY" -c 'import torch; assert torch.cuda.is_available(), "no CUDA device"; print("device:", torch.cuda.get_device_name(0), "| torch", torch.__version__)' || exit 1
status=0
echo "== CUDA tests of the shared numerics"
"$PY" -m pytest -q -p no:cacheprovider --noconftest -o addopts="" tests/methods/kit 2>&1 | tail -n 15 || status=1
echo "== GPU worker: a queued run on queue gpu"
REPROLAB_VAR_DIR=$(mktemp -d) "$PY" scripts/gpu_worker_check.py sinkhorn-newton-sparse paper 2>&1 | grep -E "^gpu worker|Error|error" || status=1
echo "== GPU presets through the CLI"
"$PY" scripts/gpu_presets.py "$OUT/presets" "$@" || status=1
exit $status
