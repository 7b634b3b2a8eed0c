"""Tiny tensors on a CPU run faster on one torch thread: more threads only add synchronization
(and stall badly on a shared machine)."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator

import torch


@contextlib.contextmanager
def one_thread_on_cpu(device: str | torch.device) -> Iterator[None]:
    """Run the block on one intra-op thread when ``device`` is the CPU; restore the count after."""
    if torch.device(device).type != "cpu":
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
