"""One torch thread for small CPU work: intra-op threads cost more than they give on tiny tensors,
and a busy host makes oversubscribed pools stall."""
from __future__ import annotations

import contextlib
from typing import Iterator

import torch


@contextlib.contextmanager
def one_thread_when_small(device: str, small: bool) -> Iterator[None]:
    """Within the block, torch uses one intra-op thread when ``device`` is the CPU and ``small``."""
    before = torch.get_num_threads()
    if str(device) == "cpu" and small:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)
