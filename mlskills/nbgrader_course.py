"""Write an nbgrader course directory generated from ``solutions/``.

Command line (``make nbgrader-course DEST=../my-course``)::

    python -m mlskills.nbgrader_course DEST            # every chapter in solutions/
    python -m mlskills.nbgrader_course DEST 02 13      # some chapters (by number or NN-slug)

``DEST`` gets ``nbgrader_config.py`` and ``source/<NN-slug>/<NN-slug>.ipynb`` for every
solution notebook (whatever ``solutions/NN-*.ipynb`` exist when it runs). Each source
notebook is the exercise notebook that ``make exercises`` writes, with nbgrader's metadata
and the answers kept in place for nbgrader to remove:

- the code cell of each exercise (``### BEGIN SOLUTION`` … ``### END SOLUTION``) is an
  *autograded answer*; nbgrader replaces the region with the same stub as ``exercises/``;
- each check cell (``check_x(x)``) is an *autograder test* worth the exercise's points
  (★ 1, ★★ 2, ★★★ 3), unchanged. The course's ``nbgrader_config.py`` sets
  ``MLSKILLS_GRADING=1``, which the kernels nbgrader starts inherit: the checks' grading
  mode (:func:`mlskills.checks.grading`), so a check that does not pass raises
  ``AssertionError`` with its one-line hint and the cell scores 0. (A hidden line in the
  cell would do the same, but nbgrader stores a check cell's checksum before it removes
  hidden lines, so ``autograde`` would warn "checksum … has changed!" on every check cell
  of every submission, untouched ones included);
- each written answer (a markdown cell tagged ``solution``) is a *manually graded answer*
  worth the exercise's points; the release shows the same answer prompt as ``exercises/``;
- every other cell (instructions, imports) is *read-only*;
- cells tagged ``solution-only`` are left out, and the title reads ``# Exercises: …``;
- the exercise notebook's pointer to the worked solutions is left out too.

So ``nbgrader generate_assignment NN-slug`` releases exactly the notebook in
``exercises/`` without that pointer (tests/test_nbgrader.py proves it for every chapter, and runs ``autograde``
on an untouched release, the solution and a submission with one wrong answer).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

from mlskills import ROOT
from mlskills.exercises import (
    ANSWER_PROMPT,
    CHECK_CALL,
    SOLUTIONS_POINTER_TAG,
    STUB,
    exercise_from_solution,
    solution_paths,
)

SCHEMA_VERSION = 3
#: Points of an exercise by its difficulty (number of stars in its heading).
POINTS = {1: 1, 2: 2, 3: 3}
EXERCISE_HEADING = re.compile(r"^#{2,3}\s+Exercise\s+\w+\s*(★+)", re.MULTILINE)

CONFIG = '''\
# nbgrader configuration of a course generated from *Beyond Algorithms* by
# `make nbgrader-course` (mlskills/nbgrader_course.py). Assignments are the chapters:
#   nbgrader generate_assignment 13-optimization      # writes release/13-optimization/
#   nbgrader autograde 13-optimization                # grades submitted/<student>/13-optimization/
# Run the commands in this folder, from the book's environment (it needs `mlskills`).
import os

c = get_config()  # noqa: F821 - provided by nbgrader
c.CourseDirectory.course_id = "beyond-algorithms"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
# Answers are replaced by exactly the stubs of the book's exercises/ notebooks.
c.ClearSolutions.code_stub = {{"python": {code_stub!r}}}
c.ClearSolutions.text_stub = {text_stub!r}
# Checks raise instead of only printing when a kernel started by nbgrader runs them: the
# kernels inherit this variable. This is what makes a failing check cell score 0; keep it
# if you merge this file into a configuration of your own.
os.environ["MLSKILLS_GRADING"] = "1"
# Some chapters' checks train small models: give a cell time on a busy 2-core machine.
c.ExecutePreprocessor.timeout = 600
# A submission may be graded before the student exists in the gradebook.
c.Autograde.create_student = True
'''


def _grade_id(cell, index: int, used: set[str]) -> str:
    base = re.sub(r"[^A-Za-z0-9_-]", "-", str(cell.get("id") or f"cell-{index}")) or f"cell-{index}"
    grade_id, n = base, 1
    while grade_id in used:
        n += 1
        grade_id = f"{base}-{n}"
    used.add(grade_id)
    return grade_id


def _meta(grade_id: str, *, solution=False, grade=False, locked=False, points=None) -> dict:
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": SCHEMA_VERSION,
        "solution": solution,
        "task": False,
    }
    if points is not None:
        meta["points"] = points
    return meta


def source_notebook(solution: nbformat.NotebookNode, solution_name: str) -> nbformat.NotebookNode:
    """The nbgrader source notebook for a solution notebook (which is not modified)."""
    originals = {cell.get("id"): cell for cell in solution.cells}
    nb = exercise_from_solution(solution, solution_name)
    nb.cells = [c for c in nb.cells if SOLUTIONS_POINTER_TAG not in c.metadata.get("tags", [])]
    used: set[str] = set()
    points = 0
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            heading = EXERCISE_HEADING.search(cell.source)
            if heading:
                points = POINTS.get(len(heading.group(1)), len(heading.group(1)))
        original = originals.get(cell.get("id"))
        grade_id = _grade_id(cell, index, used)
        tags = cell.metadata.get("tags", [])
        if cell.cell_type == "code" and original is not None and original.source != cell.source:
            # An answer: nbgrader clears the marked region itself, into the same stub.
            cell.source = original.source
            meta = _meta(grade_id, solution=True)
        elif cell.cell_type == "code" and CHECK_CALL.fullmatch(cell.source.strip()) and points:
            meta = _meta(grade_id, grade=True, locked=True, points=points)
        elif cell.cell_type == "markdown" and "answer" in tags and original is not None and points:
            cell.source = original.source  # the model answer, for the instructor's copy
            meta = _meta(grade_id, solution=True, grade=True, points=points)
        else:
            meta = _meta(grade_id, locked=True)
        cell.metadata["nbgrader"] = meta
    return nb


def config_text() -> str:
    return CONFIG.format(code_stub="\n".join(STUB), text_stub=ANSWER_PROMPT)


def select(names: list[str], root: Path = ROOT) -> list[Path]:
    """Solution notebooks matching chapter numbers or NN-slug names (all when empty)."""
    paths = solution_paths(root)
    if not names:
        return paths
    chosen = [p for p in paths if any(p.stem == n or p.stem.split("-")[0] == n.zfill(2) for n in names)]
    missing = [n for n in names if not any(p.stem == n or p.stem.split("-")[0] == n.zfill(2) for p in chosen)]
    if missing:
        raise SystemExit(f"✗ no solutions/ notebook for {', '.join(missing)}")
    return chosen


def write_course(dest: Path, names: list[str] | None = None, root: Path = ROOT) -> list[Path]:
    """Write ``nbgrader_config.py`` and one source notebook per chapter under ``dest``."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "nbgrader_config.py").write_text(config_text(), encoding="utf-8")
    written = []
    for path in select(names or [], root):
        nb = source_notebook(nbformat.read(path, as_version=4), f"solutions/{path.name}")
        target = dest / "source" / path.stem / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, target)
        written.append(target)
    return written


def points(nb: nbformat.NotebookNode) -> dict[str, float]:
    """Points available in a source notebook: ``{"autograded": …, "manual": …}``."""
    total = {"autograded": 0.0, "manual": 0.0}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade"):
            total["manual" if meta.get("solution") else "autograded"] += float(meta["points"])
    return total


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    dest, names = Path(argv[0]), argv[1:]
    for target in write_course(dest, names):
        p = points(nbformat.read(target, as_version=4))
        print(f"wrote {target} ({p['autograded']:g} autograded points, {p['manual']:g} manually graded)")
    bindir = Path(sys.executable).parent  # nbgrader runs `alembic` from PATH: the book's environment first
    print(f'Next: cd {dest} && PATH="{bindir}:$PATH" nbgrader generate_assignment <NN-slug>')
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
