"""Make data/lending_register.csv and data/lending_applicants.csv: a synthetic county.

Chapter 4 needs data in which every harm it measures is known in advance: who is who
(to score a linkage attack), which applicants could really repay (to score a model's
errors by group), and exactly how much bias the historical decisions carry. Real data
cannot give that, and real personal data must not be shipped, so this script makes a
fictional county from a fixed seed:

- ``lending_register.csv``: a public register (like an electoral roll) of 20,000 residents
  with name, ZIP code, date of birth and sex;
- ``lending_applicants.csv``: 5,000 of those residents who applied for a loan, with
  contact details, the quasi-identifiers, a protected ``group`` (A or B), financial
  features, the ground truth ``qualified`` and the historical decision ``approved``.

The injected bias: the historical loan officers approved an applicant when their
creditworthiness score plus noise cleared a bar, and the bar was ``BIAS`` standard
deviations higher for group B. ``qualified`` uses the same bar for everyone and no noise.
Group B lives mostly in two of the four ZIP prefixes, so the ZIP code is a proxy for the
group. Every name, e-mail address and phone number is made up.

Run from the repository root::

    python data/generators/lending.py        # rewrites both files
    python -m mlskills.data manifest         # then refresh the checksums

The output is byte-for-byte reproducible: same seed, same files.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mlskills import data

SEED = 4_2026
N_REGISTER = 20_000
N_APPLICANTS = 5_000
SHARE_GROUP_B = 0.35
BIAS = 0.7  # how many standard deviations of the score the bar is raised for group B
ZIP_PREFIXES = ["731", "732", "733", "734"]
ZIPS = [f"{prefix}{suffix:02d}" for prefix in ZIP_PREFIXES for suffix in (10, 20, 30)]
SEGREGATED = {"731", "732"}  # where group B mostly lives
P_SEGREGATED = {"A": 0.2, "B": 0.85}
BORN_FROM, BORN_TO = np.datetime64("1936-01-01"), np.datetime64("2007-12-31")
PROVIDERS = ["mailbox.example", "post.example", "inbox.example", "webmail.example"]
FIRST = (
    "Ada Alan Alex Amir Ana Anna Ben Bo Carla Chen Chloe Dan Dara Eli Emma Eva Femi Finn "
    "Grace Hana Hugo Ida Ines Ivan Jan Jia Joe Kai Kim Lea Leo Lin Luca Maya Mia Nia Noah "
    "Nora Omar Ola Pia Raj Rosa Sam Sara Sol Tara Theo Tom Uma Vera Wei Yara Yuki Zoe Zane"
).split()
LAST = (
    "Abe Adams Ali Baker Banda Berg Brown Chen Costa Cruz Dahl Diaz Dube Evans Fox Garcia "
    "Gray Hall Hansen Hill Ito Jensen Khan Kim Kowal Lee Lopez Mbeki Meyer Moreau Mori Nagy "
    "Novak Okafor Olsen Park Patel Perez Quinn Reyes Rossi Sato Silva Singh Smith Sousa Stone "
    "Tan Tanaka Torres Varga Vogel Wang Weber West Wood Wu Yamada Young Zhou"
).split()
OUT_REGISTER = Path(data.DATA_DIR) / "lending_register.csv"
OUT_APPLICANTS = Path(data.DATA_DIR) / "lending_applicants.csv"


def make_register(rng: np.random.Generator) -> pd.DataFrame:
    """Residents with the quasi-identifiers a public register holds, plus their group."""
    group = np.where(rng.random(N_REGISTER) < SHARE_GROUP_B, "B", "A")
    segregated = rng.random(N_REGISTER) < np.vectorize(P_SEGREGATED.get)(group)
    prefix = np.where(
        segregated,
        rng.choice(sorted(SEGREGATED), N_REGISTER),
        rng.choice(sorted(set(ZIP_PREFIXES) - SEGREGATED), N_REGISTER),
    )
    zip_code = np.array([p + rng.choice(["10", "20", "30"]) for p in prefix])
    days = (BORN_TO - BORN_FROM).astype(int) + 1
    birth = BORN_FROM + rng.integers(0, days, N_REGISTER).astype("timedelta64[D]")
    return pd.DataFrame(
        {
            "first_name": rng.choice(FIRST, N_REGISTER),
            "last_name": rng.choice(LAST, N_REGISTER),
            "zip": zip_code,
            "birth_date": pd.to_datetime(birth).strftime("%Y-%m-%d"),
            "sex": rng.choice(["F", "M"], N_REGISTER),
            "group": group,
        }
    )


def contact_details(people: pd.DataFrame, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """Unique e-mail addresses (most follow a guessable pattern) and mobile numbers.

    The mobile numbers come from a block of 100,000 (07700 900000 to 07700 999999), so
    that Chapter 4 can enumerate the whole block in a fraction of a second.
    """
    emails, taken = [], set()
    for first, last in zip(people["first_name"], people["last_name"], strict=True):
        provider = PROVIDERS[rng.integers(len(PROVIDERS))]
        style = rng.random()
        if style < 0.12:  # a random handle nobody can guess from the name
            local = "".join(rng.choice(list("abcdefghijkmnpqrstuvwxyz23456789"), 10))
        elif style < 0.6:
            local = f"{first}.{last}".lower()
        else:
            local = f"{first[0]}{last}".lower()
        email, n = f"{local}@{provider}", 1
        while email in taken:  # a namesake already has it: add a number, as providers do
            n += 1
            email = f"{local}{n}@{provider}"
        taken.add(email)
        emails.append(email)
    numbers = rng.choice(100_000, len(people), replace=False)  # 5 free digits
    phones = [f"07700 9{n:05d}" for n in numbers]
    return emails, phones


def add_finances(people: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Financial features, the ground truth and the biased historical decision."""
    n = len(people)
    is_b = (people["group"] == "B").to_numpy()
    age = (np.datetime64("2026-01-01") - pd.to_datetime(people["birth_date"]).to_numpy()).astype(
        "timedelta64[D]"
    ).astype(int) / 365.25
    income = np.exp(rng.normal(np.log(np.where(is_b, 36.0, 42.0)), 0.45))  # k€ per year
    debt_ratio = rng.beta(2.0, 5.0, n)
    credit_years = np.minimum(age - 18, rng.gamma(3.0, 3.0, n)).clip(0)
    late_payments = rng.poisson(np.where(is_b, 0.9, 0.7))
    score = (
        1.2 * np.log(income / 40)
        - 3.0 * (debt_ratio - 0.28)
        + 0.06 * (credit_years - 8)
        - 0.45 * (late_payments - 0.8)
        + rng.normal(0, 0.5, n)  # what the features do not capture
    )
    score = (score - score.mean()) / score.std()
    bar = -0.3  # about 60% of applicants could repay
    qualified = score > bar
    approved = score + rng.normal(0, 0.35, n) - BIAS * is_b > bar
    return people.assign(
        income_keur=income.round(1),
        debt_ratio=debt_ratio.round(3),
        credit_years=credit_years.round(1),
        late_payments=late_payments,
        qualified=qualified.astype(int),
        approved=approved.astype(int),
    )


def main() -> None:
    rng = np.random.default_rng(SEED)
    register = make_register(rng)
    applicants = register.sample(N_APPLICANTS, random_state=SEED).sort_index()
    emails, phones = contact_details(applicants, rng)
    applicants = applicants.assign(email=emails, phone=phones)
    applicants = add_finances(applicants, rng)
    applicants.insert(0, "applicant_id", [f"L{i:05d}" for i in range(1, N_APPLICANTS + 1)])
    columns = [
        "applicant_id", "first_name", "last_name", "email", "phone", "zip", "birth_date", "sex",
        "group", "income_keur", "debt_ratio", "credit_years", "late_payments", "qualified",
        "approved",
    ]  # fmt: skip
    register = register.sample(frac=1, random_state=SEED + 1)  # the register is not in applicant order
    register.drop(columns="group").to_csv(OUT_REGISTER, index=False)
    applicants[columns].to_csv(OUT_APPLICANTS, index=False)
    print(f"wrote {OUT_REGISTER.name} ({len(register):,} rows) and {OUT_APPLICANTS.name} ({len(applicants):,} rows)")


if __name__ == "__main__":
    main()
