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


# --- the drift check and the generator, on a small book of their own (issue 23) ---------

import functools  # noqa: E402

from mlskills import exercises  # noqa: E402

FORK_URL = "https://github.com/a-course/its-fork"


def solution_notebook(answer: str = "return x + 1") -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Solutions: A chapter"),
        nbformat.v4.new_code_cell(f"def f(x):\n    ### BEGIN SOLUTION\n    {answer}\n    ### END SOLUTION", execution_count=1),
        nbformat.v4.new_code_cell("check_f(f)", execution_count=2, outputs=[nbformat.v4.new_output("stream", text="✓ ok\n")]),
    ]
    return nb


@pytest.fixture
def small_book(tmp_path):
    """A book with one solution notebook, its generated exercise, and a fork's _config.yml."""
    (tmp_path / "_config.yml").write_text(f"repository:\n  url: {FORK_URL}\n", encoding="utf-8")
    (tmp_path / "solutions").mkdir()
    nbformat.write(solution_notebook(), tmp_path / "solutions" / "99-x.ipynb")
    exercises.generate(tmp_path)
    return tmp_path


def test_generate_writes_the_exercise_folder_and_the_drift_check_then_passes(small_book):
    exercise = small_book / "exercises" / "99-x.ipynb"
    assert exercise.exists(), "generate() creates exercises/ when it is missing"
    assert exercises.generate(small_book) == [exercise]
    assert exercises.out_of_date(small_book) == []
    nb = nbformat.read(exercise, as_version=4)
    assert nb.cells[0].source == "# Exercises: A chapter"
    assert "raise NotImplementedError()" in nb.cells[4].source and "x + 1" not in nb.cells[4].source


def test_an_exercise_left_stale_by_a_solution_edit_is_reported(small_book):
    nbformat.write(solution_notebook("return x + 2"), small_book / "solutions" / "99-x.ipynb")
    assert exercises.out_of_date(small_book) == ["exercises/99-x.ipynb"]


def test_a_hand_edited_exercise_is_reported(small_book):
    exercise = small_book / "exercises" / "99-x.ipynb"
    exercise.write_text(exercise.read_text(encoding="utf-8").replace("YOUR CODE HERE", "your code here"), encoding="utf-8")
    assert exercises.out_of_date(small_book) == ["exercises/99-x.ipynb"]


def test_a_missing_exercise_is_reported(small_book):
    (small_book / "exercises" / "99-x.ipynb").unlink()
    assert exercises.out_of_date(small_book) == ["exercises/99-x.ipynb"]


def test_an_orphan_exercise_without_a_solution_is_reported(small_book):
    (small_book / "exercises" / "98-gone.ipynb").write_text("{}", encoding="utf-8")
    assert exercises.out_of_date(small_book) == ["exercises/98-gone.ipynb (no solutions/98-gone.ipynb)"]


def test_the_exercise_is_written_exactly_as_nbformat_writes_it_plus_a_newline(small_book):
    text = (small_book / "exercises" / "99-x.ipynb").read_text(encoding="utf-8")
    assert text == exercises.render(small_book / "solutions" / "99-x.ipynb", small_book)
    assert text.endswith("}\n") and not text.endswith("\n\n")


def test_the_added_cells_guide_the_learner_and_set_up_the_fork_in_colab(small_book):
    nb = nbformat.read(small_book / "exercises" / "99-x.ipynb", as_version=4)
    intro, pointer, setup = nb.cells[1:4]
    assert intro.id == "how-to-work" and "Generated from solutions/99-x.ipynb by `make exercises`" in intro.source
    assert pointer.id == "solutions-pointer" and pointer.metadata["tags"] == ["solutions-pointer"]
    assert "[solutions/99-x.ipynb](../solutions/99-x.ipynb)" in pointer.source
    assert setup.id == "environment" and setup.metadata["tags"] == ["remove-cell"], "the site hides the set-up code"
    assert f'"{FORK_URL}"' in setup.source, "a fork's Colab clones the fork, as its _config.yml says"
    assert exercises.NO_ENVIRONMENT in setup.source
    compile(setup.source, "environment", "exec")


def test_a_model_answer_keeps_its_other_tags_and_becomes_an_answer_cell():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Solutions: X"),
        nbformat.v4.new_markdown_cell("Because.", metadata={"tags": ["hide-input", "solution"]}),
        nbformat.v4.new_markdown_cell("# Solutions: not the title"),
    ]
    exercise = exercise_from_solution(nb, "solutions/99-x.ipynb")
    assert exercise.cells[4].metadata["tags"] == ["hide-input", "answer"]
    assert exercise.cells[5].source == "# Solutions: not the title", "only the title is renamed"


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x = 1\n    ### BEGIN SOLUTION\n    ### BEGIN SOLUTION\n", "where line 3: nested '### BEGIN SOLUTION'; close the first region with '### END SOLUTION'."),
        ("x = 1\n    ### END SOLUTION\n", "where line 2: '### END SOLUTION' without a matching '### BEGIN SOLUTION'."),
        ("### BEGIN SOLUTION\n", "where: '### BEGIN SOLUTION' is never closed; add '### END SOLUTION' after the answer."),
    ],
)
def test_an_unbalanced_marker_names_the_cell_the_line_and_the_fix(source, message):
    with pytest.raises(MarkerError) as error:
        strip_solution(source, "where")
    assert str(error.value) == message


def test_code_after_a_solution_region_stays_in_the_exercise():
    source = "def f():\n\t### BEGIN SOLUTION\n\treturn 1\n\t### END SOLUTION\nprint(f)"
    assert strip_solution(source) == "def f():\n\t# YOUR CODE HERE\n\traise NotImplementedError()\nprint(f)"


@pytest.fixture
def cli_on(small_book, monkeypatch):
    """`python -m mlskills.exercises` pointed at the small book."""
    monkeypatch.setattr(exercises, "ROOT", small_book)
    monkeypatch.setattr(exercises, "out_of_date", functools.partial(out_of_date, small_book))
    monkeypatch.setattr(exercises, "generate", functools.partial(exercises.generate, small_book))
    return small_book


def test_the_check_command_passes_a_book_in_sync(cli_on, capsys):
    assert exercises.main(["--check"]) == 0
    assert capsys.readouterr().out == "✓ exercises/ matches solutions/\n"


def test_the_check_command_fails_on_drift_and_says_how_to_fix_it(cli_on, capsys):
    nbformat.write(solution_notebook("return x + 2"), cli_on / "solutions" / "99-x.ipynb")
    assert exercises.main(["--check"]) == 1
    assert capsys.readouterr().out == (
        "✗ exercises/99-x.ipynb is out of date with solutions/: edit `solutions/`; "
        "`make exercises` overwrites `exercises/`. Run it and commit the result.\n"
    )


def test_the_generate_command_rewrites_the_exercises_and_lists_them(cli_on, capsys):
    nbformat.write(solution_notebook("return x + 2"), cli_on / "solutions" / "99-x.ipynb")
    assert exercises.main([]) == 0
    assert capsys.readouterr().out == "wrote exercises/99-x.ipynb\n"
    assert out_of_date(cli_on) == []


def test_the_generate_command_reports_an_unbalanced_marker_in_one_line(cli_on, capsys):
    broken = solution_notebook()
    broken.cells[1].source = "def f(x):\n    ### BEGIN SOLUTION\n    return x"
    nbformat.write(broken, cli_on / "solutions" / "99-x.ipynb")
    assert exercises.main([]) == 1
    assert capsys.readouterr().out == "✗ solutions/99-x.ipynb cell 1: '### BEGIN SOLUTION' is never closed; add '### END SOLUTION' after the answer.\n"


def test_without_a_location_a_marker_message_starts_with_the_line():
    with pytest.raises(MarkerError) as error:
        strip_solution("### END SOLUTION")
    assert str(error.value).lstrip().startswith("line 1: '### END SOLUTION' without a matching")
