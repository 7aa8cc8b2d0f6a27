"""Where readers open the notebooks: the book's .venv (make lab), Binder, Colab, a bare kernel.

What can be verified offline is verified here: JupyterLab and the commands of start/ exist
in the environment, the Binder configuration installs exactly the pins of requirements.txt
on Python 3.11 with PyTorch's CPU build, the data is found when mlskills is not an
editable install, and an exercise notebook run by a kernel without the book's environment
prints one line, not a traceback. Binder and Colab themselves are not reachable here.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

from mlskills import ROOT, colab
from mlskills.exercises import NO_ENVIRONMENT, added_cells

BIN = Path(sys.executable).parent


def test_jupyterlab_is_pinned_and_runs_from_the_environment():
    pinned = (ROOT / "requirements.txt").read_text(encoding="utf-8")
    assert re.search(r"^jupyterlab==", pinned, re.MULTILINE), "JupyterLab is not pinned in requirements.txt"
    finished = subprocess.run([sys.executable, "-m", "jupyter", "lab", "--version"], capture_output=True, text=True, timeout=120)
    assert finished.returncode == 0 and re.match(r"\d+\.\d+", finished.stdout), finished.stderr
    assert "$(PY) -m jupyter lab" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_every_command_in_start_runs_as_written():
    """Each `.venv/bin/…` and `make …` command in start/ names something that exists."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "start").glob("*.md")))
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in sorted(set(re.findall(r"\bmake ([a-z][\w-]*)", text))):
        assert re.search(rf"^{re.escape(target)}:", makefile, re.MULTILINE), f"start/ says `make {target}`, the Makefile has no such target"
    for program, module in re.findall(r"\.venv/bin/(\w+)(?: -m ([\w.]+))?", text):
        assert (BIN / program).exists(), f"start/ runs .venv/bin/{program}, which the environment lacks"
        if module:
            args = [str(BIN / program), "-m", module] + (["lab", "--version"] if module == "jupyter" else ["--help"])
            finished = subprocess.run(args, capture_output=True, text=True, timeout=120)
            assert finished.returncode == 0, f"`.venv/bin/{program} -m {module}` fails: {finished.stderr[-500:]}"


def test_binder_installs_the_same_pins_on_python_311_with_cpu_torch():
    binder = ROOT / "binder"
    assert (binder / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    lines = [line.strip() for line in (binder / "requirements.txt").read_text(encoding="utf-8").splitlines() if line.strip() and not line.startswith("#")]
    assert "-r ../requirements.txt" in lines, "binder/requirements.txt must install the book's pins"
    assert "--extra-index-url https://download.pytorch.org/whl/cpu" in lines, "PyTorch from PyPI alone is the CUDA build"
    assert not [line for line in lines if "==" in line], "pins belong in requirements.txt only"
    # repo2docker reads only binder/ when it exists: no other environment file there.
    assert sorted(p.name for p in binder.iterdir()) == ["requirements.txt", "runtime.txt"]
    assert (ROOT / "requirements.txt").read_text(encoding="utf-8").rstrip().endswith("-e ."), "mlskills stays an editable install"


def test_the_data_is_found_when_mlskills_is_not_an_editable_install(tmp_path):
    """As after `pip install .` (Binder) or with the package on sys.path only (Colab)."""
    site = tmp_path / "site-packages"
    shutil.copytree(ROOT / "mlskills", site / "mlskills", ignore=shutil.ignore_patterns("__pycache__"))
    probe = (
        f"import sys; sys.path.insert(0, {str(site)!r}); import mlskills, mlskills.data as d; "
        "print(mlskills.__file__); print(mlskills.ROOT); print(d.DATA_DIR); print(len(d.read_manifest()))"
    )
    env = {k: v for k, v in os.environ.items() if k != "MLSKILLS_DATA"}

    def run(cwd: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-c", probe], cwd=cwd, capture_output=True, text=True, env=env, timeout=120)

    found = run(ROOT / "exercises")  # a notebook's kernel runs in the notebook's folder
    assert found.returncode == 0, found.stderr[-1000:]
    package, root, data_dir, count = found.stdout.split()
    assert Path(package).is_relative_to(site), "the test imported the editable install"
    assert Path(root) == ROOT and Path(data_dir) == ROOT / "data" and int(count) > 0
    lost = run(tmp_path)  # outside any checkout, the error names MLSKILLS_DATA
    assert lost.returncode != 0 and "MLSKILLS_DATA" in lost.stderr.strip().splitlines()[-1], lost.stderr[-500:]
    env["MLSKILLS_DATA"] = str(ROOT / "data")
    pointed = run(tmp_path)
    assert pointed.returncode == 0 and Path(pointed.stdout.split()[2]) == ROOT / "data", pointed.stderr[-1000:]


def test_a_kernel_without_the_book_environment_gets_one_line(tmp_path):
    nb = nbformat.v4.new_notebook()
    hide = nbformat.v4.new_code_cell('import sys\nsys.modules["mlskills"] = None  # as in a kernel without the book')
    setup = added_cells("solutions/13-optimization.ipynb")[-1]
    nb.cells = [hide, setup, nbformat.v4.new_code_cell("print('not reached')")]
    client = NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    with pytest.raises(CellExecutionError):
        client.execute()
    error = next(o for o in nb.cells[1].outputs if o.output_type == "error")
    assert error.traceback == [f"NoBookEnvironment: {NO_ENVIRONMENT}"]
    assert nb.cells[2].outputs == []


def test_the_setup_cell_does_nothing_in_the_book_environment():
    namespace: dict = {}
    exec(added_cells("solutions/13-optimization.ipynb")[-1].source, namespace)  # noqa: S102
    assert "NoBookEnvironment" not in namespace


def test_colab_installs_only_missing_runtime_packages():
    pinned = colab.pins()
    assert "torch" in colab.direct() and "jupyter-book" not in colab.direct() and "nbgrader" not in colab.direct()
    assert all(name in pinned for name in colab.direct()), "every direct dependency is pinned"
    assert colab.missing() == [], "in the book's own environment nothing is missing"


def test_the_setup_page_clones_the_repository_of_the_config():
    """A fork changes repository.url in _config.yml (reference/for-instructors.md); the clone
    commands of start/setup.md must follow, or its readers clone the original book."""
    import yaml

    url = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))["repository"]["url"].rstrip("/")
    page = (ROOT / "start" / "setup.md").read_text(encoding="utf-8")
    clones = re.findall(r"https://github\.com/[\w.-]+/[\w.-]+", page)
    assert len(clones) >= 2 and {c.removesuffix(".git") for c in clones} == {url}, (clones, url)
