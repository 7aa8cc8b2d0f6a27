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

from mlskills.checks import Fail, NotAttempted, OutOfTime, call, call_on, check, counted, short

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


@check(
    budget_s=30
)  # runs the learner's test on several scalers, which fit models; slow on a busy laptop
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


# ------------------------------------------------- Exercise 6: refactor until ruff is quiet

#: The ruff rules of the chapter's project (its pyproject.toml), for the learner's module.
CHAPTER_RUFF_CONFIG = """\
[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "W", "F", "B", "I", "UP", "PL", "ERA", "ANN", "D103"]
"""

#: The module the learner cleans up: it works, and ruff has a dozen complaints about it.
MESSY_RISK_BAND = """\
import os, sys
import numpy as np

def risk_band(probability, history=[]):
    global LAST_BAND
    try:
        if probability >= 0.7: band = "high"
        elif probability >= 0.3: band = "medium"
        else: band = "low"
    except:
        band = "unknown"
    history.append(band)
    LAST_BAND = band
    return band
"""

_RISK_INPUTS = [0, 0.0, 0.1, 0.2999, 0.3, 0.5, 0.6999, 0.7, 0.95, 1, 1.5, -0.1]
_RISK_ODD_INPUTS = [None, float("nan"), "0.9", [0.8]]


def _module_from_source(source: str, name: str):
    """Execute ``source`` as a fresh module (the learner's code; nothing is written to sys.modules)."""
    import types

    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)  # noqa: S102 - running the answer is the check
    return module


def _ruff_findings(source: str) -> list[str]:
    """ruff's findings on ``source`` with the chapter's rules, one line each (path-free)."""
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as tmp:
        Path(tmp, "pyproject.toml").write_text(CHAPTER_RUFF_CONFIG, encoding="utf-8")
        Path(tmp, "risk.py").write_text(source, encoding="utf-8")
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "ruff",
                "check",
                "--no-cache",
                "--output-format",
                "concise",
                "risk.py",
            ],
            cwd=tmp,
            capture_output=True,
            text=True,
            check=False,
            env={"NO_COLOR": "1", "PATH": "", "LC_ALL": "C"},
        )
    if done.returncode not in (0, 1):
        raise RuntimeError(f"ruff did not run: {done.stderr.strip() or done.stdout.strip()}")
    return [line for line in done.stdout.splitlines() if line.startswith("risk.py:")]


def _band_or_error(fn, value):
    try:
        return fn(value)
    except Exception as exc:  # noqa: BLE001 - an exception is an outcome to compare
        return f"raises {type(exc).__name__}"


@check(budget_s=20)  # runs ruff in a subprocess; slow on a busy laptop
def check_cleaned_risk_band(fn):
    source = call(fn)
    if not isinstance(source, str):
        raise Fail(
            f"cleaned_risk_band() should return the module's source code as a str, got {short(source)}"
        )
    if "noqa" in source.lower():
        raise Fail(
            "the source contains 'noqa': that silences ruff instead of fixing the code; remove every "
            "noqa comment and change the code until ruff has nothing to say"
        )
    try:
        compile(source, "risk.py", "exec")
    except SyntaxError as exc:
        raise Fail(f"the source is not valid Python: {exc.msg} on line {exc.lineno}") from exc
    findings = _ruff_findings(source)
    if findings:
        first = findings[0].split(":", 3)[-1].strip()
        raise Fail(
            f"ruff still reports {len(findings)} finding(s) with the chapter's rules, the first: "
            f"line {findings[0].split(':')[1]}: {first}"
        )
    try:
        module = _module_from_source(source, "cleaned_risk")
    except Exception as exc:  # noqa: BLE001 - a module that fails to import is a hint, not a crash
        raise Fail(f"importing your module raised {type(exc).__name__}: {exc}") from exc
    if not callable(getattr(module, "risk_band", None)):
        raise Fail(
            "your module should still define risk_band(probability): callers import it by that name"
        )
    original = _module_from_source(MESSY_RISK_BAND, "messy_risk").risk_band
    for value in [*_RISK_INPUTS, *_RISK_ODD_INPUTS]:
        want = _band_or_error(original, value)
        got = _band_or_error(module.risk_band, value)
        if got != want:
            raise Fail(
                f"risk_band({short(value)}) returned {short(want)} before the refactoring and {short(got)} "
                "after: a refactoring keeps the behaviour exactly, odd cases included (fix bugs in a "
                "separate change)"
            )
    return (
        f"ruff reports nothing with the chapter's rules (no noqa), and risk_band behaves exactly as before on "
        f"{len(_RISK_INPUTS) + len(_RISK_ODD_INPUTS)} inputs, boundaries, None, NaN and text included"
    )


# ------------------------------------------------ Exercise 7: resolve a real merge conflict

_BASE_REQUIREMENTS = [
    ("joblib", "1.4.2"),
    ("numpy", "2.1.0"),
    ("pandas", "2.2.3"),
    ("scikit-learn", "1.5.2"),
]

#: (what happens, base, ours (main), theirs (the branch), conflict style)
_CONFLICT_SCENARIOS = [
    (
        "both sides bump numpy, the branch adds matplotlib and pytest",
        _BASE_REQUIREMENTS,
        [("joblib", "1.4.2"), ("numpy", "2.1.3"), ("pandas", "2.2.3"), ("scikit-learn", "1.5.2")],
        [
            ("joblib", "1.4.2"),
            ("matplotlib", "3.9.2"),
            ("numpy", "2.2.0"),
            ("pandas", "2.2.3"),
            ("pytest", "8.3.4"),
            ("scikit-learn", "1.5.2"),
        ],
        "merge",
    ),
    (
        "a minor version with two digits (2.10.1 against 2.9.4)",
        [("numpy", "2.1.0"), ("pandas", "2.2.3"), ("scipy", "1.14.1")],
        [("numpy", "2.10.1"), ("pandas", "2.2.3"), ("scipy", "1.15.0")],
        [("numpy", "2.9.4"), ("pandas", "2.2.3"), ("scipy", "1.14.2")],
        "merge",
    ),
    (
        "two separate conflicts in one file",
        [
            ("aiohttp", "3.10.0"),
            ("attrs", "24.2.0"),
            ("click", "8.1.7"),
            ("mlflow", "2.17.0"),
            ("numpy", "2.1.0"),
            ("pandas", "2.2.3"),
            ("pyyaml", "6.0.1"),
            ("requests", "2.32.3"),
            ("rich", "13.9.2"),
            ("scipy", "1.14.1"),
        ],
        [
            ("aiohttp", "3.11.2"),
            ("attrs", "24.2.0"),
            ("click", "8.1.7"),
            ("mlflow", "2.17.0"),
            ("numpy", "2.1.0"),
            ("pandas", "2.2.3"),
            ("pyyaml", "6.0.1"),
            ("requests", "2.32.3"),
            ("rich", "13.9.4"),
            ("scipy", "1.14.1"),
        ],
        [
            ("aiohttp", "3.10.11"),
            ("attrs", "24.2.0"),
            ("click", "8.1.7"),
            ("mlflow", "2.17.0"),
            ("numpy", "2.1.0"),
            ("pandas", "2.2.3"),
            ("pyyaml", "6.0.1"),
            ("requests", "2.32.3"),
            ("rich", "13.9.3"),
            ("rich-click", "1.8.4"),
            ("scipy", "1.14.1"),
        ],
        "merge",
    ),
    (
        "diff3 markers (the base version between ||||||| and =======); both sides dropped six",
        [("numpy", "2.1.0"), ("six", "1.16.0"), ("torch", "2.4.1")],
        [("numpy", "2.1.2"), ("torch", "2.4.1")],
        [("numpy", "2.1.1"), ("torch", "2.5.0")],
        "diff3",
    ),
]


def _requirements_text(pins) -> str:
    return "".join(f"{name}=={version}\n" for name, version in pins)


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def expected_resolution(ours, theirs) -> str:
    """The reference: every package of both sides, the higher version of each, sorted."""
    best: dict[str, str] = {}
    for name, version in [*ours, *theirs]:
        if name not in best or _version_key(version) > _version_key(best[name]):
            best[name] = version
    return _requirements_text(sorted(best.items()))


class _Repo:
    """A throwaway Git repository with a local identity and no global or system config."""

    def __init__(self, folder) -> None:
        from pathlib import Path

        self.path = Path(folder)
        empty = self.path / "empty.gitconfig"
        empty.write_text("", encoding="utf-8")
        self.env = {
            "GIT_CONFIG_GLOBAL": str(empty),
            "GIT_CONFIG_NOSYSTEM": "1",
            "HOME": str(self.path),
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            "PATH": __import__("os").environ.get("PATH", ""),
            "GIT_AUTHOR_DATE": "2025-03-20T09:00:00+00:00",
            "GIT_COMMITTER_DATE": "2025-03-20T09:00:00+00:00",
        }
        self.work = self.path / "project"
        self.work.mkdir()
        self.git("-c", "init.defaultBranch=main", "init", "--quiet", "--template=")
        for key, value in [
            ("user.name", "Check Bot"),
            ("user.email", "check@example.com"),
            ("commit.gpgsign", "false"),
            ("core.hooksPath", str(self.path / "no-hooks")),
            ("core.autocrlf", "false"),
        ]:
            self.git("config", "--local", key, value)

    def git(self, *args, ok=(0,)):
        import subprocess

        done = subprocess.run(
            ["git", *args], cwd=self.work, env=self.env, capture_output=True, text=True, check=False
        )
        if done.returncode not in ok:
            raise RuntimeError(
                f"git {' '.join(args)} exited with {done.returncode}: {done.stderr.strip()}"
            )
        return done

    def write(self, text: str) -> None:
        (self.work / "requirements.txt").write_text(text, encoding="utf-8", newline="\n")

    def read(self) -> str:
        return (self.work / "requirements.txt").read_text(encoding="utf-8")


def _conflict(repo: _Repo, base, ours, theirs, style: str) -> str:
    """Commit base, change it on a branch and on main, merge: return the conflicted file."""
    repo.write(_requirements_text(base))
    repo.git("add", "requirements.txt")
    repo.git("commit", "--quiet", "-m", "Pin the requirements")
    repo.git("switch", "--quiet", "-c", "upgrade")
    repo.write(_requirements_text(theirs))
    repo.git("commit", "--quiet", "-am", "Upgrade on the branch")
    repo.git("switch", "--quiet", "main")
    repo.write(_requirements_text(ours))
    repo.git("commit", "--quiet", "-am", "Upgrade on main")
    merge = repo.git("-c", f"merge.conflictStyle={style}", "merge", "upgrade", ok=(0, 1))
    if merge.returncode != 1:
        raise RuntimeError("the scenario did not produce a conflict")
    return repo.read()


def conflicted_requirements_example() -> str:
    """The conflicted requirements.txt of the exercise's first scenario, made by a real merge."""
    import tempfile

    label, base, ours, theirs, style = _CONFLICT_SCENARIOS[0]
    with tempfile.TemporaryDirectory() as tmp:
        return _conflict(_Repo(tmp), base, ours, theirs, style)


def _outside_blocks(conflicted: str) -> str:
    """The lines of a conflicted file that are outside every conflict block."""
    kept, inside = [], False
    for line in conflicted.splitlines():
        if line.startswith("<<<<<<<"):
            inside = True
        elif line.startswith(">>>>>>>"):
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def _resolution_hint(got: str, want: str, ours, theirs, label: str, conflicted: str) -> str:
    if got.replace("\r\n", "\n") == want:
        return f"{label}: use '\\n' line endings, as the rest of the repository does"
    if got.rstrip("\n") == want.rstrip("\n"):
        return f"{label}: end the file with exactly one newline, as Git and pip expect"
    got_lines = got.splitlines()
    want_lines = want.splitlines()
    if got_lines and sorted(got_lines) == want_lines and got_lines != want_lines:
        return (
            f"{label}: the right lines in the wrong order; the file lists packages sorted by name"
        )
    names = [line.split("==")[0] for line in got_lines if "==" in line]
    if len(names) != len(set(names)):
        twice = sorted({n for n in names if names.count(n) > 1})
        return f"{label}: {short(twice)} appear more than once; keep one pin per package"
    if got_lines == _requirements_text(sorted(ours)).splitlines():
        return f"{label}: that is main's side only; the branch's changes are lost"
    if got_lines == _requirements_text(sorted(theirs)).splitlines():
        return f"{label}: that is the branch's side only; main's changes are lost"
    want_pins = dict(line.split("==") for line in want_lines)
    got_pins = dict(line.split("==", 1) for line in got_lines if "==" in line)
    missing = sorted(set(want_pins) - set(got_pins))
    if missing:
        outside = [n for n in missing if f"\n{n}==" in "\n" + _outside_blocks(conflicted)]
        why = (
            "lines outside the conflict blocks are part of the file too"
            if outside
            else "every package that either side pins belongs in the file"
        )
        return f"{label}: packages missing from your file: {short(missing)}; {why}"
    extra = sorted(set(got_pins) - set(want_pins))
    if extra:
        return (
            f"{label}: {short(extra)} should not be in the file; neither main nor the branch has it "
            "(what do the lines between ||||||| and ======= show?)"
        )
    for name, version in want_pins.items():
        if got_pins[name] != version:
            return (
                f"{label}: {name} should be pinned to the higher of the two versions, {version}, got "
                f"{got_pins[name]} (compare versions as numbers, part by part, not as text)"
            )
    return f"{label}: expected {short(want)}, got {short(got)}"


@check(budget_s=30)  # dozens of real git commands; slow on a busy laptop
def check_resolve_requirements(fn):
    import tempfile

    for label, base, ours, theirs, style in _CONFLICT_SCENARIOS:
        with tempfile.TemporaryDirectory() as tmp:
            repo = _Repo(tmp)
            conflicted = _conflict(repo, base, ours, theirs, style)
            got = call_on(fn, f"the conflicted requirements.txt ({label})", conflicted)
            if not isinstance(got, str):
                raise Fail(f"{label}: return the resolved file as one str, got {short(got)}")
            repo.write(got)
            repo.git("add", "requirements.txt")
            check_output = repo.git("diff", "--cached", "--check", ok=(0, 2)).stdout
            marker_lines = [
                line
                for line in got.splitlines()
                if line.startswith(("<<<<<<<", "=======", ">>>>>>>", "|||||||"))
            ]
            if marker_lines or "conflict marker" in check_output:
                raise Fail(
                    f"{label}: conflict markers are left in the file (git diff --check refuses it); "
                    "a resolved file has none"
                )
            want = expected_resolution(ours, theirs)
            if got != want:
                raise Fail(_resolution_hint(got, want, ours, theirs, label, conflicted))
            repo.git("commit", "--quiet", "--no-edit")
            parents = repo.git("rev-list", "--parents", "-n", "1", "HEAD").stdout.split()[1:]
            if len(parents) != 2:  # pragma: no cover - git itself would have to misbehave
                raise Fail(f"{label}: the merge commit should have two parents, got {len(parents)}")
    return (
        f"{len(_CONFLICT_SCENARIOS)} real merge conflicts resolved and committed: both sides kept, the higher "
        "version of each package (2.10 > 2.9), every conflict block, diff3 base lines ignored, sorted, no markers"
    )
