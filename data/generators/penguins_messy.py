"""Make data/penguins_messy.csv: the real Palmer penguins raw table with documented mess.

The raw table (data/penguins_raw.csv) is real and already a little messy, but it has no
duplicate rows, no inconsistent spellings and no unit errors. Chapter 2 teaches how to find
and fix exactly those, so this script injects them into a copy of the real data, with a
fixed seed, in amounts listed in data/datasheets/penguins_messy.md. Every injected problem
is a kind that occurs in real field-data exports (hand-typed categories, a spreadsheet in
another locale, a scale that reads kilograms, a legacy "missing" code, a batch uploaded
twice).

Run from the repository root::

    python data/generators/penguins_messy.py     # rewrites data/penguins_messy.csv
    python -m mlskills.data manifest             # then refresh the checksums

The output is byte-for-byte reproducible: same input, same seed, same file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlskills import data

SEED = 200711  # November 2007: the first field season in the data
OUT = Path(data.DATA_DIR) / "penguins_messy.csv"

# How many rows get each problem. Rows are drawn without replacement *per problem*, so a
# row can carry two different problems (say, a misspelt island and a mass in kilograms).
N_SPECIES_VARIANTS = 30
N_ISLAND_VARIANTS = 15
N_SEX_VARIANTS = 12
N_SEX_DOT = 3
N_DECIMAL_COMMA = 5
N_MASS_IN_KG = 6
N_FLIPPER_IN_CM = 3
N_MASS_SENTINEL = 3
N_DATE_OTHER_FORMAT = 8
N_EXACT_DUPLICATES = 5
N_RESPELLED_DUPLICATES = 3

SPECIES_VARIANTS = {
    "Adelie Penguin (Pygoscelis adeliae)": [
        "Adelie",
        "adelie penguin",
        "Adélie Penguin (Pygoscelis adeliae)",
        "ADELIE PENGUIN (PYGOSCELIS ADELIAE)",
        " Adelie Penguin (Pygoscelis adeliae) ",
    ],
    "Chinstrap penguin (Pygoscelis antarctica)": [
        "Chinstrap",
        "chinstrap penguin (pygoscelis antarctica)",
        "Chinstrap Penguin (Pygoscelis antarctica) ",
    ],
    "Gentoo penguin (Pygoscelis papua)": [
        "Gentoo",
        "gentoo penguin",
        "Gentoo Penguin (Pygoscelis papua)",
    ],
}
ISLAND_VARIANTS = {
    "Biscoe": ["biscoe", "Biscoe ", "BISCOE"],
    "Dream": ["dream", "Dream ", "DREAM"],
    "Torgersen": ["torgersen", "Torgersen ", "TORGERSEN"],
}
SEX_VARIANTS = {"MALE": ["M", "male", "Male"], "FEMALE": ["F", "female", "Female"]}


def _pick(rng: np.random.Generator, candidates: pd.Index, n: int) -> pd.Index:
    """n distinct labels from candidates, in sorted order (so the log reads well)."""
    return pd.Index(sorted(rng.choice(candidates.to_numpy(), size=n, replace=False)))


def make_messy(
    raw: pd.DataFrame, raw_text: pd.DataFrame, seed: int = SEED
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Return (messy table as text, {problem: rows affected}).

    ``raw`` is the raw table as parsed by pandas (to find values), ``raw_text`` the same
    file read as text (so untouched cells keep their exact original spelling).
    """
    rng = np.random.default_rng(seed)
    messy = raw_text.copy()
    log: dict[str, int] = {}

    rows = _pick(rng, messy.index, N_SPECIES_VARIANTS)
    messy.loc[rows, "Species"] = [rng.choice(SPECIES_VARIANTS[s]) for s in raw.loc[rows, "Species"]]
    log["species spelled another way"] = len(rows)

    rows = _pick(rng, messy.index, N_ISLAND_VARIANTS)
    messy.loc[rows, "Island"] = [rng.choice(ISLAND_VARIANTS[s]) for s in raw.loc[rows, "Island"]]
    log["island spelled another way"] = len(rows)

    has_sex = raw.index[raw["Sex"].notna()]
    rows = _pick(rng, has_sex, N_SEX_VARIANTS + N_SEX_DOT)
    variant_rows, dot_rows = rows[:N_SEX_VARIANTS], rows[N_SEX_VARIANTS:]
    messy.loc[variant_rows, "Sex"] = [
        rng.choice(SEX_VARIANTS[s]) for s in raw.loc[variant_rows, "Sex"]
    ]
    messy.loc[dot_rows, "Sex"] = "."
    log["sex spelled another way (M, male, Male, ...)"] = len(variant_rows)
    log["sex replaced by '.' (unknown)"] = len(dot_rows)

    has_bill = raw.index[raw["Culmen Length (mm)"].notna()]
    rows = _pick(rng, has_bill, N_DECIMAL_COMMA)
    messy.loc[rows, "Culmen Length (mm)"] = messy.loc[rows, "Culmen Length (mm)"].str.replace(
        ".", ","
    )
    log["culmen length with a decimal comma"] = len(rows)

    has_mass = raw.index[raw["Body Mass (g)"].notna()]
    rows = _pick(rng, has_mass, N_MASS_IN_KG + N_MASS_SENTINEL)
    kg_rows, sentinel_rows = rows[:N_MASS_IN_KG], rows[N_MASS_IN_KG:]
    messy.loc[kg_rows, "Body Mass (g)"] = (raw.loc[kg_rows, "Body Mass (g)"] / 1000).map(
        lambda v: f"{v:g}"
    )
    messy.loc[sentinel_rows, "Body Mass (g)"] = "-999"
    log["body mass in kilograms, not grams"] = len(kg_rows)
    log["body mass replaced by the code -999"] = len(sentinel_rows)

    has_flipper = raw.index[raw["Flipper Length (mm)"].notna()]
    rows = _pick(rng, has_flipper, N_FLIPPER_IN_CM)
    messy.loc[rows, "Flipper Length (mm)"] = (raw.loc[rows, "Flipper Length (mm)"] / 10).map(
        lambda v: f"{v:g}"
    )
    log["flipper length in centimetres, not millimetres"] = len(rows)

    rows = _pick(rng, messy.index, N_DATE_OTHER_FORMAT)
    dates = pd.to_datetime(raw.loc[rows, "Date Egg"], format="%Y-%m-%d")
    messy.loc[rows, "Date Egg"] = dates.dt.strftime("%d %b %Y")
    log["date written as '16 Nov 2007'"] = len(rows)

    # Duplicates: a few rows sent twice verbatim, and a few re-typed by hand with a
    # different spelling of species or island (only visible after normalising).
    exact = _pick(rng, messy.index, N_EXACT_DUPLICATES)
    respelled_src = _pick(rng, messy.index.difference(exact), N_RESPELLED_DUPLICATES)
    respelled = messy.loc[respelled_src].copy()
    respelled["Species"] = respelled["Species"].str.strip().str.upper()
    respelled["Island"] = respelled["Island"].str.strip().str.lower()
    extra = pd.concat([messy.loc[exact], respelled])
    log["exact duplicate rows added"] = len(exact)
    log["duplicate rows added with re-typed species/island"] = len(respelled)

    # Insert the extra rows at random places, as interleaved uploads would.
    positions = rng.integers(0, len(messy) + 1, size=len(extra))
    pieces, start = [], 0
    order = np.argsort(positions, kind="stable")
    for pos, (_, row) in zip(positions[order], extra.iloc[order].iterrows(), strict=True):
        pieces.append(messy.iloc[start:pos])
        pieces.append(row.to_frame().T)
        start = pos
    pieces.append(messy.iloc[start:])
    out = pd.concat(pieces, ignore_index=True)
    return out, log


def main() -> None:
    raw = data.load("penguins_raw.csv")
    raw_text = data.load("penguins_raw.csv", dtype=str, keep_default_na=False)
    messy, log = make_messy(raw, raw_text)
    messy.to_csv(OUT, index=False, lineterminator="\n")
    width = max(len(k) for k in log)
    for problem, n in log.items():
        print(f"{problem:<{width}}  {n:>3} rows")
    print(f"wrote {OUT} ({len(messy)} rows × {messy.shape[1]} columns)")


if __name__ == "__main__":
    main()
