"""Plausible wrong answers for the checks of Chapter 13.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each one is a mistake a learner would really make.
"""

import os
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import scipy.sparse

from tests.checks import never_returns


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
    """Divides the range by 256 levels instead of 255 steps."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 256 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


# ---------------------------------------------------------------- Exercise 2: latency_percentiles
def latency_times_warmup_too(fn, *, warmup, repeats, clock=time.perf_counter):
    """Times the warm-up calls along with the measured ones."""
    durations = []
    for _ in range(warmup + repeats):
        start = clock()
        fn()
        durations.append(clock() - start)
    p50, p95 = np.percentile(np.array(durations) * 1000, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_one_stopwatch(fn, *, warmup, repeats, clock=time.perf_counter):
    """One stopwatch around all calls: a mean, reported as both percentiles."""
    for _ in range(warmup):
        fn()
    start = clock()
    for _ in range(repeats):
        fn()
    mean_ms = (clock() - start) / repeats * 1000
    return {"p50_ms": mean_ms, "p95_ms": mean_ms}


def latency_in_seconds(fn, *, warmup, repeats, clock=time.perf_counter):
    """Reports the percentiles in seconds, not milliseconds."""
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
    """Indexes the sorted durations instead of interpolating like np.percentile."""
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
    """Never runs the warm-up calls."""
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


# ---------------------------------------------------------------- Exercise 3: magnitude_prune
def prune_by_signed_value(weights, sparsity):
    """Ranks by signed value, so large negative weights are pruned."""
    k = int(round(sparsity * weights.size))
    pruned = weights.copy()
    pruned.flat[np.argsort(weights, axis=None)[:k]] = 0
    return pruned


def prune_in_place(weights, sparsity):
    """Prunes the caller's array in place."""
    k = int(round(sparsity * weights.size))
    weights.flat[np.argsort(np.abs(weights), axis=None)[:k]] = 0
    return weights


def prune_each_row(weights, sparsity):
    """Prunes the same fraction in every row instead of over the whole matrix."""
    pruned = weights.copy()
    for row in pruned.reshape(pruned.shape[0], -1):
        k = int(round(sparsity * row.size))
        row[np.argsort(np.abs(row))[:k]] = 0
    return pruned


def prune_truncates_count(weights, sparsity):
    """int() truncates k instead of rounding it."""
    k = int(sparsity * weights.size)
    pruned = weights.copy()
    pruned.flat[np.argsort(np.abs(weights), axis=None)[:k]] = 0
    return pruned


# ---------------------------------------------------------------- Exercise 4: storage_bytes
def storage_csr_values_only(weights):
    """Counts only the non-zero values as the CSR size."""
    import zlib

    nonzero = np.count_nonzero(weights)
    return {
        "dense": weights.nbytes,
        "csr": nonzero * weights.itemsize,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_forgets_indptr(weights):
    """Counts CSR values and column indices but not the row pointers."""
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_counts_elements(weights):
    """Reports the number of elements as the dense size in bytes."""
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.size,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_compresses_float64(weights):
    """Compresses a float64 copy instead of the float32 bytes."""
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(zlib.compress(weights.astype(np.float64).tobytes(), 9)),
    }


# ---------------------------------------------------------------- Exercise 5: choose_variant
def choose_by_p50(results, *, max_bytes, max_p95_ms):
    """Checks the latency budget against p50 instead of p95."""
    fits = results[(results["bytes"] <= max_bytes) & (results["p50_ms"] <= max_p95_ms)]
    return None if fits.empty else fits["accuracy"].idxmax()


def choose_ignores_size(results, *, max_bytes, max_p95_ms):
    """Forgets the size budget."""
    fits = results[results["p95_ms"] <= max_p95_ms]
    return None if fits.empty else fits["accuracy"].idxmax()


def choose_smallest(results, *, max_bytes, max_p95_ms):
    """Picks the smallest feasible variant instead of the most accurate."""
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    return None if fits.empty else fits["bytes"].idxmin()


def choose_without_tie_break(results, *, max_bytes, max_p95_ms):
    """idxmax takes the first of two equally accurate variants, whatever their size."""
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    return None if fits.empty else fits["accuracy"].idxmax()


def choose_first_row_when_nothing_fits(results, *, max_bytes, max_p95_ms):
    """Ships the first row when nothing fits instead of returning None."""
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    if fits.empty:
        return results.index[0]
    return fits.sort_values(["accuracy", "bytes"], ascending=[False, True]).index[0]


# ---------------------------------------------------------------- Exercise 1, more wrong answers
def quantize_hi_from_data_only(x):
    """Includes 0 in the low end of the range but not in the high end: wrong for all-negative data."""
    lo, hi = min(float(x.min()), 0.0), float(x.max())
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_scale_one_for_constant_input(x):
    """Tests for a constant array instead of hi == lo, so an all-2.0 array gets scale 1.0."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = 1.0 if x.min() == x.max() else (hi - lo) / 255
    zero_point = int(round(-lo / scale))
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_zero_point_truncated(x):
    """int(-lo / scale) truncates the zero point instead of rounding it."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = int(-lo / scale)
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_zero_point_ceiling(x):
    """math.ceil for the zero point: one step too high whenever -lo/scale is not whole."""
    import math

    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = math.ceil(-lo / scale)
    q = np.clip(np.round(x / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_in_place(x):
    """Divides x by the scale in place, changing the caller's array."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    x /= scale
    q = np.clip(np.round(x) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_flattens(x):
    """Returns q as a flat vector instead of the input's shape."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = (hi - lo) / 255 if hi > lo else 1.0
    zero_point = int(round(-lo / scale))
    q = np.clip(np.round(x.ravel() / scale) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


@never_returns
def quantize_grows_scale_from_zero(x):
    """Doubles the scale until the range fits, starting from 0.0: never returns."""
    lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)
    scale = 0.0
    while scale * 255 < hi - lo:
        scale *= 2
    zero_point = int(round(-lo / scale)) if scale else 0
    q = np.clip(np.round(x / (scale or 1.0)) + zero_point, 0, 255).astype(np.uint8)
    return q, scale or 1.0, zero_point


# ---------------------------------------------------------------- Exercise 2, more wrong answers
def latency_uses_perf_counter(fn, *, warmup, repeats, clock=time.perf_counter):
    """Times with time.perf_counter() directly instead of the clock it is given."""
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        durations.append((time.perf_counter() - start) * 1000)
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_percentile_as_fraction(fn, *, warmup, repeats, clock=time.perf_counter):
    """Passes 0.5 and 0.95 to np.percentile, which expects percent (50 and 95)."""
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    p50, p95 = np.percentile(durations, [0.5, 0.95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_one_warmup_short(fn, *, warmup, repeats, clock=time.perf_counter):
    """range(1, warmup): one warm-up call too few, so a slow call is timed."""
    for _ in range(1, warmup):
        fn()
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_one_call_extra(fn, *, warmup, repeats, clock=time.perf_counter):
    """range(repeats + 1): times one call more than asked."""
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeats + 1):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


def latency_max_as_p95(fn, *, warmup, repeats, clock=time.perf_counter):
    """Reports the slowest call as the 95th percentile."""
    for _ in range(warmup):
        fn()
    durations = []
    for _ in range(repeats):
        start = clock()
        fn()
        durations.append((clock() - start) * 1000)
    return {"p50_ms": float(np.median(durations)), "p95_ms": float(max(durations))}


def latency_forgets_to_append(fn, *, warmup, repeats, clock=time.perf_counter):
    """Loops until it has `repeats` durations but never stores one: calls the model forever."""
    for _ in range(warmup):
        fn()
    durations = []
    while len(durations) < repeats:
        start = clock()
        fn()
        _ = (clock() - start) * 1000
    p50, p95 = np.percentile(durations, [50, 95])
    return {"p50_ms": float(p50), "p95_ms": float(p95)}


# ---------------------------------------------------------------- Exercise 3, more wrong answers
def prune_ceiling_count(weights, sparsity):
    """math.ceil for k: one weight too many whenever sparsity × size is not whole."""
    import math

    k = math.ceil(sparsity * weights.size)
    pruned = weights.copy()
    pruned.flat[np.argsort(np.abs(weights), axis=None)[:k]] = 0
    return pruned


def prune_returns_input_when_nothing_to_do(weights, sparsity):
    """Returns the input itself for sparsity 0: not a new array."""
    k = int(round(sparsity * weights.size))
    if k == 0:
        return weights
    pruned = weights.copy()
    pruned.flat[np.argsort(np.abs(weights), axis=None)[:k]] = 0
    return pruned


def prune_threshold_at_sorted_k(weights, sparsity):
    """Thresholds at the k-th smallest magnitude: an IndexError at sparsity 1.0."""
    k = int(round(sparsity * weights.size))
    threshold = np.sort(np.abs(weights), axis=None)[k]
    return np.where(np.abs(weights) < threshold, 0, weights).astype(weights.dtype)


def prune_quantile_threshold(weights, sparsity):
    """Zeros everything at or below np.quantile(|w|, sparsity): the count is off by one."""
    threshold = np.quantile(np.abs(weights), sparsity)
    return np.where(np.abs(weights) <= threshold, 0, weights).astype(weights.dtype)


def prune_keeps_the_largest_slice(weights, sparsity):
    """Keeps argsort[-(n - k):], which keeps everything when n - k is 0."""
    n = weights.size
    k = int(round(sparsity * n))
    keep = np.argsort(np.abs(weights), axis=None)[-(n - k) :]
    pruned = np.zeros_like(weights)
    pruned.flat[keep] = weights.flat[keep]
    return pruned


def prune_upcasts_to_float64(weights, sparsity):
    """np.where with a float mask result: returns float64 for a float32 matrix."""
    k = int(round(sparsity * weights.size))
    mask = np.ones(weights.size)
    mask[np.argsort(np.abs(weights), axis=None)[:k]] = 0.0
    return weights * mask.reshape(weights.shape)


@never_returns
def prune_one_at_a_time(weights, sparsity):
    """Zeros the smallest |w| one at a time, but argmin finds the zero it just made: never ends."""
    k = int(round(sparsity * weights.size))
    pruned = weights.copy()
    while (pruned == 0).sum() < k:
        pruned.flat[np.argmin(np.abs(pruned))] = 0
    return pruned


# ---------------------------------------------------------------- Exercise 4, more wrong answers
def storage_default_zlib_level(weights):
    """zlib.compress without the level: level 6, not 9."""
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(zlib.compress(weights.tobytes())),
    }


def storage_gzip(weights):
    """gzip adds a header and a trailer to the zlib stream."""
    import gzip

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(gzip.compress(weights.tobytes(), 9)),
    }


def storage_assumes_int64_indices(weights):
    """Counts CSR by hand with 8-byte indices; scipy stores int32 for a matrix this size."""
    import zlib

    nnz, rows = np.count_nonzero(weights), weights.shape[0]
    return {
        "dense": weights.nbytes,
        "csr": nnz * weights.itemsize + nnz * 8 + (rows + 1) * 8,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


def storage_in_kilobytes(weights):
    """Reports kilobytes (floats) instead of whole bytes."""
    import zlib

    csr = scipy.sparse.csr_array(weights)
    return {
        "dense": weights.nbytes / 1024,
        "csr": (csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes) / 1024,
        "zlib": len(zlib.compress(weights.tobytes(), 9)) / 1024,
    }


def storage_csr_of_the_transpose(weights):
    """Builds CSR of the transposed matrix: one row pointer per column instead of per row."""
    import zlib

    csr = scipy.sparse.csr_array(weights.T)
    return {
        "dense": weights.nbytes,
        "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


@never_returns
def storage_counts_nonzeros_forever(weights):
    """Counts non-zeros with a while loop whose index only moves past zeros: never returns."""
    import zlib

    flat, i, nnz = weights.ravel(), 0, 0
    while i < flat.size:
        if flat[i] == 0:
            i += 1
        else:
            nnz += 1
    return {
        "dense": weights.nbytes,
        "csr": nnz * 8,
        "zlib": len(zlib.compress(weights.tobytes(), 9)),
    }


# ---------------------------------------------------------------- Exercise 5, more wrong answers
def _choose(results, *, max_bytes, max_p95_ms, bytes_ok=None, p95_ok=None):
    bytes_ok = bytes_ok or (lambda b: b <= max_bytes)
    p95_ok = p95_ok or (lambda p: p <= max_p95_ms)
    fits = results[bytes_ok(results["bytes"]) & p95_ok(results["p95_ms"])]
    if fits.empty:
        return None
    return str(fits.sort_values(["accuracy", "bytes"], ascending=[False, True]).index[0])


def choose_strict_size_budget(results, *, max_bytes, max_p95_ms):
    """bytes < max_bytes: a variant exactly at the size budget is excluded."""
    return _choose(
        results, max_bytes=max_bytes, max_p95_ms=max_p95_ms, bytes_ok=lambda b: b < max_bytes
    )


def choose_strict_latency_budget(results, *, max_bytes, max_p95_ms):
    """p95_ms < max_p95_ms: a variant exactly at the latency budget is excluded."""
    return _choose(
        results, max_bytes=max_bytes, max_p95_ms=max_p95_ms, p95_ok=lambda p: p < max_p95_ms
    )


def choose_none_only_for_size(results, *, max_bytes, max_p95_ms):
    """Returns None only when nothing fits the size; otherwise idxmax on a possibly empty frame."""
    small = results[results["bytes"] <= max_bytes]
    if small.empty:
        return None
    fast = small[small["p95_ms"] <= max_p95_ms]
    return fast.sort_values(["accuracy", "bytes"], ascending=[False, True]).index[0]


def choose_last_of_the_best(results, *, max_bytes, max_p95_ms):
    """Breaks ties by taking the last of the most accurate rows: right only by table order."""
    fits = results[(results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)]
    if fits.empty:
        return None
    best = fits[fits["accuracy"] == fits["accuracy"].max()]
    return str(best.index[-1])


def choose_returns_position(results, *, max_bytes, max_p95_ms):
    """Returns the row number of the choice instead of its name."""
    ok = ((results["bytes"] <= max_bytes) & (results["p95_ms"] <= max_p95_ms)).to_numpy()
    if not ok.any():
        return None
    order = np.lexsort((results["bytes"].to_numpy(), -results["accuracy"].to_numpy()))
    return int(next(i for i in order if ok[i]))


@never_returns
def choose_while_without_step(results, *, max_bytes, max_p95_ms):
    """Walks the ranked rows with a while loop and skips unfit rows without moving on."""
    ranked = results.sort_values(["accuracy", "bytes"], ascending=[False, True])
    i = 0
    while i < len(ranked):
        row = ranked.iloc[i]
        if row["bytes"] <= max_bytes and row["p95_ms"] <= max_p95_ms:
            return str(ranked.index[i])
    return None


# ---------------------------------------------------------------- Correct answers written differently
def quantize_round_half_up(x):
    """Rounds half up with floor(v + 0.5) and works in float32 throughout."""
    lo = np.minimum(x.min(), np.float32(0))
    hi = np.maximum(x.max(), np.float32(0))
    scale = np.float32((hi - lo) / 255) if hi != lo else np.float32(1.0)
    zero_point = int(np.floor(-lo / scale + 0.5))
    q = np.clip(np.floor(x / scale + 0.5) + zero_point, 0, 255).astype(np.uint8)
    return q, scale, zero_point


def quantize_with_a_lookup_of_steps(x):
    """Computes q with np.rint and integer arithmetic, zero point as a NumPy integer."""
    lo, hi = np.float64(min(x.min(), 0)), np.float64(max(x.max(), 0))
    scale = float((hi - lo) / 255) if hi - lo > 0 else 1.0
    zero_point = np.int64(np.rint(-lo / scale))
    steps = np.rint(np.asarray(x, dtype=np.float64) / scale).astype(np.int64) + zero_point
    return np.minimum(np.maximum(steps, 0), 255).astype(np.uint8), scale, zero_point


def latency_with_timeit(fn, *, warmup, repeats, clock=time.perf_counter):
    """timeit.Timer with the given clock, one call per repeat, quantiles from the standard library."""
    import statistics
    import timeit

    for _ in range(warmup):
        fn()
    seconds = timeit.Timer(fn, timer=clock).repeat(repeat=repeats, number=1)
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return {"p95_ms": cuts[94], "p50_ms": statistics.median(s * 1000 for s in seconds)}


def latency_lap_times_with_pandas(fn, *, warmup, repeats, clock=time.perf_counter):
    """Reads the clock once per call (lap times) and lets pandas take the quantiles."""
    import pandas as pd

    for _ in range(warmup):
        fn()
    marks = [clock()]
    for _ in range(repeats):
        fn()
        marks.append(clock())
    laps = pd.Series(np.diff(marks) * 1000)
    return dict(p50_ms=laps.quantile(0.5), p95_ms=laps.quantile(0.95))


def prune_with_partition_threshold(weights, sparsity):
    """np.partition finds the k smallest magnitudes; a boolean mask zeros them."""
    k = int(round(sparsity * weights.size))
    pruned = np.array(weights, copy=True)
    if k == 0:
        return pruned
    magnitudes = np.abs(weights).ravel()
    cut = np.partition(magnitudes, k - 1)[k - 1]
    pruned[np.abs(weights) <= cut] = 0
    return pruned


def prune_with_scipy_ranks(weights, sparsity):
    """scipy.stats.rankdata ranks the magnitudes; the k lowest ranks become zero."""
    from scipy.stats import rankdata

    k = round(sparsity * weights.size)
    ranks = rankdata(np.abs(weights), method="ordinal").reshape(weights.shape)
    return np.where(ranks <= k, np.zeros_like(weights), weights)


def storage_by_hand(weights):
    """Counts CSR by hand from scipy's index dtype, compresses the buffer directly."""
    import zlib

    nnz, rows = int(np.count_nonzero(weights)), weights.shape[0]
    index_bytes = np.dtype(np.int32).itemsize
    return {
        "zlib": len(zlib.compress(memoryview(np.ascontiguousarray(weights)), level=9)),
        "dense": weights.size * weights.itemsize,
        "csr": nnz * weights.itemsize + nnz * index_bytes + (rows + 1) * index_bytes,
    }


def storage_with_csr_matrix(weights):
    """The older scipy.sparse.csr_matrix class and numpy integers."""
    import zlib

    m = scipy.sparse.csr_matrix(weights)
    return {
        "dense": np.int64(weights.nbytes),
        "csr": np.int64(sum(a.nbytes for a in (m.data, m.indices, m.indptr))),
        "zlib": np.int64(len(zlib.compress(weights.tobytes(), 9))),
    }


def choose_with_query_and_sorted(results, *, max_bytes, max_p95_ms):
    """DataFrame.query, then Python's sorted with a key."""
    fits = results.query("bytes <= @max_bytes and p95_ms <= @max_p95_ms")
    if len(fits) == 0:
        return None
    best = sorted(fits.itertuples(), key=lambda r: (-r.accuracy, r.bytes))[0]
    return best.Index


def choose_with_a_loop(results, *, max_bytes, max_p95_ms):
    """A plain loop over the rows, keeping the best so far."""
    best = None
    for name, row in results.iterrows():
        if row["bytes"] > max_bytes or row["p95_ms"] > max_p95_ms:
            continue
        if best is None or (row["accuracy"], -row["bytes"]) > (
            best[1]["accuracy"],
            -best[1]["bytes"],
        ):
            best = (name, row)
    return None if best is None else best[0]


# ---------------------------------------------------------------- Exercise 6: operators_run
_ORT_LEVELS = ("ORT_DISABLE_ALL", "ORT_ENABLE_BASIC", "ORT_ENABLE_EXTENDED", "ORT_ENABLE_ALL")
_LEVEL_INDEX = {"disable": 0, "basic": 1, "extended": 2, "all": 3}


def _session_graph(path, level_member, *, keep=lambda node: True, key=lambda node: node.op_type):
    import onnx
    import onnxruntime as ort

    options = ort.SessionOptions()
    if level_member is not None:
        options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, level_member)
    out = Path(tempfile.mkdtemp()) / "optimised.onnx"
    options.optimized_model_filepath = str(out)
    options.log_severity_level = 3
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return dict(Counter(key(node) for node in onnx.load(str(out)).graph.node if keep(node)))


def operators_of_the_file(path, level):
    """Counts the operators of the file as written, never asking the runtime."""
    import onnx

    return dict(Counter(node.op_type for node in onnx.load(str(path)).graph.node))


def operators_ignores_the_level(path, level):
    """Never sets the level, so every answer is the default (all) graph."""
    return _session_graph(path, None)


def operators_levels_off_by_one(path, level):
    """Maps each name to the next level up (basic → extended …)."""
    return _session_graph(path, _ORT_LEVELS[min(_LEVEL_INDEX[level] + 1, 3)])


def operators_basic_means_disable(path, level):
    """Treats 'basic' as no optimisation at all."""
    member = "ORT_DISABLE_ALL" if level == "basic" else _ORT_LEVELS[_LEVEL_INDEX[level]]
    return _session_graph(path, member)


def operators_extended_means_basic(path, level):
    """Stops at the basic level when asked for 'extended'."""
    member = "ORT_ENABLE_BASIC" if level == "extended" else _ORT_LEVELS[_LEVEL_INDEX[level]]
    return _session_graph(path, member)


def operators_as_a_set(path, level):
    """Lists which operator types occur, each counted once."""
    return dict.fromkeys(_session_graph(path, _ORT_LEVELS[_LEVEL_INDEX[level]]), 1)


def operators_as_a_list(path, level):
    """Returns the op types in graph order, not counts."""
    counts = _session_graph(path, _ORT_LEVELS[_LEVEL_INDEX[level]])
    return [op for op, n in counts.items() for _ in range(n)]


def operators_by_node_name(path, level):
    """Counts node names instead of operator types."""
    return _session_graph(path, _ORT_LEVELS[_LEVEL_INDEX[level]], key=lambda node: node.name)


def operators_standard_domain_only(path, level):
    """Drops ONNX Runtime's own operators (domain com.microsoft), such as FusedGemm and QGemm."""
    return _session_graph(
        path, _ORT_LEVELS[_LEVEL_INDEX[level]], keep=lambda node: node.domain in ("", "ai.onnx")
    )


def operators_read_before_the_session(path, level):
    """Reads the optimised file before creating the session that writes it."""
    import onnx
    import onnxruntime as ort

    out = Path(tempfile.mkdtemp()) / "optimised.onnx"
    counts = dict(Counter(node.op_type for node in onnx.load(str(out)).graph.node))
    options = ort.SessionOptions()
    options.optimized_model_filepath = str(out)
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return counts


def operators_overwrites_the_model(path, level):
    """Writes the optimised graph over the model file it was asked about."""
    import onnx
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, _ORT_LEVELS[_LEVEL_INDEX[level]])
    options.optimized_model_filepath = str(path)
    options.log_severity_level = 3
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return dict(Counter(node.op_type for node in onnx.load(str(path)).graph.node))


def operators_with_a_lookup_by_name(path, level):
    """Right: builds the enum member's name from the level and counts with a plain dict."""
    import onnx
    import onnxruntime as ort

    member = "ORT_DISABLE_ALL" if level == "disable" else f"ORT_ENABLE_{level.upper()}"
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.__members__[member]
    options.log_severity_level = 3
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "graph.onnx")
        options.optimized_model_filepath = out
        ort.InferenceSession(os.fspath(path), sess_options=options, providers=["CPUExecutionProvider"])
        counts = {}
        for node in onnx.load(out).graph.node:
            counts[node.op_type] = counts.get(node.op_type, 0) + 1
    return counts


def operators_with_pandas(path, level):
    """Right: counts with pandas value_counts and returns numpy ints."""
    import onnx
    import onnxruntime as ort
    import pandas as pd

    options = ort.SessionOptions()
    options.graph_optimization_level = [
        ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    ][["disable", "basic", "extended", "all"].index(level)]
    out = Path(tempfile.mkdtemp()) / "run.onnx"
    options.optimized_model_filepath = str(out)
    options.log_severity_level = 3
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return pd.Series([n.op_type for n in onnx.load(out).graph.node]).value_counts().to_dict()


# ---------------------------------------------------------------- Exercise 7: distillation_loss
def _log_softmax(z):
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _kd(student, teacher, labels, temperature, alpha, *, t2=True, soft_teacher=True, soft_student=True,
        reverse=False, reduce="mean", ce_temperature=1.0, swap=False, cross_entropy_soft=False):
    log_t = _log_softmax(teacher / (temperature if soft_teacher else 1.0))
    log_s = _log_softmax(student / (temperature if soft_student else 1.0))
    if cross_entropy_soft:
        per_row = -(np.exp(log_t) * log_s).sum(axis=1)
    elif reverse:
        per_row = (np.exp(log_s) * (log_s - log_t)).sum(axis=1)
    else:
        per_row = (np.exp(log_t) * (log_t - log_s)).sum(axis=1)
    soft = {"mean": per_row.mean(), "sum": per_row.sum(), "all": per_row.sum() / per_row.size / student.shape[1]}[reduce]
    soft = soft * (temperature**2 if t2 else 1.0)
    ce_rows = -_log_softmax(student / ce_temperature)[np.arange(len(labels)), labels]
    ce = ce_rows.mean() if reduce != "sum" else ce_rows.sum()
    a, b = (1 - alpha, alpha) if swap else (alpha, 1 - alpha)
    return float(a * soft + b * ce)


def kd_without_t_squared(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Forgets to multiply the soft term by T²."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, t2=False)


def kd_teacher_not_softened(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Softens only the student; the teacher's probabilities stay at T = 1."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, soft_teacher=False)


def kd_student_not_softened(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Softens only the teacher; the student's probabilities stay at T = 1."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, soft_student=False)


def kd_reversed_kl(student_logits, teacher_logits, labels, *, temperature, alpha):
    """KL(student ‖ teacher) instead of KL(teacher ‖ student)."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, reverse=True)


def kd_sums_over_rows(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Sums both terms over the batch instead of averaging."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, reduce="sum")


def kd_mean_over_every_entry(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Averages the KL over rows and classes (like F.kl_div with reduction='mean')."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, reduce="all")


def kd_alpha_swapped(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Gives alpha to the labels' term and 1 - alpha to the teacher's."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, swap=True)


def kd_cross_entropy_at_t(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Computes the labels' cross-entropy on the softened student outputs."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, ce_temperature=temperature)


def kd_soft_cross_entropy(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Uses the cross-entropy with the teacher (KL plus the teacher's entropy) as the soft term."""
    return _kd(student_logits, teacher_logits, labels, temperature, alpha, cross_entropy_soft=True)


def kd_naive_softmax(student_logits, teacher_logits, labels, *, temperature, alpha):
    """exp() without shifting by the row maximum: overflows for large logits."""
    def softmax(z):
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    with np.errstate(all="ignore"):
        p_t, p_s = softmax(teacher_logits / temperature), softmax(student_logits / temperature)
        kl = (p_t * (np.log(p_t) - np.log(p_s))).sum(axis=1).mean()
        ce = -np.log(softmax(student_logits)[np.arange(len(labels)), labels]).mean()
    return float(alpha * temperature**2 * kl + (1 - alpha) * ce)


def kd_without_the_labels(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Returns only the teacher's term, weighted by alpha."""
    return _kd(student_logits, teacher_logits, labels, temperature, 1.0) * alpha


def kd_softmax_in_place(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Divides the caller's logits by T in place."""
    student_logits /= temperature
    teacher_logits /= temperature
    value = _kd(student_logits * temperature, teacher_logits * temperature, labels, temperature, alpha)
    return value


def kd_with_scipy(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Right: scipy's log_softmax and rel_entr, cross-entropy by one-hot product."""
    from scipy.special import log_softmax, rel_entr

    p_teacher = np.exp(log_softmax(teacher_logits / temperature, axis=1))
    p_student = np.exp(log_softmax(student_logits / temperature, axis=1))
    kl = rel_entr(p_teacher, p_student).sum(axis=1).mean()
    one_hot = np.eye(student_logits.shape[1])[labels]
    cross_entropy = -(one_hot * log_softmax(student_logits, axis=1)).sum(axis=1).mean()
    return alpha * kl * temperature * temperature + (1 - alpha) * cross_entropy


def kd_row_by_row(student_logits, teacher_logits, labels, *, temperature, alpha):
    """Right: one row at a time with scipy's logsumexp, a running sum, and a 0-d array returned."""
    from scipy.special import logsumexp

    soft = hard = 0.0
    for s, t, label in zip(student_logits, teacher_logits, labels, strict=True):
        log_q = s / temperature - logsumexp(s / temperature)
        log_p = t / temperature - logsumexp(t / temperature)
        soft += float(np.sum(np.exp(log_p) * (log_p - log_q)))
        hard += float(logsumexp(s) - s[label])
    n = len(labels)
    return np.asarray(alpha * temperature**2 * soft / n + (1 - alpha) * hard / n)


# ---------------------------------------------------------------- Exercise 8: queue_latencies
def _queue(arrivals, max_batch, service_s, *, side="right", cap=True, from_start=False, fill=False,
           charge_max=False):
    arrivals = np.asarray(arrivals, float)
    latency, free_at, i = np.zeros(len(arrivals)), 0.0, 0
    while i < len(arrivals):
        if fill:
            last = min(i + max_batch, len(arrivals)) - 1
            start, j = max(free_at, arrivals[last]), last + 1
        else:
            start = max(free_at, arrivals[i])
            j = int(np.searchsorted(arrivals, start, side=side))
            j = max(j, i + 1)
            j = min(j, i + max_batch) if cap else j
        chosen = list(range(i, j))
        free_at = start + service_s(max_batch if charge_max else len(chosen))
        for k in chosen:
            latency[k] = free_at - (start if from_start else arrivals[k])
        i = j
    return latency


def queue_latency_from_batch_start(arrivals, max_batch, service_s):
    """Measures latency from the start of the batch, leaving out the wait in the queue."""
    return _queue(arrivals, max_batch, service_s, from_start=True)


def queue_excludes_arrivals_at_the_free_instant(arrivals, max_batch, service_s):
    """A request that arrives exactly when the server frees waits for the next batch."""
    return _queue(arrivals, max_batch, service_s, side="left")


def queue_ignores_max_batch(arrivals, max_batch, service_s):
    """Takes every waiting request, however many."""
    return _queue(arrivals, max_batch, service_s, cap=False)


def queue_waits_for_a_full_batch(arrivals, max_batch, service_s):
    """Waits until max_batch requests have arrived before starting a batch."""
    return _queue(arrivals, max_batch, service_s, fill=True)


def queue_charges_max_batch(arrivals, max_batch, service_s):
    """Charges every batch the time of a full batch, service_s(max_batch)."""
    return _queue(arrivals, max_batch, service_s, charge_max=True)


def queue_takes_future_requests(arrivals, max_batch, service_s):
    """Fills each batch with the next max_batch requests, even those that have not arrived yet."""
    arrivals = np.asarray(arrivals, float)
    latency, free_at, i = np.zeros(len(arrivals)), 0.0, 0
    while i < len(arrivals):
        start, j = max(free_at, arrivals[i]), min(i + max_batch, len(arrivals))
        free_at = start + service_s(j - i)
        latency[i:j] = free_at - arrivals[i:j]
        i = j
    return latency


def queue_one_at_a_time(arrivals, max_batch, service_s):
    """Never batches: every request is its own call."""
    return _queue(arrivals, 1, service_s)


def queue_idle_server(arrivals, max_batch, service_s):
    """Serves every request as if the server were idle when it arrived."""
    return np.array([service_s(1) for _ in arrivals])


def queue_latest_first(arrivals, max_batch, service_s):
    """Serves the newest waiting requests first (a stack, not a queue)."""
    arrivals = np.asarray(arrivals, float)
    latency = np.zeros(len(arrivals))
    waiting, free_at, nxt = [], 0.0, 0
    while nxt < len(arrivals) or waiting:
        if not waiting:
            free_at = max(free_at, arrivals[nxt])
        while nxt < len(arrivals) and arrivals[nxt] <= free_at:
            waiting.append(nxt)
            nxt += 1
        batch = waiting[-max_batch:]
        del waiting[-max_batch:]
        free_at += service_s(len(batch))
        latency[batch] = free_at - arrivals[batch]
    return latency


def queue_returns_finish_times(arrivals, max_batch, service_s):
    """Returns when each request finishes, not how long it took."""
    return _queue(arrivals, max_batch, service_s) + np.asarray(arrivals, float)


def queue_in_milliseconds(arrivals, max_batch, service_s):
    """Reports latencies in milliseconds instead of seconds."""
    return _queue(arrivals, max_batch, service_s) * 1000


def queue_fails_on_no_requests(arrivals, max_batch, service_s):
    """Indexes arrivals[0] before checking that there are any."""
    free_at = float(arrivals[0])
    del free_at
    return _queue(arrivals, max_batch, service_s)


def queue_event_driven(arrivals, max_batch, service_s):
    """Right: a deque of waiting requests and an explicit clock."""
    from collections import deque

    arrivals = list(arrivals)
    latencies = [0.0] * len(arrivals)
    pending, clock, nxt = deque(), 0.0, 0
    while nxt < len(arrivals) or pending:
        if not pending:
            clock = max(clock, arrivals[nxt])
        while nxt < len(arrivals) and arrivals[nxt] <= clock:
            pending.append(nxt)
            nxt += 1
        batch = [pending.popleft() for _ in range(min(max_batch, len(pending)))]
        clock += service_s(len(batch))
        for k in batch:
            latencies[k] = clock - arrivals[k]
    return latencies


def queue_with_searchsorted(arrivals, max_batch, service_s):
    """Right: jumps to the end of each batch with np.searchsorted."""
    out, free, i = np.empty(len(arrivals)), 0.0, 0
    while i < len(arrivals):
        begin = max(free, arrivals[i])
        j = min(int(np.searchsorted(arrivals, begin, side="right")), i + max_batch)
        free = begin + service_s(j - i)
        out[i:j] = free - arrivals[i:j]
        i = j
    return out


WRONG = {
    "check_quantize_uint8": [
        quantize_forgets_zero,
        quantize_truncates,
        quantize_symmetric,
        quantize_divides_by_256,
        quantize_hi_from_data_only,
        quantize_scale_one_for_constant_input,
        quantize_zero_point_truncated,
        quantize_zero_point_ceiling,
        quantize_in_place,
        quantize_flattens,
        quantize_grows_scale_from_zero,
    ],
    "check_latency_percentiles": [
        latency_times_warmup_too,
        latency_one_stopwatch,
        latency_in_seconds,
        latency_sorted_index,
        latency_skips_warmup,
        latency_uses_perf_counter,
        latency_percentile_as_fraction,
        latency_one_warmup_short,
        latency_one_call_extra,
        latency_max_as_p95,
        latency_forgets_to_append,
    ],
    "check_magnitude_prune": [
        prune_by_signed_value,
        prune_in_place,
        prune_each_row,
        prune_truncates_count,
        prune_ceiling_count,
        prune_returns_input_when_nothing_to_do,
        prune_threshold_at_sorted_k,
        prune_quantile_threshold,
        prune_keeps_the_largest_slice,
        prune_upcasts_to_float64,
        prune_one_at_a_time,
    ],
    "check_storage_bytes": [
        storage_csr_values_only,
        storage_forgets_indptr,
        storage_counts_elements,
        storage_compresses_float64,
        storage_default_zlib_level,
        storage_gzip,
        storage_assumes_int64_indices,
        storage_in_kilobytes,
        storage_csr_of_the_transpose,
        storage_counts_nonzeros_forever,
    ],
    "check_choose_variant": [
        choose_by_p50,
        choose_ignores_size,
        choose_smallest,
        choose_without_tie_break,
        choose_first_row_when_nothing_fits,
        choose_strict_size_budget,
        choose_strict_latency_budget,
        choose_none_only_for_size,
        choose_last_of_the_best,
        choose_returns_position,
        choose_while_without_step,
    ],
    "check_operators_run": [
        operators_of_the_file,
        operators_ignores_the_level,
        operators_levels_off_by_one,
        operators_basic_means_disable,
        operators_extended_means_basic,
        operators_as_a_set,
        operators_as_a_list,
        operators_by_node_name,
        operators_standard_domain_only,
        operators_read_before_the_session,
        operators_overwrites_the_model,
    ],
    "check_distillation_loss": [
        kd_without_t_squared,
        kd_teacher_not_softened,
        kd_student_not_softened,
        kd_reversed_kl,
        kd_sums_over_rows,
        kd_mean_over_every_entry,
        kd_alpha_swapped,
        kd_cross_entropy_at_t,
        kd_soft_cross_entropy,
        kd_naive_softmax,
        kd_without_the_labels,
        kd_softmax_in_place,
    ],
    "check_queue_latencies": [
        queue_latency_from_batch_start,
        queue_excludes_arrivals_at_the_free_instant,
        queue_ignores_max_batch,
        queue_waits_for_a_full_batch,
        queue_charges_max_batch,
        queue_one_at_a_time,
        queue_takes_future_requests,
        queue_idle_server,
        queue_latest_first,
        queue_returns_finish_times,
        queue_in_milliseconds,
        queue_fails_on_no_requests,
    ],
}

#: Correct answers written differently from the solution: every check must accept them.
RIGHT = {
    "check_quantize_uint8": [quantize_round_half_up, quantize_with_a_lookup_of_steps],
    "check_latency_percentiles": [latency_with_timeit, latency_lap_times_with_pandas],
    "check_magnitude_prune": [prune_with_partition_threshold, prune_with_scipy_ranks],
    "check_storage_bytes": [storage_by_hand, storage_with_csr_matrix],
    "check_choose_variant": [choose_with_query_and_sorted, choose_with_a_loop],
    "check_operators_run": [operators_with_a_lookup_by_name, operators_with_pandas],
    "check_distillation_loss": [kd_with_scipy, kd_row_by_row],
    "check_queue_latencies": [queue_event_driven, queue_with_searchsorted],
}
