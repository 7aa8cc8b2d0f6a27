"""The Chapter 6 dashboard (apps/ch06_dashboard.py) shows the right numbers for its filters.

The app is driven headlessly with Streamlit's AppTest: choose a filter value, rerun the
script, read the metrics it displays, and compare them with numbers computed here straight
from data/penguins.csv with the csv module, independently of the app's own code. The last
test proves these assertions can fail: it breaks the filter line in a copy of the app and
expects the same assertions to catch it.
"""

from __future__ import annotations

import csv
import importlib.util
from statistics import fmean

import pytest
from streamlit.testing.v1 import AppTest

from mlskills import ROOT

APP = ROOT / "apps" / "ch06_dashboard.py"
DATA = ROOT / "data" / "penguins.csv"
FILTER_LINE = "    shown = filter_penguins(penguins, species, sex)\n"
#: (species, sex) filter values to try, including the unfiltered view.
CASES = [("All", "All"), ("Gentoo", "All"), ("Adelie", "female"), ("Chinstrap", "male")]


def expected_numbers(species: str, sex: str) -> dict[str, str]:
    """What the dashboard should show, computed from the CSV without pandas or the app."""
    with open(DATA, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["body_mass_g"] != "NA"]
    rows = [r for r in rows if species in ("All", r["species"]) and sex in ("All", r["sex"])]
    return {
        "Penguins": f"{len(rows):,}",
        "Mean body mass (g)": f"{fmean(float(r['body_mass_g']) for r in rows):,.0f}",
        "Mean flipper length (mm)": f"{fmean(float(r['flipper_length_mm']) for r in rows):.1f}",
    }


def shown_numbers(app_path, species: str, sex: str) -> dict[str, str]:
    """Run the app headlessly with a filter and return {metric label: displayed value}."""
    app = AppTest.from_file(str(app_path), default_timeout=60).run()
    app.selectbox(key="species").select(species)
    app.radio(key="sex").set_value(sex)
    app.run()
    assert not app.exception, f"the app raised: {[e.value for e in app.exception]}"
    return {metric.label: metric.value for metric in app.metric}


def assert_dashboard_matches_data(app_path) -> None:
    for species, sex in CASES:
        shown, expected = shown_numbers(app_path, species, sex), expected_numbers(species, sex)
        assert shown == expected, (
            f"species={species}, sex={sex}: shown {shown}, expected {expected}"
        )


def load_app_module():
    spec = importlib.util.spec_from_file_location("ch06_dashboard", APP)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)  # main() does not run: __name__ is not "__main__"
    return module


def test_the_filters_change_the_numbers_shown():
    assert len({expected_numbers(*case)["Penguins"] for case in CASES}) == len(CASES)
    assert_dashboard_matches_data(APP)


def test_the_pure_functions_agree_with_the_csv():
    app = load_app_module()
    penguins = app.load_penguins()
    assert app.species_options(penguins) == ["All", "Adelie", "Chinstrap", "Gentoo"]
    for species, sex in CASES:
        summary = app.summarise(app.filter_penguins(penguins, species, sex))
        assert summary == expected_numbers(species, sex)
    assert app.summarise(penguins.iloc[:0])["Penguins"] == "0"
    table = app.by_island(app.filter_penguins(penguins, "Gentoo"))
    assert table.index.tolist() == ["Biscoe"] and table["penguins"].tolist() == [123]


def test_the_assertions_catch_a_broken_filter(tmp_path):
    source = APP.read_text(encoding="utf-8")
    assert FILTER_LINE in source, "the filter line moved: update FILTER_LINE in this test"
    broken = tmp_path / "ch06_dashboard_broken.py"
    broken.write_text(
        source.replace(FILTER_LINE, "    shown = penguins  # filter disabled\n"), encoding="utf-8"
    )
    # the broken app still runs and still shows three numbers...
    assert len(shown_numbers(broken, "Gentoo", "All")) == 3
    # ...but the assertions above notice that they ignore the filter
    with pytest.raises(AssertionError, match="species=Gentoo"):
        assert_dashboard_matches_data(broken)
