"""mlskills: the small helper package of *Beyond Algorithms*.

What notebooks share lives here, and nothing else:

- ``mlskills.data``       load shipped data files, verified against their checksums
- ``mlskills.checks``     exercise checks (one module per chapter, ``checks/chNN.py``)
- ``mlskills.measure``    sizes, and timings that can be trusted (``compare``: interleaved
  trials, spread, ties, environment record)
- ``mlskills.services``   real servers on 127.0.0.1 for a notebook, always stopped
- ``mlskills.compiled``   compile a C function in a temporary folder and call it through ctypes (Chapter 9)
- ``mlskills.ml_services`` the feature and model services of Chapter 9, and its circuit breaker
- ``mlskills.apis``       Chapter 3 penguin service: REST (FastAPI) and WebSocket, gRPC from a .proto, wire formats
- ``mlskills.stateful_service`` the streaming forecaster Chapter 8 serves from replicas on 127.0.0.1
- ``mlskills.dataparallel`` data-parallel training with torch.distributed on 127.0.0.1 (Chapter 7)
- ``mlskills.plotly_page`` show a Plotly figure that works on the offline site
- ``mlskills.softskills`` the pull request Chapter 14 reviews, ruff on source text, its writing rubrics
- ``mlskills.colab``      in Colab, install the pinned packages Colab lacks (the exercises' set-up cell)

and the book's tooling (run with ``python -m``):

- ``mlskills.exercises``  generate exercises/ from solutions/
- ``mlskills.lint``       enforce the chapter anatomy
- ``mlskills.notebooks``  re-execute notebooks in place and normalise them
- ``mlskills.portability`` verify stored outputs as another reader's machine would
- ``mlskills.scaffold``   start a new chapter from the template
- ``mlskills.bench``      time every notebook and the book build against the budgets
- ``mlskills.site``       the table of contents without solutions (``make book SOLUTIONS=0``)
- ``mlskills.nbgrader_course`` an nbgrader course generated from solutions/ (``make nbgrader-course``)
"""

import os
from pathlib import Path

__version__ = "0.1.0"


def _find_root() -> Path:
    """The book's repository root, however the package was installed.

    Editable (``make setup``): the folder above the package. Otherwise (``pip install .``
    as Binder may do, or a copy on ``sys.path`` as in Colab): the folder above
    ``MLSKILLS_DATA`` when it is set, else the nearest folder at or above the working
    directory that holds ``data/MANIFEST.sha256`` (a notebook's kernel runs in
    ``exercises/`` or ``chapters/``).
    """
    here = Path(__file__).resolve().parent.parent
    if (here / "data" / "MANIFEST.sha256").exists():
        return here
    if os.environ.get("MLSKILLS_DATA"):
        return Path(os.environ["MLSKILLS_DATA"]).resolve().parent
    cwd = Path.cwd().resolve()
    for folder in (cwd, *cwd.parents):
        if (folder / "data" / "MANIFEST.sha256").exists():
            return folder
    return here


#: The repository root (see :func:`_find_root`).
ROOT = _find_root()
