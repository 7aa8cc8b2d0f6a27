"""A queue worker that survives at-least-once delivery: duplicates, retries, poison, late events.

S3 sends its object-created events to an SQS queue; this worker (the part Lambda's SQS
event source runs for you) receives them, scores each batch and records the result.
Three protections, each one a switch so the chapter can show what breaks without it:

- ``idempotent``: a conditional write of the idempotency key ``bucket/key@eTag`` to a
  DynamoDB table *before* the side effects; a duplicate delivery finds the key and stops.
  If scoring then fails, the key is deleted again, so the retry is not mistaken for a
  duplicate.
- ``ordered``: each machine's status is updated only if the batch's hour is newer than
  the stored one (a conditional update), so a late event cannot overwrite newer state.
- a **redrive policy** on the queue (set up by the caller): a message received
  ``maxReceiveCount`` times without being deleted moves to the dead-letter queue.

A message is deleted only after it was handled; on any error it is made visible again at
once (production code would wait with a backoff) and SQS counts the receive.
"""

from __future__ import annotations

import json
import urllib.parse
from collections import Counter

from botocore.exceptions import ClientError
from scoring import score_csv


class Worker:
    def __init__(self, *, sqs, s3, ddb, queue_url, model, alerts, idempotent=True, ordered=True):
        self.sqs, self.s3, self.ddb, self.queue_url = sqs, s3, ddb, queue_url
        self.model, self.alerts = model, alerts  # alerts: a list standing in for a pager
        self.idempotent, self.ordered = idempotent, ordered
        self.counts = Counter()

    @staticmethod
    def idempotency_key(record: dict) -> str:
        """One key per object version: bucket, decoded key and the content's eTag."""
        obj = record["s3"]["object"]
        key = urllib.parse.unquote_plus(obj["key"])
        return f"{record['s3']['bucket']['name']}/{key}@{obj['eTag']}"

    def claim(self, token: str) -> bool:
        """True if this worker is the first to see ``token`` (a conditional put)."""
        try:
            self.ddb.put_item(
                TableName="idempotency",
                Item={"token": {"S": token}},
                ConditionExpression="attribute_not_exists(#t)",
                ExpressionAttributeNames={"#t": "token"},
            )
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def update_status(self, score: dict, hour: int) -> bool:
        """Store the machine's latest score; with ``ordered``, only if ``hour`` is newer."""
        item = {
            "machine_id": {"S": score["machine_id"]},
            "hour": {"N": str(hour)},
            "p_failure": {"N": str(score["p_failure"])},
        }
        if not self.ordered:
            self.ddb.put_item(TableName="status", Item=item)
            return True
        try:
            self.ddb.put_item(
                TableName="status",
                Item=item,
                ConditionExpression="attribute_not_exists(#h) OR #h < :h",
                ExpressionAttributeNames={"#h": "hour"},
                ExpressionAttributeValues={":h": {"N": str(hour)}},
            )
            return True
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise

    def handle(self, record: dict) -> None:
        token = self.idempotency_key(record)
        if self.idempotent and not self.claim(token):
            self.counts["duplicates skipped"] += 1
            return
        try:
            bucket = record["s3"]["bucket"]["name"]
            key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
            text = self.s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8")
            scores = score_csv(text, self.model)
        except Exception:
            if self.idempotent:  # release the claim so that the retry is not a "duplicate"
                self.ddb.delete_item(TableName="idempotency", Key={"token": {"S": token}})
            raise
        hour = int(key.rsplit("hour-", 1)[1].removesuffix(".csv"))
        self.counts["batches scored"] += 1
        self.counts["rows scored"] += len(scores)
        for score in scores:
            if not self.update_status(score, hour):
                self.counts["late rows not applied"] += 1
            if score["alert"]:
                self.alerts.append((score["machine_id"], hour))

    def poll_once(self) -> int:
        """Receive up to 10 messages and handle each; return how many were received."""
        messages = self.sqs.receive_message(
            QueueUrl=self.queue_url, MaxNumberOfMessages=10, AttributeNames=["All"]
        ).get("Messages", [])
        for message in messages:
            self.counts["deliveries"] += 1
            if int(message["Attributes"]["ApproximateReceiveCount"]) > 1:
                self.counts["redeliveries after an error"] += 1
            body = json.loads(message["Body"])
            try:
                for record in body.get("Records", []):  # s3:TestEvent has none
                    self.handle(record)
                if "Records" not in body:
                    self.counts["test events skipped"] += 1
            except Exception as exc:
                self.counts[f"errors: {type(exc).__name__}"] += 1
                self.sqs.change_message_visibility(
                    QueueUrl=self.queue_url,
                    ReceiptHandle=message["ReceiptHandle"],
                    VisibilityTimeout=0,
                )
                continue
            self.sqs.delete_message(QueueUrl=self.queue_url, ReceiptHandle=message["ReceiptHandle"])
        return len(messages)

    def run(self, max_polls: int = 100) -> Counter:
        """Poll until the queue is empty (or ``max_polls``); return the counts."""
        for _ in range(max_polls):
            if self.poll_once() == 0:
                break
        return self.counts
