"""Figure 9 in the report: the result file bench/gpu_sinkhorn.py wrote on a GPU machine, if any."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from .env import ROOT
from .stats import metric

RESULT = ROOT / "bench" / "gpu_result.json"


def gpu_figure() -> dict:
    today = datetime.now(UTC).strftime("%Y-%m-%d")
    if not RESULT.exists():
        import torch

        why = "no GPU on this machine" if not torch.cuda.is_available() else "a GPU is here but no result file yet"
        return {"status": "not run", "error": f"not run: {why} ({today})", "metrics": [], "notes": [
            "Run `python bench/gpu_sinkhorn.py` on an NVIDIA machine (from the repository root); it writes "
            "bench/gpu_result.json, which the next `make bench` quotes here."]}
    result = json.loads(RESULT.read_text())
    metrics = []
    for row in result["rows"]:
        tag = f"n={row['n']:,} {row['dtype']}"
        metrics.append(metric(f"{tag}: one iteration (naive, two logsumexp)", row["naive_ms"], "ms", stat="median"))
        metrics.append(metric(f"{tag}: bandwidth / copy bandwidth (naive)", row["naive_bandwidth_fraction"], "",
                              stat="median"))
        if "fused_ms" in row:
            metrics.append(metric(f"{tag}: fused (torch.compile) speed-up", row["fused_speedup"], "×"))
            metrics.append(metric(f"{tag}: bandwidth / copy bandwidth (fused)", row["fused_bandwidth_fraction"], ""))
        if "speedup_over_cpu" in row:
            metrics.append(metric(f"{tag}: speed-up over the CPU", row["speedup_over_cpu"], "×"))
    return {"metrics": metrics, "notes": [
        f"From {RESULT.name}, measured {result['date']} on {result['device']} (torch {result['torch']}, CUDA "
        f"{result.get('cuda')}), copy bandwidth {result['copy_bandwidth_GBps']:.0f} GB/s, CPU reference with "
        f"{result.get('cpu_threads')} threads. Bandwidth counts the log-kernel read once per half step."]}
