"""Colab support: install the book's pinned packages that Colab lacks, without a restart.

The set-up cell of every exercise notebook (``mlskills.exercises.ENVIRONMENT_CELL``) clones
the book into ``/content/beyond-algorithms`` in Colab, puts it on ``sys.path`` (so
``mlskills`` imports at once: an editable ``pip install -e`` would only be seen after a
kernel restart) and calls :func:`install_missing`.

:func:`install_missing` installs, at the versions pinned in ``requirements.txt``, only the
direct dependencies (``requirements.in``) that are not installed at all, and never the
book's build and test tools. Packages Colab already has (NumPy, pandas, PyTorch, …) are
left alone: replacing a package the kernel has imported is what needs a restart. Outputs
may therefore differ slightly from the book's, which was executed with the pinned versions.
"""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata
from pathlib import Path

from mlskills import ROOT

#: Needed to build, test or grade the book, not to run a notebook.
TOOLING = {
    "axe-playwright-python", "hypothesis", "ipykernel", "jupyter-book", "jupyterlab", "myst-nb",
    "nbclient", "nbconvert", "nbformat", "nbgrader", "nbval", "playwright", "pytest", "pytest-xdist",
    "mutmut", "ruff", "sphinxcontrib-bibtex",
}


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~;\[ ]", requirement.strip(), maxsplit=1)[0].lower().replace("_", "-")


def pins(root: Path = ROOT) -> dict[str, str]:
    """``{distribution: version}`` from requirements.txt."""
    found = {}
    for line in (root / "requirements.txt").read_text(encoding="utf-8").splitlines():
        if "==" in line and not line.startswith("#"):
            name, version = line.split("==", 1)
            found[_name(name)] = version.split()[0]
    return found


def direct(root: Path = ROOT) -> list[str]:
    """The book's direct runtime dependencies (requirements.in without the tooling)."""
    names = []
    for line in (root / "requirements.in").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line and not line.startswith("-"):
            name = _name(line)
            if name not in TOOLING:
                names.append(name)
    return names


def missing(root: Path = ROOT) -> list[str]:
    """Pinned requirements (``name==version``) of direct dependencies that are not installed."""
    pinned = pins(root)
    absent = []
    for name in direct(root):
        try:
            metadata.version(name)
        except metadata.PackageNotFoundError:
            absent.append(f"{name}=={pinned[name]}" if name in pinned else name)
    return absent


def install_missing(root: Path = ROOT) -> list[str]:
    """``pip install`` what :func:`missing` lists (CPU wheels of PyTorch), and return it."""
    absent = missing(root)
    if absent:
        print(f"installing what this environment lacks: {' '.join(absent)}")
        subprocess.run(
            [sys.executable, "-m", "pip", "install", "--quiet",
             "--extra-index-url", "https://download.pytorch.org/whl/cpu", *absent],
            check=True,
        )
    return absent
