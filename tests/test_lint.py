"""The chapter linter accepts the book's notebooks and rejects broken ones precisely."""

import copy

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from mlskills import ROOT, lint

KERNEL = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}


@pytest.mark.parametrize("path", lint.targets(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_the_book_notebooks_follow_the_anatomy(path):
    problems = lint.lint_path(path)
    assert not problems, "\n".join(str(p) for p in problems)


def good_chapter() -> nbformat.NotebookNode:
    nb = new_notebook(metadata=KERNEL)
    nb.cells = [
        new_markdown_cell("# A chapter\n\nWhy this matters on the job: a paragraph long enough to say what changes for an engineer who has this skill and one who does not."),
        new_markdown_cell("## Learning objectives\n\n1. Measure one thing.\n2. Build another.\n3. Choose a third."),
        new_markdown_cell("## Prerequisites and time\n\n| Concept | Importance |\n| --- | --- |\n| pandas | Necessary |\n\nTime to learn: 60 minutes."),
        new_markdown_cell("## Setup"),
        new_code_cell("import numpy as np", execution_count=1),
        new_markdown_cell("## First topic\n\nText."),
        new_code_cell("print(1)", execution_count=2, outputs=[new_output("stream", name="stdout", text="1\n")]),
        new_markdown_cell("### A subsection\n\nText."),
        new_markdown_cell("## Second topic\n\nText."),
        new_markdown_cell("## Key takeaways\n\n- one\n- two\n- three\n- four"),
        new_markdown_cell("## Exercises\n\nSee [the exercises](../exercises/99-x.ipynb)."),
        new_markdown_cell("## Further reading\n\n- {cite}`ch99-key`: why."),
    ]
    return nb


@pytest.fixture
def book(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "99-x.ipynb").write_text("{}")
    return tmp_path


def problems_of(nb, root):
    return [str(p) for p in lint.lint_chapter(nb, "chapters/99-x.ipynb", root)]


def test_a_good_chapter_passes(book):
    assert problems_of(good_chapter(), book) == []


def break_it(how):
    nb = good_chapter()
    how(nb)
    return nb


BROKEN = {
    "missing section": (lambda nb: nb.cells.pop(9), "no '## Key takeaways' section"),
    "heading jump": (lambda nb: setattr(nb.cells[7], "source", "#### Deep\n\nText."), "jumps from H2 to H4"),
    "second H1": (lambda nb: setattr(nb.cells[5], "source", "# Another title"), "a second H1"),
    "no why paragraph": (lambda nb: setattr(nb.cells[0], "source", "# A chapter"), "no why-it-matters paragraph"),
    "too few objectives": (lambda nb: setattr(nb.cells[1], "source", "## Learning objectives\n\n1. One."), "1 learning objectives"),
    "no time estimate": (lambda nb: setattr(nb.cells[2], "source", "## Prerequisites and time\n\n| a | b |\n| - | - |"), "no time estimate"),
    "placeholder": (lambda nb: setattr(nb.cells[5], "source", "## First topic\n\nTODO write this"), "placeholder text 'TODO'"),
    "stderr output": (
        lambda nb: nb.cells[6].outputs.append(new_output("stream", name="stderr", text="FutureWarning: old API\n")),
        "stderr in the stored output ('FutureWarning: old API')",
    ),
    "unexecuted cell": (lambda nb: setattr(nb.cells[6], "execution_count", None), "execution count is None, expected 2"),
    "figure without alt text": (
        lambda nb: nb.cells[6].outputs.append(new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})),
        "a figure without alt text",
    ),
    "weak alt text": (
        lambda nb: (
            nb.cells[6].outputs.append(new_output("display_data", data={"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"})),
            nb.cells[6].metadata.update({"mystnb": {"image": {"alt": "plot"}}}),
        ),
        "alt text 'plot' does not describe the figure",
    ),
    "ignore marker without reason": (lambda nb: setattr(nb.cells[6], "source", "# NBVAL_IGNORE_OUTPUT\nprint(1)"), "without a reason"),
    "exercise link missing": (lambda nb: setattr(nb.cells[10], "source", "## Exercises\n\nDo them."), "does not link the exercise notebook"),
    "nothing cited": (lambda nb: setattr(nb.cells[11], "source", "## Further reading\n\n- A book."), "Further reading cites nothing"),
    "sections out of order": (lambda nb: nb.cells.insert(1, nb.cells.pop(9)), "out of order"),
    "wrong kernel": (lambda nb: nb.metadata.update({"kernelspec": {"name": "conda-env-x"}}), "kernelspec is not 'python3'"),
}


@pytest.mark.parametrize("case", BROKEN, ids=str)
def test_a_broken_chapter_is_rejected_with_where_and_how_to_fix(book, case):
    how, expected = BROKEN[case]
    problems = problems_of(break_it(how), book)
    matching = [p for p in problems if expected in p]
    assert matching, f"expected a problem containing {expected!r}, got {problems}"
    assert all(p.startswith("chapters/99-x.ipynb") and ". Fix: " in p for p in matching)


def test_a_cell_problem_names_the_cell(book):
    nb = break_it(BROKEN["stderr output"][0])
    [problem] = [p for p in problems_of(nb, book) if "stderr" in p]
    assert problem.startswith("chapters/99-x.ipynb, cell 6:")


def good_solutions() -> nbformat.NotebookNode:
    nb = new_notebook(metadata=KERNEL)
    nb.cells = [new_markdown_cell("# Solutions: X")]
    count = 0
    for n, stars in enumerate(["★", "★★", "★★", "★★★"], start=1):
        nb.cells.append(new_markdown_cell(f"## Exercise {n} {stars} — Task {n}"))
        count += 1
        nb.cells.append(new_code_cell(f"def f{n}():\n    ### BEGIN SOLUTION\n    return {n}\n    ### END SOLUTION", execution_count=count))
        count += 1
        nb.cells.append(new_code_cell(f"check_f{n}(f{n})", execution_count=count, outputs=[new_output("stream", name="stdout", text="✓ ok\n")]))
    return nb


def test_good_solutions_pass():
    assert lint.lint_solutions(good_solutions(), "solutions/99-x.ipynb") == []


@pytest.mark.parametrize(
    ("how", "expected"),
    [
        (lambda nb: setattr(nb.cells[10], "source", "## Exercise 4 ★★ — Task 4"), "no ★★★ exercise"),
        (lambda nb: del_cells(nb, 1, 4), "3 exercises with a difficulty"),
        (lambda nb: setattr(nb.cells[3], "outputs", [new_output("stream", name="stdout", text="✗ wrong\n")]), "does not show ✓"),
        (lambda nb: setattr(nb.cells[3], "source", "print('no check')"), "'f1' has no check cell"),
        (lambda nb: setattr(nb.cells[2], "source", "def f1():\n    ### BEGIN SOLUTION\n    return 1"), "never closed"),
        (lambda nb: setattr(nb.cells[2], "source", "%timeit 1\ndef f1():\n    ### BEGIN SOLUTION\n    return 1\n    ### END SOLUTION"), "IPython magic"),
    ],
    ids=["no three-star", "too few", "check fails", "no check", "unbalanced markers", "magic"],
)
def test_broken_solutions_are_rejected(how, expected):
    nb = copy.deepcopy(good_solutions())
    how(nb)
    problems = [str(p) for p in lint.lint_solutions(nb, "solutions/99-x.ipynb")]
    assert any(expected in p for p in problems), problems


def del_cells(nb, start, stop):
    del nb.cells[start:stop]


def test_the_templates_are_rejected_until_filled_in():
    chapter = nbformat.read(ROOT / "templates" / "chapter.ipynb", as_version=4)
    problems = [str(p) for p in lint.lint_chapter(chapter, "chapters/99-x.ipynb", ROOT)]
    assert any("placeholder text 'TODO'" in p for p in problems)
