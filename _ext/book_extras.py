"""Sphinx extension with the few things the book's site needs beyond jupyter-book.

- ``{data-manifest}``: the data files with their sizes and checksums, from
  ``data/MANIFEST.sha256``.
- ``{execution-stats}``: a table of notebook execution times from
  ``reference/execution-stats.json`` (written by ``make bench``), against the budget.
- plotly.js is copied from the installed plotly package to ``_static/plotly.min.js``, so a
  page with a Plotly figure loads it from the site itself (not a CDN), and only that page.
- Scripts that one page loads itself (``mlskills/static/``, e.g. Chapter 10's in-page model)
  are copied to ``_static/`` after the build, for the same reason: a ``.js`` file placed in
  ``_static/`` before the build is added to every page. So are the files of npm packages
  that one page loads itself (``NPM_STATIC``: Chapter 10's onnxruntime-web, pinned in
  ``web/package-lock.json`` and installed by ``make web``); the build fails without them.
- ``BOOK_SOLUTIONS=0`` (``make book SOLUTIONS=0``), for forks that publish the site without
  the solutions: no page mentions them. A sentence that links a solution page is dropped,
  so are cells tagged ``solutions-pointer`` (the exercise notebooks' pointer) and
  ``{only} solutions`` blocks in Markdown pages (the tag ``solutions`` is set only when the
  solutions are published).
- Small fixes to the theme's HTML (``HTML_FIXES``), each found by the browser tests and
  the axe-core audit that tests/site/ runs on every page.
"""

from __future__ import annotations

import json
import logging
import os
import re
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


class DataManifest(Directive):
    """Render data/MANIFEST.sha256 as a table: file, size, sha256 (the single source of truth)."""

    has_content = False

    def run(self):
        env = self.state.document.settings.env
        data_dir = Path(env.srcdir) / "data"
        manifest = data_dir / "MANIFEST.sha256"
        env.note_dependency(str(manifest))
        rows = [("File", "Size (kB)", "SHA-256")]
        for line in manifest.read_text(encoding="utf-8").splitlines():
            if line.strip():
                digest, name = line.split(maxsplit=1)
                size = (data_dir / name).stat().st_size / 1000 if (data_dir / name).exists() else float("nan")
                rows.append((f"data/{name}", f"{size:,.1f}", digest))
        return [_table(rows)]


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


SOLUTIONS_POINTER_CLASS = "tag_solutions-pointer"


def _text_of(node) -> str | None:
    return str(node) if isinstance(node, nodes.Text) else None


def drop_sentence(ref) -> None:
    """Remove ``ref`` with the sentence around it (from the end of the previous sentence
    in the text before it to the end of its own sentence in the text after it)."""
    parent = ref.parent
    index = parent.index(ref)
    before = _text_of(parent[index - 1]) if index > 0 else None
    after = _text_of(parent[index + 1]) if index + 1 < len(parent) else None
    if after is not None:
        end = re.search(r"[.!?](\s|$)", after)
        parent.replace(parent[index + 1], nodes.Text(after[end.end():] if end else ""))
    if before is not None:
        starts = [m.end() for m in re.finditer(r"[.!?]\s+", before)]
        parent.replace(parent[index - 1], nodes.Text(before[: starts[-1]] if starts else ""))
    parent.remove(ref)
    if isinstance(parent, nodes.paragraph) and not parent.astext().strip():
        parent.parent.remove(parent)


def drop_solution_links(app, doctree):
    """Without solutions, no page mentions them: see the module docstring."""
    if solutions_enabled():
        return
    for container in list(doctree.findall(nodes.container)):
        if SOLUTIONS_POINTER_CLASS in container.get("classes", []):
            container.parent.remove(container)
    for ref in list(doctree.findall(addnodes.pending_xref)):
        if "solutions/" in ref.get("reftarget", ""):
            drop_sentence(ref)


def tag_solutions(app, config):
    """``{only} solutions`` blocks appear only when the solutions are published."""
    if solutions_enabled():
        app.tags.add("solutions")


#: Fixes to the theme's HTML, found by the browser tests and axe-core audit in tests/site/:
#: (pattern, replacement, why).
HTML_FIXES = [
    (
        re.compile(r'<summary>(\s*<span class="toctree-toggle" role="presentation">)'),
        r'<summary aria-label="Show or hide the pages of this section">\1',
        "axe summary-name: the sidebar's expand/collapse toggles have no accessible name",
    ),
    (
        re.compile(r'role="list" class="citation-list"'),
        'class="citation-list"',
        "axe aria-required-children: a bibliography 'list' whose entries are not list items",
    ),
    (
        re.compile(r'alt="(?:Binder|Colab|JupyterHub) logo"'),
        'alt="" role="presentation"',
        "the launch buttons' logos sit next to the text 'Binder'/'Colab': decorative, not content",
    ),
    (
        re.compile(r'<script defer src="[^"]*_static/scripts/fontawesome\.js[^"]*"></script>'),
        "",
        "page weight: the theme's CSS already draws every icon from the Font Awesome web fonts; the "
        "1.5 MB fontawesome.js (0.5 MB gzipped) on every page redraws the same icons as SVG",
    ),
]


def fix_html(outdir: Path) -> None:
    for page in outdir.rglob("*.html"):
        if "_static" in page.parts:
            continue
        text = page.read_text(encoding="utf-8")
        fixed = text
        for pattern, replacement, _why in HTML_FIXES:
            fixed = pattern.sub(replacement, fixed)
        if fixed != text:
            page.write_text(fixed, encoding="utf-8")


#: Files of npm packages (``web/node_modules/``, installed by ``make web`` with ``npm ci``) that
#: one page loads itself, and where they go under ``_static/``: Chapter 10's widget imports
#: onnxruntime-web's WebAssembly-only bundle (which carries its own licence header) on first use,
#: and the bundle fetches the single wasm file (SIMD, single-threaded use: no cross-origin isolation).
NPM_STATIC = [
    ("onnxruntime-web/dist/ort.wasm.bundle.min.mjs", "ch10/ort"),
    ("onnxruntime-web/dist/ort-wasm-simd-threaded.wasm", "ch10/ort"),
]


def copy_npm_static(srcdir: Path, static: Path) -> None:
    modules = srcdir / "web" / "node_modules"
    missing = [name for name, _ in NPM_STATIC if not (modules / name).is_file()]
    if missing:
        raise RuntimeError(f"{', '.join(missing)} missing from web/node_modules: run `make web` (npm ci in web/)")
    for name, where in NPM_STATIC:
        (static / where).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(modules / name, static / where / Path(name).name)


def finish_html(app, exception):
    """After an HTML build: apply HTML_FIXES and copy plotly.js (and basic.css if missing)."""
    if exception or app.builder.format != "html":
        return
    fix_html(Path(app.outdir))
    static = Path(app.outdir) / "_static"
    static.mkdir(exist_ok=True)
    try:
        import plotly

        plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
        shutil.copyfile(plotly_js, static / "plotly.min.js")
    except ImportError:  # plotly is pinned in requirements.txt; without it no page uses it
        pass
    page_scripts = Path(app.srcdir) / "mlskills" / "static"
    if page_scripts.is_dir():
        shutil.copytree(page_scripts, static, dirs_exist_ok=True)
    copy_npm_static(Path(app.srcdir), static)
    basic = static / "basic.css"
    if not basic.exists():
        basic.write_text("/* intentionally empty: the theme links basic.css, Sphinx no longer ships it */\n")


def drop_unused_theme_assets(app, pagename, templatename, context, doctree):
    """Thebe (live code) is off in this book, but sphinx-thebe still adds its scripts, twice,
    which raises a JavaScript error on every page; drop them."""
    if "script_files" in context:
        context["script_files"] = [
            js for js in context["script_files"]
            if "thebe" not in str(getattr(js, "filename", js) or "") and "THEBE_JS_URL" not in str(getattr(js, "attributes", {}).get("body", ""))
        ]
    if "css_files" in context:
        context["css_files"] = [css for css in context["css_files"] if "thebe" not in str(getattr(css, "filename", css))]


def set_theme_defaults(app, config):
    """An explicit default colour mode (the theme logs an error when none is set)."""
    config.html_context.setdefault("default_mode", "auto")


class _DropPlotlyMimeWarning(logging.Filter):
    """A Plotly output carries its figure twice: as text/html (what the site shows) and as
    application/vnd.plotly.v1+json (what JupyterLab, VS Code and Colab draw). myst-nb warns
    that it cannot render the JSON; that one message, and only it, is expected."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "unknown output mime type: application/vnd.plotly.v1+json" not in record.getMessage()


def setup(app):
    for handler in logging.getLogger("sphinx").handlers:
        handler.filters.insert(0, _DropPlotlyMimeWarning())
    app.connect("config-inited", set_theme_defaults)
    app.connect("config-inited", tag_solutions)
    app.connect("html-page-context", drop_unused_theme_assets)
    app.add_directive("execution-stats", ExecutionStats)
    app.add_directive("data-manifest", DataManifest)
    app.connect("doctree-read", drop_solution_links)
    app.connect("build-finished", finish_html)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
