"""An AWS Lambda handler: score each new CSV batch that lands in S3, write the scores back.

Deployed, Lambda calls ``handler(event, context)`` with an S3 ObjectCreated event.
Everything at module level runs once per execution environment (the cold start) and is
reused by warm invocations: the S3 client and the model are created here, not per call.
Configuration comes from environment variables, as on Lambda: MODEL_PATH, OUTPUT_BUCKET.
"""

from __future__ import annotations

import json
import os
import urllib.parse

import boto3
from scoring import load_model, score_csv

S3 = boto3.client("s3")
MODEL = load_model(os.environ["MODEL_PATH"])
OUTPUT_BUCKET = os.environ["OUTPUT_BUCKET"]


def output_key(key: str) -> str:
    """scores/<batch name>.json for an input key such as batches/line 1/hour-07.csv."""
    return "scores/" + key.removeprefix("batches/").removesuffix(".csv") + ".json"


def handler(event, context):
    """Score every object in the event; return a summary (Lambda logs it, S3 ignores it)."""
    summary = []
    for record in event.get("Records", []):  # S3's test event has no Records
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])  # keys arrive URL-encoded
        body = S3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
        scores = score_csv(body, MODEL)
        S3.put_object(
            Bucket=OUTPUT_BUCKET,
            Key=output_key(key),
            Body=json.dumps({"model_version": MODEL["version"], "source": key, "scores": scores}),
            ContentType="application/json",
        )
        summary.append({"key": key, "rows": len(scores), "alerts": sum(s["alert"] for s in scores)})
    return {"processed": summary, "function": context.function_name}
