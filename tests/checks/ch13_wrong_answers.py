"""Plausible wrong answers for the checks of Chapter 13.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each one is a mistake a learner would really make.
"""

import time

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
}

#: Correct answers written differently from the solution: every check must accept them.
RIGHT = {
    "check_quantize_uint8": [quantize_round_half_up, quantize_with_a_lookup_of_steps],
    "check_latency_percentiles": [latency_with_timeit, latency_lap_times_with_pandas],
    "check_magnitude_prune": [prune_with_partition_threshold, prune_with_scipy_ranks],
    "check_storage_bytes": [storage_by_hand, storage_with_csr_matrix],
    "check_choose_variant": [choose_with_query_and_sorted, choose_with_a_loop],
}
