"""Plausible wrong answers (and right answers written differently) for the checks of Chapter 4.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each is a mistake a learner would really make: one per rule that a
check's ✓ line claims, plus boundary cases. An answer that never returns is not listed:
the suite already proves that every check stops one. The answers in RIGHT are correct but
written differently from the solution; they must pass.
"""

import collections
import io
import itertools
import pickle
import pickletools
import re
import sqlite3

import numpy as np
import pandas as pd


# ---------------------------------------------------------------- Exercise 1: k_anonymity
def k_mean_class_size(table, quasi_identifiers):
    """Reports the average class size instead of the smallest."""
    if len(table) == 0:
        return 0
    return int(table.groupby(quasi_identifiers, dropna=False).size().mean())


def k_number_of_classes(table, quasi_identifiers):
    """Counts the classes instead of measuring the smallest one."""
    return int(table.groupby(quasi_identifiers, dropna=False).ngroups)


def k_largest_class(table, quasi_identifiers):
    """Takes the largest class: the best-protected row, not the worst."""
    if len(table) == 0:
        return 0
    return int(table.groupby(quasi_identifiers, dropna=False).size().max())


def k_per_column(table, quasi_identifiers):
    """Checks each quasi-identifier on its own, missing the unique combinations."""
    if len(table) == 0:
        return 0
    return int(min(table[column].value_counts(dropna=False).min() for column in quasi_identifiers))


def k_all_columns(table, quasi_identifiers):
    """Groups by every column, including the sensitive one."""
    if len(table) == 0:
        return 0
    return int(table.groupby(list(table.columns), dropna=False).size().min())


def k_drops_missing(table, quasi_identifiers):
    """groupby's default drops rows with a missing key, hiding a row that is alone."""
    if len(table) == 0:
        return 0
    return int(table.groupby(quasi_identifiers).size().min())


def k_crashes_on_empty(table, quasi_identifiers):
    """min() of an empty Series is NaN, and int(NaN) raises."""
    return int(table.groupby(quasi_identifiers, dropna=False).size().min())


def k_fills_in_place(table, quasi_identifiers):
    """Fills missing values in the caller's table before grouping."""
    if len(table) == 0:
        return 0
    table.fillna("?", inplace=True)
    return int(table.groupby(quasi_identifiers).size().min())


def k_returns_series(table, quasi_identifiers):
    """Returns the class sizes instead of one number."""
    return table.groupby(quasi_identifiers, dropna=False).size()


def k_depends_on_order(table, quasi_identifiers):
    """Counts runs of equal consecutive rows, so it depends on the row order."""
    if len(table) == 0:
        return 0
    keys = [tuple(row) for row in table[quasi_identifiers].astype(str).itertuples(index=False)]
    runs, length = [], 1
    for previous, current in zip(keys, keys[1:], strict=False):
        if current == previous:
            length += 1
        else:
            runs.append(length)
            length = 1
    runs.append(length)
    return min(runs)


def k_first_class(table, quasi_identifiers):
    """Takes the size of the first class groupby lists, not of the smallest."""
    if len(table) == 0:
        return 0
    return int(table.groupby(quasi_identifiers, dropna=False).size().iloc[0])


def k_each_nan_its_own_class(table, quasi_identifiers):
    """Counts tuples of values in a Counter: every NaN is a new float, so each is its own class."""
    counts = collections.Counter(
        tuple(float("nan") if pd.isna(value) else value for value in row)
        for row in table[list(quasi_identifiers)].itertuples(index=False)
    )
    return min(counts.values(), default=0)


def k_missing_means_unique(table, quasi_identifiers):
    """Declares k = 1 whenever any quasi-identifier is missing, 'to be safe'."""
    if len(table) == 0:
        return 0
    if table[quasi_identifiers].isna().any().any():
        return 1
    return int(table.groupby(quasi_identifiers).size().min())


def k_unique_or_two(table, quasi_identifiers):
    """Only asks whether some row is unique: 1 if so, else 2."""
    if len(table) == 0:
        return 0
    return 1 if (~table.duplicated(quasi_identifiers, keep=False)).any() else 2


def k_by_value_counts(table, quasi_identifiers):
    """Right: value_counts over the combined key columns, missing values kept."""
    if table.empty:
        return 0
    return int(table[list(quasi_identifiers)].value_counts(dropna=False).min())


def k_by_tuples(table, quasi_identifiers):
    """Right: count tuples of the values with a plain dict (NaN and None normalised)."""
    counts = {}
    for row in table[list(quasi_identifiers)].itertuples(index=False):
        key = tuple("<missing>" if pd.isna(value) else value for value in row)
        counts[key] = counts.get(key, 0) + 1
    return min(counts.values(), default=0)


def k_fill_a_copy(table, quasi_identifiers):
    """Right: replace missing values in a copy of the key columns, then group."""
    if table.empty:
        return 0
    keys = table[list(quasi_identifiers)].astype(object).fillna("<missing>")
    return int(keys.groupby(list(quasi_identifiers)).size().min())


# ---------------------------------------------------------------- Exercise 2: laplace_mechanism
def laplace_scale_is_epsilon(value, sensitivity, epsilon, rng):
    """Uses ε itself as the scale: more privacy would mean less noise."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + rng.laplace(0.0, epsilon))


def laplace_ignores_sensitivity(value, sensitivity, epsilon, rng):
    """Scale 1/ε: right for counts only."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + rng.laplace(0.0, 1 / epsilon))


def laplace_scale_times_epsilon(value, sensitivity, epsilon, rng):
    """Multiplies by ε instead of dividing."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + rng.laplace(0.0, sensitivity * epsilon))


def laplace_std_for_scale(value, sensitivity, epsilon, rng):
    """Treats sensitivity/ε as the standard deviation: scale too large by √2."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + rng.laplace(0.0, np.sqrt(2) * sensitivity / epsilon))


def laplace_squared_scale(value, sensitivity, epsilon, rng):
    """Confuses the scale with the variance: (sensitivity/ε)²."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + rng.laplace(0.0, (sensitivity / epsilon) ** 2))


def gaussian_same_spread(value, sensitivity, epsilon, rng):
    """Normal noise with the same mean absolute size: the wrong distribution."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + rng.normal(0.0, np.sqrt(np.pi / 2) * sensitivity / epsilon))


def laplace_noise_only(value, sensitivity, epsilon, rng):
    """Returns the noise and forgets the value."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(rng.laplace(0.0, sensitivity / epsilon))


def laplace_global_random(value, sensitivity, epsilon, rng):
    """Ignores the rng argument and draws from a fresh, unseeded generator."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value + np.random.default_rng().laplace(0.0, sensitivity / epsilon))


def laplace_rounds(value, sensitivity, epsilon, rng):
    """Rounds the release to a whole number."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(round(value + rng.laplace(0.0, sensitivity / epsilon)))


def laplace_array(value, sensitivity, epsilon, rng):
    """Returns a one-element array instead of a number."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return value + rng.laplace(0.0, sensitivity / epsilon, size=1)


def laplace_accepts_zero_epsilon(value, sensitivity, epsilon, rng):
    """No check on ε: ε = 0 divides by zero, a negative ε gives a negative scale."""
    return float(value + rng.laplace(0.0, sensitivity / epsilon)) if epsilon else float("inf")


def laplace_assert_epsilon(value, sensitivity, epsilon, rng):
    """Checks ε with assert, which raises AssertionError (and vanishes under python -O)."""
    assert epsilon > 0
    return float(value + rng.laplace(0.0, sensitivity / epsilon))


def laplace_no_noise(value, sensitivity, epsilon, rng):
    """Releases the exact value: no privacy at all."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(value)


def laplace_rounds_to_cents(value, sensitivity, epsilon, rng):
    """Rounds the release to two decimals, as the chapter's tables print it."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return round(float(value + rng.laplace(0.0, sensitivity / epsilon)), 2)


def laplace_clips_at_zero(value, sensitivity, epsilon, rng):
    """Clips the release at 0 because 'counts cannot be negative'."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return max(0.0, float(value + rng.laplace(0.0, sensitivity / epsilon)))


def laplace_truncates_noise(value, sensitivity, epsilon, rng):
    """int() on the noise: most releases land on whole steps from the value."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return value + int(rng.laplace(0.0, sensitivity / epsilon))


def laplace_two_draws(value, sensitivity, epsilon, rng):
    """Adds two Laplace draws (one per 'side'): the noise is too large and not Laplace."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    scale = sensitivity / epsilon
    return float(value + rng.laplace(0.0, scale) + rng.laplace(0.0, scale))


def uniform_same_spread(value, sensitivity, epsilon, rng):
    """Uniform noise with the right mean absolute size: the wrong distribution."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    scale = sensitivity / epsilon
    return float(value + rng.uniform(-2 * scale, 2 * scale))


def laplace_type_error(value, sensitivity, epsilon, rng):
    """Raises TypeError, not ValueError, for ε ≤ 0."""
    if epsilon <= 0:
        raise TypeError("epsilon must be positive")
    return float(value + rng.laplace(0.0, sensitivity / epsilon))


def laplace_by_exponential_difference(value, sensitivity, epsilon, rng):
    """Right: the difference of two exponentials of the same scale is Laplace."""
    if not epsilon > 0:
        raise ValueError(f"epsilon must be positive, got {epsilon}")
    scale = sensitivity / epsilon
    return float(value + rng.exponential(scale) - rng.exponential(scale))


def laplace_by_inverse_cdf(value, sensitivity, epsilon, rng):
    """Right: inverse-CDF sampling from a uniform draw."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    u = rng.uniform(-0.5, 0.5)
    return float(value - sensitivity / epsilon * np.sign(u) * np.log1p(-2 * abs(u)))


def laplace_centred_by_loc(value, sensitivity, epsilon, rng):
    """Right: the value as the distribution's loc."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return float(rng.laplace(loc=value, scale=sensitivity / epsilon))


def laplace_random_sign(value, sensitivity, epsilon, rng):
    """Right: an exponential draw with a random sign is Laplace."""
    if epsilon <= 0:
        raise ValueError("epsilon must be positive")
    return value + rng.choice([-1.0, 1.0]) * rng.exponential(sensitivity / epsilon)


# ---------------------------------------------------------------- Exercise 3: fairness_gaps
def _rates(y_true, y_pred, groups):
    y_true, y_pred, groups = (np.asarray(v) for v in (y_true, y_pred, groups))
    out = {}
    for g in pd.unique(groups):
        mask = groups == g
        out[g] = (
            y_pred[mask].mean(),
            y_pred[mask & (y_true == 1)].mean(),
            y_pred[mask & (y_true == 0)].mean(),
            (y_pred[mask] == y_true[mask]).mean(),
            y_true[mask].mean(),
            y_true[mask & (y_pred == 1)].mean() if (y_pred[mask] == 1).any() else 0.0,
        )
    return out


def gaps_selection_of_labels(y_true, y_pred, groups):
    """Selection rate computed from the true labels instead of the predictions."""
    r = _rates(y_true, y_pred, groups).values()
    base = [v[4] for v in r]
    r = _rates(y_true, y_pred, groups).values()
    tpr, fpr = [v[1] for v in r], [v[2] for v in r]
    return {
        "dp_diff": max(base) - min(base),
        "eo_diff": max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
    }


def gaps_first_two_groups(y_true, y_pred, groups):
    """Gap between the first two groups met, not over all groups."""
    r = list(_rates(y_true, y_pred, groups).values())[:2]
    return {
        "dp_diff": abs(r[0][0] - r[1][0]),
        "eo_diff": max(abs(r[0][1] - r[1][1]), abs(r[0][2] - r[1][2])),
    }


def gaps_signed(y_true, y_pred, groups):
    """Signed difference: second group minus first."""
    r = list(_rates(y_true, y_pred, groups).values())
    return {
        "dp_diff": r[-1][0] - r[0][0],
        "eo_diff": max(abs(r[-1][1] - r[0][1]), abs(r[-1][2] - r[0][2])),
    }


def gaps_tpr_only(y_true, y_pred, groups):
    """Equal opportunity (the TPR gap) reported as equalized odds: ignores the FPR."""
    r = _rates(y_true, y_pred, groups).values()
    sel, tpr = [v[0] for v in r], [v[1] for v in r]
    return {"dp_diff": max(sel) - min(sel), "eo_diff": max(tpr) - min(tpr)}


def gaps_fpr_only(y_true, y_pred, groups):
    """Only the FPR gap."""
    r = _rates(y_true, y_pred, groups).values()
    sel, fpr = [v[0] for v in r], [v[2] for v in r]
    return {"dp_diff": max(sel) - min(sel), "eo_diff": max(fpr) - min(fpr)}


def gaps_average_odds(y_true, y_pred, groups):
    """The mean of the TPR and FPR gaps instead of the larger."""
    r = _rates(y_true, y_pred, groups).values()
    sel, tpr, fpr = [v[0] for v in r], [v[1] for v in r], [v[2] for v in r]
    return {
        "dp_diff": max(sel) - min(sel),
        "eo_diff": ((max(tpr) - min(tpr)) + (max(fpr) - min(fpr))) / 2,
    }


def gaps_accuracy(y_true, y_pred, groups):
    """The accuracy gap in place of the error-rate gaps."""
    r = _rates(y_true, y_pred, groups).values()
    sel, acc = [v[0] for v in r], [v[3] for v in r]
    return {"dp_diff": max(sel) - min(sel), "eo_diff": max(acc) - min(acc)}


def gaps_precision(y_true, y_pred, groups):
    """Precision (share of the selected who are positive) in place of the TPR."""
    r = _rates(y_true, y_pred, groups).values()
    sel, ppv, fpr = [v[0] for v in r], [v[5] for v in r], [v[2] for v in r]
    return {
        "dp_diff": max(sel) - min(sel),
        "eo_diff": max(max(ppv) - min(ppv), max(fpr) - min(fpr)),
    }


def gaps_percent(y_true, y_pred, groups):
    """Percentages instead of fractions."""
    r = _rates(y_true, y_pred, groups).values()
    sel, tpr, fpr = [v[0] for v in r], [v[1] for v in r], [v[2] for v in r]
    return {
        "dp_diff": 100 * (max(sel) - min(sel)),
        "eo_diff": 100 * max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
    }


def gaps_positional_series(y_true, y_pred, groups):
    """Mixes label-based and positional indexing: breaks on a Series with its own index."""
    groups = pd.Series(groups)
    y_true, y_pred = pd.Series(np.asarray(y_true)), pd.Series(np.asarray(y_pred))
    sel, tpr, fpr = [], [], []
    for g in groups.unique():
        mask = (groups == g).to_numpy()
        sel.append(y_pred[groups.index[mask]].mean())
        tpr.append(y_pred[mask & (y_true == 1).to_numpy()].mean())
        fpr.append(y_pred[mask & (y_true == 0).to_numpy()].mean())
    return {
        "dp_diff": max(sel) - min(sel),
        "eo_diff": max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
    }


def _spreads(y_true, y_pred, groups):
    r = _rates(y_true, y_pred, groups).values()
    return [v[0] for v in r], [v[1] for v in r], [v[2] for v in r]


def gaps_rounded(y_true, y_pred, groups):
    """Rounds both gaps to two decimals."""
    sel, tpr, fpr = _spreads(y_true, y_pred, groups)
    return {
        "dp_diff": round(max(sel) - min(sel), 2),
        "eo_diff": round(max(max(tpr) - min(tpr), max(fpr) - min(fpr)), 2),
    }


def gaps_ratio(y_true, y_pred, groups):
    """The disparate-impact ratio (smallest / largest selection rate) instead of the difference."""
    sel, tpr, fpr = _spreads(y_true, y_pred, groups)
    return {
        "dp_diff": min(sel) / max(sel),
        "eo_diff": max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
    }


def gaps_to_overall(y_true, y_pred, groups):
    """Each group against the overall rate (fairlearn's method='to_overall'), not between groups."""
    y_t, y_p = np.asarray(y_true), np.asarray(y_pred)
    sel, tpr, fpr = _spreads(y_true, y_pred, groups)
    overall = (y_p.mean(), y_p[y_t == 1].mean(), y_p[y_t == 0].mean())
    return {
        "dp_diff": max(abs(x - overall[0]) for x in sel),
        "eo_diff": max(
            max(abs(x - overall[1]) for x in tpr), max(abs(x - overall[2]) for x in fpr)
        ),
    }


def gaps_sum(y_true, y_pred, groups):
    """Adds the TPR and FPR gaps instead of taking the larger."""
    sel, tpr, fpr = _spreads(y_true, y_pred, groups)
    return {
        "dp_diff": max(sel) - min(sel),
        "eo_diff": (max(tpr) - min(tpr)) + (max(fpr) - min(fpr)),
    }


def gaps_share_of_everyone(y_true, y_pred, groups):
    """Divides a group's selections by everyone, not by the group's size."""
    y_t, y_p, g = (np.asarray(v) for v in (y_true, y_pred, groups))
    sel = [y_p[g == x].sum() / len(y_p) for x in pd.unique(g)]
    _, tpr, fpr = _spreads(y_true, y_pred, groups)
    return {
        "dp_diff": max(sel) - min(sel),
        "eo_diff": max(max(tpr) - min(tpr), max(fpr) - min(fpr)),
    }


def gaps_tuple(y_true, y_pred, groups):
    """Returns a tuple (dp, eo) instead of the dict."""
    sel, tpr, fpr = _spreads(y_true, y_pred, groups)
    return max(sel) - min(sel), max(max(tpr) - min(tpr), max(fpr) - min(fpr))


def gaps_with_pandas_groupby(y_true, y_pred, groups):
    """Right: a pandas groupby per rate."""
    frame = pd.DataFrame(
        {"t": np.asarray(y_true), "p": np.asarray(y_pred), "g": np.asarray(groups)}
    )
    selection = frame.groupby("g")["p"].mean()
    tpr = frame[frame["t"] == 1].groupby("g")["p"].mean()
    fpr = frame[frame["t"] == 0].groupby("g")["p"].mean()
    spread = lambda s: float(s.max() - s.min())  # noqa: E731
    return {"dp_diff": spread(selection), "eo_diff": max(spread(tpr), spread(fpr))}


def gaps_with_fairlearn(y_true, y_pred, groups):
    """Right: fairlearn's own metrics."""
    from fairlearn.metrics import demographic_parity_difference, equalized_odds_difference

    y_true, y_pred, groups = (np.asarray(v) for v in (y_true, y_pred, groups))
    return {
        "dp_diff": demographic_parity_difference(y_true, y_pred, sensitive_features=groups),
        "eo_diff": equalized_odds_difference(y_true, y_pred, sensitive_features=groups),
    }


def gaps_from_miss_rates(y_true, y_pred, groups):
    """Right: FNR and TNR gaps equal the TPR and FPR gaps; every pair of groups compared."""
    y_t, y_p, g = (np.asarray(v) for v in (y_true, y_pred, groups))
    rates = {}
    for x in set(g.tolist()):
        m = g == x
        rates[x] = (y_p[m].mean(), 1 - y_p[m & (y_t == 1)].mean(), 1 - y_p[m & (y_t == 0)].mean())
    pairs = list(itertools.combinations(rates.values(), 2))
    return {
        "dp_diff": max(abs(a[0] - b[0]) for a, b in pairs),
        "eo_diff": max(max(abs(a[1] - b[1]), abs(a[2] - b[2])) for a, b in pairs),
    }


# ---------------------------------------------------------------- Exercise 4: lookup_features
def _as_dict(cursor, row):
    return None if row is None else dict(zip([d[0] for d in cursor.description], row, strict=True))


def lookup_fstring(db, applicant_id):
    """The original bug: the id is pasted into the SQL."""
    cursor = db.execute(f"SELECT * FROM features WHERE applicant_id = '{applicant_id}'")
    return _as_dict(cursor, cursor.fetchone())


def lookup_escaped_quotes(db, applicant_id):
    """Escapes quotes by hand: works in SQLite, but the id is still SQL text."""
    safe = applicant_id.replace("'", "''")
    cursor = db.execute(f"SELECT * FROM features WHERE applicant_id = '{safe}'")
    return _as_dict(cursor, cursor.fetchone())


def lookup_like(db, applicant_id):
    """LIKE with a parameter: wildcards and case-insensitivity match the wrong rows."""
    cursor = db.execute("SELECT * FROM features WHERE applicant_id LIKE ?", (applicant_id,))
    return _as_dict(cursor, cursor.fetchone())


def lookup_tuple(db, applicant_id):
    """Returns the raw row tuple instead of a dict."""
    return db.execute("SELECT * FROM features WHERE applicant_id = ?", (applicant_id,)).fetchone()


def lookup_all_rows(db, applicant_id):
    """Returns fetchall()'s list of rows."""
    return db.execute("SELECT * FROM features WHERE applicant_id = ?", (applicant_id,)).fetchall()


def lookup_empty_dict(db, applicant_id):
    """Returns {} instead of None when nobody matches."""
    cursor = db.execute("SELECT * FROM features WHERE applicant_id = ?", (applicant_id,))
    return _as_dict(cursor, cursor.fetchone()) or {}


def lookup_some_columns(db, applicant_id):
    """Selects only two of the columns."""
    cursor = db.execute(
        "SELECT applicant_id, income_keur FROM features WHERE applicant_id = ?", (applicant_id,)
    )
    return _as_dict(cursor, cursor.fetchone())


def lookup_executescript(db, applicant_id):
    """executescript runs any statements in its text (and returns no rows)."""
    db.executescript(f"SELECT * FROM features WHERE applicant_id = '{applicant_id}';")
    return None


def lookup_reads_nothing(db, applicant_id):
    """Never queries the database."""
    return None


def lookup_substring(db, applicant_id):
    """instr(): any id that contains the given text matches."""
    cursor = db.execute("SELECT * FROM features WHERE instr(applicant_id, ?) > 0", (applicant_id,))
    return _as_dict(cursor, cursor.fetchone())


def lookup_glob(db, applicant_id):
    """GLOB with a parameter: * and ? in an id match other rows."""
    cursor = db.execute("SELECT * FROM features WHERE applicant_id GLOB ?", (applicant_id,))
    return _as_dict(cursor, cursor.fetchone())


def lookup_strips(db, applicant_id):
    """Strips spaces from the id: 'L00042 ' finds L00042."""
    cursor = db.execute("SELECT * FROM features WHERE applicant_id = ?", (applicant_id.strip(),))
    return _as_dict(cursor, cursor.fetchone())


def lookup_nocase(db, applicant_id):
    """COLLATE NOCASE: an id in the wrong case finds the row."""
    cursor = db.execute(
        "SELECT * FROM features WHERE applicant_id = ? COLLATE NOCASE", (applicant_id,)
    )
    return _as_dict(cursor, cursor.fetchone())


def lookup_rejects_odd_ids(db, applicant_id):
    """Turns away ids with a quote before querying, so O'Neil-7 is never found."""
    if not re.fullmatch(r"[A-Za-z0-9-]+", applicant_id):
        return None
    cursor = db.execute("SELECT * FROM features WHERE applicant_id = ?", (applicant_id,))
    return _as_dict(cursor, cursor.fetchone())


def lookup_percent_format(db, applicant_id):
    """%-formatting instead of an f-string: still pasted into the SQL."""
    cursor = db.execute("SELECT * FROM features WHERE applicant_id = '%s'" % applicant_id)  # noqa: UP031
    return _as_dict(cursor, cursor.fetchone())


def lookup_named_parameter(db, applicant_id):
    """Right: a named parameter and a row factory."""
    cursor = db.cursor()
    cursor.row_factory = lambda c, row: {d[0]: v for d, v in zip(c.description, row, strict=True)}
    return cursor.execute(
        "SELECT * FROM features WHERE applicant_id = :id", {"id": applicant_id}
    ).fetchone()


def lookup_with_pandas(db, applicant_id):
    """Right: pandas.read_sql_query with params."""
    frame = pd.read_sql_query(
        "SELECT * FROM features WHERE applicant_id = ?", db, params=(applicant_id,)
    )
    if frame.empty:
        return None
    return {
        column: value.item() if hasattr(value, "item") else value
        for column, value in frame.iloc[0].items()
    }


def lookup_sqlite_row(db, applicant_id):
    """Right: a list of parameters, sqlite3.Row and LIMIT 1."""
    db.row_factory = sqlite3.Row
    row = db.execute(
        "SELECT * FROM features WHERE applicant_id = ? LIMIT 1", [applicant_id]
    ).fetchone()
    return dict(row) if row is not None else None


# ---------------------------------------------------------------- Exercise 5: unsafe_globals
_STRINGS = {
    "STRING",
    "BINSTRING",
    "SHORT_BINSTRING",
    "UNICODE",
    "BINUNICODE",
    "SHORT_BINUNICODE",
    "BINUNICODE8",
}


def globals_only_global(data, allowed):
    """Reads GLOBAL and INST only: misses protocol 4's STACK_GLOBAL."""
    found = set()
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("GLOBAL", "INST"):
            found.add(arg.replace(" ", "."))
    return sorted(found - set(allowed))


def globals_only_stack_global(data, allowed):
    """Reads STACK_GLOBAL (with the memo) only: misses GLOBAL and INST."""
    memo, pushes, top, found = {}, [], None, set()
    for op, arg, _ in pickletools.genops(data):
        if op.name == "STACK_GLOBAL":
            found.add(f"{pushes[-2]}.{pushes[-1]}")
        if op.name == "MEMOIZE":
            memo[len(memo)] = top
        if op.name in ("MEMOIZE", "FRAME", "PROTO", "STOP", "PUT", "BINPUT", "LONG_BINPUT"):
            continue
        top = (
            arg
            if op.name in _STRINGS
            else memo.get(arg)
            if op.name in ("GET", "BINGET", "LONG_BINGET")
            else None
        )
        pushes.append(top)
    return sorted(found - set(allowed))


def globals_last_two_strings(data, allowed):
    """Takes the last two strings seen before STACK_GLOBAL, ignoring names fetched from the memo."""
    strings, found = [], set()
    for op, arg, _ in pickletools.genops(data):
        if op.name in _STRINGS:
            strings.append(arg)
        elif op.name in ("GLOBAL", "INST"):
            found.add(arg.replace(" ", "."))
        elif op.name == "STACK_GLOBAL":
            found.add(f"{strings[-2]}.{strings[-1]}")
    return sorted(found - set(allowed))


def globals_without_inst(data, allowed):
    """Handles GLOBAL and STACK_GLOBAL but forgets INST."""
    memo, pushes, top, found = {}, [], None, set()
    for op, arg, _ in pickletools.genops(data):
        if op.name == "GLOBAL":
            found.add(arg.replace(" ", "."))
        if op.name == "STACK_GLOBAL":
            found.add(f"{pushes[-2]}.{pushes[-1]}")
        if op.name == "MEMOIZE":
            memo[len(memo)] = top
        if op.name in ("MEMOIZE", "FRAME", "PROTO", "STOP", "PUT", "BINPUT", "LONG_BINPUT"):
            continue
        top = (
            arg
            if op.name in _STRINGS
            else memo.get(arg)
            if op.name in ("GET", "BINGET", "LONG_BINGET")
            else None
        )
        pushes.append(top)
    return sorted(found - set(allowed))


def _all_imports(data):
    from mlskills.checks.ch04 import reference_globals

    return reference_globals(data)


def globals_ignores_allowlist(data, allowed):
    """Lists every import, allowed or not."""
    return sorted(set(_all_imports(data)))


def globals_blocklist(data, allowed):
    """A blocklist of known-dangerous names instead of an allowlist."""
    dangerous = {
        "builtins.eval",
        "builtins.exec",
        "os.system",
        "posix.system",
        "subprocess.Popen",
        "os.getcwd",
        "os.getpid",
    }
    return sorted(set(_all_imports(data)) & dangerous)


def globals_with_duplicates(data, allowed):
    """Keeps every occurrence, in file order."""
    return [name for name in _all_imports(data) if name not in allowed]


def globals_unsorted(data, allowed):
    """Once each, but in reverse file order rather than sorted."""
    seen = []
    for name in reversed(_all_imports(data)):
        if name not in allowed and name not in seen:
            seen.append(name)
    return seen


def globals_by_loading(data, allowed):
    """Records find_class calls while really unpickling: runs the pickle's calls."""
    found = []

    class Recorder(pickle.Unpickler):
        def find_class(self, module, name):
            found.append(f"{module}.{name}")
            return super().find_class(module, name)

    import io

    try:
        Recorder(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - a wrong answer that hides errors
        pass
    return sorted(set(found) - set(allowed))


def _scan(data, allowed, *, puts=True, gets=("GET", "BINGET", "LONG_BINGET")):
    """A scanner like the solution, with parts of the memo handling switchable off."""
    memo, pushes, top, found = {}, [], None, set()
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("GLOBAL", "INST"):
            found.add(arg.replace(" ", "."))
        if op.name == "STACK_GLOBAL":
            found.add(f"{pushes[-2]}.{pushes[-1]}")
        if op.name == "MEMOIZE":
            memo[len(memo)] = top
        elif puts and op.name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = top
        if op.name in ("MEMOIZE", "FRAME", "PROTO", "STOP", "PUT", "BINPUT", "LONG_BINPUT"):
            continue
        top = arg if op.name in _STRINGS else memo.get(arg) if op.name in gets else None
        pushes.append(top)
    return sorted(found - set(allowed))


def globals_memoize_only(data, allowed):
    """Fills the memo from MEMOIZE only, so names stored with PUT/BINPUT come back as None."""
    return _scan(data, allowed, puts=False)


def globals_binget_only(data, allowed):
    """Fetches from the memo with BINGET only, not GET or LONG_BINGET."""
    return _scan(data, allowed, gets=("BINGET",))


def globals_module_allowlist(data, allowed):
    """Allows every name from a module that has one allowed name."""
    modules = {name.rsplit(".", 1)[0] for name in allowed}
    return sorted({n for n in _all_imports(data) if n.rsplit(".", 1)[0] not in modules})


def globals_restricted_unpickler(data, allowed):
    """The Python docs' restricted Unpickler: find_class records and returns a stub, but it loads."""
    found = set()

    class Restricted(pickle.Unpickler):
        def find_class(self, module, name):
            found.add(f"{module}.{name}")
            return lambda *args, **kwargs: None

    try:
        Restricted(io.BytesIO(data)).load()
    except Exception:  # noqa: BLE001 - a wrong answer that hides errors
        pass
    return sorted(found - set(allowed))


def globals_returns_set(data, allowed):
    """Returns a set, which has no order."""
    return set(_all_imports(data)) - set(allowed)


def globals_keeps_the_space(data, allowed):
    """Keeps GLOBAL's 'module name' with its space, so nothing matches the allowlist."""
    found = set()
    for op, arg, _ in pickletools.genops(data):
        if op.name in ("GLOBAL", "INST"):
            found.add(arg)
    return sorted(found - set(allowed))


def globals_with_stack_simulation(data, allowed):
    """Right: simulate a small stack of strings and a memo dict."""
    stack, memo, found = [], {}, set()
    for op, arg, _ in pickletools.genops(data):
        name = op.name
        if name in _STRINGS:
            stack.append(arg)
        elif name in ("GET", "BINGET", "LONG_BINGET"):
            stack.append(memo.get(arg))
        elif name == "MEMOIZE":
            memo[len(memo)] = stack[-1] if stack else None
        elif name in ("PUT", "BINPUT", "LONG_BINPUT"):
            memo[arg] = stack[-1] if stack else None
        elif name in ("GLOBAL", "INST"):
            found.add(".".join(arg.split(" ", 1)))
            stack.append(None)
        elif name == "STACK_GLOBAL":
            module, attribute = stack[-2], stack[-1]
            del stack[-2:]
            found.add(f"{module}.{attribute}")
            stack.append(None)
        elif name not in ("FRAME", "PROTO", "STOP"):
            stack.append(None)
    return sorted(found.difference(allowed))


WRONG = {
    "check_k_anonymity": [
        k_mean_class_size,
        k_number_of_classes,
        k_largest_class,
        k_per_column,
        k_all_columns,
        k_drops_missing,
        k_crashes_on_empty,
        k_fills_in_place,
        k_returns_series,
        k_depends_on_order,
        k_first_class,
        k_each_nan_its_own_class,
        k_missing_means_unique,
        k_unique_or_two,
    ],
    "check_laplace_mechanism": [
        laplace_scale_is_epsilon,
        laplace_ignores_sensitivity,
        laplace_scale_times_epsilon,
        laplace_std_for_scale,
        laplace_squared_scale,
        gaussian_same_spread,
        laplace_noise_only,
        laplace_global_random,
        laplace_rounds,
        laplace_array,
        laplace_accepts_zero_epsilon,
        laplace_assert_epsilon,
        laplace_no_noise,
        laplace_rounds_to_cents,
        laplace_clips_at_zero,
        laplace_truncates_noise,
        laplace_two_draws,
        uniform_same_spread,
        laplace_type_error,
    ],
    "check_fairness_gaps": [
        gaps_selection_of_labels,
        gaps_first_two_groups,
        gaps_signed,
        gaps_tpr_only,
        gaps_fpr_only,
        gaps_average_odds,
        gaps_accuracy,
        gaps_precision,
        gaps_percent,
        gaps_positional_series,
        gaps_rounded,
        gaps_ratio,
        gaps_to_overall,
        gaps_sum,
        gaps_share_of_everyone,
        gaps_tuple,
    ],
    "check_lookup_features": [
        lookup_fstring,
        lookup_escaped_quotes,
        lookup_like,
        lookup_tuple,
        lookup_all_rows,
        lookup_empty_dict,
        lookup_some_columns,
        lookup_executescript,
        lookup_reads_nothing,
        lookup_substring,
        lookup_glob,
        lookup_strips,
        lookup_nocase,
        lookup_rejects_odd_ids,
        lookup_percent_format,
    ],
    "check_unsafe_globals": [
        globals_only_global,
        globals_only_stack_global,
        globals_last_two_strings,
        globals_without_inst,
        globals_ignores_allowlist,
        globals_blocklist,
        globals_with_duplicates,
        globals_unsorted,
        globals_by_loading,
        globals_memoize_only,
        globals_binget_only,
        globals_module_allowlist,
        globals_restricted_unpickler,
        globals_returns_set,
        globals_keeps_the_space,
    ],
}

RIGHT = {
    "check_k_anonymity": [k_by_value_counts, k_by_tuples, k_fill_a_copy],
    "check_laplace_mechanism": [
        laplace_by_exponential_difference,
        laplace_by_inverse_cdf,
        laplace_centred_by_loc,
        laplace_random_sign,
    ],
    "check_fairness_gaps": [gaps_with_pandas_groupby, gaps_with_fairlearn, gaps_from_miss_rates],
    "check_lookup_features": [lookup_named_parameter, lookup_with_pandas, lookup_sqlite_row],
    "check_unsafe_globals": [globals_with_stack_simulation],
}
