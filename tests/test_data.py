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
