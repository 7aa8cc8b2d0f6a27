"""Lighthouse scores and page weights of the built site, as a reader on a phone meets it.

    python -m mlskills.lighthouse _build/html            # three rounds, landing page and a chapter
    python -m mlskills.lighthouse _build/html --rounds 1 intro.html

The site is served from 127.0.0.1 with gzip compression (as a static host serves it), and
Lighthouse (pinned in bench/lighthouse/package.json, installed with ``npm ci``) runs with the
Debian Chromium in its default mode: mobile, simulated throttling. Rounds interleave the
pages, so a busy moment of the machine does not fall on one page only. `make bench` calls
:func:`run` and writes the medians to reference/execution-stats.json.

Page weight: every file a page loads on open (HTML, CSS, scripts, fonts, images), raw
bytes, as Chromium fetched them with the network idle (``page_weights``). Assets a page
fetches only when a reader uses a widget (Chapter 10's in-browser model) are not counted:
they are not loaded on open.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import threading
from contextlib import contextmanager
from pathlib import Path

from mlskills import ROOT

LIGHTHOUSE_DIR = ROOT / "bench" / "lighthouse"
LIGHTHOUSE_BIN = LIGHTHOUSE_DIR / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
#: The pages scored: the landing page and a chapter page (Chapter 2, the issue's reference page).
PAGES = ["intro.html", "chapters/02-data.html"]
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".txt", ".map", ".xml", ".ttf", ".otf", ".eot")


def chromium() -> str:
    for candidate in (os.environ.get("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    raise SystemExit("Chromium is missing: `sudo apt-get install chromium` (Debian/Ubuntu)")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped (level 6) for clients that accept it, as a static host serves them."""

    _cache: dict = {}

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepts = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (accepts and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        key = (str(path), path.stat().st_mtime_ns)
        body = self._cache.get(key)
        if body is None:
            body = self._cache[key] = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=3600")
        self.end_headers()
        import io

        return io.BytesIO(body)


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        """A browser that closes a connection it no longer needs is not an error."""
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serve(site: Path):
    """Serve ``site`` on a free loopback port with gzip; yield its base URL."""
    handler = functools.partial(GzipHandler, directory=str(site))
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def lighthouse(url: str) -> dict:
    """One Lighthouse run (mobile, simulated throttling): category scores 0–100 and key metrics."""
    if not LIGHTHOUSE_BIN.exists():
        raise SystemExit(f"Lighthouse is not installed: `npm ci --prefix {LIGHTHOUSE_DIR.relative_to(ROOT)}`")
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        env = dict(os.environ, CHROME_PATH=chromium())
        subprocess.run(
            [
                str(LIGHTHOUSE_BIN), url, "--quiet", "--output=json", f"--output-path={report}",
                f"--only-categories={','.join(CATEGORIES)}",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking",
            ],
            check=True, env=env, capture_output=True, text=True, timeout=300,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    scores = {c: round(100 * (data["categories"][c]["score"] or 0)) for c in CATEGORIES}
    audits = data["audits"]
    metrics = {
        "fcp_ms": audits["first-contentful-paint"]["numericValue"],
        "lcp_ms": audits["largest-contentful-paint"]["numericValue"],
        "tbt_ms": audits["total-blocking-time"]["numericValue"],
        "cls": audits["cumulative-layout-shift"]["numericValue"],
        "si_ms": audits["speed-index"]["numericValue"],
        "dom_elements": audits["dom-size"].get("numericValue"),
        "transfer_bytes": audits["total-byte-weight"]["numericValue"],
    }
    failing = sorted(
        a for c in CATEGORIES if c != "performance"
        for a in (r["id"] for r in data["categories"][c]["auditRefs"] if r.get("weight"))
        if audits[a]["score"] is not None and audits[a]["score"] < 1
    )
    return {**scores, **{k: round(v, 3 if k == "cls" else 0) for k, v in metrics.items() if v is not None}, "failing": failing}


def run(site: Path, pages: list[str] = PAGES, rounds: int = 3, log=print) -> dict:
    """``rounds`` interleaved rounds over ``pages``; per page the median of each number and every round."""
    runs: dict[str, list[dict]] = {p: [] for p in pages}
    with serve(site) as base:
        for r in range(rounds):
            for page in pages:
                result = lighthouse(f"{base}/{page}")
                runs[page].append(result)
                log(f"  round {r + 1} {page:32} " + " ".join(f"{c} {result[c]:3d}" for c in CATEGORIES)
                    + f"  FCP {result['fcp_ms'] / 1e3:.1f} s LCP {result['lcp_ms'] / 1e3:.1f} s TBT {result['tbt_ms']:.0f} ms"
                    + (f"  not passing: {', '.join(result['failing'])}" if result["failing"] else ""))
    summary = {}
    for page, results in runs.items():
        medians = {k: statistics.median(r[k] for r in results) for k in results[0] if k != "failing"}
        summary[page] = {
            **{k: (round(v) if k != "cls" else round(v, 3)) for k, v in medians.items()},
            "rounds": {c: [r[c] for r in results] for c in CATEGORIES},
        }
    return summary


def page_weights(site: Path, pages: list[str] | None = None) -> dict[str, int]:
    """Raw bytes of every file each page loads on open (Chromium, network idle)."""
    from urllib.parse import urlparse

    from playwright.sync_api import sync_playwright

    if pages is None:
        pages = sorted(
            p.relative_to(site).as_posix() for p in site.rglob("*.html")
            if not p.relative_to(site).as_posix().startswith(("_static/", "_sources/", "_downloads/"))
            and p.name not in {"index.html", "genindex.html"} or p.relative_to(site).as_posix() == "search.html"
        )
    weights = {}
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), args=["--no-sandbox", "--disable-gpu"])
        for rel in pages:
            context = browser.new_context()
            page = context.new_page()
            paths: set[str] = set()

            def on_response(response, paths=paths):
                if response.url.startswith(base) and response.status < 400:
                    paths.add(urlparse(response.url).path)

            page.on("response", on_response)
            page.goto(f"{base}/{rel}", wait_until="load")
            page.wait_for_load_state("networkidle")
            weights[rel] = sum((site / p.lstrip("/")).stat().st_size for p in paths if (site / p.lstrip("/")).is_file())
            context.close()
        browser.close()
    return weights


def distribution(weights: dict[str, int]) -> dict:
    values = sorted(weights.values())
    q = statistics.quantiles(values, n=10) if len(values) > 1 else values * 9
    return {
        "pages": len(values),
        "min_kb": round(values[0] / 1e3),
        "p10_kb": round(q[0] / 1e3),
        "median_kb": round(statistics.median(values) / 1e3),
        "p90_kb": round(q[-1] / 1e3),
        "max_kb": round(values[-1] / 1e3),
        "max_page": max(weights, key=weights.get),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, nargs="?", default=ROOT / "_build" / "html")
    parser.add_argument("pages", nargs="*", default=PAGES)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--weights", action="store_true", help="also measure every page's weight")
    args = parser.parse_args(argv)
    summary = run(args.site, args.pages, args.rounds)
    print(json.dumps(summary, indent=2))
    if args.weights:
        weights = page_weights(args.site)
        print(json.dumps({"distribution": distribution(weights), "pages": weights}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
