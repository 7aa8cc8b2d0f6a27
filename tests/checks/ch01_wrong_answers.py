"""Plausible wrong answers for the checks of Chapter 1.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each is a mistake a learner would really make.
"""

import math
import xml.etree.ElementTree as ET

import numpy as np

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


WRONG = {
    "check_safe_accuracy": [
        accuracy_with_numpy_mean,
        accuracy_with_zip_truncates,
        accuracy_without_missing_check,
        accuracy_counts_matches,
        accuracy_divides_by_zero,
    ],
    "check_test_scaling_uses_train_statistics_only": [
        test_only_checks_train_is_standardised,
        test_expects_test_mean_zero,
        test_with_identical_train_and_test,
        test_only_checks_shapes,
    ],
    "check_summarise_junit": [
        junit_reads_suite_attributes,
        junit_counts_errors_as_failures,
        junit_any_child_means_failure,
        junit_only_direct_children,
    ],
    "check_first_bad_commit": [
        bisect_linear_scan,
        bisect_returns_last_good,
        bisect_assumes_first_is_good,
    ],
}
