"""Checks for the exercises of Chapter 13: Optimization for size and latency.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch13_wrong_answers.py.
"""

from __future__ import annotations

import functools
import math
import tempfile
import zlib
from collections import Counter
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse

from mlskills.checks import Fail, call, call_on, check, counted, short
from mlskills.measure import FakeClock


# ---------------------------------------------------------------- Exercise 1: uint8 quantization
def _expected_range(x: np.ndarray) -> tuple[float, float]:
    return min(float(x.min()), 0.0), max(float(x.max()), 0.0)


def _unpack_quantized(result, what: str):
    if not isinstance(result, tuple) or len(result) != 3:
        raise Fail(
            f"quantize_uint8({what}) should return a tuple (q, scale, zero_point), got {short(result)}"
        )
    q, scale, zero_point = result
    if not isinstance(q, np.ndarray):
        raise Fail(f"q should be a NumPy array, got {type(q).__name__}")
    if q.dtype != np.uint8:
        raise Fail(
            f"q should have dtype uint8 (values 0..255), got {q.dtype}; convert with .astype(np.uint8) after clipping"
        )
    if isinstance(zero_point, (bool, np.bool_)) or not isinstance(zero_point, (int, np.integer)):
        raise Fail(
            f"zero_point should be an int (an integer that q can store), got {type(zero_point).__name__} {short(zero_point)}"
        )
    if not isinstance(scale, (float, np.floating)):
        raise Fail(f"scale should be a float, got {type(scale).__name__} {short(scale)}")
    return q, float(scale), int(zero_point)


def _quantize_cases() -> list[tuple[np.ndarray, str]]:
    rng = np.random.default_rng(13)
    mixed = rng.normal(0.4, 1.0, size=(20, 30)).astype(np.float32)
    mixed[0, :5] = 0.0  # exact zeros must come back exactly
    positive = rng.uniform(0.5, 3.0, size=200).astype(np.float32)  # like post-ReLU activations
    # -lo/scale is 65.2 here: rounding and rounding up give different zero points
    few_negatives = np.random.default_rng(3).uniform(-1.0, 3.0, size=100).astype(np.float32)
    negative = np.random.default_rng(5).uniform(-4.0, -0.5, size=(8, 8)).astype(np.float32)
    constant = np.full(6, 2.0, dtype=np.float32)
    return [
        (mixed, "a 20×30 matrix with both signs"),
        (positive, "200 values between 0.5 and 3"),
        (few_negatives, "100 values between -1 and 3"),
        (negative, "an 8×8 matrix of negative values only"),
        (constant, "six values that are all 2.0"),
    ]


def _scale_hint(x: np.ndarray, scale: float, lo: float, hi: float) -> str:
    if hi != float(x.max()) and np.isclose(scale, (float(x.max()) - lo) / 255, rtol=1e-5):
        return "every value here is negative: the top of the range must be 0, not the largest value (step 1)"
    if np.isclose(scale, (float(x.max()) - float(x.min())) / 255, rtol=1e-5) and (
        lo != float(x.min()) or hi != float(x.max())
    ):
        return "the range must contain 0 (step 1), however the values lie"
    if np.isclose(scale, (hi - lo) / 256, rtol=1e-5):
        return "uint8 has 255 steps between 0 and 255, so divide by 255, not 256"
    if np.isclose(scale, max(abs(lo), abs(hi)) / 127.5, rtol=1e-5) or np.isclose(
        scale, max(abs(lo), abs(hi)) / 127, rtol=1e-5
    ):
        return "that is a symmetric scale; asymmetric quantization spreads the whole range over 255 steps"
    if scale == 1.0:
        return "scale 1.0 is only for a range of zero width (all zeros); this range is not empty"
    return "follow steps 1 and 2 of the exercise"


@check(budget_s=5)
def check_quantize_uint8(fn):
    for x, what in _quantize_cases():
        original = x.copy()
        q, scale, zero_point = _unpack_quantized(call_on(fn, what, x), what)
        if not np.array_equal(x, original):
            raise Fail(f"quantize_uint8 changed its input ({what}); work on a copy")
        if q.shape != x.shape:
            raise Fail(f"q should have the input's shape {x.shape}, got {q.shape}")
        lo, hi = _expected_range(x)
        expected_scale = (hi - lo) / 255
        if not np.isclose(scale, expected_scale, rtol=1e-5):
            raise Fail(
                f"for {what}, scale should be {expected_scale:.6g}, got {scale:.6g}: {_scale_hint(x, scale, lo, hi)}"
            )
        if not 0 <= zero_point <= 255:
            raise Fail(
                f"for {what}, zero_point should lie in 0..255 so that 0.0 is representable, got {zero_point}; include 0 in the range"
            )
        if abs(zero_point - (-lo / scale)) > 0.5 + 1e-6:
            raise Fail(
                f"for {what}, -lo / scale is {-lo / scale:.2f}, so zero_point should be {round(-lo / scale)}, "
                f"got {zero_point}: round to the nearest integer (not down, not up)"
            )
        restored = scale * (q.astype(np.float64) - zero_point)
        error = np.abs(restored - x.astype(np.float64))
        if error.max() > scale / 2 + 1e-6:
            worst = np.unravel_index(error.argmax(), x.shape)
            raise Fail(
                f"for {what}, the value {x[worst]:.4f} comes back as {restored[worst]:.4f}, an error of "
                f"{error.max():.4f} > scale/2 = {scale / 2:.4f}: round to the nearest integer instead of truncating"
            )
        if (x == 0).any() and not np.all(restored[x == 0] == 0):
            raise Fail(
                f"for {what}, 0.0 does not come back exactly; q for 0.0 must equal zero_point"
            )
        ends = [(lo, 0, "smallest"), (hi, 255, "largest")]
        for end, code, which in ends:
            if end != 0.0 and int(q.flat[np.argmin(np.abs(x - end))]) != code:
                raise Fail(
                    f"for {what}, the {which} value {end:.4f} should map to {code}, got {int(q.flat[np.argmin(np.abs(x - end))])}"
                )
    q, scale, zero_point = _unpack_quantized(call(fn, np.zeros(4, np.float32)), "np.zeros(4)")
    if scale != 1.0 or zero_point != 0 or q.tolist() != [0, 0, 0, 0]:
        raise Fail(
            f"for all-zero input, return q = zeros, scale = 1.0, zero_point = 0 (got scale {short(scale)}, zero_point {zero_point})"
        )
    return (
        "quantize_uint8 uses scale (hi-lo)/255 and zero point round(-lo/scale) with 0 in the range, keeps every "
        "error ≤ scale/2, returns 0.0 exactly, and handles mixed, all-positive, all-negative, constant and all-zero inputs"
    )


# ---------------------------------------------------------------- Exercise 2: latency harness
WARMUP_MS = 100.0
TIMED_MS = [float(v) for v in (*range(1, 31), 50, 60, 70, 80, 90, 100, 110, 120, 130, 140)]


class _Clock(FakeClock):
    """The fake clock handed to the learner, shown as ``clock`` in hints."""

    def __repr__(self) -> str:
        return "clock"


def _fake_model(warmup: int, timed_ms):
    """A fake model: `warmup` calls of 100 ms, then the scripted durations, then 1 ms.

    A harness that keeps calling it far beyond warm-up + repeats is stopped with a hint.
    """
    clock = _Clock()
    durations = [WARMUP_MS] * warmup + list(timed_ms)
    state = {"calls": 0}

    def model():
        step = durations[state["calls"]] if state["calls"] < len(durations) else 1.0
        state["calls"] += 1
        clock.advance(step / 1000)

    return counted(model, len(durations) + 50, "the model"), clock, state


def _unpack_latency(result, case: str) -> tuple[float, float]:
    if not isinstance(result, dict) or not {"p50_ms", "p95_ms"} <= set(result):
        raise Fail(
            f"latency_percentiles ({case}) should return a dict with keys 'p50_ms' and 'p95_ms', got {short(result)}"
        )
    try:
        return float(result["p50_ms"]), float(result["p95_ms"])
    except (TypeError, ValueError) as exc:
        raise Fail(
            f"p50_ms and p95_ms should be numbers of milliseconds, got {short(result)}"
        ) from exc


@check(budget_s=5)
def check_latency_percentiles(fn):
    order = np.random.default_rng(7).permutation(len(TIMED_MS))
    cases = [
        (3, [TIMED_MS[i] for i in order]),
        (0, [5.0] * 9 + [50.0]),
    ]
    for warmup, timed in cases:
        case = f"warmup={warmup}, repeats={len(timed)}"
        model, clock, state = _fake_model(warmup, timed)
        p50, p95 = _unpack_latency(
            call(fn, model, warmup=warmup, repeats=len(timed), clock=clock), case
        )
        expected = np.percentile(timed, [50, 95])
        if state["calls"] != warmup + len(timed):
            raise Fail(
                f"with {case} the model should be called {warmup + len(timed)} times "
                f"(warm-up calls included), but it was called {state['calls']} times"
            )
        if np.allclose([p50, p95], expected, atol=1e-6):
            continue
        everything = [WARMUP_MS] * warmup + timed
        if clock.reads == 0:
            hint = "your function never read the clock it was given; time each call with clock(), not another timer"
        elif np.allclose([p50, p95], np.percentile(timed, [0.5, 0.95]), atol=1e-6):
            hint = "np.percentile takes percents (0 to 100); fractions are for np.quantile"
        elif np.allclose([p50, p95], expected / 1000, atol=1e-9):
            hint = "these look like seconds; multiply by 1000 to report milliseconds"
        elif warmup and np.allclose([p50, p95], np.percentile(everything, [50, 95]), atol=1e-6):
            hint = "the warm-up calls were timed too; run them before you start timing"
        elif np.isclose(p50, np.mean(timed), atol=1e-6) or np.isclose(
            p50, np.mean(everything), atol=1e-6
        ):
            hint = (
                "that is a mean; time each call on its own and take np.percentile of the durations"
            )
        elif np.allclose(
            [p50, p95],
            [sorted(timed)[min(int(q / 100 * len(timed)), len(timed) - 1)] for q in (50, 95)],
        ):
            hint = "that indexes the sorted list; use np.percentile (linear interpolation between neighbours)"
        elif np.isclose(p50, expected[0], atol=1e-6):
            hint = "p50 is right but p95 is not: take the 95th percentile, interpolated as np.percentile does"
        else:
            hint = "time each call with clock() before and after it, then use np.percentile"
        raise Fail(
            f"with {case} and known call durations, expected p50={expected[0]:g} ms and p95={expected[1]:g} ms, "
            f"got p50={p50:g} and p95={p95:g}: {hint}"
        )
    return (
        "latency_percentiles runs the warm-up calls untimed, times each call on its own, "
        "and reports np.percentile p50/p95 in milliseconds"
    )


# ---------------------------------------------------------------- Exercise 3: magnitude pruning
def _check_pruned(fn, weights: np.ndarray, sparsity: float, what: str) -> None:
    original = weights.copy()
    got = call_on(fn, f"{what}, {sparsity}", weights, sparsity)
    if not isinstance(got, np.ndarray):
        raise Fail(f"magnitude_prune should return a NumPy array, got {type(got).__name__}")
    if not np.array_equal(weights, original):
        raise Fail(
            f"magnitude_prune({what}, {sparsity}) modified its input; prune a copy and return it"
        )
    if got is weights or np.shares_memory(got, weights):
        raise Fail(
            f"magnitude_prune({what}, {sparsity}) returned its input (or a view of it); return a new array, "
            "even when there is nothing to prune"
        )
    if got.shape != weights.shape or got.dtype != weights.dtype:
        raise Fail(
            f"the result should keep shape {weights.shape} and dtype {weights.dtype}, got {got.shape} {got.dtype}"
        )
    k = int(round(sparsity * weights.size))
    zeros = int((got == 0).sum())
    if zeros != k:
        extra = ""
        if zeros == int(sparsity * weights.size):
            extra = " (round, do not truncate with int())"
        elif zeros == math.ceil(sparsity * weights.size):
            extra = " (round to the nearest integer, not up)"
        raise Fail(
            f"magnitude_prune({what}, {sparsity}) should zero exactly round({sparsity} × {weights.size}) = {k} weights, got {zeros}{extra}"
        )
    kept = got != 0
    if not np.array_equal(got[kept], weights[kept]):
        raise Fail(
            "the surviving weights should keep their original values; only set pruned entries to 0"
        )
    expected_zero = np.zeros(weights.size, bool)
    expected_zero[np.argsort(np.abs(weights), axis=None, kind="stable")[:k]] = True
    expected_zero = expected_zero.reshape(weights.shape)
    if not np.array_equal(~kept, expected_zero):
        wrongly = weights[~kept & ~expected_zero]
        if (wrongly < 0).all() and wrongly.size:
            raise Fail(
                f"large negative weights were pruned (e.g. {wrongly.min():.3f}); rank by magnitude np.abs(w), not by signed value"
            )
        raise Fail(
            f"the pruned weights are not the {k} smallest in |w| over the whole matrix "
            f"(e.g. {np.abs(wrongly).max():.3f} was pruned); rank all weights together, not row by row"
        )


@check(budget_s=8)
def check_magnitude_prune(fn):
    rng = np.random.default_rng(3)
    weights = rng.normal(0, 1, size=(16, 32)).astype(np.float32)
    weights[:, 0] *= 4  # one column of large weights: per-row pruning gets this wrong
    weights[3, 3] = -5.0
    _check_pruned(fn, weights, 0.75, "a 16×32 matrix")
    small = rng.normal(0, 1, size=(7, 9))
    _check_pruned(fn, small, 0.9, "a 7×9 float64 matrix")  # 56.7 weights: rounds up
    _check_pruned(fn, small, 0.1, "a 7×9 float64 matrix")  # 6.3 weights: rounds down
    _check_pruned(fn, weights, 0.0, "a 16×32 matrix")
    _check_pruned(fn, weights, 1.0, "a 16×32 matrix")
    return (
        "magnitude_prune zeros exactly round(sparsity × size) weights of smallest |w|, globally, for sparsity "
        "0 to 1, in a new array without touching its input"
    )


# ---------------------------------------------------------------- Exercise 4: storage bytes
@check(budget_s=5)
def check_storage_bytes(fn):
    rng = np.random.default_rng(4)
    sparse = rng.normal(0, 1, size=(64, 128)).astype(np.float32)
    sparse[rng.random(sparse.shape) < 0.9] = 0.0
    dense = rng.normal(0, 1, size=(30, 20)).astype(np.float32)
    for weights, what in (
        (sparse, "a 64×128 float32 matrix that is 90% zeros"),
        (dense, "a dense 30×20 float32 matrix"),
    ):
        got = call_on(fn, what, weights)
        if not isinstance(got, dict) or not {"dense", "csr", "zlib"} <= set(got):
            raise Fail(
                f"storage_bytes should return a dict with keys 'dense', 'csr' and 'zlib', got {short(got)}"
            )
        csr = scipy.sparse.csr_array(weights)
        expected = {
            "dense": weights.nbytes,
            "csr": csr.data.nbytes + csr.indices.nbytes + csr.indptr.nbytes,
            "zlib": len(zlib.compress(weights.tobytes(), 9)),
        }
        for key in ("dense", "csr", "zlib"):
            value = got[key]
            if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
                raise Fail(
                    f"storage_bytes(...)['{key}'] should be an int number of bytes, got {short(value)}"
                )
        if got["dense"] != expected["dense"]:
            hint = (
                " (that is the number of elements; multiply by 4 bytes per float32)"
                if got["dense"] == weights.size
                else ""
            )
            raise Fail(
                f"for {what}, dense should be {expected['dense']:,} bytes, got {int(got['dense']):,}{hint}"
            )
        if got["csr"] != expected["csr"]:
            if got["csr"] == csr.data.nbytes:
                hint = "that counts only the values; CSR also stores a column index per value and a row pointer per row"
            elif got["csr"] == csr.data.nbytes + csr.indices.nbytes:
                hint = "add the row pointers too (indptr: rows + 1 entries of 4 bytes)"
            else:
                hint = (
                    "count the three arrays of the matrix's own CSR form, scipy.sparse.csr_array(w), "
                    "with the dtypes scipy chose"
                )
            raise Fail(
                f"for {what}, csr should be {expected['csr']:,} bytes, got {int(got['csr']):,}: {hint}"
            )
        if got["zlib"] != expected["zlib"]:
            raise Fail(
                f"for {what}, zlib should be {expected['zlib']:,} bytes, got {int(got['zlib']):,}: compress the "
                "dense bytes of the matrix as it is, with zlib (no gzip header) at level 9; the exercise names a helper"
            )
    return "storage_bytes counts dense, CSR (values + indices + row pointers) and zlib-compressed bytes exactly"


# ---------------------------------------------------------------- Exercise 5: choose a variant
def _results_table() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "bytes": [1_200_000, 310_000, 100_000, 40_000, 30_000],
            "p50_ms": [0.03, 0.02, 0.5, 0.01, 0.01],
            "p95_ms": [0.05, 0.04, 12.0, 0.02, 0.02],
            "accuracy": [0.980, 0.978, 0.979, 0.975, 0.975],
        },
        index=pd.Index(["big fp32", "int8", "tail-heavy", "small twin", "small"], name="variant"),
    )


@check(budget_s=5)
def check_choose_variant(fn):
    more_accurate = (
        "it fits, but int8 fits too and is more accurate; pick the most accurate feasible variant"
    )
    on_the_limit = "int8 is exactly at the limit, and a budget includes its limit"
    tie = "small and small twin are equally accurate; break the tie with fewer bytes"
    cases = [
        (
            dict(max_bytes=500_000, max_p95_ms=10.0),
            "int8",
            {
                "tail-heavy": "it breaks the 10 ms p95 budget (its p50 looks fine, but users feel the p95)",
                "big fp32": "it is larger than max_bytes",
                "small": more_accurate,
                "small twin": more_accurate,
            },
            "as listed",
        ),
        (dict(max_bytes=2_000_000, max_p95_ms=10.0), "big fp32", {}, "as listed"),
        (
            dict(max_bytes=310_000, max_p95_ms=10.0),
            "int8",
            {"small": on_the_limit, "small twin": on_the_limit},
            "as listed",
        ),
        (
            dict(max_bytes=500_000, max_p95_ms=0.04),
            "int8",
            {"small": on_the_limit, "small twin": on_the_limit},
            "as listed",
        ),
        (dict(max_bytes=50_000, max_p95_ms=1.0), "small", {"small twin": tie}, "as listed"),
        (dict(max_bytes=50_000, max_p95_ms=1.0), "small", {"small twin": tie}, "in reverse order"),
        (dict(max_bytes=10_000, max_p95_ms=10.0), None, {}, "as listed"),
        (dict(max_bytes=2_000_000, max_p95_ms=0.01), None, {}, "as listed"),
    ]
    for budget, expected, hints, order in cases:
        table = _results_table()
        if order != "as listed":
            table = table.iloc[::-1]
        shown = ", ".join(
            f"{k}={v:,}" if isinstance(v, int) else f"{k}={v}" for k, v in budget.items()
        )
        if order != "as listed":
            shown += f", with the table's rows {order}"
        got = call_on(fn, f"the results table, {shown}", table.copy(), **budget)
        if expected is None:
            if got is not None:
                raise Fail(
                    f"with {shown} no variant fits both budgets, so return None; got {short(got)}"
                )
            continue
        if not isinstance(got, str):
            raise Fail(
                f"with {shown}, return the variant's name (a str from the index), got {type(got).__name__} {short(got)}"
            )
        if got != expected:
            reason = hints.get(
                got,
                "keep the variants within both budgets, then take the most accurate",
            )
            raise Fail(f"with {shown}, expected {expected!r}, got {got!r}: {reason}")
    return (
        "choose_variant filters on size and p95 (limits included), picks the most accurate, breaks ties by size "
        "whatever the row order, and returns None when nothing fits either budget"
    )


# ---------------------------------------------------------------- Exercise 6: the graph ONNX Runtime runs
LEVEL_NAMES = ("disable", "basic", "extended", "all")


@functools.cache
def _graphs_to_optimise() -> dict[str, str]:
    """Two small ONNX files, written once per process: a float graph with work for every
    level (an Identity, a constant product, MatMul + Add, a ReLU) and its QDQ int8 version."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from onnxruntime.quantization import (
        CalibrationDataReader,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    folder = Path(tempfile.mkdtemp(prefix="ch13-check-"))
    rng = np.random.default_rng(6)
    weights = rng.normal(0, 0.3, (8, 16)).astype(np.float32)
    bias = rng.normal(0, 0.1, 16).astype(np.float32)
    nodes = [
        helper.make_node("Identity", ["x"], ["x_copy"]),
        helper.make_node("Mul", ["w", "two"], ["w2"]),
        helper.make_node("MatMul", ["x_copy", "w2"], ["product"]),
        helper.make_node("Add", ["product", "b"], ["pre"]),
        helper.make_node("Relu", ["pre"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 16])],
        [
            numpy_helper.from_array(weights, "w"),
            numpy_helper.from_array(bias, "b"),
            numpy_helper.from_array(np.array(2.0, np.float32), "two"),
        ],
    )
    fp32 = folder / "tiny_fp32.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), fp32)

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"x": rng.random((32, 8), dtype=np.float32)}])

        def get_next(self):
            return next(self.batches, None)

    qdq = folder / "tiny_int8_qdq.onnx"
    quant_pre_process(fp32, folder / "tiny_prep.onnx")  # as the quantizer recommends
    quantize_static(
        folder / "tiny_prep.onnx", qdq, Reader(), quant_format=QuantFormat.QDQ,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, reduce_range=True,
    )
    return {"a small float graph": str(fp32), "its QDQ int8 version": str(qdq)}


def _operators(path: str | Path, level: str | None) -> dict[str, int]:
    """{op type: count} of the file as written (level None) or of the graph run at ``level``."""
    import onnx
    import onnxruntime as ort

    if level is None:
        return dict(Counter(node.op_type for node in onnx.load(str(path)).graph.node))
    options = ort.SessionOptions()
    options.graph_optimization_level = {
        "disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[level]
    out = Path(tempfile.mkdtemp(prefix="ch13-check-")) / "optimised.onnx"
    options.optimized_model_filepath = str(out)
    options.log_severity_level = 3
    ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
    return dict(Counter(node.op_type for node in onnx.load(str(out)).graph.node))


@check(budget_s=30)  # imports ONNX Runtime and quantizes a graph on first use
def check_operators_run(fn):
    graphs = _graphs_to_optimise()
    for what, path in graphs.items():
        written = _operators(path, None)
        expected_by_level = {level: _operators(path, level) for level in LEVEL_NAMES}
        for level in LEVEL_NAMES:
            copy = Path(tempfile.mkdtemp(prefix="ch13-check-")) / Path(path).name  # the answer gets its own file
            copy.write_bytes(Path(path).read_bytes())
            got = call_on(fn, f"{what}, {level!r}", str(copy), level)
            if copy.read_bytes() != Path(path).read_bytes():
                raise Fail(
                    f"operators_run(<{what}>, {level!r}) changed the model file it was given; "
                    "write the optimised graph to a file of its own"
                )
            if not isinstance(got, Mapping):
                raise Fail(
                    f"operators_run(<{what}>, {level!r}) should return a dict {{operator type: count}}, "
                    f"got {type(got).__name__} {short(got)}"
                )
            try:
                got = {str(k): int(v) for k, v in got.items()}
            except (TypeError, ValueError):
                raise Fail(f"the counts should be ints, got {short(dict(got))}") from None
            expected = expected_by_level[level]
            if got == expected:
                continue
            others = [name for name, ops in expected_by_level.items() if ops == got and name != level]
            if got == written and expected != written:
                hint = "those are the operators in the file as written; count the graph the session runs after its rewrites"
            elif others:
                hint = f"that is the graph of level {others[0]!r}; check which optimisation level your session really used"
            elif set(got) == set(expected):
                hint = "the operator types are right but not how many of each; count every node"
            elif set(expected) - set(got) and all(
                op in {"FusedGemm", "QGemm", "DynamicQuantizeMatMul"} for op in set(expected) - set(got)
            ):
                hint = "operators ONNX Runtime adds from its own domain (com.microsoft) are part of the graph it runs too"
            else:
                hint = "count the op_type of every node in the graph the session runs at that level"
            raise Fail(
                f"for {what} at level {level!r}, ONNX Runtime runs {short(expected)}, "
                f"your answer gave {short(got)}: {hint}"
            )
    return (
        "operators_run counts the operator types of the graph ONNX Runtime runs at 'disable', 'basic' and "
        "'extended' (and at 'all', which adds nothing more to these graphs), for a float graph and its QDQ int8 "
        "version, without touching the model file"
    )


# ---------------------------------------------------------------- Exercise 7: the distillation loss
def _log_softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _kd_parts(student, teacher, labels, temperature):
    """(soft term before alpha, hard term before 1 - alpha), both means over rows."""
    log_p_teacher = _log_softmax(teacher / temperature)
    log_p_student = _log_softmax(student / temperature)
    kl = (np.exp(log_p_teacher) * (log_p_teacher - log_p_student)).sum(axis=1).mean()
    ce = -_log_softmax(student)[np.arange(len(labels)), labels].mean()
    return temperature**2 * kl, ce


def _kd_cases():
    rng = np.random.default_rng(7)
    student = rng.normal(0, 2, (6, 5))
    teacher = rng.normal(0, 3, (6, 5))
    labels = np.array([0, 1, 2, 3, 4, 0])
    huge_s = rng.normal(0, 1, (4, 3)) * 300 + 800  # naive exp() overflows here
    huge_t = rng.normal(0, 1, (4, 3)) * 300 - 800
    return [
        (student, teacher, labels, 4.0, 0.9, "6 rows, 5 classes, T=4, alpha=0.9"),
        (student, teacher, labels, 1.0, 0.5, "6 rows, 5 classes, T=1, alpha=0.5"),
        (student, teacher, labels, 2.0, 1.0, "6 rows, 5 classes, T=2, alpha=1 (teacher only)"),
        (student, teacher, labels, 8.0, 0.0, "6 rows, 5 classes, T=8, alpha=0 (labels only)"),
        (student[:3], teacher[:3], labels[:3], 3.0, 0.7, "3 rows, T=3, alpha=0.7"),
        (huge_s, huge_t, np.array([0, 1, 2, 1]), 2.0, 0.5, "logits in the hundreds, T=2, alpha=0.5"),
    ]


def _kd_variant(student, teacher, labels, temperature, alpha, *, t_teacher=None, t_student=None, reverse=False,
               t_labels=1.0, soft_cross_entropy=False) -> float:
    """The loss with one rule broken (for hints)."""
    log_t = _log_softmax(teacher / (temperature if t_teacher is None else t_teacher))
    log_s = _log_softmax(student / (temperature if t_student is None else t_student))
    if soft_cross_entropy:
        rows = -(np.exp(log_t) * log_s).sum(axis=1)
    elif reverse:
        rows = (np.exp(log_s) * (log_s - log_t)).sum(axis=1)
    else:
        rows = (np.exp(log_t) * (log_t - log_s)).sum(axis=1)
    ce = -_log_softmax(student / t_labels)[np.arange(len(labels)), labels].mean()
    return float(alpha * temperature**2 * rows.mean() + (1 - alpha) * ce)


def _kd_hint(got, student, teacher, labels, temperature, alpha) -> str:
    soft, hard = _kd_parts(student, teacher, labels, temperature)
    t2 = temperature**2
    args = (student, teacher, labels, temperature, alpha)
    candidates = [
        (alpha * soft / t2 + (1 - alpha) * hard, "the soft term's gradients shrink with T; the chapter scales that term back (see its fit docstring)"),
        ((1 - alpha) * soft + alpha * hard, "alpha weights the teacher's term and 1 - alpha the labels' term, not the other way round"),
        (alpha * soft * len(labels) + (1 - alpha) * hard * len(labels), "that looks like a sum over rows; average over the rows of the batch"),
        (alpha * soft / student.shape[1] + (1 - alpha) * hard, "average the KL divergence over rows only, summing over the classes of each row"),
        (_kd_variant(*args, t_teacher=1.0), "the teacher's logits need the same temperature as the student's in the soft term"),
        (_kd_variant(*args, t_student=1.0), "the student's logits in the soft term need the temperature too"),
        (_kd_variant(*args, reverse=True), "KL divergence is not symmetric: measure it from the teacher's distribution (the target) to the student's"),
        (_kd_variant(*args, t_labels=temperature), "the labels' term uses the student's outputs without the temperature"),
        (_kd_variant(*args, soft_cross_entropy=True), "that soft term is a cross-entropy with the teacher, which adds the teacher's entropy; the loss uses the KL divergence"),
    ]
    for value, hint in candidates:
        if np.isclose(got, value, rtol=1e-6, atol=1e-9):
            return hint
    if alpha < 1 and np.isclose(got, alpha * soft, rtol=1e-6, atol=1e-9):
        return "the labels' cross-entropy term is missing"
    if alpha > 0 and np.isclose(got, (1 - alpha) * hard, rtol=1e-6, atol=1e-9):
        return "the teacher's term is missing"
    return "compute the soft and the hard term on their own and compare each with the exercise's description"


@check(budget_s=5)
def check_distillation_loss(fn):
    for student, teacher, labels, temperature, alpha, what in _kd_cases():
        originals = (student.copy(), teacher.copy(), labels.copy())
        got = call_on(fn, what, student, teacher, labels, temperature=temperature, alpha=alpha)
        if not all(np.array_equal(a, b) for a, b in zip((student, teacher, labels), originals, strict=True)):
            raise Fail(f"distillation_loss({what}) modified its inputs; work on copies")
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.floating, np.integer)) and not (
            isinstance(got, np.ndarray) and got.ndim == 0
        ):
            raise Fail(f"distillation_loss({what}) should return one float, got {type(got).__name__} {short(got)}")
        got = float(got)
        soft, hard = _kd_parts(student, teacher, labels, temperature)
        expected = alpha * soft + (1 - alpha) * hard
        if not math.isfinite(got):
            raise Fail(
                f"distillation_loss({what}) returned {got}: exp() of large logits overflows; "
                "shift each row by its maximum before exponentiating (the log-sum-exp trick)"
            )
        if not np.isclose(got, expected, rtol=1e-6, atol=1e-9):
            raise Fail(
                f"distillation_loss({what}) should be {expected:.6g}, got {got:.6g}: "
                f"{_kd_hint(got, student, teacher, labels, temperature, alpha)}"
            )
    return (
        "distillation_loss mixes alpha × T² × KL(teacher_T ‖ student_T) with (1 − alpha) × cross-entropy, "
        "both averaged over rows, at T = 1 to 8, alpha = 0 to 1, and stays finite for logits in the hundreds"
    )


# ---------------------------------------------------------------- Exercise 8: a queue with dynamic batching
def _reference_latencies(
    arrivals, max_batch, service_s, *, side="right", cap=True, from_start=False, fill=False, charge_max=False,
    future=False,
) -> np.ndarray:
    """Latencies under the exercise's rules; the keyword arguments break one rule each (for hints)."""
    arrivals = np.asarray(arrivals, float)
    latency, free_at, i = np.empty(len(arrivals)), 0.0, 0
    while i < len(arrivals):
        if fill:
            last = min(i + max_batch, len(arrivals)) - 1
            start, j = max(free_at, arrivals[last]), last + 1
        elif future:
            start, j = max(free_at, arrivals[i]), min(i + max_batch, len(arrivals))
        else:
            start = max(free_at, arrivals[i])
            j = int(np.searchsorted(arrivals, start, side=side))
            j = max(j, i + 1)
            j = min(j, i + max_batch) if cap else j
        free_at = start + service_s(max_batch if charge_max else j - i)
        latency[i:j] = free_at - (start if from_start else arrivals[i:j])
        i = j
    return latency


_QUEUE_HINTS = {
    "side": "a request that arrives at the very instant the server frees is already waiting: it joins that batch",
    "cap": "a batch holds at most max_batch requests; the rest wait for the next one",
    "from_start": "a latency runs from the request's arrival, so it includes the time spent waiting in the queue",
    "fill": "the server never waits for a batch to fill: it starts as soon as it is free and someone is waiting",
    "charge_max": "a batch takes the time for the number of requests it really holds, not for max_batch",
    "one": "requests that wait together share one batch (up to max_batch); here each ran alone",
    "future": "a batch can only hold requests that have already arrived when it starts",
}


def _service(k: int) -> float:
    """A batch of k requests takes (4 + k) / 2048 s: about 2 ms plus 0.5 ms per request.

    Binary fractions, so that "arrives exactly when the server frees" is exact in floats."""
    if not isinstance(k, (int, np.integer)) or isinstance(k, bool) or k < 1:
        raise Fail(f"service_s should be called with the number of requests in the batch (an int ≥ 1), got {short(k)}")
    return (4 + int(k)) / 2048


def _queue_cases():
    rng = np.random.default_rng(8)
    poisson = np.cumsum(rng.exponential(1 / 600, 400))  # 600 requests/s: above batch-1 capacity (410/s)
    tick = 1 / 2048  # about 0.49 ms
    return [
        (np.array([0.0, 20, 40]) * tick, 4, "three requests about 10 ms apart"),
        (np.array([0.0, 2, 3, 4, 5, 6, 7]) * tick, 3, "seven requests in a 3.4 ms burst, max_batch=3"),
        (np.array([0.0, 1, 5, 9]) * tick, 8, "four requests, one arriving exactly when the server frees"),
        (poisson, 1, "400 Poisson arrivals at 600/s, max_batch=1"),
        (poisson, 16, "400 Poisson arrivals at 600/s, max_batch=16"),
        (np.array([]), 4, "no requests at all"),
    ]


@check(budget_s=10)
def check_queue_latencies(fn):
    for arrivals, max_batch, what in _queue_cases():
        got = call_on(fn, what, arrivals.copy(), max_batch, counted(_service, len(arrivals) + 10, "service_s"))
        expected = _reference_latencies(arrivals, max_batch, _service)
        try:
            got = np.asarray(got, dtype=float)
        except (TypeError, ValueError):
            raise Fail(f"for {what}, return one latency per request (an array of seconds), got {short(got)}") from None
        if got.shape != expected.shape:
            raise Fail(f"for {what}, expected {len(expected)} latencies (one per request), got shape {got.shape}")
        if np.allclose(got, expected, atol=1e-9):
            continue
        worst = int(np.argmax(np.abs(got - expected)))
        hint = "replay the rules by hand for the first few requests: when the server frees, who is waiting, in which order they go, how many ride together"
        if np.allclose(got, expected * 1000, atol=1e-6):
            hint = "these look like milliseconds; return seconds"
        elif np.allclose(got, expected + arrivals, atol=1e-9):
            hint = "those are the times the requests finish; a latency counts from each request's own arrival"
        elif np.allclose(got, [_service(1)] * len(got), atol=1e-9):
            hint = "every request came back as if the server were idle when it arrived; requests wait while earlier batches run"
        for rule, options in (
            ("from_start", {"from_start": True}),
            ("side", {"side": "left"}),
            ("cap", {"cap": False}),
            ("fill", {"fill": True}),
            ("charge_max", {"charge_max": True}),
            ("future", {"future": True}),
        ):
            variant = _reference_latencies(arrivals, max_batch, _service, **options)
            if not np.allclose(variant, expected, atol=1e-9) and np.allclose(got, variant, atol=1e-9):
                hint = _QUEUE_HINTS[rule]
                break
        else:
            if max_batch > 1 and np.allclose(got, _reference_latencies(arrivals, 1, _service), atol=1e-9):
                hint = _QUEUE_HINTS["one"]
        raise Fail(
            f"for {what}, request {worst} (arriving at {arrivals[worst] * 1000:.2f} ms) should have a latency of "
            f"{expected[worst] * 1000:.3f} ms, got {got[worst] * 1000:.3f} ms: {hint}"
        )
    return (
        "queue_latencies serves requests in arrival order, starts a batch as soon as the server is free, takes "
        "every request waiting then (arrivals at that instant included) up to max_batch, and counts queueing "
        "plus service time, with or without an overload"
    )
