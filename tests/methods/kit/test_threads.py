"""The small-run thread limit applies to torch and BLAS inside the block only, and only on the CPU."""
from __future__ import annotations

import torch
from threadpoolctl import threadpool_info

from workers.methods.shared.threads import one_thread_when_small


def blas_threads() -> set[int]:
    return {pool["num_threads"] for pool in threadpool_info()}


def test_small_cpu_work_runs_on_one_thread_and_the_settings_come_back():
    before_torch, before_blas = torch.get_num_threads(), blas_threads()
    with one_thread_when_small("cpu", True):
        assert torch.get_num_threads() == 1
        assert blas_threads() <= {1}
    assert torch.get_num_threads() == before_torch and blas_threads() == before_blas


def test_large_or_gpu_work_keeps_the_threads():
    before = torch.get_num_threads()
    for device, small in (("cpu", False), ("cuda", True)):
        with one_thread_when_small(device, small):
            assert torch.get_num_threads() == before
