"""Sphinx extension with the few things the book's site needs beyond jupyter-book.

- ``{execution-stats}``: a table of notebook execution times from
  ``reference/execution-stats.json`` (written by ``make bench``), against the budget.
- plotly.js is copied from the installed plotly package to ``_static/plotly.min.js``, so a
  page with a Plotly figure loads it from the site itself (not a CDN), and only that page.
- ``BOOK_SOLUTIONS=0`` (``make book SOLUTIONS=0``): links to solution pages become plain
  text, for forks that publish the site without the solutions.
- Assets requested by the stock theme that Sphinx no longer ships (``basic.css``) are
  written, so no page requests a missing file.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx import addnodes

BUDGET_S = 60


def solutions_enabled() -> bool:
    return os.environ.get("BOOK_SOLUTIONS", "1") != "0"


class ExecutionStats(Directive):
    """Render the bench results as a table: notebook, seconds, budget, status."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        source = Path(env.srcdir) / "reference" / "execution-stats.json"
        env.note_dependency(str(source))
        if not source.exists():
            return [nodes.paragraph(text="No bench results yet: run `make bench`.")]
        stats = json.loads(source.read_text(encoding="utf-8"))
        rows = [("Notebook", "Seconds", "Budget (s)", "Within budget")]
        for name, seconds in sorted(stats["notebooks"].items()):
            if name.startswith("solutions/") and not solutions_enabled():
                continue
            rows.append((name, f"{seconds:.1f}", str(BUDGET_S), "yes" if seconds <= BUDGET_S else "NO"))
        total = sum(stats["notebooks"].values())
        rows.append(("whole book (sum)", f"{total:.1f}", "360", "yes" if total <= 360 else "NO"))
        if "book_build_s" in stats:
            rows.append(("`make book` on stored outputs", f"{stats['book_build_s']:.1f}", "60", "yes" if stats["book_build_s"] <= 60 else "NO"))
        table = _table(rows)
        note = nodes.paragraph(text=f"Measured on {stats.get('machine', 'an unnamed machine')}, {stats.get('date', 'date unknown')}.")
        return [table, note]


def _table(rows):
    table = nodes.table(classes=["execution-stats"])
    group = nodes.tgroup(cols=len(rows[0]))
    table += group
    for _ in rows[0]:
        group += nodes.colspec(colwidth=1)
    head, body = nodes.thead(), nodes.tbody()
    for index, row in enumerate(rows):
        tr = nodes.row()
        for value in row:
            entry = nodes.entry()
            entry += nodes.paragraph(text=value)
            tr += entry
        (head if index == 0 else body).append(tr)
    group += head
    group += body
    return table


def drop_solution_links(app, doctree):
    """Without solutions, a link to a solution page becomes its plain text."""
    if solutions_enabled():
        return
    for ref in list(doctree.findall(addnodes.pending_xref)):
        if "solutions/" in ref.get("reftarget", ""):
            ref.replace_self(ref.children)


def copy_static_assets(app, exception):
    if exception or app.builder.format != "html":
        return
    static = Path(app.outdir) / "_static"
    static.mkdir(exist_ok=True)
    try:
        import plotly

        plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        shutil.copyfile(plotly_js, static / "plotly.min.js")
    except ImportError:  # plotly is pinned in requirements.txt; without it no page uses it
        pass
    basic = static / "basic.css"
    if not basic.exists():
        basic.write_text("/* intentionally empty: the theme links basic.css, Sphinx no longer ships it */\n")


def setup(app):
    app.add_directive("execution-stats", ExecutionStats)
    app.connect("doctree-read", drop_solution_links)
    app.connect("build-finished", copy_static_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
