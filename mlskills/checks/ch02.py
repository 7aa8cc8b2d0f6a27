"""Checks for the exercises of Chapter 2: Data.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Prove each one honest in tests/checks/ch02_wrong_answers.py.

Two helpers are for the learner too: :func:`exercise_database` returns the small SQLite
database of Exercise 1, and :func:`example_batch` a valid batch for Exercise 5, so you can
try your function before running its check.
"""

from __future__ import annotations

import functools
import hashlib
import re
import sqlite3
import unicodedata

import numpy as np
import pandas as pd

from mlskills.checks import Fail, call, call_on, check, short

# ---------------------------------------------------------------------------------------
# Exercise 1: SQL join + GROUP BY

EXERCISE_SCHEMA = """
CREATE TABLE species (
    species_id      INTEGER PRIMARY KEY,
    common_name     TEXT NOT NULL UNIQUE,
    scientific_name TEXT NOT NULL UNIQUE
);
CREATE TABLE islands (
    island_id INTEGER PRIMARY KEY,
    name      TEXT NOT NULL UNIQUE,
    region    TEXT NOT NULL
);
CREATE TABLE measurements (
    measurement_id INTEGER PRIMARY KEY,
    species_id     INTEGER NOT NULL REFERENCES species(species_id),
    island_id      INTEGER NOT NULL REFERENCES islands(island_id),
    sex            TEXT CHECK (sex IN ('female', 'male')),
    body_mass_g    REAL
);
"""
_SPECIES = [
    (1, "Gentoo", "Pygoscelis papua"),
    (2, "Adelie", "Pygoscelis adeliae"),
    (3, "Chinstrap", "Pygoscelis antarctica"),
    (4, "Emperor", "Aptenodytes forsteri"),  # no measurements
]
_ISLANDS = [(1, "Torgersen", "Anvers"), (2, "Biscoe", "Anvers"), (3, "Dream", "Anvers")]
# (species_id, island_id, sex, body_mass_g); None = not weighed
_MEASUREMENTS = [
    (2, 2, "female", 3700.0),
    (2, 2, "male", 3800.0),
    (2, 2, "male", None),
    (2, 1, "female", 3400.0),
    (2, 1, "male", 3500.0),
    (2, 1, None, 3650.0),
    (2, 3, "male", 3300.0),
    (1, 2, "female", 5000.0),
    (1, 2, "male", 5200.0),
    (1, 2, None, None),
    (1, 2, "female", 4900.0),
    (3, 3, "female", 3700.0),
    (3, 3, "male", 3900.0),
]
SQL_COLUMNS = ["island", "species", "n_birds", "mean_body_mass_g"]


def _database(measurements) -> sqlite3.Connection:
    conn = sqlite3.connect(":memory:")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.executescript(EXERCISE_SCHEMA)
    conn.executemany("INSERT INTO species VALUES (?, ?, ?)", _SPECIES)
    conn.executemany("INSERT INTO islands VALUES (?, ?, ?)", _ISLANDS)
    conn.executemany(
        "INSERT INTO measurements (species_id, island_id, sex, body_mass_g) VALUES (?, ?, ?, ?)",
        measurements,
    )
    return conn


def exercise_database() -> sqlite3.Connection:
    """The small in-memory SQLite database of Exercise 1 (a fresh copy on every call)."""
    return _database(_MEASUREMENTS)


def _random_measurements(seed: int = 2) -> list[tuple]:
    """About 200 birds on the real species/island combinations, some not weighed."""
    rng = np.random.default_rng(seed)
    combos = [(2, 1), (2, 2), (2, 3), (1, 2), (3, 3)]
    rows = []
    for species_id, island_id in combos:
        for _ in range(int(rng.integers(20, 60))):
            mass = None if rng.random() < 0.15 else float(25 * rng.integers(110, 250))
            rows.append((species_id, island_id, str(rng.choice(["female", "male"])), mass))
    order = rng.permutation(len(rows))
    return [rows[i] for i in order]


def _expected_sql(measurements) -> pd.DataFrame:
    frame = pd.DataFrame(measurements, columns=["species_id", "island_id", "sex", "body_mass_g"])
    frame["species"] = frame["species_id"].map({i: n for i, n, _ in _SPECIES})
    frame["island"] = frame["island_id"].map({i: n for i, n, _ in _ISLANDS})
    grouped = frame.groupby(["island", "species"])["body_mass_g"]
    out = pd.DataFrame(
        {"n_birds": grouped.count(), "all_rows": grouped.size(), "mean": grouped.mean()}
    )
    return out.reset_index().sort_values(["island", "species"]).reset_index(drop=True)


def _check_sql_answer(got, expected: pd.DataFrame, label: str) -> None:
    if not isinstance(got, pd.DataFrame):
        raise Fail(
            f"on the {label} database, return a pandas DataFrame (e.g. pd.read_sql(query, conn)), "
            f"got {type(got).__name__} {short(got)}"
        )
    if list(got.columns) != SQL_COLUMNS:
        raise Fail(
            f"columns should be {SQL_COLUMNS} in that order (use AS to name them), got {list(got.columns)}"
        )
    want_groups = list(zip(expected["island"], expected["species"], strict=True))
    got_groups = [(str(i), str(s)) for i, s in zip(got["island"], got["species"], strict=True)]
    if sorted(got_groups) != sorted(want_groups):
        hint = ""
        if len(got) == expected["species"].nunique():
            hint = " (one row per species: group by island AND species)"
        elif len(got) > len(want_groups):
            hint = " (extra groups: a LEFT JOIN from species or islands adds groups without birds)"
        elif not {s for _, s in got_groups} <= {name for _, name, _ in _SPECIES}:
            hint = " (species should be the common name, e.g. 'Adelie')"
        raise Fail(
            f"on the {label} database, expected {len(want_groups)} (island, species) groups, "
            f"got {len(got_groups)}{hint}: {short(got_groups)}"
        )
    if got_groups != want_groups:
        raise Fail(
            f"rows are not sorted by island name, then species name: expected {short(want_groups)}, "
            f"got {short(got_groups)} (ORDER BY the names, not the ids)"
        )
    try:
        n_birds = pd.to_numeric(got["n_birds"]).to_numpy(dtype=float)
        means = pd.to_numeric(got["mean_body_mass_g"]).to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise Fail(f"n_birds and mean_body_mass_g must be numbers: {exc}") from exc
    for row, (g_n, g_mean) in enumerate(zip(n_birds, means, strict=True)):
        want = expected.iloc[row]
        group = f"{want['island']}/{want['species']}"
        if g_n != want["n_birds"]:
            hint = ""
            if g_n == want["all_rows"]:
                hint = (
                    ": that counts the birds that were never weighed too; count only recorded "
                    "masses (how does COUNT treat NULL?)"
                )
            raise Fail(f"n_birds for {group} should be {int(want['n_birds'])}, got {g_n:g}{hint}")
        if not np.isfinite(g_mean) or abs(g_mean - want["mean"]) > 0.05 + 1e-9:
            hint = " (AVG ignores NULL masses)"
            if np.isfinite(g_mean) and abs(g_mean - round(want["mean"])) < 1e-9:
                hint = ": that is rounded to whole grams; keep one decimal"
            raise Fail(
                f"mean_body_mass_g for {group} should be {want['mean']:.1f}, got {short(float(g_mean))}{hint}"
            )
        if abs(g_mean * 10 - round(g_mean * 10)) > 1e-6:
            raise Fail(
                f"mean_body_mass_g for {group} is {float(g_mean)!r}: round it to 1 decimal ({want['mean']:.1f})"
            )


def _check_one_query(
    conn: sqlite3.Connection, statements: list[str], n_groups: int, label: str
) -> None:
    """The answer ran exactly one query, and that query itself groups and sorts."""
    queries = [q for q in statements if q.strip()]
    if len(queries) != 1:
        raise Fail(
            f"on the {label} database your function ran {len(queries)} SQL statements; the exercise asks for "
            "one query that joins, groups and sorts, so that the database does the work, not pandas"
        )
    try:
        rows = conn.execute(queries[0]).fetchall()
    except sqlite3.Error as exc:  # e.g. a temporary table the query needed is gone
        raise Fail(f"your query could not be run again on its own: {exc}") from exc
    if len(rows) != n_groups:
        raise Fail(
            f"your SQL query returns {len(rows)} rows on the {label} database, but the answer has "
            f"{n_groups}: do the grouping in the query itself (one row per island and species), not in pandas"
        )
    if not re.search(r"\border\s+by\b", queries[0], re.IGNORECASE):
        raise Fail(
            "your query has no ORDER BY: without it SQL promises no order, and the order you got is an "
            "accident of how SQLite groups; sort in the query"
        )


@check(budget_s=5)
def check_species_mass_by_island(fn):
    for label, rows in [("exercise", _MEASUREMENTS), ("random", _random_measurements())]:
        conn = _database(rows)
        statements: list[str] = []
        conn.set_trace_callback(statements.append)
        got = call(fn, conn)
        conn.set_trace_callback(None)
        expected = _expected_sql(rows)
        _check_sql_answer(got, expected, label)
        _check_one_query(conn, statements, len(expected), label)
    return (
        "one SQL query counts only weighed birds, averages per island and species to 1 decimal and sorts "
        "by name (exercise database and a random one)"
    )


# ---------------------------------------------------------------------------------------
# Exercise 2: normalise messy species names

SPECIES_CATEGORIES = ["Adelie", "Chinstrap", "Gentoo"]
_SPECIES_CASES = [
    ("Adelie Penguin (Pygoscelis adeliae)", "Adelie"),
    ("Gentoo penguin (Pygoscelis papua)", "Gentoo"),
    ("Chinstrap penguin (Pygoscelis antarctica)", "Chinstrap"),
    ("  adelie ", "Adelie"),
    ("\tChinstrap\n", "Chinstrap"),
    ("GENTOO", "Gentoo"),
    ("chinstrap penguin", "Chinstrap"),
    ("Adélie", "Adelie"),
    ("ADÉLIE PENGUIN", "Adelie"),
    ("Ade\u0301lie penguin", "Adelie"),  # the accent as a separate combining character
    ("Pygoscelis antarctica", "Chinstrap"),
    ("pygoscelis papua", "Gentoo"),
    ("Pygoscelis adeliae", "Adelie"),
    ("Emperor penguin (Aptenodytes forsteri)", None),
    ("Aptenodytes forsteri", None),
    ("Galapagos penguin", None),
    ("Gentu", None),
    ("Pygoscelis", None),
    ("", None),
    (None, None),
    (np.nan, None),
]


def _species_hint(text, want) -> str:
    shown = str(text)
    if isinstance(text, float):
        return " (NaN is a missing value too)"
    if any(unicodedata.combining(c) for c in unicodedata.normalize("NFD", shown)):
        return " (remove accents, in any Unicode form, e.g. with unicodedata.normalize)"
    if shown.strip() != shown.strip(" "):
        return " (surrounding whitespace includes tabs and newlines)"
    if want is None:
        return " (a name outside the three species, or a misspelling, must become missing: never a guess)"
    if shown.lower().startswith("pygoscelis"):
        return " (a scientific name alone names a species too)"
    return ""


def _check_species_values(got, raw, what: str) -> None:
    if not isinstance(got, pd.Series):
        raise Fail(
            f"clean_species should return a pandas Series, got {type(got).__name__} {short(got)}"
        )
    if len(got) != len(raw) or not got.index.equals(raw.index):
        raise Fail(
            f"return one value per input, with the input's index (got {len(got)} values, "
            f"index {short(list(got.index))}; expected index {short(list(raw.index))})"
        )
    for (text, want), value in zip(_SPECIES_CASES, got.astype(object), strict=True):
        value = None if pd.isna(value) else value
        if value != want:
            raise Fail(
                f"{what}: {text!r} should become {want!r}, got {value!r}{_species_hint(text, want)}"
            )
    if (
        not isinstance(got.dtype, pd.CategoricalDtype)
        or list(got.dtype.categories) != SPECIES_CATEGORIES
    ):
        raise Fail(
            f"return a categorical Series with categories exactly {SPECIES_CATEGORIES} "
            f"(pd.Categorical(values, categories=...)), got dtype {got.dtype}"
        )


@check(budget_s=5)
def check_clean_species(fn):
    index = range(100, 100 + len(_SPECIES_CASES))
    raw = pd.Series([r for r, _ in _SPECIES_CASES], index=index, dtype=object)
    untouched = raw.copy()
    _check_species_values(
        call_on(fn, "an object Series of 21 names", raw), raw, "in an object Series"
    )
    if not raw.equals(untouched):
        raise Fail("clean_species modified its input Series; return a new Series instead")
    # pandas 3 reads text as the str dtype (missing values are NaN): the same names must work there.
    as_str = pd.Series([r for r, _ in _SPECIES_CASES], index=index, dtype="str")
    _check_species_values(
        call_on(fn, "a str-dtype Series of 21 names", as_str.copy()),
        as_str,
        "in a str-dtype Series",
    )
    return (
        f"{len(_SPECIES_CASES)} tricky spellings (case, whitespace, accents in both Unicode forms, scientific "
        "names, unknown species and misspellings, empty, None and NaN) map to 3 categories, in object and str Series"
    )


# ---------------------------------------------------------------------------------------
# Exercise 3: feature selection inside cross-validation


def selection_data(n: int, p: int, informative: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Balanced labels; the first ``informative`` of ``p`` features shift by +1 for class 1."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.repeat([0, 1], n // 2))
    X = rng.normal(size=(n, p))
    X[:, :informative] += y[:, None]
    return X, y


def _reference_cv(X, y, k, seed) -> float:
    from sklearn.feature_selection import SelectKBest, f_classif
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_score
    from sklearn.pipeline import make_pipeline

    model = make_pipeline(SelectKBest(f_classif, k=k), LogisticRegression(max_iter=1000))
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return float(cross_val_score(model, X, y, cv=cv).mean())


def _as_score(got, name: str) -> float:
    if isinstance(got, bool) or not isinstance(got, (int, float, np.floating, np.integer)):
        raise Fail(
            f"{name} should return one number (the mean accuracy), got {type(got).__name__} {short(got)}"
        )
    value = float(got)
    if not 0.0 <= value <= 1.0:
        raise Fail(f"{name} should return an accuracy between 0 and 1, got {value!r}")
    return value


#: The check's data sets (label, n, p, informative, k, seed); each learner answer runs once on each.
_CV_CASES = [("pure noise", 50, 2000, 0, 10, 1), ("5 informative of 300 features", 120, 300, 5, 5, 4)]


@functools.cache
def _cv_case(index: int) -> tuple[np.ndarray, np.ndarray, float]:
    """X, y and the reference score of one case (deterministic: computed once per process)."""
    _, n, p, informative, k, seed = _CV_CASES[index]
    X, y = selection_data(n, p, informative, seed)
    X.flags.writeable = y.flags.writeable = False  # shared between calls: an answer may not change them
    return X, y, _reference_cv(X, y, k, seed)


@check(budget_s=30)  # cross-validates several times; slow on a busy laptop
def check_honest_cv_accuracy(fn):
    for index, (label, *_, k, seed) in enumerate(_CV_CASES):
        X, y, want = _cv_case(index)
        got = _as_score(
            call_on(fn, f"X, y of {label} data, k={k}, seed={seed}", X.copy(), y.copy(), k, seed),
            "honest_cv_accuracy",
        )
        if index == 0 and got > 0.7:
            raise Fail(
                f"on pure noise (50 rows, 2000 random features, labels independent of X, k=10) you "
                f"report {got:.2f}, but an honest estimate must be near chance (0.5): either the "
                "feature selection saw the test folds (fit it inside a Pipeline) or the score was not "
                "measured on held-out folds"
            )
        if abs(got - want) > 0.005:
            raise Fail(
                f"on {label} data with k={k}, seed={seed}, expected {want:.3f}, got {got:.3f}: follow the "
                "recipe exactly (keep k features, the model as given, 5 stratified shuffled folds seeded with seed)"
            )
    return "near chance on pure noise (selection inside the folds) and matches the reference on informative data"


# ---------------------------------------------------------------------------------------
# Exercise 4: diff two manifests


def _h(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _manifest(entries: list[tuple[str, str]], blank_lines: bool = False) -> str:
    lines = [f"{_h(content)}  {name}" for name, content in entries]
    if blank_lines:
        lines.insert(1, "")
        lines.append("")
    return "\n".join(lines) + "\n"


_MANIFEST_CASES = [
    (
        "one file changed, one added (with blank lines and a name with spaces)",
        _manifest([("a.csv", "a"), ("b.csv", "b"), ("sub dir/c d.csv", "c")]),
        _manifest(
            [("a.csv", "a"), ("b.csv", "b2"), ("sub dir/c d.csv", "c"), ("e.csv", "e")],
            blank_lines=True,
        ),
        {"added": ["e.csv"], "removed": [], "changed": ["b.csv"]},
    ),
    (
        "a file renamed (same content, new name)",
        _manifest([("x.csv", "same bytes")]),
        _manifest([("y.csv", "same bytes")]),
        {"added": ["y.csv"], "removed": ["x.csv"], "changed": []},
    ),
    (
        "a file with spaces in its name changed",
        _manifest([("my data.csv", "v1"), ("notes.md", "n")]),
        _manifest([("my data.csv", "v2"), ("notes.md", "n")]),
        {"added": [], "removed": [], "changed": ["my data.csv"]},
    ),
    (
        "three files removed",
        _manifest([("z.csv", "z"), ("a.csv", "a"), ("m.csv", "m")]),
        "",
        {"added": [], "removed": ["a.csv", "m.csv", "z.csv"], "changed": []},
    ),
    (
        "several files added and changed, listed out of alphabetical order (blank lines in both)",
        _manifest([("c.csv", "1"), ("a.csv", "1"), ("b.csv", "1")], blank_lines=True),
        _manifest(
            [
                ("c.csv", "2"),
                ("z.csv", "z"),
                ("a.csv", "2"),
                ("d.csv", "d"),
                ("b.csv", "1"),
                ("k.csv", "k"),
            ],
            blank_lines=True,
        ),
        {"added": ["d.csv", "k.csv", "z.csv"], "removed": [], "changed": ["a.csv", "c.csv"]},
    ),
    (
        "an old manifest without a final newline",
        _manifest([("a.csv", "a"), ("b.csv", "b")]).rstrip("\n"),
        _manifest([("a.csv", "a"), ("b.csv", "b"), ("c.csv", "c")]),
        {"added": ["c.csv"], "removed": [], "changed": []},
    ),
    (
        "everything added to an empty manifest",
        "",
        _manifest([("m.csv", "m"), ("b.csv", "b")]),
        {"added": ["b.csv", "m.csv"], "removed": [], "changed": []},
    ),
    ("two empty manifests", "", "", {"added": [], "removed": [], "changed": []}),
    (
        # Ten names: a set's order depends on the process's string hashing, and the short lists
        # above can all come out sorted by chance (a CI run accepted unsorted sets that way);
        # ten names come out sorted in one order of 3.6 million.
        "ten files added at once",
        _manifest([("readme.md", "r")]),
        _manifest([("readme.md", "r")] + [(f"{name}.csv", name) for name in "qwertyuiop"]),
        {"added": sorted(f"{name}.csv" for name in "qwertyuiop"), "removed": [], "changed": []},
    ),
]


@check(budget_s=5)
def check_diff_manifests(fn):
    for label, old, new, want in _MANIFEST_CASES:
        got = call(fn, old, new)
        if not isinstance(got, dict) or set(got) != set(want):
            raise Fail(
                f"return a dict with exactly the keys 'added', 'removed', 'changed', got {short(got)}"
            )
        for key in ["added", "removed", "changed"]:
            value = got[key]
            if not isinstance(value, list):
                raise Fail(
                    f"got[{key!r}] should be a sorted list of names, got {type(value).__name__} {short(value)}"
                )
            if value != want[key]:
                hint = ""
                if sorted(map(str, value)) == want[key]:
                    hint = " (sort the names)"
                elif (
                    key in ("added", "removed")
                    and value == want["removed" if key == "added" else "added"]
                ):
                    hint = " (added = in new but not in old; removed = in old but not in new)"
                elif any(" " in name for name in want[key]):
                    hint = " (file names can contain spaces)"
                elif "" in map(str, value):
                    hint = " (an empty name: skip blank lines, including the one after the last newline)"
                raise Fail(f"{label}: {key} should be {want[key]}, got {short(value)}{hint}")
    return (
        "added, removed and changed files as sorted lists, with renames, spaces in names, blank lines, "
        "a missing final newline and empty manifests"
    )


# ---------------------------------------------------------------------------------------
# Exercise 5: validate a batch

REQUIRED_COLUMNS = [
    "study_id",
    "sample_number",
    "species",
    "island",
    "sex",
    "body_mass_g",
    "flipper_length_mm",
]


def example_batch() -> pd.DataFrame:
    """A valid batch of 8 measurements (missing sex and body mass are allowed)."""
    return pd.DataFrame(
        {
            "study_id": ["PAL0910"] * 8,
            "sample_number": [1, 2, 3, 4, 1, 2, 1, 2],
            "species": [
                "Adelie",
                "Adelie",
                "Adelie",
                "Adelie",
                "Gentoo",
                "Gentoo",
                "Chinstrap",
                "Chinstrap",
            ],
            "island": [
                "Torgersen",
                "Torgersen",
                "Dream",
                "Biscoe",
                "Biscoe",
                "Biscoe",
                "Dream",
                "Dream",
            ],
            "sex": ["female", "male", None, "male", "female", "male", "female", None],
            "body_mass_g": [3450.0, 4050.0, np.nan, 3900.0, 4850.0, 5700.0, 3500.0, 3700.0],
            "flipper_length_mm": [187.0, 195.0, 190.0, 189.0, 214.0, 228.0, 193.0, np.nan],
            "comments": [None, None, "No blood sample obtained.", None, None, None, None, None],
        }
    )


def _with(**changes) -> pd.DataFrame:
    batch = example_batch()
    for column, (row, value) in changes.items():
        batch.loc[row, column] = value
    return batch


def _batch_cases() -> list[tuple[str, pd.DataFrame, dict]]:
    """(what is wrong, batch, {word that must appear: (count, examples) or None}).

    One problem per word. For a value rule, the problem must also give the number of
    values that break it and one of them (``examples``; ``()`` when the bad value is missing).
    """
    duplicated = pd.concat([example_batch(), example_batch().iloc[[4]]], ignore_index=True)
    same_key_other_values = pd.concat(
        [example_batch(), example_batch().iloc[[0]].assign(body_mass_g=3600.0, sex="male")],
        ignore_index=True,
    )
    two_in_kg = example_batch()
    two_in_kg.loc[[1, 4], "body_mass_g"] = [4.05, 4.85]
    as_text = example_batch().assign(
        body_mass_g=lambda b: b["body_mass_g"].map(lambda v: f"{v:.0f}")
    )
    flipper_as_text = example_batch().assign(
        flipper_length_mm=lambda b: b["flipper_length_mm"].map(lambda v: f"{v:.0f} mm")
    )
    combined = pd.concat(
        [
            _with(species=(0, "Emperor"), body_mass_g=(5, 5.7), sex=(1, "M")),
            example_batch().iloc[[6]],
        ],
        ignore_index=True,
    )
    dup = (2, ("2", "1"))  # two rows share one key: either number is a fair count
    return [
        (
            "an unknown species 'Emperor'",
            _with(species=(2, "Emperor")),
            {"species": (1, ("Emperor",))},
        ),
        ("a missing species", _with(species=(3, None)), {"species": (1, ())}),
        ("an island spelled 'biscoe'", _with(island=(4, "biscoe")), {"island": (1, ("biscoe",))}),
        ("a missing island", _with(island=(7, None)), {"island": (1, ())}),
        ("sex written as 'M'", _with(sex=(1, "M")), {"sex": (1, ("M",))}),
        (
            "a body mass of 3.75 (kilograms)",
            _with(body_mass_g=(0, 3.75)),
            {"body_mass_g": (1, ("3.75",))},
        ),
        (
            "two body masses in kilograms (one rule, one problem)",
            two_in_kg,
            {"body_mass_g": (2, ("4.05", "4.85"))},
        ),
        (
            "a body mass of 70000 (a typo)",
            _with(body_mass_g=(2, 70000.0)),
            {"body_mass_g": (1, ("70000", "70,000"))},
        ),
        (
            "a flipper length of 18.1 (centimetres)",
            _with(flipper_length_mm=(5, 18.1)),
            {"flipper_length_mm": (1, ("18.1",))},
        ),
        (
            "a flipper length of 2100 (a typo)",
            _with(flipper_length_mm=(3, 2100.0)),
            {"flipper_length_mm": (1, ("2100", "2,100"))},
        ),
        ("the same (study_id, sample_number, species) twice", duplicated, {"duplicate": dup}),
        (
            "the same key twice, with different measurements",
            same_key_other_values,
            {"duplicate": dup},
        ),
        (
            "the column flipper_length_mm missing",
            example_batch().drop(columns="flipper_length_mm"),
            {"flipper_length_mm": None},
        ),
        (
            "the columns species and sample_number missing",
            example_batch().drop(columns=["species", "sample_number"]),
            {"species": None, "sample_number": None},
        ),
        ("body_mass_g stored as text", as_text, {"body_mass_g": None}),
        ("flipper_length_mm stored as text", flipper_as_text, {"flipper_length_mm": None}),
        (
            "four problems at once (species, body mass, sex, a duplicate)",
            combined,
            {
                "species": (1, ("Emperor",)),
                "body_mass_g": (1, ("5.7",)),
                "sex": (1, ("M",)),
                "duplicate": dup,
            },
        ),
    ]


def _valid_batches() -> list[tuple[str, pd.DataFrame]]:
    on_the_bounds = example_batch()
    on_the_bounds.loc[[0, 1], "body_mass_g"] = [2000.0, 7000.0]
    on_the_bounds.loc[[2, 3], "flipper_length_mm"] = [150.0, 250.0]
    two_studies = pd.concat(
        [example_batch(), example_batch().iloc[[0]].assign(study_id="PAL0809")], ignore_index=True
    )
    whole_grams = example_batch().dropna(subset=["body_mass_g"]).astype({"body_mass_g": "int64"})
    return [
        ("the example batch (allowed missing sex and body mass, an extra column)", example_batch()),
        ("a batch with values exactly on the bounds of both ranges", on_the_bounds),
        ("a batch where two studies use the same sample number for the same species", two_studies),
        ("a batch with whole-gram integer body masses", whole_grams),
    ]


def _mentions_count(problem: str, counts) -> bool:
    return any(re.search(rf"(?<![\d.,]){re.escape(str(c))}(?![\d.,]?\d)", problem) for c in counts)


def _list_of_strings(got) -> None:
    if not isinstance(got, list) or not all(isinstance(p, str) for p in got):
        raise Fail(f"validate_batch should return a list of strings, got {short(got)}")


@check(budget_s=5)
def check_validate_batch(fn):
    valid = _valid_batches()
    for what, batch in valid:
        got = call_on(fn, what, batch.copy())
        _list_of_strings(got)
        if got:
            raise Fail(
                f"{what} is valid and should give [], got {short(got)}: check what the contract allows "
                "(missing values, bounds, numeric dtypes, the whole key)"
            )
    cases = _batch_cases()
    for what, batch, expected in cases:
        got = call_on(fn, f"a batch with {what}", batch)
        _list_of_strings(got)
        if len(got) != len(expected):
            raise Fail(
                f"a batch with {what} should give {len(expected)} problem(s), one per broken rule, "
                f"got {len(got)}: {short(got)}"
            )
        for word, detail in expected.items():
            mentioning = [problem for problem in got if word in problem.lower()]
            if not mentioning:
                raise Fail(f"a batch with {what}: no problem mentions '{word}', got {short(got)}")
            if detail is None:
                continue
            count, examples = detail
            counts = examples if word == "duplicate" else (count,)
            problem = mentioning[0]
            if not _mentions_count(problem, counts):
                raise Fail(
                    f"a batch with {what}: say how many values break the rule in {problem!r} "
                    "(the person fixing the batch needs the count)"
                )
            if word != "duplicate" and examples and not any(e in problem for e in examples):
                raise Fail(
                    f"a batch with {what}: show one of the bad values in {problem!r} "
                    "(an example makes the problem easy to find)"
                )
    return (
        f"{len(valid)} valid batches pass (allowed missing values, bounds, integers, two studies); "
        f"{len(cases)} bad batches each report exactly their broken rules, all at once, with a count and an example"
    )


# ---------------------------------------------------------------------------------------
# Exercise 6: a window function (the heaviest birds per island, ties kept)

WINDOW_COLUMNS = ["island", "bird_id", "species", "body_mass_g", "rank"]


def penguins_table() -> pd.DataFrame:
    """The book's tidy penguins table (data/penguins.csv) with a ``bird_id`` from 1."""
    from mlskills import data

    table = data.load("penguins.csv")
    table.insert(0, "bird_id", np.arange(1, len(table) + 1))
    return table


def _duckdb_with(table: pd.DataFrame):
    import duckdb

    con = duckdb.connect(":memory:")
    con.register("source_frame", table)
    con.execute("CREATE TABLE penguins AS SELECT * FROM source_frame")
    con.unregister("source_frame")
    return con


def penguins_database():
    """A fresh in-memory DuckDB database holding one table, ``penguins`` (see :func:`penguins_table`)."""
    return _duckdb_with(penguins_table())


def _tie_table() -> pd.DataFrame:
    """Few birds, chosen so that each way of ranking ties gives a different answer.

    Biscoe: two birds share the top mass; Dream: two share the second place; Torgersen:
    one weighed bird and one that was never weighed; Cormorant: nobody weighed. Rows are
    stored out of bird_id order.
    """
    rows = [
        (7, "Gentoo", "Biscoe", 5000.0),
        (3, "Gentoo", "Biscoe", 4700.0),
        (12, "Gentoo", "Biscoe", 5000.0),
        (5, "Adelie", "Biscoe", 4800.0),
        (9, "Chinstrap", "Dream", 3900.0),
        (2, "Adelie", "Dream", 4000.0),
        (11, "Chinstrap", "Dream", 3800.0),
        (4, "Adelie", "Dream", 3900.0),
        (8, "Adelie", "Torgersen", None),
        (1, "Adelie", "Torgersen", 3600.0),
        (10, "Adelie", "Cormorant", None),
        (6, "Gentoo", "Cormorant", None),
    ]
    table = pd.DataFrame(rows, columns=["bird_id", "species", "island", "body_mass_g"])
    table["sex"] = "female"
    table["year"] = 2009
    return table


def _expected_window(table: pd.DataFrame, n: int) -> pd.DataFrame:
    weighed = table.dropna(subset=["body_mass_g"])
    rank = weighed.groupby("island")["body_mass_g"].rank(method="min", ascending=False)
    out = weighed.assign(rank=rank.astype(int))
    out = out[out["rank"] <= n]
    return out.sort_values(["island", "rank", "bird_id"])[WINDOW_COLUMNS].reset_index(drop=True)


def _window_hint(
    got: pd.DataFrame, want: pd.DataFrame, table: pd.DataFrame, n: int, label: str
) -> str:
    """What kind of mistake makes ``got`` differ from ``want`` (never the query itself)."""
    islands_want = set(want["island"])
    for island in sorted(islands_want | set(got["island"].astype(str))):
        g = got[got["island"].astype(str) == island]
        w = want[want["island"] == island]
        if island not in islands_want:
            return (
                f"{label}, n={n}: {island} has no weighed birds, so it should return no rows; "
                f"got {len(g)} (a bird without a mass has no place in a ranking by mass)"
            )
        if g.empty:
            return (
                f"{label}, n={n}: no rows for {island}; expected {len(w)}: every island has its own "
                "heaviest birds"
            )
        g_ids, w_ids = [int(b) for b in g["bird_id"]], [int(b) for b in w["bird_id"]]
        g_mass = pd.to_numeric(g["body_mass_g"], errors="coerce")
        if g_mass.isna().any():
            return (
                f"{label}, n={n}: {island} includes a bird without a recorded mass "
                f"(bird_id {int(g.loc[g_mass.isna().to_numpy(), 'bird_id'].iloc[0])}); rank only weighed birds"
            )
        heaviest = table.dropna(subset=["body_mass_g"])
        heaviest = heaviest[heaviest["island"] == island]["body_mass_g"].max()
        if g_mass.max() < heaviest:
            return (
                f"{label}, n={n}: {island}'s heaviest bird ({heaviest:g} g) is missing; got masses "
                f"{short(g_mass.tolist())}: rank 1 is the heaviest"
            )
        g_rank = [int(r) for r in pd.to_numeric(g["rank"])]
        w_rank = [int(r) for r in w["rank"]]
        if sorted(g_ids) == sorted(w_ids) and g_rank == w_rank:
            continue
        weighed = table.dropna(subset=["body_mass_g"])
        weighed = weighed[weighed["island"] == island]
        mass = dict(zip(weighed["bird_id"], weighed["body_mass_g"], strict=True))
        heavier = {b: int((weighed["body_mass_g"] > m).sum()) for b, m in mass.items()}
        dense = {
            b: int((weighed["body_mass_g"].drop_duplicates() > m).sum()) + 1
            for b, m in mass.items()
        }
        got_rank = dict(zip(g_ids, g_rank, strict=True))
        misplaced = [
            b
            for b in g_ids
            if b in heavier and got_rank[b] != heavier[b] + 1 and heavier[b] >= n and dense[b] > n
        ]
        if misplaced:
            b = misplaced[0]
            return (
                f"{label}, n={n}: {island} includes bird {b} ({mass[b]:g} g), but {heavier[b]} birds of "
                f"{island} are heavier: rank each bird against the birds of its own island"
            )
        if max(g_rank) > n:
            return (
                f"{label}, n={n}: {island} returns ranks {g_rank}, but n={n}: keep only the birds whose "
                "rank is at most n (use the argument, not a fixed number)"
            )
        if len(g) < len(w) and len(set(g_rank)) == len(g_rank):
            return (
                f"{label}, n={n}: {island} should give {len(w)} birds with ranks {w_rank}, got ranks "
                f"{g_rank}: birds with equal masses share a rank, and a bird tied with the n-th is kept"
            )
        if (
            all(b in dense for b in g_ids)
            and g_rank == [dense[b] for b in g_ids]
            and len(g) > len(w)
        ):
            return (
                f"{label}, n={n}: {island} should give ranks {w_rank}, got {g_rank}: after tied birds, "
                "the next bird's rank counts every bird above it (1, 2, 2, 4, not 1, 2, 2, 3)"
            )
        if len(g) != len(w):
            return (
                f"{label}, n={n}: {island} should give {len(w)} birds (ranks {w_rank}), got {len(g)} "
                f"(ranks {g_rank}): check which ranks you keep"
            )
        return (
            f"{label}, n={n}: {island} should be birds {w_ids} with ranks {w_rank}, got birds {g_ids} "
            f"with ranks {g_rank}: rank within each island, heaviest first"
        )
    return f"{label}, n={n}: expected {len(want)} rows, got {len(got)}"


def _check_window_answer(got, table: pd.DataFrame, n: int, label: str) -> None:
    if not isinstance(got, pd.DataFrame):
        raise Fail(
            f"{label}, n={n}: return a pandas DataFrame (DuckDB's .df() gives one), got "
            f"{type(got).__name__} {short(got)}"
        )
    if list(got.columns) != WINDOW_COLUMNS:
        raise Fail(
            f"{label}: columns should be {WINDOW_COLUMNS} in that order, got {list(got.columns)}"
        )
    want = _expected_window(table, n)
    try:
        ranks = pd.to_numeric(got["rank"]).to_numpy(dtype=float)
        ids = pd.to_numeric(got["bird_id"]).to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise Fail(f"{label}: bird_id and rank must be numbers: {exc}") from exc
    if np.isnan(ranks).any() or (ranks != np.round(ranks)).any():
        raise Fail(
            f"{label}, n={n}: rank should hold whole numbers (1 = heaviest), got {short(ranks.tolist())}"
        )
    same_rows = len(got) == len(want) and sorted(
        zip(got["island"].astype(str), ids, ranks, strict=True)
    ) == sorted(
        zip(want["island"], want["bird_id"].astype(float), want["rank"].astype(float), strict=True)
    )
    if not same_rows:
        raise Fail(_window_hint(got, want, table, n, label))
    order = list(zip(got["island"].astype(str), ranks, ids, strict=True))
    if order != sorted(order):
        raise Fail(
            f"{label}, n={n}: the rows are right but not in order: sort by island, then rank, then bird_id "
            "(without ORDER BY, SQL promises no order at all)"
        )
    masses = pd.to_numeric(got["body_mass_g"], errors="coerce").to_numpy(dtype=float)
    species = [str(s) for s in got["species"]]
    if not np.allclose(masses, want["body_mass_g"].to_numpy(dtype=float)) or species != list(
        want["species"]
    ):
        raise Fail(f"{label}, n={n}: species and body_mass_g should be each bird's own values")


@check(budget_s=10)
def check_heaviest_per_island(fn):
    shipped = penguins_table()
    ties = _tie_table()
    cases = [
        ("on data/penguins.csv", shipped, 3),
        ("on data/penguins.csv", shipped, 1),
        ("on a small table with ties and unweighed birds", ties, 2),
        ("on a small table with ties and unweighed birds", ties, 3),
    ]
    for label, table, n in cases:
        con = _duckdb_with(table)
        got = call_on(fn, f"a DuckDB connection {label}, n={n}", con, n)
        _check_window_answer(got, table, n, label)
    return (
        "the n heaviest birds of each island, ranked heaviest first, ties sharing a rank and kept at the "
        "cut-off, unweighed birds left out, sorted (shipped penguins with n = 3 and 1, and a table of ties)"
    )


# ---------------------------------------------------------------------------------------
# Exercise 7: a join whose cost grows with the rows, not with their product

from mlskills.opcount import CountedKey, Tally  # noqa: E402  (the learner meets these keys)

#: Key operations (hashes + comparisons) a join may spend per input row.
OPS_PER_ROW = 5


def _rows(pairs, tally):
    return [(CountedKey(k, tally), v) for k, v in pairs]


_JOIN_CASES = [
    (
        "keys repeated on both sides",
        [("a", 1), ("b", 2), ("a", 3), ("c", 4)],
        [("a", "x"), ("a", "y"), ("d", "z"), ("b", "w")],
    ),
    ("the same row twice on the left", [(5, "p"), (5, "p"), (6, "q")], [(5, "r"), (7, "s")]),
    (
        "falsy keys 0 and -1",
        [(0, "zero"), (-1, "minus"), (2, "two")],
        [(0, "Z"), (-1, "M"), (0, "Z2")],
    ),
    ("an empty left side", [], [("a", 1)]),
    ("an empty right side", [("a", 1)], []),
    ("no key in common", [("a", 1), ("b", 2)], [("c", 3), ("d", 4)]),
    (
        "tuple keys",
        [(("Adelie", "Dream"), 1), (("Adelie", "Biscoe"), 2)],
        [(("Adelie", "Dream"), 9)],
    ),
]


def _expected_pairs(left, right) -> list:
    return [(lv, rv) for lk, lv in left for rk, rv in right if lk == rk]


def _as_pairs(got, label: str):
    if not isinstance(got, (list, tuple)) and not hasattr(got, "__iter__"):
        raise Fail(
            f"join_pairs on {label} should return a list of (left value, right value) pairs, got {short(got)}"
        )
    try:
        pairs = [tuple(p) for p in got]
    except TypeError as exc:
        raise Fail(
            f"join_pairs on {label}: each item should be a (left value, right value) pair, got {short(got)}"
        ) from exc
    if any(len(p) != 2 for p in pairs):
        raise Fail(f"join_pairs on {label}: each item should be a pair, got {short(pairs)}")
    return pairs


def _pairs_hint(got: list, want: list, label: str) -> str:
    from collections import Counter

    g, w = Counter(got), Counter(want)
    if g == Counter((b, a) for a, b in want) and g != w:
        return f"join_pairs on {label}: the pairs are (right value, left value); put the left row's value first"
    if set(g) == set(w):
        return (
            f"join_pairs on {label}: the right pairs but the wrong number of each, expected {short(sorted(w.items(), key=str))}, "
            f"got {short(sorted(g.items(), key=str))}: every matching (left row, right row) combination is one pair, "
            "duplicates included"
        )
    missing, extra = w - g, g - w
    if missing and not extra:
        return f"join_pairs on {label}: missing pairs {short(sorted(missing, key=str))} (got {short(got)})"
    return f"join_pairs on {label}: expected {short(want)} in any order, got {short(got)}"


@check(budget_s=10)
def check_join_pairs(fn):
    from collections import Counter

    for label, left, right in _JOIN_CASES:
        tally = Tally()
        got = _as_pairs(call_on(fn, label, _rows(left, tally), _rows(right, tally)), label)
        want = _expected_pairs(left, right)
        if Counter(got) != Counter(want):
            raise Fail(_pairs_hint(got, want, label))
    n_left, n_right = 1000, 2000
    order = np.random.default_rng(0)
    left = [(int(i), f"L{i}") for i in order.permutation(n_left)]
    right = [(int(i) % n_left, f"R{i}") for i in order.permutation(n_right)]  # each key twice
    tally = Tally()
    label = f"{n_left} left rows and {n_right} right rows, every key twice on the right"
    got = _as_pairs(call_on(fn, label, _rows(left, tally), _rows(right, tally)), label)
    if len(got) != n_right:
        raise Fail(f"join_pairs on {label}: expected {n_right} pairs, got {len(got)}")
    rows = n_left + n_right
    if tally.total > OPS_PER_ROW * rows:
        detail = (
            f"{tally.hashes:,} hashes, {tally.equality_tests:,} equality tests, "
            f"{tally.order_comparisons:,} order comparisons"
        )
        if tally.equality_tests >= n_left * n_right // 2:
            why = "that is close to one comparison per (left row, right row) combination: the work grows with n·m"
        elif tally.order_comparisons > rows:
            why = "sorting costs about log2(n) comparisons per row, more than a constant number"
        else:
            why = "the work per row should not grow with the size of the other side"
        raise Fail(
            f"join_pairs on {label} spent {tally.total:,} key operations ({detail}), "
            f"{tally.total / rows:.0f} per row; at most {OPS_PER_ROW} per row is possible: {why}"
        )
    return (
        f"every matching pair, duplicates and empty sides included, at most {OPS_PER_ROW} key operations per row "
        f"({tally.total:,} for {rows:,} rows)"
    )
