"""The portability run (mlskills/portability.py, what `make test` runs on chapters/ and
solutions/) catches the outputs that hold only on the author's machine.

A small book whose notebook prints a size that embeds its checkout path and PyTorch's kernel set, executed
here, must fail the run in exactly those cells; its deterministic cell must pass.
"""

from __future__ import annotations

import platform
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from mlskills import ROOT, portability

CELLS = {
    # a size that embeds the checkout path (as ONNX files did in Chapter 13)
    "path": "from pathlib import Path\nprint(len(str(Path.cwd()).encode()), 'bytes')",
    "kernels": "import torch\nprint(torch.backends.cpu.get_cpu_capability())",
    "deterministic": "print(sum(range(10)))",
}


def test_the_other_machine_has_portable_kernels_one_thread_and_avx2_at_most():
    env = portability.environment()
    assert env["ATEN_CPU_CAPABILITY"] == "default"
    assert env["OMP_NUM_THREADS"] == env["MKL_NUM_THREADS"] == env["OPENBLAS_NUM_THREADS"] == "1"
    if platform.machine() in ("x86_64", "AMD64"):
        assert env["ONEDNN_MAX_CPU_ISA"] == env["MKL_ENABLE_INSTRUCTIONS"] == "AVX2"


def test_make_test_runs_the_portability_run_on_chapters_and_solutions():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^test:.*\btest-notebooks\b", makefile, re.MULTILINE)
    assert re.search(r"^test-notebooks:.*\n\t.*-m mlskills\.portability \$\(NB\)", makefile, re.MULTILINE)
    source = (ROOT / "mlskills" / "portability.py").read_text(encoding="utf-8")
    assert 'targets = argv or ["chapters", "solutions"]' in source


def test_the_copy_holds_what_the_notebooks_need_in_a_path_of_another_length(tmp_path):
    dest = portability.copy_book(tmp_path / "a" / "much-longer-path" / "book")
    for name in ("chapters", "solutions", "exercises", "data", "mlskills", "tests/nbval_sanitize.cfg"):
        assert (dest / name).exists(), f"the portability copy lacks {name}"
    assert len(str(dest)) != len(str(ROOT)) and not (dest / ".git").exists()


@pytest.fixture
def small_book(tmp_path):
    book = tmp_path / "book"
    (book / "chapters").mkdir(parents=True)
    (book / "tests").mkdir()
    shutil.copy(ROOT / "tests" / "nbval_sanitize.cfg", book / "tests" / "nbval_sanitize.cfg")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(source) for source in CELLS.values()]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(book / "chapters")}}).execute()
    nbformat.write(nb, book / "chapters" / "99-here.ipynb")
    return book, [c.outputs[0]["text"].strip() for c in nb.cells]


def test_an_output_that_holds_only_here_fails_the_run_and_a_deterministic_one_passes(small_book, capsys):
    book, stored = small_book
    result = portability.run(["chapters/99-here.ipynb"], root=book, jobs="1", capture=True)
    printed = capsys.readouterr().out
    kept = re.search(r"The copy is kept in (\S+)", printed)
    if kept:  # the copy is kept for the author to inspect; here it is not needed
        shutil.rmtree(kept.group(1).split("/another-reader/")[0], ignore_errors=True)
    report = result.stdout + result.stderr
    failed = {int(n) for n in re.findall(r"FAILED chapters/99-here\.ipynb::Cell (\d+)", report)}
    expected = {0} | ({1} if stored[1] != "DEFAULT" else set())  # without AVX2 here the kernels agree
    assert result.returncode != 0 and kept, "the portability run passed a notebook that prints its checkout path"
    assert failed == expected, f"cells that failed: {sorted(failed)}, expected {sorted(expected)}\n{report[-3000:]}"
