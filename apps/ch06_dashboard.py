"""Penguin explorer: a small Streamlit dashboard over the book's penguins data (Chapter 6).

Run it from the repository root, then open the address it prints (http://localhost:8501):

    streamlit run apps/ch06_dashboard.py

The logic lives in small pure functions (load, options, filter, summarise, chart) that the
tests import; ``main`` only lays out widgets. The data are read once per server process
(``st.cache_data``), not on every rerun, and the filter choices come from the data.
tests/test_ch06_dashboard.py drives the app headlessly with ``streamlit.testing.v1.AppTest``
and checks the numbers and the chart it shows against the data.
"""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from mlskills import data

ALL = "All"
MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
#: Okabe-Ito colours and one shape per species, as in the chapter's figures.
SPECIES_STYLE = {
    "Adelie": ("#E69F00", "circle"),
    "Chinstrap": ("#0072B2", "square"),
    "Gentoo": ("#009E73", "triangle-up"),
}


def load_penguins() -> pd.DataFrame:
    """The shipped penguins without the rows that have no measurements at all."""
    return data.load("penguins.csv").dropna(subset=MEASUREMENTS, how="all")


@st.cache_data(show_spinner=False)
def cached_penguins() -> pd.DataFrame:
    """:func:`load_penguins`, read once per server process and then served from memory."""
    return load_penguins()


def options(penguins: pd.DataFrame, column: str) -> list[str]:
    """Choices for a filter: ``"All"`` then each recorded value of ``column``, sorted."""
    return [ALL, *sorted(penguins[column].dropna().unique())]


def species_options(penguins: pd.DataFrame) -> list[str]:
    """Choices for the species filter: ``"All"`` then each species, sorted."""
    return options(penguins, "species")


def filter_penguins(penguins: pd.DataFrame, species: str = ALL, sex: str = ALL) -> pd.DataFrame:
    """Rows of one species and one sex; ``"All"`` keeps every value (and unknown sex)."""
    keep = pd.Series(True, index=penguins.index)
    if species != ALL:
        keep &= penguins["species"] == species
    if sex != ALL:
        keep &= penguins["sex"] == sex
    return penguins[keep]


def summarise(penguins: pd.DataFrame) -> dict[str, str]:
    """The headline numbers, formatted exactly as the dashboard shows them."""
    if penguins.empty:
        return {"Penguins": "0", "Mean body mass (g)": "–", "Mean flipper length (mm)": "–"}
    return {
        "Penguins": f"{len(penguins):,}",
        "Mean body mass (g)": f"{penguins['body_mass_g'].mean():,.0f}",
        "Mean flipper length (mm)": f"{penguins['flipper_length_mm'].mean():.1f}",
    }


def by_island(penguins: pd.DataFrame) -> pd.DataFrame:
    """Count and mean body mass (g) per island, for the table under the numbers."""
    table = penguins.groupby("island").agg(
        penguins=("species", "size"), mean_body_mass_g=("body_mass_g", "mean")
    )
    return table.round({"mean_body_mass_g": 0})


def mass_flipper_chart(penguins: pd.DataFrame) -> alt.Chart:
    """Body mass against flipper length, one colour and one shape per species (Okabe-Ito)."""
    species = [s for s in SPECIES_STYLE if s in set(penguins["species"])]
    colours = [SPECIES_STYLE[s][0] for s in species]
    shapes = [SPECIES_STYLE[s][1] for s in species]
    return (
        alt.Chart(penguins.dropna(subset=["flipper_length_mm", "body_mass_g"]))
        .mark_point(filled=True, size=40, opacity=0.7)
        .encode(
            x=alt.X("flipper_length_mm:Q", title="Flipper length (mm)", scale=alt.Scale(zero=False)),
            y=alt.Y("body_mass_g:Q", title="Body mass (g)", scale=alt.Scale(zero=False)),
            color=alt.Color("species:N", title="Species", scale=alt.Scale(domain=species, range=colours)),
            shape=alt.Shape("species:N", scale=alt.Scale(domain=species, range=shapes)),
            tooltip=["species", "island", "sex", "flipper_length_mm", "body_mass_g"],
        )
    )


def main() -> None:
    st.set_page_config(page_title="Penguin explorer")
    st.title("Penguin explorer")
    st.caption("Palmer Archipelago penguins, 2007–2009. Data: Horst, Hill & Gorman (2020), CC0.")
    penguins = cached_penguins()
    species = st.selectbox("Species", options(penguins, "species"), key="species")
    sex = st.radio("Sex", options(penguins, "sex"), key="sex", horizontal=True)
    shown = filter_penguins(penguins, species, sex)
    for column, (label, value) in zip(st.columns(3), summarise(shown).items(), strict=True):
        column.metric(label, value)
    if not shown.empty:
        st.altair_chart(mass_flipper_chart(shown), key="chart")
    st.subheader("By island")
    st.dataframe(by_island(shown))
    st.caption("'All' sexes includes birds whose sex was not recorded.")


if __name__ == "__main__":  # Streamlit runs this file as __main__; tests import it instead
    main()
