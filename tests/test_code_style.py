"""The book's own Python (package, tooling, tests, apps) passes ruff with the project's rules."""

import subprocess
import sys

from mlskills import ROOT


def test_ruff_finds_nothing():
    paths = ["mlskills", "tests", "_ext", "apps", "conftest.py"]
    result = subprocess.run([sys.executable, "-m", "ruff", "check", *paths], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, f"run `.venv/bin/ruff check {' '.join(paths)}` and fix:\n{result.stdout}"
