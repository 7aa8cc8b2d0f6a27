"""Measure what a model costs to ship and to run: size, latency, throughput, accuracy.

Chapter 13 explains this harness; its solutions reuse it. Four rules make the numbers
worth comparing:

1. **Size is the artifact you ship**, in bytes on disk (:func:`file_bytes`), plus its
   zlib-compressed size (:func:`compressed_bytes`), which is what sparsity can win.
2. **Latency is a distribution**: time many calls one by one, after untimed warm-up
   calls, and report the median (p50) and the 95th percentile (p95), not the mean.
3. **Threads are pinned and stated**: set them in the runtime first
   (``torch.set_num_threads``, or :func:`onnx_session`'s ``threads``), then pass the same
   number to :func:`latency`, which records it next to the timings.
4. **Accuracy on held-out data** sits in the same row (:func:`accuracy`): a faster,
   smaller model that is wrong more often is a trade, not a win.

Timing code is tested with a fake clock (:class:`FakeClock`), never with real sleeps::

    clock = FakeClock()
    def fake_model(batch):
        clock.advance(0.002)          # every call "takes" 2 ms
    latency(fake_model, batch=[0], threads=1, clock=clock).p50_ms   # 2.0
"""

from __future__ import annotations

import io
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

#: Percentiles reported by :func:`latency` (np.percentile, linear interpolation).
PERCENTILES = (50, 95)


@dataclass(frozen=True)
class Latency:
    """Latency of one call on a batch, with the conditions it was measured under.

    ``p50_ms`` and ``p95_ms`` are milliseconds per call (per batch, not per row).
    """

    batch_size: int
    threads: int
    warmup: int
    repeats: int
    p50_ms: float
    p95_ms: float

    @property
    def throughput(self) -> float:
        """Rows per second at the median latency (``batch_size / p50``)."""
        return self.batch_size / (self.p50_ms / 1000) if self.p50_ms > 0 else float("inf")

    def as_dict(self) -> dict:
        return {**asdict(self), "throughput_rows_s": self.throughput}


class FakeClock:
    """A clock you move by hand, so timing code can be tested deterministically.

    Call it like :func:`time.perf_counter` (``clock()`` returns seconds); move it with
    :meth:`advance`. ``reads`` counts how often the code under test looked at it.
    """

    def __init__(self, start: float = 0.0) -> None:
        self.now = float(start)
        self.reads = 0

    def __call__(self) -> float:
        self.reads += 1
        return self.now

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"a clock cannot go backwards (advance({seconds}))")
        self.now += seconds


def time_calls(
    fn: Callable[[], object],
    *,
    warmup: int = 20,
    repeats: int = 200,
    clock: Callable[[], float] = time.perf_counter,
) -> np.ndarray:
    """Seconds taken by each of ``repeats`` calls of ``fn()``.

    ``warmup`` calls run first and are never timed: they pay one-off costs
    (lazy initialisation, memory allocation, caches) that a long-running
    service pays only once.
    """
    if repeats < 1 or warmup < 0:
        raise ValueError(f"need repeats >= 1 and warmup >= 0, got {repeats=}, {warmup=}")
    for _ in range(warmup):
        fn()
    seconds = np.empty(repeats)
    for i in range(repeats):
        start = clock()
        fn()
        seconds[i] = clock() - start
    return seconds


def latency(
    predict: Callable[[object], object],
    batch,
    *,
    threads: int,
    warmup: int = 20,
    repeats: int = 200,
    clock: Callable[[], float] = time.perf_counter,
) -> Latency:
    """p50 and p95 latency, in ms, of ``predict(batch)``.

    ``threads`` must be the thread count you pinned in the runtime; it is recorded with
    the result (a latency without its thread count cannot be compared with another).
    """
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"state the pinned thread count as a positive int, got {threads!r}")
    seconds = time_calls(lambda: predict(batch), warmup=warmup, repeats=repeats, clock=clock)
    p50, p95 = np.percentile(seconds * 1000, PERCENTILES)
    return Latency(
        batch_size=len(batch),
        threads=threads,
        warmup=warmup,
        repeats=repeats,
        p50_ms=float(p50),
        p95_ms=float(p95),
    )


def file_bytes(path: str | Path) -> int:
    """Size of a saved artifact on disk, in bytes."""
    return Path(path).stat().st_size


def compressed_bytes(data: bytes | str | Path, level: int = 9) -> int:
    """Bytes after zlib compression at ``level`` (a file path or raw bytes).

    A dense tensor full of zeros is as large as any other on disk, but compresses
    well: this is where unstructured sparsity pays off for storage and download.
    """
    raw = Path(data).read_bytes() if isinstance(data, (str, Path)) else bytes(data)
    return len(zlib.compress(raw, level))


def torch_state_bytes(model) -> bytes:
    """A PyTorch model's ``state_dict`` serialised with ``torch.save``, as bytes."""
    import torch

    buffer = io.BytesIO()
    torch.save(model.state_dict(), buffer)
    return buffer.getvalue()


def onnx_session(path: str | Path, *, threads: int = 1, optimization: str = "all"):
    """An ONNX Runtime CPU session with pinned threads and a graph optimisation level.

    ``threads`` sets ``intra_op_num_threads`` (threads inside one operator);
    ``inter_op_num_threads`` is pinned to 1. ``optimization`` is one of ``"disable"``,
    ``"basic"``, ``"extended"``, ``"all"``.
    """
    import onnxruntime as ort

    levels = {
        "disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }
    if optimization not in levels:
        raise ValueError(f"optimization must be one of {sorted(levels)}, got {optimization!r}")
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.graph_optimization_level = levels[optimization]
    return ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def accuracy(predict: Callable[[np.ndarray], np.ndarray], X: np.ndarray, y: Sequence[int]) -> float:
    """Fraction of rows of ``X`` whose predicted class equals ``y``.

    ``predict`` returns either class labels (shape ``(n,)``) or scores (``(n, classes)``,
    reduced with argmax).
    """
    out = np.asarray(predict(X))
    labels = out.argmax(axis=1) if out.ndim == 2 else out
    y = np.asarray(y)
    if labels.shape != y.shape:
        raise ValueError(
            f"predict returned {out.shape} for {len(y)} rows; expected labels or scores per row"
        )
    return float((labels == y).mean())
