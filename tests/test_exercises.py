"""Exercises are generated from solutions, in sync, and leak no solution code."""

import nbformat
import pytest

from mlskills import ROOT
from mlskills.exercises import (
    ANSWER_PROMPT,
    BEGIN,
    END,
    MarkerError,
    exercise_from_solution,
    out_of_date,
    solution_paths,
    strip_solution,
)


def test_exercises_are_in_sync_with_solutions():
    stale = out_of_date()
    assert not stale, f"exercises/ is out of date: edit `solutions/`; `make exercises` overwrites `exercises/` (run it and commit): {stale}"


def test_every_solution_has_an_exercise_and_the_reverse():
    solutions = {p.name for p in solution_paths()}
    exercises = {p.name for p in (ROOT / "exercises").glob("*.ipynb")}
    assert solutions == exercises


@pytest.mark.parametrize("solution", solution_paths(), ids=lambda p: p.name)
def test_no_solution_code_leaks_into_the_exercise(solution):
    sol = nbformat.read(solution, as_version=4)
    exercise = nbformat.read(ROOT / "exercises" / solution.name, as_version=4)
    exercise_text = "\n".join(c.source for c in exercise.cells)
    for cell in sol.cells:
        if cell.cell_type == "markdown" and "solution" in cell.metadata.get("tags", []):
            assert cell.source not in exercise_text
        if cell.cell_type != "code" or BEGIN not in cell.source:
            continue
        inside = False
        for line in cell.source.splitlines():
            if line.strip() == BEGIN:
                inside = True
            elif line.strip() == END:
                inside = False
            elif inside and len(line.strip()) > 12:
                assert line not in exercise_text.splitlines(), f"solution line leaked: {line!r}"
    for cell in exercise.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


def test_strip_solution_keeps_the_indent_and_the_signature():
    source = "def f(x):\n    '''Doc.'''\n    ### BEGIN SOLUTION\n    y = x + 1\n    return y\n    ### END SOLUTION\n"
    assert strip_solution(source) == "def f(x):\n    '''Doc.'''\n    # YOUR CODE HERE\n    raise NotImplementedError()"


def test_two_regions_in_one_cell_are_both_stripped():
    source = "def f():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION\n\ndef g():\n    ### BEGIN SOLUTION\n    return 2\n    ### END SOLUTION"
    stripped = strip_solution(source)
    assert stripped.count("raise NotImplementedError()") == 2 and "return" not in stripped


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("def f():\n    ### BEGIN SOLUTION\n    return 1\n", "never closed"),
        ("def f():\n    return 1\n    ### END SOLUTION\n", "without a matching"),
        ("def f():\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "nested"),
    ],
)
def test_unbalanced_markers_are_reported_with_a_fix(source, message):
    with pytest.raises(MarkerError, match=message):
        strip_solution(source, "solutions/99-x.ipynb cell 3")


def test_tagged_cells_become_prompts_or_disappear():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Solutions: X"),
        nbformat.v4.new_markdown_cell("Solutions only.", metadata={"tags": ["solution-only"]}),
        nbformat.v4.new_markdown_cell("The model answer.", metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("x = 1", execution_count=1, outputs=[nbformat.v4.new_output("stream", text="hi")]),
    ]
    exercise = exercise_from_solution(nb, "solutions/99-x.ipynb")
    sources = [c.source for c in exercise.cells]
    assert "Solutions only." not in sources and "The model answer." not in sources
    assert ANSWER_PROMPT in sources
    assert exercise.cells[0].source == "# Exercises: X"
    assert exercise.cells[1].id == "how-to-work"
    assert exercise.cells[-1].outputs == [] and exercise.cells[-1].execution_count is None
    assert nb.cells[3].outputs, "the solution notebook itself is not modified"
