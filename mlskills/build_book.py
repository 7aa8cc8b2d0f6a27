"""`jupyter-book build` with Sphinx's parallel jobs (issue 22: a build that stays fast).

    python -m mlskills.build_book . -W -n --keep-going      # the same options as jupyter-book build

jupyter-book 1 passes no ``-j`` to Sphinx, so every page is read and written in one process.
This runs the same command line with ``jobs`` set: ``BOOK_JOBS`` (default: the CPUs this
process may use). Sphinx falls back to one process by itself when an extension is not
parallel-safe; ``BOOK_JOBS=1`` forces it.
"""

from __future__ import annotations

import functools
import os
import sys


def jobs() -> int:
    if os.environ.get("BOOK_JOBS"):
        return max(1, int(os.environ["BOOK_JOBS"]))
    return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1)


def main(argv: list[str] | None = None) -> int:
    import jupyter_book.sphinx
    from jupyter_book.cli.main import build

    n = jobs()
    if n > 1:
        jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=n)
    return build.main(args=sys.argv[1:] if argv is None else argv, prog_name="jupyter-book build", standalone_mode=True)


if __name__ == "__main__":
    raise SystemExit(main())
