"""Checks for the exercises of Chapter 14: Soft skills.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch14_wrong_answers.py. Written artifacts
(a docstring, review comments, an executive summary) are checked by the same rubrics the
chapter applies to its own examples (mlskills/softskills.py), and by the real tools it uses
(ruff's docstring rules, doctest).
"""

from __future__ import annotations

import doctest
import inspect
import io
import math
import re

import numpy as np
import pandas as pd
from scipy.stats import norm

from mlskills import softskills
from mlskills.checks import Fail, call, check, short

BUDGET_S = 3.0  # seconds; every correct answer needs well under one


def _expect_value_error(fn, args: tuple, what: str) -> None:
    """Fail unless ``fn(*args)`` raises ValueError."""
    try:
        got = call(fn, *args)
    except Fail as exc:
        if "raised ValueError" in str(exc):
            return
        if "did not return" in str(exc):
            raise
        raised = re.search(r"raised (\w+)", str(exc))
        kind = raised.group(1) if raised else "something else"
        raise Fail(f"{what} should raise ValueError, raised {kind}") from None
    raise Fail(f"{what} should raise ValueError, returned {short(got)}")


# ---------------------------------------------------------------- Exercise 1: a documented function
def _reconstructed_source(fn) -> str:
    """A module holding ``fn``'s signature and docstring, for ruff to lint.

    Built from the function object (not from the notebook's text) so the check works
    wherever the function was defined.
    """
    params = ", ".join(inspect.signature(fn).parameters)
    doc = inspect.cleandoc(fn.__doc__)
    body = doc.replace("\n", "\n    ").replace("\n    \n", "\n\n")
    return f'"""Exercise 1."""\n\n\ndef {fn.__name__}({params}):\n    """{body}\n    """\n    return None\n'


def _numpydoc_sections(doc: str) -> dict[str, str]:
    """{section title: body} for numpydoc sections (a title line underlined with dashes)."""
    lines = inspect.cleandoc(doc).splitlines()
    sections, current = {}, None
    for i, line in enumerate(lines):
        underline = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if line.strip() and underline and set(underline) == {"-"} and len(underline) >= 3:
            current = line.strip()
            sections[current] = ""
        elif current is not None and not (line.strip() and set(line.strip()) == {"-"}):
            sections[current] += line + "\n"
    return sections


def _documented_parameters(body: str) -> set[str]:
    """Names documented as ``name : type`` followed by an indented description line."""
    names = set()
    lines = body.splitlines()
    for i, line in enumerate(lines):
        match = re.match(r"^(\w[\w, *]*?)\s*:", line)
        described = i + 1 < len(lines) and lines[i + 1].startswith(" ") and lines[i + 1].strip()
        if match and not line.startswith(" ") and described:
            names.update(n.strip(" *") for n in match.group(1).split(","))
    return names


@check(budget_s=BUDGET_S)
def check_precision_at_k(fn):
    y = np.array([1, 0, 1, 1, 0, 0, 1, 0])
    scores = np.array([0.35, 0.9, 0.8, 0.1, 0.4, 0.2, 0.7, 0.05])  # not sorted
    for k, expected in ((1, 0.0), (3, 2 / 3), (5, 0.6), (8, 0.5)):
        got = call(fn, y.copy(), scores.copy(), k)
        if isinstance(got, bool) or not isinstance(got, (float, np.floating)):
            raise Fail(
                f"precision_at_k(y, scores, k={k}) should return a fraction as a float, got "
                f"{type(got).__name__} {short(got)}"
            )
        if not math.isclose(got, expected):
            raise Fail(
                f"precision_at_k(y, scores, k={k}) with scores {scores.tolist()} and labels {y.tolist()} "
                f"should be {expected:.4g}, got {short(got)}: rank by score, highest first, then look at the top k"
            )
    for k in (0, -1, 9):
        _expect_value_error(fn, (y, scores, k), f"precision_at_k with k={k} of 8 items")
    if not (fn.__doc__ or "").strip():
        raise Fail("precision_at_k has no docstring: write one in the numpydoc format")
    findings = softskills.ruff_findings(_reconstructed_source(fn))
    if findings:
        first = findings[0]
        raise Fail(
            f"ruff's docstring rules (numpy convention) report {first['code']}: {first['message']}"
        )
    sections = _numpydoc_sections(fn.__doc__)
    for title in ("Parameters", "Returns", "Raises", "Examples"):
        if title not in sections:
            found = ", ".join(sections) or "none"
            raise Fail(
                f"the docstring has no '{title}' section (a title line underlined with dashes); sections found: {found}"
            )
    missing = [
        p
        for p in inspect.signature(fn).parameters
        if p not in _documented_parameters(sections["Parameters"])
    ]
    if missing:
        raise Fail(
            f"the Parameters section does not document {missing}: write 'name : type' and, on the next line, "
            "an indented description for each"
        )
    if "ValueError" not in sections["Raises"]:
        raise Fail("the Raises section should name ValueError and say when it is raised")
    examples = doctest.DocTestParser().get_doctest(
        fn.__doc__, {fn.__name__: fn, "np": np}, fn.__name__, None, 0
    )
    if not examples.examples:
        raise Fail(
            "the Examples section has no doctest: write a '>>> ' line and the output it prints below it"
        )
    if not any(e.want.strip() for e in examples.examples):
        raise Fail("no example shows its output: put the expected result on the line after '>>> …'")
    if not any(
        re.search(rf"\b{fn.__name__}\s*\(", e.source) and e.want.strip() for e in examples.examples
    ):
        raise Fail(
            f"no example calls {fn.__name__} and shows what it returns: an example documents the function, "
            "not Python"
        )
    out = io.StringIO()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    failed = runner.run(examples, out=out.write)
    if failed.failed:
        report = [line.strip() for line in out.getvalue().splitlines() if line.strip()]
        shown = " / ".join(report[2:8])
        raise Fail(
            f"{failed.failed} of {failed.attempted} doctest examples fail when run: {shown[:200]}"
        )
    return (
        f"precision_at_k ranks by score, raises ValueError outside 1..n, and its docstring passes ruff's numpy-convention "
        f"rules, describes every parameter, has Returns, Raises and Examples, and its {len(examples.examples)} doctest "
        "example(s) call it and pass when run"
    )


# ---------------------------------------------------------------- Exercise 2: profit-optimal threshold
def _reference_threshold(y, scores, benefit, thresholds):
    y, scores = np.asarray(y).astype(bool), np.asarray(scores, dtype=float)
    best = None
    for t in sorted(thresholds, reverse=True):
        act = scores >= t
        profit = (
            benefit["tp"] * np.sum(act & y)
            + benefit["fp"] * np.sum(act & ~y)
            + benefit["fn"] * np.sum(~act & y)
            + benefit["tn"] * np.sum(~act & ~y)
        )
        if best is None or profit > best[1]:
            best = (float(t), float(profit))
    return best


def _threshold_cases():
    rng = np.random.default_rng(14)
    y = rng.random(400) < 0.25
    scores = np.clip(0.25 * y + rng.beta(2, 5, 400), 0, 1).round(3)
    scores[:12] = 0.3  # exactly on a candidate threshold: ≥ and > differ here
    y[:12] = [1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0]
    grid = [round(t, 2) for t in np.arange(0.05, 1.0, 0.05)]
    shuffled = list(np.random.default_rng(3).permutation(grid))
    return [
        (
            "400 scored customers, benefit tp=130, fp=-20, fn=0, tn=0",
            y,
            scores,
            dict(tp=130, fp=-20, fn=0, tn=0),
            grid,
        ),
        (
            "the same customers with fn=-100, tn=5 and the thresholds in shuffled order",
            y,
            scores,
            dict(tp=130, fp=-20, fn=-100, tn=5),
            shuffled,
        ),
        (
            "6 customers where two thresholds tie on profit",
            np.array([1, 0, 1, 0, 0, 1]),
            np.array([0.9, 0.8, 0.7, 0.2, 0.1, 0.05]),
            dict(tp=10, fp=-10, fn=0, tn=0),
            [0.3, 0.75, 0.5, 0.95, 0.85],
        ),
    ]


@check(budget_s=BUDGET_S)
def check_profit_optimal_threshold(fn):
    for what, y, scores, benefit, thresholds in _threshold_cases():
        expected = _reference_threshold(y, scores, benefit, thresholds)
        got = call(fn, y.copy(), scores.copy(), dict(benefit), list(thresholds))
        if not isinstance(got, tuple) or len(got) != 2:
            raise Fail(
                f"profit_optimal_threshold should return a tuple (threshold, profit), got {short(got)}"
            )
        threshold, profit = got
        try:
            threshold, profit = float(threshold), float(profit)
        except (TypeError, ValueError):
            raise Fail(f"threshold and profit should be numbers, got {short(got)}") from None
        if threshold not in [float(t) for t in thresholds]:
            raise Fail(
                f"for {what}: the threshold should be one of the candidates you were given, got {short(threshold)}"
            )
        if not math.isclose(
            profit, _reference_threshold(y, scores, benefit, [threshold])[1], abs_tol=1e-6
        ):
            hint = (
                "the profit must count all four cells of the confusion matrix, each times its own benefit, summed over customers"
                if benefit["fn"] or benefit["tn"]
                else "count customers with score ≥ threshold as contacted, and sum (not average) the benefit over them"
            )
            raise Fail(
                f"for {what}: at threshold {threshold:g} the total profit is "
                f"{_reference_threshold(y, scores, benefit, [threshold])[1]:g}, you returned {profit:g}; {hint}"
            )
        if not math.isclose(threshold, expected[0]):
            if math.isclose(profit, expected[1]):
                raise Fail(
                    f"for {what}: thresholds {threshold:g} and {expected[0]:g} give the same profit {profit:g}; "
                    "break the tie towards the higher threshold (fewer calls for the same money)"
                )
            raise Fail(
                f"for {what}: the best profit is {expected[1]:g}, you returned threshold {threshold:g} with profit {profit:g}; "
                "try every candidate and keep the most profitable one (contact when score ≥ threshold)"
            )
    return (
        "profit_optimal_threshold contacts scores ≥ threshold, sums all four benefit cells, tries every candidate in any "
        "order and breaks ties towards the higher threshold"
    )


# ---------------------------------------------------------------- Exercise 3: cycle times
def _events(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["issue_key", "changed_at", "from_status", "to_status"])
    frame["changed_at"] = pd.to_datetime(frame["changed_at"])
    return frame


CYCLE_EVENTS = [
    ("A-1", "2026-03-02 09:00", None, "To Do"),
    ("A-1", "2026-03-03 09:00", "To Do", "In Progress"),
    ("A-1", "2026-03-04 21:00", "In Progress", "In Review"),
    ("A-1", "2026-03-05 15:00", "In Review", "Done"),  # 2.25 days
    ("A-2", "2026-03-02 10:00", None, "To Do"),
    ("A-2", "2026-03-03 12:00", "To Do", "In Progress"),
    ("A-2", "2026-03-04 12:00", "In Progress", "In Review"),
    ("A-2", "2026-03-05 00:00", "In Review", "In Progress"),  # review sent it back
    ("A-2", "2026-03-06 12:00", "In Progress", "Done"),  # 3 days from the FIRST start
    ("A-3", "2026-03-01 09:00", None, "To Do"),
    ("A-3", "2026-03-02 09:00", "To Do", "In Progress"),
    ("A-3", "2026-03-03 09:00", "In Progress", "Done"),
    ("A-3", "2026-03-05 09:00", "Done", "In Progress"),  # reopened
    ("A-3", "2026-03-06 03:00", "In Progress", "Done"),  # 3.75 days to the LAST Done
    ("A-4", "2026-03-02 09:00", None, "To Do"),
    ("A-4", "2026-03-03 09:00", "To Do", "In Progress"),
    ("A-4", "2026-03-04 09:00", "In Progress", "Done"),
    ("A-4", "2026-03-05 09:00", "Done", "In Progress"),  # reopened and not finished: no cycle time
    ("A-5", "2026-03-02 09:00", None, "To Do"),  # never started
    ("A-6", "2026-03-02 09:00", None, "To Do"),
    ("A-6", "2026-03-03 09:00", "To Do", "Done"),  # closed without work: no cycle time
    ("A-7", "2026-03-02 09:00", None, "To Do"),
    ("A-7", "2026-03-02 10:00", "To Do", "In Progress"),
    ("A-7", "2026-03-02 16:00", "In Progress", "Done"),  # 0.25 days: not 0
]
CYCLE_EXPECTED = {"A-1": 2.25, "A-2": 3.0, "A-3": 3.75, "A-7": 0.25}


def _as_days(got, what: str) -> pd.Series:
    if not isinstance(got, pd.Series):
        raise Fail(
            f"cycle_times({what}) should return a pandas Series indexed by issue_key, got {type(got).__name__}"
        )
    try:
        return got.astype(float)
    except (TypeError, ValueError):
        raise Fail(
            f"cycle_times({what}) should hold days as floats, got dtype {got.dtype}"
        ) from None


@check(budget_s=BUDGET_S)
def check_cycle_times(fn):
    events = _events(CYCLE_EVENTS)
    for what, frame in (
        ("7 issues in time order", events),
        (
            "the same 7 issues with the rows shuffled",
            events.sample(frac=1, random_state=14).reset_index(drop=True),
        ),
    ):
        original = frame.copy()
        got = _as_days(call(fn, frame), what)
        if not frame.equals(original):
            raise Fail(
                f"cycle_times changed the events table it was given ({what}); work on a copy"
            )
        keys = set(got.index)
        expected = set(CYCLE_EXPECTED)
        if "A-4" in keys:
            raise Fail(
                f"for {what}: A-4 was reopened and is In Progress again, so it has no cycle time yet; got {got['A-4']:.4g}"
            )
        if "A-6" in keys:
            raise Fail(
                f"for {what}: A-6 went from To Do straight to Done and was never worked on; leave it out"
            )
        if "A-5" in keys:
            raise Fail(f"for {what}: A-5 was never started; leave it out")
        if keys != expected:
            raise Fail(
                f"for {what}: expected cycle times for {sorted(expected)}, got them for {sorted(keys)}"
            )
        for key, days in CYCLE_EXPECTED.items():
            if not math.isclose(got[key], days, abs_tol=1e-6):
                hints = {
                    "A-7": "count fractions of a day (hours / 24), not whole days",
                    "A-2": "the cycle starts when work first starts, even if review sent it back",
                    "A-3": "a reopened issue's cycle ends at its last move to Done",
                    "A-1": "measure from the move to In Progress to the move to Done",
                }
                raise Fail(
                    f"for {what}: {key} should take {days:g} days, got {got[key]:.4g}; {hints[key]}"
                )
    empty = _as_days(call(fn, events.iloc[:0]), "an empty event log")
    if len(empty):
        raise Fail(
            f"cycle_times of an empty event log should be an empty Series, got {short(empty.to_dict())}"
        )
    return (
        "cycle_times measures fractional days from the first In Progress to the last Done, skips unfinished, reopened "
        "and never-started issues, ignores row order and handles an empty log"
    )


# ---------------------------------------------------------------- Exercise 4: A/B test sample size
def _reference_sample_size(p1: float, p2: float, alpha: float = 0.05, power: float = 0.8) -> int:
    z_alpha, z_power = norm.ppf(1 - alpha / 2), norm.ppf(power)
    pooled = (p1 + p2) / 2
    spread = z_alpha * math.sqrt(2 * pooled * (1 - pooled)) + z_power * math.sqrt(
        p1 * (1 - p1) + p2 * (1 - p2)
    )
    return math.ceil(spread**2 / (p1 - p2) ** 2)


SAMPLE_CASES = [
    ((0.20, 0.17), {}),
    ((0.20, 0.17), {"alpha": 0.01}),
    ((0.20, 0.17), {"power": 0.9}),
    ((0.10, 0.12), {}),
    ((0.237, 0.2), {"alpha": 0.05, "power": 0.8}),
]


@check(budget_s=BUDGET_S)
def check_ab_sample_size(fn):
    for (p1, p2), options in SAMPLE_CASES:
        shown = ", ".join([f"{p1:g}", f"{p2:g}"] + [f"{k}={v:g}" for k, v in options.items()])
        expected = _reference_sample_size(p1, p2, **options)
        got = call(fn, p1, p2, **options)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            raise Fail(
                f"ab_sample_size({shown}) should return a whole number of customers per group (an int), got {short(got)}"
            )
        if got != expected:
            if got == 2 * expected:
                hint = "that is both groups together; return the size of one group"
            elif abs(got - expected) <= 1:
                hint = "round up: a fraction of a customer still needs a whole customer"
            elif options:
                hint = f"use the {next(iter(options))} you were given, not a fixed value"
            elif got < expected:
                hint = "the test is two-sided and must reach the stated power; check both z values"
            else:
                hint = "check the variance terms against the formula in the exercise"
            raise Fail(
                f"ab_sample_size({shown}) should be {expected:,} per group, got {got:,}: {hint}"
            )
    for p1, p2, why in (
        (0.2, 0.2, "no test can detect a difference of zero"),
        (0.0, 0.1, "a proportion must lie strictly between 0 and 1"),
        (1.0, 0.8, "a proportion must lie strictly between 0 and 1"),
        (0.3, 0.0, "a proportion must lie strictly between 0 and 1"),
        (0.2, 1.5, "a proportion must lie strictly between 0 and 1"),
    ):
        _expect_value_error(fn, (p1, p2), f"ab_sample_size({p1:g}, {p2:g}) ({why})")
    return (
        "ab_sample_size gives the two-sided, pooled-variance sample size per group, rounded up, for the alpha and power "
        "given, and refuses equal or impossible proportions"
    )


# ---------------------------------------------------------------- Exercise 5: review comments
#: The problems planted in the chapter's pull request: category → new-file lines where a comment finds it.
PLANTED = {
    "leakage": {14, 29, 30, 36},  # 14: where the leaky feature enters the model
    "error handling": {21, 22, 23, 24},
    "magic number": {49},
    "missing test": {27, 45},
    "naming": {47, 48, 49},
}
WHY = {
    "leakage": "a feature computed from the label on all rows, before the split",
    "error handling": "an exception that disappears",
    "magic number": "a number nobody can explain",
    "missing test": "new behaviour that nothing tests",
    "naming": "names that do not say what they hold",
}


#: Words at least one of which a comment labelled with a planted problem uses (prefixes).
TOPIC = {
    "leakage": (
        "leak",
        "label",
        "target",
        "churned",
        "split",
        "held-out",
        "held out",
        "test row",
        "training row",
        "train row",
        "future",
        "unknown",
        "optimistic",
        "inflat",
        "auc",
        "0.84",
    ),
    "error handling": (
        "except",
        "error",
        "none",
        "raise",
        "swallow",
        "silen",
        "fail",
        "crash",
        "log",
        "missing file",
        "bad lines",
        "on_bad_lines",
    ),
    "magic number": (
        "0.37",
        "constant",
        "threshold",
        "cut-off",
        "cutoff",
        "number",
        "value",
        "parameter",
    ),
    "missing test": ("test",),
    "naming": ("name", "df2", "renam", "variable", "unclear", "descriptive"),
}
_STOP = frozenset(
    "this that with from each most first build return read skipping rows file train these those "
    "into their then than when what which will would could should".split()
)


def _diff_words() -> set[str]:
    """Words and identifier parts of the pull request's new file (what specific praise names)."""
    words = set()
    for token in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", softskills.REVIEW_AFTER):
        for part in {token.lower(), *token.lower().split("_")}:
            if len(part) >= 4 and part not in _STOP:
                words.add(part)
    return words | {"docstring", "diff", "description", "commit"}


def _names_something(text: str, words: set[str]) -> bool:
    return any(
        w.rstrip("s") in words or w in words
        for w in re.findall(r"[a-z0-9_]+", text.lower())
        if len(w) >= 4
    )


@check(budget_s=BUDGET_S)
def check_review_comments(fn):
    got = call(fn)
    if not isinstance(got, list) or not got:
        raise Fail(f"review_comments() should return a non-empty list of dicts, got {short(got)}")
    changed = softskills.added_lines(softskills.review_diff())
    comments = []
    for i, comment in enumerate(got):
        if not isinstance(comment, dict) or not {"line", "category", "text"} <= set(comment):
            raise Fail(
                f"comment {i} should be a dict with keys 'line', 'category' and 'text', got {short(comment)}"
            )
        line, category, text = comment["line"], comment["category"], comment["text"]
        if isinstance(category, str):
            category = category.strip().lower()  # "Error handling" is the same label
        if isinstance(line, bool) or not isinstance(line, (int, np.integer)):
            raise Fail(
                f"comment {i}: 'line' should be an int (a line number of the new file), got {short(line)}"
            )
        if category not in softskills.REVIEW_CATEGORIES:
            raise Fail(
                f"comment {i}: category {short(category)} is not one of {list(softskills.REVIEW_CATEGORIES)}"
            )
        if not isinstance(text, str):
            raise Fail(f"comment {i}: 'text' should be a string, got {short(text)}")
        if int(line) not in changed:
            raise Fail(
                f"comment {i} ({category}) is on line {line}, which the pull request did not change; "
                "comment on the lines marked + in the diff"
            )
        comments.append((int(line), category, text))
    for category, lines in PLANTED.items():
        if not any(c == category and line in lines for line, c, _ in comments):
            near = [line for line, c, _ in comments if c == category]
            where = f" (you put it on line {near[0]}, where the problem is not)" if near else ""
            raise Fail(
                f"no '{category}' comment on the line where the diff has {WHY[category]}{where}"
            )
    for line, category, text in comments:
        if category in PLANTED and line not in PLANTED[category]:
            raise Fail(
                f"line {line} is marked '{category}', but that problem is not on that line: a false alarm costs the author time"
            )
        if category in PLANTED:
            lowered = text.lower()
            if not any(re.search(rf"(?<![a-z]){re.escape(w)}", lowered) for w in TOPIC[category]):
                raise Fail(
                    f"your '{category}' comment on line {line} does not describe {WHY[category]}: "
                    "say what you see on that line in the words of the code"
                )
            problems = softskills.comment_problems(text)
            if problems:
                raise Fail(
                    f"your '{category}' comment on line {line} is not yet constructive: {problems[0]}"
                )
    praise = [text for _, category, text in comments if category == "praise"]
    if not praise:
        raise Fail("no 'praise' comment: say what the author did well, specifically, so it is kept")
    if all(len(text.split()) < 6 for text in praise):
        raise Fail(
            "your praise is too short to be specific: name what is good and why (6 words or more)"
        )
    words = _diff_words()
    if not any(len(text.split()) >= 6 and _names_something(text, words) for text in praise):
        raise Fail(
            "your praise names nothing in the pull request: say which name, line or choice is good, and why"
        )
    return (
        f"review_comments finds all {len(PLANTED)} planted problems on changed lines, each described in its own words with a "
        "reason and a suggestion and no blaming words, raises no false alarm, and praises something in the change"
    )


# ---------------------------------------------------------------- Exercise 6: executive summary
SUMMARY_CASES = [
    {
        "customers": 1500,  # the chapter's test set at its profit-optimal threshold
        "contacted": 942,
        "churners": 356,
        "churners_reached": 330,
        "profit": 30660.0,
        "profit_low": 26019.0,
        "profit_high": 35064.0,
        "profit_default": 9180.0,
    },
    {
        "customers": 4000,
        "contacted": 1210,
        "churners": 760,
        "churners_reached": 505,
        "profit": 48200.0,
        "profit_low": 39100.0,
        "profit_high": 57300.0,
        "profit_default": 20750.0,
    },
]


@check(budget_s=BUDGET_S)
def check_executive_summary(fn):
    for i, result in enumerate(SUMMARY_CASES, start=1):
        text = call(fn, dict(result))
        if not isinstance(text, str) or not text.strip():
            raise Fail(
                f"executive_summary(result {i}) should return the summary as one string, got {short(text)}"
            )
        problems = softskills.summary_problems(text, result)
        if problems:
            raise Fail(f"for result {i} (profit {result['profit']:,.0f}): {problems[0]}")
    return (
        "executive_summary puts the expected profit in the first sentence, gives its range, today's profit and the number "
        f"of calls, uses no jargon and no number that was not measured (in digits or in words), in at most {softskills.MAX_SUMMARY_WORDS} words, "
        f"for {len(SUMMARY_CASES)} different results"
    )
