"""Plausible wrong answers for the checks of Chapter 14, and right answers written differently.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). There is one wrong answer per rule each check's ✓ line claims (rule
ablation), boundary cases learners hit, and one answer that never returns. ``RIGHT``
holds correct answers written differently from the solutions, which must pass.
"""

import copy
import math
import statistics

import numpy as np
import pandas as pd
from scipy.stats import norm

from tests.checks import never_returns

# ---------------------------------------------------------------- Exercise 1: precision_at_k

_DOC = """Return the share of positives among the ``k`` highest-scored items.

    Parameters
    ----------
    y_true : array-like of int
        1 for a positive, 0 otherwise.
    scores : array-like of float
        One score per item; higher means more likely positive.
    k : int
        How many of the highest-scored items to keep.

    Returns
    -------
    float
        The fraction of positives among the top ``k``.

    Raises
    ------
    ValueError
        If ``k`` is not between 1 and the number of items.

    Examples
    --------
    >>> {name}([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], k=2)
    0.5
    """


def _precision(y_true, scores, k):
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=float)
    if not 1 <= k <= len(scores):
        raise ValueError("k out of range")
    return float(y_true[np.argsort(-scores, kind="stable")[:k]].mean())


def _documented(name: str, doc: str):
    """A correct precision_at_k called ``name`` whose docstring is ``doc``."""

    def precision_at_k(y_true, scores, k):
        return _precision(y_true, scores, k)

    precision_at_k.__name__ = precision_at_k.__qualname__ = name
    precision_at_k.__doc__ = doc.replace("{name}", name)
    return precision_at_k


def precision_without_sorting(y_true, scores, k):
    """Takes the first k rows as they come, as if the input were already ranked."""
    if not 1 <= k <= len(scores):
        raise ValueError("k out of range")
    return float(np.mean(np.asarray(y_true)[:k]))


precision_without_sorting.__doc__ = _DOC.replace("{name}", "precision_without_sorting")


def precision_lowest_scores(y_true, scores, k):
    """Sorts ascending, so it keeps the k least likely items."""
    if not 1 <= k <= len(scores):
        raise ValueError("k out of range")
    return float(np.asarray(y_true)[np.argsort(scores)[:k]].mean())


def recall_at_k(y_true, scores, k):
    """Divides by the number of positives instead of k: that is recall at k."""
    if not 1 <= k <= len(scores):
        raise ValueError("k out of range")
    y_true = np.asarray(y_true)
    return float(y_true[np.argsort(-np.asarray(scores))[:k]].sum() / y_true.sum())


def precision_no_value_error(y_true, scores, k):
    """No range check: k = 0 gives NaN (with a warning) and k > n quietly uses every item."""
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=float)
    top = np.argsort(-scores)[:k]
    return float(y_true[top].sum() / max(len(top), 1))


def precision_only_refuses_small_k(y_true, scores, k):
    """Refuses k < 1 but quietly uses every item when k is larger than the list."""
    if k < 1:
        raise ValueError("k must be at least 1")
    y_true = np.asarray(y_true)
    return float(y_true[np.argsort(-np.asarray(scores))[:k]].sum() / k)


def precision_returns_int_count(y_true, scores, k):
    """Returns how many positives are in the top k, not the fraction."""
    if not 1 <= k <= len(scores):
        raise ValueError("k out of range")
    return int(np.asarray(y_true)[np.argsort(-np.asarray(scores))[:k]].sum())


def precision_no_docstring(y_true, scores, k):
    return _precision(y_true, scores, k)


precision_summary_without_full_stop = _documented(
    "precision_summary_without_full_stop",
    _DOC.replace("items.\n\n    Parameters", "items\n\n    Parameters"),
)

precision_google_style = _documented(
    "precision_google_style",
    """Return the share of positives among the k highest-scored items.

    Args:
        y_true: 1 for a positive, 0 otherwise.
        scores: one score per item.
        k: how many items to keep.

    Returns:
        The fraction of positives among the top k.

    Raises:
        ValueError: if k is out of range.

    Examples:
        >>> {name}([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], k=2)
        0.5
    """,
)
precision_undocumented_k = _documented(
    "precision_undocumented_k",
    _DOC.replace("    k : int\n        How many of the highest-scored items to keep.\n", ""),
)
precision_no_raises_section = _documented(
    "precision_no_raises_section",
    _DOC.replace(
        "    Raises\n    ------\n    ValueError\n        If ``k`` is not between 1 and the number of items.\n\n",
        "",
    ),
)
precision_no_returns_section = _documented(
    "precision_no_returns_section",
    _DOC.replace(
        "    Returns\n    -------\n    float\n        The fraction of positives among the top ``k``.\n\n",
        "",
    ),
)
precision_no_parameters_section = _documented(
    "precision_no_parameters_section",
    _DOC.split("    Parameters")[0] + "    Returns" + _DOC.split("    Returns", 1)[1],
)
precision_documents_wrong_exception = _documented(
    "precision_documents_wrong_exception",
    _DOC.replace("    ValueError\n        If ``k``", "    IndexError\n        If ``k``"),
)
precision_no_examples = _documented(
    "precision_no_examples", _DOC.split("    Examples")[0].rstrip() + "\n    "
)
precision_stale_example = _documented(
    "precision_stale_example", _DOC.replace("    0.5\n", "    0.75\n")
)
precision_example_without_output = _documented(
    "precision_example_without_output", _DOC.replace("    0.5\n", "")
)
precision_example_in_prose = _documented(
    "precision_example_in_prose",
    _DOC.replace(
        "    >>> {name}([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], k=2)\n    0.5\n",
        "    Calling it on [1, 0, 1, 0] with k=2 gives 0.5.\n",
    ),
)


@never_returns
def precision_never_returns(y_true, scores, k):
    """Loops forever."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 2: profit_optimal_threshold
def _profit(y, s, benefit, t, *, strict=False, cells=("tp", "fp", "fn", "tn")):
    y, s = np.asarray(y).astype(bool), np.asarray(s, dtype=float)
    act = s > t if strict else s >= t
    counts = {"tp": act & y, "fp": act & ~y, "fn": ~act & y, "tn": ~act & ~y}
    return float(sum(benefit[c] * np.sum(counts[c]) for c in cells))


def threshold_ignores_fn_tn(y_true, scores, benefit, thresholds):
    """Counts only the contacted customers (tp, fp): the profit is wrong when fn or tn are not zero."""
    best = max(
        sorted(thresholds, reverse=True),
        key=lambda t: _profit(y_true, scores, benefit, t, cells=("tp", "fp")),
    )
    return best, _profit(y_true, scores, benefit, best, cells=("tp", "fp"))


def threshold_strict_greater(y_true, scores, benefit, thresholds):
    """Contacts scores > threshold, so customers exactly on the threshold are skipped."""
    best = max(
        sorted(thresholds, reverse=True),
        key=lambda t: _profit(y_true, scores, benefit, t, strict=True),
    )
    return best, _profit(y_true, scores, benefit, best, strict=True)


def threshold_ties_to_lowest(y_true, scores, benefit, thresholds):
    """Breaks ties towards the lower threshold (more calls for the same money)."""
    best = max(sorted(thresholds), key=lambda t: _profit(y_true, scores, benefit, t))
    return best, _profit(y_true, scores, benefit, best)


def threshold_first_in_given_order(y_true, scores, benefit, thresholds):
    """np.argmax over the thresholds in the order given: ties go to whichever came first."""
    profits = [_profit(y_true, scores, benefit, t) for t in thresholds]
    i = int(np.argmax(profits))
    return thresholds[i], profits[i]


def threshold_mean_profit(y_true, scores, benefit, thresholds):
    """Returns the profit per customer (a mean) instead of the total."""
    best = max(sorted(thresholds, reverse=True), key=lambda t: _profit(y_true, scores, benefit, t))
    return best, _profit(y_true, scores, benefit, best) / len(scores)


def threshold_f1_optimal(y_true, scores, benefit, thresholds):
    """Maximises F1 instead of profit, and reports that threshold's profit."""
    y, s = np.asarray(y_true).astype(bool), np.asarray(scores, dtype=float)

    def f1(t):
        act = s >= t
        tp = np.sum(act & y)
        return 2 * tp / (np.sum(act) + np.sum(y)) if tp else 0.0

    best = max(sorted(thresholds, reverse=True), key=f1)
    return best, _profit(y_true, scores, benefit, best)


def threshold_always_half(y_true, scores, benefit, thresholds):
    """Uses the default 0.5 whatever the money says."""
    return 0.5, _profit(y_true, scores, benefit, 0.5)


def threshold_swaps_fp_fn(y_true, scores, benefit, thresholds):
    """Mixes up the cells: charges the false-positive benefit to missed churners and vice versa."""
    swapped = {**benefit, "fp": benefit["fn"], "fn": benefit["fp"]}
    best = max(sorted(thresholds, reverse=True), key=lambda t: _profit(y_true, scores, swapped, t))
    return best, _profit(y_true, scores, swapped, best)


def threshold_returns_index(y_true, scores, benefit, thresholds):
    """Returns the position of the best threshold in the list instead of the threshold."""
    ordered = sorted(thresholds, reverse=True)
    profits = [_profit(y_true, scores, benefit, t) for t in ordered]
    i = int(np.argmax(profits))
    return thresholds.index(ordered[i]), profits[i]


def threshold_skips_last_candidate(y_true, scores, benefit, thresholds):
    """Loops over range(len(thresholds) - 1): the last candidate is never tried."""
    tried = thresholds[: len(thresholds) - 1]
    best = max(sorted(tried, reverse=True), key=lambda t: _profit(y_true, scores, benefit, t))
    return best, _profit(y_true, scores, benefit, best)


@never_returns
def threshold_never_returns(y_true, scores, benefit, thresholds):
    """Loops forever."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 3: cycle_times
def _finished(events):
    ordered = events.sort_values("changed_at", kind="stable")
    now = ordered.groupby("issue_key")["to_status"].last()
    return now.index[now == "Done"]


def _days(end, start):
    return (end - start).dt.total_seconds() / 86400


def cycle_from_last_start(events):
    """Starts the clock at the LAST move to In Progress, so rework after review is not counted."""
    started = events[events["to_status"] == "In Progress"].groupby("issue_key")["changed_at"].max()
    done = events[events["to_status"] == "Done"].groupby("issue_key")["changed_at"].max()
    keys = _finished(events).intersection(started.index)
    return _days(done[keys], started[keys])


def cycle_to_first_done(events):
    """Stops the clock at the FIRST move to Done, so reopened work is not counted."""
    started = events[events["to_status"] == "In Progress"].groupby("issue_key")["changed_at"].min()
    done = events[events["to_status"] == "Done"].groupby("issue_key")["changed_at"].min()
    keys = _finished(events).intersection(started.index)
    return _days(done[keys], started[keys])


def cycle_includes_reopened(events):
    """Keeps every issue that was ever Done, even one reopened and in progress again."""
    started = events[events["to_status"] == "In Progress"].groupby("issue_key")["changed_at"].min()
    done = events[events["to_status"] == "Done"].groupby("issue_key")["changed_at"].max()
    keys = done.index.intersection(started.index)
    return _days(done[keys], started[keys])


def cycle_from_creation(events):
    """Measures from creation (the To Do row): that is lead time, not cycle time."""
    created = events.groupby("issue_key")["changed_at"].min()
    done = events[events["to_status"] == "Done"].groupby("issue_key")["changed_at"].max()
    started = events[events["to_status"] == "In Progress"]["issue_key"].unique()
    keys = _finished(events).intersection(pd.Index(started))
    return _days(done[keys], created[keys])


def cycle_whole_days(events):
    """Uses .dt.days, which truncates 6 hours to 0 days."""
    started = events[events["to_status"] == "In Progress"].groupby("issue_key")["changed_at"].min()
    done = events[events["to_status"] == "Done"].groupby("issue_key")["changed_at"].max()
    keys = _finished(events).intersection(started.index)
    return (done[keys] - started[keys]).dt.days.astype(float)


def cycle_depends_on_row_order(events):
    """Uses the first and last rows of each issue as they come, assuming the log is sorted."""
    out = {}
    for key, rows in events.groupby("issue_key", sort=False):
        if rows["to_status"].iloc[-1] != "Done" or "In Progress" not in set(rows["to_status"]):
            continue
        start = rows.loc[rows["to_status"] == "In Progress", "changed_at"].iloc[0]
        out[key] = (rows["changed_at"].iloc[-1] - start).total_seconds() / 86400
    return pd.Series(out, dtype=float)


def cycle_counts_unstarted_done(events):
    """Gives issues closed straight from To Do a cycle time from their creation."""
    created = events.groupby("issue_key")["changed_at"].min()
    started = events[events["to_status"] == "In Progress"].groupby("issue_key")["changed_at"].min()
    started = started.reindex(created.index).fillna(created)
    done = events[events["to_status"] == "Done"].groupby("issue_key")["changed_at"].max()
    keys = _finished(events)
    return _days(done[keys], started[keys])


def cycle_keeps_never_started(events):
    """Returns every issue, with NaN for those never started or not finished."""
    return _right_cycle_times(events).reindex(sorted(events["issue_key"].unique()))


def cycle_in_hours(events):
    """Reports hours, not days."""
    return _right_cycle_times(events) * 24


def cycle_changes_its_input(events):
    """Adds a helper column to the caller's table (changing it) before computing correct values."""
    events["day"] = events["changed_at"].dt.floor("D")
    return _right_cycle_times(events)


def cycle_returns_dict(events):
    """Returns a plain dict instead of a Series."""
    return _right_cycle_times(events).to_dict()


def cycle_fails_on_empty(events):
    """Breaks on an empty log (returns None instead of an empty Series)."""
    if events.empty:
        return None
    return _right_cycle_times(events)


@never_returns
def cycle_never_returns(events):
    """Loops forever."""
    while True:
        pass


def _right_cycle_times(events):
    starts, ends, status = {}, {}, {}
    for row in events.sort_values("changed_at").itertuples():
        status[row.issue_key] = row.to_status
        if row.to_status == "In Progress":
            starts.setdefault(row.issue_key, row.changed_at)
        if row.to_status == "Done":
            ends[row.issue_key] = row.changed_at
    days = {k: (ends[k] - starts[k]).total_seconds() / 86400 for k in starts if status[k] == "Done"}
    return pd.Series(days, dtype=float)


# ---------------------------------------------------------------- Exercise 4: ab_sample_size
def _size(p1, p2, z_alpha, z_power, pooled=True):
    mean = (p1 + p2) / 2
    first = math.sqrt(2 * mean * (1 - mean)) if pooled else math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    spread = z_alpha * first + z_power * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return float(spread) ** 2 / (p1 - p2) ** 2


def _validate(p1, p2):
    if p1 == p2 or not (0 < p1 < 1 and 0 < p2 < 1):
        raise ValueError("bad proportions")


def sample_one_sided(p_control, p_treatment, alpha=0.05, power=0.8):
    """Uses z at 1 - alpha (one-sided) for a two-sided test."""
    _validate(p_control, p_treatment)
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha), norm.ppf(power)))


def sample_without_power(p_control, p_treatment, alpha=0.05, power=0.8):
    """Forgets the power term: a test with only 50% power."""
    _validate(p_control, p_treatment)
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), 0.0))


def sample_rounds_to_nearest(p_control, p_treatment, alpha=0.05, power=0.8):
    """Rounds to the nearest integer instead of up."""
    _validate(p_control, p_treatment)
    return round(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def sample_rounds_down(p_control, p_treatment, alpha=0.05, power=0.8):
    """Truncates with int(), losing up to one customer per group."""
    _validate(p_control, p_treatment)
    return int(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def sample_both_groups(p_control, p_treatment, alpha=0.05, power=0.8):
    """Returns the total over both groups instead of one group."""
    _validate(p_control, p_treatment)
    return 2 * math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def sample_unpooled(p_control, p_treatment, alpha=0.05, power=0.8):
    """Uses the unpooled variance in both terms, not the formula the exercise gives."""
    _validate(p_control, p_treatment)
    return math.ceil(
        _size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power), pooled=False)
    )


def sample_fixed_z(p_control, p_treatment, alpha=0.05, power=0.8):
    """Hard-codes 1.96 and 0.84, ignoring the alpha and power it was given."""
    _validate(p_control, p_treatment)
    return math.ceil(_size(p_control, p_treatment, 1.96, 0.8416212335729143))


def sample_ignores_alpha(p_control, p_treatment, alpha=0.05, power=0.8):
    """Uses the power it was given but always alpha = 0.05."""
    _validate(p_control, p_treatment)
    return math.ceil(_size(p_control, p_treatment, norm.ppf(0.975), norm.ppf(power)))


def sample_ignores_power(p_control, p_treatment, alpha=0.05, power=0.8):
    """Uses the alpha it was given but always power = 0.8."""
    _validate(p_control, p_treatment)
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(0.8)))


def sample_power_sign_flipped(p_control, p_treatment, alpha=0.05, power=0.8):
    """Uses z at 1 - power, which subtracts the power term."""
    _validate(p_control, p_treatment)
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(1 - power)))


def sample_returns_float(p_control, p_treatment, alpha=0.05, power=0.8):
    """Returns math.ceil's value as a float."""
    _validate(p_control, p_treatment)
    return float(math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power))))


def sample_no_validation(p_control, p_treatment, alpha=0.05, power=0.8):
    """No ValueError: equal proportions divide by zero, impossible ones give nonsense."""
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def sample_equal_only_check(p_control, p_treatment, alpha=0.05, power=0.8):
    """Refuses equal proportions but accepts 0 and 1.5 as proportions."""
    if p_control == p_treatment:
        raise ValueError("equal proportions")
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def sample_range_only_check(p_control, p_treatment, alpha=0.05, power=0.8):
    """Checks that proportions lie in (0, 1) but not that they differ: equal ones divide by zero."""
    if not (0 < p_control < 1 and 0 < p_treatment < 1):
        raise ValueError("proportions must lie strictly between 0 and 1")
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


@never_returns
def sample_never_returns(p_control, p_treatment, alpha=0.05, power=0.8):
    """Searches for n by counting up from 1 with a condition that never becomes true."""
    n = 1
    while n > 0:
        n += 1
    return n


# ---------------------------------------------------------------- Exercise 5: review_comments
_GOOD = [
    {
        "line": 9,
        "category": "praise",
        "text": "One feature per line makes this list easy to review and to extend.",
    },
    {
        "line": 23,
        "category": "error handling",
        "text": "Swallowing every exception returns None, which means the job fails later far from the cause; "
        "consider letting it raise with the file name.",
    },
    {
        "line": 29,
        "category": "leakage",
        "text": "This uses the label of every row before the split, which means test rows leak into the feature; "
        "consider fitting it on the training rows only.",
    },
    {
        "line": 45,
        "category": "missing test",
        "text": "Nothing tests call_list, which means a change in who gets called would go unnoticed; could you add "
        "a three-customer test?",
    },
    {
        "line": 47,
        "category": "naming",
        "text": "df2 and p hide what they hold, which means readers must trace them; consider renaming to scored "
        "and churn_probability.",
    },
    {
        "line": 49,
        "category": "magic number",
        "text": "0.37 has no stated origin, which means nobody can safely change it; consider a named parameter "
        "chosen by expected profit.",
    },
]


def _without(category):
    return [c for c in _GOOD if c["category"] != category]


def _replace(which, **changes):
    return [{**c, **changes} if c["category"] == which else dict(c) for c in _GOOD]


def review_misses_leakage():
    """Finds the problems a linter also finds, but not the leak."""
    return _without("leakage")


def review_misses_error_handling():
    """Does not notice the silenced exception."""
    return _without("error handling")


def review_misses_magic_number():
    """Does not question the unexplained 0.37."""
    return _without("magic number")


def review_misses_missing_test():
    """Does not ask for a test of the new function."""
    return _without("missing test")


def review_misses_naming():
    """Does not mention df2 and p."""
    return _without("naming")


def review_no_praise():
    """Only criticism: nothing the author should keep doing."""
    return _without("praise")


def review_vague_praise():
    """Praise too short to be specific."""
    return _replace("praise", text="LGTM, nice!")


def review_leakage_on_wrong_line():
    """Flags the leak on the import block instead of where the feature is computed."""
    return _replace("leakage", line=9)


def review_false_alarm():
    """Also calls the scoring line an error-handling problem: a false alarm on a changed line."""
    return [*_GOOD, {**_GOOD[1], "line": 48}]


def review_comment_on_unchanged_line():
    """Comments on line 37, which the pull request did not change."""
    return [
        *_GOOD,
        {
            "line": 37,
            "category": "other",
            "text": "Consider a constant for the test size because it repeats.",
        },
    ]


def review_off_by_one_line():
    """Counts lines from 0, so every comment is one line early."""
    return [{**c, "line": c["line"] - 1} for c in _GOOD]


def review_no_reason():
    """Says what to do but not why."""
    return _replace(
        "leakage",
        text="Please move this computation into the pipeline and fit it on the training rows only instead.",
    )


def review_no_suggestion():
    """Says what is wrong and why, but not what to do."""
    return _replace(
        "error handling",
        text="This returns None on any error, which means the nightly job will fail much later and far away.",
    )


def review_too_short():
    """A one-liner with no reason and no suggestion."""
    return _replace("magic number", text="Magic number.")


def review_blames_the_author():
    """Talks about the author, not the code."""
    return _replace(
        "naming",
        text="You obviously just picked lazy names, which means nobody can read this; rename them instead.",
    )


def review_unknown_category():
    """Invents a category the book does not use."""
    return _replace("naming", category="style")


def review_tuples():
    """Returns (line, category, text) tuples instead of dicts."""
    return [(c["line"], c["category"], c["text"]) for c in _GOOD]


def review_line_as_string():
    """Gives line numbers as strings."""
    return [{**c, "line": str(c["line"])} for c in _GOOD]


def review_empty():
    """Returns no comments at all."""
    return []


@never_returns
def review_never_returns():
    """Loops forever."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 6: executive_summary
def _good_summary(r):
    return (
        f"Calling {r['contacted']:,} customers should earn about ${r['profit']:,.0f} per campaign. "
        f"Expect ${r['profit_low']:,.0f} to ${r['profit_high']:,.0f}, against ${r['profit_default']:,.0f} today. "
        "We recommend a trial on a random sample of the list first."
    )


def summary_for_engineers(r):
    """Written for an engineer: jargon an executive does not need."""
    return (
        f"At the profit-optimal threshold we contact {r['contacted']:,} customers for ${r['profit']:,.0f}. "
        f"The bootstrap range is ${r['profit_low']:,.0f} to ${r['profit_high']:,.0f}, against "
        f"${r['profit_default']:,.0f} at the default threshold."
    )


def summary_bottom_line_last(r):
    """Builds up to the money instead of opening with it."""
    return (
        f"We scored {r['customers']:,} customers and would call {r['contacted']:,}. "
        f"Today's rule earns ${r['profit_default']:,.0f}. "
        f"The range is ${r['profit_low']:,.0f} to ${r['profit_high']:,.0f}, so the plan earns ${r['profit']:,.0f}."
    )


def summary_without_range(r):
    """Gives one number and no uncertainty."""
    return (
        f"Calling {r['contacted']:,} customers should earn about ${r['profit']:,.0f} per campaign, "
        f"against ${r['profit_default']:,.0f} today."
    )


def summary_without_high_end(r):
    """Gives only the pessimistic end of the range."""
    return (
        f"Calling {r['contacted']:,} customers should earn about ${r['profit']:,.0f} per campaign, "
        f"at least ${r['profit_low']:,.0f}, against ${r['profit_default']:,.0f} today."
    )


def summary_without_status_quo(r):
    """Never says what the company earns today."""
    return (
        f"Calling {r['contacted']:,} customers should earn about ${r['profit']:,.0f} per campaign "
        f"(between ${r['profit_low']:,.0f} and ${r['profit_high']:,.0f})."
    )


def summary_without_calls(r):
    """Never says how many customers to call."""
    return (
        f"The campaign should earn about ${r['profit']:,.0f}. Expect ${r['profit_low']:,.0f} to "
        f"${r['profit_high']:,.0f}, against ${r['profit_default']:,.0f} today."
    )


def summary_too_long(r):
    """Good content buried in 100+ words of background."""
    return (
        _good_summary(r)
        + " "
        + " ".join(["The model was trained carefully on historical data."] * 12)
    )


def summary_invented_number(r):
    """Adds a claim nobody measured ("cuts churn by 25%")."""
    return _good_summary(r) + " It cuts churn by 25%."


def summary_hard_coded(r):
    """Pastes the numbers of the first result into a fixed text."""
    return _good_summary(
        {
            "customers": 1500,
            "contacted": 942,
            "churners": 356,
            "churners_reached": 330,
            "profit": 30660.0,
            "profit_low": 26019.0,
            "profit_high": 35064.0,
            "profit_default": 9180.0,
        }
    )


def summary_rounded_too_far(r):
    """Rounds money to the nearest ten thousand: $30k is not $31,930."""
    rounded = {k: round(v, -4) if k.startswith("profit") else v for k, v in r.items()}
    return _good_summary(rounded)


def summary_as_list(r):
    """Returns a list of sentences, not one string."""
    return [_good_summary(r)]


def summary_empty(r):
    """Returns an empty string."""
    return ""


@never_returns
def summary_never_returns(r):
    """Loops forever."""
    while True:
        pass


# ---------------------------------------------------------------- found in review (rule ablation, second pass)
def precision_refuses_only_zero(y_true, scores, k):
    """Checks k == 0 but not negative k, which numpy slicing quietly turns into n - 1 items."""
    y_true, scores = np.asarray(y_true), np.asarray(scores, dtype=float)
    if k == 0 or k > len(scores):
        raise ValueError("k out of range")
    return float(y_true[np.argsort(-scores, kind="stable")[:k]].mean())


#: An example that runs and passes but documents numpy, not the function.
precision_example_not_calling_it = _documented(
    "precision_example_not_calling_it",
    _DOC.replace(
        ">>> {name}([1, 0, 1, 0], [0.9, 0.8, 0.7, 0.1], k=2)\n    0.5",
        ">>> sum([1, 0, 1, 0][:2]) / 2\n    0.5",
    ),
)

#: A parameter listed as 'name : type' with no description under it.
precision_parameter_without_description = _documented(
    "precision_parameter_without_description",
    _DOC.replace("        1 for a positive, 0 otherwise.\n", ""),
)


def sample_allows_zero_treatment(p_control, p_treatment, alpha=0.05, power=0.8):
    """Checks 0 < p_control < 1 but only p_treatment < 1: a treatment rate of 0 is accepted."""
    if p_control == p_treatment or not 0 < p_control < 1 or not p_treatment < 1:
        raise ValueError("bad proportions")
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def sample_allows_certain_control(p_control, p_treatment, alpha=0.05, power=0.8):
    """Checks only that p_control is positive: a control rate of 1 is accepted."""
    if p_control == p_treatment or not 0 < p_control or not 0 < p_treatment < 1:
        raise ValueError("bad proportions")
    return math.ceil(_size(p_control, p_treatment, norm.ppf(1 - alpha / 2), norm.ppf(power)))


def review_generic_praise():
    """Praise long enough but generic: it names nothing in the change."""
    return _replace("praise", text="Great job on this PR, thanks a lot for all the work!")


def review_leakage_label_on_another_problem():
    """Labels a side-effect comment on line 30 as leakage: the right line, but not the leak."""
    return _replace(
        "leakage",
        line=30,
        text="This writes a new column into the caller's DataFrame, which means train() has side effects; "
        "consider working on a copy instead.",
    )


def review_you_forgot():
    """Blames the author ('you forgot') while giving a reason and a suggestion."""
    return _replace(
        "missing test",
        text="You forgot to add any tests for call_list, which means a change here silently costs money; "
        "consider adding one now.",
    )


def summary_with_jargon_synonyms(r):
    """Swaps 'threshold' for 'cut-off' and adds 'statistically significant': still jargon."""
    return _good_summary(r) + " The gain over today's cut-off is statistically significant."


def summary_number_in_words(r):
    """Claims in words what nobody measured ('cuts churn by a third')."""
    return _good_summary(r) + " The calls cut churn by a third."


# ---------------------------------------------------------------- right answers written differently
def right_precision_at_k(y_true, scores, k):
    """Return the fraction of positives in the top ``k`` by score.

    Parameters
    ----------
    y_true, scores : sequence
        Labels (1 or 0) and scores, aligned.
    k : int
        The size of the list.

    Returns
    -------
    float
        Positives among the ``k`` best-scored, divided by ``k``.

    Raises
    ------
    ValueError
        When ``k`` is below 1 or above ``len(scores)``.

    Examples
    --------
    >>> right_precision_at_k([0, 1], [0.2, 0.9], 1)
    1.0
    """
    pairs = sorted(zip(scores, y_true, strict=True), key=lambda p: -p[0])
    if k < 1 or k > len(pairs):
        raise ValueError("k must be in 1..n")
    return sum(label for _, label in pairs[:k]) / k


def right_profit_optimal_threshold(y_true, scores, benefit, thresholds):
    """pandas crosstab-free version: profit per candidate in a dict, ties to the higher threshold."""
    frame = pd.DataFrame(
        {"y": np.asarray(y_true).astype(int), "s": np.asarray(scores, dtype=float)}
    )
    profits = {}
    for t in thresholds:
        act = frame["s"] >= t
        cells = {
            "tp": (act & (frame["y"] == 1)).sum(),
            "fp": (act & (frame["y"] == 0)).sum(),
            "fn": (~act & (frame["y"] == 1)).sum(),
            "tn": (~act & (frame["y"] == 0)).sum(),
        }
        profits[float(t)] = float(sum(benefit[c] * n for c, n in cells.items()))
    best = max(profits.values())
    return max(t for t, p in profits.items() if p == best), best


def right_ab_sample_size(p_control, p_treatment, alpha=0.05, power=0.8):
    """The standard library's NormalDist instead of scipy."""
    if p_control == p_treatment or not (0 < p_control < 1 and 0 < p_treatment < 1):
        raise ValueError("need two different proportions strictly between 0 and 1")
    z = statistics.NormalDist()
    p_bar = (p_control + p_treatment) / 2
    term = (
        z.inv_cdf(1 - alpha / 2) * (2 * p_bar * (1 - p_bar)) ** 0.5
        + z.inv_cdf(power) * (p_control * (1 - p_control) + p_treatment * (1 - p_treatment)) ** 0.5
    )
    return int(math.ceil(term**2 / (p_control - p_treatment) ** 2))


def right_review_comments():
    """Different wording, different (still correct) lines, and extra questions."""
    good = copy.deepcopy(_GOOD)
    good[2]["line"] = 36  # the leak flagged where the feature is added before the split
    good[5]["category"], good[5]["line"] = "naming", 48
    good[5]["text"] = (
        "p is a one-letter name for a probability, which means readers guess; consider churn_probability."
    )
    good.append(
        {
            "line": 49,
            "category": "magic number",
            "text": "Since 0.37 is unexplained, could you replace it with a documented constant?",
        }
    )
    good.append(
        {"line": 22, "category": "question", "text": "Do we know how many rows get skipped?"}
    )
    return good


def right_executive_summary(r):
    """Rounded figures, percentages, and a different order after the first sentence."""
    share = round(100 * r["churners_reached"] / r["churners"])
    return (
        f"We should call {r['contacted']:,} customers a campaign: it is worth about ${round(r['profit'], -2):,.0f}. "
        f"Today's rule makes ${round(r['profit_default'], -2):,.0f}. "
        f"The likely range is ${round(r['profit_low'], -2):,.0f}–${round(r['profit_high'], -2):,.0f}, "
        f"and the calls reach {share}% of those about to leave."
    )


def right_precision_ascending_last_k(y_true, scores, k):
    """Return the share of positives among the ``k`` items with the highest scores.

    Parameters
    ----------
    y_true : numpy.ndarray
        Labels, 1 for a positive.
    scores : numpy.ndarray
        Scores, higher for more likely positives.
    k : int
        Number of top-scored items.

    Returns
    -------
    float
        Share of positives in the top ``k``.

    Raises
    ------
    ValueError
        If ``k < 1`` or ``k > len(scores)``.

    Examples
    --------
    >>> round(right_precision_ascending_last_k([1, 0, 1], [0.9, 0.8, 0.7], 3), 2)
    0.67
    """
    if not 0 < k <= len(scores):
        raise ValueError("k must be between 1 and the number of items")
    top = np.argsort(np.asarray(scores, dtype=float))[-k:]
    return float(np.sum(np.asarray(y_true)[top]) / k)


def right_threshold_ascending(y_true, scores, benefit, thresholds):
    """Ascending candidates with >=, so a later (higher) threshold wins a tie."""
    y, s = np.asarray(y_true) == 1, np.asarray(scores, dtype=float)
    best = None
    for t in sorted(thresholds):
        c = s >= t
        money = sum(
            benefit[k] * np.sum(m)
            for k, m in (("tp", c & y), ("fp", c & ~y), ("fn", ~c & y), ("tn", ~c & ~y))
        )
        if best is None or money >= best[1]:
            best = (t, float(money))
    return best


def right_cycle_times_loop(events):
    """One issue at a time, dividing by a one-day Timedelta."""
    out = {}
    for key, rows in events.sort_values("changed_at").groupby("issue_key"):
        started = rows.loc[rows["to_status"] == "In Progress", "changed_at"]
        if rows["to_status"].iloc[-1] != "Done" or started.empty:
            continue
        out[key] = (
            rows.loc[rows["to_status"] == "Done", "changed_at"].max() - started.min()
        ) / pd.Timedelta(days=1)
    return pd.Series(out, dtype=float)


def right_review_other_phrasing():
    """Reasons with 'so' and consequences, suggestions with 'please', 'can we', 'I'd'; the leak on line 14."""
    good = copy.deepcopy(_GOOD)
    texts = {
        "leakage": "The segment rate uses the churned label of every row before the split, so held-out labels "
        "leak into the feature and the 0.84 is inflated. Can we fit the rates on the training rows only?",
        "error handling": "A bare except that passes turns any read failure into None, and train() then fails far "
        "from the cause. I'd let the error propagate, or log the path and re-raise.",
        "missing test": "call_list decides who the team calls, so a silent change here costs money. Please add a "
        "small test that pins the order and the cut-off.",
        "magic number": "Could you justify 0.37 in the code? Nobody can change it safely otherwise, since the "
        "reason is not written down.",
        "naming": "df2 and p do not tell the reader what they hold, so every reader has to trace them back. "
        "Renaming them to scored and churn_probability would help.",
        "praise": "Nice touch sorting call_list by probability, most at risk first: agents start at the top.",
    }
    for comment in good:
        comment["text"] = texts[comment["category"]]
        if comment["category"] == "leakage":
            comment["line"] = 14  # where the leaky feature enters the model's inputs
    return good


def right_summary_gain_over_today(r):
    """Gives the gain over today's rule (a difference of two measured numbers) and money in thousands."""
    return (
        f"Calling {r['contacted']:,} customers should earn about ${r['profit'] / 1000:.1f}k, "
        f"${r['profit'] - r['profit_default']:,.0f} more than today's ${r['profit_default']:,.0f}. "
        f"Expect ${r['profit_low'] / 1000:.1f}k to ${r['profit_high'] / 1000:.1f}k."
    )


def right_review_capitalised_categories():
    """Category labels written with a capital ('Error handling'), as people write them."""
    return [{**c, "category": c["category"].capitalize()} for c in _GOOD]


def right_summary_with_approx(r):
    """'approx.' in the first sentence: its full stop does not end the sentence."""
    return (
        f"Recommendation: call {r['contacted']:,} customers for approx. ${r['profit']:,.0f}. "
        f"Expect ${r['profit_low']:,.0f} to ${r['profit_high']:,.0f}, against ${r['profit_default']:,.0f} today."
    )


def right_ab_sample_size_numpy(p_control, p_treatment, alpha=0.05, power=0.8):
    """numpy throughout, the difference taken the other way round, int(np.ceil(...))."""
    if p_control == p_treatment or not (0 < p_control < 1 and 0 < p_treatment < 1):
        raise ValueError("two different proportions strictly between 0 and 1, please")
    p_bar = (p_control + p_treatment) / 2
    spread = norm.ppf(1 - alpha / 2) * np.sqrt(2 * p_bar * (1 - p_bar)) + norm.ppf(power) * np.sqrt(
        p_control * (1 - p_control) + p_treatment * (1 - p_treatment)
    )
    return int(np.ceil(spread**2 / (p_treatment - p_control) ** 2))


WRONG = {
    "check_precision_at_k": [
        precision_without_sorting,
        precision_lowest_scores,
        recall_at_k,
        precision_no_value_error,
        precision_only_refuses_small_k,
        precision_returns_int_count,
        precision_no_docstring,
        precision_summary_without_full_stop,
        precision_google_style,
        precision_undocumented_k,
        precision_no_raises_section,
        precision_no_returns_section,
        precision_no_parameters_section,
        precision_documents_wrong_exception,
        precision_no_examples,
        precision_stale_example,
        precision_example_without_output,
        precision_example_in_prose,
        precision_refuses_only_zero,
        precision_example_not_calling_it,
        precision_parameter_without_description,
        precision_never_returns,
    ],
    "check_profit_optimal_threshold": [
        threshold_ignores_fn_tn,
        threshold_strict_greater,
        threshold_ties_to_lowest,
        threshold_first_in_given_order,
        threshold_mean_profit,
        threshold_f1_optimal,
        threshold_always_half,
        threshold_swaps_fp_fn,
        threshold_returns_index,
        threshold_skips_last_candidate,
        threshold_never_returns,
    ],
    "check_cycle_times": [
        cycle_from_last_start,
        cycle_to_first_done,
        cycle_includes_reopened,
        cycle_from_creation,
        cycle_whole_days,
        cycle_depends_on_row_order,
        cycle_counts_unstarted_done,
        cycle_in_hours,
        cycle_keeps_never_started,
        cycle_changes_its_input,
        cycle_returns_dict,
        cycle_fails_on_empty,
        cycle_never_returns,
    ],
    "check_ab_sample_size": [
        sample_one_sided,
        sample_without_power,
        sample_rounds_to_nearest,
        sample_rounds_down,
        sample_both_groups,
        sample_unpooled,
        sample_fixed_z,
        sample_ignores_alpha,
        sample_ignores_power,
        sample_power_sign_flipped,
        sample_returns_float,
        sample_no_validation,
        sample_equal_only_check,
        sample_range_only_check,
        sample_allows_zero_treatment,
        sample_allows_certain_control,
        sample_never_returns,
    ],
    "check_review_comments": [
        review_misses_leakage,
        review_misses_error_handling,
        review_misses_magic_number,
        review_misses_missing_test,
        review_misses_naming,
        review_no_praise,
        review_vague_praise,
        review_leakage_on_wrong_line,
        review_false_alarm,
        review_comment_on_unchanged_line,
        review_off_by_one_line,
        review_no_reason,
        review_no_suggestion,
        review_too_short,
        review_blames_the_author,
        review_unknown_category,
        review_tuples,
        review_line_as_string,
        review_empty,
        review_generic_praise,
        review_leakage_label_on_another_problem,
        review_you_forgot,
        review_never_returns,
    ],
    "check_executive_summary": [
        summary_for_engineers,
        summary_bottom_line_last,
        summary_without_range,
        summary_without_high_end,
        summary_without_status_quo,
        summary_without_calls,
        summary_too_long,
        summary_invented_number,
        summary_hard_coded,
        summary_rounded_too_far,
        summary_as_list,
        summary_empty,
        summary_with_jargon_synonyms,
        summary_number_in_words,
        summary_never_returns,
    ],
}

RIGHT = {
    "check_precision_at_k": [right_precision_at_k, right_precision_ascending_last_k],
    "check_profit_optimal_threshold": [right_profit_optimal_threshold, right_threshold_ascending],
    "check_cycle_times": [_right_cycle_times, right_cycle_times_loop],
    "check_ab_sample_size": [right_ab_sample_size, right_ab_sample_size_numpy],
    "check_review_comments": [
        right_review_comments,
        right_review_other_phrasing,
        right_review_capitalised_categories,
    ],
    "check_executive_summary": [
        right_executive_summary,
        right_summary_gain_over_today,
        right_summary_with_approx,
    ],
}
