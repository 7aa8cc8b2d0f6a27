"""What a contributor and a course fork meet: the linter on the templates, the SOLUTIONS=0
site transforms, the instructors' page.

The whole SOLUTIONS=0 build is tested in tests/site/test_site.py; here the pieces that
make it say nothing about solutions are tested on their own, quickly.
"""

from __future__ import annotations

import importlib.util
import re

import nbformat
from docutils import nodes
from sphinx import addnodes

from mlskills import ROOT, lint


def _extension():
    spec = importlib.util.spec_from_file_location("book_extras", ROOT / "_ext" / "book_extras.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_lint_flags_the_template_todos_in_code_cells_too():
    nb = nbformat.read(ROOT / "templates" / "solutions.ipynb", as_version=4)
    problems = [p for p in lint.lint_solutions(nb, "solutions/99-x.ipynb") if "placeholder" in p.message]
    assert any("code cell" in p.message for p in problems), "the template's TODO docstring is not flagged"
    clean = nbformat.v4.new_code_cell("todo_list = []  # names are not placeholders")
    assert lint._code_placeholder(clean.source) is None
    assert lint._code_placeholder("def f():\n    # TODO: finish\n    return 1") == "TODO"


def test_lint_flags_a_mention_of_solutions_that_reaches_the_exercise():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Solutions: X\n\nExercises for Chapter 99."),
        nbformat.v4.new_markdown_cell("These are the worked solutions."),
        nbformat.v4.new_markdown_cell("These are the worked solutions, tagged."),
    ]
    nb.cells[2].metadata["tags"] = ["solution-only"]
    flagged = [p.cell for p in lint.lint_solutions(nb, "solutions/99-x.ipynb") if "reaches the exercise notebook" in p.message]
    assert flagged == [1]


def test_the_template_names_no_table_that_contributing_lacks():
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "templates").iterdir()))
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for name in re.findall(r"the (\w+) table in CONTRIBUTING", text):
        assert name.lower() in contributing.lower(), f"the template names a {name} table CONTRIBUTING.md does not have"
    # Every file a template points to exists, and the pillar map it sends authors to is in intro.md.
    for path in set(re.findall(r"\b((?:[\w-]+/)*[\w-]+\.(?:md|py))\b", text)):
        assert (ROOT / path).exists() or path.startswith("_"), f"a template points to {path}, which does not exist"
    if "pillar map of intro.md" in text:
        intro = (ROOT / "intro.md").read_text(encoding="utf-8")
        assert re.search(r"^## .*pillars", intro, re.MULTILINE | re.IGNORECASE) and re.search(r"^\| *1 *\|", intro, re.MULTILINE), (
            "the template sends authors to the pillar map of intro.md, which has no pillar table"
        )


def test_without_solutions_the_sentence_that_links_them_is_dropped(monkeypatch):
    ext = _extension()
    monkeypatch.setenv("BOOK_SOLUTIONS", "0")
    paragraph = nodes.paragraph()
    ref = addnodes.pending_xref("", nodes.inline(text="the solutions"), reftarget="../solutions/13-optimization.ipynb")
    paragraph += [nodes.Text("Work through the exercises. Each check tells you whether you are right. Worked answers are in "), ref, nodes.Text(". Then go on.")]
    pointer = nodes.container(classes=["cell", "tag_solutions-pointer"])
    pointer += nodes.paragraph(text="Worked solutions are elsewhere.")
    section = nodes.section()
    section += [paragraph, pointer]
    document = nodes.document(None, None)
    document += section
    ext.drop_solution_links(None, document)
    assert document.astext().split() == "Work through the exercises. Each check tells you whether you are right. Then go on.".split()


def test_with_solutions_nothing_is_dropped(monkeypatch):
    ext = _extension()
    monkeypatch.delenv("BOOK_SOLUTIONS", raising=False)
    paragraph = nodes.paragraph()
    paragraph += [nodes.Text("Answers are in "), addnodes.pending_xref("", nodes.inline(text="the solutions"), reftarget="../solutions/x.ipynb"), nodes.Text(".")]
    document = nodes.document(None, None)
    document += paragraph
    ext.drop_solution_links(None, document)
    assert document.astext() == "Answers are in the solutions."


def test_the_instructors_page_gives_the_exact_commands():
    page = (ROOT / "reference" / "for-instructors.md").read_text(encoding="utf-8")
    for command in (
        "make nbgrader-course DEST=",
        "nbgrader generate_assignment",
        "nbgrader autograde",
        "make book SOLUTIONS=0",
        "repository:",
        "MLSKILLS_DATA",
    ):
        assert command in page, f"reference/for-instructors.md does not say `{command}`"
    assert "Mark the check cells as autograded" not in page, "the old, failing nbgrader recipe is still there"
