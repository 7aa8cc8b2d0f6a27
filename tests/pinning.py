"""Pin every thread pool the timing harness verifies, so a test's outcome does not depend
on which library an earlier test happened to import."""

from __future__ import annotations

import sys
from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def pinned(threads: int):
    """BLAS pools limited to ``threads`` and, if PyTorch is loaded, its intra-op pool set to
    ``threads``; both restored on exit."""
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else None
    try:
        if torch is not None:
            torch.set_num_threads(threads)
        with threadpool_limits(threads, user_api="blas"):
            yield
    finally:
        if torch is not None:
            torch.set_num_threads(before)
