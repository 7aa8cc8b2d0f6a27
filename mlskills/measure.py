"""Measure what a model costs to ship and to run: size, latency, throughput, accuracy.

Chapter 13 explains this harness; its solutions reuse it. Four rules make the numbers
worth comparing:

1. **Size is the artifact you ship**, in bytes on disk (:func:`file_bytes`), plus its
   zlib-compressed size (:func:`compressed_bytes`), which is what sparsity can win.
2. **Latency is a distribution**: time many calls one by one, after untimed warm-up
   calls (:func:`time_calls`), and report percentiles (p50, p95, p99), not the mean.
3. **Threads are pinned and stated**: set them in the runtime first
   (``torch.set_num_threads``, or :func:`onnx_session`'s ``threads``), then pass the same
   number to :func:`compare`, which checks it and records it next to the timings.
4. **Accuracy on held-out data** sits in the same row (:func:`accuracy`): a faster,
   smaller model that is wrong more often is a trade, not a win.

To **compare** implementations, use :func:`compare`: it interleaves several trials of every
candidate (so a slow minute on a busy machine hits all of them alike), keeps every raw
sample, and reports the median of the trial medians with its min–max across trials. Two
candidates whose min–max ranges overlap are a **tie** (:meth:`Comparison.tie`): the text
may draw a conclusion only from a difference larger than that spread. Every timing table
is printed with :func:`environment` (CPU model, instruction-set flags, threads, library
versions), because a number without its machine cannot be compared with another.

Timing code is tested with a fake clock (:class:`FakeClock`), never with real sleeps::

    clock = FakeClock()
    def fake_model(batch):
        clock.advance(0.002)          # every call "takes" 2 ms
    compare({"fake": lambda: fake_model([0])}, threads=1, clock=clock)["fake"].median_ms  # 2.0
"""

from __future__ import annotations

import io
import os
import platform
import sys
import time
import zlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np


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


# --- comparing candidates: interleaved trials, spread, environment ----------------------

#: Percentiles of the raw samples reported by :meth:`Comparison.table`.
TABLE_PERCENTILES = (50, 95, 99)

#: Instruction-set flags worth recording: they decide which kernels a library runs.
ISA_FLAGS = (
    "sse4_2",
    "avx",
    "avx2",
    "fma",
    "f16c",
    "avx512f",
    "avx512bw",
    "avx512vl",
    "avx512_vnni",
    "avx_vnni",
    "avx512_bf16",
    "amx_tile",
    "amx_int8",
    "asimd",
    "sve",
)


@dataclass(frozen=True)
class Timing:
    """Every timed call of one candidate: ``samples[trial, repeat]`` in seconds."""

    name: str
    rows_per_call: int
    threads: int
    samples: np.ndarray = field(repr=False)

    @property
    def trial_medians_ms(self) -> np.ndarray:
        return np.median(self.samples, axis=1) * 1000

    @property
    def median_ms(self) -> float:
        """Median of the trial medians, in ms per call."""
        return float(np.median(self.trial_medians_ms))

    @property
    def range_ms(self) -> tuple[float, float]:
        """(min, max) of the trial medians, in ms per call: the spread across trials."""
        medians = self.trial_medians_ms
        return float(medians.min()), float(medians.max())

    def percentile_ms(self, q: float) -> float:
        """Percentile ``q`` of every raw sample, in ms per call."""
        return float(np.percentile(self.samples * 1000, q))

    @property
    def throughput(self) -> float:
        """Sustained rows per second: every row processed / every second spent."""
        total = float(self.samples.sum())
        return self.rows_per_call * self.samples.size / total if total > 0 else float("inf")


@dataclass(frozen=True)
class Comparison:
    """The result of :func:`compare`: one :class:`Timing` per candidate, and the machine."""

    timings: dict[str, Timing]
    environment: dict

    def __getitem__(self, name: str) -> Timing:
        return self.timings[name]

    def tie(self, a: str, b: str) -> bool:
        """True when the min–max ranges of the trial medians of ``a`` and ``b`` overlap."""
        (lo_a, hi_a), (lo_b, hi_b) = self[a].range_ms, self[b].range_ms
        return lo_a <= hi_b and lo_b <= hi_a

    def ratio(self, slow: str, fast: str) -> float:
        """How many times longer a call of ``slow`` takes than one of ``fast`` (medians)."""
        return self[slow].median_ms / self[fast].median_ms

    def verdict(self, a: str, b: str) -> str:
        """One sentence that says what the numbers support, and no more."""
        if self.tie(a, b):
            return f"{a} and {b} tie: their ranges across trials overlap"
        fast, slow = sorted((a, b), key=lambda n: self[n].median_ms)
        return f"{fast} is {self.ratio(slow, fast):.2f}× faster than {slow} (ranges do not overlap)"

    def table(self):
        """A DataFrame, one row per candidate, in ms per call and rows per second."""
        import pandas as pd

        rows = []
        for name, t in self.timings.items():
            lo, hi = t.range_ms
            rows.append(
                {
                    "candidate": name,
                    "median ms": t.median_ms,
                    "min ms": lo,
                    "max ms": hi,
                    **{f"p{q} ms": t.percentile_ms(q) for q in TABLE_PERCENTILES},
                    "rows/s": t.throughput,
                    "trials × calls": f"{t.samples.shape[0]} × {t.samples.shape[1]}",
                }
            )
        return pd.DataFrame(rows).set_index("candidate")


def compare(
    candidates: Mapping[str, Callable[[], object]],
    *,
    threads: int,
    rows_per_call: int | Mapping[str, int] = 1,
    trials: int = 5,
    repeats: int = 30,
    warmup: int = 5,
    clock: Callable[[], float] = time.perf_counter,
) -> Comparison:
    """Time every candidate in ``trials`` interleaved rounds of ``repeats`` calls each.

    Each round runs every candidate once (after ``warmup`` untimed calls), in an order
    rotated from round to round, so drift in the machine's speed is shared by all. Give
    ``threads`` as the count you pinned in the runtime: it is checked against PyTorch
    when PyTorch is loaded (see :func:`verify_threads`) and recorded with the result.
    ``rows_per_call`` (one int, or one per candidate) turns calls into rows per second.
    """
    if not candidates:
        raise ValueError("give at least one candidate: {name: zero-argument callable}")
    if trials < 2 or repeats < 1 or warmup < 0:
        raise ValueError(
            f"need trials >= 2 (a spread needs two), repeats >= 1, warmup >= 0; got {trials=}, {repeats=}, {warmup=}"
        )
    verify_threads(threads)
    names = list(candidates)
    rows = {
        n: rows_per_call[n] if isinstance(rows_per_call, Mapping) else rows_per_call for n in names
    }
    samples = {n: np.empty((trials, repeats)) for n in names}
    for trial in range(trials):
        shift = trial % len(names)
        for name in names[shift:] + names[:shift]:
            samples[name][trial] = time_calls(
                candidates[name], warmup=warmup, repeats=repeats, clock=clock
            )
    timings = {n: Timing(n, int(rows[n]), threads, samples[n]) for n in names}
    return Comparison(timings, environment(threads=threads))


def verify_threads(threads: int) -> None:
    """Fail loudly when the stated thread count is not what the runtime uses.

    Checks the BLAS pools that threadpoolctl sees (they may not use more threads than
    stated) and PyTorch's intra-op pool when PyTorch is already imported. (An ONNX Runtime
    session's count is set in its options: :func:`onnx_session` does that for you.)
    """
    if not isinstance(threads, int) or threads < 1:
        raise ValueError(f"state the pinned thread count as a positive int, got {threads!r}")
    try:
        from threadpoolctl import threadpool_info
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, skip BLAS
        threadpool_info = list
    for pool in threadpool_info():
        if pool["user_api"] == "blas" and pool["num_threads"] > threads:
            raise ValueError(
                f"you stated threads={threads} but {pool['internal_api']} (BLAS) may use "
                f"{pool['num_threads']}: wrap the timing in "
                f"threadpoolctl.threadpool_limits({threads}), or state the count it uses"
            )
    torch = sys.modules.get("torch")
    if torch is not None and torch.get_num_threads() != threads:
        raise ValueError(
            f"you stated threads={threads} but PyTorch runs {torch.get_num_threads()}: "
            f"call torch.set_num_threads({threads}) first, or state the count it uses"
        )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("model name", "Model", "Hardware")):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cpu_flags() -> list[str]:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith(("flags", "Features")):
                present = set(line.split(":", 1)[1].split())
                return [f for f in ISA_FLAGS if f in present]
    except OSError:
        pass
    return []


def environment(threads: int | None = None) -> dict:
    """What a timing depends on: CPU, instruction sets, threads, library versions.

    Only libraries already imported are asked for their versions (nothing heavy is
    imported here). ``threads`` is the count the caller pinned, if any.
    """
    record = {
        "cpu": _cpu_model(),
        "isa": " ".join(_cpu_flags()) or "unknown",
        "logical cores": os.cpu_count(),
        "cores usable": len(os.sched_getaffinity(0))
        if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "threads stated": threads,
        "python": platform.python_version(),
    }
    torch = sys.modules.get("torch")
    if torch is not None:
        record["torch threads"] = torch.get_num_threads()
        capability = getattr(getattr(torch.backends, "cpu", None), "get_cpu_capability", None)
        if capability is not None:
            record["torch kernels"] = capability()
    try:
        from threadpoolctl import threadpool_info

        pools = {f"{p['internal_api']} threads": p["num_threads"] for p in threadpool_info()}
        record.update(pools)
    except ImportError:  # threadpoolctl comes with scikit-learn; without it, skip
        pass
    for name in ("numpy", "torch", "onnxruntime", "sklearn", "pandas"):
        module = sys.modules.get(name)
        if module is not None:
            record[name] = getattr(module, "__version__", "?")
    return record


def print_environment(record: dict | None = None) -> None:
    """Print the environment record (of a :class:`Comparison`, or of now) on a few lines."""
    record = environment() if record is None else record
    print("environment: " + "; ".join(f"{k}: {v}" for k, v in record.items() if v is not None))
