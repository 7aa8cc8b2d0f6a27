"""Score a CSV batch of machine readings with the chapter's model, using NumPy only.

The model is a logistic regression trained in Chapter 12 with scikit-learn and exported
as JSON (feature names, standardisation, coefficients, threshold), so the function that
ships it needs NumPy and nothing else. Both the AWS Lambda handler and the Google Cloud
Function import this module: one scoring logic, two trigger adapters.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import numpy as np


def load_model(path: str | Path) -> dict:
    """The exported model: {"version", "features", "mean", "scale", "coef", "intercept", "threshold"}."""
    model = json.loads(Path(path).read_text(encoding="utf-8"))
    for name in ("mean", "scale", "coef"):
        model[name] = np.asarray(model[name], dtype=float)
    return model


def score_csv(text: str, model: dict) -> list[dict]:
    """One result per row: machine id, probability of failure (4 decimals), alert flag.

    Raises ValueError for a batch that cannot be scored (missing column, non-numeric
    value, no rows): a permanent error that no retry will fix.
    """
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows:
        raise ValueError("the batch has no rows")
    missing = [name for name in model["features"] if name not in rows[0]]
    if missing:
        raise ValueError(f"the batch has no column {missing[0]!r}")
    try:
        X = np.array([[float(row[name]) for name in model["features"]] for row in rows])
    except (TypeError, ValueError) as exc:
        raise ValueError(f"the batch has a non-numeric reading: {exc}") from exc
    z = ((X - model["mean"]) / model["scale"]) @ model["coef"] + model["intercept"]
    p = 1.0 / (1.0 + np.exp(-z))
    return [
        {
            "machine_id": row["machine_id"],
            "p_failure": round(float(pi), 4),
            "alert": bool(pi >= model["threshold"]),
        }
        for row, pi in zip(rows, p, strict=True)
    ]
