"""_ext/site_speed.py (issue 22) on small inputs: what it keeps matters more than what it cuts."""

from __future__ import annotations

import importlib.util
import re

import pytest

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
    purged = site_speed.purge_css(css, set())
    assert purged == css.replace("\\f05a", "\uf05a")  # the escape is written as the character itself


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
