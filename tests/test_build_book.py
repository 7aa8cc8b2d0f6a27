"""mlskills/build_book.py (issue 22): how the book's build shares its pages between processes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlskills import build_book

# 14 heavy chapters first in name order, then 45 light pages: the shape of the book.
PAGES = [f"chapters/{i:02d}" for i in range(1, 15)] + [f"exercises/{i:02d}" for i in range(45)]
COST = {name: (10.0 + int(name[-2:]) if name.startswith("chapters") else 1.0) for name in PAGES}


def loads(chunks):
    return [sum(COST[name] for name in chunk) for chunk in chunks]


@pytest.mark.parametrize("workers,per_worker", [(1, 3), (2, 2), (2, 3), (4, 3)])
def test_every_page_is_in_exactly_one_chunk_and_the_chunks_are_balanced(workers, per_worker):
    chunks = build_book.balanced_chunks(PAGES, COST.__getitem__, workers, per_worker)
    assert sorted(name for chunk in chunks for name in chunk) == sorted(PAGES)
    assert len(chunks) == workers * per_worker
    # longest-processing-time first: no chunk exceeds the lightest by more than the heaviest page
    assert max(loads(chunks)) - min(loads(chunks)) <= max(COST.values())
    # Sphinx's own equal runs of names are far less even on the same pages
    size = -(-len(PAGES) // len(chunks))
    runs = [PAGES[i:i + size] for i in range(0, len(PAGES), size)]
    assert max(loads(runs)) > 1.5 * max(loads(chunks))


def test_chunks_are_balanced_by_cost_not_by_count():
    cost = {"a": 10.0, "b": 5.0, "c": 5.0, "d": 1.0, "e": 1.0, "f": 1.0, "g": 1.0}
    chunks = build_book.balanced_chunks(list(cost), cost.__getitem__, 1, 2)
    assert sorted(sum(cost[name] for name in chunk) for chunk in chunks) == [12.0, 12.0]


def test_chunks_keep_sphinxs_order_within_and_among_them():
    chunks = build_book.balanced_chunks(PAGES, COST.__getitem__, 2, 3)
    for chunk in chunks:
        assert chunk == sorted(chunk, key=PAGES.index)
    assert [chunk[0] for chunk in chunks] == sorted((chunk[0] for chunk in chunks), key=PAGES.index)


@pytest.mark.parametrize("names", [[], ["intro"], ["a", "b"]])
def test_fewer_pages_than_chunks(names):
    chunks = build_book.balanced_chunks(names, lambda name: 1.0, 2, 3)
    assert sorted(name for chunk in chunks for name in chunk) == names
    assert all(chunks)


def test_reading_cost_leaves_out_embedded_images(tmp_path):
    cell = {"cell_type": "code", "source": "x = 1\n", "metadata": {}, "execution_count": 1,
            "outputs": [{"output_type": "display_data", "metadata": {}, "data": {"image/png": "A" * 100_000, "text/plain": "<Figure>"}}]}
    notebook = tmp_path / "page.ipynb"
    notebook.write_text(json.dumps({"cells": [cell], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1))
    assert build_book.reading_cost(notebook) < 1_000 < notebook.stat().st_size
    markdown = tmp_path / "page.md"
    markdown.write_text('"image/png": "' + "A" * 1000 + '"')
    assert build_book.reading_cost(markdown) == markdown.stat().st_size  # only notebooks embed images
    assert build_book.reading_cost(tmp_path / "missing.ipynb") == 1.0
    assert build_book.writing_cost(tmp_path / "missing.doctree") == 1.0
    assert build_book.writing_cost(notebook) == notebook.stat().st_size


def test_sphinx_reads_and_writes_with_the_balanced_chunks_and_a_writer_per_job(monkeypatch):
    from sphinx import builders

    seen = {}

    def read_parallel(self, docnames, nproc):
        seen["read"] = (builders.make_chunks(docnames, nproc), nproc)

    def write_parallel(self, docnames, nproc):
        seen["write"] = (builders.make_chunks(docnames, nproc), nproc)

    monkeypatch.setattr(builders.Builder, "_read_parallel", read_parallel)
    monkeypatch.setattr(builders.Builder, "_write_parallel", write_parallel)
    sphinx_chunks = builders.make_chunks
    build_book.schedule_parallel_work()
    build_book.schedule_parallel_work()  # once only

    class App:
        parallel = 2

    class Env:
        @staticmethod
        def doc2path(name):
            return Path("/nonexistent") / f"{name}.ipynb"

    builder = builders.Builder.__new__(builders.Builder)
    builder.app, builder.env, builder.doctreedir = App(), Env(), "/nonexistent"
    builder._read_parallel(PAGES, 2)
    builder._write_parallel(PAGES, 1)  # Sphinx asks for one writer fewer than jobs
    assert builders.make_chunks is sphinx_chunks  # restored after each phase
    read_chunks, read_workers = seen["read"]
    write_chunks, write_workers = seen["write"]
    assert (read_workers, len(read_chunks)) == (2, 2 * build_book.READ_CHUNKS_PER_WORKER)
    assert (write_workers, len(write_chunks)) == (2, 2 * build_book.WRITE_CHUNKS_PER_WORKER)


@pytest.mark.filterwarnings("ignore:'BaseCommand' is deprecated:DeprecationWarning")  # jupyter-book 1's CLI, on import
def test_the_build_runs_with_the_collectors_thresholds_and_without_the_unused_import(monkeypatch):
    import gc
    import sys

    from jupyter_book.cli.main import build

    seen = {}

    def fake_build(args, prog_name, standalone_mode):
        seen["thresholds"], seen["args"] = gc.get_threshold(), args
        seen["unused"] = [sys.modules.get(name, "absent") for name in build_book.UNUSED_MODULES]
        return 0

    for name in build_book.UNUSED_MODULES:
        monkeypatch.delitem(sys.modules, name, raising=False)  # restored (or removed again) afterwards
    before = gc.get_threshold()
    monkeypatch.setattr(build, "main", fake_build)
    monkeypatch.setenv("BOOK_JOBS", "1")
    try:
        assert build_book.main([".", "--all"]) == 0
    finally:
        gc.set_threshold(*before)
    assert seen["thresholds"] == build_book.GC_THRESHOLDS and seen["args"] == [".", "--all"]
    assert seen["unused"] == [None] * len(build_book.UNUSED_MODULES)  # `import rfc3987_syntax` fails
