"""Time every notebook and the site build against the budgets; score the site. Not a test.

    python -m mlskills.bench                 # everything; writes reference/execution-stats.json
    python -m mlskills.bench --site          # only the site: build times, page weights, Lighthouse
    python -m mlskills.bench chapters/02-data.ipynb   # just these notebooks, nothing written

Each notebook is executed in a fresh kernel (outputs are not written back). The site is
built from stored outputs into a temporary folder, as `make book` does: three times from
scratch (`make book FULL=1`; the median and the range are reported), then again after one
page changed (`make book`, incremental). The built site is then served with gzip on
127.0.0.1: every page's weight (all it loads on open) and three rounds of Lighthouse
(mobile, simulated throttling) on the landing page and a chapter page
(mlskills/lighthouse.py; `npm ci` in bench/lighthouse installs it).
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mlskills import ROOT
from mlskills.notebooks import execute

NOTEBOOK_BUDGET_S = 60
BOOK_BUDGET_S = 6 * 60
BUILD_BUDGET_S = 60
BUILD_BUDGET_S_PER_PAGE = 0.2
#: Full builds timed one after another; the budget is judged on their median. The same build
#: has taken 10 to 18 s within a quarter of an hour on the 2-core machine.
BUILD_TRIALS = 3
#: The page an author changes to time an incremental build (only its mtime is touched).
CHANGED_PAGE = "chapters/02-data.ipynb"
STATS = ROOT / "reference" / "execution-stats.json"


def all_notebooks() -> list[Path]:
    return [p for folder in ("chapters", "solutions", "exercises") for p in sorted((ROOT / folder).glob("*.ipynb"))]


def _build(out: str, *extra: str) -> float:
    """Build as `make book` does (mlskills.build_book: jupyter-book build with parallel jobs)."""
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "mlskills.build_book", str(ROOT), "--path-output", out, "-W", "-n", "--keep-going", "-q", *extra], check=True, capture_output=True)
    return time.perf_counter() - start


def content_pages(html: Path) -> int:
    """Pages built from the book's sources (not the search page, the index or the redirect)."""
    return sum(
        1 for p in html.rglob("*.html")
        if not p.relative_to(html).as_posix().startswith(("_static/", "_sources/")) and p.relative_to(html).as_posix() not in {"index.html", "genindex.html", "search.html"}
    )


def bench_site(log=print) -> dict:
    """Full and incremental build times, page weights and Lighthouse scores of the built site."""
    from mlskills import lighthouse

    with tempfile.TemporaryDirectory() as folder:
        trials = []
        for trial in range(BUILD_TRIALS):  # each into a new folder: from scratch every time
            out = str(Path(folder) / f"trial-{trial}")
            trials.append(_build(out, "--all"))
        full = statistics.median(trials)
        spread = f"{min(trials):.1f}-{max(trials):.1f} s over {len(trials)} builds"
        html = Path(out) / "_build" / "html"
        pages = content_pages(html)
        os.utime(ROOT / CHANGED_PAGE)  # the content stays as it is; Sphinx sees a newer file
        incremental = _build(out)
        log(f"{'make book FULL=1 (from scratch), median':50} {full:8.1f} {BUILD_BUDGET_S:7d}{'' if full <= BUILD_BUDGET_S else '  OVER BUDGET'}  ({spread})")
        log(f"{'  per page (' + str(pages) + ' pages)':50} {full / pages:8.2f} {BUILD_BUDGET_S_PER_PAGE:7.1f}{'' if full / pages <= BUILD_BUDGET_S_PER_PAGE else '  OVER BUDGET'}"
            f"  ({min(trials) / pages:.2f}-{max(trials) / pages:.2f})")
        log(f"{'make book after editing ' + CHANGED_PAGE:50} {incremental:8.1f}")
        weights = lighthouse.page_weights(html)
        dist = lighthouse.distribution(weights)
        log(f"page weight over {dist['pages']} pages (raw bytes a page loads on open): min {dist['min_kb']} kB, 10th percentile {dist['p10_kb']} kB, "
            f"median {dist['median_kb']} kB, 90th percentile {dist['p90_kb']} kB, max {dist['max_kb']} kB ({dist['max_page']})")
        for page, size in sorted(weights.items(), key=lambda kv: -kv[1])[:5]:
            log(f"  {size / 1e3:8,.0f} kB  {page}")
        log("Lighthouse (mobile, simulated throttling, served gzipped on 127.0.0.1), three rounds:")
        scores = lighthouse.run(html, rounds=3, log=log)
        for page, result in scores.items():
            log(f"  median {page:32} " + " ".join(f"{c} {result[c]}" for c in lighthouse.CATEGORIES)
                + f"  (FCP {result['fcp_ms'] / 1e3:.1f} s, LCP {result['lcp_ms'] / 1e3:.1f} s, TBT {result['tbt_ms']} ms, {result['dom_elements']} elements)")
    return {
        "book_build_s": round(full, 1),
        "book_build_s_trials": [round(t, 1) for t in trials],
        "book_pages": pages,
        "book_build_s_per_page": round(full / pages, 3),
        "book_incremental_build_s": round(incremental, 1),
        "page_weight": dist,
        "lighthouse": scores,
    }


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv == ["--site"]:  # the site only; the notebooks' times stay as last measured
        stats = json.loads(STATS.read_text(encoding="utf-8")) if STATS.exists() else {"notebooks": {}}
        stats.pop("site_conditions", None)  # a note written by hand about an earlier run
        stats.update(bench_site(), machine=machine(), date=datetime.date.today().isoformat())
        STATS.write_text(json.dumps(stats, indent=2) + "\n", encoding="utf-8")
        print(f"wrote {STATS.relative_to(ROOT)} (commit it: the Execution statistics page shows it)")
        return 0
    paths = [Path(a).resolve() for a in argv] or all_notebooks()
    results: dict[str, float] = {}
    print(f"{'notebook':50} {'seconds':>8} {'budget':>7}")
    for path in paths:
        seconds, _ = execute(path)
        name = path.relative_to(ROOT).as_posix()
        results[name] = round(seconds, 1)
        flag = "" if seconds <= NOTEBOOK_BUDGET_S else "  OVER BUDGET"
        print(f"{name:50} {seconds:8.1f} {NOTEBOOK_BUDGET_S:7d}{flag}", flush=True)
    total = sum(results.values())
    print(f"{'all notebooks (sum)':50} {total:8.1f} {BOOK_BUDGET_S:7d}{'' if total <= BOOK_BUDGET_S else '  OVER BUDGET'}")
    if argv:
        return 0
    site = bench_site()
    STATS.write_text(
        json.dumps({"machine": machine(), "date": datetime.date.today().isoformat(), "notebooks": results, **site}, indent=2) + "\n",
        encoding="utf-8",
    )
    print(f"wrote {STATS.relative_to(ROOT)} (commit it: the Execution statistics page shows it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
