"""One thread for small CPU work: intra-op threads cost more than they give on tiny tensors, a busy
host makes oversubscribed pools stall, and a run then computes the same numbers whatever the
machine's thread settings (BLAS sums in a different order with more threads)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch
from threadpoolctl import threadpool_limits


@contextlib.contextmanager
def one_thread_when_small(device: str | torch.device, small: bool = True) -> Iterator[None]:
    """Within the block, torch and the BLAS/OpenMP pools use one thread when ``device`` is the CPU
    and ``small``; the counts are restored after."""
    if not (torch.device(device).type == "cpu" and small):
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            yield
    finally:
        torch.set_num_threads(before)


def one_thread_on_cpu(device: str | torch.device):
    """``one_thread_when_small`` for a run that is small whenever it runs on the CPU."""
    return one_thread_when_small(device, True)
