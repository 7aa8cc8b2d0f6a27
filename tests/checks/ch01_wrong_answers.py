"""Plausible wrong answers for the checks of Chapter 1.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each is a mistake a learner would really make.
"""

import math
import xml.etree.ElementTree as ET

import numpy as np

from tests.checks import never_returns

# ---------------------------------------------------------------- Exercise 1: safe_accuracy


def accuracy_with_numpy_mean(y_true, y_pred):
    """The one-liner the exercise replaces: nan (and a warning) on empty input."""
    return float(np.mean(np.asarray(y_true) == np.asarray(y_pred)))


def accuracy_with_zip_truncates(y_true, y_pred):
    """Checks for empty input, but zip silently drops the extra labels."""
    if len(y_true) == 0:
        raise ValueError("empty input")
    pairs = list(zip(y_true, y_pred, strict=False))
    return sum(a == b for a, b in pairs) / len(pairs)


def accuracy_without_missing_check(y_true, y_pred):
    """Empty and length checks, but NaN/None simply count as wrong predictions."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("bad input")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=False)) / len(y_true)


def accuracy_counts_matches(y_true, y_pred):
    """Returns the number of matches instead of the fraction."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("bad input")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=False))


def accuracy_divides_by_zero(y_true, y_pred):
    """No input checks at all: ZeroDivisionError on empty input."""
    for label in [*y_true, *y_pred]:
        if label is None or (isinstance(label, float) and math.isnan(label)):
            raise ValueError("missing label")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


# ---------------------------------------------------------------- Exercise 2: test that catches a leak


def test_only_checks_train_is_standardised(fit_transform):
    """Checks the training rows only: misses a test set scaled with its own statistics."""
    train = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    test = np.array([[100.0, -50.0], [300.0, 50.0]])
    train_scaled, _ = fit_transform(train, test)
    np.testing.assert_allclose(train_scaled.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(train_scaled.std(axis=0), 1)


def test_expects_test_mean_zero(fit_transform):
    """Believes the scaled test rows must have mean 0: fails on the correct code."""
    train = np.array([[0.0], [2.0], [4.0]])
    test = np.array([[100.0], [300.0]])
    _, test_scaled = fit_transform(train, test)
    np.testing.assert_allclose(test_scaled.mean(axis=0), 0, atol=1e-9)


def test_with_identical_train_and_test(fit_transform):
    """Uses the same rows for train and test, so the leak changes nothing."""
    data = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    train_scaled, test_scaled = fit_transform(data, data.copy())
    expected = (data - data.mean(axis=0)) / data.std(axis=0)
    np.testing.assert_allclose(train_scaled, expected)
    np.testing.assert_allclose(test_scaled, expected)


def test_only_checks_shapes(fit_transform):
    """Asserts on shapes only: every implementation passes."""
    train, test = np.ones((3, 2)) * [[1.0], [2.0], [3.0]], np.ones((2, 2))
    train_scaled, test_scaled = fit_transform(train, test)
    assert train_scaled.shape == (3, 2) and test_scaled.shape == (2, 2)


# ---------------------------------------------------------------- Exercise 3: summarise_junit


def junit_reads_suite_attributes(xml_text):
    """Trusts the first <testsuite>'s attributes: wrong for several suites, crashes on a bare root."""
    root = ET.fromstring(xml_text)
    suite = root if root.tag == "testsuite" else root.find("testsuite")
    if suite is None:
        return {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}
    counts = {k: int(suite.get(k, 0)) for k in ["tests", "failures", "errors", "skipped"]}
    failed = [
        f"{c.get('classname')}::{c.get('name')}"
        for c in suite.iter("testcase")
        if c.find("failure") is not None or c.find("error") is not None
    ]
    return {
        "tests": counts["tests"],
        "passed": counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"],
        "failed": counts["failures"],
        "errors": counts["errors"],
        "skipped": counts["skipped"],
        "failed_tests": failed,
    }


def junit_counts_errors_as_failures(xml_text):
    """Lumps <error> in with <failure>."""
    summary = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}
    for case in ET.fromstring(xml_text).iter("testcase"):
        summary["tests"] += 1
        if case.find("failure") is not None or case.find("error") is not None:
            summary["failed"] += 1
            summary["failed_tests"].append(f"{case.get('classname')}::{case.get('name')}")
        elif case.find("skipped") is not None:
            summary["skipped"] += 1
        else:
            summary["passed"] += 1
    return summary


def junit_any_child_means_failure(xml_text):
    """Treats any child element, <system-out> included, as a failure."""
    summary = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}
    for case in ET.fromstring(xml_text).iter("testcase"):
        summary["tests"] += 1
        children = [child.tag for child in case]
        if "skipped" in children:
            summary["skipped"] += 1
        elif "error" in children:
            summary["errors"] += 1
            summary["failed_tests"].append(f"{case.get('classname')}::{case.get('name')}")
        elif children:
            summary["failed"] += 1
            summary["failed_tests"].append(f"{case.get('classname')}::{case.get('name')}")
        else:
            summary["passed"] += 1
    return summary


def junit_only_direct_children(xml_text):
    """Looks for <testcase> directly under the root, which finds none under <testsuites>."""
    summary = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}
    for case in ET.fromstring(xml_text).findall("testcase"):
        summary["tests"] += 1
        if case.find("failure") is not None:
            summary["failed"] += 1
            summary["failed_tests"].append(f"{case.get('classname')}::{case.get('name')}")
        else:
            summary["passed"] += 1
    return summary


# ---------------------------------------------------------------- Exercise 4: first_bad_commit


def bisect_linear_scan(commits, is_good):
    """Correct answers, but one test per commit: far over the budget."""
    for commit in commits:
        if not is_good(commit):
            return commit
    return commits[-1]


def bisect_returns_last_good(commits, is_good):
    """Binary search that returns the commit just before the first bad one."""
    low, high = 0, len(commits) - 1
    while low < high:
        middle = (low + high) // 2
        if is_good(commits[middle]):
            low = middle + 1
        else:
            high = middle
    return commits[max(low - 1, 0)]


def bisect_assumes_first_is_good(commits, is_good):
    """Starts the search at index 1, so it can never answer 'the very first commit'."""
    low, high = 1, len(commits) - 1
    while low < high:
        middle = (low + high) // 2
        if is_good(commits[middle]):
            low = middle + 1
        else:
            high = middle
    return commits[min(low, len(commits) - 1)]


# ---------------------------------------------------------------- Exercise 1, more wrong answers


def accuracy_nan_in_true_none_in_pred_only(y_true, y_pred):
    """Rejects NaN only in y_true and None only in y_pred (the other argument slips through)."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(isinstance(v, float) and math.isnan(v) for v in y_true):
        raise ValueError("NaN in y_true")
    if any(v is None for v in y_pred):
        raise ValueError("None in y_pred")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_checks_none_but_not_nan(y_true, y_pred):
    """Rejects None in both arguments but lets NaN count as a wrong label."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_checks_nan_but_not_none(y_true, y_pred):
    """Rejects NaN in both arguments but lets None count as a wrong label."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(isinstance(v, float) and math.isnan(v) for v in [*y_true, *y_pred]):
        raise ValueError("NaN label")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_nan_compared_with_equals(y_true, y_pred):
    """Looks for NaN with `== float('nan')`, which is never true."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None or v == float("nan") for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_nan_check_breaks_strings(y_true, y_pred):
    """np.isnan on the labels: right for numbers, TypeError for string labels."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if (
        any(v is None for v in [*y_true, *y_pred])
        or np.isnan(np.asarray(y_true, dtype=float)).any()
    ):
        raise ValueError("missing label")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_empty_check_with_truthiness(y_true, y_pred):
    """`if not y_true` is ambiguous for a NumPy array of several labels."""
    if not y_true or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_rounds_to_two_decimals(y_true, y_pred):
    """Rounds the fraction to two decimals: 2/3 becomes 0.67."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return round(sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true), 2)


def accuracy_as_percentage(y_true, y_pred):
    """Returns a percentage (75.0) instead of a fraction (0.75)."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return 100 * sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_integer_division(y_true, y_pred):
    """Floor division: every accuracy below 1 becomes 0."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return float(sum(a == b for a, b in zip(y_true, y_pred, strict=True)) // len(y_true))


def accuracy_value_error_without_message(y_true, y_pred):
    """Raises the right exception type, but with no message to say what is wrong."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]):
        raise ValueError
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_asserts_instead_of_raising(y_true, y_pred):
    """Guards the input with bare asserts: AssertionError, not ValueError, and no message."""
    assert len(y_true) > 0 and len(y_true) == len(y_pred)
    assert not any(
        v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]
    )
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


def accuracy_counts_mismatches(y_true, y_pred):
    """Returns the error rate (the fraction of disagreements) instead of the accuracy."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    if any(v is None or (isinstance(v, float) and math.isnan(v)) for v in [*y_true, *y_pred]):
        raise ValueError("missing label")
    return sum(a != b for a, b in zip(y_true, y_pred, strict=True)) / len(y_true)


@never_returns
def accuracy_loop_never_advances(y_true, y_pred):
    """A while loop that only moves on after a match: never returns on a wrong label."""
    if len(y_true) == 0 or len(y_true) != len(y_pred):
        raise ValueError("empty or unequal inputs")
    matches, i = 0, 0
    while i < len(y_true):
        if y_true[i] == y_pred[i]:
            matches += 1
            i += 1
    return matches / len(y_true)


# ---------------------------------------------------------------- Exercise 2, more wrong tests


def test_returns_instead_of_asserting(fit_transform):
    """Returns the comparison instead of asserting it, so the test can never fail."""
    train = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    test = np.array([[100.0, -50.0], [300.0, 50.0]])
    _, test_scaled = fit_transform(train, test)
    return np.allclose(test_scaled, (test - train.mean(axis=0)) / train.std(axis=0))


def test_swallows_the_assertion(fit_transform):
    """Wraps the assert in try/except and prints the failure, so the test always passes."""
    train = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    test = np.array([[100.0, -50.0], [300.0, 50.0]])
    _, test_scaled = fit_transform(train, test)
    try:
        np.testing.assert_allclose(test_scaled, (test - train.mean(axis=0)) / train.std(axis=0))
    except AssertionError as error:
        print("leak:", error)


def test_uses_sample_std(fit_transform):
    """Expects the sample standard deviation (ddof=1): a bare assert fails on correct code."""
    train = np.array([[0.0, 10.0], [2.0, 20.0], [4.0, 30.0]])
    test = np.array([[100.0, -50.0], [300.0, 50.0]])
    _, test_scaled = fit_transform(train, test)
    assert np.allclose(test_scaled, (test - train.mean(axis=0)) / train.std(axis=0, ddof=1))


def test_only_checks_the_mean_shift(fit_transform):
    """Checks that the test rows moved, not by how much: the per-part and leaky scalers move them too."""
    train = np.array([[0.0], [2.0], [4.0]])
    test = np.array([[100.0], [300.0]])
    _, test_scaled = fit_transform(train, test)
    assert not np.allclose(test_scaled, test)


@never_returns
def test_waits_for_a_change_that_never_comes(fit_transform):
    """Re-runs the scaler until the output changes: never returns on a deterministic one."""
    train = np.array([[0.0], [2.0], [4.0]])
    test = np.array([[100.0], [300.0]])
    first = fit_transform(train, test)[1]
    while np.allclose(fit_transform(train, test)[1], first):
        pass


# ---------------------------------------------------------------- Exercise 3, more wrong answers


def _junit_summary(xml_text, *, present=lambda child: child is not None, key=None, order="file"):
    summary = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}
    failures, errors = [], []
    for case in ET.fromstring(xml_text).iter("testcase"):
        summary["tests"] += 1
        name = key(case) if key else f"{case.get('classname')}::{case.get('name')}"
        if present(case.find("failure")):
            summary["failed"] += 1
            failures.append(name)
            summary["failed_tests"].append(name)
        elif present(case.find("error")):
            summary["errors"] += 1
            errors.append(name)
            summary["failed_tests"].append(name)
        elif present(case.find("skipped")):
            summary["skipped"] += 1
        else:
            summary["passed"] += 1
    if order == "sorted":
        summary["failed_tests"] = sorted(summary["failed_tests"])
    elif order == "failures first":
        summary["failed_tests"] = failures + errors
    return summary


def junit_sorts_failed_tests(xml_text):
    """Sorts failed_tests alphabetically instead of keeping the order of the file."""
    return _junit_summary(xml_text, order="sorted")


def junit_lists_failures_then_errors(xml_text):
    """Collects failures and errors in two lists and concatenates them: not file order."""
    return _junit_summary(xml_text, order="failures first")


def junit_tests_element_truthiness(xml_text):
    """`if case.find('failure'):` is False for an element without children, so nothing fails."""
    return _junit_summary(xml_text, present=lambda child: bool(child is not None and len(child)))


def junit_name_without_classname(xml_text):
    """Lists failed tests by name only, without 'classname::'."""
    return _junit_summary(xml_text, key=lambda case: case.get("name"))


def junit_counts_skipped_outside_tests(xml_text):
    """Leaves skipped tests out of the total."""
    summary = _junit_summary(xml_text)
    summary["tests"] -= summary["skipped"]
    return summary


def junit_counts_as_floats(xml_text):
    """Adds up the outcomes with NumPy floats: 4.0 tests instead of the integer 4."""
    summary = _junit_summary(xml_text)
    return {k: (np.float64(v) if k != "failed_tests" else v) for k, v in summary.items()}


@never_returns
def junit_scans_text_without_advancing(xml_text):
    """Scans the text with str.find but never moves past the first <testcase>: never returns."""
    summary = {"tests": 0, "passed": 0, "failed": 0, "errors": 0, "skipped": 0, "failed_tests": []}
    position = xml_text.find("<testcase")
    while position != -1:
        summary["tests"] += 1
        position = xml_text.find("<testcase", position)
    return summary


# ---------------------------------------------------------------- Exercise 4, more wrong answers


def bisect_low_becomes_middle(commits, is_good):
    """`low = middle` instead of `middle + 1`: the range stops shrinking and the loop never ends."""
    low, high = 0, len(commits) - 1
    while low < high:
        middle = (low + high) // 2
        if is_good(commits[middle]):
            low = middle
        else:
            high = middle
    return commits[low]


def bisect_rounds_middle_up(commits, is_good):
    """Rounds the middle up with `high = middle`: stalls when two commits are left."""
    low, high = 0, len(commits) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if is_good(commits[middle]):
            low = middle + 1
        else:
            high = middle
    return commits[low]


def bisect_returns_index(commits, is_good):
    """Finds the right position but returns the index, not the commit."""
    low, high = 0, len(commits) - 1
    while low < high:
        middle = (low + high) // 2
        if is_good(commits[middle]):
            low = middle + 1
        else:
            high = middle
    return low


def bisect_checks_both_ends_first(commits, is_good):
    """Tests the first and the known-bad last commit before searching: two calls over budget."""
    if len(commits) == 1 or not is_good(commits[0]):
        return commits[0]
    is_good(commits[-1])
    low, high = 1, len(commits) - 1
    while low < high:
        middle = (low + high) // 2
        if is_good(commits[middle]):
            low = middle + 1
        else:
            high = middle
    return commits[low]


def bisect_passes_indices_to_is_good(commits, is_good):
    """Calls is_good with the index instead of the commit id."""
    low, high = 0, len(commits) - 1
    while low < high:
        middle = (low + high) // 2
        if is_good(middle):
            low = middle + 1
        else:
            high = middle
    return commits[low]


# ---------------------------------------------------------------- Correct answers written differently


def accuracy_with_pandas(y_true, y_pred):
    """pandas does the missing-value test (pd.isna covers NaN and None)."""
    import pandas as pd

    truth, prediction = pd.Series(list(y_true), dtype=object), pd.Series(list(y_pred), dtype=object)
    if truth.empty:
        raise ValueError("no labels: accuracy is undefined")
    if len(truth) != len(prediction):
        raise ValueError(f"{len(truth)} true labels but {len(prediction)} predictions")
    if truth.isna().any() or prediction.isna().any():
        raise ValueError("a label is missing (NaN or None)")
    return float((truth == prediction).mean())


class LabelError(ValueError):
    """A project's own error type, still a ValueError."""


def accuracy_with_own_error_and_self_comparison(y_true, y_pred):
    """NaN found with x != x, a ValueError subclass, and a numpy float returned."""
    y_true, y_pred = np.asarray(y_true, dtype=object), np.asarray(y_pred, dtype=object)
    if y_true.size == 0:
        raise LabelError("EMPTY INPUT")
    if y_true.shape != y_pred.shape:
        raise LabelError(f"shapes differ: {y_true.shape} vs {y_pred.shape}")
    for label in [*y_true, *y_pred]:
        if label is None or label != label:
            raise LabelError(f"missing label {label!r}")
    return np.float64(np.sum(y_true == y_pred)) / y_true.size


def test_against_sklearn_scaler(fit_transform):
    """Uses scikit-learn's StandardScaler as the reference, with pytest.approx."""
    import pytest
    from sklearn.preprocessing import StandardScaler

    rng = np.random.default_rng(0)
    train, test = rng.normal(0, 1, (20, 3)), rng.normal(5, 3, (6, 3))
    reference = StandardScaler().fit(train)
    train_scaled, test_scaled = fit_transform(train, test)
    assert np.asarray(test_scaled).ravel() == pytest.approx(reference.transform(test).ravel())
    assert np.asarray(train_scaled).ravel() == pytest.approx(reference.transform(train).ravel())


def test_by_inverting_the_scaling(fit_transform):
    """Checks the inverse: test_scaled * train std + train mean gives the test rows back."""
    train = np.array([[1.0], [2.0], [3.0], [6.0]])
    test = np.array([[50.0], [-20.0], [7.0]])
    train_scaled, test_scaled = fit_transform(train, test)
    assert np.allclose(np.asarray(test_scaled) * train.std() + train.mean(), test), (
        "test rows not scaled with train statistics"
    )
    assert abs(np.mean(train_scaled)) < 1e-9 and abs(np.std(train_scaled) - 1) < 1e-9


def junit_with_xpath_and_counter(xml_text):
    """ElementTree's './/testcase' path and a Counter of outcomes."""
    from collections import Counter

    outcomes, failed = Counter(), []
    for case in ET.fromstring(xml_text).findall(".//testcase"):
        tags = {child.tag for child in case}
        outcome = next((t for t in ("failure", "error", "skipped") if t in tags), "passed")
        outcomes[outcome] += 1
        if outcome in ("failure", "error"):
            failed.append("{}::{}".format(case.attrib.get("classname"), case.attrib.get("name")))
    return {
        "tests": sum(outcomes.values()),
        "passed": outcomes["passed"],
        "failed": outcomes["failure"],
        "errors": outcomes["error"],
        "skipped": outcomes["skipped"],
        "failed_tests": failed,
    }


def junit_with_minidom(xml_text):
    """xml.dom.minidom instead of ElementTree; failed tests as a tuple."""
    from xml.dom import minidom

    counts = dict.fromkeys(["tests", "passed", "failed", "errors", "skipped"], 0)
    failed = []
    for case in minidom.parseString(xml_text).getElementsByTagName("testcase"):
        counts["tests"] += 1
        children = {node.tagName for node in case.childNodes if node.nodeType == node.ELEMENT_NODE}
        if "failure" in children or "error" in children:
            counts["failed" if "failure" in children else "errors"] += 1
            failed.append(case.getAttribute("classname") + "::" + case.getAttribute("name"))
        elif "skipped" in children:
            counts["skipped"] += 1
        else:
            counts["passed"] += 1
    return {**counts, "failed_tests": tuple(failed)}


def bisect_with_the_standard_library(commits, is_good):
    """bisect.bisect_left with a key, over every commit but the last (known bad)."""
    import bisect

    return commits[
        bisect.bisect_left(commits, True, hi=len(commits) - 1, key=lambda c: not is_good(c))
    ]


def bisect_recursive_on_slices(commits, is_good):
    """Recursion on halves of the list instead of two indices."""
    if len(commits) == 1:
        return commits[0]
    middle = (len(commits) - 1) // 2
    if is_good(commits[middle]):
        return bisect_recursive_on_slices(commits[middle + 1 :], is_good)
    return bisect_recursive_on_slices(commits[: middle + 1], is_good)


# ------------------------------------------------- Exercise 6: refactor until ruff is quiet

_CLEAN_RISK = """\
HIGH_RISK = 0.7
MEDIUM_RISK = 0.3


def risk_band(probability: float) -> str:
    \"\"\"Return the risk band of a churn probability.\"\"\"
    try:
        if probability >= HIGH_RISK:
            return "high"
        if probability >= MEDIUM_RISK:
            return "medium"
    except TypeError:
        return "unknown"
    return "low"
"""


def _risk(**replace):
    source = _CLEAN_RISK
    for old, new in replace.items():
        source = source.replace(old.replace("_SP_", " ").replace("_NL_", "\n"), new)
    return source


def risk_unchanged():
    """Returns the messy module as it is."""
    from mlskills.checks.ch01 import MESSY_RISK_BAND

    return MESSY_RISK_BAND


def risk_magic_numbers_left():
    """Cleans everything but compares with the literals 0.7 and 0.3 (PLR2004)."""
    return _CLEAN_RISK.replace("probability >= HIGH_RISK", "probability >= 0.7").replace(
        "probability >= MEDIUM_RISK", "probability >= 0.3"
    )


def risk_without_docstring():
    """Drops the function's docstring (D103)."""
    return _CLEAN_RISK.replace('    """Return the risk band of a churn probability."""\n', "")


def risk_without_annotations():
    """No type hints on the argument and the return value (ANN001, ANN201)."""
    return _CLEAN_RISK.replace(
        "def risk_band(probability: float) -> str:", "def risk_band(probability):"
    )


def risk_unused_import_left():
    """Keeps `import numpy as np`, which nothing uses (F401)."""
    return "import numpy as np\n\n" + _CLEAN_RISK


def risk_mutable_default_left():
    """Keeps the history=[] default argument (B006)."""
    return _CLEAN_RISK.replace(
        "def risk_band(probability: float) -> str:",
        "def risk_band(probability: float, history: list = []) -> str:",
    )


def risk_global_left():
    """Keeps the global LAST_BAND (PLW0603)."""
    return _CLEAN_RISK.replace(
        '    """Return the risk band of a churn probability."""\n',
        '    """Return the risk band of a churn probability."""\n    global LAST_BAND\n    LAST_BAND = None\n',
    )


def risk_bare_except_left():
    """Keeps the bare except (E722)."""
    return _CLEAN_RISK.replace("    except TypeError:", "    except:")


def risk_one_line_ifs():
    """Keeps `if ...: return` on one line (E701)."""
    return _CLEAN_RISK.replace('HIGH_RISK:\n            return "high"', 'HIGH_RISK: return "high"')


def risk_silenced_per_line():
    """Adds `# noqa` to the lines ruff complains about instead of fixing them."""
    from mlskills.checks.ch01 import MESSY_RISK_BAND

    return (
        "\n".join(
            line + "  # noqa" if line.strip() else line for line in MESSY_RISK_BAND.splitlines()
        )
        + "\n"
    )


def risk_silenced_file():
    """Puts `# ruff: noqa` at the top of the file."""
    from mlskills.checks.ch01 import MESSY_RISK_BAND

    return "# ruff: noqa\n" + MESSY_RISK_BAND


def risk_strict_thresholds():
    """Uses > instead of >=: 0.7 becomes "medium" and 0.3 "low"."""
    return _CLEAN_RISK.replace(">= HIGH_RISK", "> HIGH_RISK").replace(
        ">= MEDIUM_RISK", "> MEDIUM_RISK"
    )


def risk_fixes_nan_during_refactoring():
    """'Fixes' NaN to "unknown" in the same change: a behaviour change inside a refactoring."""
    return "import math\n\n" + _CLEAN_RISK.replace(
        "    try:\n",
        '    if isinstance(probability, float) and math.isnan(probability):\n        return "unknown"\n    try:\n',
    )


def risk_without_try():
    """Drops the try/except altogether: None and text now raise TypeError."""
    return _CLEAN_RISK.replace(
        """    try:
        if probability >= HIGH_RISK:
            return "high"
        if probability >= MEDIUM_RISK:
            return "medium"
    except TypeError:
        return "unknown"
""",
        """    if probability >= HIGH_RISK:
        return "high"
    if probability >= MEDIUM_RISK:
        return "medium"
""",
    )


def risk_catches_value_error():
    """except ValueError: the comparison of None with a number raises TypeError, which escapes."""
    return _CLEAN_RISK.replace("except TypeError", "except ValueError")


def risk_none_only():
    """Checks `probability is None` instead of catching the error: text now raises."""
    return _CLEAN_RISK.replace(
        """    try:
        if probability >= HIGH_RISK:
            return "high"
        if probability >= MEDIUM_RISK:
            return "medium"
    except TypeError:
        return "unknown"
""",
        """    if probability is None:
        return "unknown"
    if probability >= HIGH_RISK:
        return "high"
    if probability >= MEDIUM_RISK:
        return "medium"
""",
    )


def risk_renamed():
    """Renames the function to get_risk_band: every caller breaks."""
    return _CLEAN_RISK.replace("def risk_band(", "def get_risk_band(")


def risk_returns_function():
    """Returns the cleaned function itself instead of its source code."""
    namespace = {}
    exec(_CLEAN_RISK, namespace)  # noqa: S102 - building a wrong answer
    return namespace["risk_band"]


def risk_broken_indentation():
    """A copy-paste that lost the indentation of one line: not valid Python."""
    return _CLEAN_RISK.replace('            return "medium"', 'return "medium"')


@never_returns
def risk_loops_on_text():
    """Retries float() on text in a loop that never changes the value."""
    return _CLEAN_RISK.replace(
        "    try:\n",
        "    while isinstance(probability, str):\n        float(probability.strip() or 0)\n    try:\n",
    )


def risk_band_lookup_table():
    """Thresholds in a tuple of (band, lower bound), walked in order."""
    return '''\
"""Risk bands for churn probabilities."""

BANDS = (("high", 0.7), ("medium", 0.3))


def risk_band(probability: float) -> str:
    """The first band whose lower bound the probability reaches; "unknown" if not comparable."""
    try:
        for band, lower in BANDS:
            if probability >= lower:
                return band
    except TypeError:
        return "unknown"
    return "low"
'''


def risk_band_isinstance():
    """Checks the type first instead of catching the error, with a module constant per band."""
    return '''\
"""Risk bands."""

from numbers import Real

CALL_THIS_WEEK = 0.7
NEXT_CAMPAIGN = 0.3


def risk_band(probability: object) -> str:
    """Band of a churn probability; anything that is not a real number is "unknown"."""
    if not isinstance(probability, Real):
        return "unknown"
    if probability >= CALL_THIS_WEEK:
        return "high"
    return "medium" if probability >= NEXT_CAMPAIGN else "low"
'''


# ------------------------------------------------ Exercise 7: resolve a real merge conflict


def _pins(text, *, base=False, side="both"):
    """(name, version) lines of a conflicted file; options select what a wrong answer reads."""
    pins, where = [], "outside"
    for line in text.splitlines():
        if line.startswith("<<<<<<<"):
            where = "ours"
        elif line.startswith("|||||||"):
            where = "base"
        elif line.startswith("======="):
            where = "theirs"
        elif line.startswith(">>>>>>>"):
            where = "outside"
        elif "==" in line:
            keep = (
                where == "outside"
                or (where == "base" and base)
                or (where != "base" and side in ("both", where))
            )
            if keep:
                name, version = line.strip().split("==")
                pins.append((name, version))
    return pins


def _numeric(version):
    return tuple(int(part) for part in version.split("."))


def _resolve(text, *, key=_numeric, base=False, side="both", dedupe=True, order=True, newline=True):
    pins = _pins(text, base=base, side=side)
    if dedupe:
        best = {}
        for name, version in pins:
            if name not in best or key(version) > key(best[name]):
                best[name] = version
        pins = list(best.items())
    if order:
        pins = sorted(pins)
    body = "\n".join(f"{name}=={version}" for name, version in pins)
    return body + "\n" if newline else body


def conflict_returned_unchanged(conflicted):
    """Returns the file as Git left it, markers and all."""
    return conflicted


def conflict_keeps_ours(conflicted):
    """'Accept current change': keeps main's side of every conflict."""
    return _resolve(conflicted, side="ours")


def conflict_keeps_theirs(conflicted):
    """'Accept incoming change': keeps the branch's side of every conflict."""
    return _resolve(conflicted, side="theirs")


def conflict_compares_versions_as_text(conflicted):
    """max() on the version strings: '2.9.4' > '2.10.1' as text."""
    return _resolve(conflicted, key=str)


def conflict_keeps_both_pins(conflicted):
    """Deletes the marker lines and keeps every pin: two lines for numpy."""
    return _resolve(conflicted, dedupe=False)


def conflict_not_sorted(conflicted):
    """Resolves the pins but keeps them in the order they were read."""
    return _resolve(conflicted, order=False)


def conflict_without_final_newline(conflicted):
    """Joins the lines with '\\n' and forgets the final newline."""
    return _resolve(conflicted, newline=False)


def conflict_reads_base_lines_too(conflicted):
    """Treats the diff3 base section as a third side: brings back what both sides removed."""
    return _resolve(conflicted, base=True)


def conflict_only_the_block(conflicted):
    """Returns only the resolved lines of the conflict blocks, dropping every other line."""
    inside = []
    keep = False
    for line in conflicted.splitlines():
        if line.startswith("<<<<<<<"):
            keep = True
        elif line.startswith(">>>>>>>"):
            keep = False
        elif keep:
            inside.append(line)
    return _resolve("\n".join(inside))


def conflict_first_block_only(conflicted):
    """Resolves the first conflict block and leaves later ones as they are."""
    start = conflicted.find("<<<<<<<")
    end = conflicted.find("\n", conflicted.find(">>>>>>>")) + 1
    if start < 0:
        return conflicted
    resolved = _resolve(conflicted[start:end])
    return conflicted[:start] + resolved + conflicted[end:]


def conflict_returns_lines(conflicted):
    """Returns a list of lines instead of the file's text."""
    return _resolve(conflicted).splitlines()


def conflict_windows_line_endings(conflicted):
    """Writes '\\r\\n' line endings."""
    return _resolve(conflicted).replace("\n", "\r\n")


@never_returns
def conflict_scans_without_advancing(conflicted):
    """A while loop that looks for the end marker but never moves past the start marker."""
    lines, i = conflicted.splitlines(), 0
    while i < len(lines):
        if lines[i].startswith("<<<<<<<"):
            continue
        i += 1
    return _resolve(conflicted)


def conflict_with_regex_and_packaging(conflicted):
    """A regular expression for the diff3 base, packaging.version for the comparison."""
    import re

    from packaging.version import Version

    text = re.sub(r"^\|{7}.*?^(?========)", "", conflicted, flags=re.M | re.S)
    pins = {}
    for match in re.finditer(r"^([A-Za-z0-9_.-]+)==(\S+)$", text, flags=re.M):
        name, version = match.groups()
        if name not in pins or Version(version) > Version(pins[name]):
            pins[name] = version
    return "".join(f"{n}=={pins[n]}\n" for n in sorted(pins))


def conflict_with_a_state_machine(conflicted):
    """One pass with an explicit state, keeping the higher version as it goes."""
    state, best = "plain", {}
    for raw in conflicted.split("\n"):
        marker = raw[:7]
        if marker in ("<<<<<<<", ">>>>>>>", "======="):
            state = "plain"
            continue
        if marker == "|||||||":
            state = "base"
            continue
        if state == "base" or "==" not in raw:
            continue
        name, _, version = raw.partition("==")
        old = best.get(name)
        if old is None or [int(x) for x in version.split(".")] > [int(x) for x in old.split(".")]:
            best[name] = version
    return "\n".join(f"{name}=={version}" for name, version in sorted(best.items())) + "\n"


WRONG = {
    "check_safe_accuracy": [
        accuracy_with_numpy_mean,
        accuracy_with_zip_truncates,
        accuracy_without_missing_check,
        accuracy_counts_matches,
        accuracy_divides_by_zero,
        accuracy_nan_in_true_none_in_pred_only,
        accuracy_checks_none_but_not_nan,
        accuracy_checks_nan_but_not_none,
        accuracy_nan_compared_with_equals,
        accuracy_nan_check_breaks_strings,
        accuracy_empty_check_with_truthiness,
        accuracy_rounds_to_two_decimals,
        accuracy_as_percentage,
        accuracy_integer_division,
        accuracy_value_error_without_message,
        accuracy_asserts_instead_of_raising,
        accuracy_counts_mismatches,
        accuracy_loop_never_advances,
    ],
    "check_test_scaling_uses_train_statistics_only": [
        test_only_checks_train_is_standardised,
        test_expects_test_mean_zero,
        test_with_identical_train_and_test,
        test_only_checks_shapes,
        test_returns_instead_of_asserting,
        test_swallows_the_assertion,
        test_uses_sample_std,
        test_only_checks_the_mean_shift,
        test_waits_for_a_change_that_never_comes,
    ],
    "check_summarise_junit": [
        junit_reads_suite_attributes,
        junit_counts_errors_as_failures,
        junit_any_child_means_failure,
        junit_only_direct_children,
        junit_sorts_failed_tests,
        junit_lists_failures_then_errors,
        junit_tests_element_truthiness,
        junit_name_without_classname,
        junit_counts_skipped_outside_tests,
        junit_counts_as_floats,
        junit_scans_text_without_advancing,
    ],
    "check_first_bad_commit": [
        bisect_linear_scan,
        bisect_returns_last_good,
        bisect_assumes_first_is_good,
        bisect_low_becomes_middle,
        bisect_rounds_middle_up,
        bisect_returns_index,
        bisect_checks_both_ends_first,
        bisect_passes_indices_to_is_good,
    ],
    "check_cleaned_risk_band": [
        risk_unchanged,
        risk_magic_numbers_left,
        risk_without_docstring,
        risk_without_annotations,
        risk_unused_import_left,
        risk_mutable_default_left,
        risk_global_left,
        risk_bare_except_left,
        risk_one_line_ifs,
        risk_silenced_per_line,
        risk_silenced_file,
        risk_strict_thresholds,
        risk_fixes_nan_during_refactoring,
        risk_without_try,
        risk_catches_value_error,
        risk_none_only,
        risk_renamed,
        risk_returns_function,
        risk_broken_indentation,
        risk_loops_on_text,
    ],
    "check_resolve_requirements": [
        conflict_returned_unchanged,
        conflict_keeps_ours,
        conflict_keeps_theirs,
        conflict_compares_versions_as_text,
        conflict_keeps_both_pins,
        conflict_not_sorted,
        conflict_without_final_newline,
        conflict_reads_base_lines_too,
        conflict_only_the_block,
        conflict_first_block_only,
        conflict_returns_lines,
        conflict_windows_line_endings,
        conflict_scans_without_advancing,
    ],
}

#: Correct answers written differently from the solution: every check must accept them.
RIGHT = {
    "check_safe_accuracy": [accuracy_with_pandas, accuracy_with_own_error_and_self_comparison],
    "check_test_scaling_uses_train_statistics_only": [
        test_against_sklearn_scaler,
        test_by_inverting_the_scaling,
    ],
    "check_summarise_junit": [junit_with_xpath_and_counter, junit_with_minidom],
    "check_first_bad_commit": [bisect_with_the_standard_library, bisect_recursive_on_slices],
    "check_cleaned_risk_band": [risk_band_lookup_table, risk_band_isinstance],
    "check_resolve_requirements": [
        conflict_with_regex_and_packaging,
        conflict_with_a_state_machine,
    ],
}
