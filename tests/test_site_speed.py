"""_ext/site_speed.py (issue 22) on small inputs: what it keeps matters more than what it cuts."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path

import pytest
import sphinx

from mlskills import ROOT

spec = importlib.util.spec_from_file_location("site_speed", ROOT / "_ext" / "site_speed.py")
site_speed = importlib.util.module_from_spec(spec)
spec.loader.exec_module(site_speed)


def test_purge_keeps_rules_whose_classes_are_used_and_drops_the_others():
    css = (
        ".used{color:red}.unused{color:blue}.used .unused{margin:0}.used,.unused{padding:0}"
        "p{line-height:1}#toc{top:0}#gone{top:1}.used:not(.unused){border:0}"
        "@media (max-width:10px){.unused{color:green}.used{color:black}}"
        "@media print{.unused{display:none}}"
        "[data-theme=dark] .used{color:white}.x\\.y{z-index:1}"
    )
    purged = site_speed.purge_css(css, {"used", "toc"})
    for kept in [".used{color:red}", "p{line-height:1}", "#toc{top:0}", ".used,.unused{padding:0}", ".used:not(.unused)", ".used{color:black}", "[data-theme=dark] .used"]:
        assert kept in purged, kept
    for dropped in [".unused{color:blue}", ".used .unused", "#gone", "color:green", "@media print", "x\\.y"]:
        assert dropped not in purged, dropped


def test_purge_keeps_font_faces_keyframes_and_custom_properties():
    css = '@font-face{font-family:X;src:url(x.woff)}@keyframes spin{to{transform:rotate(1turn)}}:root{--pst-icon:"\\f05a"}'
    assert site_speed.purge_css(css, set()) == css


def test_the_rule_scanner_does_not_split_strings_comments_or_escapes():
    css = (
        '@charset "UTF-8";/* a { comment } */.a::before{content:"}{;"}.b\\{{x:1}'
        "@media (min-width:1px){.c{y:'}'}/* } */.d{z:0}}.e{background:url(data:x;y)}"
    )
    assert site_speed.css_rules(css) == [
        ('@charset "UTF-8"', None),
        (".a::before", 'content:"}{;"'),
        (".b\\{", "x:1"),
        ("@media (min-width:1px)", ".c{y:'}'}/* } */.d{z:0}"),
        (".e", "background:url(data:x;y)"),
    ]
    assert site_speed.purge_css(css, {"c"}) == "@charset \"UTF-8\";@media (min-width:1px){.c{y:'}'}}"


def _rules(css: str) -> list[str]:
    """Every style rule, with the at-rules it is nested in, as tinycss2 (a full CSS parser) reads it."""
    import tinycss2

    out: list[str] = []

    def walk(rules, context=""):
        for rule in rules:
            if rule.type == "qualified-rule":
                out.append(context + tinycss2.serialize(rule.prelude).strip() + "{" + tinycss2.serialize(rule.content).strip() + "}")
            elif rule.type == "at-rule":
                prelude = f"@{rule.lower_at_keyword} {tinycss2.serialize(rule.prelude).strip()}"
                if rule.content is not None and rule.lower_at_keyword in {"media", "supports", "layer", "container"}:
                    walk(tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True), context + prelude + " ")
                else:
                    out.append(context + prelude + ("{" + tinycss2.serialize(rule.content).strip() + "}" if rule.content is not None else ";"))

    walk(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
    return out


SITE_PACKAGES = Path(sphinx.__file__).resolve().parent.parent
THEME_CSS = sorted(
    p for pattern in ("pydata_sphinx_theme/theme/**/styles/*.css", "sphinx_book_theme/theme/**/*.css", "sphinx_design/static/*.css", "myst_nb/static/*.css")
    for p in SITE_PACKAGES.glob(pattern)
)


def test_the_scanner_is_tried_on_the_sheets_the_site_purges():
    names = {p.name for p in THEME_CSS}
    assert "pydata-sphinx-theme.css" in names and "sphinx-design.min.css" in names, f"theme style sheets not found under {SITE_PACKAGES}"


@pytest.mark.parametrize("path", THEME_CSS, ids=lambda p: p.name)
def test_the_scanner_reads_the_themes_style_sheets_as_a_css_parser_does(path):
    """The purge keeps and drops exactly the rules it would with a full parser (tinycss2)."""
    css = path.read_text(encoding="utf-8")
    tokens = set(re.findall(r"[.#](-?[A-Za-z_][\w-]*)", css))
    some = {t for i, t in enumerate(sorted(tokens)) if i % 3 == 0}
    for used in (tokens, some, set()):
        assert _rules(site_speed.purge_css(css, used)) == _rules(_reference_purge(css, used))


def _reference_purge(css: str, used: set[str]) -> str:
    """The purge as it was written on tinycss2 (before issue 22's build-time work), as an oracle."""
    import tinycss2

    def keep(rules):
        kept = []
        for rule in rules:
            if rule.type == "qualified-rule":
                if not any(site_speed._selector_used(s.strip(), used) for s in tinycss2.serialize(rule.prelude).split(",")):
                    continue
            elif rule.type == "at-rule" and rule.lower_at_keyword in {"media", "supports", "layer", "container"} and rule.content is not None:
                inner = keep(tinycss2.parse_rule_list(rule.content))
                if not [r for r in inner if r.type not in {"whitespace", "comment"}]:
                    continue
                rule.content = inner
            elif rule.type == "comment":
                continue
            kept.append(rule)
        return kept

    return tinycss2.serialize(keep(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))


def test_icon_code_points_are_found_escaped_and_raw():
    assert site_speed._codepoints('.a:before{content:"\\f09b"}.b{--x:"\uf05a"}.c{content:"\\2014"}') == {0xF09B, 0xF05A}


PYGMENTS = """
html[data-theme="light"] .highlight { background: #fefefe; color: #080808 }
html[data-theme="light"] .highlight .k { color: #6730C5 } /* Keyword */
html[data-theme="light"] .highlight .n { color: #080808 } /* Name */
html[data-theme="light"] .highlight .p { color: #080808 } /* Punctuation */
html[data-theme="light"] .highlight .o { color: #00622F } /* Operator */
html[data-theme="dark"] .highlight { background: #2b2b2b; color: #F8F8F2 }
html[data-theme="dark"] .highlight .k { color: #DCC6E0 } /* Keyword */
html[data-theme="dark"] .highlight .n { color: #F8F8F2 } /* Name */
html[data-theme="dark"] .highlight .p { color: #FF0000 } /* Punctuation */
html[data-theme="dark"] .highlight .o { color: #F8F8F2 } /* Operator */
"""


def test_only_tokens_drawn_in_the_text_colour_in_both_modes_are_unwrapped():
    plain = site_speed.plain_token_classes(PYGMENTS)
    assert "n" in plain and "w" in plain
    assert not {"k", "p", "o"} & plain  # p differs in dark mode, o in light mode


def test_fix_page_unwraps_plain_spans_only_in_code_and_drops_the_search_scripts():
    page = (
        '<script src="../_static/searchtools.js"></script>\n<script src="../searchindex.js"></script>'
        '<p><span class="n">prose</span></p>'
        '<div class="highlight"><pre><span class="n">x</span><span class="o">=</span><span class="k">None</span></pre></div>'
    )
    fixed = site_speed.fix_page(page, {"n"}, search_page=False)
    assert "searchindex" not in fixed and "searchtools" not in fixed
    assert '<p><span class="n">prose</span></p>' in fixed
    assert '<pre>x<span class="o">=</span><span class="k">None</span></pre>' in fixed
    assert site_speed.fix_page(fixed, {"n"}, search_page=False) == fixed  # idempotent
    assert "searchindex" in site_speed.fix_page(page, {"n"}, search_page=True)


def test_finishing_fixes_only_the_pages_this_build_wrote_and_collects_every_pages_classes(tmp_path):
    page = (
        '<script src="_static/searchtools.js"></script><p class="old-{n}" id="p{n}">x</p>'
        '<div class="highlight"><pre><span class="n">x</span><span class="o">=</span></pre></div>'
    )
    pages = [tmp_path / f"page{n}.html" for n in range(4)]
    for n, path in enumerate(pages):
        path.write_text(page.format(n=n), encoding="utf-8")
    os.utime(pages[0], (1_000_000, 1_000_000))  # written by an earlier build
    used = site_speed.finish_pages((pages, {"n"}, tmp_path / "search.html", 2_000_000))
    assert pages[0].read_text(encoding="utf-8") == page.format(n=0)  # left as it was
    for n, path in enumerate(pages[1:], start=1):
        assert path.read_text(encoding="utf-8") == site_speed.fix_page(page.format(n=n), {"n"}, search_page=False)
    assert {"old-0", "p0", "old-3", "p3", "highlight", "o", "n"} <= used  # "n": still wrapped on the old page
    assert "n" not in site_speed.finish_pages((pages[1:], {"n"}, tmp_path / "search.html", 0))  # gone where unwrapped
    assert used == set().union(*(site_speed.page_tokens(path.read_text(encoding="utf-8")) for path in pages))  # all pages, as written


@pytest.mark.parametrize(
    "tex",
    [
        r"P[M(D) \in S] \le e^{\varepsilon} P[M(D') \in S]",
        r"\mathrm{PSI} = \sum_i (q_i - p_i)\ln(q_i/p_i)",
        r"\bar p = (p_1 + p_2)/2",
        r"b = \Delta f / \varepsilon",
    ],
)
def test_the_books_kind_of_math_becomes_mathml(tex):
    class Writer:
        def encode(self, text):
            return text

    markup = site_speed._mathml(Writer(), None, tex, block=False)
    assert markup.startswith("<math") and markup.endswith("</math>")
    assert not re.search(r">\s+<", markup)


IPYTHON_CASES = ["%timeit f(x)", "!pip list", "x = 1 if a != b else 2", "len?", "print('done!')", ">>> 1 + 1\n2", "%%time\nx = 1", "y = 50 % 7"]


def _highlight_both_ways(source: str) -> tuple[str, str]:
    """The HTML of a code cell as the build makes it, and with IPython's lexer as Sphinx would."""
    from pygments import highlight
    from sphinx.highlighting import PygmentsBridge

    site_speed.cache_lexers()
    bridge = PygmentsBridge("html", "default")
    original = PygmentsBridge.get_lexer.original(bridge, source, "ipython3")
    return bridge.highlight_block(source, "ipython3"), highlight(source, original, bridge.get_formatter())


@pytest.mark.parametrize("source", IPYTHON_CASES)
def test_ipython_syntax_is_still_lexed_by_ipythons_lexer(source):
    fast, original = _highlight_both_ways(source)
    assert fast == original


def test_the_books_code_cells_lexed_as_python_come_out_exactly_as_with_ipythons_lexer():
    """Cells without IPython syntax are lexed by Python's lexer (faster): same HTML, byte for byte."""
    import nbformat

    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        for cell in [c for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code"][:12]:
            fast, original = _highlight_both_ways(cell.source)
            assert fast == original, f"{path.name}: a cell is highlighted differently:\n{cell.source[:300]}"


def test_bibliography_names_decode_from_latex_as_before():
    from pybtex.markup import LaTeXParser
    from pybtex.richtext import Text

    site_speed.cache_bibtex_plugins()
    import codecs

    for latex in ["M{\\\"u}ller", "Fran{\\c{c}}ois", "\\emph{Deep} learning", "plain words", "M{\\\"u}ller"]:
        assert Text.from_latex(latex) == LaTeXParser(codecs.decode(latex, "ulatex")).parse()


def test_each_bibliography_entry_is_formatted_once_and_comes_out_as_before():
    import pybtex.plugin
    from pybtex.database import parse_string
    from pybtex.style.formatting import BaseStyle

    site_speed.cache_bibtex_plugins()
    bib = parse_string(
        "@book{a, author={M{\\\"u}ller, Anna and Smith, Bo}, title={Data}, publisher={P}, year={2020}}"
        "@article{b, author={Lee, Cy}, title={Speed}, journal={J}, year={2021}, volume={3}}",
        "bibtex",
    )
    plain = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")
    original = BaseStyle.format_entry.original
    for entry in bib.entries.values():
        first, second = plain().format_entry("1", entry), plain().format_entry("2", entry)
        expected = original(plain(), "1", entry)
        assert first.text == expected.text == second.text and (first.label, second.label) == ("1", "2")
    unsrt = pybtex.plugin.find_plugin("pybtex.style.formatting", "unsrt")
    alpha_names = plain(abbreviate_names=True).format_entry("1", bib.entries["a"]).text
    assert alpha_names != plain().format_entry("1", bib.entries["a"]).text  # another option, another text
    assert unsrt().format_entry("1", bib.entries["b"]).text == original(unsrt(), "1", bib.entries["b"]).text


def _infos(text):
    """The link targets a formatted citation carries (they decide where its link points)."""
    return [getattr(text, "info", ())] + [info for part in getattr(text, "parts", []) for info in _infos(part)]


def test_each_distinct_citation_is_formatted_once_and_comes_out_as_before():
    import pybtex.plugin
    import sphinxcontrib.bibtex.domain as bibtex_domain
    from pybtex.database import parse_string
    from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle
    from sphinxcontrib.bibtex.style.template import SphinxReferenceInfo

    site_speed.cache_bibtex_plugins()
    bib = parse_string(
        "@book{a, author={M{\\\"u}ller, Anna}, title={Data}, publisher={P}, year={2020}}"
        "@book{b, author={Lee, Cy}, title={Speed}, publisher={P}, year={2021}}",
        "bibtex",
    )
    plain = pybtex.plugin.find_plugin("pybtex.style.formatting", "plain")()
    entries = [(entry, plain.format_entry("1", entry)) for entry in bib.entries.values()]
    style, original = AuthorYearReferenceStyle(), bibtex_domain.format_references.original
    seen = set()
    for entry, formatted_entry in entries:
        for page in ("chapters/01", "chapters/02"):
            for pre in ("", "see"):
                for role in ("p", "t"):
                    info = SphinxReferenceInfo(builder=None, fromdocname=page, todocname="reference/bibliography",
                                               citation_id=f"id-{entry.key}", title=None, pre_text=pre, post_text="")
                    got = bibtex_domain.format_references(style, role, [(entry, formatted_entry, info)])
                    want = original(style, role, [(entry, formatted_entry, info)])
                    assert (str(got), _infos(got)) == (str(want), _infos(want)), (entry.key, page, pre, role)
                    assert bibtex_domain.format_references(style, role, [(entry, formatted_entry, info)]) is got
                    seen.add((str(got), repr(_infos(got))))
    assert len(seen) == 16  # every case differs from every other, so none was served another's text


def test_plugins_are_found_as_before_with_the_installed_entry_points_read_once():
    import importlib.metadata

    import pybtex.plugin

    site_speed.cache_bibtex_plugins()
    assert pybtex.plugin.entry_points.original is importlib.metadata.entry_points
    for group, name in [("pybtex.style.formatting", "plain"), ("pybtex.style.names", "lastfirst"),
                        ("pybtex.style.labels", "number"), ("pybtex.database.input", "bibtex"),
                        ("pybtex.style.formatting", "no-such-style")]:
        assert list(pybtex.plugin.entry_points(group=group, name=name)) == list(importlib.metadata.entry_points(group=group, name=name))
    assert list(pybtex.plugin.entry_points(group="pybtex.backends")) == list(importlib.metadata.entry_points(group="pybtex.backends"))


def test_the_search_index_stems_with_snowballs_c_stemmer_and_the_same_stems():
    import snowballstemmer
    import Stemmer
    from snowballstemmer.porter_stemmer import PorterStemmer

    assert isinstance(snowballstemmer.stemmer("porter"), Stemmer.Stemmer), "PyStemmer is not installed: run make setup"
    words = set()
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        words.update(word.lower() for word in re.findall(r"[A-Za-z]{3,}", path.read_text(encoding="utf-8")))
    python, c = PorterStemmer(), snowballstemmer.stemmer("porter")
    assert len(words) > 5000
    assert [c.stemWord(word) for word in sorted(words)] == [python.stemWord(word) for word in sorted(words)]


# Sphinx's HTML of a table of contents, as the theme receives it (titles only, hidden included).
_TOC = (
    '<p aria-level="2" class="caption" role="heading"><span class="caption-text">Start &amp; go</span></p>\n'
    '<ul{top}>\n'
    '<li class="toctree-l1"><a class="reference internal" href="../start/how-to-use.html">How to use &#8220;it&#8221;</a></li>\n'
    '<li class="toctree-l1{cur1}"><a class="{cura}reference internal" href="{href1}">Data <code class="docutils literal notranslate">'
    '<span class="pre">x&lt;y</span></code>&nbsp;&amp; more</a></li>\n'
    '</ul>\n'
    '<p aria-level="2" class="caption" role="heading"><span class="caption-text">Reference</span></p>\n'
    '<ul{top2}>\n'
    '<li class="toctree-l1{cur2}"><a class="reference internal" href="../reference/data-catalogue.html">Data catalogue</a>'
    '<ul{sub}>\n'
    '<li class="toctree-l2{cur3}"><a class="{curb}reference internal" href="{href3}">digits.csv — 8×8</a></li>\n'
    '<li class="toctree-l2"><a class="reference internal" href="../data/datasheets/penguins.html">penguins.csv</a>'
    '<ul>\n<li class="toctree-l3"><a class="reference internal" href="../data/datasheets/penguins.html#columns">Columns</a></li>\n</ul>\n</li>\n'
    '</ul>\n</li>\n'
    '<li class="toctree-l1"><a class="reference internal" href="../reference/glossary.html">Glossary</a></li>\n'
    '</ul>\n'
)
_PAGES = {
    "another page": dict(top="", cur1="", cura="", href1="../chapters/02-data.html", top2="", cur2="", sub="", cur3="", curb="", href3="../data/datasheets/digits.html"),
    "a chapter": dict(top=' class="current"', cur1=" current", cura="current ", href1="#", top2="", cur2="", sub="", cur3="", curb="", href3="../data/datasheets/digits.html"),
    "a nested page": dict(top="", cur1="", cura="", href1="../chapters/02-data.html", top2=' class="current"', cur2=" current", sub=' class="current"', cur3=" current", curb="current ", href3="#"),
}


def _theme_sidebar(toc: str, show_nav_level: int) -> str:
    from pydata_sphinx_theme import toctree

    site_speed.fast_sidebar()
    context = {"toctree": lambda **kwargs: toc}
    toctree.add_toctree_functions.original(None, "page", "page.html", context, None)
    return str(context["generate_toctree_html"]("sidebar", startdepth=0, show_nav_level=show_nav_level, includehidden=True, titles_only=True))


@pytest.mark.parametrize("page", sorted(_PAGES))
@pytest.mark.parametrize("show_nav_level", [1, 2, 3])
def test_the_sidebar_comes_out_as_the_themes_own_code_makes_it(page, show_nav_level):
    toc = _TOC.format(**_PAGES[page])
    assert site_speed.sidebar_html(toc, show_nav_level) == _theme_sidebar(toc, show_nav_level)


@pytest.mark.parametrize("toc", [
    _TOC.format(**_PAGES["a chapter"]).replace("</a></li>", '<img src="x.png"></a></li>', 1),  # a tag it does not know
    _TOC.format(**_PAGES["a chapter"]).replace("Glossary", "1 < 2"),  # a stray "<"
    _TOC.format(**_PAGES["a chapter"]).replace("</ul>\n<p", "<p", 1),  # unbalanced
    _TOC.format(**_PAGES["a chapter"]).replace('href="#"', 'href="#" title="say &quot;hi&quot;"'),  # a quote in a value
])
def test_what_the_sidebar_parser_does_not_handle_goes_to_the_theme(toc):
    assert site_speed.sidebar_html(toc, 1) is None
    assert site_speed.sidebar_html(_TOC.format(**_PAGES["a chapter"]), 0) is None  # parts as toggles: the theme's


def test_the_site_tests_check_every_pages_sidebar_against_the_themes():
    conftest = (ROOT / "tests" / "site" / "conftest.py").read_text(encoding="utf-8")
    assert f'env["{site_speed.CHECK_SIDEBAR}"] = "1"' in conftest


def _outside_exclusions(paths, srcdir, exclude_patterns):
    """What sphinx-external-toc keeps of a search: files not under an excluded path."""
    from sphinx.util.matching import Matcher

    excluded = Matcher(exclude_patterns)
    kept = set()
    for path in map(Path, paths):
        if path.is_file():
            parts = path.relative_to(srcdir).as_posix().split("/")
            if not any(excluded("/".join(parts[: i + 1])) for i in range(len(parts))):
                kept.add(path.relative_to(srcdir).as_posix())
    return kept


def _search_both_ways(srcdir, exclude_patterns, suffix):
    import glob

    pattern = str(Path(srcdir) / "**" / f"*{suffix}")
    pruned = site_speed._PrunedGlob(str(srcdir), exclude_patterns)
    return (_outside_exclusions(pruned.iglob(pattern, recursive=True), srcdir, exclude_patterns),
            _outside_exclusions(glob.iglob(pattern, recursive=True), srcdir, exclude_patterns))


def test_the_search_for_pages_outside_the_toc_finds_what_glob_finds(tmp_path, monkeypatch):
    for name in ["a.md", "sub/b.md", "sub/deep/c.md", "skip/d.md", "skip/deep/e.md", ".hidden/f.md", "sub/.g.md",
                 "node_modules/h.md", "web/node_modules/i.md", "x.ipynb", "dir.md/j.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "sub", target_is_directory=True)
    patterns = ["skip", "node_modules", "**.ipynb_checkpoints"]
    for suffix in (".md", ".ipynb"):
        pruned, globbed = _search_both_ways(tmp_path, patterns, suffix)
        assert pruned == globbed and globbed
    assert {"a.md", "sub/deep/c.md", "linked/deep/c.md", "web/node_modules/i.md"} <= _search_both_ways(tmp_path, patterns, ".md")[0]
    visited = []
    walk = os.walk
    monkeypatch.setattr(os, "walk", lambda *args, **kwargs: ((visited.append(folder) or (folder, subs, files)) for folder, subs, files in walk(*args, **kwargs)))
    list(site_speed._PrunedGlob(str(tmp_path), patterns).iglob(str(tmp_path / "**" / "*.md"), recursive=True))
    visited = {Path(folder).relative_to(tmp_path).as_posix() for folder in visited}
    assert {"sub/deep", "linked/deep", "web/node_modules"} <= visited
    assert not visited & {"skip", "skip/deep", "node_modules", ".hidden"}  # excluded or hidden: not walked
    other = site_speed._PrunedGlob(str(tmp_path), patterns).iglob(str(tmp_path / "*.md"))  # not the extension's pattern: glob's
    assert sorted(other) == [str(tmp_path / "a.md"), str(tmp_path / "dir.md")]


def test_the_search_for_pages_outside_the_toc_finds_what_glob_finds_in_the_book():
    import yaml

    patterns = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["exclude_patterns"]
    for suffix in (".ipynb", ".md"):
        pruned, globbed = _search_both_ways(ROOT, patterns, suffix)
        assert pruned == globbed and len(globbed) > 10
