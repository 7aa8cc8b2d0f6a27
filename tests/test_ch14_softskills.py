"""Chapter 14: its shared helpers behave, its answer key matches its diff, and its claims hold.

The claims are read from the chapter's stored outputs (nbval proves those are current);
the helpers and the answer key are tested directly.
"""

from __future__ import annotations

import functools
import re

import pytest

from mlskills import ROOT, softskills
from mlskills.checks import ch14
from tests import notebook_code

CHAPTER = ROOT / "chapters" / "14-soft-skills.ipynb"


stored_text = functools.partial(notebook_code.stored_text, CHAPTER)


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


# ---------------------------------------------------------------- the pull request and its answer key
def test_the_diff_numbers_lines_as_in_the_new_file():
    after = softskills.REVIEW_AFTER.splitlines()
    for number, text in softskills.numbered_diff(softskills.review_diff()):
        if number is not None:
            assert text[1:] == after[number - 1], (number, text)


def test_every_planted_problem_sits_on_lines_the_pull_request_adds():
    added = softskills.added_lines(softskills.review_diff())
    for category, lines in ch14.PLANTED.items():
        assert lines <= added, f"{category}: {sorted(lines - added)} are not added lines"
        assert category in softskills.REVIEW_CATEGORIES


def test_ruff_flags_the_two_problems_a_linter_can_see_and_no_more():
    rules = ("--select", "S110,BLE001,PLR2004")
    found = softskills.ruff_findings(softskills.REVIEW_AFTER, filename="churn/train.py", rules=rules)
    assert {(f["code"], f["line"]) for f in found} == {("S110", 23), ("BLE001", 23), ("PLR2004", 49)}


def test_ruff_findings_reads_source_text_with_the_numpy_convention():
    source = '"""Module."""\n\n\ndef f(x):\n    return x\n\n\ndef g(x):\n    """returns x"""\n    return x\n'
    codes = {(f["code"], f["line"]) for f in softskills.ruff_findings(source)}
    assert ("D103", 4) in codes and ("D400", 9) in codes and ("D401", 9) in codes


# ---------------------------------------------------------------- the writing rubrics
@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Magic number.", "too short"),
        ("Please move this computation into the pipeline and fit it on the training rows only instead.", "no reason"),
        ("This returns None on any error, which means the nightly job will fail much later and far away.", "no suggestion"),
        ("You obviously picked poor names, which means nobody can read this; rename them instead please.", "blaming"),
    ],
)
def test_the_comment_rubric_names_what_a_comment_lacks(text, problem):
    assert any(p.startswith(problem) for p in softskills.comment_problems(text))


def test_a_constructive_comment_passes_the_rubric():
    text = "0.37 has no stated origin, which means nobody can safely change it; consider a named parameter."
    assert softskills.comment_problems(text) == []


def test_numbers_are_read_as_a_reader_writes_them():
    found = softskills.numbers_in("Call 942 people for $30,660 (about $31k or 30.7 thousand), reaching 93%.")
    assert found == [(942.0, False), (30660.0, False), (31000.0, False), (30700.0, False), (93.0, True)]


def test_the_summary_rubric_accepts_the_solution_style_and_flags_each_missing_part():
    result = ch14.SUMMARY_CASES[0]
    good = (
        "Calling 942 customers should earn about $30,660 per campaign. Expect $26,019 to $35,064, "
        "against $9,180 today. It reaches 93% of the customers who would leave."
    )
    assert softskills.summary_problems(good, result) == []
    assert softskills.sentences(good)[0] == "Calling 942 customers should earn about $30,660 per campaign."
    no_range = "Calling 942 customers should earn about $30,660 per campaign, against $9,180 today."
    assert any("profit_low" in p for p in softskills.summary_problems(no_range, result))


# ---------------------------------------------------------------- the chapter's claims
def test_the_profit_optimal_threshold_beats_f1_and_the_default_on_the_test_set():
    lines = {line.split("  ")[0].strip(): numbers(line) for line in stored_text("bootstrap").splitlines()}
    profit = {rule: lines[rule][-4] for rule in ("today's rule (0.5)", "F1-optimal", "profit-optimal", "call everyone")}
    assert profit["profit-optimal"] > profit["F1-optimal"] > profit["call everyone"] > profit["today's rule (0.5)"]
    assert profit["profit-optimal"] >= 2 * profit["today's rule (0.5)"]
    beats = numbers(stored_text("bootstrap").splitlines()[-1])
    assert beats[1] >= 99.0, "profit-optimal should beat 0.5 in at least 99% of resamples"


def test_double_counting_moves_the_threshold_and_a_whole_row_shift_does_not():
    text = stored_text("pitfalls")
    double = numbers(next(line for line in text.splitlines() if line.startswith("double counted")))
    assert double[0] < double[1], "double counting the lost customer should lower the threshold"
    row = numbers(next(line for line in text.splitlines() if line.startswith("loss in the whole row")))
    assert row[0] == double[1], "subtracting the loss from the whole row must leave the threshold unchanged"


def test_the_pull_requests_auc_gain_is_a_leak():
    before, claimed, honest = (numbers(line)[-1] for line in stored_text("review-claim").splitlines()[:3])
    assert claimed - before >= 0.05, "the PR's claimed gain should reproduce"
    assert honest <= before + 0.01, "fitted fairly, the feature should not help"


def test_the_export_converters_round_trip():
    assert stored_text("exports").rstrip().endswith("from the JIRA shape: True, from the Trello shape: True")


def test_the_ab_plan_agrees_with_the_formula_and_peeking_inflates_false_alarms():
    lines = stored_text("ab-size").splitlines()
    formula = numbers(next(line for line in lines if line.startswith("formula")))
    n_formula, n_simulated = formula[1], formula[-1]
    assert abs(n_simulated - n_formula) < 250, (
        "the simulation's grid step is 250: it must bracket the formula"
    )
    peeking = numbers(next(line for line in lines if line.startswith("no true effect")))
    once, every_week = peeking[0], peeking[-1]
    assert 4.0 <= once <= 6.0, "one test at the end keeps about the agreed 5% false alarms"
    assert every_week >= 1.5 * once, (
        "stopping at the first p < 0.05 over 3 looks should inflate false alarms"
    )


def test_the_profit_optimal_rule_beats_calling_everyone_in_paired_resamples():
    beats = numbers(stored_text("bootstrap").splitlines()[-1])
    assert beats[-1] >= 97.5


@pytest.mark.parametrize(
    ("text", "ok"),
    [
        (
            "Could you justify 0.37 here? Nobody can change it safely otherwise, since the reason is lost.",
            True,
        ),
        (
            "call_list decides who is called, so a silent change costs money. Please add a small test for it.",
            True,
        ),
        (
            "You forgot the tests for call_list, which means a change costs money; consider adding one now.",
            False,
        ),
    ],
)
def test_the_comment_rubric_reads_whole_words_and_common_phrasings(text, ok):
    assert (softskills.comment_problems(text) == []) is ok
