"""Time every notebook and the site build against the budgets. Not a test.

    python -m mlskills.bench                 # everything; writes reference/execution-stats.json
    python -m mlskills.bench chapters/02-data.ipynb   # just these notebooks, nothing written

Each notebook is executed in a fresh kernel (outputs are not written back). The site is
built from stored outputs into a temporary folder, as `make book` does.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
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
STATS = ROOT / "reference" / "execution-stats.json"


def all_notebooks() -> list[Path]:
    return [p for folder in ("chapters", "solutions", "exercises") for p in sorted((ROOT / folder).glob("*.ipynb"))]


def time_build() -> float:
    jb = Path(sys.executable).with_name("jupyter-book")
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([str(jb), "build", str(ROOT), "--path-output", out, "-W", "-n", "--keep-going", "-q"], check=True, capture_output=True)
        return time.perf_counter() - start


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
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
    build = time_build()
    print(f"{'make book on stored outputs':50} {build:8.1f} {BUILD_BUDGET_S:7d}{'' if build <= BUILD_BUDGET_S else '  OVER BUDGET'}")
    STATS.write_text(
        json.dumps(
            {
                "machine": machine(),
                "date": datetime.date.today().isoformat(),
                "notebooks": results,
                "book_build_s": round(build, 1),
            },
            indent=2,
        )
        + "\n",
        encoding="utf-8",
    )
    print(f"wrote {STATS.relative_to(ROOT)} (commit it: the Execution statistics page shows it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
