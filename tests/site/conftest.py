"""Fixtures for the site tests: build the book once, serve it on 127.0.0.1, drive Chromium."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from mlskills import ROOT as PACKAGE_ROOT

#: The checkout whose site is tested (BOOK_ROOT lets a maintainer test another checkout).
ROOT = Path(os.environ.get("BOOK_ROOT", PACKAGE_ROOT))

CHROMIUM_CANDIDATES = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
INSTALL_HINT = "install Chromium to run the browser tests: `sudo apt-get install chromium` (Debian/Ubuntu)"


def chromium_path() -> str | None:
    found = os.environ.get("CHROMIUM") or next((p for p in CHROMIUM_CANDIDATES if Path(p).exists()), None)
    return found or shutil.which("chromium")


def build(out: Path, solutions: bool = True) -> subprocess.CompletedProcess:
    """Build the site as `make book` does, into ``out``; return the finished process."""
    return start_build(out, solutions).wait_finished()


class _Build(subprocess.Popen):
    def wait_finished(self) -> subprocess.CompletedProcess:
        stdout, stderr = self.communicate()
        return subprocess.CompletedProcess(self.args, self.returncode, stdout, stderr)


def start_build(out: Path, solutions: bool = True) -> _Build:
    """Start building the site as `make book` does, into ``out``; ``.wait_finished()`` for the result."""
    env = dict(os.environ)
    # every page's sidebar is made both ways, by _ext/site_speed.py and by the theme's own code,
    # and a difference fails the build
    env["BOOK_CHECK_SIDEBAR"] = "1"
    command = [sys.executable, "-m", "mlskills.build_book", str(ROOT), "--path-output", str(out), "-W", "-n", "--keep-going"]
    if not solutions:
        toc = out / "toc-without-solutions.yml"
        subprocess.run([sys.executable, "-m", "mlskills.site", "toc-without-solutions", str(toc)], check=True, capture_output=True)
        command += ["--toc", str(toc)]
        env["BOOK_SOLUTIONS"] = "0"
    return _Build(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


#: The build without solutions (for course forks) runs beside the main build: each is one
#: process, and the machine has two cores.
_WITHOUT_SOLUTIONS: dict = {}


@pytest.fixture(scope="session")
def site(tmp_path_factory, request) -> Path:
    out = tmp_path_factory.mktemp("site")
    forks = tmp_path_factory.mktemp("site-without-solutions")
    _WITHOUT_SOLUTIONS["out"], _WITHOUT_SOLUTIONS["build"] = forks, start_build(forks, solutions=False)
    request.addfinalizer(_WITHOUT_SOLUTIONS["build"].kill)  # no build left running if no test waits for it
    finished = build(out)
    assert finished.returncode == 0, "the book does not build cleanly with -W -n:\n" + "\n".join(
        line for line in (finished.stdout + finished.stderr).splitlines() if "WARNING" in line or "ERROR" in line
    )
    return out / "_build" / "html"


@pytest.fixture(scope="session")
def site_without_solutions(site) -> tuple[subprocess.CompletedProcess, Path]:
    """The finished build without solutions, and its html folder."""
    if "finished" not in _WITHOUT_SOLUTIONS:
        _WITHOUT_SOLUTIONS["finished"] = _WITHOUT_SOLUTIONS["build"].wait_finished()
    return _WITHOUT_SOLUTIONS["finished"], _WITHOUT_SOLUTIONS["out"] / "_build" / "html"


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


#: Filled by the page audit in test_site.py; printed at the end of the run.
PAGE_WEIGHTS: dict = {}


def pytest_terminal_summary(terminalreporter):
    if PAGE_WEIGHTS:
        s = PAGE_WEIGHTS
        terminalreporter.write_line(
            f"page weight over {s['pages']} pages (HTML + everything it loads): median {s['median_bytes'] / 1e3:,.0f} kB, "
            f"largest {s['largest_bytes'] / 1e3:,.0f} kB ({s['largest_page']}); "
            f"gzipped: median {s['median_gzip_bytes'] / 1e3:,.0f} kB, largest {s['largest_gzip_bytes'] / 1e3:,.0f} kB"
        )


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


#: Chromium's options for every test: resolve no host but loopback, so the site must work
#: with the network off.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]

#: Browsers that audit pages side by side (axe's colour-contrast rule takes 10-20 s on a
#: chapter page; each browser's page runs in its own renderer process, one per core).
AUDIT_BROWSERS = int(os.environ.get("AUDIT_BROWSERS", len(os.sched_getaffinity(0))))


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing in CI: {INSTALL_HINT}; .ci/run installs it")
        pytest.skip(INSTALL_HINT)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def in_browsers(items: list, work) -> list:
    """``[work(browser, item) for item in items]``, shared among AUDIT_BROWSERS browsers.

    Playwright's sync API belongs to the thread that started it, so each worker thread starts
    its own Chromium; results come back in the order of ``items``. Callers also take the
    ``browser`` fixture: a missing Chromium then skips them (fails them in CI) like every
    other browser test."""
    from concurrent.futures import ThreadPoolExecutor

    from playwright.sync_api import sync_playwright

    todo = list(enumerate(items))
    lock, results = threading.Lock(), {}

    def worker():
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                while True:
                    with lock:
                        if not todo:
                            return
                        i, item = todo.pop(0)
                    results[i] = work(browser, item)
            finally:
                browser.close()

    with ThreadPoolExecutor(max(1, AUDIT_BROWSERS)) as pool:
        for future in [pool.submit(worker) for _ in range(max(1, AUDIT_BROWSERS))]:
            future.result()
    return [results[i] for i in range(len(items))]
