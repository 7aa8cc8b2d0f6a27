"""One batch of observations, four wire formats: JSON, MessagePack, Protocol Buffers, Arrow IPC.

A record is a dict with a 64-bit ``id`` (int), an ``island`` (str), four measurements
(float, mm and g) and ``observed_at`` (a timezone-aware UTC datetime, millisecond
precision). Every format's ``encode(records) -> bytes`` and ``decode(bytes) -> records``
round-trips the batch exactly; :func:`round_trips` proves it.

Where a format lacks a type, the encoder says how it carries it: JSON sends the 64-bit id
as a string (JavaScript would round it) and the time as ISO 8601 with ``Z``; Protocol
Buffers sends the time as int64 milliseconds since the epoch.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
from collections.abc import Callable

import msgpack
import numpy as np
import pyarrow as pa

MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def observations(penguins, n: int, seed: int) -> list[dict]:
    """``n`` records drawn with replacement from the complete rows of ``penguins``.

    Measurements get seeded noise at the precision of the field instruments (0.1 mm,
    whole grams); ids are random 63-bit integers (most are above 2**53); times fall in
    the first 90 days of 2026, UTC, to the millisecond.
    """
    rng = np.random.default_rng(seed)
    complete = penguins.dropna(subset=list(MEASUREMENTS)).reset_index(drop=True)
    rows = complete.iloc[rng.integers(0, len(complete), n)]
    noise = {
        "bill_length_mm": 0.5,
        "bill_depth_mm": 0.3,
        "flipper_length_mm": 2.0,
        "body_mass_g": 50.0,
    }
    ids = rng.integers(2**40, 2**63 - 1, n, dtype=np.int64)
    offsets_ms = rng.integers(0, 90 * 86_400_000, n)
    start = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    records = []
    for i, (_, row) in enumerate(rows.iterrows()):
        record = {"id": int(ids[i]), "island": str(row["island"])}
        for name in MEASUREMENTS:
            value = float(row[name]) + rng.normal(0, noise[name])
            record[name] = round(value) * 1.0 if name == "body_mass_g" else round(value, 1)
        record["observed_at"] = start + dt.timedelta(milliseconds=int(offsets_ms[i]))
        records.append(record)
    return records


def _ms(t: dt.datetime) -> int:
    return (t - EPOCH) // dt.timedelta(milliseconds=1)


def _from_ms(ms: int) -> dt.datetime:
    return EPOCH + dt.timedelta(milliseconds=ms)


# ---------------------------------------------------------------- JSON
def json_encode(records: list[dict]) -> bytes:
    out = [
        {
            **r,
            "id": str(r["id"]),
            "observed_at": r["observed_at"]
            .isoformat(timespec="milliseconds")
            .replace("+00:00", "Z"),
        }
        for r in records
    ]
    return json.dumps(out, separators=(",", ":"), allow_nan=False).encode()


def json_decode(payload: bytes) -> list[dict]:
    return [
        {
            **r,
            "id": int(r["id"]),
            "observed_at": dt.datetime.fromisoformat(r["observed_at"]),
        }
        for r in json.loads(payload)
    ]


# ---------------------------------------------------------------- MessagePack
def msgpack_encode(records: list[dict]) -> bytes:
    return msgpack.packb(records, datetime=True)


def msgpack_decode(payload: bytes) -> list[dict]:
    return msgpack.unpackb(payload, timestamp=3)


# ---------------------------------------------------------------- Protocol Buffers
def protobuf_encode(records: list[dict]) -> bytes:
    from mlskills.apis.grpc_service import pb2

    batch = pb2.ObservationBatch(
        rows=[
            pb2.Observation(
                id=r["id"],
                island=r["island"],
                **{name: r[name] for name in MEASUREMENTS},
                observed_at_ms=_ms(r["observed_at"]),
            )
            for r in records
        ]
    )
    return batch.SerializeToString(deterministic=True)


def protobuf_decode(payload: bytes) -> list[dict]:
    from mlskills.apis.grpc_service import pb2

    batch = pb2.ObservationBatch.FromString(payload)
    return [
        {
            "id": row.id,
            "island": row.island,
            **{name: getattr(row, name) for name in MEASUREMENTS},
            "observed_at": _from_ms(row.observed_at_ms),
        }
        for row in batch.rows
    ]


# ---------------------------------------------------------------- Arrow IPC (columnar)
ARROW_SCHEMA = pa.schema(
    [
        ("id", pa.uint64()),
        ("island", pa.string()),
        *[(name, pa.float64()) for name in MEASUREMENTS],
        ("observed_at", pa.timestamp("ms", tz="UTC")),
    ]
)


def arrow_encode(records: list[dict]) -> bytes:
    table = pa.Table.from_pylist(records, schema=ARROW_SCHEMA)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, ARROW_SCHEMA) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def arrow_decode(payload: bytes) -> list[dict]:
    return pa.ipc.open_stream(payload).read_all().to_pylist()


FORMATS: dict[str, tuple[Callable[[list[dict]], bytes], Callable[[bytes], list[dict]]]] = {
    "JSON": (json_encode, json_decode),
    "MessagePack": (msgpack_encode, msgpack_decode),
    "Protocol Buffers": (protobuf_encode, protobuf_decode),
    "Arrow IPC": (arrow_encode, arrow_decode),
}


def gzipped_bytes(payload: bytes) -> int:
    """Size after gzip at level 6 (what an HTTP server's ``Content-Encoding: gzip`` sends)."""
    return len(gzip.compress(payload, compresslevel=6, mtime=0))


def round_trips(records: list[dict]) -> dict[str, bool]:
    """{format: decode(encode(records)) == records}."""
    return {name: decode(encode(records)) == records for name, (encode, decode) in FORMATS.items()}
