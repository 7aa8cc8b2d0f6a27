"""Chapter 6's figures keep their alt texts short and true to the data.

Each figure has a short alt text (at most 250 characters, the limit the chapter's own
exercise 4 sets) in its cell metadata and prints a long description, generated from the
data, under the figure. nbval proves the printed outputs current, so checking every number
of an alt text against its cell's printed output ties the alt text to the data too: an alt
text that names a number the data no longer give fails here.
"""

from __future__ import annotations

import re

import nbformat
import pytest

from mlskills import ROOT
from tests import notebook_code

CHAPTER = ROOT / "chapters" / "06-visualization.ipynb"
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def figure_cells():
    notebook = nbformat.read(CHAPTER, as_version=4)
    return [
        cell
        for cell in notebook.cells
        if cell.cell_type == "code" and any("image/png" in o.get("data", {}) for o in cell.outputs)
    ]


FIGURES = figure_cells()


def test_the_chapter_has_figures():
    assert len(FIGURES) >= 14


@pytest.mark.parametrize("cell", FIGURES, ids=[c.id for c in FIGURES])
def test_short_alt_text_and_a_long_description(cell):
    alt = cell.metadata.get("mystnb", {}).get("image", {}).get("alt", "")
    assert 0 < len(alt) <= 250, f"{cell.id}: alt text of {len(alt)} characters (at most 250)"
    printed = notebook_code.stored_text(CHAPTER, cell.id)
    assert "Description: " in printed, f"{cell.id} prints no long description under the figure"


@pytest.mark.parametrize("cell", FIGURES, ids=[c.id for c in FIGURES])
def test_every_number_in_an_alt_text_is_in_the_printed_output(cell):
    alt = cell.metadata["mystnb"]["image"]["alt"]
    printed = notebook_code.stored_text(CHAPTER, cell.id)
    for number in NUMBER.findall(alt):
        assert re.search(rf"(?<![\d.,]){re.escape(number)}(?![\d]|[.,]\d)", printed), (
            f"{cell.id}: the alt text says {number}, which the cell's output does not print"
        )


def test_the_engineer_chart_names_every_month_below_zero():
    printed = notebook_code.stored_text(CHAPTER, "story-engineer")
    assert "below zero in Sep, Nov, Dec." in printed.replace("\n", " ")


def test_the_lie_factor_depends_on_the_zero_of_an_interval_scale():
    printed = notebook_code.stored_text(CHAPTER, "story-lie-units")
    celsius = int(re.search(r"in °C: .*lie factor (\d+)", printed).group(1))
    fahrenheit = int(re.search(r"in °F: .*lie factor (\d+)", printed).group(1))
    assert fahrenheit > 2 * celsius  # the same picture, another "lie factor"
    ratio = notebook_code.stored_text(CHAPTER, "story-ratio")
    assert "axis from  0 days: lie factor 1.00" in ratio


def test_exercise_8_quotes_the_chapters_brier_decomposition():
    printed = notebook_code.stored_text(CHAPTER, "ml-brier")
    rows = {line.split("  ")[0]: line.split()[-2:] for line in printed.splitlines() if line[:1].isalpha()}
    reliability = [float(v) for v in rows["reliability"]]
    resolution = [float(v) for v in rows["resolution"]]
    brier = [float(v) for v in rows["Brier"]]
    # "a reliability of about 0.003 and a resolution of about 0.19; ... about 0.06 and 0.16"
    assert round(reliability[0], 3) == 0.003 and round(resolution[0], 2) == 0.19
    assert round(reliability[1], 2) == 0.06 and round(resolution[1], 2) == 0.16
    assert brier[1] > 2 * brier[0]  # "a Brier score more than twice as high"
    gap = reliability[1] - reliability[0]
    assert gap > 0.5 * (brier[1] - brier[0])  # "most of the gap is reliability"
