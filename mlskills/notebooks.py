"""Re-execute notebooks in place and normalise them for review and nbval.

Normalising keeps diffs small and outputs reproducible: no execution timestamps or
per-cell timing, kernelspec ``python3``, minimal ``language_info``, execution counts
from 1. Command line::

    python -m mlskills.notebooks chapters/02-data.ipynb solutions/02-data.ipynb
    python -m mlskills.notebooks --all        # every chapter and solution
    python -m mlskills.notebooks --normalize-only FILE...
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from mlskills import ROOT

KERNELSPEC = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
#: Cell metadata that survives normalising (``nbgrader``: an instructor's marks stay).
KEEP_CELL_METADATA = {"tags", "mystnb", "editable", "deletable", "jupyter", "nbgrader"}
TIMEOUT_S = 600


def normalize(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Strip volatile metadata in place and return the notebook."""
    nb.metadata = nbformat.from_dict(
        {
            "kernelspec": KERNELSPEC,
            "language_info": {"name": "python", "pygments_lexer": "ipython3"},
            **{k: v for k, v in nb.metadata.items() if k in {"mystnb", "jupytext"}},
        }
    )
    for cell in nb.cells:
        cell.metadata = nbformat.from_dict(
            {k: v for k, v in cell.metadata.items() if k in KEEP_CELL_METADATA}
        )
    nbformat.validate(nb)
    return nb


def execute(path: Path, timeout: int = TIMEOUT_S) -> tuple[float, nbformat.NotebookNode]:
    """Execute ``path`` in a fresh python3 kernel, in its own folder.

    Returns ``(seconds, executed notebook)``; the file is not written (see
    :func:`execute_in_place`).
    """
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(Path(path).parent)}},
        record_timing=False,
    )
    start = time.perf_counter()
    client.execute()
    return time.perf_counter() - start, nb


def execute_in_place(path: Path) -> float:
    seconds, nb = execute(path)
    nbformat.write(normalize(nb), path)
    return seconds


def notebooks(root: Path = ROOT) -> list[Path]:
    """Every chapter and solution notebook (exercises are generated, not executed)."""
    return sorted((root / "chapters").glob("*.ipynb")) + sorted((root / "solutions").glob("*.ipynb"))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if "--normalize-only" in argv:
        for name in [a for a in argv if a != "--normalize-only"]:
            nb = nbformat.read(name, as_version=4)
            nbformat.write(normalize(nb), name)
            print(f"normalized {name}")
        return 0
    paths = notebooks() if "--all" in argv or not argv else [Path(a) for a in argv]
    for path in paths:
        seconds = execute_in_place(path)
        print(f"executed {path} in {seconds:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
