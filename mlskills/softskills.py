"""Artifacts Chapter 14 shares with its solutions and checks.

- the pull request the chapter reviews: a change to a churn model's training module, as
  the file before and after, and its unified diff (:func:`review_diff`), with the
  new-file line numbers a review comment points at (:func:`numbered_diff`,
  :func:`added_lines`);
- :func:`ruff_findings`: run the real ruff linter on source text (docstring rules with
  the numpy convention, or any other rules) and get its findings as plain dicts.
"""

from __future__ import annotations

import difflib
import json
import re
import subprocess
import sys

PR_TITLE = "Add a segment churn-rate feature and the weekly call list"
PR_DESCRIPTION = """\
The retention team asked for a weekly list of customers to call. This PR adds
`call_list`, which scores customers and keeps the likely churners, and a new feature,
`segment_churn_rate` (the churn rate of customers with the same contract, tenure and
number of support calls), which lifts the held-out ROC AUC from 0.75 to 0.84.
`load_customers` now skips malformed rows instead of crashing the nightly job.
Tests to follow in a later PR."""

REVIEW_PATH = "churn/train.py"

REVIEW_BEFORE = '''\
"""Train the churn model."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = ["tenure_months", "monthly_charge", "support_calls_90d", "autopay"]


def load_customers(path):
    """Read the customer table from a CSV file."""
    return pd.read_csv(path)


def train(customers, seed=0):
    """Fit the churn model on a training split; return it and the held-out rows."""
    train_rows, test_rows = train_test_split(
        customers, test_size=0.25, stratify=customers["churned"], random_state=seed
    )
    model = make_pipeline(StandardScaler(), LogisticRegression())
    model.fit(train_rows[FEATURES], train_rows["churned"])
    return model, test_rows
'''

REVIEW_AFTER = '''\
"""Train the churn model and build the weekly call list."""

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

FEATURES = [
    "tenure_months",
    "monthly_charge",
    "support_calls_90d",
    "autopay",
    "segment_churn_rate",
]
SEGMENT = ["contract", "tenure_months", "support_calls_90d"]


def load_customers(path):
    """Read the customer table from a CSV file, skipping malformed rows."""
    try:
        return pd.read_csv(path, on_bad_lines="skip")
    except Exception:
        pass


def add_segment_churn_rate(customers):
    """Add the churn rate of each customer's segment as a feature."""
    rates = customers.groupby(SEGMENT)["churned"].transform("mean")
    customers["segment_churn_rate"] = rates
    return customers


def train(customers, seed=0):
    """Fit the churn model on a training split; return it and the held-out rows."""
    customers = add_segment_churn_rate(customers)
    train_rows, test_rows = train_test_split(
        customers, test_size=0.25, stratify=customers["churned"], random_state=seed
    )
    model = make_pipeline(StandardScaler(), LogisticRegression())
    model.fit(train_rows[FEATURES], train_rows["churned"])
    return model, test_rows


def call_list(model, customers):
    """Customers to call this week, most likely churners first."""
    df2 = customers.copy()
    df2["p"] = model.predict_proba(df2[FEATURES])[:, 1]
    return df2[df2["p"] > 0.37].sort_values("p", ascending=False)
'''

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,\d+)? @@")


def review_diff(context: int = 3) -> str:
    """The pull request as a unified diff (``git diff`` format) of ``churn/train.py``."""
    lines = difflib.unified_diff(
        REVIEW_BEFORE.splitlines(keepends=True),
        REVIEW_AFTER.splitlines(keepends=True),
        fromfile=f"a/{REVIEW_PATH}",
        tofile=f"b/{REVIEW_PATH}",
        n=context,
    )
    return "".join(lines)


def numbered_diff(diff: str) -> list[tuple[int | None, str]]:
    """``(new-file line number, diff line)`` for every line of a unified diff.

    Added (``+``) and context (`` ``) lines get the line number they have in the new
    file, which is where a review comment is anchored; removed lines and headers get
    ``None``.
    """
    numbered, line = [], None
    for text in diff.splitlines():
        hunk = _HUNK.match(text)
        if hunk:
            line = int(hunk.group(1))
            numbered.append((None, text))
        elif text.startswith(("---", "+++")) or line is None:
            numbered.append((None, text))
        elif text.startswith("-"):
            numbered.append((None, text))
        else:
            numbered.append((line, text))
            line += 1
    return numbered


def added_lines(diff: str) -> set[int]:
    """New-file line numbers of the lines the diff adds (the ``+`` lines)."""
    return {
        number
        for number, text in numbered_diff(diff)
        if number is not None and text.startswith("+")
    }


def format_diff(diff: str) -> str:
    """The diff with new-file line numbers in a left margin, as a review tool shows it."""
    return "\n".join(f"{'' if n is None else n:>4} {text}" for n, text in numbered_diff(diff))


#: ruff's docstring rules (pydocstyle) in the numpy convention, as the chapter uses them.
DOCSTRING_RULES = ("--select", "D", "--config", "lint.pydocstyle.convention='numpy'")


def ruff_findings(
    source: str, *, filename: str = "module.py", rules: tuple[str, ...] = DOCSTRING_RULES
) -> list[dict]:
    """Run ``ruff check`` on ``source`` (not on a file) and return its findings.

    Each finding is ``{"code", "line", "message"}``. ruff runs in isolated mode, so no
    configuration file on the machine changes the result; ``rules`` are ruff options
    (``--select`` and ``--config`` pairs).
    """
    command = [
        sys.executable,
        "-m",
        "ruff",
        "check",
        "--isolated",
        "--no-cache",
        "--output-format",
        "json",
        *rules,
        "--stdin-filename",
        filename,
        "-",
    ]
    result = subprocess.run(command, input=source, capture_output=True, text=True, check=False)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"ruff failed: {result.stderr.strip()}")
    findings = json.loads(result.stdout or "[]")
    return [
        {"code": f["code"], "line": f["location"]["row"], "message": f["message"]}
        for f in sorted(
            findings, key=lambda f: (f["location"]["row"], f["location"]["column"], f["code"])
        )
    ]


# ---------------------------------------------------------------- review comments
#: The labels a review comment may carry (the five problems the chapter plants, and more).
REVIEW_CATEGORIES = (
    "leakage",
    "error handling",
    "magic number",
    "missing test",
    "naming",
    "praise",
    "question",
    "other",
)
REASON_PHRASES = (
    "because",
    "since",
    "otherwise",
    "so",  # "…, so held-out labels leak": a word, not the start of "some"
    "which means",
    "this means",
    "that means",
    "as a result",
    "leads to",
    "causes",
    "risk",
    "fail",  # a consequence is a reason: "…, and train() then fails far from the cause"
    "crash",
    "break",
)
SUGGESTION_PHRASES = (
    "consider",
    "suggest",
    "instead",
    "how about",
    "what about",
    "could we",
    "could you",
    "would you",
    "would it",
    "let's",
    "prefer",
    "renam",  # rename, renaming
    "move ",
    "replace",
    "extract",
    "try ",
    "please",
    "can we",
    "can you",
    "should",
    "i'd",
    "i would",
    "we could",
    "you could",
    "recommend",
    "propose",
    "add ",
    "use ",
    "remove",
)
BLAME_WORDS = (
    "obviously",
    "just",
    "simply",
    "stupid",
    "lazy",
    "sloppy",
    "careless",
    "terrible",
    "you always",
    "you never",
    "why didn't you",
    "why would you",
    "you forgot",
    "you missed",
    "you didn't",
    "you should have",
    "did you even",
    "clearly",
    "of course",
    "horrible",
    "awful",
    "nonsense",
)
MIN_COMMENT_WORDS = 12


def _has(text: str, phrases: tuple[str, ...]) -> list[str]:
    # a typographic apostrophe counts as a plain one
    lowered = " " + text.lower().replace("\u2019", "'") + " "
    found = []
    for phrase in phrases:
        end = r"(?![a-z])" if phrase in _WHOLE_WORDS else ""
        if re.search(rf"(?<![a-z']){re.escape(phrase)}{end}", lowered):
            found.append(phrase)
    return found


def comment_problems(text: str) -> list[str]:
    """What a review comment on a problem lacks, by the chapter's rubric (empty if none).

    The rubric: at least 12 words; a reason (``because``, ``so``, ``otherwise``, ``which
    means``, a consequence such as ``fails``…); a concrete suggestion (``consider``,
    ``instead``, ``please``, ``could we``, ``rename``…); and no words that blame the author
    (``obviously``, ``just``, ``lazy``, ``you forgot``…). Keyword rules: they check that a
    reason and a suggestion are there, not that they are true.
    """
    problems = []
    if len(text.split()) < MIN_COMMENT_WORDS:
        problems.append(f"too short ({len(text.split())} words; say what, why and what to do)")
    if not _has(text, REASON_PHRASES):
        problems.append("no reason (why it matters: 'because…', 'otherwise…')")
    if not _has(text, SUGGESTION_PHRASES):
        problems.append("no suggestion (what to do: 'consider…', 'instead…', 'rename…')")
    blame = _has(text, BLAME_WORDS)
    if blame:
        problems.append(f"blaming words {blame} (talk about the code, not the author)")
    return problems


# ---------------------------------------------------------------- executive summaries
#: Words an executive summary should not need (they belong in the engineer's version).
JARGON = (
    "threshold",
    "precision",
    "recall",
    "f1",
    "auc",
    "roc",
    "confusion matrix",
    "true positive",
    "false positive",
    "false negative",
    "logistic",
    "bootstrap",
    "p-value",
    "classifier",
    "cut-off",
    "cutoff",
    "confidence interval",
    "statistically significant",
    "validation set",
    "test set",
    "calibrat",
    "hyperparameter",
)
#: Numbers written as words: they must be measured too (write them as digits from ``result``).
NUMBER_WORDS = (
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "twenty",
    "thirty",
    "forty",
    "fifty",
    "hundred",
    "thousand",
    "million",
    "half",
    "a third",
    "a quarter",
    "twice",
    "double",
    "triple",
)
#: Phrases matched as whole words (``just`` must not fire on ``justify``, ``ten`` on
#: ``tenure``); the others also match as the start of a word (``suggest`` in
#: ``suggestion``, ``risk`` in ``risky``, ``calibrat`` in ``calibrated``).
_WHOLE_WORDS = frozenset({*BLAME_WORDS, *NUMBER_WORDS, "so", "roc", "auc", "f1"})
MAX_SUMMARY_WORDS = 80
_NUMBER = re.compile(
    r"(?<![\w.])\$?(\d{1,3}(?:,\d{3})+|\d+)(\.\d+)?\s?(k\b|thousand\b)?(\s?%)?", re.IGNORECASE
)


def numbers_in(text: str) -> list[tuple[float, bool]]:
    """``(value, is_percentage)`` for every number written in ``text``.

    Understands ``31,930``, ``$31,930``, ``$32k``, ``32 thousand``, ``0.5`` and ``82%``.
    """
    found = []
    for whole, decimals, thousands, percent in _NUMBER.findall(text):
        value = float(whole.replace(",", "") + (decimals or ""))
        if thousands:
            value *= 1000
        found.append((value, bool(percent)))
    return found


#: Abbreviations whose full stop does not end a sentence ("approx. $31k").
_ABBREVIATIONS = ("approx.", "ca.", "e.g.", "i.e.", "vs.", "est.", "incl.")


def sentences(text: str) -> list[str]:
    """Split prose into sentences (a full stop, ! or ? followed by a capital letter or $)."""
    parts = [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z$])", text.strip()) if s]
    merged: list[str] = []
    for part in parts:
        if merged and merged[-1].lower().endswith(_ABBREVIATIONS):
            merged[-1] += " " + part
        else:
            merged.append(part)
    return merged


def _close(number: float, value: float) -> bool:
    """Is ``number`` ``value`` rounded for a reader (within 2 %, or exactly for small counts)?"""
    return abs(number - value) <= max(0.02 * abs(value), 0.5)


def jargon_in(text: str) -> list[str]:
    """The words from :data:`JARGON` that ``text`` uses (case-insensitive)."""
    return _has(text, JARGON)


def summary_problems(text: str, result: dict) -> list[str]:
    """What an executive summary of ``result`` lacks, by the chapter's rubric (empty if none).

    ``result`` holds the measured numbers: ``customers``, ``contacted``, ``churners``,
    ``churners_reached`` (counts) and ``profit``, ``profit_low``, ``profit_high``,
    ``profit_default`` (money). The rubric: at most 80 words; the first sentence gives
    the expected profit; the range ``profit_low``–``profit_high`` and the status quo
    ``profit_default`` appear; the number of customers to contact appears; no jargon;
    and no number that is not one of ``result``'s values (rounded within 2 %), the
    difference of two of them or a percentage of two of them, and no number written in
    words (``a third``, ``twice``).
    """
    problems = []
    words = len(text.split())
    if words > MAX_SUMMARY_WORDS:
        problems.append(f"{words} words; an executive reads at most {MAX_SUMMARY_WORDS}")
    parts = sentences(text)
    first = numbers_in(parts[0]) if parts else []
    if not any(_close(n, result["profit"]) for n, pct in first if not pct):
        problems.append("the first sentence does not give the expected profit (bottom line first)")
    found = numbers_in(text)
    money = [n for n, pct in found if not pct]
    for key, what in (
        ("profit_low", "the low end of the range"),
        ("profit_high", "the high end of the range"),
        ("profit_default", "the profit of today's rule"),
        ("contacted", "how many customers to contact"),
    ):
        if not any(_close(n, result[key]) for n in money):
            problems.append(f"{what} ({key}) is missing")
    jargon = jargon_in(text)
    if jargon:
        problems.append(f"jargon {jargon}")
    values = [float(v) for v in result.values()]
    shares = [100 * a / b for a in values for b in values if 0 < a <= b]
    gaps = [a - b for a in values for b in values if a > b]  # "21,480 more than today"
    for n, pct in found:
        known = (
            any(abs(n - s) <= 1 for s in shares)
            if pct
            else any(_close(n, v) for v in values) or any(_close(n, g) for g in gaps)
        )
        if not known:
            problems.append(
                f"the number {n:g}{'%' if pct else ''} is not one of the measured results"
            )
    words = _has(_NUMBER.sub(" ", text), NUMBER_WORDS)  # "32 thousand" is a number, read above
    if words:
        problems.append(
            f"numbers in words {words} were not measured: write measured numbers as digits"
        )
    return problems
