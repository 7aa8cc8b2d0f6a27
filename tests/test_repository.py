"""The repository keeps its promises: pinned dependencies, CI that runs the README's
commands, and licence and citation files that say what they should."""

import re

import yaml

from mlskills import ROOT


def test_every_requirement_is_pinned_exactly():
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    packages = [line for line in lines if line and not line.startswith("#") and line != "-e ."]
    loose = [line for line in packages if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[A-Za-z0-9_.+\-]+", line)]
    assert not loose, f"pin these with == (run `make lock`): {loose}"
    assert "-e ." in lines, "the book's own package is installed editable from requirements.txt"
    jupyter_book = next(p for p in packages if p.lower().startswith("jupyter-book=="))
    assert jupyter_book.split("==")[1].startswith("1."), "the book is built with jupyter-book v1"
    assert "torch==2.13.0" in packages, "the CPU build of torch that the machines carry"


def test_ci_runs_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert "make test" in readme and "make book" in readme
    assert re.search(r"^make test$", (ROOT / ".ci" / "run").read_text(), re.MULTILINE)
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "test.yml").read_text())
    steps = workflow["jobs"]["test"]["steps"]
    assert any(step.get("run") == "make test" for step in steps)
    assert "pull_request" in workflow[True]  # PyYAML reads the key `on` as True


def test_pages_workflow_publishes_the_built_site():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "pages.yml").read_text())
    build = workflow["jobs"]["build"]["steps"]
    assert any(step.get("run") == "make book" for step in build)
    assert any(step.get("with", {}).get("path") == "_build/html" for step in build)
    assert workflow[True]["push"]["branches"] == ["main"]


def test_licence_and_citation_say_what_covers_what():
    licence = (ROOT / "LICENSE").read_text()
    assert "CC BY 4.0" in licence and "MIT License" in licence
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    assert citation["cff-version"] == "1.2.0" and citation["title"].startswith("Beyond Algorithms")


def test_the_pr_template_asks_for_the_checks():
    template = (ROOT / ".github" / "PULL_REQUEST_TEMPLATE.md").read_text()
    for item in ("make test", "make execute", "make exercises", "wrong answers", "alt text", "make bench"):
        assert item in template
