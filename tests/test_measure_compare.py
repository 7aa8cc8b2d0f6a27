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
    with pytest.raises(ValueError):
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
