"""Plausible wrong answers for the checks of Chapter 13.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each one is a mistake a learner would really make.
"""

import time

import numpy as np
import scipy.sparse


# ---------------------------------------------------------------- Exercise 1: quantize_uint8
def quantize_forgets_zero(x):
    """Uses the data's own range, so 0.0 is not representable for all-positive data."""
    lo, hi = float(x.min()), float(x.max())
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_truncates(x):
    """Truncates with astype instead of rounding: errors up to a whole step."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    q = np.clip(x / scale + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_symmetric(x):
    """A symmetric scale squeezed into uint8 with zero point 128."""
    bound = float(np.abs(x).max()) or 1.0
    scale = bound / 127.5
    q = np.clip(np.round(x / scale) + 128, 0, 255).astype(np.uint8)
    return q, scale, 128


def quantize_divides_by_256(x):
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 256 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


# ---------------------------------------------------------------- Exercise 2: latency_percentiles
def latency_times_warmup_too(fn, *, warmup, repeats, clock=time.perf_counter):
    durations = []
    for _ in range(warmup + repeats):
        start = clock()
        fn()
        durations.append(clock() - start)
    p50, p95 = np.percentile(np.array(durations) * 1000, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_one_stopwatch(fn, *, warmup, repeats, clock=time.perf_counter):
    for _ in range(warmup):
        fn()
    start = clock()
    for _ in range(repeats):
        fn()
    mean_ms = (clock() - start) / repeats * 1000
    return {"p50_ms": mean_ms, "p95_ms": mean_ms}


def latency_in_seconds(fn, *, warmup, repeats, clock=time.perf_counter):
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append(clock() - start)
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_sorted_index(fn, *, warmup, repeats, clock=time.perf_counter):
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    ordered = sorted(durations)
    return {
        "p50_ms": ordered[int(0.5 * repeats)],
        "p95_ms": ordered[min(int(0.95 * repeats), repeats - 1)],
    }


def latency_skips_warmup(fn, *, warmup, repeats, clock=time.perf_counter):
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


# ---------------------------------------------------------------- Exercise 3: magnitude_prune
def prune_by_signed_value(weights, sparsity):
    k = int(round(sparsity * weights.size))
    pruned = weights.copy()
    pruned.flat[np.argsort(weights, axis=None)[:k]] = 0
    return pruned


def prune_in_place(weights, sparsity):
    k = int(round(sparsity * weights.size))
    weights.flat[np.argsort(np.abs(weights), axis=None)[:k]] = 0
    return weights


def prune_each_row(weights, sparsity):
    pruned = weights.copy()
    for row in pruned.reshape(pruned.shape[0], -1):
        k = int(round(sparsity * row.size))
        row[np.argsort(np.abs(row))[:k]] = 0
    return pruned


def prune_truncates_count(weights, sparsity):
    k = int(sparsity * weights.size)
    pruned = weights.copy()
    pruned.flat[np.argsort(np.abs(weights), axis=None)[:k]] = 0
    return pruned


# ---------------------------------------------------------------- Exercise 4: storage_bytes
def storage_csr_values_only(weights):
    import zlib

    nonzero = np.count_nonzero(weights)
    return {
        "dense": weights.nbytes,
        "csr": nonzero * weights.itemsize,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_forgets_indptr(weights):
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_counts_elements(weights):
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.size,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_compresses_float64(weights):
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(zlib.compress(weights.astype(np.float64).tobytes(), 9)),
    }


# ---------------------------------------------------------------- Exercise 5: choose_variant
def choose_by_p50(results, *, max_bytes, max_p95_ms):
    fits = results[(results["bytes"] <= max_bytes) & (results["p50_ms"] <= max_p95_ms)]
    return None if fits.empty else fits["accuracy"].idxmax()


def choose_ignores_size(results, *, max_bytes, max_p95_ms):
    fits = results[results["p95_ms"] <= max_p95_ms]
    return None if fits.empty else fits["accuracy"].idxmax()


def choose_smallest(results, *, max_bytes, max_p95_ms):
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    return None if fits.empty else fits["bytes"].idxmin()


def choose_without_tie_break(results, *, max_bytes, max_p95_ms):
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    return None if fits.empty else fits["accuracy"].idxmax()


def choose_first_row_when_nothing_fits(results, *, max_bytes, max_p95_ms):
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    if fits.empty:
        return results.index[0]
    return fits.sort_values(["accuracy", "bytes"], ascending=[False, True]).index[0]


WRONG = {
    "check_quantize_uint8": [
        quantize_forgets_zero,
        quantize_truncates,
        quantize_symmetric,
        quantize_divides_by_256,
    ],
    "check_latency_percentiles": [
        latency_times_warmup_too,
        latency_one_stopwatch,
        latency_in_seconds,
        latency_sorted_index,
        latency_skips_warmup,
    ],
    "check_magnitude_prune": [
        prune_by_signed_value,
        prune_in_place,
        prune_each_row,
        prune_truncates_count,
    ],
    "check_storage_bytes": [
        storage_csr_values_only,
        storage_forgets_indptr,
        storage_counts_elements,
        storage_compresses_float64,
    ],
    "check_choose_variant": [
        choose_by_p50,
        choose_ignores_size,
        choose_smallest,
        choose_without_tie_break,
        choose_first_row_when_nothing_fits,
    ],
}
