"""Checks for the exercises of Chapter 4: Trustworthy and responsible AI.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch04_wrong_answers.py.

Nothing here ever loads a pickle. The pickles that the last check builds import only
harmless callables, and one of them is a tripwire (:func:`tripwire`) that records it was
called, so that an answer which loads the pickle is caught without any harm done.
"""

from __future__ import annotations

import collections
import contextlib
import math
import pickle
import pickletools
import re
import sqlite3

import numpy as np
import pandas as pd

from mlskills.checks import Fail, call, check, short


# ---------------------------------------------------------------- Exercise 1: k-anonymity
def _k_table() -> pd.DataFrame:
    """Three classes on (zip, age_band, sex) of sizes 4, 2 and 9; 'diagnosis' varies inside them.

    The sizes make every plausible wrong statistic give its own number: the smallest class
    is 2, the first (and the median) 4, the mean 5, the largest 9, and there are 3 classes.
    """
    rows = (
        [("731**", "30-39", "F")] * 4
        + [("731**", "40-49", "M")] * 2
        + [("732**", "30-39", "M")] * 9
    )
    table = pd.DataFrame(rows, columns=["zip", "age_band", "sex"])
    table["diagnosis"] = [
        "flu",
        "asthma",
        "flu",
        "gout",
        "flu",
        "asthma",
        *["flu", "gout"] * 4,
        "flu",
    ]
    return table


def _k_missing_table() -> pd.DataFrame:
    """A numeric quasi-identifier with missing values: three classes of 3, one of them (NaN, 'M')."""
    return pd.DataFrame(
        {
            "age": [30.0, 30.0, 30.0, np.nan, np.nan, np.nan, 41.0, 41.0, 41.0],
            "sex": ["F", "F", "F", "M", "M", "M", "F", "F", "F"],
            "income_keur": [31.0, 45.5, 28.0, 52.0, 39.5, 61.0, 33.0, 47.0, 40.0],
        }
    )


def _k_of(table: pd.DataFrame, qi: list[str]) -> int:
    if len(table) == 0:
        return 0
    return int(table.groupby(qi, dropna=False).size().min())


def _int_result(got, what: str) -> int:
    if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, np.integer)):
        raise Fail(
            f"k_anonymity({what}) should return an int (a number of rows), got {type(got).__name__} {short(got)}"
        )
    return int(got)


@check(budget_s=5)
def check_k_anonymity(fn):
    qi = ["zip", "age_band", "sex"]
    table = _k_table()
    original = table.copy()
    got = _int_result(call(fn, table, qi), "a table with classes of 4, 2 and 9 rows")
    if not table.equals(original):
        raise Fail(
            "k_anonymity changed the table it was given; compute k without modifying the input"
        )
    if got != 2:
        hints = {
            9: "that is the largest class; k is the size of the smallest one",
            3: "that is the number of classes, not the size of the smallest class",
            5: "that is the mean class size; k is the size of the smallest class",
            4: "that is the size of the first (and the middle) class, not of the smallest one",
            1: "you grouped by every column, including 'diagnosis', which is not a quasi-identifier",
        }
        raise Fail(
            f"for classes of 4, 2 and 9 rows on {qi}, k should be 2, got {got}: "
            + hints.get(
                got, "group the rows by the quasi-identifiers together and find the smallest group"
            )
        )
    # Each column on its own has big groups, but one combination is unique.
    combo = pd.DataFrame(
        {"zip": ["731**"] * 3 + ["732**"] * 3, "sex": ["F", "F", "M", "M", "M", "F"]}
    )
    got = _int_result(
        call(fn, combo, ["zip", "sex"]), "a table where one (zip, sex) pair occurs once"
    )
    if got != 1:
        raise Fail(
            f"each column has groups of 3, but the pair ('732**', 'F') occurs once, so k should be 1, got {got}: "
            "k is about combinations of the quasi-identifiers, not each column separately"
        )
    # A missing value is a value an attacker can match on.
    with_missing = table.copy()
    with_missing.loc[len(with_missing)] = [None, "30-39", "F", "flu"]
    missing_original = with_missing.copy()
    got = _int_result(call(fn, with_missing, qi), "the table plus one row whose zip is missing")
    if not with_missing.equals(missing_original):
        raise Fail(
            "k_anonymity changed the table it was given (its missing values); compute k without modifying the input"
        )
    if got != 1:
        raise Fail(
            f"with one extra row whose zip is missing (None), k should be 1 (that row is alone in its class), got {got}: "
            "a missing value is still a value; check whether your grouping silently drops rows with missing keys"
        )
    # Missing values that are alike form one class, like any other value.
    numeric = _k_missing_table()
    numeric_original = numeric.copy()
    got = _int_result(
        call(fn, numeric, ["age", "sex"]),
        "a table of three classes of 3 rows on (age, sex), one of them with age missing",
    )
    if not numeric.equals(numeric_original):
        raise Fail(
            "k_anonymity changed the table it was given (its missing ages); compute k without modifying the input"
        )
    if got != 3:
        raise Fail(
            f"for three classes of 3 rows on ['age', 'sex'], one of them three men whose age is missing (NaN), "
            f"k should be 3, got {got}: "
            + (
                "rows whose missing values are alike belong to one class, however each NaN is stored"
                if got < 3
                else "k is the size of the smallest class"
            )
        )
    # Rows in another order give the same k.
    shuffled = table.sample(frac=1, random_state=4)
    got = _int_result(call(fn, shuffled, qi), "the same table with its rows shuffled")
    if got != 2:
        raise Fail(
            f"with the rows shuffled, k should still be 2, got {got}: k cannot depend on the order of the rows"
        )
    empty = table.iloc[0:0]
    got = _int_result(call(fn, empty, qi), "an empty table")
    if got != 0:
        raise Fail(f"for a table with no rows, return 0 (no class at all), got {got}")
    return (
        "k_anonymity returns the size of the smallest class of the quasi-identifiers combined, "
        "counts missing values as values, ignores row order and other columns, returns 0 for no rows, "
        "and leaves the table unchanged"
    )


# ---------------------------------------------------------------- Exercise 2: Laplace mechanism
_LAPLACE_CASES = [  # (value, sensitivity, epsilon): scale = sensitivity / epsilon
    (100.0, 1.0, 0.5),  # a count at ε = 0.5: scale 2
    (-3.0, 2.5, 2.0),  # a clipped mean: scale 1.25
]
_DRAWS = 4000


def _call_quietly(fn, *args):
    """``call``, with the generator's memory address taken out of any hint."""
    try:
        return call(fn, *args)
    except Fail as exc:
        raise Fail(re.sub(r" at 0x[0-9a-fA-F]+", "", str(exc))) from exc.__cause__


def _as_float(got, what: str) -> float:
    if isinstance(got, (bool, np.bool_)) or not isinstance(
        got, (float, int, np.floating, np.integer)
    ):
        raise Fail(
            f"laplace_mechanism({what}) should return one number (a float), got {type(got).__name__} {short(got)}"
        )
    return float(got)


@check(budget_s=5)
def check_laplace_mechanism(fn):
    # The rng that is passed in must be the only source of randomness.
    a = _as_float(
        _call_quietly(fn, 10.0, 10.0, 1.0, np.random.default_rng(7)), "10.0, 10.0, 1.0, rng"
    )
    b = _as_float(
        _call_quietly(fn, 10.0, 10.0, 1.0, np.random.default_rng(7)), "10.0, 10.0, 1.0, rng"
    )
    c = _as_float(
        _call_quietly(fn, 10.0, 10.0, 1.0, np.random.default_rng(8)), "10.0, 10.0, 1.0, rng"
    )
    if a == b == c == 10.0:
        raise Fail(
            "laplace_mechanism(10.0, 10.0, 1.0, rng) returned 10.0 exactly for three generators: no noise was added"
        )
    if a != b:
        raise Fail(
            "two calls with generators seeded alike returned different values "
            f"({a:.4f} and {b:.4f}): draw the noise from the rng argument, not from another source"
        )
    if a == c:
        raise Fail(
            "generators with different seeds gave the same value: the noise must come from the rng argument"
        )
    for value, sensitivity, epsilon in _LAPLACE_CASES:
        scale = sensitivity / epsilon
        what = f"value={value}, sensitivity={sensitivity}, epsilon={epsilon}"
        rng = np.random.default_rng(2026)
        draws = np.array(
            [
                _as_float(_call_quietly(fn, value, sensitivity, epsilon, rng), what)
                for _ in range(_DRAWS)
            ]
        )
        if not np.all(np.isfinite(draws)):
            raise Fail(f"with {what}, some releases were not finite numbers")
        noise = draws - value
        values, counts = np.unique(draws, return_counts=True)
        if counts.max() > 0.1 * _DRAWS:
            raise Fail(
                f"with {what}, {counts.max() / _DRAWS:.0%} of the releases are exactly {values[counts.argmax()]:g}, "
                "but Laplace noise is continuous, so no release should repeat: return the value plus the noise "
                "as drawn (no rounding, truncating or clipping)"
            )
        for decimals in range(5):
            if np.mean(np.isclose(draws, np.round(draws, decimals), rtol=0, atol=1e-9)) > 0.5:
                rounded = "whole numbers" if decimals == 0 else f"rounded to {decimals} decimal(s)"
                raise Fail(
                    f"with {what}, the releases are {rounded}: return the noisy value unrounded "
                    "(rounding is for display, after the release)"
                )
        centre, spread = float(np.median(noise)), float(np.mean(np.abs(noise)))
        if abs(centre) > 0.1 * scale:
            raise Fail(
                f"with {what}, the releases should be centred on the true value {value}, "
                f"but their median is {value + centre:.3f}: add zero-mean noise to the value"
            )
        if abs(spread / scale - 1) > 0.06:
            raise Fail(
                f"with {what}, the noise should have mean absolute size ≈ {scale:.3f} (the Laplace scale), "
                f"but {_DRAWS} releases gave {spread:.3f} (×{spread / scale:.2f}): check how the scale depends on "
                "the sensitivity and on ε"
            )
        ratio = float(np.std(noise) / spread)
        if not 1.33 < ratio < 1.50:
            raise Fail(
                f"with {what}, the noise has std / mean-absolute-deviation {ratio:.2f}, but Laplace noise has "
                "√2 ≈ 1.41 (a normal distribution has 1.25): draw from the Laplace distribution"
            )
    for bad_epsilon in (0.0, -1.0):
        try:
            got = _call_quietly(fn, 10.0, 1.0, bad_epsilon, np.random.default_rng(0))
        except Fail as exc:
            if isinstance(exc.__cause__, ValueError):
                continue
            raise Fail(f"with epsilon={bad_epsilon}, raise ValueError; instead: {exc}") from None
        raise Fail(
            f"laplace_mechanism(10.0, 1.0, {bad_epsilon}, rng) returned {short(got)}: ε must be positive, "
            "so raise ValueError instead of releasing anything"
        )
    return (
        "laplace_mechanism adds Laplace noise of scale sensitivity/ε centred on the value "
        f"(checked on {_DRAWS:,} releases for two settings), draws only from the rng it is given, "
        "returns an unrounded float, and refuses ε ≤ 0"
    )


# ---------------------------------------------------------------- Exercise 3: fairness gaps
def _reference_gaps(y_true, y_pred, groups) -> dict:
    y_true, y_pred, groups = (np.asarray(v) for v in (y_true, y_pred, groups))
    selection, tpr, fpr = [], [], []
    for g in pd.unique(groups):
        mask = groups == g
        selection.append(y_pred[mask].mean())
        tpr.append(y_pred[mask & (y_true == 1)].mean())
        fpr.append(y_pred[mask & (y_true == 0)].mean())
    return {
        "dp_diff": float(max(selection) - min(selection)),
        "eo_diff": float(max(max(tpr) - min(tpr), max(fpr) - min(fpr))),
    }


def _fairness_cases():
    """Three cases, each chosen so that one plausible mistake gives a different answer."""
    # 1. Two groups; the FPR gap is larger than the TPR gap.
    y_true = [1, 1, 1, 1, 0, 0, 0, 0] + [1, 1, 1, 1, 0, 0, 0, 0]
    y_pred = [1, 1, 1, 0, 1, 1, 0, 0] + [1, 1, 0, 0, 0, 0, 0, 0]
    groups = ["A"] * 8 + ["B"] * 8
    yield "two groups A and B (lists)", y_true, y_pred, groups
    # 2. Three groups as integers, in the order 1, 2, 0 (the extremes are not the first two met);
    #    group 0 is never selected; the TPR gap is the larger one.
    rng = np.random.default_rng(11)
    g = np.repeat([1, 2, 0], [30, 40, 30])
    t = np.tile([1, 1, 0, 0, 1], 20)
    chance = np.where(t == 1, np.where(g == 2, 0.9, 0.5), 0.2)
    p = np.where(g == 0, 0, rng.random(100) < chance).astype(int)
    yield "three groups 1, 2, 0 (NumPy arrays, group 0 never selected)", t, p, g
    # 3. pandas Series with a non-default index.
    index = pd.Index(range(500, 520))
    yield (
        "pandas Series with index 500..519",
        pd.Series([1, 0] * 10, index=index),
        pd.Series([1, 1, 1, 0, 0, 0, 1, 0, 1, 1] * 2, index=index),
        pd.Series(["x"] * 10 + ["y"] * 10, index=index),
    )


@check(budget_s=5)
def check_fairness_gaps(fn):
    for what, y_true, y_pred, groups in _fairness_cases():
        got = call(fn, y_true, y_pred, groups)
        if not isinstance(got, dict) or not {"dp_diff", "eo_diff"} <= set(got):
            raise Fail(
                f"fairness_gaps should return a dict with keys 'dp_diff' and 'eo_diff', got {short(got)}"
            )
        try:
            dp, eo = float(got["dp_diff"]), float(got["eo_diff"])
        except (TypeError, ValueError):
            raise Fail(
                f"dp_diff and eo_diff should be numbers between 0 and 1, got {short(got)}"
            ) from None
        expected = _reference_gaps(y_true, y_pred, groups)

        def rounded(got_value: float, want: float) -> bool:
            return any(math.isclose(got_value, round(want, d), abs_tol=1e-12) for d in range(2, 5))

        if not math.isclose(dp, expected["dp_diff"], abs_tol=1e-9):
            if rounded(dp, expected["dp_diff"]):
                hint = "do not round: return the exact fraction (round only when you display it)"
            elif math.isclose(abs(dp), expected["dp_diff"], abs_tol=1e-9):
                hint = "a gap is the largest rate minus the smallest one, so it is never negative"
            elif math.isclose(dp, 100 * expected["dp_diff"], abs_tol=1e-6):
                hint = "return a fraction between 0 and 1, not a percentage"
            else:
                hint = (
                    "the selection rate of a group is the share of its members that the model selects (y_pred), "
                    "and the gap runs over all groups"
                )
            raise Fail(
                f"for {what}, dp_diff should be {expected['dp_diff']:.4f}, got {dp:.4f}: {hint}"
            )
        if not math.isclose(eo, expected["eo_diff"], abs_tol=1e-9):
            if rounded(eo, expected["eo_diff"]):
                hint = "do not round: return the exact fraction (round only when you display it)"
            elif math.isclose(eo, 100 * expected["eo_diff"], abs_tol=1e-6):
                hint = "return a fraction between 0 and 1, not a percentage"
            else:
                hint = (
                    "compare the true positive rates (among y_true == 1) and the false positive rates "
                    "(among y_true == 0) across all groups, and report the larger of the two gaps"
                )
            raise Fail(
                f"for {what}, eo_diff should be {expected['eo_diff']:.4f}, got {eo:.4f}: {hint}"
            )
    return (
        "fairness_gaps computes the selection-rate gap and the larger of the TPR and FPR gaps over any number "
        "of groups, for lists, NumPy arrays and pandas Series"
    )


# ---------------------------------------------------------------- Exercise 4: parameterized lookup
class _RecordingCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        self.connection.statements.append((sql, parameters))
        return super().execute(sql, parameters)

    def executescript(self, script, /):
        self.connection.statements.append((script, "executescript"))
        return super().executescript(script)


class _RecordingConnection(sqlite3.Connection):
    """A real SQLite connection that records every statement and its parameters."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.statements = []

    def __repr__(self) -> str:
        return "<SQLite connection with a features table>"

    def cursor(self, factory=_RecordingCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):
        return self.cursor().execute(sql, parameters)

    def executescript(self, script, /):
        return self.cursor().executescript(script)


_FEATURE_ROWS = [
    ("L00041", 38.5, 0.31, 2),
    ("L00042", 51.2, 0.12, 0),
    ("L10042", 29.9, 0.44, 1),
    ("O'Neil-7", 44.0, 0.20, 0),
]


def _feature_db() -> _RecordingConnection:
    db = sqlite3.connect(":memory:", factory=_RecordingConnection)
    sqlite3.Connection.execute(
        db,
        "CREATE TABLE features (applicant_id TEXT PRIMARY KEY, income_keur REAL, debt_ratio REAL, late_payments INTEGER)",
    )
    sqlite3.Connection.executemany(db, "INSERT INTO features VALUES (?, ?, ?, ?)", _FEATURE_ROWS)
    return db


def _expected_row(applicant_id):
    columns = ["applicant_id", "income_keur", "debt_ratio", "late_payments"]
    for row in _FEATURE_ROWS:
        if row[0] == applicant_id:
            return dict(zip(columns, row, strict=True))
    return None


@check(budget_s=5)
def check_lookup_features(fn):
    cases = [
        ("L00042", "an id in the table"),
        ("O'Neil-7", "an id that contains a quote"),
        ("L99999", "an id that is not in the table"),
        ("x' OR '1'='1", "an injection that is always true"),
        ("L_0042", "an id with the SQL wildcard _"),
        ("l00042", "an id in the wrong case"),
        ("L0004", "an id that is only the start of two other ids"),
        ("L0004*", "an id with the glob wildcard *"),
        ("L00042 ", "an id with a trailing space"),
    ]
    for applicant_id, what in cases:
        db = _feature_db()
        got = call(fn, db, applicant_id)
        expected = _expected_row(applicant_id)
        text = [sql for sql, _ in db.statements]
        if any(params == "executescript" for _, params in db.statements):
            raise Fail(
                "lookup_features ran executescript, which runs any statements in the text; use one parameterized query"
            )
        if any(applicant_id in sql for sql in text):
            raise Fail(
                f"for {what} ({applicant_id!r}), the id appears inside the SQL text itself: "
                "send it separately from the query, as a parameter, so it is never parsed as SQL"
            )
        if not db.statements:
            raise Fail(
                f"for {what} ({applicant_id!r}), lookup_features ran no query on the connection it was given: "
                "look every id up in the table (a parameter keeps any id harmless, so there is no need to turn ids away)"
            )
        if expected is None:
            if got is not None:
                raise Fail(
                    f"for {what} ({applicant_id!r}), no applicant matches, so return None; got {short(got)}"
                )
            continue
        if not isinstance(got, dict):
            raise Fail(
                f"for {what} ({applicant_id!r}), return the row as a dict of column name to value, got "
                f"{type(got).__name__} {short(got)}"
            )
        if got != expected:
            raise Fail(
                f"for {what} ({applicant_id!r}), expected {short(expected)}, got {short(got)}"
            )
    return (
        "lookup_features sends the id as a parameter, returns the matching row as a dict (quotes in ids "
        "included), and returns None for unknown ids, injections, wildcards, partial ids, ids in the wrong case "
        "and ids with extra spaces"
    )


# ---------------------------------------------------------------- Exercise 5: pickle imports
TRIPWIRE_CALLS = {"count": 0}


def tripwire(*args):
    """A harmless callable that the check's pickles import: calling it means someone loaded one."""
    TRIPWIRE_CALLS["count"] += 1
    return args


_STRING_OPS = {
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
    "UNICODE",
    "BINUNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE8",
}
_GET_OPS = {"GET", "BINGET", "LONG_BINGET"}
_PUT_OPS = {"PUT", "BINPUT", "LONG_BINPUT"}
_NEUTRAL_OPS = {"MEMOIZE", "FRAME", "PROTO", "STOP", *_PUT_OPS}


def reference_globals(data: bytes) -> list[str]:
    """Every ``module.name`` a pickle imports, in order, read with pickletools (never loaded)."""
    memo, pushes, top, found = {}, [], None, []
    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name in ("GLOBAL", "INST"):
            module, attribute = arg.split(" ", 1)
            found.append(f"{module}.{attribute}")
        if name == "STACK_GLOBAL":
            found.append(f"{pushes[-2]}.{pushes[-1]}")
        if name == "MEMOIZE":
            memo[len(memo)] = top
        elif name in _PUT_OPS:
            memo[arg] = top
        if name in _NEUTRAL_OPS:
            continue
        top = arg if name in _STRING_OPS else memo.get(arg) if name in _GET_OPS else None
        pushes.append(top)
    return found


def _raw_pickle(module: str, name: str, protocol: int, *args) -> bytes:
    """A pickle of the call ``module.name(*args)``, written opcode by opcode (nothing is imported)."""
    arguments = (
        b"(" + b"".join(b"V" + str(a).encode("raw_unicode_escape") + b"\n" for a in args) + b"t"
    )
    if protocol >= 4:  # SHORT_BINUNICODE + MEMOIZE for each name, STACK_GLOBAL, MEMOIZE
        names = b"".join(b"\x8c" + bytes([len(s)]) + s.encode() + b"\x94" for s in (module, name))
        return b"\x80\x04" + names + b"\x93\x94" + arguments + b"R."
    head = b"\x80\x02" if protocol == 2 else b""
    return head + b"c" + module.encode() + b"\n" + name.encode() + b"\n" + arguments + b"R."


def _call0(name: str, argument: str) -> bytes:
    """Protocol-0 opcodes that call builtins.<name>(argument) (argument as a UNICODE or INT opcode)."""
    return b"cbuiltins\n" + name.encode() + b"\n(" + argument.encode() + b"\ntR"


def _memo_two_imports() -> bytes:
    """Protocol 4: import os.getcwd, then os.getpid with 'os' fetched by BINGET (never loaded)."""
    return (
        b"\x80\x04]\x94("  # PROTO 4, EMPTY_LIST, MEMOIZE 0, MARK
        b"\x8c\x02os\x94"  # 'os' -> memo 1
        b"\x8c\x06getcwd\x94"  # 'getcwd' -> memo 2
        b"\x93\x94"  # STACK_GLOBAL os.getcwd -> memo 3
        b"h\x01"  # BINGET 1: 'os' again
        b"\x8c\x06getpid\x94"  # 'getpid' -> memo 4
        b"\x93\x94"  # STACK_GLOBAL os.getpid -> memo 5
        b"e."  # APPENDS, STOP
    )


def _put_get_imports() -> bytes:
    """Protocol 4 with the older memo opcodes: 'os' stored by PUT, 'getcwd' by LONG_BINPUT, and
    fetched back by BINGET, GET and LONG_BINGET (os.getcwd, os.getpid, os.getcwd; never loaded)."""
    return (
        b"\x80\x04]p0\n("  # PROTO 4, EMPTY_LIST, PUT 0, MARK
        b"\x8c\x02osp1\n"  # 'os' -> memo 1 (PUT)
        b"\x8c\x06getcwdr\x02\x00\x00\x00"  # 'getcwd' -> memo 2 (LONG_BINPUT)
        b"\x93q\x03"  # STACK_GLOBAL os.getcwd -> memo 3 (BINPUT)
        b"h\x01\x8c\x06getpid\x93"  # BINGET 1 ('os'), 'getpid', STACK_GLOBAL os.getpid
        b"g1\nj\x02\x00\x00\x00\x93"  # GET 1 ('os'), LONG_BINGET 2 ('getcwd'), STACK_GLOBAL
        b"e."  # APPENDS, STOP
    )


def _pickle_cases():
    """(what, kind, bytes, allowed, expected): no pickle here is ever loaded by the check."""
    honest = pickle.dumps(
        {"weights": np.arange(3.0), "names": collections.OrderedDict(a=1)}, protocol=2
    )
    allowed = frozenset(reference_globals(honest))
    yield "an honest pickle whose imports are all allowed", "honest", honest, allowed, []
    yield (
        "a protocol-0 pickle calling builtins.eval, builtins.abs, then builtins.eval again",
        "GLOBAL",
        b"(" + _call0("eval", "V0") + _call0("abs", "I1") + _call0("eval", "V1") + b"t.",
        allowed,
        ["builtins.abs", "builtins.eval"],
    )
    yield (
        "a protocol-2 pickle calling the tripwire",
        "GLOBAL",
        _raw_pickle("mlskills.checks.ch04", "tripwire", 2, "1"),
        allowed,
        ["mlskills.checks.ch04.tripwire"],
    )
    yield (
        "a protocol-4 pickle calling operator.attrgetter (harmless-looking, but not allowed)",
        "STACK_GLOBAL",
        _raw_pickle("operator", "attrgetter", 4, "real"),
        allowed,
        ["operator.attrgetter"],
    )
    yield (
        "a protocol-4 pickle whose second import takes its module name from the memo",
        "memo",
        _memo_two_imports(),
        frozenset(),
        ["os.getcwd", "os.getpid"],
    )
    yield (
        "a protocol-4 pickle importing the tripwire twice and NumPy (names reused from the memo)",
        "memo",
        pickle.dumps([tripwire, np.arange(2.0), tripwire], protocol=4),
        allowed,
        ["mlskills.checks.ch04.tripwire"],
    )
    yield (
        "a protocol-4 pickle whose names are stored with PUT/LONG_BINPUT and fetched with BINGET, GET "
        "and LONG_BINGET",
        "memo",
        _put_get_imports(),
        frozenset(),
        ["os.getcwd", "os.getpid"],
    )
    yield (
        "a protocol-2 pickle calling collections.Counter, from the same module as the allowed "
        "collections.OrderedDict",
        "module",
        _raw_pickle("collections", "Counter", 2, "ab"),
        allowed,
        ["collections.Counter"],
    )
    yield (
        "a protocol-4 pickle of a NumPy array followed by the tripwire",
        "STACK_GLOBAL",
        pickle.dumps([np.arange(2.0), tripwire], protocol=4),
        allowed,
        ["mlskills.checks.ch04.tripwire"],
    )
    yield (
        "a pickle that uses the INST opcode for builtins.eval",
        "INST",
        b"(V0\nibuiltins\neval\n.",
        allowed,
        ["builtins.eval"],
    )


_KIND_HINTS = {
    "GLOBAL": "protocols 0 to 3 import with the GLOBAL opcode, whose argument holds the module and the name",
    "STACK_GLOBAL": "protocol 4 imports with STACK_GLOBAL, which takes the module and the name from the two values pushed before it",
    "memo": "a module or attribute name can be fetched back from the memo (GET/BINGET) instead of being pushed as a new string",
    "INST": "the INST opcode imports a callable too (and calls it)",
    "module": "the allowlist holds exact 'module.name' entries: a callable is not allowed because another "
    "name from its module is",
}


def _unsafe_hint(
    fn, kind: str, passed: set, data: bytes, allowed, expected: list, got: list
) -> str:
    """Say which rule the answer broke."""
    if sorted(set(got)) == expected:
        return "list each import once, in sorted order"
    if set(got) & set(allowed):
        return "flag only the imports that are not in the allowlist"
    if kind == "module" and not got:
        return _KIND_HINTS["module"]
    if not expected:
        return "every import in this pickle is in the allowlist, so nothing should be flagged"
    if kind == "memo":
        return _KIND_HINTS["memo"]
    if got and set(got) < set(expected):
        return "flag every import that is not in the allowlist, not only names you know to be dangerous"
    if kind in passed:
        return "flag every import that is not in the allowlist, not only names you know to be dangerous"
    seen = call(fn, data, frozenset())
    if isinstance(seen, list) and set(expected) <= set(seen):
        return "flag every import that is not in the allowlist, not only names you know to be dangerous"
    return _KIND_HINTS.get(
        kind, "write each import as 'module.name', exactly as the pickle names it"
    )


LOAD_ATTEMPTS = {"count": 0}


class _RefusingUnpickler(pickle.Unpickler):
    """Stands in for pickle.Unpickler while an answer runs: a subclass of it cannot load either."""

    def load(self):
        LOAD_ATTEMPTS["count"] += 1
        raise pickle.UnpicklingError("this check does not let an answer unpickle anything")


def _refuse(*args, **kwargs):
    LOAD_ATTEMPTS["count"] += 1
    raise pickle.UnpicklingError("this check does not let an answer unpickle anything")


@contextlib.contextmanager
def _unpickling_refused():
    """While the answer runs, pickle.load/loads and pickle.Unpickler (even subclassed with a
    restricted find_class, as in the Python documentation) count the attempt and refuse."""
    names = ("Unpickler", "_Unpickler", "load", "loads", "_load", "_loads")
    saved = {name: getattr(pickle, name) for name in names}
    pickle.Unpickler = pickle._Unpickler = _RefusingUnpickler
    pickle.load = pickle.loads = pickle._load = pickle._loads = _refuse
    try:
        yield
    finally:
        for name, value in saved.items():
            setattr(pickle, name, value)


@check(budget_s=5)
def check_unsafe_globals(fn):
    before, attempts, passed = TRIPWIRE_CALLS["count"], LOAD_ATTEMPTS["count"], set()
    for what, kind, data, allowed, expected in _pickle_cases():
        with _unpickling_refused():
            got = call(fn, data, allowed)
        if TRIPWIRE_CALLS["count"] != before or LOAD_ATTEMPTS["count"] != attempts:
            raise Fail(
                f"for {what}, your function tried to unpickle the data (pickle.load/loads or an Unpickler, even "
                "one with a restricted find_class, runs the pickle's program): read the opcodes with pickletools"
            )
        if not isinstance(got, list) or not all(isinstance(item, str) for item in got):
            raise Fail(
                f"for {what}, return a list of 'module.name' strings, got {type(got).__name__} {short(got)}"
            )
        if got != expected:
            hint = _unsafe_hint(fn, kind, passed, data, allowed, expected, got)
            raise Fail(f"for {what}, expected {expected}, got {short(got)}: {hint}")
        passed.add(kind)
    return (
        "unsafe_globals finds GLOBAL, STACK_GLOBAL (with names from the memo, whichever opcode stored them) and "
        "INST imports that are not exactly in the allowlist, lists each once in sorted order, and never "
        "unpickles the data"
    )
