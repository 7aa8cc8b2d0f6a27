"""The scaffold starts a chapter that the TOC lists and the linter guides to completion."""

import re
import shutil

import yaml

from mlskills import ROOT, lint, scaffold

#: The book's TOC, config and landing page as they were before Chapters 7 and 8 existed,
#: so these tests do not change meaning as chapters are added to the real book.
FIXTURE = ROOT / "tests" / "fixtures" / "book-before-chapter-7"


def make_book(tmp_path):
    for name in ("_toc.yml", "_config.yml", "intro.md"):
        shutil.copy(FIXTURE / name, tmp_path / name)
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def toc_files(root):
    toc = yaml.safe_load((root / "_toc.yml").read_text())
    return {part["caption"]: [c["file"] for c in part.get("chapters") or []] for part in toc["parts"]}


def test_scaffold_creates_every_file_and_toc_entry(tmp_path):
    root = make_book(tmp_path)
    created = scaffold.scaffold(7, "Advanced machine learning", root=root)
    names = {p.relative_to(root).as_posix() for p in created}
    assert names == {
        "chapters/07-advanced-machine-learning.ipynb",
        "solutions/07-advanced-machine-learning.ipynb",
        "mlskills/checks/ch07.py",
        "tests/checks/ch07_wrong_answers.py",
        "references/ch07.bib",
    }
    parts = toc_files(root)
    assert "chapters/07-advanced-machine-learning" in parts["Part I — The essential pillars"]
    assert "exercises/07-advanced-machine-learning" in parts["Exercises"]
    assert "solutions/07-advanced-machine-learning" in parts["Solutions"]
    assert parts["Part I — The essential pillars"] == sorted(parts["Part I — The essential pillars"])
    config = yaml.safe_load((root / "_config.yml").read_text())
    assert "references/ch07.bib" in config["bibtex_bibfiles"]
    assert "# Advanced machine learning" in (root / "chapters/07-advanced-machine-learning.ipynb").read_text()
    intro = (root / "intro.md").read_text()
    assert "| 7 | Advanced machine learning |" in intro
    assert re.search(r"^\| 7 \|.*\| \{doc\}`chapters/07-advanced-machine-learning` \|$", intro, re.MULTILINE)
    assert re.search(r"^\| 8 \|.*\| planned \|$", intro, re.MULTILINE), "other pillars are untouched"


def test_a_part_two_chapter_goes_to_part_two(tmp_path):
    root = make_book(tmp_path)
    scaffold.scaffold(11, "Orchestrating ML workflows", slug="orchestration", root=root)
    assert "chapters/11-orchestration" in toc_files(root)["Part II — The added value"]


def test_scaffolding_twice_changes_nothing(tmp_path):
    root = make_book(tmp_path)
    scaffold.scaffold(9, "Complementary skills", root=root)
    before = (root / "_toc.yml").read_text(), (root / "_config.yml").read_text()
    assert scaffold.scaffold(9, "Complementary skills", root=root) == []
    assert ((root / "_toc.yml").read_text(), (root / "_config.yml").read_text()) == before


def test_the_new_chapter_fails_lint_until_written(tmp_path):
    root = make_book(tmp_path)
    scaffold.scaffold(7, "Advanced machine learning", root=root)
    problems = [str(p) for p in lint.lint_path(root / "chapters/07-advanced-machine-learning.ipynb", root)]
    assert any("placeholder text 'TODO'" in p for p in problems)
    assert any("execution count is None" in p for p in problems)
