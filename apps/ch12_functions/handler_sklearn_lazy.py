"""Cold-start variant: nothing heavy at module level; the first call imports and loads."""

import csv
import io
import os

FEATURES = ["temperature_c", "vibration_mm_s", "pressure_bar", "rpm"]
_model = None


def handler(event, context):
    global _model
    if _model is None:  # paid by the first call of each execution environment
        import joblib

        _model = joblib.load(os.path.join(os.environ["MODEL_DIR"], "model.joblib"))
    import numpy as np

    rows = list(csv.DictReader(io.StringIO(event["body"])))
    X = np.array([[float(row[name]) for name in FEATURES] for row in rows])
    return {"alerts": int((_model.predict_proba(X)[:, 1] >= 0.5).sum())}
