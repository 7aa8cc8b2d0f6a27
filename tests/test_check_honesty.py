"""Every exercise check is honest: it accepts the solution, calls the untouched stub
"not attempted yet", and rejects plausible wrong answers with a specific hint.

Wrong answers live in tests/checks/chNN_wrong_answers.py as ``WRONG = {check: [fns]}``:
one per rule the check's ✓ line claims (rule ablation), on every argument the rule applies
to, plus the boundary cases learners hit. The same file holds ``RIGHT = {check: [fns]}``:
correct answers written differently from the solution, which every check must accept.
Every check must also stop an answer that never returns, within its time budget.
"""

from __future__ import annotations

import importlib
import importlib.util
from pathlib import Path

import pytest

from mlskills import ROOT
from mlskills.checks import FAIL, NOT_ATTEMPTED, NOT_ATTEMPTED_LINE, PASS, time_budget
from tests.notebook_code import check_calls, namespace

GENERIC = "your answer could not be checked"


def chapters() -> list[tuple[str, Path]]:
    found = []
    for solution in sorted((ROOT / "solutions").glob("[0-9][0-9]-*.ipynb")):
        found.append((f"ch{solution.name[:2]}", solution))
    return found


def answers_module(chapter: str):
    path = ROOT / "tests" / "checks" / f"{chapter}_wrong_answers.py"
    if not path.exists():
        return None
    spec = importlib.util.spec_from_file_location(f"wrong_{chapter}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def wrong_answers(chapter: str) -> dict:
    module = answers_module(chapter)
    return getattr(module, "WRONG", {}) if module else {}


def right_answers(chapter: str) -> dict:
    module = answers_module(chapter)
    return getattr(module, "RIGHT", {}) if module else {}


def checks_module(chapter: str):
    return importlib.import_module(f"mlskills.checks.{chapter}")


CASES = [(chapter, solution, check, fn) for chapter, solution in chapters() for check, fn in check_calls(solution)]
WRONG_CASES = [
    (chapter, check, wrong)
    for chapter, _ in chapters()
    for check, wrongs in wrong_answers(chapter).items()
    for wrong in wrongs
]

RIGHT_CASES = [
    (chapter, check, right)
    for chapter, _ in chapters()
    for check, rights in right_answers(chapter).items()
    for right in rights
]

#: Seconds each check gets in the never-returns tests (instead of its own budget): about 190
#: answers that never return are stopped in the suite, so every tenth of a second costs ~10 s.
HANG_BUDGET_S = 0.3


def never_returns(*args, **kwargs):
    """The answer that loops forever: a check must stop it and say so."""
    while True:
        pass


@pytest.mark.parametrize(("chapter", "solution", "check", "fn"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_check_accepts_the_solution(chapter, solution, check, fn):
    result = getattr(checks_module(chapter), check).evaluate(namespace(solution)[fn])
    assert result.status == PASS, f"{check} rejects the solution in {solution.name}: {result.line}"


@pytest.mark.parametrize(("chapter", "solution", "check", "fn"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_check_says_not_attempted_for_the_stub(chapter, solution, check, fn):
    exercise = ROOT / "exercises" / solution.name
    result = getattr(checks_module(chapter), check).evaluate(namespace(exercise)[fn])
    assert result.status == NOT_ATTEMPTED, f"{check} on the untouched stub printed: {result.line}"
    assert result.line == NOT_ATTEMPTED_LINE


@pytest.mark.parametrize(("chapter", "check", "wrong"), WRONG_CASES, ids=[f"{c[0]}-{c[1]}-{c[2].__name__}" for c in WRONG_CASES])
def test_check_rejects_a_wrong_answer_with_a_specific_hint(chapter, check, wrong):
    if getattr(wrong, "never_returns", False):  # marked with tests.checks.never_returns
        with time_budget(HANG_BUDGET_S):
            result = getattr(checks_module(chapter), check).evaluate(wrong)
        assert "did not return within" in result.line or "did not finish within" in result.line, (
            f"{wrong.__name__} is marked never_returns but {check} said: {result.line}"
        )
    else:
        result = getattr(checks_module(chapter), check).evaluate(wrong)
    assert result.status == FAIL, f"{check} accepted the wrong answer {wrong.__name__}: {result.line}"
    assert not result.message.startswith(GENERIC), f"{check} gave no specific hint for {wrong.__name__}: {result.line}"
    assert len(result.message) >= 25, f"hint too vague for {wrong.__name__}: {result.line}"
    assert "\n" not in result.line, "a check prints exactly one line"


@pytest.mark.parametrize(("chapter", "check", "right"), RIGHT_CASES, ids=[f"{c[0]}-{c[1]}-{c[2].__name__}" for c in RIGHT_CASES])
def test_check_accepts_a_correct_answer_written_differently(chapter, check, right):
    result = getattr(checks_module(chapter), check).evaluate(right)
    assert result.status == PASS, f"{check} rejects the valid answer {right.__name__}: {result.line}"


@pytest.mark.parametrize(("chapter", "solution", "check", "fn"), CASES, ids=[f"{c[0]}-{c[2]}" for c in CASES])
def test_check_stops_an_answer_that_never_returns(chapter, solution, check, fn):
    import time

    start = time.monotonic()
    with time_budget(HANG_BUDGET_S):
        result = getattr(checks_module(chapter), check).evaluate(never_returns)
    elapsed = time.monotonic() - start
    assert result.status == FAIL, f"{check} did not fail an answer that never returns: {result.line}"
    assert "did not return within" in result.line or "did not finish within" in result.line, result.line
    assert elapsed < HANG_BUDGET_S + 5, f"{check} took {elapsed:.1f} s to give up on a hanging answer"


@pytest.mark.parametrize(("chapter", "solution"), chapters(), ids=[c[0] for c in chapters()])
def test_every_check_is_used_and_has_two_wrong_answers(chapter, solution):
    module = checks_module(chapter)
    defined = {name for name, obj in vars(module).items() if name.startswith("check_") and hasattr(obj, "evaluate")}
    used = {check for check, _ in check_calls(solution)}
    wrong = wrong_answers(chapter)
    assert used, f"solutions/{solution.name} calls no check"
    assert defined == used, f"checks defined but unused: {sorted(defined - used)}; used but undefined: {sorted(used - defined)}"
    thin = {check: len(wrong.get(check, [])) for check in used if len(wrong.get(check, [])) < 2}
    assert not thin, f"each check needs at least two wrong answers in tests/checks/{chapter}_wrong_answers.py; too few: {thin}"
