"""Shipped data: every file verified, described, licensed; clear errors when it is not."""

import re
import shutil

import pytest

from mlskills import ROOT, data
from mlskills.data import DataFileError

DATA = ROOT / "data"
MAX_DATA_BYTES = 20 * 1024 * 1024


def test_every_data_file_matches_the_manifest():
    assert data.verify() == []


def test_data_stays_small():
    total = sum(p.stat().st_size for p in DATA.rglob("*") if p.is_file())
    assert total < MAX_DATA_BYTES, f"data/ is {total / 1e6:.1f} MB; the budget is 20 MB"


@pytest.mark.parametrize("name", data.data_files(), ids=str)
def test_every_data_file_has_a_datasheet(name):
    sheet = DATA / "datasheets" / f"{name.rsplit('.', 1)[0]}.md"
    assert sheet.exists(), f"write data/datasheets/{sheet.name} for data/{name} (see CONTRIBUTING.md)"
    text = sheet.read_text(encoding="utf-8").lower()
    for needed in ("source", "licen", "column", "issue"):
        assert needed in text, f"{sheet.name} says nothing about '{needed}' (source, licence, columns, known issues)"


@pytest.fixture
def data_copy(tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(DATA, copy)
    return copy


def test_a_missing_file_names_the_file_and_how_to_restore_it(data_copy):
    name = data.data_files(data_copy)[0]
    (data_copy / name).unlink()
    with pytest.raises(DataFileError, match=re.escape(f"data/{name} is missing")) as error:
        data.load(name, data_dir=data_copy)
    assert f"git checkout -- data/{name}" in str(error.value)


def test_an_altered_file_is_refused_with_the_fix(data_copy):
    name = data.data_files(data_copy)[0]
    with open(data_copy / name, "ab") as handle:
        handle.write(b"\n")
    with pytest.raises(DataFileError, match="has been altered") as error:
        data.path(name, data_dir=data_copy)
    assert f"git checkout -- data/{name}" in str(error.value)
    assert data.verify(data_copy), "verify() reports the altered file"


def test_an_unknown_name_lists_the_known_files(data_copy):
    with pytest.raises(DataFileError, match="is not a data file of this book") as error:
        data.path("no_such_file.csv", data_dir=data_copy)
    assert data.data_files(data_copy)[0] in str(error.value)


def test_a_file_missing_from_the_manifest_is_reported(data_copy):
    (data_copy / "stray.csv").write_text("a\n1\n")
    problems = data.verify(data_copy)
    assert any("stray.csv is not in the manifest" in p for p in problems)


def test_the_manifest_can_be_regenerated_identically(data_copy):
    before = (data_copy / data.MANIFEST_NAME).read_text()
    data.write_manifest(data_copy)
    assert (data_copy / data.MANIFEST_NAME).read_text() == before


# --- the loader and the manifest on a small data folder of their own (issue 23) ----------

import hashlib  # noqa: E402

import pandas as pd  # noqa: E402

FRAME = pd.DataFrame({"species": ["Adelie", "Gentoo", "Chinstrap"], "mass_g": [3750, 5000, 3700]})


@pytest.fixture
def small_data(tmp_path):
    """A data/ folder with one file per loader, a datasheet, a generator and a hidden file."""
    folder = tmp_path / "data"
    (folder / "datasheets").mkdir(parents=True)
    (folder / "generators").mkdir()
    (folder / "sub").mkdir()
    FRAME.to_csv(folder / "penguins.csv", index=False)
    FRAME.to_parquet(folder / "penguins.parquet", index=False)
    FRAME.to_json(folder / "penguins.json", orient="records")
    FRAME.to_json(folder / "sub" / "penguins.jsonl", orient="records", lines=True)
    (folder / "notes.txt").write_text("free text\n")
    (folder / "datasheets" / "penguins.md").write_text("# Penguins\n")
    (folder / "generators" / "make.py").write_text("print(1)\n")
    (folder / ".DS_Store").write_bytes(b"\0")
    (folder / "README.md").write_text("# Data\n")
    data.write_manifest(folder)
    return folder


def test_the_manifest_lists_every_data_file_in_sha256sum_format(small_data):
    expected = [
        f"{hashlib.sha256((small_data / name).read_bytes()).hexdigest()}  {name}"
        for name in ["notes.txt", "penguins.csv", "penguins.json", "penguins.parquet", "sub/penguins.jsonl"]
    ]
    assert (small_data / "MANIFEST.sha256").read_text(encoding="utf-8") == "\n".join(expected) + "\n"
    assert data.write_manifest(small_data) == small_data / "MANIFEST.sha256"


def test_a_file_larger_than_one_read_block_is_hashed_whole(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(bytes(range(256)) * (3 * 4096 + 1))  # three 1 MiB blocks and a bit
    assert data.sha256(big) == hashlib.sha256(big.read_bytes()).hexdigest()


@pytest.mark.parametrize("name", ["penguins.csv", "penguins.parquet", "penguins.json", "sub/penguins.jsonl", "PENGUINS.CSV"])
def test_every_format_loads_into_the_same_frame(small_data, name):
    if name == "PENGUINS.CSV":  # the reader is chosen whatever the case of the extension
        (small_data / "penguins.csv").rename(small_data / name)
        data.write_manifest(small_data)
    pd.testing.assert_frame_equal(data.load(name, data_dir=small_data), FRAME)


@pytest.mark.parametrize(
    ("name", "kwargs", "expected"),
    [
        ("penguins.csv", {"usecols": ["mass_g"], "nrows": 2}, FRAME[["mass_g"]].head(2)),
        ("penguins.parquet", {"columns": ["species"]}, FRAME[["species"]]),
        ("penguins.json", {"dtype": {"mass_g": "float64"}}, FRAME.astype({"mass_g": "float64"})),
        ("sub/penguins.jsonl", {"nrows": 1}, FRAME.head(1)),
    ],
    ids=["csv", "parquet", "json", "jsonl"],
)
def test_load_passes_its_keyword_arguments_to_the_reader(small_data, name, kwargs, expected):
    pd.testing.assert_frame_equal(data.load(name, data_dir=small_data, **kwargs), expected)


def test_a_file_without_a_loader_points_to_path(small_data):
    with pytest.raises(DataFileError) as error:
        data.load("notes.txt", data_dir=small_data)
    assert str(error.value) == "No loader for '.txt' files; use mlskills.data.path('notes.txt') instead."
    assert data.path("notes.txt", data_dir=small_data) == small_data / "notes.txt"


def test_datasheets_generators_hidden_files_and_the_readme_are_not_data(small_data):
    (small_data / "generators" / "__pycache__").mkdir()
    (small_data / "generators" / "__pycache__" / "make.pyc").write_bytes(b"\0")
    (small_data / "sub" / "LICENSES.md").write_text("x")
    (small_data / "sub" / "__pycache__").mkdir()  # a generator kept in a subfolder
    (small_data / "sub" / "__pycache__" / "gen.pyc").write_bytes(b"\0")
    assert data.data_files(small_data) == ["notes.txt", "penguins.csv", "penguins.json", "penguins.parquet", "sub/penguins.jsonl"]


def test_a_name_with_a_space_survives_the_manifest(small_data):
    (small_data / "two words.csv").write_text("a\n1\n")
    data.write_manifest(small_data)
    assert data.read_manifest(small_data)["two words.csv"] == data.sha256(small_data / "two words.csv")
    assert data.verify(small_data) == []


def test_blank_lines_in_the_manifest_are_ignored(small_data):
    manifest = small_data / "MANIFEST.sha256"
    manifest.write_text("\n" + manifest.read_text() + "\n\n")
    assert sorted(data.read_manifest(small_data)) == data.data_files(small_data)


def test_a_missing_manifest_says_how_to_restore_it_or_where_to_point(small_data):
    (small_data / "MANIFEST.sha256").unlink()
    with pytest.raises(DataFileError) as error:
        data.load("penguins.csv", data_dir=small_data)
    assert str(error.value) == (
        f"{small_data / 'MANIFEST.sha256'} is missing. It ships with the book: restore it with "
        "`git checkout -- data/MANIFEST.sha256` or clone the repository again. If your copy "
        "of the book's data/ folder is elsewhere (mlskills installed without the repository, "
        "Colab), set the environment variable MLSKILLS_DATA to that folder."
    )


def test_an_unknown_name_lists_the_known_files_sorted_and_how_to_add_one(small_data):
    with pytest.raises(DataFileError) as error:
        data.path("penguin.csv", data_dir=small_data)
    assert str(error.value) == (
        "'penguin.csv' is not a data file of this book. Known files: notes.txt, penguins.csv, "
        "penguins.json, penguins.parquet, sub/penguins.jsonl. "
        "If you added it, run `make data-manifest` and write its datasheet."
    )
    (small_data / "MANIFEST.sha256").write_text("")
    with pytest.raises(DataFileError, match=r"Known files: \(none\)\."):
        data.path("penguin.csv", data_dir=small_data)


def test_verify_reports_a_wrong_manifest_a_missing_file_and_a_new_file_with_their_fixes(small_data):
    assert data.verify(small_data) == []
    manifest = small_data / "MANIFEST.sha256"
    wrong = "0" * 64
    right = data.sha256(small_data / "penguins.csv")
    manifest.write_text(manifest.read_text().replace(right, wrong))
    (small_data / "penguins.json").unlink()
    (small_data / "new.csv").write_text("a\n1\n")
    assert data.verify(small_data) == [
        f"data/penguins.csv has been altered: its sha256 is {right[:12]}…, the manifest expects {wrong[:12]}…. "
        "Restore the shipped file with `git checkout -- data/penguins.csv`. "
        "If you changed it on purpose, update its datasheet and run `make data-manifest`.",
        "data/penguins.json is missing. It ships with the book's repository: restore it with "
        "`git checkout -- data/penguins.json` (or clone the repository again). "
        f"Looked in {small_data}; set MLSKILLS_DATA if your copy of data/ is elsewhere.",
        "data/new.csv is not in the manifest: run `make data-manifest` and write its datasheet.",
    ]


@pytest.fixture
def cli_on(small_data, monkeypatch):
    """`python -m mlskills.data` pointed at the small folder (as MLSKILLS_DATA would)."""
    monkeypatch.setattr(data, "DATA_DIR", small_data)
    return small_data


def test_the_verify_command_is_the_default_and_passes_clean_data(cli_on, capsys):
    assert data.main([]) == 0
    assert data.main(["verify"]) == 0
    assert capsys.readouterr().out == "✓ 5 data files match data/MANIFEST.sha256\n" * 2


def test_the_verify_command_fails_with_one_line_per_problem(cli_on, capsys):
    (cli_on / "new.csv").write_text("a\n1\n")
    (cli_on / "notes.txt").unlink()
    assert data.main(["verify"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and all(line.startswith("✗ data/") for line in lines)
    assert lines[1] == "✗ data/new.csv is not in the manifest: run `make data-manifest` and write its datasheet."


def test_the_manifest_command_takes_in_a_new_file(cli_on, capsys):
    (cli_on / "new.csv").write_text("a\n1\n")
    assert data.main(["manifest"]) == 0
    assert capsys.readouterr().out == f"wrote {cli_on / 'MANIFEST.sha256'}\n"
    assert data.verify(cli_on) == []
    assert data.load("new.csv").equals(pd.DataFrame({"a": [1]}))


def test_an_unknown_command_prints_the_usage(cli_on, capsys):
    assert data.main(["verfy"]) == 2
    assert capsys.readouterr().out == "usage: python -m mlskills.data [verify|manifest]\n"
