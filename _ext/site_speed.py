"""Pages that load fast on a phone (issue 22): what a page loads on open, cut at build time.

- **Math as MathML.** Equations are converted to MathML when the site is built (docutils'
  LaTeX-to-MathML converter; browsers draw MathML natively), so no page loads MathJax
  (1.2 MB, and Sphinx added it to every page whose *table of contents* had an equation,
  the landing page included). ``html_math_renderer: mathml`` in _config.yml selects it.
- **The search index only on the search page.** The theme loads ``searchindex.js`` (and
  Sphinx's search scripts) on every page for a search-as-you-type field the book does not
  use (``search_as_you_type`` is off): the search box submits to search.html, which loads them.
- **Unused CSS purged.** The theme's, myst-nb's and sphinx-design's style sheets keep only
  the rules whose class and id selectors occur in some built page or in a script the site
  ships (scripts add classes at run time: menus, dialogs, the colour-mode switch). Rules
  without class or id selectors are kept; so are ``:not()``, ``:is()``, ``:where()`` and
  ``:has()`` arguments, which never make a rule unused.
- **Font Awesome subset.** The icon fonts keep only the icons the kept CSS still draws
  (a few dozen of about 2,000) and are inlined into the style sheet as WOFF data, so the
  icons need no extra request.
- **Fewer elements in code.** Pygments wraps every name and punctuation mark in a span;
  token classes that the light *and* dark styles draw in the block's own text colour are
  unwrapped (the text and its colours are unchanged; Chapter 2's page had 6,500 spans).

All of it is idempotent: an incremental build (``make book``) re-renders only changed
pages, and the page fixes run on the pages this build wrote only; the style sheets are
purged again from the theme's pristine copies, with the classes of every page.

The build itself is kept fast (issue 22), each step leaving every page byte for byte as it was:
lookups that Sphinx, Pygments and pybtex repeat for every code block, word and citation are
remembered (lexers, formatters, LaTeX decoding, plugin lookups, formatted bibliography entries
and citations); the sidebar's table of contents is resolved once per build rather than
once per page, and its HTML made without BeautifulSoup (checked against the theme's own code
on every page in the site tests); code cells without IPython syntax are lexed by Python's
(faster) lexer; the CSS purge splits rules with a scanner; the book builds with one process per
core, the pages shared between them by cost (``mlskills/build_book.py``).
"""

from __future__ import annotations

import base64
import concurrent.futures
import hashlib
import html
import io
import json
import multiprocessing
import re
import time
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from sphinx.locale import _
from sphinx.util import logging

logger = logging.getLogger(__name__)

MARKER = "/* purged by _ext/site_speed.py */\n"
#: Style sheets purged of unused rules (paths under _static/; glob patterns).
PURGED_CSS = ["styles/pydata-sphinx-theme.css", "mystnb.*.css", "sphinx-design.min.css", "basic.css"]
SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[^"]*(?:_static/searchtools\.js|_static/language_data\.js|searchindex\.js)[^"]*"></script>'
)


# --- math -------------------------------------------------------------------------------

def _mathml(self, node, tex: str, block: bool) -> str:
    from docutils.utils.math import latex2mathml

    try:
        markup = latex2mathml.tex2mathml(tex, as_block=block)
    except Exception as error:  # an unknown command: say where, keep the LaTeX readable
        logger.warning("cannot convert this math to MathML (%s): %s", error, tex, location=node, type="site_speed", subtype="math")
        return f'<code class="math">{self.encode(tex)}</code>'
    return re.sub(r">\s+<", "><", markup).strip()


def visit_math(self, node):
    self.body.append(f'<span class="math">{_mathml(self, node, node.astext(), False)}</span>')
    raise nodes.SkipNode


def visit_displaymath(self, node):
    from sphinx.ext.mathjax import get_node_equation_number

    self.body.append(self.starttag(node, "div", CLASS="math"))
    if node["number"]:
        self.body.append(f'<span class="eqno">({get_node_equation_number(self, node)})')
        self.add_permalink_ref(node, _("Link to this equation"))
        self.body.append("</span>")
    tex = node.astext()
    parts = [p for p in tex.split("\n\n") if p.strip()]
    if len(parts) > 1:
        tex = r"\begin{aligned}" + r"\\".join(parts) + r"\end{aligned}"
    self.body.append(_mathml(self, node, tex, True))
    self.body.append("</div>\n")
    raise nodes.SkipNode


# --- CSS purge --------------------------------------------------------------------------

_FUNCTIONAL = re.compile(r":(?:not|is|where|has)\(")
_TOKEN = re.compile(r"[A-Za-z_][\w-]*")


def _strip_functional(selector: str) -> str:
    """The selector without the arguments of :not(), :is(), :where(), :has()."""
    out, i = [], 0
    while True:
        match = _FUNCTIONAL.search(selector, i)
        if not match:
            out.append(selector[i:])
            return "".join(out)
        out.append(selector[i:match.start()])
        depth, j = 1, match.end()
        while j < len(selector) and depth:
            depth += {"(": 1, ")": -1}.get(selector[j], 0)
            j += 1
        i = j


def _selector_used(selector: str, used: set[str]) -> bool:
    core = re.sub(r"\[[^\]]*\]", "", _strip_functional(selector))  # attribute values are not classes
    names = re.findall(r"[.#](-?[A-Za-z_][\w-]*)", core.replace("\\", ""))
    return all(name in used for name in names)


_CSS_SPECIAL = re.compile(r'/\*.*?(?:\*/|\Z)|"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|\\.|[{};]', re.DOTALL)


def css_rules(text: str) -> list[tuple[str, str | None]]:
    """The rules of a style sheet as (prelude, block) text: block is None for a statement such
    as ``@charset "UTF-8";``. Comments between rules are dropped; strings, escapes and
    comments inside rules are skipped over, never split. (A scanner, not a full CSS parser:
    the theme's 397 kB sheet is purged in 0.07 s, where tinycss2 took 0.60 s.)"""
    rules: list[tuple[str, str | None]] = []
    depth, start, block_start = 0, 0, 0
    pieces: list[str] = []  # the prelude, without its comments
    for match in _CSS_SPECIAL.finditer(text):
        token = match.group(0)
        if token.startswith("/*"):
            if depth == 0:
                pieces.append(text[start:match.start()])
                start = match.end()
            continue
        if token == "{":
            if depth == 0:
                pieces.append(text[start:match.start()])
                block_start = match.end()
            depth += 1
        elif token == "}":
            depth -= 1
            if depth == 0:
                rules.append(("".join(pieces).strip(), text[block_start:match.start()]))
                pieces, start = [], match.end()
            elif depth < 0:  # a stray brace: skip it, as a browser does
                depth, pieces, start = 0, [], match.end()
        elif token == ";" and depth == 0:
            pieces.append(text[start:match.start()])
            statement = "".join(pieces).strip()
            if statement:
                rules.append((statement, None))
            pieces, start = [], match.end()
    return rules


#: At-rules whose block holds style rules, purged like the sheet itself.
_NESTING_AT_RULES = {"@media", "@supports", "@layer", "@container"}


def purge_css(text: str, used: set[str]) -> str:
    """``text`` without the style rules none of whose selectors can match (see module docstring)."""
    kept = []
    for prelude, block in css_rules(text):
        if block is None:
            kept.append(prelude + ";")
        elif prelude.startswith("@"):
            if prelude.split(None, 1)[0].split("(", 1)[0].lower() in _NESTING_AT_RULES:
                inner = purge_css(block, used)
                if not inner:
                    continue
                block = inner
            kept.append(prelude + "{" + block + "}")
        elif any(_selector_used(s.strip(), used) for s in prelude.split(",")):
            kept.append(prelude + "{" + block + "}")
    return "".join(kept)


def page_tokens(text: str) -> set[str]:
    """Every class and id of a page."""
    return {token for value in re.findall(r'\b(?:class|id)="([^"]*)"', text) for token in value.split()}


def script_tokens(static: Path) -> set[str]:
    """Every identifier in the scripts the site ships (they add classes at run time)."""
    used: set[str] = set()
    for script in static.rglob("*.js"):
        if script.name in {"plotly.min.js"} or "mathjax" in script.parts:
            continue
        used.update(_TOKEN.findall(script.read_text(encoding="utf-8", errors="replace")))
    return used


# --- Font Awesome -----------------------------------------------------------------------

_FONT_FACE = re.compile(r'@font-face\{[^}]*?src:url\((\.\./vendor/fontawesome/webfonts/[\w-]+)\.woff2\)[^}]*\}')


def _codepoints(css: str) -> set[int]:
    """The private-use code points (icons) the style sheet still draws."""
    values = [int(e, 16) for e in re.findall(r"\\([0-9a-fA-F]{4,6})", css)] + [ord(c) for c in css if ord(c) >= 0xE000]
    return {v for v in values if 0xE000 <= v <= 0xF8FF or v >= 0xF0000}


def subset_fonts(css: str, css_path: Path, cache: Path) -> str:
    """Replace each Font Awesome @font-face source by an inline WOFF with only the used icons."""
    import logging as std_logging

    from fontTools import subset
    from fontTools.ttLib import TTFont

    std_logging.getLogger("fontTools").setLevel(std_logging.WARNING)  # its INFO lines would reach the build log

    points = sorted(_codepoints(css))

    def replace(match):
        ttf = (css_path.parent / (match.group(1) + ".ttf")).resolve()
        if not ttf.exists():
            return match.group(0)
        key = hashlib.sha256(ttf.read_bytes() + json.dumps(points).encode()).hexdigest()[:16]
        cached = cache / f"{ttf.stem}-{key}.woff"
        if not cached.exists():
            font = TTFont(ttf, recalcTimestamp=False)
            present = set(font.getBestCmap())
            options = subset.Options()
            options.flavor = "woff"
            options.layout_features = ["*"]
            options.notdef_outline = True
            options.recalc_timestamp = False  # the same icons give the same bytes, build after build
            subsetter = subset.Subsetter(options)
            subsetter.populate(unicodes=[p for p in points if p in present] or [0x20])
            subsetter.subset(font)
            buffer = io.BytesIO()
            font.flavor = "woff"
            font.save(buffer)
            cache.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(buffer.getvalue())
        data = base64.b64encode(cached.read_bytes()).decode()
        src = re.search(r"src:[^;}]*", match.group(0)).group(0)
        return match.group(0).replace(src, f'src:url(data:font/woff;base64,{data}) format("woff")')

    return _FONT_FACE.sub(replace, css)


def optimise_static(outdir: Path, cache: Path, used: set[str]) -> dict[str, tuple[int, int]]:
    """Purge the style sheets (from pristine copies kept in ``cache``) of all but the ``used``
    classes and ids (the pages' and the scripts'); return {name: (before, after)}."""
    static = outdir / "_static"
    sizes = {}
    for pattern in PURGED_CSS:
        for css_path in static.glob(pattern):
            text = css_path.read_text(encoding="utf-8")
            pristine = cache / "pristine" / css_path.relative_to(static)
            if not text.startswith(MARKER):  # Sphinx copied a fresh one: keep it as the source
                pristine.parent.mkdir(parents=True, exist_ok=True)
                pristine.write_text(text, encoding="utf-8")
            elif pristine.exists():
                text = pristine.read_text(encoding="utf-8")
            else:  # purged before, its source lost (the cache was removed): leave it as it is
                continue
            key = hashlib.sha256(text.encode() + "\n".join(sorted(used)).encode()).hexdigest()[:20]
            done = cache / "purged" / f"{key}.css"
            if done.exists():  # the same style sheet and the same classes: the same result
                result = done.read_text(encoding="utf-8")
            else:
                purged = purge_css(text, used)
                if "fontawesome" in purged:
                    purged = subset_fonts(purged, css_path, cache / "fonts")
                result = MARKER + purged
                done.parent.mkdir(parents=True, exist_ok=True)
                done.write_text(result, encoding="utf-8")
            if css_path.read_text(encoding="utf-8") != result:
                css_path.write_text(result, encoding="utf-8")
            sizes[css_path.name] = (len(text.encode()), len(result.encode()))
    return sizes


# --- pages ------------------------------------------------------------------------------

def plain_token_classes(pygments_css: str) -> set[str]:
    """Pygments token classes drawn in the code block's own colour in both colour modes."""
    plain = None
    for mode in ("light", "dark"):
        prefix = re.escape(f'html[data-theme="{mode}"] .highlight')
        base = re.search(prefix + r"\s*\{[^}]*color:\s*([^;}\s]+)", pygments_css)
        if not base:
            return set()
        rules = dict(re.findall(prefix + r" \.([\w-]+) \{ ([^}]*?) \}", pygments_css))
        candidates = {"n", "p", "w", "nx", "nv", "err"} | set(rules)
        same = {cls for cls in candidates if rules.get(cls, f"color: {base.group(1)}").strip().rstrip(";") == f"color: {base.group(1)}"}
        plain = same if plain is None else plain & same
    return plain or set()


_HIGHLIGHT = re.compile(r'(<div class="highlight"><pre>)(.*?)(</pre></div>)', re.DOTALL)


def fix_page(text: str, plain: set[str], search_page: bool) -> str:
    if not search_page:
        text = SEARCH_SCRIPTS.sub("", text)
    if plain:
        names = "|".join(sorted(map(re.escape, plain)))
        span = re.compile(rf'<span class="(?:{names})">([^<]*)</span>')
        text = _HIGHLIGHT.sub(lambda m: m.group(1) + span.sub(r"\1", m.group(2)) + m.group(3), text)
    return text


def note_page(app, pagename, templatename, context, doctree):
    """Give the page a description for search engines (its first paragraph)."""
    metatags = context.get("metatags", "")
    if doctree is not None and 'name="description"' not in metatags:
        description = page_description(doctree)
        if description:
            context["metatags"] = metatags + f'\n    <meta name="description" content="{html.escape(description)}" />'


def page_description(doctree, limit: int = 160) -> str:
    """The page's first paragraph of prose (not a note, a figure's caption or an output), shortened at a word."""
    for paragraph in doctree.findall(nodes.paragraph):
        if any(isinstance(a, (nodes.Admonition, nodes.caption, nodes.field_list, nodes.table, nodes.citation, nodes.footnote)) for a in _ancestors(paragraph)):
            continue
        if any("cell_output" in a.get("classes", []) for a in _ancestors(paragraph) if isinstance(a, nodes.Element)):
            continue
        text = " ".join(paragraph.astext().split())
        if len(text) < 40:
            continue
        if len(text) > limit:
            text = text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"
        return text
    return ""


def _ancestors(node):
    node = node.parent
    while node is not None:
        yield node
        node = node.parent


def finish_pages(group) -> set[str]:
    """Fix the pages of ``group`` that this build wrote (in this process or, with parallel
    jobs, in its workers); return the classes and ids of all of them, as fixed."""
    pages, plain, search_page, started = group
    used: set[str] = set()
    for path in pages:
        text = path.read_text(encoding="utf-8")
        if path.stat().st_mtime >= started:
            fixed = fix_page(text, plain, path == search_page)
            if fixed != text:
                path.write_text(fixed, encoding="utf-8")
                text = fixed
        used |= page_tokens(text)
    return used


def finish(app, exception):
    if exception or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    cache = Path(app.doctreedir).parent / "site-speed-cache"
    pygments_css = outdir / "_static" / "pygments.css"
    plain = plain_token_classes(pygments_css.read_text(encoding="utf-8")) if pygments_css.exists() else set()
    pages = sorted((path for path in outdir.rglob("*.html") if "_static" not in path.parts), key=lambda path: -path.stat().st_size)
    jobs = getattr(app, "parallel", 1) if "fork" in multiprocessing.get_all_start_methods() else 1
    groups = [(pages[i::jobs], plain, outdir / "search.html", app.site_speed_started) for i in range(max(1, jobs))]
    if len(groups) > 1:
        with concurrent.futures.ProcessPoolExecutor(len(groups), mp_context=multiprocessing.get_context("fork")) as pool:
            found = list(pool.map(finish_pages, groups))
    else:
        found = [finish_pages(group) for group in groups]
    sizes = optimise_static(outdir, cache, script_tokens(outdir / "_static").union(*found))
    for name, (before, after) in sorted(sizes.items()):
        logger.info("site_speed: %s %d kB -> %d kB", name, before // 1000, after // 1000)


# --- the execution statistics page ---------------------------------------------------------

class SiteSpeedStats(Directive):
    """The site's numbers from `make bench`: build times, page weights, Lighthouse scores."""

    has_content = False

    def run(self):
        from book_extras import _table

        env = self.state.document.settings.env
        source = Path(env.srcdir) / "reference" / "execution-stats.json"
        env.note_dependency(str(source))
        stats = json.loads(source.read_text(encoding="utf-8")) if source.exists() else {}
        if "lighthouse" not in stats:
            return [nodes.paragraph(text="No site measurements yet: run `make bench`.")]
        out = []
        rows = [("Build", "Seconds", "Pages", "Seconds per page", "Budget")]
        trials = stats.get("book_build_s_trials", [])
        spread = f" ({min(trials):.1f}–{max(trials):.1f} over {len(trials)} builds)" if len(trials) > 1 else ""
        rows.append(("make book FULL=1 (from scratch)" + (", median" if spread else ""), f"{stats['book_build_s']:.1f}{spread}",
                     str(stats["book_pages"]), f"{stats['book_build_s_per_page']:.2f}", "0.20 s per page"))
        rows.append(("make book after one page changed", f"{stats['book_incremental_build_s']:.1f}", "", "", ""))
        out.append(_table(rows))
        if stats.get("site_conditions"):
            out.append(nodes.paragraph(text=f"Conditions: {stats['site_conditions']}."))
        weight = stats["page_weight"]
        out.append(nodes.paragraph(text=(
            f"Page weight (raw bytes of everything a page loads on open) over {weight['pages']} pages: "
            f"median {weight['median_kb']} kB (budget 600 kB), 10th to 90th percentile {weight['p10_kb']}–{weight['p90_kb']} kB, "
            f"largest {weight['max_kb']} kB ({weight['max_page']}; pages without an interactive figure: at most 1,000 kB)."
        )))
        rows = [("Page", "Performance", "Accessibility", "Best practices", "SEO", "FCP (s)", "LCP (s)", "TBT (ms)", "Elements")]
        for page, r in stats["lighthouse"].items():
            rows.append((page, *(str(r[c]) for c in ("performance", "accessibility", "best-practices", "seo")),
                         f"{r['fcp_ms'] / 1e3:.1f}", f"{r['lcp_ms'] / 1e3:.1f}", str(r["tbt_ms"]), str(r["dom_elements"])))
        out.append(nodes.paragraph(text=(
            "Lighthouse (pinned in bench/lighthouse/package.json; mobile, simulated throttling; the site served "
            "gzipped on 127.0.0.1; the median of three rounds; each round's scores are in reference/execution-stats.json):"
        )))
        out.append(_table(rows))
        return out


# --- build time -------------------------------------------------------------------------

def cache_bibtex_plugins() -> None:
    """pybtex looks its plugins up in the installed packages' entry points on every citation
    it formats (about 450 lookups in this book, each reading every package's metadata: a
    third of the build). The installed packages do not change during a build: remember them."""
    import functools

    import pybtex.plugin as plugin

    if hasattr(plugin._load_entry_point, "cache_clear"):
        return
    lookup = plugin._load_entry_point = functools.lru_cache(maxsize=None)(plugin._load_entry_point)
    register = plugin.register_plugin

    @functools.wraps(register)
    def register_plugin(*args, **kwargs):
        lookup.cache_clear()
        return register(*args, **kwargs)

    plugin.register_plugin = register_plugin

    # A first lookup of each plugin reads the entry points of every installed package (about
    # 50 ms each, a dozen distinct lookups, in the main process and again in each worker that
    # forks before them). Read them once; select from them as importlib.metadata does.
    import importlib.metadata as metadata

    if plugin.entry_points is metadata.entry_points:
        installed = functools.cache(metadata.entry_points)  # all of them; .select() filters

        def entry_points(**params):
            return installed().select(**params)

        entry_points.original = metadata.entry_points
        plugin.entry_points = entry_points

    # Every name and field of every entry is decoded from LaTeX each time an entry is formatted
    # (586 times here; latexcodec decodes character by character: 1.2 s). Decoding is a pure
    # function of the text: decode each distinct text once; the parse stays per call.
    import codecs

    import latexcodec  # noqa: F401  (registers the "ulatex" codec)
    from pybtex.markup import LaTeXParser
    from pybtex.richtext import Text

    decode = functools.lru_cache(maxsize=None)(lambda latex: codecs.decode(latex, "ulatex"))
    Text.from_latex = classmethod(lambda cls, latex: LaTeXParser(decode(latex)).parse())

    # sphinxcontrib-bibtex formats every entry twice, for the bibliography and for its tooltip,
    # with two instances of the same style. An entry's text depends on the style's options and
    # the entry alone (the label is kept beside it): format it once. The entries of a build
    # stay alive while it runs, so they are compared by identity, never mistaken for another.
    from pybtex.style import FormattedEntry
    from pybtex.style.formatting import BaseStyle

    format_entry = BaseStyle.format_entry
    texts: dict = {}

    def remembered_format_entry(self, label, entry, bib_data=None):
        key = (type(self), type(self.name_style), type(self.label_style), type(self.sorting_style),
               self.abbreviate_names, self.min_crossrefs, id(entry), id(bib_data))
        if key not in texts or texts[key][0] is not entry or texts[key][1] is not bib_data:
            texts[key] = (entry, bib_data, format_entry(self, label, entry, bib_data=bib_data).text)
        return FormattedEntry(entry.key, texts[key][2], label)

    remembered_format_entry.original = format_entry
    BaseStyle.format_entry = remembered_format_entry

    # Each citation in the text is formatted anew ("Smith (2020)"), 479 in this book, 306 of
    # them distinct: a page citing a work twice, with the same words around it, formats it once.
    # The result depends on the style, the role and each reference's entry and link (the
    # builder, both pages, the target, tooltip and the words around it); it is rendered into
    # new nodes at each use, never changed.
    import sphinxcontrib.bibtex.domain as bibtex_domain

    if not hasattr(bibtex_domain.format_references, "original"):
        format_references = bibtex_domain.format_references
        formatted: dict = {}

        def remembered_format_references(style, role_name, references):
            references = list(references)
            key = (id(style), role_name, tuple((id(entry), id(formatted_entry), info) for entry, formatted_entry, info in references))
            kept = formatted.get(key)
            if kept is None or kept[0] is not style or any(a[0] is not b[0] or a[1] is not b[1] for a, b in zip(kept[1], references, strict=True)):
                kept = formatted[key] = (style, references, format_references(style, role_name, references))
            return kept[2]

        remembered_format_references.original = format_references
        bibtex_domain.format_references = remembered_format_references


IPYTHON_ALIASES = {"ipython", "ipython3"}
IPYTHON_SYNTAX = frozenset("%!?")


def cache_lexers() -> None:
    """A lookup the build repeats: Sphinx asks Pygments for a lexer by name for every code
    block and output (1,250 here; names outside Pygments itself, such as IPython's
    ``ipython3``, are looked up in every package's entry points each time). Remember the
    lexer class per name; the results are the same. (The search index's stemming needs no
    such memo: PyStemmer, in requirements.txt, stems the book's 9,753 distinct words in 2 ms.)"""
    import sphinx.highlighting as highlighting

    if not getattr(highlighting.get_lexer_by_name, "site_speed", False):
        by_name = highlighting.get_lexer_by_name
        classes: dict = {}

        def get_lexer_by_name(alias, **options):
            if alias in classes:
                return classes[alias](**options)
            lexer = by_name(alias, **options)
            classes[alias] = type(lexer)
            return lexer

        get_lexer_by_name.site_speed = True
        highlighting.get_lexer_by_name = get_lexer_by_name

    # IPython's lexer is Python's with IPython syntax tried first at every position (magics,
    # shell escapes, help): twice as slow as Python's on the book's 860 code cells. Each of
    # those patterns needs a "%", "!" or "?"; a cell with none of them gets the same tokens
    # from Python's lexer (its other states are Python's own), so it is lexed with that.
    if not getattr(highlighting.PygmentsBridge.get_lexer, "site_speed", False):
        sphinx_get_lexer = highlighting.PygmentsBridge.get_lexer

        def get_lexer(self, source, lang, opts=None, force=False, location=None):
            if lang in IPYTHON_ALIASES and not IPYTHON_SYNTAX.intersection(source) and not source.startswith(">>>"):
                lang = "python"  # (Sphinx would lex a block starting with ">>>" as a console session)
            return sphinx_get_lexer(self, source, lang, opts, force, location)

        get_lexer.site_speed = True
        get_lexer.original = sphinx_get_lexer
        highlighting.PygmentsBridge.get_lexer = get_lexer

    # Sphinx makes a new HTML formatter for every block, and each one builds the whole style
    # sheet of its style (0.4 ms; 1,440 blocks). A formatter keeps no state between blocks:
    # keep one per set of options.
    if not getattr(highlighting.PygmentsBridge.get_formatter, "site_speed", False):
        sphinx_get_formatter = highlighting.PygmentsBridge.get_formatter

        def get_formatter(self, **kwargs):
            key = repr(sorted(kwargs.items()))
            formatters = self.__dict__.setdefault("site_speed_formatters", {})
            if key not in formatters:
                formatters[key] = sphinx_get_formatter(self, **kwargs)
            return formatters[key]

        get_formatter.site_speed = True
        highlighting.PygmentsBridge.get_formatter = get_formatter


#: Resolved table-of-contents entries, per build (emptied when the pages are read again).
_TOC_ENTRIES: dict = {}


def cache_toctree_entries() -> None:
    """Every page's sidebar resolves the book's whole table of contents: Sphinx copies the
    headings of all 60 pages, every section down to the last, then (the sidebar shows titles
    only) drops all but the titles: 6-7 % of a full build, the same work 62 times. The entries
    depend on the page only through its ancestors, and only when a page's headings hold an
    ``only`` directive (a copy then keeps or drops it). Resolve each toctree's entries once;
    each page gets its own copy, which Sphinx then marks and links for that page as before."""
    from sphinx import addnodes
    from sphinx.environment.adapters import toctree as adapter

    if getattr(adapter._entries_from_toctree, "site_speed", False):
        return
    entries_from_toctree = adapter._entries_from_toctree

    def _entries_from_toctree(env, prune, titles_only, collapse, includehidden, tags, toctree_ancestors,
                              included, excluded, toctreenode, parents, subtree=False):
        def resolve():
            return entries_from_toctree(env, prune, titles_only, collapse, includehidden, tags, toctree_ancestors,
                                        included, excluded, toctreenode, parents, subtree)

        if subtree:  # inside a call being resolved (and cached) as a whole
            return resolve()
        if "only" not in _TOC_ENTRIES:
            _TOC_ENTRIES["only"] = any(next(toc.findall(addnodes.only), None) is not None for toc in env.tocs.values())
        key = (
            id(env), prune, titles_only, collapse, includehidden, tuple(parents),
            tuple(toctreenode["entries"]), toctreenode.get("parent"), toctreenode.get("hidden", False),
            frozenset(toctree_ancestors) if _TOC_ENTRIES["only"] else None,
        )
        if key not in _TOC_ENTRIES:
            _TOC_ENTRIES[key] = resolve()
        return [entry.deepcopy() for entry in _TOC_ENTRIES[key]]

    _entries_from_toctree.site_speed = True
    adapter._entries_from_toctree = _entries_from_toctree


# --- the sidebar, without BeautifulSoup ----------------------------------------------------

_SIDEBAR_TAGS = {"p", "span", "ul", "li", "a", "code", "em", "strong", "sub", "sup", "i", "b", "math", "mi", "mn", "mo", "mrow", "msub", "msup", "mtext"}
_SIDEBAR_TOKEN = re.compile(r"<(/?)([a-z]+)((?:\s+[a-zA-Z_:][\w:.-]*=\"[^\"<>]*\")*)\s*>|([^<]+)|(<)")
_SIDEBAR_ATTR = re.compile(r'([a-zA-Z_:][\w:.-]*)="([^"]*)"')


class _Element:
    __slots__ = ("name", "attrs", "children", "parent")

    def __init__(self, name, attrs, parent):
        self.name, self.attrs, self.children, self.parent = name, attrs, [], parent

    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def descendants(self):
        for child in self.children:
            if isinstance(child, _Element):
                yield child
                yield from child.descendants()

    def html(self) -> str:
        attrs = "".join(f' {key}="{html.escape(value, quote=False)}"' for key, value in self.attrs.items())
        inner = "".join(child.html() if isinstance(child, _Element) else html.escape(child, quote=False) for child in self.children)
        return f"<{self.name}{attrs}>{inner}</{self.name}>"


def _parse_sidebar(text: str):
    """Sphinx's HTML of a table of contents as a tree, or None for anything this does not
    handle the way BeautifulSoup does (then the theme's own code runs)."""
    root = current = _Element("", {}, None)
    for match in _SIDEBAR_TOKEN.finditer(text):
        closing, name, attrs, data, stray = match.groups()
        if stray is not None:
            return None
        if data is not None:
            current.children.append(html.unescape(data))
        elif name not in _SIDEBAR_TAGS:
            return None
        elif closing:
            if current.name != name or attrs:
                return None
            current = current.parent
        else:
            values = {}
            for key, value in _SIDEBAR_ATTR.findall(attrs):
                value = html.unescape(value)
                if key in values or '"' in value:
                    return None
                values[key] = " ".join(value.split()) if key == "class" else value
            element = _Element(name, values, current)
            current.children.append(element)
            current = element
    return root if current is root else None


def sidebar_html(toctree_html: str, show_nav_level: int) -> str | None:
    """What the theme's ``generate_toctree_html(kind="sidebar", startdepth=0, ...)`` makes of
    Sphinx's table of contents (pydata-sphinx-theme 0.17: toctree.py), without BeautifulSoup:
    ``active`` beside ``current``, no links to sections within pages, the top lists marked as
    the sidebar's, a ``<details>`` toggle around every nested list (open on the current page's
    branch and down to ``show_nav_level``). None where the input needs more than that."""
    root = _parse_sidebar(toctree_html)
    if root is None or show_nav_level == 0:
        return None
    for li in [e for e in root.descendants() if e.name == "li"]:
        if "current" in li.classes():
            li.attrs["class"] = " ".join([*li.classes(), "active"])
    for li in [e for e in root.descendants() if e.name == "li"]:
        link = next((e for e in li.descendants() if e.name == "a"), None)
        if link is not None and "#" in link.attrs.get("href", "") and link.attrs["href"] != "#":
            li.parent.children.remove(li)
    for ul in root.children:
        if isinstance(ul, _Element) and ul.name == "ul":
            ul.attrs["class"] = " ".join([*ul.classes(), "nav", "bd-sidenav"])
    for li in [e for e in root.descendants() if e.name == "li"]:
        classes = li.classes()
        if any(e.name == "p" and "caption" in e.classes() for e in li.children if isinstance(e, _Element)):
            return None
        if not any(e.name == "ul" for e in li.descendants()):
            continue
        li.attrs["class"] = " ".join([*classes, "has-children"])
        details = _Element("details", {}, li)
        details.children, li.children = li.children, [details]
        for child in details.children:
            if isinstance(child, _Element):
                child.parent = details
        link = next((e for e in details.children if isinstance(e, _Element) and e.name == "a" and "reference" in e.classes()), None)
        if link is not None:
            details.children.remove(link)
            li.children.insert(0, link)
            link.parent = li
        summary = _Element("summary", {}, details)
        toggle = _Element("span", {"class": "toctree-toggle", "role": "presentation"}, summary)
        toggle.children.append(_Element("i", {"class": "fa-solid fa-chevron-down"}, toggle))
        summary.children.append(toggle)
        details.children.insert(0, summary)
        if "current" in classes:
            details.attrs["open"] = "open"
    for details in [e for e in root.descendants() if e.name == "details"]:
        level = next((c for c in details.parent.classes() if c.startswith("toctree-l")), "")
        if level[len("toctree-l"):].isdigit() and int(level[len("toctree-l"):]) < show_nav_level:
            details.attrs["open"] = "open"
    return "".join(child.html() if isinstance(child, _Element) else html.escape(child, quote=False) for child in root.children)


#: Set by the site tests: every page's sidebar is also made by the theme's own code, and a
#: difference stops the build.
CHECK_SIDEBAR = "BOOK_CHECK_SIDEBAR"


def fast_sidebar() -> None:
    """The theme rebuilds the sidebar of every page with BeautifulSoup: it parses Sphinx's HTML
    of the whole table of contents, adds its classes and toggles, and writes it out again: a
    one-process build took 0.6-1.7 s longer with it (two rounds each). ``sidebar_html`` makes
    the same HTML from the same input with a small parser for the few tags a table of contents
    holds (0.1 s for the book's 62 pages); anything else goes to the theme's code. With
    ``BOOK_CHECK_SIDEBAR=1`` (the site tests) both run on every page and a difference is an
    error."""
    import functools
    import os

    from markupsafe import Markup
    from pydata_sphinx_theme import toctree

    if getattr(toctree.add_toctree_functions, "site_speed", False):
        return
    add_toctree_functions = toctree.add_toctree_functions

    def add_fast_toctree_functions(app, pagename, templatename, context, doctree):
        add_toctree_functions(app, pagename, templatename, context, doctree)
        theme = context.get("generate_toctree_html")
        if theme is None or "toctree" not in context:
            return

        @functools.cache  # as the theme's: its templates are rendered twice (once to see if empty)
        def generate_toctree_html(kind, startdepth=1, show_nav_level=1, **kwargs):
            made = None
            if kind == "sidebar" and startdepth == 0:
                made = sidebar_html(context["toctree"](**kwargs), int(show_nav_level))
            if made is None:
                return theme(kind, startdepth, show_nav_level, **kwargs)
            if os.environ.get(CHECK_SIDEBAR) == "1":
                expected = str(theme(kind, startdepth, show_nav_level, **kwargs))
                if made != expected:
                    raise RuntimeError(f"site_speed: the sidebar of {pagename} differs from the theme's:\n{made}\n---\n{expected}")
            return Markup(made)

        context["generate_toctree_html"] = generate_toctree_html

    add_fast_toctree_functions.site_speed = True
    add_fast_toctree_functions.original = add_toctree_functions
    toctree.add_toctree_functions = add_fast_toctree_functions


class _PrunedGlob:
    """``glob.iglob`` for sphinx-external-toc, walking past folders the book excludes.

    With ``only_build_toc_files`` the extension lists every ``*.ipynb``, ``*.md`` ... under
    the book's folder to exclude those outside the table of contents, and glob walks every
    folder to do it: the Lighthouse bench's node_modules, _build, web/ (0.55 s, 476 files of
    which 63 outside excluded folders, before Sphinx starts reading). A file in an excluded
    folder is skipped by the extension anyway, so the walk leaves those folders out; like
    glob's ``**`` it skips hidden names and follows links to folders."""

    def __init__(self, srcdir: str, exclude_patterns: list[str]):
        from sphinx.util.matching import Matcher

        self.srcdir, self.excluded = str(srcdir), Matcher(list(exclude_patterns))

    def iglob(self, pattern: str, recursive: bool = False):
        import glob
        import os

        prefix = os.path.join(self.srcdir, "**", "*")
        suffix = pattern[len(prefix):]
        if not (recursive and pattern.startswith(prefix)) or any(c in suffix for c in "*?[/"):
            return glob.iglob(pattern, recursive=recursive)
        return self._walk(suffix)

    def _walk(self, suffix: str):
        import os

        for folder, subfolders, files in os.walk(self.srcdir, followlinks=True):
            relative = os.path.relpath(folder, self.srcdir).replace(os.sep, "/")
            relative = "" if relative == "." else relative + "/"
            subfolders[:] = sorted(d for d in subfolders if not d.startswith(".") and not self.excluded(relative + d))
            for name in sorted(files):
                if name.endswith(suffix) and not name.startswith("."):
                    yield os.path.join(folder, name)


def prune_toc_file_search(app, config):
    """Before sphinx-external-toc looks for pages outside the table of contents (priority 900)."""
    from sphinx_external_toc import events

    events.glob = _PrunedGlob(app.srcdir, config.exclude_patterns)


def forget_toctree_entries(app, env):
    _TOC_ENTRIES.clear()  # the pages were read again: their headings may have changed


def started(app):
    app.site_speed_started = time.time() - 2  # file systems with coarse timestamps


#: Extensions jupyter-book loads that are safe to run in parallel but do not say so (Sphinx
#: then reads every page in one process, and warns, which -W makes an error).
#: sphinx-multitoc-numbering only changes how the main process numbers sections after reading
#: (and numbering is off in this book); sphinx-jupyterbook-latex's transforms touch only the
#: document they are given, and its post-transforms act for the LaTeX builder only.
PARALLEL_SAFE = {"sphinx_multitoc_numbering", "sphinx_jupyterbook_latex"}


def allow_parallel_build(app, config):
    for name in PARALLEL_SAFE:
        extension = app.extensions.get(name)
        if extension is not None:
            extension.parallel_read_safe = True
            extension.parallel_write_safe = True


def setup(app):
    cache_bibtex_plugins()
    cache_lexers()
    cache_toctree_entries()
    fast_sidebar()
    app.connect("builder-inited", started)
    app.connect("config-inited", allow_parallel_build)
    app.connect("config-inited", prune_toc_file_search, priority=800)
    app.add_directive("site-speed-stats", SiteSpeedStats)
    app.add_html_math_renderer("mathml", (visit_math, None), (visit_displaymath, None))
    app.connect("html-page-context", note_page)
    app.connect("env-updated", forget_toctree_entries)
    # after book_extras' finish_html (priority 500), which copies scripts into _static/
    app.connect("build-finished", finish, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
