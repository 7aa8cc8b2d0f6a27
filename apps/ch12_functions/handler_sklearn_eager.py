"""Cold-start variant: scikit-learn and the pickled pipeline loaded at module level (init)."""

import csv
import io
import os

import joblib
import numpy as np

FEATURES = ["temperature_c", "vibration_mm_s", "pressure_bar", "rpm"]
MODEL = joblib.load(os.path.join(os.environ["MODEL_DIR"], "model.joblib"))


def handler(event, context):
    rows = list(csv.DictReader(io.StringIO(event["body"])))
    X = np.array([[float(row[name]) for name in FEATURES] for row in rows])
    return {"alerts": int((MODEL.predict_proba(X)[:, 1] >= 0.5).sum())}
