"""Figure 9, for an NVIDIA machine: one log-domain Sinkhorn iteration of the lab's own
implementation (workers/methods/shared/sinkhorn.py: sinkhorn_step, two torch.logsumexp) at
n = 10,000 and 20,000, float32 and float64: time, achieved memory bandwidth as a fraction of the
device's measured copy bandwidth, speed-up over the same iteration on the CPU, and the naive step
against a fused one (torch.compile of the same step).

    python bench/gpu_sinkhorn.py                  # on the GPU machine, from the repository root
    python bench/gpu_sinkhorn.py --smoke          # a seconds-long check of the script itself, on the CPU

It writes bench/gpu_result.json (--out to change), which `make bench` then quotes as figure 9.
Bandwidth counts the bytes an iteration cannot avoid: the n × n log-kernel read once per half
step, 2·n²·itemsize; the naive step also writes and re-reads an n × n temporary per half step.
"""
from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from workers.methods.shared.sinkhorn import log_kernel, sinkhorn_step

ETA = 1200.0
DTYPES = {"float32": torch.float32, "float64": torch.float64}


def sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def time_calls(function, device: torch.device, repeats: int, warmup: int = 3) -> list[float]:
    """Seconds per call, each call timed separately after `warmup` untimed ones."""
    for _ in range(warmup):
        function()
    sync(device)
    out = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        sync(device)
        out.append(time.perf_counter() - started)
    return out


def copy_bandwidth(device: torch.device, mib: int) -> float:
    """Bytes per second of a device-to-device copy (read + write counted), best of 10."""
    src = torch.empty(mib * 2**20 // 4, dtype=torch.float32, device=device).uniform_()
    dst = torch.empty_like(src)
    seconds = min(time_calls(lambda: dst.copy_(src), device, 10))
    return 2 * src.numel() * src.element_size() / seconds


def problem(n: int, dtype: torch.dtype, device: torch.device):
    gen = torch.Generator(device=device).manual_seed(0)
    cost = torch.rand((n, n), generator=gen, dtype=dtype, device=device)
    log_k = log_kernel(cost, ETA)
    del cost
    r = torch.full((n,), 1.0 / n, dtype=dtype, device=device)
    return log_k, r.log(), r.log().clone(), torch.zeros_like(r), torch.zeros_like(r)


def measure(n: int, dtype_name: str, device: torch.device, repeats: int, fused_step, copy_bw: float) -> dict:
    dtype = DTYPES[dtype_name]
    log_k, log_r, log_c, u, v = problem(n, dtype, device)
    naive = statistics.median(time_calls(lambda: sinkhorn_step(u, v, log_k, log_r, log_c), device, repeats))
    row = {"n": n, "dtype": dtype_name, "naive_ms": naive * 1e3}
    minimal_bytes = 2 * n * n * log_k.element_size()
    row["naive_bandwidth_fraction"] = minimal_bytes / naive / copy_bw
    if fused_step is not None:
        try:
            fused = statistics.median(time_calls(lambda: fused_step(u, v, log_k, log_r, log_c), device, repeats, 5))
            row.update(fused_ms=fused * 1e3, fused_bandwidth_fraction=minimal_bytes / fused / copy_bw,
                       fused_speedup=naive / fused)
        except Exception as exc:  # torch.compile needs a working toolchain (triton on CUDA)
            row["fused_error"] = f"{type(exc).__name__}: {exc}"[:300]
    return row


def cpu_ms(n: int, dtype_name: str, repeats: int) -> float:
    log_k, log_r, log_c, u, v = problem(n, DTYPES[dtype_name], torch.device("cpu"))
    return statistics.median(time_calls(lambda: sinkhorn_step(u, v, log_k, log_r, log_c), torch.device("cpu"),
                                        repeats, warmup=1)) * 1e3


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,20000")
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--cpu-repeats", type=int, default=2)
    parser.add_argument("--no-cpu", action="store_true", help="skip the CPU reference run (slow at n = 20,000)")
    parser.add_argument("--no-fused", action="store_true")
    parser.add_argument("--smoke", action="store_true", help="tiny sizes on the CPU: checks the script only")
    parser.add_argument("--out", default=str(ROOT / "bench" / "gpu_result.json"))
    args = parser.parse_args(argv)
    if args.smoke:
        device, sizes, args.repeats = torch.device("cpu"), [256, 512], 3
        out = ROOT / "bench" / "out" / "gpu_result.smoke.json"
    elif not torch.cuda.is_available():
        print("no CUDA device: run this on an NVIDIA machine (or --smoke to check the script)", file=sys.stderr)
        return 2
    else:
        device, sizes, out = torch.device("cuda"), [int(s) for s in args.sizes.split(",")], Path(args.out)
    fused_step = None if args.no_fused else torch.compile(sinkhorn_step, dynamic=False)
    copy_bw = copy_bandwidth(device, 64 if args.smoke else 2048)
    rows = []
    for n in sizes:
        for dtype_name in DTYPES:
            row = measure(n, dtype_name, device, args.repeats, fused_step, copy_bw)
            if not args.no_cpu:
                row["cpu_ms"] = cpu_ms(n, dtype_name, args.cpu_repeats)
                row["speedup_over_cpu"] = row["cpu_ms"] / row["naive_ms"]
            rows.append(row)
            print(json.dumps(row), flush=True)
    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({platform.processor()})",
        "torch": torch.__version__, "cuda": torch.version.cuda, "cpu_threads": torch.get_num_threads(),
        "copy_bandwidth_GBps": copy_bw / 1e9, "eta": ETA, "rows": rows, "smoke": args.smoke,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
