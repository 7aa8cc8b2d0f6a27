"""`jupyter-book build` with Sphinx's parallel jobs (issue 22: a build that stays fast).

    python -m mlskills.build_book . -W -n --keep-going      # the same options as jupyter-book build

jupyter-book 1 passes no ``-j`` to Sphinx, so every page is read and written in one process.
This runs the same command line with ``jobs`` set from ``BOOK_JOBS``: by default one process
per core this process may use (``BOOK_JOBS=1`` for one). Sphinx falls back to one process by
itself when an extension is not parallel-safe. The pages come out byte for byte the same.
"""

from __future__ import annotations

import functools
import os
import sys


def jobs() -> int:
    """``BOOK_JOBS``: a number, or ``auto`` (the default) for the CPUs this process may use.

    On the 2-core machine, from scratch, interleaved (4 rounds): two jobs took 23.2-26.2 s
    against 27.4-29.4 s for one, faster in every round. (Measured before the build's serial
    work shrank, two jobs had not been faster: 18.9 s against 17.8 s, another process busy.)"""
    value = os.environ.get("BOOK_JOBS", "auto")
    if value == "auto":
        return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, int(value))


#: Modules the build imports through a dependency but never uses. jsonschema imports
#: ``rfc3987_syntax`` when it is installed (jupyter-events requires it) to check the "iri"
#: string format, and that module compiles a Lark grammar on import: 1.6 s, 5-7 % of a full
#: build. jupyter-book validates _config.yml without format checks, so the build goes without
#: it (jsonschema skips the format when the import fails, as it does when it is not installed).
UNUSED_MODULES = ("rfc3987_syntax",)


def main(argv: list[str] | None = None) -> int:
    for name in UNUSED_MODULES:
        sys.modules.setdefault(name, None)  # `import rfc3987_syntax` now raises ImportError
    import jupyter_book.sphinx
    from jupyter_book.cli.main import build

    n = jobs()
    if n > 1:
        jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=n)
    return build.main(args=sys.argv[1:] if argv is None else argv, prog_name="jupyter-book build", standalone_mode=True)


if __name__ == "__main__":
    raise SystemExit(main())
