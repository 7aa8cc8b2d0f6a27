"""The nbgrader course of `make nbgrader-course`, run through the real nbgrader.

For every chapter in solutions/, ``nbgrader generate_assignment`` succeeds and releases
exactly the notebook in exercises/ (same cells, same sources, no solution-only content),
without the exercise notebook's pointer to the worked solutions.
For ROUND_TRIP chapters, ``nbgrader autograde`` gives an untouched release 0 points, the
solution every autograded point, and a submission with one wrong answer exactly that
exercise's points less. (Autograde executes each submission in a kernel, so it runs on
one chapter; generate_assignment does not execute and runs on all.)
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from mlskills import ROOT
from mlskills.exercises import BEGIN, CHECK_CALL, SOLUTIONS_POINTER_TAG, solution_paths
from mlskills.nbgrader_course import points, write_course

pytest.importorskip("nbgrader", reason="nbgrader is pinned in requirements.txt: run `make setup`")

#: Chapters whose submissions are autograded (chapter, the check whose answer goes wrong).
ROUND_TRIP = [("13-optimization", "check_quantize_uint8")]
CHAPTERS = [p.stem for p in solution_paths()]


def nbgrader(course: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the nbgrader command line of this environment in ``course``."""
    bindir = str(Path(sys.executable).parent)  # nbgrader runs `alembic` from PATH
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    env.pop("MLSKILLS_GRADING", None)
    finished = subprocess.run(
        [str(Path(bindir) / "nbgrader"), *args], cwd=course, env=env, capture_output=True, text=True, timeout=900
    )
    assert finished.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{finished.stdout[-3000:]}\n{finished.stderr[-3000:]}"
    return finished


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("course")
    write_course(dest)
    nbgrader(dest, "generate_assignment", "*", "--force")
    return dest


def cells(nb) -> list[tuple[str, str]]:
    return [(c.cell_type, c.source) for c in nb.cells if SOLUTIONS_POINTER_TAG not in c.metadata.get("tags", [])]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_the_release_is_the_exercise_notebook(course, chapter):
    release = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    exercise = nbformat.read(ROOT / "exercises" / f"{chapter}.ipynb", as_version=4)
    assert cells(release) == cells(exercise), (
        f"nbgrader's release of {chapter} differs from exercises/{chapter}.ipynb; "
        "edit `solutions/`; `make exercises` overwrites `exercises/`"
    )
    text = "\n".join(c.source for c in release.cells)
    assert BEGIN not in text and "BEGIN HIDDEN TESTS" not in text and "# Solutions:" not in text
    assert "MLSKILLS_GRADING" not in text, "the release must not switch grading mode on for the learner"
    shown = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)  # the generator's note to editors is not shown
    assert "solutions/" not in shown, f"the release of {chapter} points to the worked solutions"
    solution = nbformat.read(ROOT / "solutions" / f"{chapter}.ipynb", as_version=4)
    for cell in solution.cells:
        tags = cell.metadata.get("tags", [])
        if ("solution" in tags or "solution-only" in tags) and cell.source.strip():
            assert cell.source not in text, f"solution-only content of {chapter} reached the release"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_graded_cell_has_points_and_every_other_cell_is_read_only(course, chapter):
    source = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    total = points(source)
    assert total["autograded"] + total["manual"] > 0, f"{chapter} has no graded cell"
    for cell in source.cells:
        meta = cell.metadata["nbgrader"]
        if meta["grade"]:
            assert meta["points"] in (1, 2, 3)
        elif not meta["solution"]:
            assert meta["locked"], f"{chapter}: an instruction cell is editable"


def _submit(course: Path, chapter: str, student: str, nb) -> None:
    folder = course / "submitted" / student / chapter
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / f"{chapter}.ipynb")


def _wrong_answer(chapter: str, check_name: str):
    module = importlib.import_module(f"tests.checks.ch{chapter[:2]}_wrong_answers")
    return module.WRONG[check_name][0]


@pytest.mark.parametrize(("chapter", "wrong_check"), ROUND_TRIP)
def test_autograde_gives_zero_partial_and_full_points(course, chapter, wrong_check):
    from nbgrader.api import Gradebook

    release = nbformat.read(course / "release" / chapter / f"{chapter}.ipynb", as_version=4)
    source = nbformat.read(course / "source" / chapter / f"{chapter}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells if c.metadata["nbgrader"]["solution"]}

    solved = nbformat.from_dict(release)
    for cell in solved.cells:
        if cell.metadata["nbgrader"]["grade_id"] in answers:
            cell.source = answers[cell.metadata["nbgrader"]["grade_id"]]

    # One wrong answer: the first plausible mistake of tests/checks/chNN_wrong_answers.py.
    wrong = _wrong_answer(chapter, wrong_check)
    index = next(i for i, c in enumerate(release.cells) if c.cell_type == "code" and CHECK_CALL.fullmatch(c.source.strip()) and CHECK_CALL.match(c.source.strip()).group(1) == wrong_check)
    function = CHECK_CALL.match(release.cells[index].source.strip()).group(2)
    answer_cell = next(c for c in reversed(solved.cells[:index]) if c.metadata["nbgrader"]["solution"] and c.cell_type == "code")
    check_points = source.cells[index].metadata["nbgrader"]["points"]
    one_wrong = nbformat.from_dict(solved)
    one_wrong_cell = next(c for c in one_wrong.cells if c.metadata["nbgrader"]["grade_id"] == answer_cell.metadata["nbgrader"]["grade_id"])
    one_wrong_cell.source = f"{inspect.getsource(wrong)}\n{function} = {wrong.__name__}\n"

    _submit(course, chapter, "untouched", release)
    _submit(course, chapter, "solution", solved)
    _submit(course, chapter, "one-wrong", one_wrong)
    graded_log = nbgrader(course, "autograde", chapter, "--force")
    log = graded_log.stdout + graded_log.stderr
    assert "has changed" not in log, "autograde warns that an unchanged check cell was changed:\n" + "\n".join(
        line for line in log.splitlines() if "has changed" in line
    )

    full = points(source)["autograded"]
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gb:
        scores = {s: gb.find_submission_notebook(chapter, chapter, s).code_score for s in ("untouched", "solution", "one-wrong")}
    print(f"nbgrader autograde of {chapter}: {scores} of {full:g} autograded points")
    assert scores == {"untouched": 0, "solution": full, "one-wrong": full - check_points}, scores
    # reference/for-instructors.md quotes these scores: they must be the ones just produced.
    page = " ".join((ROOT / "reference" / "for-instructors.md").read_text(encoding="utf-8").split())
    quoted = f"untouched release **0** of {full:g} autograded points, a submission with one wrong answer"
    assert quoted in page and f"**{full - check_points:g}**, and the solution **{full:g}**" in page, (
        f"reference/for-instructors.md must quote the round trip's scores: 0, {full - check_points:g} and {full:g} of {full:g}"
    )
    # The feedback shows each failing check as its one line, not a traceback.
    graded = nbformat.read(course / "autograded" / "one-wrong" / chapter / f"{chapter}.ipynb", as_version=4)
    errors = [o for c in graded.cells for o in c.get("outputs", []) if o.output_type == "error"]
    assert len(errors) == 1 and len(errors[0].traceback) == 1 and errors[0].traceback[0].startswith("AssertionError: ✗ ")


def test_normalising_a_notebook_keeps_nbgrader_metadata():
    from mlskills.notebooks import normalize

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("check_x(x)")
    cell.metadata["nbgrader"] = {"grade": True, "grade_id": "ex1-check", "locked": True, "points": 2, "schema_version": 3, "solution": False, "task": False}
    cell.metadata["collapsed"] = False
    nb.cells.append(cell)
    normalize(nb)
    assert nb.cells[0].metadata == {"nbgrader": cell.metadata["nbgrader"]}
