"""mlskills.measure, the Chapter 13 harness: warm-up excluded, percentiles exact, sizes honest.

Timing code is tested with a fake clock, never with real sleeps.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from mlskills import measure
from tests.pinning import pinned


def scripted(durations_s):
    """A fake model that advances a FakeClock by the given durations, one per call."""
    clock = measure.FakeClock()
    calls = []

    def fn(*_):
        clock.advance(durations_s[len(calls)])
        calls.append(1)

    return fn, clock, calls


def test_fake_clock_moves_only_when_advanced_and_counts_reads():
    clock = measure.FakeClock(start=2.0)
    assert clock() == 2.0
    clock.advance(0.5)
    assert clock() == 2.5
    assert clock.reads == 2
    with pytest.raises(ValueError, match="backwards"):
        clock.advance(-1)


def test_time_calls_runs_warmup_untimed_and_times_each_call():
    fn, clock, calls = scripted([1.0, 1.0, 0.001, 0.002, 0.003])
    seconds = measure.time_calls(fn, warmup=2, repeats=3, clock=clock)
    assert len(calls) == 5
    np.testing.assert_allclose(seconds, [0.001, 0.002, 0.003])


@pytest.mark.parametrize(("warmup", "repeats"), [(0, 0), (-1, 5)])
def test_time_calls_rejects_impossible_counts(warmup, repeats):
    with pytest.raises(ValueError, match="repeats"):
        measure.time_calls(lambda: None, warmup=warmup, repeats=repeats)


def test_compare_reports_linear_percentiles_in_ms_with_its_conditions():
    timed = [0.001 * v for v in range(1, 41)]
    fn, clock, _ = scripted(([0.5] * 3 + timed[:20]) + ([0.5] * 3 + timed[20:]))
    with pinned(2):
        result = measure.compare(
            {"m": fn}, threads=2, rows_per_call=8, trials=2, repeats=20, warmup=3, clock=clock
        )
    timing = result["m"]
    p50, p95 = np.percentile(np.array(timed) * 1000, [50, 95])
    assert timing.percentile_ms(50) == pytest.approx(p50)
    assert timing.percentile_ms(95) == pytest.approx(p95)
    assert (timing.rows_per_call, timing.threads, timing.samples.shape) == (8, 2, (2, 20))
    assert timing.throughput == pytest.approx(8 * 40 / sum(timed))
    assert result.environment["threads stated"] == 2


def test_a_cold_start_does_not_leak_into_the_percentiles():
    fn, clock, _ = scripted(([10.0] * 5 + [0.002] * 50) * 2)
    with pinned(1):
        result = measure.compare({"m": fn}, threads=1, trials=2, repeats=50, warmup=5, clock=clock)
    assert result["m"].percentile_ms(50) == pytest.approx(2.0)
    assert result["m"].percentile_ms(95) == pytest.approx(2.0)


@pytest.mark.parametrize("threads", [0, None, 1.5, "1"])
def test_compare_demands_a_stated_thread_count(threads):
    with pytest.raises(ValueError, match="thread"):
        measure.compare({"m": lambda: None}, threads=threads)


def test_compressed_bytes_is_zlib_of_the_file_or_bytes(tmp_path):
    raw = np.zeros(10_000, np.float32).tobytes() + np.arange(100, dtype=np.float32).tobytes()
    path = tmp_path / "weights.bin"
    path.write_bytes(raw)
    assert measure.file_bytes(path) == len(raw)
    assert measure.compressed_bytes(raw) == len(zlib.compress(raw, 9))
    assert (
        measure.compressed_bytes(path)
        == measure.compressed_bytes(str(path))
        == measure.compressed_bytes(raw)
    )
    assert measure.compressed_bytes(raw) < len(raw) / 10


def test_torch_state_bytes_is_at_least_the_weights():
    torch = pytest.importorskip("torch")
    model = torch.nn.Linear(64, 32)
    assert len(measure.torch_state_bytes(model)) > (64 * 32 + 32) * 4


def test_accuracy_takes_labels_or_scores_and_rejects_a_shape_mismatch():
    X = np.zeros((4, 2))
    y = np.array([0, 1, 1, 0])
    assert measure.accuracy(lambda X: np.array([0, 1, 0, 0]), X, y) == 0.75
    scores = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4], [0.7, 0.3]])
    assert measure.accuracy(lambda X: scores, X, y) == 0.75
    with pytest.raises(ValueError, match="expected labels or scores"):
        measure.accuracy(lambda X: np.zeros(3), X, y)


def tiny_onnx(path):
    onnx = pytest.importorskip("onnx")
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.eye(3, dtype=np.float32) * 2, "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", "W"], ["y"])],
        "double",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 3])],
        [weight],
    )
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)]), path)


def test_onnx_session_pins_threads_and_runs(tmp_path):
    pytest.importorskip("onnxruntime")
    tiny_onnx(tmp_path / "double.onnx")
    session = measure.onnx_session(tmp_path / "double.onnx", threads=1, optimization="basic")
    options = session.get_session_options()
    assert (options.intra_op_num_threads, options.inter_op_num_threads) == (1, 1)
    out = session.run(None, {"x": np.ones((2, 3), np.float32)})[0]
    np.testing.assert_allclose(out, 2 * np.ones((2, 3)))


def test_onnx_session_names_the_valid_optimization_levels(tmp_path):
    pytest.importorskip("onnxruntime")
    tiny_onnx(tmp_path / "double.onnx")
    with pytest.raises(ValueError, match="'all'"):
        measure.onnx_session(tmp_path / "double.onnx", optimization="max")
