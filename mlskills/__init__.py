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

and the book's tooling (run with ``python -m``):

- ``mlskills.exercises``  generate exercises/ from solutions/
- ``mlskills.lint``       enforce the chapter anatomy
- ``mlskills.notebooks``  re-execute notebooks in place and normalise them
- ``mlskills.portability`` verify stored outputs as another reader's machine would
- ``mlskills.scaffold``   start a new chapter from the template
- ``mlskills.bench``      time every notebook and the book build against the budgets
- ``mlskills.site``       the table of contents without solutions (``make book SOLUTIONS=0``)
"""

from pathlib import Path

__version__ = "0.1.0"

#: The repository root (the package is installed editable from it).
ROOT = Path(__file__).resolve().parent.parent
