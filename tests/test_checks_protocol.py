"""The check protocol itself: one line, the right status, never a traceback."""

from mlskills.checks import FAIL, NOT_ATTEMPTED, NOT_ATTEMPTED_LINE, PASS, Fail, call, check, short


@check
def check_double(fn):
    for x in (0, 3, -2):
        got = call(fn, x)
        if got != 2 * x:
            raise Fail(f"double({x}) should be {2 * x}, got {short(got)}")
    return "double works on 0, 3 and -2"


def test_a_right_answer_passes_with_what_was_verified():
    result = check_double.evaluate(lambda x: x * 2)
    assert result.status == PASS
    assert result.line == "✓ double works on 0, 3 and -2"


def test_a_wrong_answer_fails_with_input_expected_and_got():
    result = check_double.evaluate(lambda x: x + 2)
    assert result.status == FAIL
    assert result.line == "✗ double(0) should be 0, got 2"


def test_the_untouched_stub_is_not_attempted():
    def double(x):
        # YOUR CODE HERE
        raise NotImplementedError()

    result = check_double.evaluate(double)
    assert result.status == NOT_ATTEMPTED
    assert result.line == NOT_ATTEMPTED_LINE
    assert result.line.startswith("not attempted yet")


def test_an_exception_in_the_learner_code_is_one_line_naming_the_call():
    def double(x):
        return 1 / x

    result = check_double.evaluate(double)
    assert result.status == FAIL
    assert result.line == "✗ double(0) raised ZeroDivisionError: division by zero"


def test_something_that_is_not_a_function_is_explained():
    result = check_double.evaluate(42)
    assert result.status == FAIL
    assert "expected a function, got int" in result.line


def test_running_a_check_prints_exactly_one_line(capsys):
    check_double(lambda x: x * 2)
    check_double(lambda x: None)
    lines = capsys.readouterr().out.splitlines()
    assert lines == ["✓ double works on 0, 3 and -2", "✗ double(0) should be 0, got None"]


def test_a_long_value_in_a_hint_is_shortened_to_one_line():
    result = check_double.evaluate(lambda x: list(range(1000)))
    assert result.status == FAIL
    assert "\n" not in result.line and len(result.line) < 200


# --- budgets, grading mode and hint hygiene (issue 9) -----------------------------------

import time  # noqa: E402

import pytest  # noqa: E402

from mlskills.checks import counted, grading, time_budget  # noqa: E402


@check(budget_s=0.5)
def check_square(fn):
    for x in (1, 2, 3):
        got = call(fn, x)
        if got != x * x:
            raise Fail(f"square({x}) should be {x * x}, got {short(got)}")
    return "square works on 1, 2 and 3"


def test_an_answer_that_never_returns_fails_within_the_budget_naming_the_input():
    def square(x):
        lo, hi = 0, x
        while lo < hi:  # a binary search with lo = mid never moves past a gap of one
            mid = (lo + hi) // 2
            lo = mid
        return lo

    start = time.monotonic()
    result = check_square.evaluate(square)
    assert time.monotonic() - start < 3
    assert result.status == FAIL
    assert result.line == "✗ square(1) did not return within the check's 0.5 s budget: look for a loop whose condition never changes"


def test_a_loop_that_swallows_exceptions_is_still_stopped():
    def square(x):
        while True:
            try:
                time.sleep(0.01)
            except Exception:  # noqa: BLE001, S110 - the learner's mistake under test
                pass

    result = check_square.evaluate(square)
    assert result.status == FAIL
    assert "did not return within" in result.line


def test_an_answer_that_grows_memory_forever_is_stopped():
    def square(x):
        seen = []
        while True:
            seen.append(x)

    assert "did not return within" in check_square.evaluate(square).line


def test_the_budget_is_restored_after_a_check():
    import signal

    check_square.evaluate(lambda x: x * x)
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_time_budget_overrides_every_check_for_tests():
    def square(x):
        while True:
            pass

    start = time.monotonic()
    with time_budget(0.2):
        line = check_square.evaluate(square).line
    assert time.monotonic() - start < 1.5
    assert "0.2 s budget" in line


def test_a_call_budget_stops_an_unbounded_retry_loop():
    @check
    def check_retry(fn):
        flaky = counted(lambda: (_ for _ in ()).throw(ConnectionError("down")), 5, "fetch")
        call(fn, flaky)
        return "retries stop"

    def retry_forever(fetch):
        while True:
            try:
                return fetch()
            except ConnectionError:
                continue

    result = check_retry.evaluate(retry_forever)
    assert result.status == FAIL
    assert "called fetch more than 5 times" in result.line


def test_an_empty_assertion_message_is_described_not_shown_as_quotes():
    def double(x):
        if x < 100:
            raise AssertionError("")  # what `assert cond, ""` raises outside pytest
        return 2 * x

    line = check_double.evaluate(double).line
    assert line == "✗ double(0) raised AssertionError (with no message)"
    assert "''" not in line


def test_hints_never_show_memory_addresses():
    def maker():
        return lambda x: x

    line = check_double.evaluate(lambda x: maker()).line
    assert "0x" not in line
    assert line == "✗ double(0) should be 0, got function <lambda>"


def test_grading_mode_raises_with_the_same_line(capsys):
    grading(True)
    try:
        with pytest.raises(AssertionError, match=r"^✗ double\(0\) should be 0, got 2$"):
            check_double(lambda x: x + 2)
        with pytest.raises(AssertionError, match="^not attempted yet"):
            check_double(lambda x: (_ for _ in ()).throw(NotImplementedError()))
        check_double(lambda x: 2 * x)  # a pass does not raise
    finally:
        grading(False)
    assert capsys.readouterr().out.splitlines()[-1].startswith("✓")


def test_grading_mode_follows_the_environment_variable():
    import subprocess
    import sys

    code = (
        "from mlskills.checks import check, call, Fail\n"
        "@check\n"
        "def c(fn):\n"
        "    if call(fn) != 1: raise Fail('fn() should be 1')\n"
        "    return 'ok'\n"
        "c(lambda: 2)\n"
    )
    env_on = subprocess.run([sys.executable, "-c", code], env={**__import__("os").environ, "MLSKILLS_GRADING": "1"}, capture_output=True, text=True)
    env_off = subprocess.run([sys.executable, "-c", code], env={**__import__("os").environ, "MLSKILLS_GRADING": "0"}, capture_output=True, text=True)
    assert env_on.returncode != 0 and "AssertionError: ✗ fn() should be 1" in env_on.stderr
    assert env_off.returncode == 0 and env_off.stdout.strip() == "✗ fn() should be 1"


def test_reprs_of_objects_never_show_their_address():
    import numpy as np

    assert "0x" not in short(np.random.default_rng(0).bit_generator)
    assert "0x" not in short(np.random.default_rng(0))
    assert short(object()) == "<object object>"


def test_a_multi_line_error_message_stays_on_one_line():
    def double(x):
        raise ValueError("first line\n   second line")

    assert check_double.evaluate(double).line == "✗ double(0) raised ValueError: first line second line"
