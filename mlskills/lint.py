"""The chapter linter: enforces the chapter anatomy and the notebook rules.

Every problem names the notebook, the cell (0-based index, as in ``nbformat``), what is
wrong and how to fix it. Command line::

    python -m mlskills.lint                      # every chapter and solution notebook
    python -m mlskills.lint chapters/02-data.ipynb

Rules for chapters (``chapters/NN-slug.ipynb``):

- the first cell starts with the only H1 title, followed by a why-it-matters paragraph;
- H2 sections in this order: Learning objectives (3-6 items), Prerequisites and time
  (a table and a time estimate), Setup (with a code cell), at least two content
  sections, Key takeaways (4-8 bullets), Exercises (links the exercise notebook),
  Further reading (with at least one ``{cite}``);
- heading levels never skip (an H2 is followed by H3, not H4);
- every cell that outputs an image has alt text in ``metadata.mystnb.image.alt``;
- every code cell is executed in order, with no stderr or error outputs;
- ``# NBVAL_IGNORE_OUTPUT`` carries a reason; no placeholder text (TODO, TBD, FIXME);
- no timing outside :mod:`mlskills.measure` (a ``time.perf_counter()`` reading, ``timeit``,
  ``%timeit``/``%time``).

Rules for solutions (``solutions/NN-slug.ipynb``): the title ``# Solutions: …``; at least four exercises
as H2 headings with a difficulty of ★, ★★ or ★★★ (at least one ★★★); every marked
answer balanced; every check cell stored with a ✓ line; outputs clean as above.
"""

from __future__ import annotations

import io
import re
import sys
import tokenize
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mlskills import ROOT
from mlskills.exercises import BEGIN, CHECK_CALL, MarkerError, strip_solution

REQUIRED_SECTIONS = [
    "Learning objectives",
    "Prerequisites and time",
    "Setup",
    "Key takeaways",
    "Exercises",
    "Further reading",
]
PLACEHOLDER = re.compile(r"\b(TODO|TBD|FIXME|XXX|Lorem ipsum)\b")
HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
IGNORE_MARKER = re.compile(r"#\s*NBVAL_IGNORE_OUTPUT(.*)$", re.MULTILINE)
IMAGE_TYPES = {"image/png", "image/jpeg", "image/svg+xml"}
WEAK_ALT = {"image", "figure", "plot", "chart", "graph", "output", "png"}
MAX_TEXT_OUTPUT = 20_000  # characters of text in one output
MAX_IMAGE_BYTES = 300_000  # base64 characters of one stored image


@dataclass(frozen=True)
class Problem:
    notebook: str
    cell: int | None
    message: str
    fix: str

    def __str__(self) -> str:
        where = f"{self.notebook}" + (f", cell {self.cell}" if self.cell is not None else "")
        return f"{where}: {self.message}. Fix: {self.fix}"


def _headings(nb) -> list[tuple[int, int, str]]:
    """(cell index, level, text) of every markdown heading outside code fences."""
    found = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "markdown":
            continue
        fenced = False
        for line in cell.source.splitlines():
            if line.lstrip().startswith(("```", "~~~")):
                fenced = not fenced
                continue
            match = HEADING.match(line)
            if match and not fenced:
                found.append((index, len(match.group(1)), match.group(2).strip()))
    return found


def _section_text(nb, headings, title: str) -> tuple[int, str]:
    """Index of the H2 ``title`` and the markdown text until the next H2."""
    h2 = [(i, t) for i, level, t in headings if level == 2]
    for pos, (index, text) in enumerate(h2):
        if text.lower().startswith(title.lower()):
            end = h2[pos + 1][0] if pos + 1 < len(h2) else len(nb.cells)
            cells = nb.cells[index : end if end > index else index + 1]
            body = "\n".join(c.source for c in cells if c.cell_type == "markdown")
            after = body.split(text, 1)[-1]
            # stop at the next H2 if it sits in the same cell
            after = re.split(r"^##\s", after, maxsplit=1, flags=re.MULTILINE)[0]
            return index, after
    return -1, ""


def _common(nb, name: str) -> list[Problem]:
    """Rules shared by chapters and solutions."""
    problems = []
    headings = _headings(nb)
    h1 = [(i, t) for i, level, t in headings if level == 1]
    if not nb.cells or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.lstrip().startswith("# "):
        problems.append(Problem(name, 0, "the notebook does not start with a markdown cell holding its '# Title'", "make the first cell markdown and begin it with '# <chapter title>'"))
    if len(h1) > 1:
        problems.append(Problem(name, h1[1][0], f"a second H1 ('# {h1[1][1]}'); a page has one title", "turn it into '## ...' (a section)"))
    previous = 1
    for index, level, text in headings:
        if level > previous + 1:
            problems.append(Problem(name, index, f"heading '{text}' jumps from H{previous} to H{level}", f"use {'#' * (previous + 1)} for it, or add the missing level above"))
        previous = level
    if nb.metadata.get("kernelspec", {}).get("name") != "python3":
        problems.append(Problem(name, None, "kernelspec is not 'python3'", "run `make execute NB=<this notebook>` to execute and normalise it"))
    expected_count = 1
    for index, cell in enumerate(nb.cells):
        if cell.cell_type == "markdown":
            match = PLACEHOLDER.search(cell.source)
            if match:
                problems.append(Problem(name, index, f"placeholder text '{match.group(0)}' in a markdown cell", "write the real text or remove the cell"))
            continue
        if cell.cell_type != "code":
            continue
        if "execution" in cell.metadata:
            problems.append(Problem(name, index, "per-cell timing metadata is stored", "run `make execute NB=<this notebook>` (it normalises metadata)"))
        if not cell.source.strip():
            problems.append(Problem(name, index, "an empty code cell", "delete it"))
            continue
        placeholder = _code_placeholder(cell.source)
        if placeholder:
            problems.append(Problem(name, index, f"placeholder text '{placeholder}' in a comment or docstring of a code cell", "write the real text (the templates' TODOs are there to be replaced)"))
        if cell.execution_count != expected_count:
            problems.append(Problem(name, index, f"execution count is {cell.execution_count}, expected {expected_count}: outputs are missing or stale", "re-execute the notebook top to bottom with `make execute NB=<this notebook>`"))
            expected_count = (cell.execution_count or expected_count) + 1
        else:
            expected_count += 1
        for match in IGNORE_MARKER.finditer(cell.source):
            if len(match.group(1).strip(" :-—")) < 8:
                problems.append(Problem(name, index, "'# NBVAL_IGNORE_OUTPUT' without a reason", "write the reason on the same line, e.g. '# NBVAL_IGNORE_OUTPUT: timings vary between machines'"))
        for output in cell.get("outputs", []):
            if output.output_type == "stream" and output.name == "stderr":
                first = output.text.strip().splitlines()[0] if output.text.strip() else ""
                problems.append(Problem(name, index, f"stderr in the stored output ('{first[:80]}')", "fix the cause (a deprecated API, a pandas 3 idiom, a missing seed) rather than hiding the warning; then re-execute"))
            elif output.output_type == "error":
                problems.append(Problem(name, index, f"an error is stored ({output.get('ename')}: {output.get('evalue', '')[:80]})", "fix the cell and re-execute the notebook"))
            text = output.get("text", "") or "".join(str(v) for k, v in output.get("data", {}).items() if k.startswith("text/"))
            if len(text) > MAX_TEXT_OUTPUT:
                problems.append(Problem(name, index, f"a text output of {len(text):,} characters", "print a summary (head(), describe(), a few rows) instead of everything"))
            for mime in IMAGE_TYPES & set(output.get("data", {})):
                if len(str(output.data[mime])) > MAX_IMAGE_BYTES:
                    problems.append(Problem(name, index, f"a stored {mime} of {len(str(output.data[mime])):,} characters", "lower the figure size or dpi (e.g. figsize=(7, 4), dpi=100)"))
        if any(IMAGE_TYPES & set(o.get("data", {})) for o in cell.get("outputs", [])):
            alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
            if not alt.strip():
                problems.append(Problem(name, index, "a figure without alt text", "add cell metadata {\"mystnb\": {\"image\": {\"alt\": \"<what the figure shows and its finding>\"}}}"))
            elif len(alt.split()) < 5 or alt.strip().lower() in WEAK_ALT:
                problems.append(Problem(name, index, f"alt text '{alt}' does not describe the figure", "say what is plotted and what it shows, in one or two sentences"))
    problems += _timing_outside_the_harness(nb, name)
    return problems


#: Timing that bypasses mlskills.measure: a clock read, timeit, or an IPython timing magic.
#: A clock passed as an argument (``clock=time.perf_counter``) is not a reading, so it passes.
RAW_TIMING = re.compile(
    r"\btime\.(?:perf_counter|perf_counter_ns|time|time_ns|monotonic|process_time)\(\s*\)"
    r"|\btimeit\.(?:timeit|repeat|Timer)\b|^\s*%{1,2}(?:timeit|time)\b",
    re.MULTILINE,
)


def _timing_outside_the_harness(nb, name: str) -> list[Problem]:
    """Every timing goes through mlskills.measure (CONTRIBUTING, "Timings that can be trusted")."""
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        code = "\n".join(line.split("#", 1)[0] if not line.lstrip().startswith("%") else line for line in cell.source.splitlines())
        match = RAW_TIMING.search(code)
        if match:
            problems.append(Problem(name, index, f"timing outside the shared harness ('{match.group(0).strip()}')", "time it with measure.compare(...) and print measure.print_environment() in the same cell (a demonstration of timing code takes a measure.FakeClock)"))
    return problems


def lint_chapter(nb, name: str, root: Path = ROOT) -> list[Problem]:
    problems = _common(nb, name)
    headings = _headings(nb)
    if nb.cells and nb.cells[0].cell_type == "markdown":
        intro = "\n".join(line for line in nb.cells[0].source.splitlines()[1:] if line.strip() and not line.startswith("#"))
        if len(intro.split()) < 20:
            problems.append(Problem(name, 0, "no why-it-matters paragraph under the title", "write one short paragraph (20+ words) on why this matters on the job, in the title cell"))
    h2 = [(i, t) for i, level, t in headings if level == 2]
    titles = [t.lower() for _, t in h2]
    positions = []
    for section in REQUIRED_SECTIONS:
        match = [pos for pos, t in enumerate(titles) if t.startswith(section.lower())]
        if not match:
            problems.append(Problem(name, None, f"no '## {section}' section", f"add '## {section}' (see templates/chapter.ipynb for the anatomy)"))
            positions.append(None)
        else:
            positions.append(match[0])
    found = [p for p in positions if p is not None]
    if found != sorted(found):
        order = " → ".join(REQUIRED_SECTIONS)
        problems.append(Problem(name, None, "the anatomy sections are out of order", f"order them as {order}, with the content sections between Setup and Key takeaways"))
    setup, takeaways = positions[2], positions[3]
    if setup is not None and takeaways is not None and takeaways - setup - 1 < 2:
        problems.append(Problem(name, None, f"{takeaways - setup - 1} content section(s) between Setup and Key takeaways", "teach each topic of the pillar in its own '## ' section (at least two)"))
    index, text = _section_text(nb, headings, "Learning objectives")
    if index >= 0:
        items = re.findall(r"^\s*(?:[-*+]|\d+\.)\s+\S", text, re.MULTILINE)
        if not 3 <= len(items) <= 6:
            problems.append(Problem(name, index, f"{len(items)} learning objectives", "list 3 to 6 measurable objectives ('measure…', 'refactor…', 'choose…')"))
    index, text = _section_text(nb, headings, "Prerequisites and time")
    if index >= 0:
        if "|" not in text:
            problems.append(Problem(name, index, "no prerequisites table", "add a table: | Concept | Importance | Notes | with necessary/helpful rows"))
        if not re.search(r"\d+\s*(min|minutes|h|hours)\b", text):
            problems.append(Problem(name, index, "no time estimate", "state the time to learn, e.g. 'Time to learn: 90 minutes'"))
    index, _ = _section_text(nb, headings, "Setup")
    if index >= 0 and not any(c.cell_type == "code" for c in nb.cells[index + 1 : index + 3]):
        problems.append(Problem(name, index, "the Setup section has no code cell right after it", "put the imports and seeds in a code cell under '## Setup'"))
    index, text = _section_text(nb, headings, "Key takeaways")
    if index >= 0:
        items = re.findall(r"^\s*[-*+]\s+\S", text, re.MULTILINE)
        if not 4 <= len(items) <= 8:
            problems.append(Problem(name, index, f"{len(items)} key takeaways", "list 4 to 8 bullets"))
    index, text = _section_text(nb, headings, "Exercises")
    if index >= 0:
        stem = Path(name).stem
        if f"exercises/{stem}.ipynb" not in text:
            problems.append(Problem(name, index, "the Exercises section does not link the exercise notebook", f"link it: [the exercises](../exercises/{stem}.ipynb)"))
        if not (root / "solutions" / f"{stem}.ipynb").exists():
            problems.append(Problem(name, index, f"solutions/{stem}.ipynb does not exist", "create it with `make scaffold` or copy templates/solutions.ipynb"))
    index, text = _section_text(nb, headings, "Further reading")
    if index >= 0 and "{cite" not in text:
        problems.append(Problem(name, index, "Further reading cites nothing", "cite each source with {cite}`key` (entries go in references/<chapter>.bib)"))
    return problems


def _code_placeholder(source: str) -> str | None:
    """A placeholder (TODO, FIXME, …) in a comment or string of Python code (not in names)."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        match = PLACEHOLDER.search(source)
        return match.group(0) if match else None
    for token in tokens:
        if token.type in (tokenize.COMMENT, tokenize.STRING):
            match = PLACEHOLDER.search(token.string)
            if match:
                return match.group(0)
    return None


#: A mention of the worked solutions in text that reaches the exercise notebook.
MENTIONS_SOLUTIONS = re.compile(r"\bsolutions?\b", re.IGNORECASE)


def lint_solutions(nb, name: str) -> list[Problem]:
    problems = _common(nb, name)
    headings = _headings(nb)
    if nb.cells and not nb.cells[0].source.startswith("# Solutions:"):
        problems.append(Problem(name, 0, "the title does not start with '# Solutions:'", "title it '# Solutions: <chapter title>' (the exercise notebook gets '# Exercises: …')"))
    for index, cell in enumerate(nb.cells):
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "markdown" or "solution" in tags or "solution-only" in tags:
            continue
        text = re.sub(r"<!--.*?-->", "", cell.source, flags=re.DOTALL)
        if index == 0:
            text = re.sub(r"^# Solutions:.*$", "", text, count=1, flags=re.MULTILINE)
        match = MENTIONS_SOLUTIONS.search(text)
        if match:
            problems.append(Problem(
                name, index,
                f"'{match.group(0)}' in a cell that reaches the exercise notebook (and the site of a fork built with SOLUTIONS=0, which publishes no solutions)",
                "tag the cell `solution-only`, or rephrase it: the exercise notebook already says where the worked solutions are",
            ))
    exercises = [(i, t) for i, level, t in headings if level == 2 and "★" in t]
    if len(exercises) < 4:
        problems.append(Problem(name, None, f"{len(exercises)} exercises with a difficulty", "write at least four, each as '## Exercise N ★… — title' (★ recall, ★★ apply, ★★★ design)"))
    if exercises and not any("★★★" in t for _, t in exercises):
        problems.append(Problem(name, None, "no ★★★ exercise", "add one design/judgement exercise marked ★★★"))
    defined: dict[str, int] = {}
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        try:
            strip_solution(cell.source, f"{name} cell {index}")
        except MarkerError as exc:
            problems.append(Problem(name, index, str(exc), "balance the markers: every '### BEGIN SOLUTION' needs an '### END SOLUTION'"))
        if BEGIN in cell.source:
            for fn in re.findall(r"^def (\w+)\(", cell.source, re.MULTILINE):
                defined[fn] = index
        if re.search(r"^\s*[%!]", cell.source, re.MULTILINE):
            problems.append(Problem(name, index, "an IPython magic or shell escape in a solutions notebook", "use plain Python (subprocess, pathlib) so the tests can run the solutions as code"))
        for check, _fn in CHECK_CALL.findall(cell.source):
            shown = "".join(o.get("text", "") for o in cell.get("outputs", []) if o.output_type == "stream")
            if not shown.startswith("✓"):
                problems.append(Problem(name, index, f"{check} does not show ✓ for the solution (stored: {shown.strip()[:80]!r})", "fix the solution or the check, then re-execute"))
    called = {fn for cell in nb.cells if cell.cell_type == "code" for _, fn in CHECK_CALL.findall(cell.source)}
    for fn, index in defined.items():
        if fn not in called:
            problems.append(Problem(name, index, f"exercise function '{fn}' has no check cell", f"add a code cell `check_{fn}({fn})` after it, with the check in mlskills/checks/"))
    return problems


def lint_path(path: Path, root: Path = ROOT) -> list[Problem]:
    name = str(Path(path).resolve().relative_to(root)) if Path(path).resolve().is_relative_to(root) else str(path)
    try:
        nb = nbformat.read(path, as_version=4)
    except Exception as exc:  # not JSON, not a notebook
        return [Problem(name, None, f"cannot be read as a notebook ({exc})", "restore it from git or re-save it from Jupyter")]
    if Path(path).parent.name == "solutions":
        return lint_solutions(nb, name)
    return lint_chapter(nb, name, root)


def targets(root: Path = ROOT) -> list[Path]:
    return sorted((root / "chapters").glob("*.ipynb")) + sorted((root / "solutions").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    paths = [Path(a) for a in argv] or targets()
    problems = [p for path in paths for p in lint_path(path)]
    for problem in problems:
        print(f"✗ {problem}")
    if not problems:
        print(f"✓ {len(paths)} notebooks follow the chapter anatomy")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
