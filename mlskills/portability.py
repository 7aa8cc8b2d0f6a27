"""Verify stored outputs as another reader's machine would: the portability run.

A stored output must verify on any supported machine, not only on the author's. This
command copies the book to a checkout path of another length and re-runs nbval there
with the compute kernels and thread counts a reader may have instead of yours:

- ``ATEN_CPU_CAPABILITY=default``: PyTorch's portable kernels instead of AVX2/AVX-512;
- ``ONEDNN_MAX_CPU_ISA=AVX2``, ``MKL_ENABLE_INSTRUCTIONS=AVX2``, ``MKL_CBWR=AVX2`` and
  ``OPENBLAS_CORETYPE=Haswell``: oneDNN, MKL and OpenBLAS limited to AVX2 (x86 only);
- one thread for OpenMP, MKL and OpenBLAS (unless a notebook pins its own);
- the copy, not your tree, is first on ``PYTHONPATH``, so paths differ everywhere.

What it cannot vary on this machine: ONNX Runtime's int8 kernels choose AVX-512/VNNI or
AVX2 by themselves (no switch), so int8 results must be made exact by construction (see
CONTRIBUTING, "Outputs that verify on any machine"). Command line::

    python -m mlskills.portability                       # every chapter and solution
    python -m mlskills.portability chapters/13-optimization.ipynb
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from mlskills import ROOT

#: The environment of the "other machine" (x86 settings are ignored elsewhere).
PORTABLE_ENV = {
    "ATEN_CPU_CAPABILITY": "default",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
}
X86_ENV = {
    "ONEDNN_MAX_CPU_ISA": "AVX2",
    "MKL_ENABLE_INSTRUCTIONS": "AVX2",
    "MKL_CBWR": "AVX2",
    "OPENBLAS_CORETYPE": "Haswell",
}
#: Folders of the tree that the copy needs (notebooks, their package, data, tests config).
NEEDED = ("chapters", "solutions", "exercises", "data", "mlskills", "tests", "apps", "references")
FILES = ("conftest.py", "pyproject.toml", "_config.yml", "_toc.yml")


def environment() -> dict[str, str]:
    env = dict(PORTABLE_ENV)
    if platform.machine() in ("x86_64", "AMD64"):
        env.update(X86_ENV)
    return env


def tracked_files(root: Path = ROOT) -> list[Path]:
    """Files git knows (committed or not yet, ignoring .gitignore'd ones), else all files."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        names = [Path(line) for line in out.splitlines() if line]
    except (OSError, subprocess.CalledProcessError):
        names = [p.relative_to(root) for p in root.rglob("*") if p.is_file()]
    return [n for n in names if n.parts and (n.parts[0] in NEEDED or str(n) in FILES)]


def copy_book(dest: Path, root: Path = ROOT) -> Path:
    """Copy what the notebooks need; link the extra environments the Makefile built.

    Extra environments (``.venv-*``, e.g. Chapter 12's functions) are not in git and are
    expensive to rebuild, so the copy links to them.
    """
    for name in tracked_files(root):
        source = root / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)
    for environment_dir in root.glob(".venv-*"):
        if environment_dir.is_dir():
            (dest / environment_dir.name).symlink_to(environment_dir, target_is_directory=True)
    return dest


def run(targets: list[str], *, root: Path = ROOT, jobs: str = "2", capture: bool = False) -> subprocess.CompletedProcess:
    """nbval on ``targets`` (paths relative to ``root``) from a copy of ``root`` in another
    path, with :func:`environment`. The copy is removed when the run passes and kept (its
    path printed) when it fails."""
    base = Path(tempfile.mkdtemp(prefix="ba-portability-"))
    # Another depth and length than any usual checkout: paths must not leak into outputs.
    dest = copy_book(base / "another-reader" / "a-much-longer-checkout-path" / "beyond-algorithms", root)
    env = {**os.environ, **environment(), "PYTHONPATH": str(dest)}
    shown = " ".join(f"{k}={v}" for k, v in environment().items())
    print(
        f"portability run: nbval on {' '.join(targets)} from a copy in another path, with {shown}",
        flush=True,
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "no:cacheprovider",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        "tests/nbval_sanitize.cfg",
        "-n",
        jobs,
        "--dist",
        "loadfile",
        *targets,
    ]
    result = subprocess.run(command, cwd=dest, env=env, capture_output=capture, text=capture)
    if result.returncode == 0:
        shutil.rmtree(base, ignore_errors=True)
    else:
        print(
            "portability run failed: an output differs on another machine. Make it deterministic, "
            "or print it at a stable precision, or mark the cell `# NBVAL_IGNORE_OUTPUT: <reason>` "
            f"and assert it with a tolerance in a test (CONTRIBUTING, 'Outputs that verify on any "
            f"machine'). The copy is kept in {dest}"
        )
    return result


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    targets = argv or ["chapters", "solutions"]
    for target in targets:
        if not (ROOT / target).exists():
            print(f"portability: {target} does not exist (give paths relative to the book's root)")
            return 2
    return run(targets, jobs=os.environ.get("JOBS", "2")).returncode


if __name__ == "__main__":
    raise SystemExit(main())
