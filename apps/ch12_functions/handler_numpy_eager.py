"""Cold-start variant: NumPy and the model's JSON weights at module level; no scikit-learn."""

import os

from scoring import load_model, score_csv

MODEL = load_model(os.path.join(os.environ["MODEL_DIR"], "model.json"))


def handler(event, context):
    return {"alerts": sum(score["alert"] for score in score_csv(event["body"], MODEL))}
