"""Plausible wrong answers for the checks of Chapter 2.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each check needs at least two wrong answers: mistakes a learner
would really make, not random noise.
"""

import unicodedata

import pandas as pd
from sklearn.feature_selection import SelectKBest, f_classif
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline

# --- Exercise 1: SQL -------------------------------------------------------------------

_SELECT = """
    SELECT i.name AS island, s.common_name AS species,
           {count} AS n_birds, ROUND(AVG(m.body_mass_g), 1) AS mean_body_mass_g
    FROM measurements AS m
    JOIN species AS s ON s.species_id = m.species_id
    JOIN islands AS i ON i.island_id = m.island_id
    GROUP BY {group}
    ORDER BY {order}
"""


def sql_counts_all_rows(conn):
    """COUNT(*) also counts birds that were never weighed."""
    query = _SELECT.format(
        count="COUNT(*)", group="i.name, s.common_name", order="i.name, s.common_name"
    )
    return pd.read_sql(query, conn)


def sql_groups_by_species_only(conn):
    """Forgets the island in GROUP BY (SQLite then picks an arbitrary island per group)."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="s.common_name", order="i.name, s.common_name"
    )
    return pd.read_sql(query, conn)


def sql_orders_by_ids(conn):
    """Sorts by the surrogate keys instead of the names."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)",
        group="i.island_id, s.species_id",
        order="i.island_id, s.species_id",
    )
    return pd.read_sql(query, conn)


def sql_returns_rows_not_dataframe(conn):
    """Returns the raw cursor rows instead of a DataFrame."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="i.name, s.common_name"
    )
    return conn.execute(query).fetchall()


def sql_left_join_from_species(conn):
    """Starts from species with a LEFT JOIN, so a species without birds becomes a group."""
    query = """
        SELECT i.name AS island, s.common_name AS species,
               COUNT(m.body_mass_g) AS n_birds, ROUND(AVG(m.body_mass_g), 1) AS mean_body_mass_g
        FROM species AS s
        LEFT JOIN measurements AS m ON m.species_id = s.species_id
        LEFT JOIN islands AS i ON i.island_id = m.island_id
        GROUP BY i.name, s.common_name
        ORDER BY i.name, s.common_name
    """
    return pd.read_sql(query, conn)


# --- Exercise 2: species names --------------------------------------------------------


def species_first_word_title(values):
    """Takes the first word and title-cases it: no accents, no scientific names, object dtype."""
    return values.str.strip().str.split().str[0].str.title()


def species_ignores_accents(values):
    """Right structure, but 'Adélie' is not folded to 'Adelie'."""
    common = {"adelie": "Adelie", "chinstrap": "Chinstrap", "gentoo": "Gentoo"}
    scientific = {"adeliae": "Adelie", "antarctica": "Chinstrap", "papua": "Gentoo"}

    def one(text):
        if not isinstance(text, str) or not text.strip():
            return None
        words = text.casefold().replace("(", " ").split()
        if words[0] == "pygoscelis":
            return scientific.get(words[1])
        return common.get(words[0])

    return pd.Series(
        pd.Categorical([one(t) for t in values], categories=["Adelie", "Chinstrap", "Gentoo"]),
        index=values.index,
    )


def species_right_values_wrong_dtype(values):
    """Correct values, but a plain string Series instead of a categorical."""
    common = {"adelie": "Adelie", "chinstrap": "Chinstrap", "gentoo": "Gentoo"}
    scientific = {"adeliae": "Adelie", "antarctica": "Chinstrap", "papua": "Gentoo"}

    def one(text):
        if not isinstance(text, str):
            return None
        words = (
            unicodedata.normalize("NFKD", text)
            .encode("ascii", "ignore")
            .decode()
            .casefold()
            .split()
        )
        if not words:
            return None
        if words[0] == "pygoscelis":
            return scientific.get(words[1])
        return common.get(words[0])

    return pd.Series([one(t) for t in values], index=values.index, dtype=object)


def species_resets_index(values):
    """Builds a new Series without passing the index along."""
    common = {"adelie": "Adelie", "chinstrap": "Chinstrap", "gentoo": "Gentoo"}
    words = [
        unicodedata.normalize("NFKD", t).encode("ascii", "ignore").decode().casefold().split()
        if isinstance(t, str)
        else []
        for t in values
    ]
    return pd.Series(
        pd.Categorical(
            [common.get(w[0]) if w else None for w in words],
            categories=["Adelie", "Chinstrap", "Gentoo"],
        )
    )


# --- Exercise 3: honest CV --------------------------------------------------------------


def cv_selects_on_all_rows(X, y, k, seed):
    """The wrong way: SelectKBest sees every row before cross-validation."""
    X_selected = SelectKBest(f_classif, k=k).fit_transform(X, y)
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return float(cross_val_score(LogisticRegression(max_iter=1000), X_selected, y, cv=cv).mean())


def cv_scores_on_training_data(X, y, k, seed):
    """Fits the right pipeline, but scores it on the rows it was trained on."""
    model = make_pipeline(SelectKBest(f_classif, k=k), LogisticRegression(max_iter=1000)).fit(X, y)
    return float(model.score(X, y))


def cv_skips_the_selection(X, y, k, seed):
    """Cross-validates the model on all features, ignoring k."""
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return float(cross_val_score(LogisticRegression(max_iter=1000), X, y, cv=cv).mean())


def cv_unshuffled_folds(X, y, k, seed):
    """Right pipeline, but plain KFold without shuffling (ignores the seed)."""
    model = make_pipeline(SelectKBest(f_classif, k=k), LogisticRegression(max_iter=1000))
    return float(cross_val_score(model, X, y, cv=KFold(5)).mean())


# --- Exercise 4: manifest diff -----------------------------------------------------------


def _parse_whitespace(text):
    return {line.split()[1]: line.split()[0] for line in text.splitlines() if line.strip()}


def _parse_first_two_spaces(text):
    return {
        line.split("  ", 1)[1]: line.split("  ", 1)[0] for line in text.splitlines() if line.strip()
    }


def manifests_split_on_whitespace(old, new):
    """line.split() cuts names with spaces."""
    before, after = _parse_whitespace(old), _parse_whitespace(new)
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    }


def manifests_return_sets(old, new):
    """Right logic, but sets instead of sorted lists."""
    before, after = _parse_first_two_spaces(old), _parse_first_two_spaces(new)
    return {
        "added": after.keys() - before.keys(),
        "removed": before.keys() - after.keys(),
        "changed": {n for n in before.keys() & after.keys() if before[n] != after[n]},
    }


def manifests_swap_added_and_removed(old, new):
    """Confuses the direction of the diff."""
    before, after = _parse_first_two_spaces(old), _parse_first_two_spaces(new)
    return {
        "added": sorted(before.keys() - after.keys()),
        "removed": sorted(after.keys() - before.keys()),
        "changed": sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    }


def manifests_crash_on_blank_lines(old, new):
    """Does not skip blank lines."""
    before = dict(reversed(line.split("  ", 1)) for line in old.splitlines())
    after = dict(reversed(line.split("  ", 1)) for line in new.splitlines())
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    }


# --- Exercise 5: batch validation ---------------------------------------------------------

from mlskills.checks.ch02 import REQUIRED_COLUMNS as _REQUIRED  # noqa: E402  (the learner is told these)


def _problems(batch, nan_is_bad=False, check_duplicates=True, first_only=False):
    problems = []
    for column in _REQUIRED:
        if column not in batch.columns:
            problems.append(f"missing column: {column}")
    rules = [
        ("species", ["Adelie", "Chinstrap", "Gentoo"], False),
        ("island", ["Biscoe", "Dream", "Torgersen"], False),
        ("sex", ["female", "male"], True),
    ]
    for column, values, missing_ok in rules:
        if column in batch.columns:
            col = batch[column]
            bad = ~col.isin(values) & ~(col.isna() & missing_ok)
            if bad.any():
                problems.append(f"{column}: {int(bad.sum())} values not allowed")
    for column, low, high in [("body_mass_g", 2000, 7000), ("flipper_length_mm", 150, 250)]:
        if column in batch.columns:
            col = batch[column]
            if not pd.api.types.is_numeric_dtype(col):
                problems.append(f"{column}: not numeric")
                continue
            bad = ~col.between(low, high) if nan_is_bad else col.notna() & ~col.between(low, high)
            if bad.any():
                problems.append(f"{column}: {int(bad.sum())} values out of range")
    if check_duplicates and batch.duplicated(["study_id", "sample_number", "species"]).any():
        problems.append("duplicate key rows")
    return problems[:1] if first_only else problems


def validate_stops_at_first_problem(batch):
    """Returns as soon as one rule fails."""
    return _problems(batch, first_only=True)


def validate_treats_missing_as_out_of_range(batch):
    """`~between(low, high)` is True for NaN, so allowed missing values are flagged."""
    return _problems(batch, nan_is_bad=True)


def validate_ignores_duplicates(batch):
    """Checks every column but never the key."""
    return _problems(batch, check_duplicates=False)


def validate_crashes_on_missing_column(batch):
    """Indexes every required column without checking it exists."""
    columns = {c: batch[c] for c in _REQUIRED}
    return _problems(batch) if all(len(c) for c in columns.values()) else []


def validate_one_problem_per_bad_value(batch):
    """Reports each bad value separately instead of one problem per rule."""
    problems = []
    for problem in _problems(batch):
        count = [int(word) for word in problem.split() if word.isdigit()]
        problems.extend([problem] * (count[0] if count else 1))
    return problems


WRONG = {
    "check_species_mass_by_island": [
        sql_counts_all_rows,
        sql_groups_by_species_only,
        sql_orders_by_ids,
        sql_returns_rows_not_dataframe,
        sql_left_join_from_species,
    ],
    "check_clean_species": [
        species_first_word_title,
        species_ignores_accents,
        species_right_values_wrong_dtype,
        species_resets_index,
    ],
    "check_honest_cv_accuracy": [
        cv_selects_on_all_rows,
        cv_scores_on_training_data,
        cv_skips_the_selection,
        cv_unshuffled_folds,
    ],
    "check_diff_manifests": [
        manifests_split_on_whitespace,
        manifests_return_sets,
        manifests_swap_added_and_removed,
        manifests_crash_on_blank_lines,
    ],
    "check_validate_batch": [
        validate_stops_at_first_problem,
        validate_treats_missing_as_out_of_range,
        validate_ignores_duplicates,
        validate_crashes_on_missing_column,
        validate_one_problem_per_bad_value,
    ],
}
