"""Checks for the exercises of Chapter 3: APIs and integration.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch03_wrong_answers.py.
"""

from __future__ import annotations

import datetime as dt
import json
import math

import numpy as np

from mlskills.checks import Fail, call, check, counted, short

# ---------------------------------------------------------------- Exercise 1: a request model
GOOD_DAY = {
    "date": "2015-06-01",
    "precipitation_mm": 0.0,
    "temp_max_c": 21.1,
    "temp_min_c": 12.2,
    "wind_m_s": 0.0,
}
NUMERIC = ("precipitation_mm", "temp_max_c", "temp_min_c", "wind_m_s")
#: (field, value, what it shows): each must be refused with an error located at the field.
OUT_OF_RANGE = [
    ("precipitation_mm", -0.1, "negative rain"),
    ("precipitation_mm", 500.5, "more than 500 mm of rain in a day"),
    ("temp_max_c", 60.5, "a maximum above 60 °C"),
    ("temp_max_c", -61.0, "a maximum below -60 °C"),
    ("temp_min_c", -60.5, "a minimum below -60 °C"),
    ("temp_min_c", 61.0, "a minimum above 60 °C"),
    ("wind_m_s", -1.0, "negative wind speed"),
    ("wind_m_s", 61.0, "wind above 60 m/s"),
]


def _refused(model, payload: dict, what: str):
    """The pydantic ValidationError for ``payload``; Fail if the model accepts it."""
    from pydantic import ValidationError

    try:
        model.model_validate(payload)
    except ValidationError as exc:
        return exc
    except Exception as exc:  # a validator that crashed instead of reporting a field error
        raise Fail(
            f"{what}: your model raised {type(exc).__name__} instead of a ValidationError"
        ) from None
    raise Fail(f"{what} was accepted, but it should be refused (payload {short(payload)})")


def _names_field(exc, field: str) -> bool:
    return any(
        field in [str(part) for part in error["loc"]] or field in error["msg"]
        for error in exc.errors()
    )


@check(budget_s=5)
def check_weather_request_model(fn):
    from pydantic import BaseModel, ValidationError

    model = call(fn)
    if not (isinstance(model, type) and issubclass(model, BaseModel)):
        raise Fail(
            f"weather_request_model() should return a pydantic model class, got {short(model)}"
        )
    accepted = [
        (GOOD_DAY, "a normal day"),
        ({**GOOD_DAY, "temp_min_c": 21.1}, "a day whose minimum equals its maximum"),
        (
            {
                **GOOD_DAY,
                "precipitation_mm": 500,
                "wind_m_s": 60,
                "temp_max_c": 60,
                "temp_min_c": -60,
            },
            "a day at the upper limits of every range",
        ),
        ({**GOOD_DAY, "date": dt.date(2012, 2, 29)}, "a date object (29 February 2012)"),
    ]
    for payload, what in accepted:
        try:
            parsed = model.model_validate(payload)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"])) or "the model"
            raise Fail(
                f"{what} should be accepted, but your model refused it ({where}: {first['msg']})"
            ) from None
        except Exception as exc:
            raise Fail(
                f"{what}: your model raised {type(exc).__name__} on a valid payload"
            ) from None
    parsed = model.model_validate(GOOD_DAY)
    if getattr(parsed, "date", None) != dt.date(2015, 6, 1):
        raise Fail(
            f"date '2015-06-01' should be parsed into datetime.date(2015, 6, 1), got {short(getattr(parsed, 'date', None))}"
        )
    for name in NUMERIC:
        if not isinstance(getattr(parsed, name, None), float):
            raise Fail(f"{name} should be a float field, got {short(getattr(parsed, name, None))}")
    for name in GOOD_DAY:
        exc = _refused(
            model, {k: v for k, v in GOOD_DAY.items() if k != name}, f"a payload without {name}"
        )
        if not _names_field(exc, name):
            raise Fail(f"a payload without {name} was refused, but the error does not name {name}")
    for name in GOOD_DAY:
        exc = _refused(model, {**GOOD_DAY, name: None}, f"{name}=None (null in JSON)")
        if not _names_field(exc, name):
            raise Fail(f"{name}=None was refused, but the error does not name {name}")
    for value in ("yesterday", "2015-02-30"):
        exc = _refused(model, {**GOOD_DAY, "date": value}, f"date {value!r}")
        if not _names_field(exc, "date"):
            raise Fail(f"date {value!r} was refused, but the error does not name the date field")
    for name, value, what in OUT_OF_RANGE:
        exc = _refused(model, {**GOOD_DAY, name: value}, f"{what} ({name}={value})")
        if not _names_field(exc, name):
            raise Fail(f"{what} ({name}={value}) was refused, but the error does not name {name}")
    for name in NUMERIC:
        for bad in (math.nan, math.inf, -math.inf):
            payload = {**GOOD_DAY, name: bad}
            if name.startswith("temp"):  # keep min <= max out of the way
                payload = {**payload, "temp_min_c" if name == "temp_max_c" else "temp_max_c": bad}
            exc = _refused(model, payload, f"{name}={bad}")
            if not _names_field(exc, name):
                raise Fail(f"{name}={bad} was refused, but the error does not name {name}")
    exc = _refused(model, {**GOOD_DAY, "humidity": 80}, "an unknown field 'humidity'")
    if not _names_field(exc, "humidity"):
        raise Fail("an unknown field 'humidity' was refused, but the error does not name it")
    exc = _refused(
        model,
        {**GOOD_DAY, "temp_max_c": 5.0, "temp_min_c": 9.0},
        "a minimum above the maximum (9 °C > 5 °C)",
    )
    if not _names_field(exc, "temp_min_c"):  # the errors only: str(exc) also shows the input
        raise Fail(
            "a minimum above the maximum was refused, but the error names neither temp_min_c in its "
            "location nor in its message"
        )
    return (
        "the model parses dates, keeps every field required and not null, enforces each range (limits included), "
        "refuses NaN, infinity, unknown fields and a minimum above the maximum, and names the field in every error"
    )


# ---------------------------------------------------------------- Exercise 2: JSON-safe payloads
def _json_safe_cases():
    berlin = dt.timezone(dt.timedelta(hours=2))
    cases = [
        (np.int64(3), 3, "np.int64(3)"),
        (np.float32(0.5), 0.5, "np.float32(0.5)"),
        (np.bool_(True), True, "np.bool_(True)"),
        (np.array([[1, 2], [3, 4]]), [[1, 2], [3, 4]], "a 2×2 integer array"),
        (np.array([1.5, np.nan]), [1.5, None], "np.array([1.5, nan])"),
        (float("nan"), None, "float('nan')"),
        (float("inf"), None, "float('inf')"),
        (np.float64(-np.inf), None, "np.float64(-inf)"),
        (dt.datetime(2026, 3, 29, 2, 30, tzinfo=berlin), "2026-03-29T00:30:00Z", "02:30 at UTC+2"),
        (
            dt.datetime(2026, 1, 5, 9, 0, 0, 250000, tzinfo=dt.UTC),
            "2026-01-05T09:00:00.250000Z",
            "a UTC time with microseconds",
        ),
        (dt.date(2026, 2, 1), "2026-02-01", "a date"),
        (2**53 + 1, str(2**53 + 1), "2**53 + 1"),
        (-(2**60), str(-(2**60)), "-2**60"),
        (np.uint64(2**63), str(2**63), "np.uint64(2**63)"),
        (2**53 - 1, 2**53 - 1, "2**53 - 1 (the largest safe integer)"),
        (2**53, str(2**53), "2**53"),
        (np.int64(-(2**53)), str(-(2**53)), "np.int64(-2**53)"),
        (0, 0, "0"),
        (np.float64(0.0), 0.0, "np.float64(0.0)"),
        (-(2**53 - 1), -(2**53 - 1), "-(2**53 - 1)"),
        (True, True, "True (a bool, although bool is a subclass of int)"),
        (None, None, "None"),
        ("NaN", "NaN", "the string 'NaN'"),
        ((1, np.int32(2)), [1, 2], "a tuple (1, np.int32(2))"),
    ]
    nested_in = {
        "model": "penguins",
        "scores": np.array([0.25, np.nan, 0.75], dtype=np.float32),
        "counts": {"Adelie": np.int64(2), "Gentoo": np.int16(1)},
        "sent_at": dt.datetime(2026, 12, 1, 6, 0, tzinfo=dt.UTC),
        "request_id": 9007199254740993,
        "ok": np.bool_(False),
    }
    nested_out = {
        "model": "penguins",
        "scores": [0.25, None, 0.75],
        "counts": {"Adelie": 2, "Gentoo": 1},
        "sent_at": "2026-12-01T06:00:00Z",
        "request_id": "9007199254740993",
        "ok": False,
    }
    return cases, nested_in, nested_out


def _type_name(value) -> str:
    kind = type(value)
    return kind.__name__ if kind.__module__ == "builtins" else f"{kind.__module__}.{kind.__name__}"


def _same(got, expected) -> bool:
    """Equal, with the same JSON types (bool is not int, int is not float, str is not int)."""
    if isinstance(expected, dict):
        return (
            isinstance(got, dict)
            and set(got) == set(expected)
            and all(_same(got[k], expected[k]) for k in expected)
        )
    if isinstance(expected, list):
        return (
            isinstance(got, list)
            and len(got) == len(expected)
            and all(_same(g, e) for g, e in zip(got, expected, strict=True))
        )
    if expected is None:
        return got is None
    if isinstance(expected, (bool, int)):  # bool is an int subclass, and np.int64 is no int at all
        return type(got) is type(expected) and got == expected
    return isinstance(got, type(expected)) and got == expected  # np.float64 is a float: fine


@check(budget_s=5)
def check_to_json_safe(fn):
    cases, nested_in, nested_out = _json_safe_cases()
    for value, expected, what in cases:
        got = call(fn, value)
        if not _same(got, expected):
            raise Fail(
                f"to_json_safe({what}) should give {expected!r} ({_type_name(expected)}), got {short(got)} ({_type_name(got)})"
            )
    before = repr(nested_in)
    got = call(fn, nested_in)
    if repr(nested_in) != before:
        raise Fail("to_json_safe changed its input; build a new structure instead")
    if not _same(got, nested_out):
        raise Fail(
            f"a nested payload {short(nested_in)} should become {short(nested_out)}, got {short(got)}"
        )
    try:
        json.dumps(got, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise Fail(
            f"the converted nested payload still cannot be written as strict JSON: {exc}"
        ) from None
    naive = dt.datetime(2026, 3, 29, 2, 30)
    try:
        got = call(fn, naive)
    except Fail as exc:
        if exc.__cause__ is None:  # out of time, or over a call budget: report as it is
            raise
        if not isinstance(exc.__cause__, ValueError):
            raise Fail(
                f"to_json_safe(a naive datetime) should raise ValueError, but raised {type(exc.__cause__).__name__}"
            ) from None
    else:
        raise Fail(
            f"to_json_safe(a naive datetime) should raise ValueError (its time zone is unknown), got {short(got)}"
        )
    return (
        "NumPy scalars and arrays become plain JSON types, NaN and ±inf become null, aware datetimes become UTC "
        "ISO 8601 with Z, naive ones raise ValueError, integers beyond 2**53 - 1 become strings, bools stay bools, "
        "nesting is handled and the input is left alone"
    )


# ---------------------------------------------------------------- Exercise 3: retries with backoff
URL = "http://penguins.test/v1/predict"
PAYLOAD = {
    "bill_length_mm": 39.1,
    "bill_depth_mm": 18.7,
    "flipper_length_mm": 181.0,
    "body_mass_g": 3750.0,
}


class _Script:
    """An in-process server: answers each request with the next scripted reply."""

    def __init__(self, replies):
        import httpx2

        self.replies, self.requests = list(replies), []
        self.handler = counted(self._handle, limit=40, what="the server")
        self.client = httpx2.Client(transport=httpx2.MockTransport(self.handler))

    def _handle(self, request):
        import httpx2

        self.requests.append(request)
        reply = self.replies[min(len(self.requests), len(self.replies)) - 1]
        if isinstance(reply, Exception):
            raise reply
        status, headers = reply if isinstance(reply, tuple) else (reply, {})
        return httpx2.Response(status, json={"status": status}, headers=headers)


def _run(fn, replies, **kwargs):
    server, delays = _Script(replies), []
    kwargs = {"attempts": 5, "base_delay_s": 0.1, **kwargs}
    try:
        response = call(fn, server.client, URL, PAYLOAD, sleep=delays.append, **kwargs)
    except Fail as exc:  # an httpx2 error message can span lines; a hint is one line
        raise Fail(" ".join(str(exc).split())) from exc.__cause__
    return server, delays, response


def _json_or_text(content: bytes):
    try:
        return json.loads(content)
    except ValueError:
        return content.decode(errors="replace")


def _status(response):
    return getattr(response, "status_code", None)


def _delays_match(got, expected) -> bool:
    return len(got) == len(expected) and all(
        math.isclose(float(g), e, rel_tol=1e-9) for g, e in zip(got, expected, strict=True)
    )


@check(budget_s=10)  # imports FastAPI and runs the real app: about 1 s cold on a busy machine
def check_post_with_retries(fn):
    import httpx2

    server, delays, response = _run(fn, [503, 503, 200])
    if len(server.requests) != 3 or _status(response) != 200:
        raise Fail(
            f"against a server answering 503, 503, 200 you should try 3 times and return the 200; "
            f"you sent {len(server.requests)} request(s) and returned {short(_status(response))}"
        )
    if not _delays_match(delays, [0.1, 0.2]):
        raise Fail(
            f"with base_delay_s=0.1, the waits before the 2 retries should double each time starting at 0.1 s "
            f"(pass them to the `sleep` you were given); you waited {short(delays)}"
        )
    bodies = [_json_or_text(r.content) for r in server.requests]
    if any(body != PAYLOAD for body in bodies):
        raise Fail(
            f"every attempt should POST the payload as JSON; the server received {short(bodies)}"
        )
    keys = [r.headers.get("idempotency-key") for r in server.requests]
    if not keys[0] or len(set(keys)) != 1:
        raise Fail(
            f"every attempt of one call should carry the same, non-empty Idempotency-Key header; the server saw {short(keys)}"
        )
    other, _, _ = _run(fn, [200])
    if other.requests[0].headers.get("idempotency-key") == keys[0]:
        raise Fail(
            "two separate calls sent the same Idempotency-Key; make a new key for each call (and reuse it only for its retries)"
        )

    for status in (400, 401, 404, 422):
        server, delays, response = _run(fn, [status, 200])
        if len(server.requests) != 1 or _status(response) != status or delays:
            raise Fail(
                f"a {status} means the request itself is wrong, so retrying cannot help: return it at once; "
                f"you sent {len(server.requests)} request(s), waited {short(delays)} and returned {short(_status(response))}"
            )
    for status in (500, 501):
        server, delays, response = _run(fn, [status, 200])
        if len(server.requests) != 1 or _status(response) != status or delays:
            raise Fail(
                f"a {status} is not one of the statuses the exercise retries (a fault in the server's code "
                f"usually fails again): return it at once; you sent {len(server.requests)} request(s), "
                f"waited {short(delays)} and returned {short(_status(response))}"
            )
    for status in (429, 502, 504):
        server, delays, response = _run(fn, [status, 200])
        if len(server.requests) != 2 or _status(response) != 200:
            raise Fail(
                f"a {status} is worth retrying: against {status}, 200 you sent {len(server.requests)} request(s) "
                f"and returned {short(_status(response))}"
            )

    server, delays, response = _run(fn, [503] * 10, attempts=4)
    if len(server.requests) != 4 or _status(response) != 503:
        raise Fail(
            f"with attempts=4 against a server that always answers 503, you should send 4 requests and return the last 503; "
            f"you sent {len(server.requests)} and returned {short(_status(response))}"
        )
    if not _delays_match(delays, [0.1, 0.2, 0.4]):
        raise Fail(
            f"with attempts=4 and base 0.1 s there are 3 waits, doubling from 0.1 s; you waited {short(delays)}"
        )
    server, delays, response = _run(fn, [503] * 3, attempts=1)
    if len(server.requests) != 1 or delays:
        raise Fail(
            f"with attempts=1 there is no retry; you sent {len(server.requests)} request(s) and waited {short(delays)}"
        )

    server, delays, response = _run(fn, [(429, {"Retry-After": "2"}), 200])
    if not _delays_match(delays, [2.0]):
        raise Fail(
            f"a 429 with 'Retry-After: 2' asks you to wait at least 2 s, more than the 0.1 s backoff; you waited {short(delays)}"
        )
    server, delays, response = _run(fn, [(503, {"Retry-After": "2"}), 200])
    if not _delays_match(delays, [2.0]):
        raise Fail(
            f"a 503 with 'Retry-After: 2' asks you to wait at least 2 s too, not only a 429; you waited {short(delays)}"
        )
    server, delays, response = _run(fn, [(503, {"Retry-After": "0"}), 200], base_delay_s=0.5)
    if not _delays_match(delays, [0.5]):
        raise Fail(
            f"'Retry-After: 0' is a floor, not a replacement: the 0.5 s backoff still applies; you waited {short(delays)}"
        )

    server, delays, response = _run(fn, [httpx2.ConnectError("connection refused"), 200])
    if len(server.requests) != 2 or _status(response) != 200:
        raise Fail(
            f"a connection error (httpx2.ConnectError) is worth retrying: against error, 200 you sent "
            f"{len(server.requests)} request(s) and returned {short(_status(response))}"
        )
    server = _Script([httpx2.ReadTimeout("timed out")] * 5)
    try:
        call(fn, server.client, URL, PAYLOAD, attempts=3, base_delay_s=0.1, sleep=[].append)
    except Fail as exc:
        if not isinstance(exc.__cause__, httpx2.TransportError):
            raise Fail(" ".join(str(exc).split())) from exc.__cause__
    else:
        raise Fail(
            "when every one of the 3 attempts times out, raise the last httpx2 error instead of returning something else"
        )
    if len(server.requests) != 3:
        raise Fail(
            f"a timeout (httpx2.ReadTimeout) is a transport error worth retrying too: with attempts=3 against a "
            f"server that always times out you should send 3 requests; you sent {len(server.requests)}"
        )

    _check_idempotency_against_the_real_app(fn)
    return (
        "retries 429, 502, 503, 504 and transport errors with waits doubling from base_delay_s (at least Retry-After), "
        "returns any other status (4xx, 500) at once, stops after `attempts`, and reuses one Idempotency-Key per call, so the real app "
        "recorded a lost-reply feedback exactly once"
    )


def _check_idempotency_against_the_real_app(fn):
    from fastapi.testclient import TestClient

    from mlskills.apis.model import FEATURES, PenguinModel
    from mlskills.apis.rest import create_app

    model = PenguinModel(
        version="check",
        features=FEATURES,
        classes=("Adelie", "Chinstrap", "Gentoo"),
        mean=(44.0, 17.0, 200.0, 4200.0),
        scale=(5.0, 2.0, 14.0, 800.0),
        coef=(-3.0, 1.5, -1.0, 0.0, 3.0, 0.5, -1.0, -1.0, 0.0, -2.0, 2.0, 1.0),
        intercept=(0.5, -1.0, 0.5),
    )
    app = create_app(model, {"admin": {"predict", "feedback"}}, chaos=True)
    with TestClient(app, base_url="http://penguins.test") as client:
        delays = []
        response = call(
            fn,
            client,
            "http://penguins.test/chaos/feedback",
            {"bird_id": "N1A2", "species": "Gentoo"},
            attempts=3,
            base_delay_s=0.1,
            sleep=delays.append,
        )
        count = client.get("/v1/feedback", headers={"X-API-Key": "admin"}).json()["count"]
    if _status(response) != 201:
        raise Fail(
            f"against the chapter's lossy /chaos/feedback route, the call should end with a 201, got {short(_status(response))}"
        )
    if count != 1:
        raise Fail(
            f"the chapter's /chaos/feedback route recorded the feedback {count} times: its first reply was lost after the write, "
            "and the retry was not recognised as the same request"
        )


# ---------------------------------------------------------------- Exercise 4: breaking changes
def _schema(properties: dict, required=()) -> dict:
    return {"type": "object", "properties": properties, "required": list(required)}


NUMBER, STRING = {"type": "number"}, {"type": "string"}
NULLABLE_NUMBER = {"anyOf": [{"type": "number"}, {"type": "null"}], "default": None}


def _pydantic_schemas():
    from mlskills.apis.rest import PenguinV1, PenguinV2, PredictionV1, PredictionV2

    return {
        name: model.model_json_schema()
        for name, model in {
            "PenguinV1": PenguinV1,
            "PenguinV2": PenguinV2,
            "PredictionV1": PredictionV1,
            "PredictionV2": PredictionV2,
        }.items()
    }


def _breaking_cases():
    s = _pydantic_schemas()
    v1_response = _schema({"species": STRING, "probability": NUMBER}, ["species", "probability"])
    return [
        (
            s["PredictionV1"],
            s["PredictionV2"],
            "response",
            [],
            "the chapter's v1 → v2 response (two fields added)",
        ),
        (
            s["PredictionV2"],
            s["PredictionV1"],
            "response",
            ["removed model_version", "removed probabilities"],
            "v2 → v1 response",
        ),
        (
            s["PenguinV1"],
            s["PenguinV2"],
            "request",
            ["removed body_mass_g", "requires body_mass_kg"],
            "the chapter's v1 → v2 request",
        ),
        (
            v1_response,
            _schema({"label": STRING, "probability": NUMBER}, ["label", "probability"]),
            "response",
            ["removed species"],
            "species renamed to label in a response",
        ),
        (
            v1_response,
            _schema({"species": STRING, "probability": STRING}, ["species", "probability"]),
            "response",
            ["changed type of probability"],
            "probability sent as a string",
        ),
        (
            v1_response,
            _schema({"species": STRING, "probability": NULLABLE_NUMBER}, ["species"]),
            "response",
            ["changed type of probability", "made probability optional"],
            "probability made nullable and optional",
        ),
        (
            v1_response,
            _schema({"species": STRING, "probability": NUMBER}, ["species"]),
            "response",
            ["made probability optional"],
            "probability no longer required in a response",
        ),
        (
            _schema({"species": STRING}, []),
            _schema({"species": STRING}, ["species"]),
            "response",
            [],
            "a response field that becomes required",
        ),
        (
            _schema({"a": NUMBER, "b": NUMBER}, ["a", "b"]),
            _schema({"a": NUMBER, "b": NUMBER}, ["a"]),
            "request",
            [],
            "a request field made optional",
        ),
        (
            _schema({"a": NUMBER}, ["a"]),
            _schema({"a": NUMBER, "note": STRING}, ["a"]),
            "request",
            [],
            "an optional request field added",
        ),
        (
            _schema({"a": NUMBER, "note": STRING}, ["a"]),
            _schema({"a": NUMBER, "note": STRING}, ["a", "note"]),
            "request",
            ["requires note"],
            "an optional request field made required",
        ),
        (
            _schema({"a": NUMBER}, ["a"]),
            _schema({"a": STRING}, ["a"]),
            "request",
            ["changed type of a"],
            "a request number turned into a string",
        ),
        (
            _schema({"a": NUMBER}, ["a"]),
            _schema({"a": NULLABLE_NUMBER}, []),
            "request",
            ["changed type of a"],
            "a request field made nullable",
        ),
        (
            _schema({"a": NUMBER, "note": {"anyOf": [STRING, {"type": "null"}]}}, ["a"]),
            _schema(
                {"a": NUMBER, "note": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}, ["a"]
            ),
            "request",
            ["changed type of note"],
            "an optional text field turned into an optional integer",
        ),
        (
            _schema({"a": NUMBER}, ["a"]),
            _schema({"a": NUMBER}, ["a"]),
            "request",
            [],
            "identical request schemas",
        ),
        (
            _schema({"a": NUMBER, "note": {"anyOf": [STRING, {"type": "null"}]}}, ["a"]),
            _schema({"a": NUMBER, "note": {"anyOf": [{"type": "null"}, STRING]}}, ["a"]),
            "request",
            [],
            "the same anyOf types listed in another order",
        ),
        (
            _schema({"a": {"type": "number", "description": "length"}}, ["a"]),
            _schema({"a": {"type": "number", "description": "length, mm"}}, ["a"]),
            "request",
            [],
            "a field whose description changed but not its type",
        ),
        (
            {"type": "object", "properties": {"a": NUMBER}},
            {"type": "object", "properties": {"a": NUMBER}, "required": ["a"]},
            "request",
            ["requires a"],
            "a schema without a 'required' list, then one requiring a",
        ),
        (
            {"type": "object", "properties": {"a": NUMBER}},
            {"type": "object", "properties": {"a": NUMBER, "b": STRING}},
            "response",
            [],
            "two schemas without a 'required' list, one field added",
        ),
    ]


@check(budget_s=5)
def check_breaking_changes(fn):
    for old, new, direction, expected, what in _breaking_cases():
        old_copy, new_copy = json.loads(json.dumps(old)), json.loads(json.dumps(new))
        got = call(fn, old, new, direction=direction)
        if old != old_copy or new != new_copy:
            raise Fail(f"breaking_changes changed a schema it was given ({what}); only read them")
        if not isinstance(got, list) or got != expected:
            raise Fail(f"for {what} ({direction}), expected {expected!r}, got {short(got)}")
    return (
        "flags removed fields and type changes in both directions, fields made optional in responses and newly "
        "required fields in requests; additions are compatible; the list is sorted and the schemas are left alone"
    )


# ---------------------------------------------------------------- Exercise 5: choose a protocol
SIMPLEST_FIRST = ("REST", "REST batch", "WebSocket", "gRPC", "gRPC streaming")
MEASURED_P95_MS = {
    "REST": 2.0,
    "REST batch": 0.08,
    "WebSocket": 0.9,
    "gRPC": 1.2,
    "gRPC streaming": 0.15,
}


def _scenario(client, push=False, items=1, budget=10.0, p95=None):
    return {
        "client": client,
        "needs_push": push,
        "items_per_request": items,
        "p95_budget_ms": budget,
        # listed fastest first, so that the order of the dict says nothing about simplicity
        "p95_ms_per_item": dict(sorted((p95 or MEASURED_P95_MS).items(), key=lambda kv: kv[1])),
    }


def _protocol_cases():
    fast_grpc = {**MEASURED_P95_MS, "REST": 3.0, "WebSocket": 2.5, "gRPC": 0.5}
    return [
        (_scenario("browser"), "REST", "a browser form, one item, a 10 ms budget"),
        (
            _scenario("service"),
            "REST",
            "a service, one item, a 10 ms budget (REST is fast enough and simplest)",
        ),
        (_scenario("service", budget=1.0), "WebSocket", "a service, one item, a 1 ms budget"),
        (
            _scenario("service", budget=0.2),
            None,
            "a service, one item, a 0.2 ms budget only the batch protocols meet",
        ),
        (
            _scenario("service", budget=0.6, p95=fast_grpc),
            "gRPC",
            "a service, one item, a 0.6 ms budget where only gRPC fits",
        ),
        (
            _scenario("browser", budget=0.6, p95=fast_grpc),
            None,
            "a browser, one item, a 0.6 ms budget only gRPC could meet",
        ),
        (
            _scenario("mobile", budget=0.6, p95=fast_grpc),
            "gRPC",
            "a mobile app, one item, a 0.6 ms budget",
        ),
        (
            _scenario("browser", push=True),
            "WebSocket",
            "a live browser dashboard that the server pushes to",
        ),
        (_scenario("service", push=True), "WebSocket", "a service that needs pushes, 10 ms budget"),
        (
            _scenario("service", push=True, budget=0.5),
            "gRPC streaming",
            "a service that needs pushes, 0.5 ms budget",
        ),
        (
            _scenario("browser", push=True, budget=0.5),
            None,
            "a browser that needs pushes within 0.5 ms",
        ),
        (
            _scenario("service", items=500, budget=1.0),
            "REST batch",
            "bulk scoring, 500 items per request, 1 ms per item",
        ),
        (
            _scenario("service", items=500, budget=0.05),
            None,
            "bulk scoring with a 0.05 ms budget nothing meets",
        ),
        (
            _scenario("browser", items=50, budget=0.1),
            "REST batch",
            "a browser uploading 50 items at once",
        ),
        (
            _scenario("service", items=2, budget=0.1),
            "REST batch",
            "two items per request, 0.1 ms per item",
        ),
        (_scenario("service", budget=2.0), "REST", "a budget exactly equal to REST's p95 (2.0 ms)"),
    ]


@check(budget_s=5)
def check_choose_protocol(fn):
    for scenario, expected, what in _protocol_cases():
        before = json.dumps(scenario, sort_keys=True)
        got = call(fn, scenario)
        if json.dumps(scenario, sort_keys=True) != before:
            raise Fail("choose_protocol changed the scenario it was given; only read it")
        if got != expected:
            raise Fail(f"for {what}, expected {expected!r}, got {short(got)}")
    return (
        "keeps gRPC away from browsers, push to WebSocket or gRPC streaming, batches to multi-item requests, "
        "the p95 budget per item (inclusive), returns None when nothing fits and otherwise the simplest protocol"
    )
