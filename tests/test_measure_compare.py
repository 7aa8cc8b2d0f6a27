"""The comparison harness: interleaved trials, spread, ties, throughput, threads, environment.

Timing logic is tested with a fake clock, never with real sleeps.
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_limits

from mlskills import measure
from tests.pinning import pinned


def fake(clock, seconds, log=None, name=None):
    def call():
        if log is not None:
            log.append(name)
        clock.advance(seconds() if callable(seconds) else seconds)

    return call


def test_trials_are_interleaved_and_the_order_rotates():
    clock, log = measure.FakeClock(), []
    candidates = {n: fake(clock, 0.001, log, n) for n in "abc"}
    with pinned(1):
        measure.compare(candidates, threads=1, trials=3, repeats=1, warmup=0, clock=clock)
    assert log == ["a", "b", "c", "b", "c", "a", "c", "a", "b"]


def test_median_of_trial_medians_min_max_and_raw_percentiles():
    clock = measure.FakeClock()
    durations = iter([0.001] * 3 + [0.003] * 3 + [0.002] * 2 + [0.010])  # trials of 3 calls
    with pinned(1):
        result = measure.compare(
            {"m": fake(clock, lambda: next(durations))},
            threads=1,
            trials=3,
            repeats=3,
            warmup=0,
            clock=clock,
        )
    timing = result["m"]
    assert timing.samples.shape == (3, 3)
    assert timing.median_ms == pytest.approx(2.0)
    assert timing.range_ms == pytest.approx((1.0, 3.0))
    assert timing.percentile_ms(99) == pytest.approx(
        np.percentile([1, 1, 1, 3, 3, 3, 2, 2, 10], 99)
    )
    assert result.table().loc["m", "p95 ms"] == pytest.approx(
        np.percentile([1, 1, 1, 3, 3, 3, 2, 2, 10], 95)
    )


def test_throughput_is_rows_over_total_time_not_batch_over_p50():
    clock = measure.FakeClock()
    durations = iter([0.001, 0.001, 0.001, 0.097])  # p50 1 ms, but one call took 97 ms
    with pinned(1):
        result = measure.compare(
            {"m": fake(clock, lambda: next(durations))},
            threads=1,
            rows_per_call=10,
            trials=2,
            repeats=2,
            warmup=0,
            clock=clock,
        )
    assert result["m"].throughput == pytest.approx(40 / 0.100)  # 400 rows/s, not 10/0.001


def test_overlapping_ranges_are_a_tie_and_the_verdict_says_so():
    clock = measure.FakeClock()
    a = iter([0.010, 0.014])
    b = iter([0.012, 0.016])
    c = iter([0.030, 0.031])
    with pinned(1):
        result = measure.compare(
            {
                "a": fake(clock, lambda: next(a)),
                "b": fake(clock, lambda: next(b)),
                "c": fake(clock, lambda: next(c)),
            },
            threads=1,
            trials=2,
            repeats=1,
            warmup=0,
            clock=clock,
        )
    assert result.tie("a", "b") and result.tie("b", "a")
    assert not result.tie("a", "c")
    assert result.verdict("a", "b") == "a and b tie: their ranges across trials overlap"
    assert result.verdict("c", "a") == "a is 2.54× faster than c (ranges do not overlap)"


def test_warmup_calls_are_not_timed():
    clock = measure.FakeClock()
    durations = iter([1.0] * 4 + [0.001] * 4)  # two trials: 2 slow warm-ups then 2 fast calls each
    with pinned(1):
        result = measure.compare(
            {"m": fake(clock, lambda: next(durations))},
            threads=1,
            trials=2,
            repeats=2,
            warmup=2,
            clock=clock,
        )
    # the first trial's warm-ups take the slow values, the rest are fast
    assert result["m"].samples.max() <= 1.0


def test_a_stated_thread_count_that_blas_exceeds_is_rejected():
    import threadpoolctl

    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        pytest.skip("no BLAS library visible to threadpoolctl")
    with threadpool_limits(2), pytest.raises(ValueError, match="threadpool_limits"):
        measure.verify_threads(1)


def test_a_stated_thread_count_that_torch_does_not_use_is_rejected():
    torch = pytest.importorskip("torch")
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with threadpool_limits(2, user_api="blas"), pytest.raises(ValueError, match="torch.set_num_threads"):
            measure.verify_threads(2)
        with threadpool_limits(1):
            measure.verify_threads(1)
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("bad", [dict(trials=1), dict(repeats=0), dict(warmup=-1)])
def test_a_comparison_without_a_spread_is_refused(bad):
    with pytest.raises(ValueError, match="^need trials >= 2"):
        measure.compare({"m": lambda: None}, threads=1, **{"trials": 3, **bad})


def test_the_environment_record_names_the_cpu_flags_threads_and_versions():
    import numpy  # noqa: F401 - imported so its version is recorded

    record = measure.environment(threads=1)
    for key in ("cpu", "isa", "logical cores", "cores usable", "threads stated", "python", "numpy"):
        assert key in record
    assert record["threads stated"] == 1
    assert set(record["isa"].split()) <= set(measure.ISA_FLAGS) | {"unknown"}


def test_print_environment_is_one_line(capsys):
    measure.print_environment({"cpu": "X", "threads stated": None, "numpy": "2"})
    assert capsys.readouterr().out == "environment: cpu: X; numpy: 2\n"


# --- the smallest comparison, the table, the messages and the environment (issue 23) -----

import os  # noqa: E402
import platform  # noqa: E402
import sys  # noqa: E402
import types  # noqa: E402
import zlib  # noqa: E402


def test_the_smallest_comparison_times_each_candidate_once_per_trial_without_warmup():
    clock, log = measure.FakeClock(), []
    with pinned(1):
        result = measure.compare(
            {"a": fake(clock, 0.002, log, "a"), "b": fake(clock, 0.004, log, "b")},
            threads=1, trials=2, repeats=1, warmup=0, clock=clock,
        )
    assert log == ["a", "b", "b", "a"]
    assert result["a"].samples.shape == (2, 1) and result["b"].median_ms == pytest.approx(4.0)
    assert result.table()["trials × calls"].tolist() == ["2 × 1", "2 × 1"]


def test_time_calls_with_one_repeat_and_no_warmup_times_exactly_one_call():
    clock, log = measure.FakeClock(), []
    seconds = measure.time_calls(fake(clock, 0.003, log, "m"), warmup=0, repeats=1, clock=clock)
    assert log == ["m"] and seconds.tolist() == pytest.approx([0.003])


def test_impossible_counts_are_refused_with_what_was_given():
    with pytest.raises(ValueError) as error:
        measure.time_calls(lambda: None, warmup=0, repeats=0)
    assert str(error.value) == "need repeats >= 1 and warmup >= 0, got repeats=0, warmup=0"
    with pytest.raises(ValueError) as error:
        measure.compare({"m": lambda: None}, threads=1, trials=1, repeats=0, warmup=-1)
    assert str(error.value) == "need trials >= 2 (a spread needs two), repeats >= 1, warmup >= 0; got trials=1, repeats=0, warmup=-1"
    with pytest.raises(ValueError) as error:
        measure.compare({}, threads=1)
    assert str(error.value) == "give at least one candidate: {name: zero-argument callable}"


def test_rows_per_call_can_differ_per_candidate():
    clock = measure.FakeClock()
    with pinned(1):
        result = measure.compare(
            {"one": fake(clock, 0.001), "batch": fake(clock, 0.010)},
            threads=1, rows_per_call={"one": 1, "batch": 32}, trials=2, repeats=2, warmup=0, clock=clock,
        )
    assert result["one"].throughput == pytest.approx(1000.0)
    assert result["batch"].throughput == pytest.approx(3200.0)
    assert (result["one"].threads, result["batch"].rows_per_call) == (1, 32)


def test_a_candidate_that_takes_no_measurable_time_has_unbounded_throughput():
    clock = measure.FakeClock()
    with pinned(1):
        result = measure.compare({"m": lambda: None}, threads=1, trials=2, repeats=1, warmup=0, clock=clock)
    assert result["m"].throughput == float("inf")


def test_the_table_has_one_row_per_candidate_in_ms_and_rows_per_second():
    clock = measure.FakeClock()
    a = iter([0.001, 0.003])
    b = iter([0.010, 0.020])
    with pinned(1):
        result = measure.compare(
            {"a": fake(clock, lambda: next(a)), "b": fake(clock, lambda: next(b))},
            threads=1, rows_per_call=4, trials=2, repeats=1, warmup=0, clock=clock,
        )
    table = result.table()
    assert table.index.name == "candidate" and table.index.tolist() == ["a", "b"]
    assert table.columns.tolist() == ["median ms", "min ms", "max ms", "p50 ms", "p95 ms", "p99 ms", "rows/s", "trials × calls"]
    assert table.loc["a", ["median ms", "min ms", "max ms", "p50 ms"]].tolist() == pytest.approx([2.0, 1.0, 3.0, 2.0])
    assert table.loc["b", "p99 ms"] == pytest.approx(np.percentile([10, 20], 99))
    assert table.loc["b", "rows/s"] == pytest.approx(8 / 0.030)


def test_ranges_that_touch_are_a_tie_and_the_faster_is_named_first():
    clock = measure.FakeClock()  # durations exact in binary, so that the ranges touch exactly
    a = iter([0.125, 0.25])
    b = iter([0.25, 0.375])
    c = iter([0.625, 0.75])
    with pinned(1):
        result = measure.compare(
            {"a": fake(clock, lambda: next(a)), "b": fake(clock, lambda: next(b)), "c": fake(clock, lambda: next(c))},
            threads=1, trials=2, repeats=1, warmup=0, clock=clock,
        )
    assert result.tie("a", "b") and result.tie("b", "a"), "a shared end point is an overlap"
    assert not result.tie("b", "c") and not result.tie("c", "b")
    assert result.ratio("c", "a") == pytest.approx(687.5 / 187.5)
    assert result.verdict("a", "c") == result.verdict("c", "a") == "a is 3.67× faster than c (ranges do not overlap)"
    assert (result["a"].name, result["c"].name) == ("a", "c")


def test_the_verdict_names_the_faster_whatever_the_names():
    clock = measure.FakeClock()
    with pinned(1):
        result = measure.compare(
            {"careful": fake(clock, 0.004), "quick": fake(clock, 0.001)}, threads=1, trials=2, repeats=1, warmup=0, clock=clock,
        )
    assert result.verdict("careful", "quick") == "quick is 4.00× faster than careful (ranges do not overlap)"


def test_the_stated_thread_count_must_be_a_positive_int():
    with pytest.raises(ValueError) as error:
        measure.verify_threads(0)
    assert str(error.value) == "state the pinned thread count as a positive int, got 0"


def test_a_blas_pool_of_exactly_the_stated_size_is_accepted_and_a_larger_one_named():
    import threadpoolctl

    blas = [p for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]
    if not blas:
        pytest.skip("no BLAS library visible to threadpoolctl")
    with pinned(2):
        measure.verify_threads(2)
    with threadpool_limits(2), pytest.raises(ValueError) as error:
        measure.verify_threads(1)
    api = blas[0]["internal_api"]
    assert str(error.value) == (
        f"you stated threads=1 but {api} (BLAS) may use 2: wrap the timing in threadpoolctl.threadpool_limits(1), or state the count it uses"
    )


def test_a_torch_pool_that_differs_says_how_to_set_it():
    torch = pytest.importorskip("torch")
    with pinned(1):
        torch.set_num_threads(2)
        with pytest.raises(ValueError) as error:
            measure.verify_threads(1)
    assert str(error.value) == "you stated threads=1 but PyTorch runs 2: call torch.set_num_threads(1) first, or state the count it uses"


def test_without_threadpoolctl_only_torch_is_checked(monkeypatch):
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import fails as if it were absent
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    with threadpool_limits(2):
        measure.verify_threads(1)
        record = measure.environment(threads=1)
    assert not [key for key in record if key.endswith(" threads") and key != "torch threads"]


def cpuinfo(text):
    """A stand-in for pathlib.Path whose /proc/cpuinfo holds ``text`` (None: no such file)."""

    class FakePath:
        def __init__(self, name):
            assert name == "/proc/cpuinfo"

        def read_text(self):
            if text is None:
                raise OSError("no /proc here")
            return text

    return FakePath


def test_the_environment_names_the_cpu_its_instruction_sets_and_cores(monkeypatch):
    monkeypatch.setattr(measure, "Path", cpuinfo("processor\t: 0\nmodel name\t: Test CPU: rev 2 @ 2.0GHz\nflags\t\t: fpu avx2 sse4_2 avx512f avx512_vnni made_up\n"))
    record = measure.environment(threads=2)
    assert record["cpu"] == "Test CPU: rev 2 @ 2.0GHz"
    assert record["isa"] == "sse4_2 avx2 avx512f avx512_vnni", "in ISA_FLAGS order, known flags only"
    assert record["logical cores"] == os.cpu_count()
    assert record["cores usable"] == len(os.sched_getaffinity(0))
    assert (record["threads stated"], record["python"]) == (2, platform.python_version())


def test_the_environment_of_an_arm_machine_names_its_hardware_and_features(monkeypatch):
    monkeypatch.setattr(measure, "Path", cpuinfo("processor\t: 0\nFeatures\t: fp asimd evtstrm sve\nHardware\t: BCM2835\nModel\t\t: Raspberry Pi 4\n"))
    record = measure.environment()
    assert (record["cpu"], record["isa"], record["threads stated"]) == ("BCM2835", "asimd sve", None)


def test_without_proc_cpuinfo_the_environment_still_names_the_machine(monkeypatch):
    monkeypatch.setattr(measure, "Path", cpuinfo(None))
    record = measure.environment()
    assert record["cpu"] == (platform.processor() or platform.machine())
    assert record["isa"] == "unknown"
    monkeypatch.setattr(measure, "Path", cpuinfo("processor\t: 0\n"))
    assert measure.environment()["isa"] == "unknown"


def test_the_environment_records_the_versions_of_libraries_in_use_only(monkeypatch):
    monkeypatch.setitem(sys.modules, "onnxruntime", types.SimpleNamespace(__version__="9.9.9"))
    monkeypatch.setitem(sys.modules, "sklearn", types.SimpleNamespace())
    monkeypatch.delitem(sys.modules, "torch", raising=False)
    record = measure.environment()
    assert (record["onnxruntime"], record["sklearn"]) == ("9.9.9", "?")
    assert "torch" not in record and "torch threads" not in record


def test_the_environment_records_torch_threads_and_kernels_when_torch_is_loaded():
    torch = pytest.importorskip("torch")
    with pinned(1):
        record = measure.environment(threads=1)
    assert record["torch threads"] == 1
    assert record["torch kernels"] == torch.backends.cpu.get_cpu_capability()
    assert record["torch"] == torch.__version__


def test_the_environment_records_every_blas_pool():
    import threadpoolctl

    with threadpool_limits(1):
        expected = {f"{p['internal_api']} threads": p["num_threads"] for p in threadpoolctl.threadpool_info()}
        record = measure.environment()
    assert expected and {k: record[k] for k in expected} == expected


def test_print_environment_without_a_record_prints_this_machine(capsys, monkeypatch):
    monkeypatch.setattr(measure, "Path", cpuinfo("model name\t: Test CPU\n"))
    measure.print_environment()
    out = capsys.readouterr().out
    assert out.startswith("environment: cpu: Test CPU; isa: unknown; logical cores: ") and "threads stated" not in out


def test_compressed_bytes_uses_the_level_asked_for():
    raw = bytes(range(256)) * 64 + b"a" * 5000
    assert measure.compressed_bytes(raw, level=1) == len(zlib.compress(raw, 1)) != len(zlib.compress(raw, 9))
    assert measure.compressed_bytes(bytearray(raw)) == len(zlib.compress(raw, 9))


@pytest.mark.parametrize("level", ["disable", "basic", "extended", "all"])
def test_onnx_session_sets_the_optimization_level_it_is_given(tmp_path, level):
    ort = pytest.importorskip("onnxruntime")
    from tests.test_ch13_measure import tiny_onnx

    tiny_onnx(tmp_path / "double.onnx")
    expected = {
        "disable": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[level]
    session = measure.onnx_session(tmp_path / "double.onnx", threads=2, optimization=level)
    options = session.get_session_options()
    assert (options.graph_optimization_level, options.intra_op_num_threads) == (expected, 2)
    assert session.get_providers() == ["CPUExecutionProvider"]


def test_the_fake_clock_starts_where_told_and_may_stand_still():
    clock = measure.FakeClock(start=3)
    clock.advance(0)
    assert clock() == 3.0 and isinstance(clock(), float) and clock.reads == 2
    with pytest.raises(ValueError) as error:
        clock.advance(-0.5)
    assert str(error.value) == "a clock cannot go backwards (advance(-0.5))"


def test_the_usable_cores_are_those_the_process_may_run_on(monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0}, raising=False)  # e.g. taskset -c 0
    assert measure.environment()["cores usable"] == 1


def test_a_raspberry_pi_without_a_hardware_line_is_named_by_its_model(monkeypatch):
    monkeypatch.setattr(measure, "Path", cpuinfo("processor\t: 0\nFeatures\t: fp asimd\nModel\t\t: Raspberry Pi 5\n"))
    assert measure.environment()["cpu"] == "Raspberry Pi 5"


def test_an_older_torch_without_kernel_names_still_gets_a_record(monkeypatch):
    old_torch = types.SimpleNamespace(get_num_threads=lambda: 1, backends=types.SimpleNamespace(), __version__="1.13.1")
    monkeypatch.setitem(sys.modules, "torch", old_torch)
    monkeypatch.setitem(sys.modules, "pandas", types.SimpleNamespace(__version__="3.0.0"))
    record = measure.environment()
    assert (record["torch threads"], record["torch"], record["pandas"]) == (1, "1.13.1", "3.0.0")
    assert "torch kernels" not in record


def test_without_sched_getaffinity_every_logical_core_counts_as_usable(monkeypatch):
    monkeypatch.delattr(os, "sched_getaffinity", raising=False)  # macOS, Windows
    record = measure.environment()
    assert record["cores usable"] == record["logical cores"] == os.cpu_count()


def test_the_defaults_are_the_documented_counts():
    clock, log = measure.FakeClock(), []
    seconds = measure.time_calls(fake(clock, 0.001, log, "m"), clock=clock)
    assert (len(log), seconds.shape) == (220, (200,)), "20 warm-up calls, 200 timed"
    log.clear()
    with pinned(1):
        result = measure.compare({"m": fake(clock, 0.001, log, "m")}, threads=1, clock=clock)
    assert (len(log), result["m"].samples.shape, result["m"].rows_per_call) == (5 * (5 + 30), (5, 30), 1)
    assert measure.FakeClock()() == 0.0


def test_onnx_session_defaults_to_one_thread_and_every_optimisation(tmp_path):
    ort = pytest.importorskip("onnxruntime")
    from tests.test_ch13_measure import tiny_onnx

    tiny_onnx(tmp_path / "double.onnx")
    options = measure.onnx_session(tmp_path / "double.onnx").get_session_options()
    assert (options.graph_optimization_level, options.intra_op_num_threads) == (ort.GraphOptimizationLevel.ORT_ENABLE_ALL, 1)
    with pytest.raises(ValueError) as error:
        measure.onnx_session(tmp_path / "double.onnx", optimization="max")
    assert str(error.value) == "optimization must be one of ['all', 'basic', 'disable', 'extended'], got 'max'"


def test_accuracy_names_the_shape_it_got_and_the_rows_it_expected():
    with pytest.raises(ValueError) as error:
        measure.accuracy(lambda X: np.zeros((3, 2, 1)), np.zeros((4, 2)), [0, 1, 1, 0])
    assert str(error.value) == "predict returned (3, 2, 1) for 4 rows; expected labels or scores per row"
    assert measure.accuracy(lambda X: np.array([1, 1, 1, 0]), np.zeros((4, 2)), [0, 1, 1, 0]) == 0.75
    X = np.array([[0.0], [1.0], [1.0], [0.0]])
    assert measure.accuracy(lambda X: (X[:, 0] > 0.5).astype(int), X, [0, 1, 1, 1]) == 0.75, "predict sees the rows"
