"""Load the book's shipped data, verified against the checksum manifest.

Every file a notebook reads lives in ``data/`` and is listed in
``data/MANIFEST.sha256`` (the format of ``sha256sum``, so ``sha256sum -c`` works too).
:func:`load` refuses a file that is missing or altered, with a message that names the
file and says how to restore it, instead of letting a notebook compute on bad data.

Command line::

    python -m mlskills.data verify     # check every file against the manifest
    python -m mlskills.data manifest   # rewrite the manifest after adding a data file
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import pandas as pd

from mlskills import ROOT

#: Where the data lives; ``MLSKILLS_DATA`` overrides it (for example in Colab).
DATA_DIR = Path(os.environ.get("MLSKILLS_DATA", ROOT / "data"))
MANIFEST_NAME = "MANIFEST.sha256"
#: Files in data/ that describe the data rather than being data.
NOT_DATA = {MANIFEST_NAME, "README.md", "LICENSES.md"}
NOT_DATA_DIRS = {"datasheets", "generators", "__pycache__"}


class DataFileError(RuntimeError):
    """A shipped data file is missing, altered or not in the manifest."""


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(data_dir: Path | None = None) -> dict[str, str]:
    """Return ``{relative file name: sha256}`` from the manifest."""
    data_dir = Path(data_dir or DATA_DIR)
    manifest = data_dir / MANIFEST_NAME
    if not manifest.exists():
        raise DataFileError(
            f"{manifest} is missing. It ships with the book: restore it with "
            f"`git checkout -- data/{MANIFEST_NAME}` or clone the repository again. If your copy "
            "of the book's data/ folder is elsewhere (mlskills installed without the repository, "
            "Colab), set the environment variable MLSKILLS_DATA to that folder."
        )
    entries = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip()] = digest
    return entries


def data_files(data_dir: Path | None = None) -> list[str]:
    """Relative names of every data file under ``data/`` (datasheets and manifest excluded)."""
    data_dir = Path(data_dir or DATA_DIR)
    names = []
    for path in sorted(data_dir.rglob("*")):
        rel = path.relative_to(data_dir)
        if path.is_file() and rel.name not in NOT_DATA and not NOT_DATA_DIRS & set(rel.parts[:-1]):
            if not rel.name.startswith("."):
                names.append(rel.as_posix())
    return names


def path(name: str, data_dir: Path | None = None) -> Path:
    """Return the verified path of the data file ``name`` (e.g. ``"penguins_raw.csv"``).

    Raises :class:`DataFileError` with instructions if the file is unknown, missing
    or does not match its checksum.
    """
    data_dir = Path(data_dir or DATA_DIR)
    manifest = read_manifest(data_dir)
    if name not in manifest:
        known = ", ".join(sorted(manifest)) or "(none)"
        raise DataFileError(
            f"'{name}' is not a data file of this book. Known files: {known}. "
            "If you added it, run `make data-manifest` and write its datasheet."
        )
    file = data_dir / name
    if not file.exists():
        raise DataFileError(
            f"data/{name} is missing. It ships with the book's repository: restore it with "
            f"`git checkout -- data/{name}` (or clone the repository again). "
            f"Looked in {data_dir}; set MLSKILLS_DATA if your copy of data/ is elsewhere."
        )
    actual = sha256(file)
    if actual != manifest[name]:
        raise DataFileError(
            f"data/{name} has been altered: its sha256 is {actual[:12]}…, the manifest expects "
            f"{manifest[name][:12]}…. Restore the shipped file with `git checkout -- data/{name}`. "
            "If you changed it on purpose, update its datasheet and run `make data-manifest`."
        )
    return file


def load(name: str, data_dir: Path | None = None, **read_kwargs) -> pd.DataFrame:
    """Load a verified data file into a DataFrame, choosing the reader by extension.

    Extra keyword arguments go to the pandas reader (``read_csv``, ``read_parquet``,
    ``read_json``).
    """
    file = path(name, data_dir)
    suffix = file.suffix.lower()
    if suffix == ".csv":
        return pd.read_csv(file, **read_kwargs)
    if suffix == ".parquet":
        return pd.read_parquet(file, **read_kwargs)
    if suffix in {".json", ".jsonl"}:
        return pd.read_json(file, lines=suffix == ".jsonl", **read_kwargs)
    raise DataFileError(f"No loader for '{suffix}' files; use mlskills.data.path('{name}') instead.")


def verify(data_dir: Path | None = None) -> list[str]:
    """Return a list of problems (empty when every file matches the manifest)."""
    data_dir = Path(data_dir or DATA_DIR)
    problems = []
    manifest = read_manifest(data_dir)
    for name in manifest:
        try:
            path(name, data_dir)
        except DataFileError as exc:
            problems.append(str(exc))
    for name in data_files(data_dir):
        if name not in manifest:
            problems.append(
                f"data/{name} is not in the manifest: run `make data-manifest` and write its datasheet."
            )
    return problems


def write_manifest(data_dir: Path | None = None) -> Path:
    """Rewrite ``data/MANIFEST.sha256`` from the files present."""
    data_dir = Path(data_dir or DATA_DIR)
    lines = [f"{sha256(data_dir / name)}  {name}" for name in data_files(data_dir)]
    manifest = data_dir / MANIFEST_NAME
    manifest.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return manifest


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    command = argv[0] if argv else "verify"
    if command == "manifest":
        print(f"wrote {write_manifest()}")
        return 0
    if command == "verify":
        problems = verify()
        for problem in problems:
            print(f"✗ {problem}")
        if not problems:
            print(f"✓ {len(read_manifest())} data files match data/{MANIFEST_NAME}")
        return 1 if problems else 0
    print("usage: python -m mlskills.data [verify|manifest]")
    return 2


if __name__ == "__main__":
    raise SystemExit(main())
