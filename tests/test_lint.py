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
    return nb


def test_the_templates_are_rejected_until_filled_in():
    chapter = nbformat.read(ROOT / "templates" / "chapter.ipynb", as_version=4)
    problems = [str(p) for p in lint.lint_chapter(chapter, "chapters/99-x.ipynb", ROOT)]
    assert any("placeholder text 'TODO'" in p for p in problems)


# --- every rule broken once, each message with its fix (issue 23) ------------------------

FIGURE = {"image/png": "iVBORw0KGgo=", "text/plain": "<Figure>"}


def with_output(cell: int, output):
    return lambda nb: nb.cells[cell].outputs.append(output)


def set_source(cell: int, source: str):
    return lambda nb: setattr(nb.cells[cell], "source", source)


# (how to break the good chapter, the problem it must cause: the exact line a contributor reads)
EXACT = {
    "stored error": (
        with_output(6, new_output("error", ename="KeyError", evalue="'mass_g' " + "x" * 100, traceback=[])),
        "chapters/99-x.ipynb, cell 6: an error is stored (KeyError: 'mass_g' " + "x" * 71 + "). Fix: fix the cell and re-execute the notebook",
    ),
    "long stderr": (
        with_output(6, new_output("stream", name="stderr", text="\n  " + "w" * 100 + "\nsecond line\n")),
        f"chapters/99-x.ipynb, cell 6: stderr in the stored output ('{'w' * 80}'). Fix: fix the cause (a deprecated API, a pandas 3 idiom, a missing seed) rather than hiding the warning; then re-execute",
    ),
    "blank stderr": (
        with_output(6, new_output("stream", name="stderr", text="\n")),
        "chapters/99-x.ipynb, cell 6: stderr in the stored output (''). Fix: fix the cause (a deprecated API, a pandas 3 idiom, a missing seed) rather than hiding the warning; then re-execute",
    ),
    "one content section": (
        lambda nb: nb.cells.pop(8),
        "chapters/99-x.ipynb: 1 content section(s) between Setup and Key takeaways. Fix: teach each topic of the pillar in its own '## ' section (at least two)",
    ),
    "huge text output": (
        with_output(6, new_output("stream", name="stdout", text="x" * 20_001)),
        "chapters/99-x.ipynb, cell 6: a text output of 20,001 characters. Fix: print a summary (head(), describe(), a few rows) instead of everything",
    ),
    "huge rich output": (
        with_output(6, new_output("execute_result", data={"text/plain": "y" * 15_000, "text/html": "z" * 15_000}, execution_count=2)),
        "chapters/99-x.ipynb, cell 6: a text output of 30,000 characters. Fix: print a summary (head(), describe(), a few rows) instead of everything",
    ),
    "huge image": (
        lambda nb: (
            nb.cells[6].outputs.append(new_output("display_data", data={"image/png": "A" * 300_001})),
            nb.cells[6].metadata.update({"mystnb": {"image": {"alt": "Bar chart of the five species by mean body mass in grams."}}}),
        ),
        "chapters/99-x.ipynb, cell 6: a stored image/png of 300,001 characters. Fix: lower the figure size or dpi (e.g. figsize=(7, 4), dpi=100)",
    ),
    "figure without alt": (
        with_output(6, new_output("display_data", data=FIGURE)),
        'chapters/99-x.ipynb, cell 6: a figure without alt text. Fix: add cell metadata {"mystnb": {"image": {"alt": "<what the figure shows and its finding>"}}}',
    ),
    "four-word alt": (
        lambda nb: (
            nb.cells[6].outputs.append(new_output("display_data", data={"image/svg+xml": "<svg/>"})),
            nb.cells[6].metadata.update({"mystnb": {"image": {"alt": "Mass of the penguins"}}}),
        ),
        "chapters/99-x.ipynb, cell 6: alt text 'Mass of the penguins' does not describe the figure. Fix: say what is plotted and what it shows, in one or two sentences",
    ),
    "marker with a short reason": (
        set_source(6, "# NBVAL_IGNORE_OUTPUT: - seconds\nprint(1)"),  # seven characters of reason
        "chapters/99-x.ipynb, cell 6: '# NBVAL_IGNORE_OUTPUT' without a reason. Fix: write the reason on the same line, e.g. '# NBVAL_IGNORE_OUTPUT: timings vary between machines'",
    ),
    "heading jump from the title": (
        set_source(7, "#### Deep\n\nText."),
        "chapters/99-x.ipynb, cell 7: heading 'Deep' jumps from H2 to H4. Fix: use ### for it, or add the missing level above",
    ),
    "second title": (
        lambda nb: nb.cells.insert(9, new_markdown_cell("# Another title")),
        "chapters/99-x.ipynb, cell 9: a second H1 ('# Another title'); a page has one title. Fix: turn it into '## ...' (a section)",
    ),
    "no title": (
        set_source(0, "A chapter\n\nWhy this matters on the job: a paragraph long enough to say what changes for an engineer who has this skill."),
        "chapters/99-x.ipynb, cell 0: the notebook does not start with a markdown cell holding its '# Title'. Fix: make the first cell markdown and begin it with '# <chapter title>'",
    ),
    "timing metadata": (
        lambda nb: nb.cells[6].metadata.update({"execution": {"iopub.status.busy": "2026-01-01"}}),
        "chapters/99-x.ipynb, cell 6: per-cell timing metadata is stored. Fix: run `make execute NB=<this notebook>` (it normalises metadata)",
    ),
    "empty code cell": (
        lambda nb: nb.cells.insert(7, new_code_cell("  \n", execution_count=3)),
        "chapters/99-x.ipynb, cell 7: an empty code cell. Fix: delete it",
    ),
    "TODO in a comment": (
        set_source(6, "print(1)  # TODO: a better example"),
        "chapters/99-x.ipynb, cell 6: placeholder text 'TODO' in a comment or docstring of a code cell. Fix: write the real text (the templates' TODOs are there to be replaced)",
    ),
    "FIXME in an unfinished string": (
        set_source(6, "text = '''FIXME"),
        "chapters/99-x.ipynb, cell 6: placeholder text 'FIXME' in a comment or docstring of a code cell. Fix: write the real text (the templates' TODOs are there to be replaced)",
    ),
    "TBD in markdown": (
        set_source(8, "## Second topic\n\nTBD"),
        "chapters/99-x.ipynb, cell 8: placeholder text 'TBD' in a markdown cell. Fix: write the real text or remove the cell",
    ),
    "wrong kernel": (
        lambda nb: nb.metadata.update({"kernelspec": {"name": "conda-env-x"}}),
        "chapters/99-x.ipynb: kernelspec is not 'python3'. Fix: run `make execute NB=<this notebook>` to execute and normalise it",
    ),
    "unexecuted": (
        lambda nb: setattr(nb.cells[6], "execution_count", None),
        "chapters/99-x.ipynb, cell 6: execution count is None, expected 2: outputs are missing or stale. Fix: re-execute the notebook top to bottom with `make execute NB=<this notebook>`",
    ),
    "nineteen-word why": (
        set_source(0, "# A chapter\n\n" + " ".join(["word"] * 19) + "\n\n## Not counted either"),
        "chapters/99-x.ipynb, cell 0: no why-it-matters paragraph under the title. Fix: write one short paragraph (20+ words) on why this matters on the job, in the title cell",
    ),
    "missing section": (
        lambda nb: nb.cells.pop(11),
        "chapters/99-x.ipynb: no '## Further reading' section. Fix: add '## Further reading' (see templates/chapter.ipynb for the anatomy)",
    ),
    "sections out of order": (
        lambda nb: nb.cells.insert(10, nb.cells.pop(11)),
        "chapters/99-x.ipynb: the anatomy sections are out of order. Fix: order them as Learning objectives → Prerequisites and time → Setup → Key takeaways → Exercises → Further reading, with the content sections between Setup and Key takeaways",
    ),
    "seven objectives": (
        set_source(1, "## Learning objectives\n\n" + "\n".join(f"- Do thing {n}." for n in range(7))),
        "chapters/99-x.ipynb, cell 1: 7 learning objectives. Fix: list 3 to 6 measurable objectives ('measure…', 'refactor…', 'choose…')",
    ),
    "three takeaways": (
        set_source(9, "## Key takeaways\n\n- one\n- two\n- three"),
        "chapters/99-x.ipynb, cell 9: 3 key takeaways. Fix: list 4 to 8 bullets",
    ),
    "nine takeaways": (
        set_source(9, "## Key takeaways\n\n" + "\n".join(f"* point {n}" for n in range(9))),
        "chapters/99-x.ipynb, cell 9: 9 key takeaways. Fix: list 4 to 8 bullets",
    ),
    "no table": (
        set_source(2, "## Prerequisites and time\n\nKnow pandas. Time to learn: 60 minutes."),
        "chapters/99-x.ipynb, cell 2: no prerequisites table. Fix: add a table: | Concept | Importance | Notes | with necessary/helpful rows",
    ),
    "no time": (
        set_source(2, "## Prerequisites and time\n\n| Concept | Importance |\n| --- | --- |\n| pandas | 60 |"),
        "chapters/99-x.ipynb, cell 2: no time estimate. Fix: state the time to learn, e.g. 'Time to learn: 90 minutes'",
    ),
    "setup code too far": (
        lambda nb: [nb.cells.insert(4, new_markdown_cell("Some words.")) for _ in range(2)],
        "chapters/99-x.ipynb, cell 3: the Setup section has no code cell right after it. Fix: put the imports and seeds in a code cell under '## Setup'",
    ),
    "exercise link": (
        set_source(10, "## Exercises\n\nSee [the exercises](../exercises/98-y.ipynb)."),
        "chapters/99-x.ipynb, cell 10: the Exercises section does not link the exercise notebook. Fix: link it: [the exercises](../exercises/99-x.ipynb)",
    ),
    "nothing cited": (
        set_source(11, "## Further reading\n\n- A book."),
        "chapters/99-x.ipynb, cell 11: Further reading cites nothing. Fix: cite each source with {cite}`key` (entries go in references/<chapter>.bib)",
    ),
}


@pytest.mark.parametrize("case", EXACT, ids=str)
def test_each_rule_names_the_cell_the_problem_and_the_fix(book, case):
    how, expected = EXACT[case]
    assert problems_of(break_it(how), book) == [expected]


@pytest.mark.parametrize(
    "how",
    [
        set_source(6, "# NBVAL_IGNORE_OUTPUT: ran fast\nprint(1)"),  # eight characters of reason
        set_source(1, "## Learning objectives\n\n" + "\n".join(f"{n}. Do thing {n}." for n in range(1, 7))),
        set_source(9, "## Key takeaways\n\n" + "\n".join(f"+ point {n}" for n in range(8))),
        set_source(0, "# A chapter\n" + " ".join(["word"] * 20)),
        set_source(2, "## Prerequisites and time\n\n| Concept | Importance |\n| --- | --- |\n\nTime to learn: 2 h"),
        with_output(6, new_output("stream", name="stdout", text="x" * 20_000)),
        lambda nb: (
            nb.cells[6].outputs.append(new_output("display_data", data={"image/jpeg": "A" * 300_000, "text/plain": "<Figure>"})),
            nb.cells[6].metadata.update({"mystnb": {"image": {"alt": "Bar chart of the five species by mean body mass in grams."}}}),
        ),
        lambda nb: (
            nb.cells[6].outputs.append(new_output("display_data", data=FIGURE)),
            nb.cells[6].metadata.update({"mystnb": {"image": {"alt": "Mass of the five penguins"}}}),
        ),
        lambda nb: nb.cells.insert(4, new_markdown_cell("One sentence before the imports.")),
        set_source(6, "TODO_COUNT = 1  # a name, not a placeholder\nprint('toDo')"),
        set_source(5, "## First topic\n\n```python\n# a comment in a fenced block is not a heading\n```\n\n~~~\n#### nor this\n~~~"),
        lambda nb: setattr(nb.cells[0], "source", "\n" + nb.cells[0].source),
        set_source(5, "## First topic\n\n1. Run this:\n   ```bash\n# a shell comment, not a heading\n   ```"),
    ],
    ids=[
        "reason of eight characters", "six objectives", "eight takeaways", "twenty-word why", "time in hours",
        "text output at the cap", "image at the cap", "five-word alt", "setup code one cell down",
        "TODO as a name", "headings in code fences", "blank line before the title", "indented fence",
    ],
)
def test_what_the_rules_allow_passes(book, how):
    assert problems_of(break_it(how), book) == []


def test_a_stale_cell_is_reported_once_not_for_every_cell_after_it(book):
    nb = good_chapter()
    nb.cells[4].execution_count = 5
    problems = problems_of(nb, book)
    assert problems == [
        "chapters/99-x.ipynb, cell 4: execution count is 5, expected 1: outputs are missing or stale. Fix: re-execute the notebook top to bottom with `make execute NB=<this notebook>`",
        "chapters/99-x.ipynb, cell 6: execution count is 2, expected 6: outputs are missing or stale. Fix: re-execute the notebook top to bottom with `make execute NB=<this notebook>`",
    ]
    nb.cells[6].execution_count = 6
    assert len(problems_of(nb, book)) == 1


def test_an_unexecuted_cell_does_not_shift_the_count_of_the_next(book):
    nb = good_chapter()
    nb.cells[4].execution_count = None
    nb.cells[6].execution_count = 2
    assert [p.split(":")[0] for p in problems_of(nb, book)] == ["chapters/99-x.ipynb, cell 4"]


def test_sections_sharing_a_cell_are_counted_apart(book):
    nb = good_chapter()
    objectives = "\n".join(f"{n}. Do thing {n}." for n in range(1, 7))  # six: one more would be too many
    nb.cells[1].source = f"## Learning objectives\n\n{objectives}\n\n## Prerequisites and time\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n1. Time to learn: 30 minutes."
    del nb.cells[2]
    assert problems_of(nb, book) == []


def test_a_missing_solutions_notebook_is_named(book):
    (book / "solutions" / "99-x.ipynb").unlink()
    assert problems_of(good_chapter(), book) == [
        "chapters/99-x.ipynb, cell 10: solutions/99-x.ipynb does not exist. Fix: create it with `make scaffold` or copy templates/solutions.ipynb"
    ]


def test_a_heading_jump_right_after_the_title_is_caught(book):
    nb = good_chapter()
    nb.cells[0].source += "\n\n### Too deep"
    assert "chapters/99-x.ipynb, cell 0: heading 'Too deep' jumps from H1 to H3. Fix: use ## for it, or add the missing level above" in problems_of(nb, book)


SOLUTIONS_EXACT = {
    "title": (
        lambda nb: setattr(nb.cells[0], "source", "# Answers: X"),
        "solutions/99-x.ipynb, cell 0: the title does not start with '# Solutions:'. Fix: title it '# Solutions: <chapter title>' (the exercise notebook gets '# Exercises: …')",
    ),
    "mentions the solutions": (
        lambda nb: nb.cells.insert(1, new_markdown_cell("Compare with the Solution below.")),
        "solutions/99-x.ipynb, cell 1: 'Solution' in a cell that reaches the exercise notebook (and the site of a fork built with SOLUTIONS=0, which publishes no solutions). Fix: tag the cell `solution-only`, or rephrase it: the exercise notebook already says where the worked solutions are",
    ),
    "no three-star": (
        lambda nb: setattr(nb.cells[10], "source", "## Exercise 4 ★★ — Task 4"),
        "solutions/99-x.ipynb: no ★★★ exercise. Fix: add one design/judgement exercise marked ★★★",
    ),
    "three exercises": (
        lambda nb: (renumber(del_cells(nb, 1, 4)), nb.cells.insert(2, new_markdown_cell("### A hint ★ (not an exercise)"))),
        "solutions/99-x.ipynb: 3 exercises with a difficulty. Fix: write at least four, each as '## Exercise N ★… — title' (★ recall, ★★ apply, ★★★ design)",
    ),
    "check fails": (
        lambda nb: setattr(nb.cells[3], "outputs", [new_output("stream", name="stdout", text="✗ f1(0) should be 1, got None" + "!" * 60 + "\n")]),
        "solutions/99-x.ipynb, cell 3: check_f1 does not show ✓ for the solution (stored: '✗ f1(0) should be 1, got None" + "!" * 51 + "'). Fix: fix the solution or the check, then re-execute",
    ),
    "no check cell after imports": (
        lambda nb: (setattr(nb.cells[2], "source", "import math\n\n" + nb.cells[2].source), setattr(nb.cells[3], "source", "print(f1())")),
        "solutions/99-x.ipynb, cell 2: exercise function 'f1' has no check cell. Fix: add a code cell `check_f1(f1)` after it, with the check in mlskills/checks/",
    ),
    "mentioned after an exercise": (
        lambda nb: nb.cells.insert(4, new_markdown_cell("The solution above is one of many.")),
        "solutions/99-x.ipynb, cell 4: 'solution' in a cell that reaches the exercise notebook (and the site of a fork built with SOLUTIONS=0, which publishes no solutions). Fix: tag the cell `solution-only`, or rephrase it: the exercise notebook already says where the worked solutions are",
    ),
    "stderr in a solution": (
        lambda nb: nb.cells[2].outputs.append(new_output("stream", name="stderr", text="DeprecationWarning\n")),
        "solutions/99-x.ipynb, cell 2: stderr in the stored output ('DeprecationWarning'). Fix: fix the cause (a deprecated API, a pandas 3 idiom, a missing seed) rather than hiding the warning; then re-execute",
    ),
    "no check cell": (
        lambda nb: setattr(nb.cells[3], "source", "print(f1())"),
        "solutions/99-x.ipynb, cell 2: exercise function 'f1' has no check cell. Fix: add a code cell `check_f1(f1)` after it, with the check in mlskills/checks/",
    ),
    "unbalanced": (
        lambda nb: setattr(nb.cells[2], "source", "def f1():\n    ### BEGIN SOLUTION\n    return 1"),
        "solutions/99-x.ipynb, cell 2: solutions/99-x.ipynb cell 2: '### BEGIN SOLUTION' is never closed; add '### END SOLUTION' after the answer.. Fix: balance the markers: every '### BEGIN SOLUTION' needs an '### END SOLUTION'",
    ),
    "shell escape": (
        lambda nb: setattr(nb.cells[2], "source", nb.cells[2].source + "\n  !pip list"),
        "solutions/99-x.ipynb, cell 2: an IPython magic or shell escape in a solutions notebook. Fix: use plain Python (subprocess, pathlib) so the tests can run the solutions as code",
    ),
}


@pytest.mark.parametrize("case", SOLUTIONS_EXACT, ids=str)
def test_each_solutions_rule_names_the_cell_the_problem_and_the_fix(case):
    how, expected = SOLUTIONS_EXACT[case]
    nb = good_solutions()
    how(nb)
    assert [str(p) for p in lint.lint_solutions(nb, "solutions/99-x.ipynb")] == [expected]


def test_the_solutions_may_say_solution_where_the_learner_never_sees_it():
    nb = good_solutions()
    nb.cells[0].source = "# Solutions: X\n\n<!-- worked solutions -->"
    nb.cells.insert(1, new_markdown_cell("The solution, explained.", metadata={"tags": ["solution"]}))
    nb.cells.insert(2, new_markdown_cell("How the solutions were graded.", metadata={"tags": ["solution-only"]}))
    problems = [str(p) for p in lint.lint_solutions(nb, "solutions/99-x.ipynb")]
    assert not [p for p in problems if "reaches the exercise notebook" in p]


def test_a_helper_defined_outside_the_answer_needs_no_check():
    nb = good_solutions()
    nb.cells.insert(1, new_code_cell("def helper():\n    return 0"))
    assert lint.lint_solutions(renumber(nb), "solutions/99-x.ipynb") == []


def renumber(nb):
    """Execution counts 1, 2, … as a top-to-bottom run stores them."""
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    for count, cell in enumerate(code, start=1):
        cell.execution_count = count
    return nb


def test_the_command_line_lints_the_notebooks_it_is_given(tmp_path, capsys):
    chapters = tmp_path / "chapters"
    chapters.mkdir()
    good = chapters / "99-x.ipynb"
    nbformat.write(good_chapter(), good)
    solutions = tmp_path / "solutions"
    solutions.mkdir()
    nbformat.write(good_solutions(), solutions / "99-x.ipynb")
    assert lint.main([str(good), str(solutions / "99-x.ipynb")]) == 1, "the chapter's solutions/ is looked up in the book, not here"
    out = capsys.readouterr().out
    assert f"✗ {good}, cell 10: solutions/99-x.ipynb does not exist" in out
    assert "✗ " + str(solutions / "99-x.ipynb") not in out, "a notebook in solutions/ is linted as solutions"
    broken = tmp_path / "broken.ipynb"
    broken.write_text("not json")
    assert lint.main([str(broken)]) == 1
    line = capsys.readouterr().out
    assert line.startswith(f"✗ {broken}: cannot be read as a notebook (") and line.rstrip().endswith(". Fix: restore it from git or re-save it from Jupyter")


def test_the_command_line_passes_clean_notebooks_and_lints_the_whole_book_by_default(tmp_path, monkeypatch, capsys):
    (tmp_path / "solutions").mkdir()
    clean = tmp_path / "solutions" / "99-x.ipynb"
    nbformat.write(good_solutions(), clean)
    assert lint.main([str(clean), str(clean)]) == 0
    assert capsys.readouterr().out == "✓ 2 notebooks follow the chapter anatomy\n"
    monkeypatch.setattr(lint, "targets", lambda: [clean])
    assert lint.main([]) == 0
    assert capsys.readouterr().out == "✓ 1 notebooks follow the chapter anatomy\n"


def test_the_book_lints_its_chapters_and_solutions_and_names_them_from_its_root():
    assert {p.parent.name for p in lint.targets()} == {"chapters", "solutions"}
    assert [p.name for p in lint.targets() if p.parent.name == "chapters"] == sorted(p.name for p in (ROOT / "chapters").glob("*.ipynb"))
    [first, *_] = lint.lint_path(ROOT / "templates" / "chapter.ipynb")
    assert first.notebook == "templates/chapter.ipynb"


def test_a_problem_without_a_cell_names_only_the_notebook():
    assert str(lint.Problem("chapters/99-x.ipynb", None, "a problem", "the fix")) == "chapters/99-x.ipynb: a problem. Fix: the fix"
    assert str(lint.Problem("chapters/99-x.ipynb", 0, "a problem", "the fix")) == "chapters/99-x.ipynb, cell 0: a problem. Fix: the fix"


def test_a_heading_after_a_code_fence_is_still_checked(book):
    nb = good_chapter()
    nb.cells[5].source = "## First topic\n\n```\n# not a heading\n```\n\n#### Too deep"
    assert problems_of(nb, book) == [
        "chapters/99-x.ipynb, cell 5: heading 'Too deep' jumps from H2 to H4. Fix: use ### for it, or add the missing level above"
    ]


def test_the_exercises_section_may_name_the_exercises_again_after_the_link(book):
    nb = good_chapter()
    nb.cells[10].source = "## Exercises\n\nSee [the exercises](../exercises/99-x.ipynb). Exercises 1 and 2 practise the first topic; Exercises 3 and 4 the second."
    assert problems_of(nb, book) == []


def test_a_multi_line_comment_in_the_solutions_title_cell_is_not_text_for_the_learner():
    nb = good_solutions()
    nb.cells[0].source = "# Solutions: X\n\n<!-- Worked solutions:\n     keep them out of the exercises -->"
    assert lint.lint_solutions(nb, "solutions/99-x.ipynb") == []


@pytest.mark.parametrize("module", ["lint", "exercises", "data"])
def test_each_command_line_reads_its_arguments_from_sys_argv(module, tmp_path, monkeypatch, capsys):
    """`python -m mlskills.<module> <args>` passes <args> on."""
    import importlib

    tool = importlib.import_module(f"mlskills.{module}")
    if module == "lint":
        (tmp_path / "solutions").mkdir()
        clean = tmp_path / "solutions" / "99-x.ipynb"
        nbformat.write(good_solutions(), clean)
        monkeypatch.setattr(tool, "targets", lambda: pytest.fail("linted the whole book instead of the notebook given"))
        monkeypatch.setattr("sys.argv", ["python -m mlskills.lint", str(clean)])
        assert tool.main() == 0
        assert capsys.readouterr().out == "✓ 1 notebooks follow the chapter anatomy\n"
    elif module == "exercises":
        monkeypatch.setattr(tool, "generate", lambda: pytest.fail("regenerated instead of checking"))
        monkeypatch.setattr(tool, "out_of_date", lambda: [])
        monkeypatch.setattr("sys.argv", ["python -m mlskills.exercises", "--check"])
        assert tool.main() == 0
        assert capsys.readouterr().out == "✓ exercises/ matches solutions/\n"
    else:
        (tmp_path / "a.csv").write_text("a\n1\n")
        monkeypatch.setattr(tool, "DATA_DIR", tmp_path)
        monkeypatch.setattr("sys.argv", ["python -m mlskills.data", "manifest"])
        assert tool.main() == 0
        assert capsys.readouterr().out == f"wrote {tmp_path / 'MANIFEST.sha256'}\n"


def test_objectives_listed_in_the_cell_after_their_heading_are_counted(book):
    nb = good_chapter()
    nb.cells[1].source = "## Learning objectives"
    nb.cells.insert(2, new_markdown_cell("- Measure one thing.\n- Build another.\n- Choose a third."))
    assert problems_of(nb, book) == []


def test_a_chapter_drafted_in_one_markdown_cell_gets_every_section_rule(book):
    nb = new_notebook(metadata=KERNEL)
    nb.cells = [new_markdown_cell(
        "# A chapter\n\n" + " ".join(["word"] * 20) + "\n\n## Learning objectives\n\n1. One.\n\n## Prerequisites and time\n\nNone."
        "\n\n## Setup\n\n## Topic one\n\n## Topic two\n\n## Key takeaways\n\n- one\n\n## Exercises\n\nLater.\n\n## Further reading\n\nNone."
    )]
    problems = problems_of(nb, book)
    for expected in ["1 learning objectives", "no prerequisites table", "no time estimate", "the Setup section has no code cell",
                     "1 key takeaways", "does not link the exercise notebook", "Further reading cites nothing"]:
        assert [p for p in problems if p.startswith("chapters/99-x.ipynb, cell 0: ") and expected in p], (expected, problems)


def test_an_empty_or_code_first_notebook_is_reported_not_a_crash(book):
    empty = new_notebook()
    problems = problems_of(empty, book)
    assert problems[:2] == [
        "chapters/99-x.ipynb, cell 0: the notebook does not start with a markdown cell holding its '# Title'. Fix: make the first cell markdown and begin it with '# <chapter title>'",
        "chapters/99-x.ipynb: kernelspec is not 'python3'. Fix: run `make execute NB=<this notebook>` to execute and normalise it",
    ]
    nb = good_chapter()
    nb.cells.insert(0, new_code_cell("import numpy as np", execution_count=None))
    assert not [p for p in problems_of(nb, book) if "why-it-matters" in p]


def test_a_short_why_paragraph_is_reported_even_when_code_follows_the_title(book):
    nb = new_notebook(metadata=KERNEL)
    nb.cells = [new_markdown_cell("# A chapter\n\nToo short."), new_code_cell("x = 1", execution_count=1)]
    assert "chapters/99-x.ipynb, cell 0: no why-it-matters paragraph under the title. Fix: write one short paragraph (20+ words) on why this matters on the job, in the title cell" in problems_of(nb, book)


def test_code_above_the_setup_heading_is_not_its_setup_code(book):
    nb = good_chapter()
    nb.cells.insert(3, new_code_cell("import numpy as np", execution_count=1))
    nb.cells[5] = new_markdown_cell("Imports come below.")
    nb.cells.insert(6, new_markdown_cell("Really."))
    assert "chapters/99-x.ipynb, cell 4: the Setup section has no code cell right after it. Fix: put the imports and seeds in a code cell under '## Setup'" in problems_of(nb, book)


def test_a_first_heading_below_h2_is_a_jump(book):
    nb = good_chapter()
    nb.cells[0].source = "### A chapter"
    assert "chapters/99-x.ipynb, cell 0: heading 'A chapter' jumps from H1 to H3. Fix: use ## for it, or add the missing level above" in problems_of(nb, book)


def test_an_empty_code_cell_or_a_raw_cell_does_not_hide_the_cells_after_it(book):
    nb = good_chapter()
    nb.cells.insert(5, new_code_cell("", execution_count=2))
    nb.cells.insert(5, nbformat.v4.new_raw_cell("raw text"))
    nb.cells[8].execution_count = 3
    nb.cells[8].outputs.append(new_output("stream", name="stderr", text="warning\n"))
    problems = problems_of(nb, book)
    assert {p.split(":")[0] for p in problems} == {"chapters/99-x.ipynb, cell 6", "chapters/99-x.ipynb, cell 8"}
    assert "chapters/99-x.ipynb, cell 8: stderr in the stored output ('warning')" in [p.split(". Fix")[0] for p in problems]


def test_a_notebook_without_a_kernelspec_is_told_to_re_execute(book):
    nb = good_chapter()
    del nb.metadata["kernelspec"]
    assert problems_of(nb, book) == ["chapters/99-x.ipynb: kernelspec is not 'python3'. Fix: run `make execute NB=<this notebook>` to execute and normalise it"]


def test_lint_path_lints_a_chapter_against_its_own_book_and_names_solutions_problems(tmp_path):
    (tmp_path / "chapters").mkdir()
    (tmp_path / "solutions").mkdir()
    nbformat.write(good_chapter(), tmp_path / "chapters" / "99-x.ipynb")
    nbformat.write(good_solutions(), tmp_path / "solutions" / "99-x.ipynb")
    assert lint.lint_path(tmp_path / "chapters" / "99-x.ipynb", root=tmp_path) == []
    broken = good_solutions()
    broken.cells[0].source = "# X"
    nbformat.write(broken, tmp_path / "solutions" / "99-x.ipynb")
    [problem] = lint.lint_path(tmp_path / "solutions" / "99-x.ipynb", root=tmp_path)
    assert str(problem).startswith("solutions/99-x.ipynb, cell 0: the title does not start with '# Solutions:'")


@pytest.mark.parametrize(
    "source",
    [
        "import time\nstart = time.perf_counter()\nf()\nprint(time.perf_counter() - start)",
        "import timeit\nprint(timeit.timeit(f, number=100))",
        "%timeit f()",
        "%%time\nf()",
        "t0 = time.time( )",
    ],
)
def test_timing_outside_the_shared_harness_is_flagged(source):
    nb = good_solutions()
    nb.cells.append(new_code_cell(source, execution_count=99))
    problems = [p for p in lint.lint_solutions(nb, "solutions/99-x.ipynb") if "timing outside the shared harness" in p.message]
    assert [p.cell for p in problems] == [len(nb.cells) - 1] and "measure.compare" in problems[0].fix


@pytest.mark.parametrize(
    "source",
    [
        "def harness(fn, clock=time.perf_counter):\n    start = clock()\n    fn()\n    return clock() - start",
        "table = measure.compare({'a': f}, threads=1).table()  # not time.perf_counter() by hand",
        "run_time = time.sleep(0)",
    ],
)
def test_a_clock_passed_as_an_argument_or_named_in_a_comment_is_not_timing(source):
    nb = good_solutions()
    nb.cells.append(new_code_cell(source, execution_count=99))
    assert not [p for p in lint.lint_solutions(nb, "solutions/99-x.ipynb") if "timing outside" in p.message]
