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
