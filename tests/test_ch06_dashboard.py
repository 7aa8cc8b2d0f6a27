"""The Chapter 6 dashboard (apps/ch06_dashboard.py) shows the right numbers for its filters.

The app is driven headlessly with Streamlit's AppTest: choose a filter value, rerun the
script, read the metrics and the chart's data it displays, and compare them with numbers
computed here straight from data/penguins.csv with the csv module, independently of the
app's own code. The filter choices must come from the data, and the data must be read once
per process (cached), not on every rerun. The last test proves these assertions can fail: it
breaks the filter line in a copy of the app and expects the same assertions to catch it.
"""

from __future__ import annotations

import csv
import importlib.util
import json
from statistics import fmean

import pyarrow as pa
import pytest
from streamlit.testing.v1 import AppTest

from mlskills import ROOT

APP = ROOT / "apps" / "ch06_dashboard.py"
DATA = ROOT / "data" / "penguins.csv"
FILTER_LINE = "    shown = filter_penguins(penguins, species, sex)\n"
#: (species, sex) filter values to try, including the unfiltered view.
CASES = [("All", "All"), ("Gentoo", "All"), ("Adelie", "female"), ("Chinstrap", "male")]


def csv_rows(species: str = "All", sex: str = "All") -> list[dict[str, str]]:
    """The measured birds of one species and sex, read with the csv module."""
    with open(DATA, newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["body_mass_g"] != "NA"]
    return [r for r in rows if species in ("All", r["species"]) and sex in ("All", r["sex"])]


def expected_numbers(species: str, sex: str) -> dict[str, str]:
    """What the dashboard should show, computed from the CSV without pandas or the app."""
    rows = csv_rows(species, sex)
    return {
        "Penguins": f"{len(rows):,}",
        "Mean body mass (g)": f"{fmean(float(r['body_mass_g']) for r in rows):,.0f}",
        "Mean flipper length (mm)": f"{fmean(float(r['flipper_length_mm']) for r in rows):.1f}",
    }


def run_app(app_path, species: str, sex: str) -> AppTest:
    """Run the app headlessly with a filter set."""
    app = AppTest.from_file(str(app_path), default_timeout=60).run()
    app.selectbox(key="species").select(species)
    app.radio(key="sex").set_value(sex)
    app.run()
    assert not app.exception, f"the app raised: {[e.value for e in app.exception]}"
    return app


def shown_numbers(app_path, species: str, sex: str) -> dict[str, str]:
    """Run the app headlessly with a filter and return {metric label: displayed value}."""
    app = run_app(app_path, species, sex)
    return {metric.label: metric.value for metric in app.metric}


def shown_chart(app: AppTest) -> tuple[dict, list[dict]]:
    """The Vega-Lite spec and the rows of data of the one chart the app displays."""
    charts = [e for e in app.main if getattr(e, "type", None) == "vega_lite_chart"]
    assert len(charts) == 1, f"expected one chart, found {len(charts)}"
    proto = charts[0].proto
    (dataset,) = proto.datasets
    table = pa.ipc.open_stream(dataset.data.data).read_all()
    return json.loads(proto.spec), table.to_pylist()


def assert_dashboard_matches_data(app_path) -> None:
    for species, sex in CASES:
        app = run_app(app_path, species, sex)
        shown = {metric.label: metric.value for metric in app.metric}
        expected = expected_numbers(species, sex)
        assert shown == expected, (
            f"species={species}, sex={sex}: shown {shown}, expected {expected}"
        )
        _, points = shown_chart(app)
        birds = sorted((float(r["flipper_length_mm"]), float(r["body_mass_g"])) for r in csv_rows(species, sex))
        plotted = sorted((p["flipper_length_mm"], p["body_mass_g"]) for p in points)
        assert plotted == birds, (
            f"species={species}, sex={sex}: the chart plots {len(plotted)} birds, expected {len(birds)}"
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


def test_the_filter_choices_come_from_the_data():
    rows = csv_rows()
    sexes = sorted({r["sex"] for r in rows} - {"NA", ""})
    species = sorted({r["species"] for r in rows})
    app = run_app(APP, "All", "All")
    assert app.radio(key="sex").options == ["All", *sexes]
    assert app.selectbox(key="species").options == ["All", *species]
    module = load_app_module()
    fewer = module.load_penguins().query("species != 'Chinstrap'")
    assert module.options(fewer, "species") == ["All", "Adelie", "Gentoo"]


def test_the_chart_has_units_and_the_chapter_colours():
    spec, points = shown_chart(run_app(APP, "All", "All"))
    encoding = spec["encoding"]
    assert encoding["x"]["title"] == "Flipper length (mm)"
    assert encoding["y"]["title"] == "Body mass (g)"
    assert encoding["color"]["scale"]["range"] == ["#E69F00", "#0072B2", "#009E73"]
    assert encoding["shape"]["field"] == "species"  # colour is never the only cue
    assert len(points) == len(csv_rows())


def test_the_data_are_read_once_per_process(monkeypatch):
    module = load_app_module()
    calls = []

    def counting_load():
        calls.append(1)
        return module.data.load("penguins.csv")

    monkeypatch.setattr(module, "load_penguins", counting_load)
    module.cached_penguins.clear()
    first, second = module.cached_penguins(), module.cached_penguins()
    assert len(calls) == 1 and first.equals(second)


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
