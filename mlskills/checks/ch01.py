"""Checks for the exercises of Chapter 1: Software engineering for ML.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Proven honest by tests/checks/ch01_wrong_answers.py.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from mlskills.checks import Fail, NotAttempted, call, check, short

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
    (([1.0, float("nan")], [1.0, 1.0]), "NaN in y_true"),
    (([1, 0], [1, None]), "None in y_pred"),
]


def _outcome(fn, *args):
    """('returned', value) or ('raised', exception) for fn(*args), warnings silenced."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return "returned", fn(*args)
    except NotImplementedError as exc:
        raise NotAttempted from exc
    except Exception as exc:  # the learner's code raised: that is what we inspect
        return "raised", exc


@check
def check_safe_accuracy(fn):
    for args, expected, label in _ACCURACY_CASES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got = call(fn, *args)
        shown = f"safe_accuracy({short(args[0])}, {short(args[1])})"
        if isinstance(got, bool) or not isinstance(got, (int, float, np.integer, np.floating)):
            raise Fail(f"{shown} should return a float, got {type(got).__name__} {short(got)}")
        if not math.isclose(float(got), expected, abs_tol=1e-9):
            raise Fail(f"{shown} ({label}) should be {expected:.4g}, got {short(got)}: divide the matches by the number of labels")
        if not isinstance(got, (float, np.floating)):
            raise Fail(f"{shown} returned the {type(got).__name__} {short(got)}; return a float (the fraction), not a count")
    for args, label in _ACCURACY_ERRORS:
        shown = f"safe_accuracy({short(args[0])}, {short(args[1])})"
        kind, value = _outcome(fn, *args)
        if kind == "returned":
            raise Fail(f"{shown} ({label}) should raise ValueError, but returned {short(value)}")
        if not isinstance(value, ValueError):
            raise Fail(f"{shown} ({label}) raised {type(value).__name__}: {value}; raise a ValueError that says what is wrong")
        if not str(value).strip():
            raise Fail(f"{shown} ({label}) raised ValueError without a message; say what is wrong, e.g. 'y_true is empty'")
    return "safe_accuracy returns the fraction of matches (one class included) and raises ValueError on empty input, unequal lengths, NaN and None"


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
    return (train - train.mean(axis=0)) / train.std(axis=0), (test - test.mean(axis=0)) / test.std(axis=0)


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
        "use test rows whose mean differs clearly from train's, and compare test_scaled with "
        "(test - train.mean(axis=0)) / train.std(axis=0)",
    ),
    (
        _scale_each_part_with_its_own_statistics,
        "scales the test rows with their own mean and std",
        "assert on test_scaled, not only on train_scaled",
    ),
    (_no_scaling, "returns the data unscaled", "assert on the values, not only on the shapes"),
]


def _run_learner_test(test_fn, implementation):
    """None if the learner's test passed on ``implementation``, else the exception it raised."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            test_fn(implementation)
    except NotImplementedError as exc:
        raise NotAttempted from exc
    except Exception as exc:  # a failing test is the expected outcome on a buggy implementation
        return exc
    return None


@check
def check_test_scaling_uses_train_statistics_only(test_fn):
    if not callable(test_fn):
        raise Fail(f"expected a test function, got {type(test_fn).__name__} {short(test_fn)}")
    for implementation, label in _CORRECT_SCALERS:
        error = _run_learner_test(test_fn, implementation)
        if error is not None:
            first_line = next((line.strip() for line in str(error).splitlines() if line.strip()), "")
            raise Fail(f"your test fails on a correct implementation ({label}): {type(error).__name__}: {short(first_line)}")
    for implementation, bug, hint in _BUGGY_SCALERS:
        if _run_learner_test(test_fn, implementation) is None:
            raise Fail(f"your test passed on an implementation that {bug}: {hint}")
    return "your test passes on two correct scalers and fails on the train+test leak, per-part scaling and no scaling"


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

_JUNIT_CASES = [
    (_REPORT_PYTEST, "a pytest report with a pass that printed output, a failure and a skip",
     {"tests": 4, "passed": 2, "failed": 1, "errors": 0, "skipped": 1, "failed_tests": ["tests.test_units::test_two"]}),
    (_REPORT_TWO_SUITES, "a report with two <testsuite> elements and an <error>",
     {"tests": 5, "passed": 3, "failed": 1, "errors": 1, "skipped": 0,
      "failed_tests": ["integration.test_pipeline::test_fit", "integration.test_pipeline::test_predict"]}),
    (_REPORT_BARE_SUITE, "a bare <testsuite> root without count attributes",
     {"tests": 2, "passed": 1, "failed": 1, "errors": 0, "skipped": 0, "failed_tests": ["Checkout::empty basket"]}),
    (_REPORT_EMPTY, "an empty <testsuites/> report",
     {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}),
]


@check
def check_summarise_junit(fn):
    for xml_text, label, expected in _JUNIT_CASES:
        got = call(fn, xml_text)
        if not isinstance(got, dict):
            raise Fail(f"summarise_junit should return a dict, got {type(got).__name__} {short(got)}")
        if set(got) != set(expected):
            raise Fail(f"the dict should have the keys {sorted(expected)}, got {sorted(map(str, got))}")
        for key, want in expected.items():
            value = got[key]
            if key == "failed_tests":
                if not isinstance(value, (list, tuple)) or list(value) != want:
                    raise Fail(f"for {label}, failed_tests should be {want} (failures and errors, as 'classname::name', in file order), got {short(value)}")
            elif value != want or isinstance(value, bool):
                raise Fail(f"for {label}, {key} should be {want}, got {short(value)}: count <testcase> elements by their child (failure, error, skipped)")
    return "summarise_junit counts passed, failed, errors and skipped tests from pytest-style, multi-suite, bare-suite and empty reports"


# ---------------------------------------------------------------- Exercise 4: first_bad_commit

_BISECT_CASES = [(1, 0), (2, 0), (2, 1), (10, 0), (10, 9), (10, 4), (64, 0), (64, 63), (64, 37), (1000, 999), (1000, 1), (1000, 500)]


def _budget(n: int) -> int:
    """At most ceil(log2 n) tests are needed; one spare call is allowed."""
    return math.ceil(math.log2(n)) + 1 if n > 1 else 1


@check
def check_first_bad_commit(fn):
    for n, first_bad in _BISECT_CASES:
        commits = [f"c{i:04d}" for i in range(n)]
        position = {commit: i for i, commit in enumerate(commits)}
        calls: list = []

        def is_good(commit, position=position, calls=calls, first_bad=first_bad):
            calls.append(commit)
            if commit not in position:
                raise Fail(f"is_good was called with {short(commit)}, which is not one of the commits: pass the elements of `commits`")
            return position[commit] < first_bad

        got = call(fn, list(commits), is_good)
        where = f"{n} commits with the first bad one at index {first_bad}"
        if got != commits[first_bad]:
            hint = " (index 0: every commit can be bad)" if first_bad == 0 else ""
            raise Fail(f"for {where}, expected {commits[first_bad]!r}, got {short(got)}{hint}")
        if len(calls) > _budget(n):
            raise Fail(f"for {where}, you called is_good {len(calls)} times; binary search needs at most {_budget(n) - 1} (halve the range each time)")
    return "first_bad_commit finds the first bad commit at both edges and in the middle, within ceil(log2 n) + 1 calls of is_good"
