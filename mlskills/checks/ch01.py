"""Checks for the exercises of Chapter 1: Software engineering for ML.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Proven honest by tests/checks/ch01_wrong_answers.py.
"""

from __future__ import annotations

import contextlib
import io
import linecache
import math
import traceback
import warnings

import numpy as np

from mlskills.checks import Fail, NotAttempted, OutOfTime, call, check, counted, short

# ---------------------------------------------------------------- Exercise 1: safe_accuracy

_ACCURACY_CASES = [
    (([1, 0, 1, 1], [1, 0, 0, 1]), 0.75, "three of four labels right"),
    ((["cat", "dog", "dog"], ["cat", "dog", "cat"]), 2 / 3, "string labels"),
    (([1, 1, 1], [1, 1, 1]), 1.0, "one class, all right"),
    (([0, 0], [1, 1]), 0.0, "one class, all wrong"),
    ((np.array([1, 0, 1, 0]), np.array([1, 0, 1, 1])), 0.75, "NumPy arrays"),
]
_ACCURACY_ERRORS = [
    (([], []), "empty input"),
    (([1, 0, 1], [1, 0]), "lengths 3 and 2 differ"),
    (([1, 0], [1, 0, 1]), "lengths 2 and 3 differ"),
    (([1.0, float("nan")], [1.0, 1.0]), "NaN in y_true"),
    (([1.0, 0.0], [float("nan"), 0.0]), "NaN in y_pred"),
    ((np.array([1.0, 0.0, 1.0]), np.array([1.0, np.nan, 1.0])), "NaN in a NumPy y_pred"),
    (([1, 0], [1, None]), "None in y_pred"),
    ((["cat", None], ["cat", "dog"]), "None in y_true"),
]


def _error_text(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else f"{type(exc).__name__} (with no message)"


def _outcome(fn, *args):
    """('returned', value) or ('raised', exception) for fn(*args), warnings silenced.

    Goes through :func:`call`, so an answer that never returns fails within the budget.
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "returned", call(fn, *args)
    except Fail as failure:
        if isinstance(failure.__cause__, Exception):  # the learner's code raised: inspect it
            return "raised", failure.__cause__
        raise


def _accuracy_hint(got: float, expected: float) -> str:
    """Name the likely mistake behind a wrong fraction, without giving the code."""
    if math.isclose(got, 100 * expected, abs_tol=1e-9) and expected:
        return "that is a percentage; return the fraction (between 0 and 1)"
    if any(math.isclose(got, round(expected, digits), abs_tol=1e-12) for digits in range(5)):
        return "do not round the result: return the exact fraction (round only when you print it)"
    if math.isclose(got, 1 - expected, abs_tol=1e-9):
        return "that is the fraction of disagreements; count the positions where the labels agree"
    if got in (0.0, 1.0) and 0 < expected < 1:
        return (
            "a whole number where a fraction was expected: check for floor division (//) or int()"
        )
    return "count the positions where the two labels agree, relative to all positions"


@check(budget_s=5)
def check_safe_accuracy(fn):
    for args, expected, label in _ACCURACY_CASES:
        shown = f"safe_accuracy({short(args[0])}, {short(args[1])})"
        kind, got = _outcome(fn, *args)
        if kind == "raised":
            raise Fail(
                f"{shown} ({label}) raised {_error_text(got)}; valid labels should give a fraction"
            )
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise Fail(f"{shown} should return a float, got {type(got).__name__} {short(got)}")
        if not math.isclose(float(got), expected, abs_tol=1e-9):
            if isinstance(got, (int, np.integer)) and got > 1:
                hint = "that looks like the number of matches; return the fraction"
            else:
                hint = _accuracy_hint(float(got), expected)
            raise Fail(f"{shown} ({label}) should be {expected:.4g}, got {short(got)}: {hint}")
        if not isinstance(got, (float, np.floating)):
            raise Fail(
                f"{shown} returned the {type(got).__name__} {short(got)}; return a float (the fraction), not a count"
            )
    for args, label in _ACCURACY_ERRORS:
        shown = f"safe_accuracy({short(args[0])}, {short(args[1])})"
        kind, value = _outcome(fn, *args)
        if kind == "returned":
            raise Fail(f"{shown} ({label}) should raise ValueError, but returned {short(value)}")
        if not isinstance(value, ValueError):
            raise Fail(
                f"{shown} ({label}) raised {_error_text(value)}; raise a ValueError that says what is wrong"
            )
        if not str(value).strip():
            raise Fail(
                f"{shown} ({label}) raised ValueError without a message; say what is wrong, e.g. 'y_true is empty'"
            )
    return (
        "safe_accuracy returns the fraction of matches (one class included) and raises ValueError on "
        "empty input, unequal lengths, and NaN or None in either argument"
    )


# ---------------------------------------------------------------- Exercise 2: a test that catches a leak


def _as_float_arrays(train, test):
    return np.asarray(train, dtype=float), np.asarray(test, dtype=float)


def _scale_with_train_statistics(train, test):
    train, test = _as_float_arrays(train, test)
    mean, std = train.mean(axis=0), train.std(axis=0)
    return (train - mean) / std, (test - mean) / std


def _scale_with_sklearn(train, test):
    from sklearn.preprocessing import StandardScaler

    train, test = _as_float_arrays(train, test)
    scaler = StandardScaler().fit(train)
    return scaler.transform(train), scaler.transform(test)


def _scale_with_train_and_test_statistics(train, test):
    train, test = _as_float_arrays(train, test)
    both = np.vstack([train, test])
    mean, std = both.mean(axis=0), both.std(axis=0)
    return (train - mean) / std, (test - mean) / std


def _scale_each_part_with_its_own_statistics(train, test):
    train, test = _as_float_arrays(train, test)
    return (train - train.mean(axis=0)) / train.std(axis=0), (test - test.mean(axis=0)) / test.std(
        axis=0
    )


def _no_scaling(train, test):
    train, test = _as_float_arrays(train, test)
    return train.copy(), test.copy()


_CORRECT_SCALERS = [
    (_scale_with_train_statistics, "NumPy, train mean and std"),
    (_scale_with_sklearn, "sklearn StandardScaler fitted on train"),
]
_BUGGY_SCALERS = [
    (
        _scale_with_train_and_test_statistics,
        "computes the mean and std on train and test together (a leak)",
        "give the test rows a clearly different mean and spread from the training rows, and check "
        "test_scaled against numbers you compute from the training rows alone",
    ),
    (
        _scale_each_part_with_its_own_statistics,
        "scales the test rows with their own mean and std",
        "assert on test_scaled, not only on train_scaled",
    ),
    (_no_scaling, "returns the data unscaled", "assert on the values, not only on the shapes"),
]


class _LearnerTest:
    """What happened when the learner's test ran on one implementation."""

    def __init__(self, error: Exception | None, returned, printed: str, where: str) -> None:
        self.error, self.returned, self.printed, self.where = error, returned, printed, where


def _failing_line(test_fn, error: BaseException) -> str:
    """' at line N (`source`)' of the learner's test where it failed, if it can be found."""
    code = getattr(test_fn, "__code__", None)
    frames = [
        f
        for f in traceback.extract_tb(error.__traceback__)
        if code and f.filename == code.co_filename
    ]
    if not frames:
        return ""
    frame = frames[-1]
    source = (frame.line or linecache.getline(frame.filename, frame.lineno)).strip()
    line = frame.lineno - code.co_firstlineno + 1  # counted from the def line
    return f" at line {line} of your test" + (f" (`{short(source)[1:-1]}`)" if source else "")


def _run_learner_test(test_fn, implementation, label: str) -> _LearnerTest:
    """Run the learner's test on ``implementation``: its exception (if any), return value and output."""
    printed = io.StringIO()
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(printed):
            warnings.simplefilter("ignore")
            returned = test_fn(implementation)
    except NotImplementedError as exc:
        raise NotAttempted from exc
    except OutOfTime:
        raise Fail(
            f"your test did not finish within the check's time budget on {label}: look for a loop that never ends"
        ) from None
    except Exception as exc:  # a failing test is the expected outcome on a buggy implementation
        return _LearnerTest(exc, None, printed.getvalue(), _failing_line(test_fn, exc))
    return _LearnerTest(None, returned, printed.getvalue(), "")


@check(budget_s=30)  # runs the learner's test on several scalers, which fit models; slow on a busy laptop
def check_test_scaling_uses_train_statistics_only(test_fn):
    if not callable(test_fn):
        raise Fail(f"expected a test function, got {type(test_fn).__name__} {short(test_fn)}")
    for implementation, label in _CORRECT_SCALERS:
        run = _run_learner_test(test_fn, implementation, f"a correct implementation ({label})")
        if run.error is not None:
            first_line = next(
                (line.strip() for line in str(run.error).splitlines() if line.strip()), ""
            )
            what = (
                f"{type(run.error).__name__}: {short(first_line)[1:-1]}"
                if first_line
                else f"{type(run.error).__name__} (with no message)"
            )
            raise Fail(
                f"your test fails on a correct implementation ({label}): {what}{run.where}; "
                "check what you expect against the exercise's definition of the scaling"
            )
    passed = []
    for implementation, bug, hint in _BUGGY_SCALERS:
        run = _run_learner_test(test_fn, implementation, f"an implementation that {bug}")
        if run.error is None:
            passed.append((bug, hint, run))
    if not passed:
        return "your test passes on two correct scalers and fails on the train+test leak, per-part scaling and no scaling"
    bug, hint, run = passed[0]
    if run.returned is not None:
        raise Fail(
            f"your test returned {short(run.returned)} instead of failing on an implementation that {bug}: "
            "pytest ignores a test's return value; a test fails only when it raises, e.g. with assert"
        )
    if len(passed) == len(_BUGGY_SCALERS):
        printed = (
            " (it printed something: printing does not fail a test)" if run.printed.strip() else ""
        )
        raise Fail(
            "your test passed on all three buggy implementations, even one that does not scale at all"
            f"{printed}: a test must raise (assert, np.testing) when the values are wrong"
        )
    raise Fail(f"your test passed on an implementation that {bug}: {hint}")


# ---------------------------------------------------------------- Exercise 3: summarise_junit

_REPORT_PYTEST = """<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests">
  <testsuite name="pytest" errors="0" failures="1" skipped="1" tests="4" time="0.41">
    <testcase classname="tests.test_units" name="test_one" time="0.001">
      <system-out>captured print output</system-out>
    </testcase>
    <testcase classname="tests.test_units" name="test_two" time="0.002">
      <failure message="assert 1 == 2">tests/test_units.py:8: AssertionError</failure>
    </testcase>
    <testcase classname="tests.test_units" name="test_three" time="0.000">
      <skipped type="pytest.skip" message="needs a GPU">needs a GPU</skipped>
    </testcase>
    <testcase classname="tests.test_data" name="test_schema" time="0.003" />
  </testsuite>
</testsuites>"""

_REPORT_TWO_SUITES = """<testsuites>
  <testsuite name="unit" tests="2" failures="0" errors="0" skipped="0">
    <testcase classname="unit.test_features" name="test_ratio" />
    <testcase classname="unit.test_features" name="test_empty" />
  </testsuite>
  <testsuite name="integration" tests="3" failures="1" errors="1" skipped="0">
    <testcase classname="integration.test_pipeline" name="test_fit">
      <error message="fixture 'db' not found">E fixture 'db' not found</error>
    </testcase>
    <testcase classname="integration.test_pipeline" name="test_predict">
      <failure message="assert 0.61 &gt;= 0.8" />
    </testcase>
    <testcase classname="integration.test_pipeline" name="test_save" />
  </testsuite>
</testsuites>"""

_REPORT_BARE_SUITE = """<testsuite name="from another tool">
  <testcase classname="Checkout" name="total is positive" />
  <testcase classname="Checkout" name="empty basket">
    <failure>expected 0, got None</failure>
  </testcase>
</testsuite>"""

_REPORT_EMPTY = "<testsuites name='nothing collected' />"

_REPORT_UNSORTED = """<testsuites>
  <testsuite name="pytest" tests="4">
    <testcase classname="tests.test_train" name="test_loss_decreases">
      <failure message="assert 0.9 &lt; 0.5">loss went up</failure>
    </testcase>
    <testcase classname="tests.test_api" name="test_health" />
    <testcase classname="tests.test_api" name="test_predict">
      <error message="ConnectionRefusedError">the server did not start</error>
    </testcase>
    <testcase classname="tests.test_api" name="test_batch">
      <failure message="assert 422 == 200" />
      <system-out>POST /predict 422</system-out>
    </testcase>
  </testsuite>
</testsuites>"""

_JUNIT_CASES = [
    (
        _REPORT_PYTEST,
        "a pytest report with a pass that printed output, a failure and a skip",
        {
            "tests": 4,
            "passed": 2,
            "failed": 1,
            "errors": 0,
            "skipped": 1,
            "failed_tests": ["tests.test_units::test_two"],
        },
    ),
    (
        _REPORT_TWO_SUITES,
        "a report with two <testsuite> elements and an <error>",
        {
            "tests": 5,
            "passed": 3,
            "failed": 1,
            "errors": 1,
            "skipped": 0,
            "failed_tests": [
                "integration.test_pipeline::test_fit",
                "integration.test_pipeline::test_predict",
            ],
        },
    ),
    (
        _REPORT_BARE_SUITE,
        "a bare <testsuite> root without count attributes",
        {
            "tests": 2,
            "passed": 1,
            "failed": 1,
            "errors": 0,
            "skipped": 0,
            "failed_tests": ["Checkout::empty basket"],
        },
    ),
    (
        _REPORT_UNSORTED,
        "a report whose failed tests are not in alphabetical order",
        {
            "tests": 4,
            "passed": 1,
            "failed": 2,
            "errors": 1,
            "skipped": 0,
            "failed_tests": [
                "tests.test_train::test_loss_decreases",
                "tests.test_api::test_predict",
                "tests.test_api::test_batch",
            ],
        },
    ),
    (
        _REPORT_EMPTY,
        "an empty <testsuites/> report",
        {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []},
    ),
]


def _junit_hint(key: str, summary: dict, expected: dict) -> str:
    got, want = summary[key], expected[key]
    outcomes = ("failed", "errors", "skipped")
    counted_all = summary.get("tests") == expected["tests"] == summary.get("passed")
    if (
        counted_all
        and all(summary.get(k) == 0 for k in outcomes)
        and any(expected[k] for k in outcomes)
    ):
        return (
            "no test was counted as failed, error or skipped: does your test for the child element work "
            "when that element has no children of its own? (compare the result of find() with None)"
        )
    if key == "tests" and isinstance(got, int) and got == want - expected["skipped"]:
        return "skipped tests are tests too"
    return "count <testcase> elements by their child (failure, error, skipped)"


@check(budget_s=5)
def check_summarise_junit(fn):
    for xml_text, label, expected in _JUNIT_CASES:
        got = call(fn, xml_text)
        if not isinstance(got, dict):
            raise Fail(
                f"summarise_junit should return a dict, got {type(got).__name__} {short(got)}"
            )
        if set(got) != set(expected):
            raise Fail(
                f"the dict should have the keys {sorted(expected)}, got {sorted(map(str, got))}"
            )
        for key, want in expected.items():
            value = got[key]
            if key == "failed_tests":
                if not isinstance(value, (list, tuple)) or list(value) != want:
                    order = (
                        " (keep the order of the file, do not sort)"
                        if isinstance(value, (list, tuple)) and sorted(value) == sorted(want)
                        else ""
                    )
                    raise Fail(
                        f"for {label}, failed_tests should be {want} (failures and errors, as 'classname::name', in file order), got {short(value)}{order}"
                    )
            elif isinstance(value, bool) or not isinstance(value, (int, np.integer)):
                raise Fail(
                    f"for {label}, {key} should be an int count, got {type(value).__name__} {short(value)}"
                )
            elif value != want:
                raise Fail(
                    f"for {label}, {key} should be {want}, got {short(value)}: {_junit_hint(key, got, expected)}"
                )
    return "summarise_junit counts passed, failed, errors and skipped tests from pytest-style, multi-suite, bare-suite and empty reports, failed tests in file order"


# ---------------------------------------------------------------- Exercise 4: first_bad_commit

_BISECT_CASES = [
    (1, 0),
    (2, 0),
    (2, 1),
    (10, 0),
    (10, 9),
    (10, 4),
    (64, 0),
    (64, 63),
    (64, 37),
    (1000, 999),
    (1000, 1),
    (1000, 500),
]


def _budget(n: int) -> int:
    """At most ceil(log2 n) tests are needed; one spare call is allowed."""
    return math.ceil(math.log2(n)) + 1 if n > 1 else 1


class _NotACommit(Exception):
    """is_good was called with something that is not one of the commits."""


@check(budget_s=5)
def check_first_bad_commit(fn):
    for n, first_bad in _BISECT_CASES:
        commits = [f"c{i:04d}" for i in range(n)]
        position = {commit: i for i, commit in enumerate(commits)}

        def is_good(commit, position=position, first_bad=first_bad):
            if not isinstance(commit, str) or commit not in position:
                raise _NotACommit(commit)
            return position[commit] < first_bad

        # A search that stops shrinking its range calls is_good forever: stop it after n + 5 calls.
        counted_is_good = counted(is_good, n + 5, "is_good")
        where = f"{n} commit{'s' if n > 1 else ''} with the first bad one at index {first_bad}"
        try:
            got = call(fn, list(commits), counted_is_good)
        except Fail as failure:
            if isinstance(failure.__cause__, _NotACommit):
                raise Fail(
                    f"for {where}, is_good was called with {short(failure.__cause__.args[0])}, which is not one "
                    "of the commits: pass the elements of `commits`"
                ) from None
            raise
        if got != commits[first_bad]:
            if (
                isinstance(got, (int, np.integer))
                and not isinstance(got, bool)
                and got == first_bad
            ):
                hint = " (that is its index; return the commit itself)"
            else:
                hint = " (index 0: every commit can be bad)" if first_bad == 0 else ""
            raise Fail(f"for {where}, expected {commits[first_bad]!r}, got {short(got)}{hint}")
        if counted_is_good.calls > _budget(n):
            raise Fail(
                f"for {where}, you called is_good {counted_is_good.calls} times; binary search needs at most "
                f"{_budget(n) - 1} (halve the range each time)"
            )
    return "first_bad_commit finds the first bad commit at both edges and in the middle, within ceil(log2 n) + 1 calls of is_good"
