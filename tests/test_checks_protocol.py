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


# --- hints for every shape of call, and what the budgets promise (issue 23) --------------

import functools  # noqa: E402
import signal  # noqa: E402
import threading  # noqa: E402

from mlskills.checks import OutOfTime, Result, call_on  # noqa: E402


@check
def check_join(fn):
    got = call(fn, ["a", "b"], "-", upper=True)
    if got != "A-B":
        raise Fail(f"join(['a', 'b'], '-', upper=True) should be 'A-B', got {short(got)}")
    return "join works"


def test_a_hint_shows_every_argument_and_keyword_of_the_call():
    def join(words, sep, upper=False):
        return words[2] if upper else sep.join(words)

    assert check_join.evaluate(join).line == "✗ join(['a', 'b'], '-', upper=True) raised IndexError: list index out of range"


def test_a_hint_describes_an_input_in_words_when_asked():
    @check
    def check_rows(fn):
        call_on(fn, "a batch with a missing island", [1, None])
        return "rows ok"

    assert check_rows.evaluate(lambda batch: sum(batch)).line == (
        "✗ <lambda>(a batch with a missing island) raised TypeError: unsupported operand type(s) for +: 'int' and 'NoneType'"
    )


def test_a_callable_without_a_name_is_called_your_function():
    def double(x, factor):
        return [] + x * factor

    line = check_double.evaluate(functools.partial(double, factor=2)).line
    assert line == "✗ your function(0) raised TypeError: can only concatenate list (not \"int\") to list"


def test_values_in_hints_are_short_and_name_functions_and_classes_plainly():
    assert short(len) == "function len"
    assert short(int) == "<class 'int'>", "a class is not called a function"
    assert short("line one\nline two") == "'line one\\nline two'"
    assert short(functools.partial(int)) == "functools.partial(<class 'int'>)"
    assert short("x" * 100) == "'" + "x" * 27 + "..." + "x" * 28 + "'"
    assert short(list(range(10))) == "[0, 1, 2, 3, 4, 5, ...]"


def test_a_long_error_message_is_shortened_in_the_hint():
    def double(x):
        raise ValueError("y" * 201)

    line = check_double.evaluate(double).line
    assert line == "✗ double(0) raised ValueError: " + "'" + "y" * 27 + "..." + "y" * 28 + "'"
    quoted = check_double.evaluate(lambda x: (_ for _ in ()).throw(KeyError(""))).line
    assert quoted == "✗ <lambda>(0) raised KeyError (with no message)", "KeyError('') prints as ''"


def test_what_is_not_a_function_is_named_with_its_type_and_value():
    assert check_double.evaluate("x * 2").line == "✗ expected a function, got str 'x * 2'"


def test_a_call_budget_allows_exactly_its_limit_and_names_the_function():
    fetch = counted(lambda: 1, 2)
    assert fetch() + fetch() == 2 and fetch.calls == 2

    def fetch_data():
        return 1

    @check
    def check_twice(fn):
        call(fn, counted(fetch_data, 2))
        return "used at most twice"

    assert check_twice.evaluate(lambda f: f() + f()).status == PASS
    assert check_twice.evaluate(lambda f: f() + f() + f()).line == (
        "✗ <lambda>(function fetch_data): your answer called fetch_data more than 2 times; look for a loop that never stops"
    )


def test_a_nameless_counted_function_is_called_the_function_you_were_given():
    fetch = counted(functools.partial(int, "1"), 0)
    with pytest.raises(BaseException, match="^your answer called the function you were given more than 0 times"):
        fetch()


def test_a_call_budget_spent_by_the_check_itself_is_one_line():
    @check
    def check_model(fn):
        model = counted(lambda x: x, 1, "model.predict")
        call(fn, model)
        model(0)  # the check uses the model once more after the answer
        return "ok"

    assert check_model.evaluate(lambda m: m(1)).line == "✗ your answer called model.predict more than 1 times; look for a loop that never stops"


def test_a_check_that_breaks_on_an_answer_of_the_wrong_shape_says_so_in_one_line():
    @check
    def check_pair(fn):
        first, second = call(fn)
        return "a pair"

    assert check_pair.evaluate(lambda: 3).line == "✗ your answer could not be checked: TypeError: cannot unpack non-iterable int object"


def test_a_not_implemented_raised_inside_the_check_is_not_attempted():
    @check
    def check_later(fn):
        raise NotImplementedError

    assert check_later.evaluate(lambda: 1) == Result(NOT_ATTEMPTED, NOT_ATTEMPTED_LINE)


def test_time_spent_in_the_check_body_itself_is_reported_as_the_answers_slowness():
    @check(budget_s=0.1)
    def check_slow(fn):
        value = call(fn)
        while value:  # e.g. the check iterates a generator the answer returned, which never ends
            pass
        return "ok"

    assert check_slow.budget_s == 0.1
    assert check_slow.evaluate(lambda: 1).line == "✗ your answer did not finish within the check's 0.1 s budget: look for a loop that never ends"


def test_an_answer_that_swallows_the_first_stop_is_stopped_by_the_next():
    swallowed = []

    def square(x):
        while True:
            try:
                while True:
                    pass
            except BaseException:  # noqa: BLE001 - a bare except: the learner's mistake under test
                if swallowed:
                    raise
                swallowed.append(x)

    start = time.monotonic()
    with time_budget(0.1):  # stopped at 0.1 s, swallowed, stopped again 0.25 s later
        assert "did not return within the check's 0.1 s budget" in check_square.evaluate(square).line
    assert swallowed == [1] and time.monotonic() - start < 1.0, "the second stop comes a quarter second later"


def test_the_alarm_handler_before_a_check_is_restored_after_it():
    def mine(signum, frame):
        pass

    previous = signal.signal(signal.SIGALRM, mine)
    try:
        check_square.evaluate(lambda x: x * x)
        assert signal.getsignal(signal.SIGALRM) is mine
    finally:
        signal.signal(signal.SIGALRM, previous)


def test_a_check_run_by_another_check_keeps_the_outer_budget():
    @check(budget_s=0.25)
    def check_outer(fn):
        inner = check_double.evaluate(fn)  # 10 s of its own, were it not nested
        return inner.line

    def slow_double(x):
        time.sleep(0.2)
        return 2 * x

    start = time.monotonic()
    assert "did not return within the check's 0.25 s budget" in check_outer.evaluate(slow_double).line
    assert time.monotonic() - start < 1.5


def test_a_check_runs_in_a_thread_without_a_budget():
    results = []
    thread = threading.Thread(target=lambda: results.append(check_double.evaluate(lambda x: 2 * x)))
    thread.start()
    thread.join(5)
    assert results == [Result(PASS, "double works on 0, 3 and -2")]


def test_an_alarm_before_the_deadline_does_not_stop_the_answer():
    def square(x):
        signal.setitimer(signal.ITIMER_REAL, 0.01, 0.25)  # an early tick, as from a stray timer
        time.sleep(0.05)
        return x * x

    assert check_square.evaluate(square).status == PASS


def test_time_budgets_nest_and_restore():
    def forever(x):
        while True:
            pass

    with time_budget(0.15):
        with time_budget(0.05):
            assert "0.05 s budget" in check_square.evaluate(forever).line
        assert "0.15 s budget" in check_square.evaluate(forever).line
    assert check_square.evaluate(lambda x: x * x).status == PASS


def test_out_of_time_is_not_an_exception_a_learner_catches():
    assert not issubclass(OutOfTime, Exception)


def test_grading_mode_shows_one_line_in_ipython_and_turns_off_with_false(capsys):
    grading()
    try:
        with pytest.raises(AssertionError) as error:
            check_double(lambda x: x + 2)
        assert error.value._render_traceback_() == ["AssertionError: ✗ double(0) should be 0, got 2"]
    finally:
        grading(0)
    check_double(lambda x: x + 2)  # off again: prints, does not raise
    assert capsys.readouterr().out.splitlines() == ["✗ double(0) should be 0, got 2"] * 2


def test_an_error_message_of_two_hundred_characters_is_shown_whole_and_empty_quotes_count_as_none():
    def double(x):
        raise ValueError("z" * 200)

    assert check_double.evaluate(double).line == "✗ double(0) raised ValueError: " + "z" * 200

    def quoted(x):
        raise ValueError('""')

    assert check_double.evaluate(quoted).line == "✗ quoted(0) raised ValueError (with no message)"


def test_a_multi_line_repr_stays_on_one_line():
    import numpy as np

    assert short(np.zeros((2, 2))) == "array([[0., 0.],        [0., 0.]])"
    assert short(np.random.default_rng(0)) == "Generator(PCG64)", "the address is dropped, nothing put in its place"


def test_a_new_budget_has_no_deadline_so_its_first_check_is_timed():
    from mlskills.checks import _Budget

    budget = _Budget()
    assert (budget.deadline, budget.override) == (None, None)
    with pytest.raises(OutOfTime):
        budget.run(0.05, lambda: time.sleep(5))
