"""The published site, as readers meet it, in a real browser (headless Chromium).

Every page: loads with no console errors and no failed requests, requests nothing from
another host, shows only images that loaded and have meaningful alt text, and passes an
axe-core accessibility audit with no serious or critical violations. The navigation
reaches every chapter, search finds each chapter by its key terms, and the build without
solutions publishes no solution page.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml

from tests.site.conftest import PAGE_WEIGHTS, ROOT, in_browsers

pytestmark = pytest.mark.site

TOC = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
DOCS = [TOC["root"]] + [c["file"] for part in TOC["parts"] for c in part.get("chapters") or []]
CHAPTERS = [d for d in DOCS if d.startswith("chapters/")]
#: Page weight (issue 22): every file a page loads on open, raw bytes.
MAX_PAGE_BYTES = 1_000_000  # any page without an interactive (Plotly) figure
MEDIAN_PAGE_BYTES = 600_000  # the median page
WEAK_ALT = {"", "image", "figure", "plot", "chart", "graph", "png", "output", "img"}

#: Key terms a reader would search for, and the chapter that must come up.
SEARCH_TERMS = {
    "chapters/01-software-engineering": ["bisect", "hypothesis"],
    "chapters/02-data": ["leakage", "schema"],
    "chapters/06-visualization": ["deuteranopia", "dashboard"],
    "chapters/10-emerging": ["prequential", "federated"],
    "chapters/13-optimization": ["quantization", "distillation"],
}

#: Words of a chapter title too common to find a chapter by (Sphinx drops English stop words).
COMMON = {"with", "from", "into", "your", "their", "what", "when", "that", "this", "than", "and", "for", "the", "skills"}


def derived_terms(chapter: str) -> list[str]:
    """Search terms of a chapter without SEARCH_TERMS: up to two words of its title (a
    freshly scaffolded chapter is searchable by its title until its author adds key terms)."""
    import nbformat

    nb = nbformat.read(ROOT / f"{chapter}.ipynb", as_version=4)
    title = next((line[2:] for line in nb.cells[0].source.splitlines() if line.startswith("# ")), "")
    words = [w.lower() for w in re.findall(r"[A-Za-z]{4,}", title) if w.lower() not in COMMON]
    return sorted(set(words), key=lambda w: (-len(w), w))[:2]


def search_terms(chapter: str) -> list[str]:
    return SEARCH_TERMS.get(chapter) or derived_terms(chapter)


def all_pages(site: Path) -> list[str]:
    pages = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        if rel.startswith(("_static/", "_sources/", "_downloads/")) or rel in {"index.html", "genindex.html"}:
            continue
        pages.append(rel)
    return pages


def visit(browser, url: str, wait: str = "load", color_scheme: str = "light"):
    """Open ``url``; return (page, problems, {"paths": every same-host path it loaded}). Requests to other hosts are recorded
    (and cannot succeed: the browser resolves no host but 127.0.0.1)."""
    context = browser.new_context(color_scheme=color_scheme)
    page = context.new_page()
    problems: list[str] = []
    weight = {"paths": set()}
    host = urlparse(url).netloc

    def on_request(request):
        if urlparse(request.url).netloc not in {host, ""} and not request.url.startswith(("data:", "blob:")):
            problems.append(f"request to another host: {request.url}")

    def on_response(response):
        if response.status >= 400:
            problems.append(f"HTTP {response.status} for {response.url}")
        elif urlparse(response.url).netloc == host:
            weight["paths"].add(urlparse(response.url).path)

    page.on("request", on_request)
    page.on("console", lambda m: m.type == "error" and problems.append(f"console error: {m.text}"))
    page.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed request: {r.url} ({r.failure})"))
    page.on("response", on_response)
    page.goto(url, wait_until=wait)
    page.wait_for_load_state("networkidle")
    # The theme fades colours in (CSS transitions) when it applies the reader's colour scheme;
    # audit the page as the reader sees it once they end, not a frame in between.
    page.evaluate("Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
    return page, problems, weight


def audit_page(browser, server: str, site: Path, rel: str) -> dict:
    """Visit one page; its problems, image facts, serious axe findings and weights."""
    from axe_playwright_python.sync_playwright import Axe

    page, problems, weight = visit(browser, f"{server}/{rel}")
    images = page.eval_on_selector_all(
        "img",
        "els => els.map(e => ({src: e.getAttribute('src'), alt: e.getAttribute('alt'), loaded: e.complete && e.naturalWidth > 0, decorative: e.getAttribute('role') === 'presentation'}))",
    )
    problems = list(problems)  # what the page itself did; axe's own fetches come after
    # preload off: axe would re-fetch stylesheets and resolve their @imports wrongly
    results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
    serious = [v for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
    scripts = page.eval_on_selector_all("script[src]", "els => els.map(e => e.src)")
    plotly_drawn = page.eval_on_selector_all(".plotly-graph-div", "els => els.map(e => !!e.querySelector('svg.main-svg'))")
    files = [site / p.lstrip("/") for p in weight["paths"] if (site / p.lstrip("/")).is_file()]
    loaded = sum(f.stat().st_size for f in files)
    mathjax = sum(f.stat().st_size for f in files if "_static/mathjax/" in f.as_posix())
    gzipped = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    page.context.close()
    return {"problems": problems, "images": images, "serious": serious, "bytes": loaded, "gzip_bytes": gzipped, "scripts": scripts, "plotly_drawn": plotly_drawn, "mathjax_bytes": mathjax, "paths": sorted(weight["paths"])}


@pytest.fixture(scope="module")
def audit(site, server, browser):
    """Visit every page once; collect problems, image facts, axe results and weights."""
    pages = all_pages(site)
    report = dict(zip(pages, in_browsers(pages, lambda b, rel: audit_page(b, server, site, rel)), strict=True))
    weights = sorted(r["bytes"] for r in report.values())
    gzipped = sorted(r["gzip_bytes"] for r in report.values())
    summary = {
        "pages": len(report),
        "median_bytes": statistics.median(weights),
        "largest_bytes": max(weights),
        "largest_page": max(report, key=lambda k: report[k]["bytes"]),
        "median_gzip_bytes": statistics.median(gzipped),
        "largest_gzip_bytes": max(gzipped),
    }
    (site.parent / "page-weights.json").write_text(json.dumps({"summary": summary, "pages": {k: v["bytes"] for k, v in report.items()}}, indent=2))
    PAGE_WEIGHTS.update(summary)
    return report


def test_every_toc_page_was_built(site):
    built = set(all_pages(site))
    for doc in DOCS:
        assert f"{doc}.html" in built, f"{doc} is in _toc.yml but was not built"


def test_every_sidebar_links_every_page_and_marks_its_own(site):
    """The build resolves the table of contents once for all pages (_ext/site_speed.py):
    every page's sidebar must still link every page of the book, nested ones (the
    datasheets under the data catalogue) included, and mark itself, not the page the
    entries were first resolved for."""
    import posixpath

    pages = [p for p in all_pages(site) if p not in {"genindex.html", "search.html", "index.html"}]
    for rel in pages:
        html = (site / rel).read_text(encoding="utf-8")
        nav = re.search(r'<nav class="bd-links bd-docs-nav".*?</nav>', html, re.DOTALL)
        assert nav, f"{rel}: no sidebar"
        links = re.findall(r'<a class="([^"]*)" href="([^"]*)"', nav.group(0))
        targets = {posixpath.normpath(posixpath.join(posixpath.dirname(rel), href)) for _, href in links if href != "#"}
        missing = sorted(set(pages) - targets - {rel})
        assert not missing, f"{rel}: the sidebar does not link {missing[:5]}"
        if rel != "intro.html":  # the landing page is the sidebar's home link, marked on its <li>
            current = [href for cls, href in links if "current" in cls.split()]
            assert current == ["#"], f"{rel}: the sidebar should mark this page (and only it) as the current one, not {current}"


def test_every_page_loads_cleanly_and_stays_on_this_host(audit):
    bad = {page: r["problems"] for page, r in audit.items() if r["problems"]}
    assert not bad, json.dumps(bad, indent=2)


def test_every_image_loaded_and_has_meaningful_alt_text(audit):
    bad = {}
    for page, r in audit.items():
        for image in r["images"]:
            if not image["loaded"]:
                bad.setdefault(page, []).append(f"not loaded: {image['src']}")
            alt = (image["alt"] or "").strip()
            if not image["decorative"] and (alt.lower() in WEAK_ALT or len(alt.split()) < 4):
                bad.setdefault(page, []).append(f"alt text {alt!r} for {image['src']}")
    assert not bad, json.dumps(bad, indent=2)


def test_no_serious_or_critical_accessibility_violations(audit):
    bad = {
        page: [f"{v['id']} ({v['impact']}): {v['help']} — e.g. {v['nodes'][0]['target']}" for v in r["serious"]]
        for page, r in audit.items()
        if r["serious"]
    }
    assert not bad, json.dumps(bad, indent=2)


def test_dark_mode_pages_have_no_serious_accessibility_violations(server, browser):
    """The theme follows the reader's system colour scheme: audit the main pages in dark mode too."""
    from axe_playwright_python.sync_playwright import Axe

    def dark_audit(browser, doc):
        page, problems, _ = visit(browser, f"{server}/{doc}.html", color_scheme="dark")
        theme = page.evaluate("document.documentElement.dataset.theme")
        results = Axe().run(page, options={"resultTypes": ["violations"], "preload": False})
        page.context.close()
        serious = [f"{v['id']}: {v['help']} — e.g. {v['nodes'][0]['target']}" for v in results.response["violations"] if v.get("impact") in {"serious", "critical"}]
        return serious + problems + ([] if theme == "dark" else [f"the page was drawn in the {theme!r} theme, not 'dark'"])

    docs = [TOC["root"], *CHAPTERS]
    bad = {doc: found for doc, found in zip(docs, in_browsers(docs, dark_audit), strict=True) if found}
    assert not bad, json.dumps(bad, indent=2)


def test_pages_without_interactive_figures_stay_light(audit):
    """A reader on a phone: no page without a Plotly figure loads more than 1 MB on open,
    everything counted (HTML, style sheets, scripts, fonts, images).

    The audit only loads each page, so an asset that a page fetches on the reader's first
    interaction (Chapter 10's 14 MB ONNX Runtime Web) is not counted here:
    tests/site/test_ch10_browser.py checks that it is not fetched before that interaction
    and budgets it there.
    """
    heavy = {page: r["bytes"] for page, r in audit.items() if not r["plotly_drawn"] and r["bytes"] > MAX_PAGE_BYTES}
    assert not heavy, f"pages over {MAX_PAGE_BYTES / 1e6:.0f} MB (shrink figures: figsize, dpi; long outputs): {heavy}"


def test_the_median_page_stays_light(audit):
    """Half the pages load at most 600 kB on open (the pages with a Plotly figure included)."""
    median = statistics.median(r["bytes"] for r in audit.values())
    heaviest = sorted(audit, key=lambda p: -audit[p]["bytes"])[:5]
    assert median <= MEDIAN_PAGE_BYTES, f"median page {median / 1e3:,.0f} kB > {MEDIAN_PAGE_BYTES / 1e3:,.0f} kB; heaviest: {heaviest}"


def test_no_page_loads_mathjax_and_only_the_search_page_loads_the_search_index(audit):
    """Equations are MathML drawn by the browser (_ext/site_speed.py), and the 300 kB search
    index is for the search page: the theme used to load both wherever it could."""
    for page, r in audit.items():
        assert not r["mathjax_bytes"], f"{page} loads MathJax"
        loads_index = any(p.endswith("/searchindex.js") for p in r["paths"])
        assert loads_index == (page == "search.html"), f"{page}: loads the search index={loads_index}"


def test_equations_are_drawn_as_mathml(site):
    """Every page with an equation carries it as MathML, with no LaTeX left for a script to draw."""
    pages = [p for p in site.rglob("*.html") if "_static" not in p.parts and 'class="math' in p.read_text(encoding="utf-8")]
    assert pages, "no page has an equation: the test would prove nothing"
    for page in pages:
        text = page.read_text(encoding="utf-8")
        latex = re.findall(r'class="math[^"]*">\s*(\\[(\[]|\$)', text)
        assert "<math" in text and not latex, f"{page.name}: an equation is not MathML"


def test_plotly_js_is_loaded_only_by_pages_with_a_plotly_figure(site, audit):
    for page, r in audit.items():
        has_figure = "plotly-graph-div" in (site / page).read_text(encoding="utf-8")
        loads = any(s.endswith("plotly.min.js") for s in r["scripts"])
        assert loads == has_figure, f"{page}: plotly.js loaded={loads} but has a Plotly figure={has_figure}"
        assert all(r["plotly_drawn"]), f"{page}: a Plotly figure did not draw with the network off"
    if "chapters/06-visualization.html" in audit:
        assert audit["chapters/06-visualization.html"]["plotly_drawn"], "Chapter 6's interactive figure is missing"


def test_the_navigation_reaches_every_chapter(server, browser):
    page, _, _ = visit(browser, f"{server}/intro.html")
    for chapter in CHAPTERS:
        link = page.locator(f"nav.bd-docs-nav a[href$='{chapter}.html']")
        assert link.count() >= 1, f"the sidebar has no link to {chapter}"
        link.first.click()
        page.wait_for_load_state("load")
        heading = page.locator("main h1").first.inner_text()
        assert page.url.endswith(f"{chapter}.html") and heading.strip(), f"following the link to {chapter} failed"
        page.go_back()
    page.context.close()


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_search_finds_the_chapter_by_its_key_terms(server, browser, chapter):
    for term in search_terms(chapter):
        page, problems, _ = visit(browser, f"{server}/search.html?q={term}")
        page.wait_for_selector("#search-results ul li", timeout=15_000)
        hrefs = page.eval_on_selector_all("#search-results ul li a", "els => els.map(e => e.getAttribute('href'))")
        assert any(chapter in h for h in hrefs), f"searching {term!r} did not find {chapter}: {hrefs[:8]}"
        assert not problems, problems
        page.context.close()


def test_every_chapter_in_toc_has_search_terms():
    """Key terms from SEARCH_TERMS, or derived from the chapter's title."""
    missing = [c for c in CHAPTERS if not search_terms(c)]
    assert not missing, f"add key terms for {missing} to SEARCH_TERMS in tests/site/test_site.py"


def test_the_build_without_solutions_publishes_no_solution(site_without_solutions):
    finished, html = site_without_solutions
    assert finished.returncode == 0, finished.stdout[-3000:] + finished.stderr[-3000:]
    assert not (html / "solutions").exists(), "solution pages were published"
    for page in html.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert 'href="../solutions/' not in text and 'href="solutions/' not in text, f"{page.name} links a solution page"
        rel = page.relative_to(html).as_posix()
        if rel.startswith(("_static/", "_sources/")) or rel in {"search.html", "genindex.html", "reference/for-instructors.html", "reference/contributing.html", "reference/bibliography.html"}:
            continue  # the instructors' and contributors' pages describe the repository's solutions/ folder; the bibliography quotes papers' titles
        main = re.search(r"<main.*?</main>", text, re.DOTALL)
        shown = re.sub(r"<[^>]+>", " ", re.sub(r"<(script|style)\b.*?</\1>", " ", main.group(0) if main else "", flags=re.DOTALL))
        mention = re.search(r"[^.]{0,60}\bsolutions?\b[^.]{0,60}", shown, re.IGNORECASE)
        assert not mention, f"{rel} mentions solutions a fork without them does not publish: {mention.group(0)!r}"
    assert (html / "exercises").exists() and any((html / "exercises").glob("*.html"))
