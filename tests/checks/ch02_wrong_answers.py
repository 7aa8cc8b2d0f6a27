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

from tests.checks import never_returns

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
        if words[0] == "pygoscelis" and len(words) > 1:
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
        if words[0] == "pygoscelis" and len(words) > 1:
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


# --- Exercise 1, more wrong answers --------------------------------------------------------

_JOINED = """
    SELECT i.name AS island, s.common_name AS species, m.body_mass_g
    FROM measurements AS m
    JOIN species AS s ON s.species_id = m.species_id
    JOIN islands AS i ON i.island_id = m.island_id
"""


def sql_then_pandas_groupby(conn):
    """One query for the rows, then the grouping in pandas: not the SQL the exercise asks for."""
    rows = pd.read_sql(_JOINED, conn)
    out = rows.groupby(["island", "species"])["body_mass_g"].agg(["count", "mean"]).reset_index()
    out.columns = ["island", "species", "n_birds", "mean_body_mass_g"]
    return out.assign(mean_body_mass_g=out["mean_body_mass_g"].round(1))


def pandas_merges_three_tables(conn):
    """Reads the three tables and joins and groups them in pandas."""
    m = pd.read_sql("SELECT * FROM measurements", conn)
    s = pd.read_sql("SELECT species_id, common_name AS species FROM species", conn)
    i = pd.read_sql("SELECT island_id, name AS island FROM islands", conn)
    rows = m.merge(s, on="species_id").merge(i, on="island_id")
    out = rows.groupby(["island", "species"])["body_mass_g"].agg(["count", "mean"]).reset_index()
    out.columns = ["island", "species", "n_birds", "mean_body_mass_g"]
    return out.assign(mean_body_mass_g=out["mean_body_mass_g"].round(1))


def sql_without_round(conn):
    """Forgets to round the mean to one decimal."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="i.name, s.common_name"
    ).replace("ROUND(AVG(m.body_mass_g), 1)", "AVG(m.body_mass_g)")
    return pd.read_sql(query, conn)


def sql_rounds_to_whole_grams(conn):
    """ROUND(AVG(...)) without the number of decimals rounds to whole grams."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="i.name, s.common_name"
    ).replace("ROUND(AVG(m.body_mass_g), 1)", "ROUND(AVG(m.body_mass_g))")
    return pd.read_sql(query, conn)


def sql_without_order_by(conn):
    """No ORDER BY: the rows come out sorted only because of how SQLite happens to group."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="NULL"
    ).replace("ORDER BY NULL", "")
    return pd.read_sql(query, conn)


def sql_orders_by_species_first(conn):
    """Sorts by species, then island."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="s.common_name, i.name"
    )
    return pd.read_sql(query, conn)


def sql_scientific_names(conn):
    """Reports the scientific name where the common name is asked."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)",
        group="i.name, s.scientific_name",
        order="i.name, s.scientific_name",
    ).replace("s.common_name AS species", "s.scientific_name AS species")
    return pd.read_sql(query, conn)


def sql_mean_counts_missing_as_zero(conn):
    """SUM / COUNT(*): birds without a mass pull the mean down as if they weighed 0 g."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="i.name, s.common_name"
    ).replace("ROUND(AVG(m.body_mass_g), 1)", "ROUND(SUM(m.body_mass_g) / COUNT(*), 1)")
    return pd.read_sql(query, conn)


@never_returns
def sql_fetch_loop_never_advances(conn):
    """Reads the cursor with fetchone() once, then loops on the same row forever."""
    query = _SELECT.format(
        count="COUNT(m.body_mass_g)", group="i.name, s.common_name", order="i.name, s.common_name"
    )
    cursor = conn.execute(query)
    n_rows, row = 0, cursor.fetchone()
    while row is not None:
        n_rows += 1
    return pd.DataFrame(cursor.fetchall())


# --- Exercise 2, more wrong answers -----------------------------------------------------------


def _clean(values, *, fold=True, scientific=None, unknown=None, split=None, missing=None):
    scientific = scientific or {"adeliae": "Adelie", "antarctica": "Chinstrap", "papua": "Gentoo"}
    common = {"adelie": "Adelie", "chinstrap": "Chinstrap", "gentoo": "Gentoo"}

    def one(text):
        if (missing or (lambda t: not isinstance(t, str)))(text):
            return None
        if fold:
            text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        words = [w for w in text.casefold().replace("(", " ").replace(")", " ").split(split) if w]
        if not words:
            return None
        if words[0] == "pygoscelis" and len(words) > 1:
            return scientific.get(words[1], unknown(words[1]) if unknown else None)
        return common.get(words[0], unknown(words[0]) if unknown else None)

    return pd.Series(
        pd.Categorical([one(t) for t in values], categories=["Adelie", "Chinstrap", "Gentoo"]),
        index=values.index,
    )


def species_guesses_by_first_letter(values):
    """Anything unknown is guessed from its first letter (a for Adelie, g for Gentoo, ...)."""
    return _clean(
        values, unknown=lambda w: {"a": "Adelie", "c": "Chinstrap", "g": "Gentoo"}.get(w[:1])
    )


def species_fuzzy_matches_typos(values):
    """difflib "corrects" unknown words to the closest species: a guess."""
    import difflib

    def closest(word):
        match = difflib.get_close_matches(word, ["adelie", "chinstrap", "gentoo"], n=1, cutoff=0.6)
        return match[0].title() if match else None

    return _clean(values, unknown=closest)


def species_unknown_becomes_most_common(values):
    """Fills every unknown or missing name with the most common species."""
    return _clean(values).fillna("Adelie")


def species_forgets_adeliae(values):
    """Maps two of the three scientific names."""
    return _clean(values, scientific={"antarctica": "Chinstrap", "papua": "Gentoo"})


def species_replaces_accented_e_only(values):
    """Replaces 'é' and 'É' by hand: misses the decomposed form (e + combining accent)."""
    fixed = values.map(lambda t: t.replace("é", "e").replace("É", "E") if isinstance(t, str) else t)
    return _clean(fixed, fold=False)


def species_splits_on_space_only(values):
    """Splits on ' ' only, so a tab or newline stays glued to the name."""
    return _clean(values, split=" ")


def species_none_but_not_nan(values):
    """Treats None as missing but not NaN, which then breaks the string handling."""
    return _clean(values, missing=lambda t: t is None)


def species_cleans_in_place(values):
    """Writes the cleaned names back into the input Series."""
    cleaned = _clean(values)
    values[:] = cleaned.astype(object)
    return cleaned


@never_returns
def species_collapse_spaces_forever(values):
    """Collapses double spaces with str.replace but never assigns the result: loops forever."""
    texts = []
    for text in values:
        if isinstance(text, str):
            while "  " in text:
                text.replace("  ", " ")
        texts.append(text)
    return _clean(pd.Series(texts, index=values.index))


# --- Exercise 3, more wrong answers --------------------------------------------------------------


def _cv(X, y, k, cv, model_k=None):
    model = make_pipeline(SelectKBest(f_classif, k=model_k or k), LogisticRegression(max_iter=1000))
    return float(cross_val_score(model, X, y, cv=cv).mean())


def cv_default_k(X, y, k, seed):
    """SelectKBest(f_classif) without k=k keeps the default 10 features."""
    model = make_pipeline(SelectKBest(f_classif), LogisticRegression(max_iter=1000))
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return float(cross_val_score(model, X, y, cv=cv).mean())


def cv_fixed_seed(X, y, k, seed):
    """Hard-codes random_state=42 instead of using the seed argument."""
    return _cv(X, y, k, StratifiedKFold(n_splits=5, shuffle=True, random_state=42))


def cv_plain_kfold_shuffled(X, y, k, seed):
    """Shuffled KFold: the folds are not stratified."""
    return _cv(X, y, k, KFold(n_splits=5, shuffle=True, random_state=seed))


def cv_ten_folds(X, y, k, seed):
    """Ten folds instead of five."""
    return _cv(X, y, k, StratifiedKFold(n_splits=10, shuffle=True, random_state=seed))


def cv_returns_fold_scores(X, y, k, seed):
    """Returns the five fold scores instead of their mean."""
    model = make_pipeline(SelectKBest(f_classif, k=k), LogisticRegression(max_iter=1000))
    cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=seed)
    return cross_val_score(model, X, y, cv=cv)


@never_returns
def cv_retries_until_above_chance(X, y, k, seed):
    """Re-runs the same deterministic CV until it beats chance: never returns on noise."""
    score = 0.0
    while score <= 0.5:
        score = _cv(X, y, k, StratifiedKFold(n_splits=5, shuffle=True, random_state=seed))
    return score


# --- Exercise 4, more wrong answers ----------------------------------------------------------------


def manifests_unsorted_lists(old, new):
    """Turns the sets into lists without sorting them."""
    before, after = _parse_first_two_spaces(old), _parse_first_two_spaces(new)
    return {
        "added": list(after.keys() - before.keys()),
        "removed": list(before.keys() - after.keys()),
        "changed": list({n for n in before.keys() & after.keys() if before[n] != after[n]}),
    }


def manifests_in_file_order(old, new):
    """Lists names in the order of the manifests instead of sorting them."""
    before, after = _parse_first_two_spaces(old), _parse_first_two_spaces(new)
    return {
        "added": [n for n in after if n not in before],
        "removed": [n for n in before if n not in after],
        "changed": [n for n in before if n in after and before[n] != after[n]],
    }


def manifests_changed_lists_every_common_file(old, new):
    """Lists every file in both manifests as changed, without comparing the hashes."""
    before, after = _parse_first_two_spaces(old), _parse_first_two_spaces(new)
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(before.keys() & after.keys()),
    }


def manifests_detect_renames(old, new):
    """Treats a file with the same hash under a new name as unchanged."""
    before, after = _parse_first_two_spaces(old), _parse_first_two_spaces(new)
    old_hashes, new_hashes = set(before.values()), set(after.values())
    return {
        "added": sorted(n for n in after.keys() - before.keys() if after[n] not in old_hashes),
        "removed": sorted(n for n in before.keys() - after.keys() if before[n] not in new_hashes),
        "changed": sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    }


def manifests_split_lines_on_newline(old, new):
    """Splits on '\\n' and keeps the empty string after the last line as a file."""

    def parse(text):
        return {line[66:]: line[:64] for line in text.split("\n")}

    before, after = parse(old), parse(new)
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    }


@never_returns
def manifests_index_never_advances(old, new):
    """Walks the lines with a while loop and forgets to move on after a blank line."""

    def parse(text):
        lines, entries, i = text.splitlines(), {}, 0
        while i < len(lines):
            if not lines[i].strip():
                continue
            digest, name = lines[i].split("  ", 1)
            entries[name] = digest
            i += 1
        return entries

    before, after = parse(old), parse(new)
    return {
        "added": sorted(after.keys() - before.keys()),
        "removed": sorted(before.keys() - after.keys()),
        "changed": sorted(n for n in before.keys() & after.keys() if before[n] != after[n]),
    }


# --- Exercise 5: batch validation ---------------------------------------------------------

from mlskills.checks.ch02 import REQUIRED_COLUMNS as _REQUIRED  # noqa: E402  (the learner is told these)

_KEY = ["study_id", "sample_number", "species"]


def _problems(
    batch,
    nan_is_bad=False,
    check_duplicates=True,
    first_only=False,
    key=_KEY,
    island_missing_ok=False,
    inclusive="both",
    lower_bound_only=False,
    numeric_columns=("body_mass_g", "flipper_length_mm"),
    terse=False,
    missing_together=False,
):
    problems = []
    absent = [column for column in _REQUIRED if column not in batch.columns]
    if missing_together and absent:
        problems.append(f"missing columns: {', '.join(absent)}")
    else:
        problems.extend(f"missing column: {column}" for column in absent)
    rules = [
        ("species", ["Adelie", "Chinstrap", "Gentoo"], False),
        ("island", ["Biscoe", "Dream", "Torgersen"], island_missing_ok),
        ("sex", ["female", "male"], True),
    ]
    for column, values, missing_ok in rules:
        if column in batch.columns:
            col = batch[column]
            bad = ~col.isin(values) & ~(col.isna() & missing_ok)
            if bad.any():
                detail = "" if terse else f"{int(bad.sum())} values, e.g. {col[bad].iloc[0]!r}"
                problems.append(f"{column}: values not allowed {detail}")
    for column, low, high in [("body_mass_g", 2000, 7000), ("flipper_length_mm", 150, 250)]:
        if column in batch.columns:
            col = batch[column]
            if column in numeric_columns and not pd.api.types.is_numeric_dtype(col):
                problems.append(f"{column}: not numeric")
                continue
            if lower_bound_only:
                outside = col < low
            else:
                outside = ~col.between(low, high, inclusive=inclusive)
            bad = outside if nan_is_bad else col.notna() & outside
            if bad.any():
                detail = "" if terse else f"{int(bad.sum())} values, e.g. {col[bad].iloc[0]}"
                problems.append(f"{column}: out of range {detail}")
    if check_duplicates and all(c in batch.columns for c in key or batch.columns):
        repeated = batch.duplicated(key, keep=False)
        if repeated.any():
            problems.append(f"duplicate key: {int(repeated.sum())} rows share a key")
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


def validate_duplicates_on_whole_rows(batch):
    """batch.duplicated() without the key: two rows with the same key but other values pass."""
    return _problems(batch, key=None)


def validate_duplicates_without_study(batch):
    """Leaves study_id out of the key: the same bird number in two studies is flagged."""
    return _problems(batch, key=["sample_number", "species"])


def validate_missing_island_allowed(batch):
    """Copies the sex rule for island, so a missing island passes."""
    return _problems(batch, island_missing_ok=True)


def validate_range_excludes_the_bounds(batch):
    """Strict inequalities: a body mass of exactly 2000 g or 7000 g is flagged."""
    return _problems(batch, inclusive="neither")


def validate_only_lower_bounds(batch):
    """Catches values that are too small, never those that are too large."""
    return _problems(batch, lower_bound_only=True)


def validate_numeric_check_on_body_mass_only(batch):
    """Checks the dtype of body_mass_g but not of flipper_length_mm."""
    return _problems(batch, numeric_columns=("body_mass_g",))


def validate_without_count_or_example(batch):
    """Names the broken rule but not how many values break it nor an example."""
    return _problems(batch, terse=True)


def validate_reports_missing_columns_together(batch):
    """One problem for all missing columns instead of one per column."""
    return _problems(batch, missing_together=True)


def validate_float_dtype_only(batch):
    """Requires dtype float64, so a valid batch with whole-gram integers is rejected."""
    problems = _problems(batch)
    for column in ("body_mass_g", "flipper_length_mm"):
        if column in batch.columns and batch[column].dtype != "float64":
            problems.append(f"{column}: not numeric")
    return problems


@never_returns
def validate_retries_forever(batch):
    """Waits for the batch to 'become' valid, re-validating the same batch forever."""
    problems = _problems(batch)
    while problems:
        problems = _problems(batch)
    return problems


# --- Exercise 6: a window function -----------------------------------------------------------

_WINDOW = """
    SELECT island, bird_id, species, body_mass_g, rank
    FROM (
        SELECT island, bird_id, species, body_mass_g,
               {function}() OVER ({partition}ORDER BY body_mass_g {direction}) AS rank
        FROM penguins
        {where}
    )
    WHERE rank {keep} ?
    ORDER BY {order}
"""


def _window(
    con,
    n,
    function="RANK",
    partition="PARTITION BY island ",
    direction="DESC",
    where="WHERE body_mass_g IS NOT NULL",
    keep="<=",
    order="island, rank, bird_id",
):
    query = _WINDOW.format(
        function=function,
        partition=partition,
        direction=direction,
        where=where,
        keep=keep,
        order=order,
    )
    return con.execute(query, [n]).df()


def window_global_rank(con, n):
    """Ranks every bird against all islands: no PARTITION BY."""
    return _window(con, n, partition="")


def window_partition_by_species(con, n):
    """Partitions by species instead of island."""
    return _window(con, n, partition="PARTITION BY species ")


def window_ascending(con, n):
    """ORDER BY body_mass_g without DESC: the lightest birds."""
    return _window(con, n, direction="ASC")


def window_row_number(con, n):
    """ROW_NUMBER breaks ties arbitrarily and drops a bird tied at the cut-off."""
    return _window(con, n, function="ROW_NUMBER")


def window_dense_rank(con, n):
    """DENSE_RANK does not skip after ties (1, 2, 2, 3), so it keeps too many birds."""
    return _window(con, n, function="DENSE_RANK")


def window_rank_below_n(con, n):
    """rank < n: one place too few."""
    return _window(con, n, keep="<")


def window_hard_coded_three(con, n):
    """Ignores n and keeps the top 3."""
    return _window(con, 3)


def window_ranks_unweighed_birds(con, n):
    """No filter on missing masses: DuckDB sorts NULL last, so a small island ranks its unweighed bird."""
    return _window(con, n, where="")


def window_nulls_first(con, n):
    """DESC NULLS FIRST (PostgreSQL's default for DESC): an unweighed bird becomes the heaviest."""
    return _window(con, n, direction="DESC NULLS FIRST", where="")


def window_tie_order_reversed(con, n):
    """Sorts tied birds by bird_id descending."""
    return _window(con, n, order="island, rank, bird_id DESC")


def window_sorted_by_bird(con, n):
    """Sorts by island and bird_id, not by rank."""
    return _window(con, n, order="island, bird_id")


def window_extra_column(con, n):
    """Returns every column of the table plus the rank (SELECT *)."""
    query = """
        SELECT * FROM (
            SELECT *, RANK() OVER (PARTITION BY island ORDER BY body_mass_g DESC) AS rank
            FROM penguins WHERE body_mass_g IS NOT NULL
        ) WHERE rank <= ? ORDER BY island, rank, bird_id
    """
    return con.execute(query, [n]).df()


def window_returns_relation(con, n):
    """Returns DuckDB's relation object instead of a DataFrame."""
    return con.sql(
        _WINDOW.format(
            function="RANK",
            partition="PARTITION BY island ",
            direction="DESC",
            where="WHERE body_mass_g IS NOT NULL",
            keep="<=",
            order="island, rank, bird_id",
        ).replace("?", str(int(n)))
    )


def _pandas_window(con, n, method="min", head=False):
    table = con.sql("SELECT * FROM penguins").df().dropna(subset=["body_mass_g"])
    if head:
        table = table.sort_values(
            ["island", "body_mass_g", "bird_id"], ascending=[True, False, True]
        )
        table = table.groupby("island").head(n)
        table = table.assign(rank=table.groupby("island").cumcount() + 1)
    else:
        table = table.assign(
            rank=table.groupby("island")["body_mass_g"].rank(method=method, ascending=False)
        )
        table = table[table["rank"] <= n]
    out = table.sort_values(["island", "rank", "bird_id"])
    return out[["island", "bird_id", "species", "body_mass_g", "rank"]].reset_index(drop=True)


def window_pandas_average_rank(con, n):
    """pandas rank() with its default method='average': tied birds get 2.5."""
    return _pandas_window(con, n, method="average")


def window_pandas_head_per_group(con, n):
    """sort_values + groupby().head(n): the top n rows, ties at the cut-off dropped."""
    return _pandas_window(con, n, head=True)


@never_returns
def window_tie_groups_without_advancing(con, n):
    """Walks each island's sorted masses in groups of ties, but forgets to jump past a group."""
    table = con.sql("SELECT * FROM penguins").df().dropna(subset=["body_mass_g"])
    parts = []
    for _, birds in table.groupby("island"):
        birds = birds.sort_values(["body_mass_g", "bird_id"], ascending=[False, True])
        masses = birds["body_mass_g"].tolist()
        ranks, i = [], 0
        while i < len(masses) and i < n:
            j = i
            while j < len(masses) and masses[j] == masses[i]:
                j += 1
            ranks.extend([i + 1] * (j - i))
        parts.append(birds.iloc[: len(ranks)].assign(rank=ranks))
    out = pd.concat(parts)
    return out[["island", "bird_id", "species", "body_mass_g", "rank"]].reset_index(drop=True)


def window_with_qualify_lowercase(con, n):
    """DuckDB's QUALIFY clause, lower-case SQL, the parameter named."""
    query = """
        select island, bird_id, species, body_mass_g,
               rank() over (partition by island order by body_mass_g desc) as rank
        from penguins
        where body_mass_g is not null
        qualify rank <= $n
        order by 1, 5, 2
    """
    return con.execute(query, {"n": n}).df()


def window_count_heavier_birds(con, n):
    """No window function: a bird's rank is 1 + the number of heavier birds on its island."""
    query = """
        WITH ranked AS (
            SELECT p.island, p.bird_id, p.species, p.body_mass_g,
                   1 + (SELECT COUNT(*) FROM penguins AS q
                        WHERE q.island = p.island AND q.body_mass_g > p.body_mass_g) AS rank
            FROM penguins AS p
            WHERE p.body_mass_g IS NOT NULL
        )
        SELECT * FROM ranked WHERE rank <= ? ORDER BY island, rank, bird_id
    """
    return con.execute(query, [n]).df()


def window_pandas_min_rank_as_int(con, n):
    """pandas: groupby().rank(method='min'), cast to int."""
    out = _pandas_window(con, n, method="min")
    return out.astype({"rank": "int64"})


# --- Exercise 7: a join whose cost grows with the rows ---------------------------------------


def join_nested_loop(left, right):
    """Compares every left row with every right row: n·m comparisons."""
    return [(lv, rv) for lk, lv in left for rk, rv in right if lk == rk]


def join_linear_search_in_key_list(left, right):
    """`if key in keys` on a list: a hidden nested loop."""
    keys = [k for k, _ in right]
    pairs = []
    for key, lv in left:
        if key in keys:
            pairs.extend((lv, rv) for rk, rv in right if rk == key)
    return pairs


def join_sort_merge(left, right):
    """Sorts both sides and merges: correct pairs, but n log n comparisons."""
    a, b = sorted(left, key=lambda r: r[0]), sorted(right, key=lambda r: r[0])
    pairs, j = [], 0
    for key, lv in a:
        while j < len(b) and b[j][0] < key:
            j += 1
        k = j
        while k < len(b) and b[k][0] == key:
            pairs.append((lv, b[k][1]))
            k += 1
    return pairs


def join_index_rebuilt_per_row(left, right):
    """Builds the dict inside the loop over left: an index per row."""
    pairs = []
    for key, lv in left:
        index = {}
        for rk, rv in right:
            index.setdefault(rk, []).append(rv)
        pairs.extend((lv, rv) for rv in index.get(key, []))
    return pairs


def join_index_overwrites_duplicates(left, right):
    """index[key] = value: the last right row with a key wins, the others are lost."""
    index = {key: value for key, value in right}
    return [(lv, index[key]) for key, lv in left if key in index]


def join_dedupes_pairs(left, right):
    """Collects the pairs in a set: two identical left rows give one pair."""
    index = {}
    for key, value in right:
        index.setdefault(key, []).append(value)
    return list({(lv, rv) for key, lv in left for rv in index.get(key, [])})


def join_swapped_pairs(left, right):
    """Returns (right value, left value)."""
    index = {}
    for key, value in right:
        index.setdefault(key, []).append(value)
    return [(rv, lv) for key, lv in left for rv in index.get(key, [])]


def join_skips_falsy_keys(left, right):
    """`if key and ...`: the key 0 never matches."""
    index = {}
    for key, value in right:
        index.setdefault(key, []).append(value)
    return [(lv, rv) for key, lv in left if key and key in index for rv in index[key]]


def join_returns_keys(left, right):
    """Returns (key, right value) instead of (left value, right value)."""
    index = {}
    for key, value in right:
        index.setdefault(key, []).append(value)
    return [(key, rv) for key, lv in left for rv in index.get(key, [])]


def join_assumes_both_sides_filled(left, right):
    """Looks at the first row of each side to pick the smaller one: crashes on an empty side."""
    small, big = (left, right) if len(left) <= len(right) else (right, left)
    _ = small[0][0], big[0][0]
    index = {}
    for key, value in right:
        index.setdefault(key, []).append(value)
    return [(lv, rv) for key, lv in left for rv in index.get(key, [])]


@never_returns
def join_while_loop_stuck_on_a_miss(left, right):
    """A while loop over left that forgets to move on when a key has no match."""
    index = {}
    for key, value in right:
        index.setdefault(key, []).append(value)
    pairs, i = [], 0
    while i < len(left):
        key, lv = left[i]
        if key not in index:
            continue
        pairs.extend((lv, rv) for rv in index[key])
        i += 1
    return pairs


def join_index_the_left_side(left, right):
    """defaultdict on the left side, probing with the right rows."""
    from collections import defaultdict

    by_key = defaultdict(list)
    for key, value in left:
        by_key[key].append(value)
    out = []
    for key, rv in right:
        out.extend((lv, rv) for lv in by_key.get(key, ()))
    return out


def join_index_the_smaller_side(left, right):
    """Indexes whichever side is smaller, and keeps (left, right) order in each pair."""
    small_is_left = len(left) <= len(right)
    small, big = (left, right) if small_is_left else (right, left)
    index: dict = {}
    for key, value in small:
        if key in index:
            index[key].append(value)
        else:
            index[key] = [value]
    pairs = []
    for key, value in big:
        for other in index.get(key, []):
            pairs.append((other, value) if small_is_left else (value, other))
    return pairs


# --- Correct answers written differently from the solutions ------------------------------------


def sql_cte_lowercase_grouped_by_ids(conn):
    """Lower-case SQL with a CTE, grouped by the ids and sorted by the names."""
    query = """
        with weighed as (
            select island_id, species_id, count(body_mass_g) as n, avg(body_mass_g) as mean_mass
            from measurements group by island_id, species_id
        )
        select i.name as island, s.common_name as species, w.n as n_birds,
               round(w.mean_mass, 1) as mean_body_mass_g
        from weighed w join islands i using (island_id) join species s using (species_id)
        order by island, species
    """
    return pd.read_sql_query(query, conn)


def sql_where_not_null_with_cursor(conn):
    """Filters the unweighed birds with WHERE, runs the query on a cursor, rounds in pandas."""
    query = """
        SELECT i.name, s.common_name, COUNT(*), AVG(m.body_mass_g)
        FROM measurements m, species s, islands i
        WHERE m.species_id = s.species_id AND m.island_id = i.island_id
          AND m.body_mass_g IS NOT NULL
        GROUP BY 1, 2 ORDER BY 1, 2
    """
    rows = conn.execute(query).fetchall()
    frame = pd.DataFrame(rows, columns=["island", "species", "n_birds", "mean_body_mass_g"])
    return frame.assign(mean_body_mass_g=frame["mean_body_mass_g"].round(1))


def species_vectorised_with_regex(values):
    """The .str accessor and one regular expression instead of a Python loop."""
    folded = (
        values.astype("string")
        .str.normalize("NFKD")
        .str.encode("ascii", errors="ignore")
        .str.decode("ascii")
        .str.lower()
        .str.replace(r"[()]", " ", regex=True)
        .str.strip()
    )
    first = folded.str.extract(r"^(?:pygoscelis\s+(?P<sci>\S+)|(?P<common>\S+))", expand=True)
    names = first["sci"].map({"adeliae": "Adelie", "antarctica": "Chinstrap", "papua": "Gentoo"})
    names = names.where(
        first["sci"].notna(),
        first["common"].map({"adelie": "Adelie", "chinstrap": "Chinstrap", "gentoo": "Gentoo"}),
    )
    return names.astype(pd.CategoricalDtype(["Adelie", "Chinstrap", "Gentoo"])).rename(values.name)


def species_lookup_table_of_spellings(values):
    """Looks every word up in a flat table of accepted spellings, first hit wins."""
    table = {"adelie": "Adelie", "chinstrap": "Chinstrap", "gentoo": "Gentoo"}
    scientific = {
        ("pygoscelis", "adeliae"): "Adelie",
        ("pygoscelis", "antarctica"): "Chinstrap",
        ("pygoscelis", "papua"): "Gentoo",
    }
    out = {}
    for label, text in values.items():
        species = None
        if isinstance(text, str):
            plain = "".join(
                c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)
            )
            words = plain.lower().replace("(", " ").replace(")", " ").split()
            if len(words) >= 2 and tuple(words[:2]) in scientific:
                species = scientific[tuple(words[:2])]
            elif words:
                species = table.get(words[0])
        out[label] = species
    return pd.Series(out, dtype="object").astype(
        pd.CategoricalDtype(["Adelie", "Chinstrap", "Gentoo"], ordered=True)
    )


def cv_manual_fold_loop(X, y, k, seed):
    """An explicit loop over the folds, fitting selection and model on each training part."""
    from sklearn.metrics import accuracy_score

    scores = []
    for train, test in StratifiedKFold(n_splits=5, shuffle=True, random_state=seed).split(X, y):
        selector = SelectKBest(f_classif, k=k).fit(X[train], y[train])
        model = LogisticRegression(max_iter=1000).fit(selector.transform(X[train]), y[train])
        scores.append(accuracy_score(y[test], model.predict(selector.transform(X[test]))))
    return sum(scores) / len(scores)


def cv_with_cross_validate(X, y, k, seed):
    """sklearn's cross_validate and a Pipeline with named steps."""
    from sklearn.model_selection import cross_validate
    from sklearn.pipeline import Pipeline

    pipe = Pipeline(
        [("select", SelectKBest(f_classif, k=k)), ("model", LogisticRegression(max_iter=1000))]
    )
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    return cross_validate(pipe, X, y, cv=folds, scoring="accuracy")["test_score"].mean()


def manifests_fixed_width_and_counter(old, new):
    """Slices the fixed-width hash (64 hex + 2 spaces) and compares with dict views."""

    def parse(text):
        return {line[66:]: line[:64] for line in text.splitlines() if line.strip()}

    a, b = parse(old), parse(new)
    return {
        "removed": sorted(set(a) - set(b)),
        "added": sorted(set(b) - set(a)),
        "changed": sorted(name for name in set(a) & set(b) if a[name] != b[name]),
    }


def manifests_with_partition_and_pandas(old, new):
    """str.partition for the separator, pandas for the comparison."""

    def parse(text):
        rows = [line.partition("  ") for line in text.split("\n") if line.strip()]
        return pd.Series({name: digest for digest, _, name in rows}, dtype=object)

    a, b = parse(old), parse(new)
    both = a.index.intersection(b.index)
    return {
        "added": sorted(b.index.difference(a.index)),
        "removed": sorted(a.index.difference(b.index)),
        "changed": sorted(both[(a[both] != b[both]).to_numpy()]) if len(both) else [],
    }


def validate_batch_other_wording(batch):
    """Different wording and capitals, counts first, rules checked in another order."""
    problems = []
    present = set(batch.columns)
    problems += [f"Column '{c}' is absent" for c in _REQUIRED if c not in present]
    if set(_KEY) <= present:
        n = int(batch.duplicated(_KEY, keep=False).sum())
        if n:
            key = batch.loc[batch.duplicated(_KEY, keep=False), _KEY].iloc[0].tolist()
            problems.append(f"{n} rows are Duplicate records of one key, e.g. {key}")
    for column, low, high in (("flipper_length_mm", 150, 250), ("body_mass_g", 2000, 7000)):
        if column in present:
            values = batch[column]
            if values.dtype.kind not in "iuf":
                problems.append(f"{column.upper()} holds text, not numbers")
                continue
            bad = values[(values < low) | (values > high)]
            if len(bad):
                problems.append(
                    f"{len(bad)} value(s) of {column.upper()} outside {low}..{high}: first {bad.iloc[0]}"
                )
    for column, allowed, may_be_missing in (
        ("sex", {"female", "male"}, True),
        ("island", {"Biscoe", "Dream", "Torgersen"}, False),
        ("species", {"Adelie", "Chinstrap", "Gentoo"}, False),
    ):
        if column in present:
            values = batch[column]
            bad = values[~(values.isin(allowed) | (values.isna() & may_be_missing))]
            if len(bad):
                problems.append(
                    f"{len(bad)} bad {column.capitalize()} value(s), first {bad.iloc[0]!r}"
                )
    return problems


def validate_batch_rule_table(batch):
    """A table of rules walked in one loop; messages in the form 'rule — count — example'."""
    allowed = {
        "species": ({"Adelie", "Chinstrap", "Gentoo"}, False),
        "island": ({"Biscoe", "Dream", "Torgersen"}, False),
        "sex": ({"female", "male"}, True),
    }
    ranges = {"body_mass_g": (2000, 7000), "flipper_length_mm": (150, 250)}
    problems = [f"MISSING — column {c}" for c in _REQUIRED if c not in batch]
    for column in _REQUIRED:
        if column not in batch:
            continue
        values = batch[column]
        if column in allowed:
            ok_values, missing_ok = allowed[column]
            bad = values[[not ((pd.isna(v) and missing_ok) or v in ok_values) for v in values]]
        elif column in ranges:
            if not pd.api.types.is_numeric_dtype(values):
                problems.append(f"{column} — dtype {values.dtype} is not numeric")
                continue
            low, high = ranges[column]
            bad = values.dropna()[~values.dropna().between(low, high)]
        else:
            continue
        if len(bad):
            problems.append(f"{column} — {len(bad)} bad — {bad.iloc[0]!r}")
    if set(_KEY) <= set(batch.columns):
        groups = batch.groupby(_KEY, dropna=False).size()
        if (groups > 1).any():
            problems.append(f"duplicate keys — {int((groups > 1).sum())} key(s) repeated")
    return problems


WRONG = {
    "check_species_mass_by_island": [
        sql_counts_all_rows,
        sql_groups_by_species_only,
        sql_orders_by_ids,
        sql_returns_rows_not_dataframe,
        sql_left_join_from_species,
        sql_then_pandas_groupby,
        pandas_merges_three_tables,
        sql_without_round,
        sql_rounds_to_whole_grams,
        sql_without_order_by,
        sql_orders_by_species_first,
        sql_scientific_names,
        sql_mean_counts_missing_as_zero,
        sql_fetch_loop_never_advances,
    ],
    "check_clean_species": [
        species_first_word_title,
        species_ignores_accents,
        species_right_values_wrong_dtype,
        species_resets_index,
        species_guesses_by_first_letter,
        species_fuzzy_matches_typos,
        species_unknown_becomes_most_common,
        species_forgets_adeliae,
        species_replaces_accented_e_only,
        species_splits_on_space_only,
        species_none_but_not_nan,
        species_cleans_in_place,
        species_collapse_spaces_forever,
    ],
    "check_honest_cv_accuracy": [
        cv_selects_on_all_rows,
        cv_scores_on_training_data,
        cv_skips_the_selection,
        cv_unshuffled_folds,
        cv_default_k,
        cv_fixed_seed,
        cv_plain_kfold_shuffled,
        cv_ten_folds,
        cv_returns_fold_scores,
        cv_retries_until_above_chance,
    ],
    "check_diff_manifests": [
        manifests_split_on_whitespace,
        manifests_return_sets,
        manifests_swap_added_and_removed,
        manifests_crash_on_blank_lines,
        manifests_unsorted_lists,
        manifests_in_file_order,
        manifests_changed_lists_every_common_file,
        manifests_detect_renames,
        manifests_split_lines_on_newline,
        manifests_index_never_advances,
    ],
    "check_validate_batch": [
        validate_stops_at_first_problem,
        validate_treats_missing_as_out_of_range,
        validate_ignores_duplicates,
        validate_crashes_on_missing_column,
        validate_one_problem_per_bad_value,
        validate_duplicates_on_whole_rows,
        validate_duplicates_without_study,
        validate_missing_island_allowed,
        validate_range_excludes_the_bounds,
        validate_only_lower_bounds,
        validate_numeric_check_on_body_mass_only,
        validate_without_count_or_example,
        validate_reports_missing_columns_together,
        validate_float_dtype_only,
        validate_retries_forever,
    ],
    "check_heaviest_per_island": [
        window_global_rank,
        window_partition_by_species,
        window_ascending,
        window_row_number,
        window_dense_rank,
        window_rank_below_n,
        window_hard_coded_three,
        window_ranks_unweighed_birds,
        window_nulls_first,
        window_tie_order_reversed,
        window_sorted_by_bird,
        window_extra_column,
        window_returns_relation,
        window_pandas_average_rank,
        window_pandas_head_per_group,
        window_tie_groups_without_advancing,
    ],
    "check_join_pairs": [
        join_nested_loop,
        join_linear_search_in_key_list,
        join_sort_merge,
        join_index_rebuilt_per_row,
        join_index_overwrites_duplicates,
        join_dedupes_pairs,
        join_swapped_pairs,
        join_skips_falsy_keys,
        join_returns_keys,
        join_assumes_both_sides_filled,
        join_while_loop_stuck_on_a_miss,
    ],
}

#: Correct answers written differently from the solution: every check must accept them.
RIGHT = {
    "check_species_mass_by_island": [
        sql_cte_lowercase_grouped_by_ids,
        sql_where_not_null_with_cursor,
    ],
    "check_clean_species": [species_vectorised_with_regex, species_lookup_table_of_spellings],
    "check_honest_cv_accuracy": [cv_manual_fold_loop, cv_with_cross_validate],
    "check_diff_manifests": [
        manifests_fixed_width_and_counter,
        manifests_with_partition_and_pandas,
    ],
    "check_validate_batch": [validate_batch_other_wording, validate_batch_rule_table],
    "check_heaviest_per_island": [
        window_with_qualify_lowercase,
        window_count_heavier_birds,
        window_pandas_min_rank_as_int,
    ],
    "check_join_pairs": [join_index_the_left_side, join_index_the_smaller_side],
}
