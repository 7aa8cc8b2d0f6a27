"""The same scoring as a Google Cloud Function (2nd gen), triggered by a Cloud Storage event.

Run locally with Google's real Functions Framework, which serves the function over HTTP
and turns each incoming CloudEvent into the ``cloud_event`` argument:

    functions-framework --source apps/ch12_functions/gcf_main.py \
        --target on_object_finalized --host 127.0.0.1 --port 8080

Stand-in: deployed, the function would read the object with the google-cloud-storage
client. Offline, BUCKET_ROOT is a local folder with one sub-folder per bucket, so only the
storage call differs from production; the event format and the HTTP delivery are real.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import functions_framework
from scoring import load_model, score_csv

MODEL = load_model(os.environ["MODEL_PATH"])
BUCKET_ROOT = Path(os.environ["BUCKET_ROOT"])
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]


@functions_framework.cloud_event
def on_object_finalized(cloud_event):
    """Score the object named in a google.cloud.storage.object.v1.finalized event."""
    bucket, name = cloud_event.data["bucket"], cloud_event.data["name"]
    scores = score_csv((BUCKET_ROOT / bucket / name).read_text(encoding="utf-8"), MODEL)
    out = BUCKET_ROOT / OUTPUT_BUCKET / "scores" / (Path(name).stem + ".json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "model_version": MODEL["version"],
                "source": name,
                "event_id": cloud_event["id"],
                "scores": scores,
            }
        ),
        encoding="utf-8",
    )
