"""Generate exercise notebooks from solution notebooks.

Authors edit only ``solutions/NN-slug.ipynb``. This module writes
``exercises/NN-slug.ipynb`` from it:

- in code cells, every region between ``### BEGIN SOLUTION`` and ``### END SOLUTION``
  becomes ``# YOUR CODE HERE`` and ``raise NotImplementedError()`` at the same indent;
- markdown cells tagged ``solution`` (model answers to written questions) become an
  answer prompt;
- cells tagged ``solution-only`` are dropped;
- the title ``# Solutions: …`` becomes ``# Exercises: …``;
- outputs and execution counts are cleared, and three cells are added after the title:
  how to work (``how-to-work``), where the worked solutions are (``solutions-pointer``,
  tagged so that ``make book SOLUTIONS=0`` and ``make nbgrader-course`` leave it out) and a
  set-up cell (``environment``): in a kernel without the book's environment it says in one
  line what to do instead of a traceback, and in Colab it fetches the book (no restart).

Command line::

    python -m mlskills.exercises          # regenerate every exercise notebook
    python -m mlskills.exercises --check  # exit 1 if exercises/ is out of date
"""

from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

import nbformat

from mlskills import ROOT

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = ["# YOUR CODE HERE", "raise NotImplementedError()"]
ANSWER_PROMPT = "**Your answer.** *Double-click this cell and write your answer here.*"
INSTRUCTIONS = (
    "<!-- Generated from {solution} by `make exercises`. Edit the solution notebook, not this file. -->\n"
    "**How to work through this notebook.** Run the cells from the top. In each exercise, replace\n"
    "`raise NotImplementedError()` with your code, then run the check cell below it. A check prints\n"
    "one line: ✓ when your answer is right, ✗ with a hint about what to fix, or *not attempted yet*.\n"
    "Written questions have an answer cell for you to fill in."
)
#: Cells with this tag point to the worked solutions; a build or course without them drops the cell.
SOLUTIONS_POINTER_TAG = "solutions-pointer"
SOLUTIONS_POINTER = (
    "Worked solutions, with model answers to the written questions, where your course publishes them: "
    "[{solution}](../{solution}). Compare your answers with them when you are done."
)
#: The set-up cell's message when the kernel lacks the book's environment (one line, no traceback).
NO_ENVIRONMENT = (
    "this kernel lacks the book's environment: in the book's folder run `make lab` "
    "(or choose the kernel of its .venv); see start/setup.md"
)
ENVIRONMENT_CELL = """\
# Set-up: this notebook needs the book's environment (make lab, Binder, or Colab: this cell fetches it there).
import importlib.util
import os
import sys

if importlib.util.find_spec("mlskills") is None and "google.colab" in sys.modules:
    import subprocess  # Colab: the book is cloned and used in place, so no restart is needed

    if not os.path.isdir("/content/beyond-algorithms"):
        subprocess.run(["git", "clone", "--quiet", "--depth", "1", "{repository}", "/content/beyond-algorithms"], check=True)
    sys.path.insert(0, "/content/beyond-algorithms")
    import mlskills.colab

    mlskills.colab.install_missing()
if importlib.util.find_spec("mlskills") is None:

    class NoBookEnvironment(Exception):
        def _render_traceback_(self):  # IPython shows this one line instead of a traceback
            return [f"{{type(self).__name__}}: {{self}}"]

    raise NoBookEnvironment("{message}")"""

#: Matches a check call in a solution notebook: ``check_name(function_name)``.
CHECK_CALL = re.compile(r"^\s*(check_\w+)\(\s*(\w+)\s*\)\s*$", re.MULTILINE)


class MarkerError(ValueError):
    """A solution cell has unbalanced BEGIN/END SOLUTION markers."""


def strip_solution(source: str, where: str = "") -> str:
    """Replace each marked solution region in ``source`` with the stub."""
    out: list[str] = []
    inside = False
    for number, line in enumerate(source.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise MarkerError(f"{where} line {number}: nested '{BEGIN}'; close the first region with '{END}'.")
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.extend(indent + stub for stub in STUB)
        elif stripped == END:
            if not inside:
                raise MarkerError(f"{where} line {number}: '{END}' without a matching '{BEGIN}'.")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise MarkerError(f"{where}: '{BEGIN}' is never closed; add '{END}' after the answer.")
    return "\n".join(out)


def exercise_from_solution(solution: nbformat.NotebookNode, solution_name: str, root: Path = ROOT) -> nbformat.NotebookNode:
    """Return the exercise notebook for a solution notebook (which is not modified).

    ``root`` is the book whose ``_config.yml`` names the repository the set-up cell clones."""
    nb = copy.deepcopy(solution)
    cells = []
    for index, cell in enumerate(nb.cells):
        tags = cell.get("metadata", {}).get("tags", [])
        if "solution-only" in tags:
            continue
        if cell.cell_type == "code":
            cell.source = strip_solution(cell.source, f"{solution_name} cell {index}")
            cell.outputs = []
            cell.execution_count = None
        elif cell.cell_type == "markdown" and index == 0:
            cell.source = re.sub(r"^# Solutions:", "# Exercises:", cell.source)
        if cell.cell_type == "markdown" and "solution" in tags:
            cell.source = ANSWER_PROMPT
            cell.metadata["tags"] = [t for t in tags if t != "solution"] + ["answer"]
        cells.append(cell)
        if index == 0:
            cells.extend(added_cells(solution_name, root))
    nb.cells = cells
    return nb


def repository_url(root: Path = ROOT) -> str:
    """``repository.url`` of ``_config.yml`` (a fork that changes it gets its own in Colab)."""
    import yaml

    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


def added_cells(solution_name: str, root: Path = ROOT) -> list[nbformat.NotebookNode]:
    """The cells added after the title: how to work, where the solutions are, set-up."""
    intro = nbformat.v4.new_markdown_cell(INSTRUCTIONS.format(solution=solution_name))
    intro.id = "how-to-work"
    pointer = nbformat.v4.new_markdown_cell(SOLUTIONS_POINTER.format(solution=solution_name))
    pointer.id = "solutions-pointer"
    pointer.metadata["tags"] = [SOLUTIONS_POINTER_TAG]
    setup = nbformat.v4.new_code_cell(ENVIRONMENT_CELL.format(repository=repository_url(root), message=NO_ENVIRONMENT))
    setup.id = "environment"
    setup.metadata["tags"] = ["remove-cell"]  # the site shows no code for this cell
    return [intro, pointer, setup]


def solution_paths(root: Path = ROOT) -> list[Path]:
    return sorted((root / "solutions").glob("[0-9][0-9]-*.ipynb"))


def exercise_path(solution: Path, root: Path = ROOT) -> Path:
    return root / "exercises" / solution.name


def render(solution: Path, root: Path = ROOT) -> str:
    """The exercise notebook for ``solution``, as the exact text written to disk."""
    nb = nbformat.read(solution, as_version=4)
    exercise = exercise_from_solution(nb, f"solutions/{solution.name}", root)
    return nbformat.writes(exercise) + "\n"


def out_of_date(root: Path = ROOT) -> list[str]:
    """Exercise notebooks that differ from what the generator would write."""
    stale = []
    for solution in solution_paths(root):
        target = exercise_path(solution, root)
        if not target.exists() or target.read_text(encoding="utf-8") != render(solution, root):
            stale.append(str(target.relative_to(root)))
    names = {s.name for s in solution_paths(root)}
    for orphan in sorted((root / "exercises").glob("*.ipynb")):
        if orphan.name not in names:
            stale.append(f"{orphan.relative_to(root)} (no solutions/{orphan.name})")
    return stale


def generate(root: Path = ROOT) -> list[Path]:
    written = []
    for solution in solution_paths(root):
        target = exercise_path(solution, root)
        target.parent.mkdir(exist_ok=True)
        target.write_text(render(solution, root), encoding="utf-8")
        written.append(target)
    return written


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if "--check" in argv:
            stale = out_of_date()
            for name in stale:
                print(f"✗ {name} is out of date with solutions/: edit `solutions/`; `make exercises` overwrites `exercises/`. Run it and commit the result.")
            if not stale:
                print("✓ exercises/ matches solutions/")
            return 1 if stale else 0
        for path in generate():
            print(f"wrote {path.relative_to(ROOT)}")
    except MarkerError as exc:
        print(f"✗ {exc}")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
