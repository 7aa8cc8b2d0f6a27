"""Run the code of a notebook as plain Python, to get at the functions it defines.

The honesty tests need the solution and the stub of each exercise function. They run
every code cell of a solutions/ or exercises/ notebook except the check cells, in a fresh
namespace, from the notebook's own folder, and cache the namespace per notebook.
"""

from __future__ import annotations

import contextlib
import functools
import io
import os
from pathlib import Path

import nbformat

from mlskills import ROOT
from mlskills.exercises import CHECK_CALL


def check_calls(notebook: Path) -> list[tuple[str, str]]:
    """``(check name, function name)`` for every check cell, in order."""
    nb = nbformat.read(notebook, as_version=4)
    return [pair for cell in nb.cells if cell.cell_type == "code" for pair in CHECK_CALL.findall(cell.source)]


@functools.cache
def namespace(notebook: Path) -> dict:
    """Execute a notebook's non-check code cells and return the resulting globals."""
    nb = nbformat.read(notebook, as_version=4)
    ns: dict = {"__name__": f"notebook_{notebook.stem.replace('-', '_')}"}
    previous = os.getcwd()
    os.chdir(notebook.parent)
    try:
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or CHECK_CALL.search(cell.source):
                continue
            code = compile(cell.source, f"{notebook.relative_to(ROOT)}[cell {index}]", "exec", dont_inherit=True)
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, ns)  # noqa: S102 - running our own notebooks is the point
    finally:
        os.chdir(previous)
    return ns


def stored_text(notebook: Path, cell_id: str) -> str:
    """The stored text outputs (stdout and text/plain) of the cell with id ``cell_id``.

    Chapter tests read the numbers a chapter printed from here: nbval proves those
    outputs current, so asserting on them checks the prose's claims without re-running.
    """
    nb = nbformat.read(notebook, as_version=4)
    cell = next((c for c in nb.cells if c.get("id") == cell_id), None)
    if cell is None:
        raise LookupError(f"{notebook.name} has no cell with id {cell_id!r}; did its id change?")
    return "".join(o.get("text", "") or o.get("data", {}).get("text/plain", "") for o in cell.outputs)
