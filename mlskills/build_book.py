"""`jupyter-book build` with Sphinx's parallel jobs (issue 22: a build that stays fast).

    python -m mlskills.build_book . -W -n --keep-going      # the same options as jupyter-book build

jupyter-book 1 passes no ``-j`` to Sphinx, so every page is read and written in one process.
This runs the same command line with ``jobs`` set from ``BOOK_JOBS``: by default one process
per core this process may use (``BOOK_JOBS=1`` for one), and shares the pages between the
processes by what they cost to read and write (``schedule_parallel_work``). Sphinx falls back to
one process by itself when an extension is not parallel-safe. The pages come out byte for byte
the same.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import heapq
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path


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


def balanced_chunks(docnames: Sequence[str], cost: Callable[[str], float], workers: int, per_worker: int = 3) -> list[list[str]]:
    """Split pages into chunks of about equal cost, ``per_worker`` chunks per worker.

    Sphinx cuts the sorted page names into equal runs, so the 14 chapters (half the reading and
    63 % of the writing, timed page by page in a one-process build) fell into one chunk that one
    process read and wrote while the other finished early.
    Heaviest page first, each to the lightest chunk so far (longest-processing-time first); the
    chunks keep Sphinx's order among themselves and within. Several chunks per worker let
    writing start sooner: a chunk is written once the main process has resolved all its pages."""
    names = list(docnames)
    bins = min(len(names), max(1, workers) * per_worker)
    if bins <= 1:
        return [names] if names else []
    position = {name: i for i, name in enumerate(names)}
    heap = [(0.0, i) for i in range(bins)]
    chunks: list[list[str]] = [[] for _ in range(bins)]
    for name in sorted(names, key=lambda n: (-cost(n), position[n])):
        load, i = heapq.heappop(heap)
        chunks[i].append(name)
        heapq.heappush(heap, (load + cost(name), i))
    chunks = [sorted(chunk, key=position.__getitem__) for chunk in chunks if chunk]
    return sorted(chunks, key=lambda chunk: position[chunk[0]])


_IMAGE_DATA = re.compile(rb'"image/[\w+.-]+": "[^"]*"')


def reading_cost(path: Path) -> float:
    """What reading a page costs, roughly: its source's size without embedded images (parsing
    the text is the work; a base64 image is one string)."""
    try:
        data = path.read_bytes()
    except OSError:
        return 1.0
    return float(len(_IMAGE_DATA.sub(b"", data)) if path.suffix == ".ipynb" else len(data)) or 1.0


def writing_cost(path: Path) -> float:
    """What writing a page costs, roughly: the size of the doctree that reading it stored."""
    try:
        return float(path.stat().st_size) or 1.0
    except OSError:
        return 1.0


@contextlib.contextmanager
def _chunked_by(cost: Callable[[str], float], per_worker: int) -> Iterator[None]:
    from sphinx import builders

    sphinx_chunks = builders.make_chunks
    builders.make_chunks = lambda names, workers, *args, **kwargs: balanced_chunks(names, functools.cache(cost), workers, per_worker)
    try:
        yield
    finally:
        builders.make_chunks = sphinx_chunks


#: Chunks per process. A read chunk costs a copy of the whole environment sent back to the main
#: process, so reading takes fewer (interleaved, 4 rounds: 2 per worker 18.2-19.6 s, 3 per
#: worker 18.6-21.5 s, Sphinx's equal runs 21.0-25.5 s); a write chunk costs only a fork.
READ_CHUNKS_PER_WORKER = 2
WRITE_CHUNKS_PER_WORKER = 3


def schedule_parallel_work() -> None:
    """Balance Sphinx's parallel reading and writing (issue 22: a build that stays fast).

    - Chunks of about equal cost (``balanced_chunks``) instead of equal runs of names.
    - As many writers as jobs. Sphinx writes with one process fewer than it has jobs: its main
      process resolves each page's references before a writer gets it. On the 2-core machine
      that left one writer for all 59 pages while the main process, done resolving after a
      third of the time, waited for it (a timeline of one build: resolving ended at 13.0 s,
      writing at 20.0 s)."""
    from sphinx import builders

    if getattr(builders.Builder._write_parallel, "balanced", False):
        return
    read_parallel, write_parallel = builders.Builder._read_parallel, builders.Builder._write_parallel

    def _read_parallel(self, docnames, nproc):
        with _chunked_by(lambda name: reading_cost(Path(self.env.doc2path(name))), READ_CHUNKS_PER_WORKER):
            return read_parallel(self, docnames, nproc)

    def _write_parallel(self, docnames, nproc):
        doctrees = Path(self.doctreedir)
        with _chunked_by(lambda name: writing_cost(doctrees / f"{name}.doctree"), WRITE_CHUNKS_PER_WORKER):
            return write_parallel(self, docnames, max(nproc, self.app.parallel))

    _read_parallel.balanced = _write_parallel.balanced = True
    builders.Builder._read_parallel, builders.Builder._write_parallel = _read_parallel, _write_parallel


#: The cyclic garbage collector's thresholds for the build (Python's: 700, 10, 10). A build
#: allocates millions of objects that live until it ends (the environment, every page's
#: doctree), and Python's collector scanned them again and again: 4.9 s of the 25 s of CPU a
#: full build took, 2.3 s of it in the main process, which the others wait for. With these,
#: 0.9 s; peak memory 174 -> 194 MB in the main process (one build each, measured with
#: gc.callbacks and getrusage). Objects are freed as before when their last reference goes;
#: only cycles wait longer.
GC_THRESHOLDS = (100_000, 50, 100)


def main(argv: list[str] | None = None) -> int:
    gc.set_threshold(*GC_THRESHOLDS)  # inherited by the processes Sphinx forks
    for name in UNUSED_MODULES:
        sys.modules.setdefault(name, None)  # `import rfc3987_syntax` now raises ImportError
    import jupyter_book.sphinx
    from jupyter_book.cli.main import build

    n = jobs()
    if n > 1:
        schedule_parallel_work()
        jupyter_book.sphinx.build_sphinx = functools.partial(jupyter_book.sphinx.build_sphinx, jobs=n)
    return build.main(args=sys.argv[1:] if argv is None else argv, prog_name="jupyter-book build", standalone_mode=True)


if __name__ == "__main__":
    raise SystemExit(main())
