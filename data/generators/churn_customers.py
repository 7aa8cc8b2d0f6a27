"""Make data/churn_customers.csv: synthetic customers of a subscription business.

Chapter 14 turns a churn model into money, so it needs customers whose churn we can
model and whose true behaviour is known. No package ships a real churn table with a
licence that allows redistribution, so this script draws one from a stated, seeded model.
Nothing here describes a real company: the coefficients below were chosen to give a
plausible churn rate (about one customer in four: 23.7 %) and plausible relationships (short
contracts, short tenure and many support calls go with churn), and the datasheet
``data/datasheets/churn_customers.md`` says so.

Run from the repository root::

    python data/generators/churn_customers.py    # rewrites data/churn_customers.csv
    python -m mlskills.data manifest             # then refresh the checksums

The output is byte-for-byte reproducible: same seed, same file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

SEED = 1414
N_CUSTOMERS = 6000
OUT = Path(__file__).resolve().parent.parent / "churn_customers.csv"

CONTRACTS = ["month-to-month", "one-year", "two-year"]
CONTRACT_SHARE = [0.55, 0.25, 0.20]
MEAN_TENURE = {"month-to-month": 14.0, "one-year": 30.0, "two-year": 44.0}  # months

# The true log-odds of churning within the next 90 days (the model the data is drawn from).
INTERCEPT = -1.9
COEF_MONTH_TO_MONTH = 1.4
COEF_TWO_YEAR = -0.8
COEF_TENURE = -0.03  # per month of tenure
COEF_CHARGE = 0.015  # per currency unit of monthly charge above 65
COEF_SUPPORT_CALLS = 0.45  # per support call in the last 90 days
COEF_AUTOPAY = -0.5
NOISE_SD = 0.8  # unobserved reasons to leave: no model can see them


def make(seed: int = SEED, n: int = N_CUSTOMERS) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    contract = rng.choice(CONTRACTS, size=n, p=CONTRACT_SHARE)
    mean_tenure = np.array([MEAN_TENURE[c] for c in contract])
    tenure = np.clip(np.ceil(rng.exponential(mean_tenure)), 1, 72).astype(int)
    charge = np.round(np.clip(rng.normal(65, 25, size=n), 18.0, 120.0), 2)
    calls = rng.poisson(0.6 + 0.8 * (contract == "month-to-month"), size=n)
    autopay = rng.random(n) < 0.5
    logit = (
        INTERCEPT
        + COEF_MONTH_TO_MONTH * (contract == "month-to-month")
        + COEF_TWO_YEAR * (contract == "two-year")
        + COEF_TENURE * tenure
        + COEF_CHARGE * (charge - 65)
        + COEF_SUPPORT_CALLS * calls
        + COEF_AUTOPAY * autopay
        + rng.normal(0, NOISE_SD, size=n)
    )
    churned = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "customer_id": [f"C{i:05d}" for i in range(1, n + 1)],
            "contract": contract,
            "tenure_months": tenure,
            "monthly_charge": charge,
            "support_calls_90d": calls,
            "autopay": autopay.astype(int),
            "churned": churned.astype(int),
        }
    )


if __name__ == "__main__":
    frame = make()
    frame.to_csv(OUT, index=False, float_format="%.2f", lineterminator="\n")
    print(f"wrote {OUT.name}: {len(frame)} rows, churn rate {frame['churned'].mean():.3f}")
