"""Run Chapter 12's AWS scenarios against moto's in-process emulation of S3, SQS and DynamoDB.

    .venv-functions/bin/python apps/ch12_functions/drive.py s3  WORKDIR
    .venv-functions/bin/python apps/ch12_functions/drive.py sqs WORKDIR

WORKDIR holds ``model.json`` and ``plan.json`` (which files to upload, in which order) written
by the chapter. The result is one JSON document on stdout. The boto3 calls are the real
client library; moto answers them in process instead of AWS. What that does and does not
prove is discussed in the chapter.
"""

from __future__ import annotations

import json
import os
import sys
import urllib.parse
import uuid
from pathlib import Path

import boto3
from botocore.exceptions import ClientError
from moto import mock_aws

REGION = "us-east-1"


class LambdaContext:
    """The attributes of Lambda's context object that handlers commonly read."""

    def __init__(self, function_name: str, memory_mb: int = 512, timeout_s: int = 60):
        self.function_name = function_name
        self.memory_limit_in_mb = memory_mb
        self.aws_request_id = str(uuid.uuid4())
        self._timeout_ms = timeout_s * 1000

    def get_remaining_time_in_millis(self) -> int:
        return self._timeout_ms


def make_world(workdir: Path, plan: dict):
    """Buckets, a queue with a dead-letter queue, the notification S3 -> SQS, two tables."""
    s3 = boto3.client("s3", region_name=REGION)
    sqs = boto3.client("sqs", region_name=REGION)
    ddb = boto3.client("dynamodb", region_name=REGION)
    dlq_url = sqs.create_queue(QueueName="batches-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])
    redrive = {
        "deadLetterTargetArn": dlq_arn["Attributes"]["QueueArn"],
        "maxReceiveCount": str(plan.get("max_receive_count", 3)),
    }
    queue_url = sqs.create_queue(
        QueueName="batches", Attributes={"RedrivePolicy": json.dumps(redrive)}
    )["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    for bucket in ("factory-incoming", "factory-scores"):
        s3.create_bucket(Bucket=bucket)
    s3.put_bucket_notification_configuration(
        Bucket="factory-incoming",
        NotificationConfiguration={
            "QueueConfigurations": [
                {
                    "QueueArn": queue_arn["Attributes"]["QueueArn"],
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "batches/"}]}},
                }
            ]
        },
    )
    for table, key in (("idempotency", "token"), ("status", "machine_id")):
        ddb.create_table(
            TableName=table,
            KeySchema=[{"AttributeName": key, "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": key, "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
    for key in plan["uploads"]:
        s3.put_object(Bucket="factory-incoming", Key=key, Body=(workdir / key).read_bytes())
    return s3, sqs, ddb, queue_url, dlq_url


def drain(sqs, queue_url) -> list[dict]:
    """Receive every message once and delete it: what a consumer would be handed."""
    bodies = []
    while messages := sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get(
        "Messages", []
    ):
        for message in messages:
            bodies.append(json.loads(message["Body"]))
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
    return bodies


def scenario_s3(workdir: Path, plan: dict) -> dict:
    """S3 -> event -> handler: the event S3 produced, a naive handler, the real handler."""
    s3, sqs, _, queue_url, _ = make_world(workdir, plan)
    events = drain(sqs, queue_url)
    import lambda_handler  # imported inside the mock: its module-level client is emulated

    context = LambdaContext("score-batches")
    out = {"events": events, "naive": [], "handler": []}
    for event in events:
        if "Records" in event:  # a handler that forgets that keys arrive URL-encoded
            record = event["Records"][0]
            try:
                s3.get_object(Bucket="factory-incoming", Key=record["s3"]["object"]["key"])
                out["naive"].append("ok")
            except ClientError as exc:
                out["naive"].append(exc.response["Error"]["Code"])
        out["handler"].append(lambda_handler.handler(event, context))
    listing = s3.list_objects_v2(Bucket="factory-scores").get("Contents", [])
    out["outputs"] = {
        item["Key"]: json.loads(
            s3.get_object(Bucket="factory-scores", Key=item["Key"])["Body"].read()
        )
        for item in listing
    }
    return out


class FlakyS3:
    """Wraps the S3 client: the first read of each key in ``flaky`` is throttled."""

    def __init__(self, s3, flaky):
        self.s3, self.pending = s3, set(flaky)

    def get_object(self, *, Bucket, Key):
        if Key in self.pending:
            self.pending.discard(Key)
            raise ClientError({"Error": {"Code": "SlowDown", "Message": "throttled"}}, "GetObject")
        return self.s3.get_object(Bucket=Bucket, Key=Key)


def scenario_sqs(workdir: Path, plan: dict, *, protected: bool) -> dict:
    """At-least-once delivery: duplicates, a throttled read, a poison batch, a late batch."""
    from scoring import load_model
    from worker import Worker

    s3, sqs, ddb, queue_url, dlq_url = make_world(workdir, plan)
    events = drain(sqs, queue_url)
    by_key = {
        urllib.parse.unquote_plus(e["Records"][0]["s3"]["object"]["key"]): e
        for e in events
        if "Records" in e
    }
    duplicated = [by_key[k] for k in plan["duplicates"]]
    for event in events + duplicated:  # redelivered: each duplicate after the originals
        sqs.send_message(QueueUrl=queue_url, MessageBody=json.dumps(event))
    alerts = []
    worker = Worker(
        sqs=sqs,
        s3=FlakyS3(s3, plan["flaky"]),
        ddb=ddb,
        queue_url=queue_url,
        model=load_model(workdir / "model.json"),
        alerts=alerts,
        idempotent=protected,
        ordered=protected,
    )
    counts = dict(worker.run())
    dead = drain(sqs, dlq_url)
    status = {
        item["machine_id"]["S"]: int(item["hour"]["N"])
        for item in ddb.scan(TableName="status")["Items"]
    }
    return {
        "counts": counts,
        "messages sent": len(events) + len(duplicated),
        "dead-lettered": [
            urllib.parse.unquote_plus(e["Records"][0]["s3"]["object"]["key"]) for e in dead
        ],
        "alerts sent": len(alerts),
        "distinct alerts": len(set(alerts)),
        "status hours": status,
    }


def main(argv: list[str]) -> None:
    command, workdir = argv[0], Path(argv[1])
    plan = json.loads((workdir / "plan.json").read_text(encoding="utf-8"))
    os.environ.update(
        MODEL_PATH=str(workdir / "model.json"),
        OUTPUT_BUCKET="factory-scores",
        AWS_DEFAULT_REGION=REGION,
    )
    sys.path.insert(0, str(Path(__file__).parent))
    if command == "s3":
        with mock_aws():
            result = scenario_s3(workdir, plan)
    elif command == "sqs":
        result = {}
        for protected in (False, True):
            with mock_aws():  # a fresh, empty emulated account for each run
                result["protected" if protected else "naive"] = scenario_sqs(
                    workdir, plan, protected=protected
                )
    else:
        raise SystemExit(f"unknown command {command!r}: use s3 or sqs")
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1:])
