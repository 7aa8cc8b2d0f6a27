"""Plausible wrong answers (and differently written right ones) for the checks of Chapter 3.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Wrong answers are grouped by exercise: one per rule the check's ✓
line claims, and the boundary cases learners hit (an answer that never
returns is proved stopped for every check by tests/test_check_honesty.py). ``RIGHT`` holds
correct answers written differently from the solution; every check must accept them.
"""

import datetime as dt
import itertools
import math
import time
import uuid

import httpx2
import numpy as np
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


# ---------------------------------------------------------------- Exercise 1: weather_request_model
def _weather(**overrides):
    """A DailyWeather class built from the solution's parts, with one part changed."""
    parts = {
        "config": ConfigDict(extra="forbid", allow_inf_nan=False),
        "date": (dt.date, ...),
        "precipitation_mm": (float, Field(ge=0, le=500)),
        "temp_max_c": (float, Field(ge=-60, le=60)),
        "temp_min_c": (float, Field(ge=-60, le=60)),
        "wind_m_s": (float, Field(ge=0, le=60)),
        "message": "temp_min_c is above temp_max_c",
        "cross_check": True,
    }
    parts.update(overrides)
    namespace = {"model_config": parts["config"], "__annotations__": {}}
    for name in ("date", "precipitation_mm", "temp_max_c", "temp_min_c", "wind_m_s"):
        annotation, default = parts[name]
        namespace["__annotations__"][name] = annotation
        if default is not ...:
            namespace[name] = default
    if parts["cross_check"]:
        message = parts["message"]

        def minimum_not_above_maximum(self):
            if self.temp_min_c > self.temp_max_c:
                raise ValueError(message)
            return self

        namespace["minimum_not_above_maximum"] = model_validator(mode="after")(
            minimum_not_above_maximum
        )
    return type("DailyWeather", (BaseModel,), namespace)


def weather_date_as_string():
    """Types the date as str, so 'yesterday' and 30 February are accepted."""
    return _weather(date=(str, ...))


def weather_date_optional():
    """Gives the date a default of None, so a payload without a date is accepted."""
    return _weather(date=(dt.date | None, None))


def weather_wind_defaults_to_zero():
    """Gives wind a default of 0, so a payload without wind is accepted."""
    return _weather(wind_m_s=(float, Field(0.0, ge=0, le=60)))


def weather_rain_can_be_negative():
    """Forgets the lower bound on precipitation."""
    return _weather(precipitation_mm=(float, Field(le=500)))


def weather_no_upper_bound_on_rain():
    """Forgets the upper bound on precipitation."""
    return _weather(precipitation_mm=(float, Field(ge=0)))


def weather_maximum_unbounded():
    """Forgets both bounds on the maximum temperature."""
    return _weather(temp_max_c=(float, ...))


def weather_minimum_unbounded():
    """Forgets both bounds on the minimum temperature."""
    return _weather(temp_min_c=(float, ...))


def weather_wind_unbounded_above():
    """Forgets the upper bound on wind."""
    return _weather(wind_m_s=(float, Field(ge=0)))


def weather_wind_can_be_negative():
    """Forgets the lower bound on wind."""
    return _weather(wind_m_s=(float, Field(le=60)))


def weather_limits_excluded():
    """Uses gt/lt, so the limits themselves (0 mm of rain, 60 m/s) are refused."""
    return _weather(
        precipitation_mm=(float, Field(gt=0, lt=500)),
        wind_m_s=(float, Field(gt=0, lt=60)),
        temp_max_c=(float, Field(gt=-60, lt=60)),
        temp_min_c=(float, Field(gt=-60, lt=60)),
    )


def weather_allows_unknown_fields():
    """Leaves extra='forbid' out: an unknown field 'humidity' is silently dropped."""
    return _weather(config=ConfigDict(allow_inf_nan=False))


def weather_no_cross_check():
    """Never compares the minimum with the maximum."""
    return _weather(cross_check=False)


def weather_cross_check_unnamed():
    """Refuses a minimum above the maximum, but the message names neither field."""
    return _weather(message="invalid temperatures")


def weather_integer_temperatures():
    """Types the temperatures as int, so 21.1 °C is refused."""
    return _weather(temp_max_c=(int, Field(ge=-60, le=60)), temp_min_c=(int, Field(ge=-60, le=60)))


def weather_strict_mode():
    """Turns on strict mode, so the ISO string '2015-06-01' is refused as a date."""
    return _weather(config=ConfigDict(extra="forbid", allow_inf_nan=False, strict=True))


def weather_hand_written_range_lets_nan_through():
    """Checks the wind range by hand with `<` and `>`: every comparison with NaN is False."""

    class DailyWeather(_weather(config=ConfigDict(extra="forbid"), wind_m_s=(float, ...))):
        @field_validator("wind_m_s")
        @classmethod
        def wind_in_range(cls, value):
            if value < 0 or value > 60:
                raise ValueError("wind_m_s must be between 0 and 60")
            return value

    return DailyWeather


def weather_returns_an_instance():
    """Returns a parsed example instead of the class."""
    return _weather()(
        date="2015-06-01", precipitation_mm=0, temp_max_c=20, temp_min_c=10, wind_m_s=1
    )


def weather_numbers_nullable():
    """Types wind as float | None, so a null wind speed is accepted."""
    return _weather(wind_m_s=(float | None, Field(ge=0, le=60)))


def weather_cross_check_refuses_equal():
    """Compares with >=, so a day whose minimum equals its maximum is refused."""

    class DailyWeather(_weather(cross_check=False)):
        @model_validator(mode="after")
        def minimum_below_maximum(self):
            if self.temp_min_c >= self.temp_max_c:
                raise ValueError("temp_min_c must be below temp_max_c")
            return self

    return DailyWeather


def weather_cross_check_crashes_on_a_missing_maximum():
    """Reads info.data['temp_max_c'] in a field validator: KeyError when the maximum was refused."""

    class DailyWeather(_weather(cross_check=False)):
        @field_validator("temp_min_c")
        @classmethod
        def not_above_maximum(cls, value, info):
            if value > info.data["temp_max_c"]:
                raise ValueError("temp_min_c is above temp_max_c")
            return value

    return DailyWeather


def weather_date_as_datetime():
    """Types the date as datetime.datetime, so '2015-06-01' becomes midnight, not a date."""
    return _weather(date=(dt.datetime, ...))


def weather_maximum_without_upper_bound():
    """Bounds the maximum temperature from below only (ge=-60, no le)."""
    return _weather(temp_max_c=(float, Field(ge=-60)))


def weather_minimum_without_lower_bound():
    """Bounds the minimum temperature from above only (le=60, no ge)."""
    return _weather(temp_min_c=(float, Field(le=60)))


def weather_right_with_annotated_fields():
    """Right: Annotated types and a validator that raises with both field names."""
    from typing import Annotated

    Rain = Annotated[float, Field(ge=0, le=500)]
    Temperature = Annotated[float, Field(ge=-60, le=60)]
    Wind = Annotated[float, Field(ge=0, le=60)]

    class Day(BaseModel):
        model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
        date: dt.date
        precipitation_mm: Rain
        temp_max_c: Temperature
        temp_min_c: Temperature
        wind_m_s: Wind

        @model_validator(mode="after")
        def ordered(self):
            if not self.temp_min_c <= self.temp_max_c:
                raise ValueError("temp_min_c must be at most temp_max_c")
            return self

    return Day


# ---------------------------------------------------------------- Exercise 2: to_json_safe
SAFE = 2**53 - 1


def _utc(value):
    return value.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def safe_top_level_only(obj):
    """Converts a NumPy value or a datetime at the top, but does not walk into dicts and lists."""
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dt.datetime):
        return _utc(obj)
    return obj


def _walk(obj, leaf):
    if isinstance(obj, dict):
        return {k: _walk(v, leaf) for k, v in obj.items()}
    if isinstance(obj, (list, tuple, np.ndarray)):
        return [_walk(v, leaf) for v in obj]
    return leaf(obj)


def _leaf(
    obj,
    *,
    nan=None,
    big=True,
    threshold=SAFE,
    bools=True,
    dates=True,
    tz="utc",
    naive="raise",
    np_floats=True,
    np_bools=True,
    strict_threshold=False,
):
    if isinstance(obj, np.bool_):
        return bool(obj) if np_bools else obj
    if isinstance(obj, bool) and bools:
        return obj
    if isinstance(obj, (int, np.integer)):
        value = int(obj)
        too_big = abs(value) >= threshold if strict_threshold else abs(value) > threshold
        return str(value) if big and too_big else value
    if isinstance(obj, float) or (np_floats and isinstance(obj, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else nan
    if isinstance(obj, dt.datetime):
        if obj.tzinfo is None:
            if naive == "raise":
                raise ValueError("naive datetime")
            obj = obj.replace(tzinfo=dt.UTC)
        if tz == "utc":
            return _utc(obj)
        if tz == "keep":
            return obj.isoformat()
        return obj.replace(tzinfo=dt.UTC).isoformat().replace("+00:00", "Z")
    if isinstance(obj, dt.date) and dates:
        return obj.isoformat()
    return obj


def safe_keeps_nan(obj):
    """Converts NumPy floats but leaves NaN and infinity as they are (json writes them as NaN)."""
    return _walk(obj, lambda v: _leaf(v, nan=v if not isinstance(v, np.floating) else float(v)))


def safe_nan_as_string(obj):
    """Writes NaN and infinity as the strings 'NaN' and 'Infinity' instead of null."""
    return _walk(
        obj, lambda v: _leaf(v, nan=str(float(v)).replace("nan", "NaN").replace("inf", "Infinity"))
    )


def safe_misses_numpy_floats(obj):
    """Tests isinstance(x, float) only: np.float32 is not a float subclass and slips through."""
    return _walk(obj, lambda v: _leaf(v, np_floats=False))


def safe_keeps_the_offset(obj):
    """Writes an aware datetime with its own offset (+02:00) instead of converting to UTC."""
    return _walk(obj, lambda v: _leaf(v, tz="keep"))


def safe_relabels_as_utc(obj):
    """Replaces the time zone by UTC without converting, so 02:30 at UTC+2 becomes 02:30Z."""
    return _walk(obj, lambda v: _leaf(v, tz="relabel"))


def safe_assumes_naive_is_utc(obj):
    """Treats a naive datetime as UTC instead of refusing it."""
    return _walk(obj, lambda v: _leaf(v, naive="utc"))


def safe_keeps_big_integers(obj):
    """Leaves integers above 2**53 - 1 as numbers (JavaScript rounds them)."""
    return _walk(obj, lambda v: _leaf(v, big=False))


def safe_threshold_off_by_one(obj):
    """Turns 2**53 - 1 itself into a string (>= instead of >)."""
    return _walk(obj, lambda v: _leaf(v, strict_threshold=True))


def safe_keeps_2_53(obj):
    """Keeps 2**53 itself as a number (> 2**53 instead of > 2**53 - 1); JavaScript cannot tell it from 2**53 + 1."""
    return _walk(obj, lambda v: _leaf(v, threshold=2**53))


def safe_zero_becomes_null(obj):
    """Tests `if not value` to find missing numbers, so 0 and 0.0 become null."""

    def leaf(value):
        if isinstance(value, (int, float, np.number)) and not isinstance(value, (bool, np.bool_)):
            if not value:
                return None
        return _leaf(value)

    return _walk(obj, leaf)


def safe_isoformat_plus_z(obj):
    """Appends Z to isoformat() after converting to UTC, giving '+00:00Z'."""

    def leaf(value):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            return value.astimezone(dt.UTC).isoformat() + "Z"
        return _leaf(value)

    return _walk(obj, leaf)


def safe_misses_numpy_integers(obj):
    """Tests isinstance(x, int) only: np.int64 is not an int subclass and slips through."""

    def leaf(value):
        if isinstance(value, np.integer):
            return value
        return _leaf(value)

    return _walk(obj, leaf)


def safe_only_nan_becomes_null(obj):
    """Tests math.isnan only, so inf and -inf stay (json writes Infinity)."""

    def leaf(value):
        if isinstance(value, (float, np.floating)):
            value = float(value)
            return None if math.isnan(value) else value
        return _leaf(value)

    return _walk(obj, leaf)


def safe_forgets_negative_big_integers(obj):
    """Compares value > 2**53 - 1 without abs(), so -2**60 stays a number."""

    def leaf(value):
        if isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_)):
            value = int(value)
            return str(value) if value > SAFE else value
        return _leaf(value)

    return _walk(obj, leaf)


def safe_bools_become_ints(obj):
    """Tests int before bool, so True becomes 1."""
    return _walk(obj, lambda v: _leaf(v, bools=False))


def safe_misses_numpy_bool(obj):
    """Forgets np.bool_, which json cannot write."""
    return _walk(obj, lambda v: _leaf(v, np_bools=False))


def safe_dates_before_datetimes(obj):
    """Tests date before datetime; a datetime is a date, so it keeps its offset and skips UTC."""

    def leaf(v):
        if isinstance(v, dt.date):
            return v.isoformat()
        return _leaf(v)

    return _walk(obj, leaf)


def safe_keeps_tuples(obj):
    """Leaves tuples as tuples instead of lists."""
    if isinstance(obj, dict):
        return {k: safe_keeps_tuples(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(safe_keeps_tuples(v) for v in obj)
    if isinstance(obj, (list, np.ndarray)):
        return [safe_keeps_tuples(v) for v in obj]
    return _leaf(obj)


def safe_in_place(obj):
    """Converts a dict in place, changing the caller's data."""
    if isinstance(obj, dict):
        for key, value in obj.items():
            obj[key] = safe_in_place(value)
        return obj
    return _walk(obj, _leaf)


def safe_right_with_singledispatch(obj):
    """Right: functools.singledispatch, one small function per type."""
    import functools

    @functools.singledispatch
    def convert(value):
        if isinstance(value, np.generic):
            return convert(value.item())
        return value

    @convert.register
    def _(value: dict):
        return {k: convert(v) for k, v in value.items()}

    @convert.register(list)
    @convert.register(tuple)
    @convert.register(np.ndarray)
    def _(value):
        return [convert(v) for v in value]

    @convert.register
    def _(value: bool):
        return value

    @convert.register
    def _(value: int):
        return value if -SAFE <= value <= SAFE else str(value)

    @convert.register
    def _(value: float):
        return None if math.isnan(value) or math.isinf(value) else value

    @convert.register
    def _(value: dt.date):
        return value.isoformat()

    @convert.register
    def _(value: dt.datetime):
        if value.utcoffset() is None:
            raise ValueError("a naive datetime has no time zone")
        return (
            value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
            + (f".{value.microsecond:06d}" if value.microsecond else "")
            + "Z"
        )

    return convert(obj)


# ---------------------------------------------------------------- Exercise 3: post_with_retries
RETRY = {429, 502, 503, 504}


def _retrying(
    *,
    key="per-call",
    statuses=RETRY,
    wait=lambda base, k: base * 2 ** (k - 1),
    retry_after="max",
    catch=True,
    reraise=True,
    extra_attempt=False,
    sleep_after_last=False,
    body="json",
    real_sleep=False,
    raise_at_end=False,
):
    """A post_with_retries built from the solution's parts, with one part changed."""

    def post_with_retries(client, url, payload, *, attempts=5, base_delay_s=0.1, sleep=time.sleep):
        fixed = {"per-call": uuid.uuid4().hex, "constant": "penguins-client", "none": None}.get(key)
        total = attempts + 1 if extra_attempt else attempts
        for attempt in range(1, total + 1):
            headers = {} if key == "none" else {"Idempotency-Key": fixed or uuid.uuid4().hex}
            hint = None
            try:
                if body == "json":
                    response = client.post(url, json=payload, headers=headers)
                else:
                    response = client.post(url, data=payload, headers=headers)
            except httpx2.TransportError:
                if not catch:
                    raise
                if attempt == total:
                    if reraise:
                        raise
                    return None
            else:
                last = attempt == total and not sleep_after_last
                if response.status_code not in statuses or last:
                    if raise_at_end and attempt == total:
                        response.raise_for_status()
                    return response
                if "Retry-After" in response.headers:
                    hint = float(response.headers["Retry-After"])
            delay = wait(base_delay_s, attempt)
            if retry_after == "max" and hint is not None:
                delay = max(delay, hint)
            elif retry_after == "replace" and hint is not None:
                delay = hint
            (time.sleep if real_sleep else sleep)(delay)
            if sleep_after_last and attempt == total:
                return response
        return None

    return post_with_retries


def _named(fn, name, doc):
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


retry_new_key_per_attempt = _named(
    _retrying(key="per-attempt"),
    "retry_new_key_per_attempt",
    "Makes a new idempotency key for every attempt, so the server records a retried write twice.",
)
retry_without_key = _named(
    _retrying(key="none"), "retry_without_key", "Sends no Idempotency-Key header at all."
)
retry_with_a_constant_key = _named(
    _retrying(key="constant"),
    "retry_with_a_constant_key",
    "Uses one fixed key for every call, so the server answers new requests from memory.",
)
retry_only_503 = _named(
    _retrying(statuses={503}), "retry_only_503", "Retries 503 only, not 429, 502 or 504."
)
retry_every_error_status = _named(
    _retrying(statuses=set(range(400, 600))),
    "retry_every_error_status",
    "Retries every 4xx and 5xx, including a 400 that can never succeed.",
)
retry_linear_backoff = _named(
    _retrying(wait=lambda base, k: base * k),
    "retry_linear_backoff",
    "Waits base, 2·base, 3·base: linear, not exponential.",
)
retry_doubles_from_twice_the_base = _named(
    _retrying(wait=lambda base, k: base * 2**k),
    "retry_doubles_from_twice_the_base",
    "Starts the doubling one step late (2·base, 4·base, …).",
)
retry_constant_wait = _named(
    _retrying(wait=lambda base, k: base),
    "retry_constant_wait",
    "Waits the same base delay before every retry.",
)
retry_ignores_retry_after = _named(
    _retrying(retry_after="ignore"),
    "retry_ignores_retry_after",
    "Ignores the server's Retry-After header.",
)
retry_after_replaces_backoff = _named(
    _retrying(retry_after="replace"),
    "retry_after_replaces_backoff",
    "Uses Retry-After instead of the backoff, so 'Retry-After: 0' means no wait at all.",
)
retry_lets_transport_errors_escape = _named(
    _retrying(catch=False),
    "retry_lets_transport_errors_escape",
    "Does not catch httpx2.TransportError, so one refused connection ends the call.",
)
retry_swallows_the_last_error = _named(
    _retrying(reraise=False),
    "retry_swallows_the_last_error",
    "Returns None after the last failed attempt instead of re-raising the error.",
)
retry_one_attempt_too_many = _named(
    _retrying(extra_attempt=True),
    "retry_one_attempt_too_many",
    "Reads `attempts` as the number of retries, so it tries once more than allowed.",
)
retry_sleeps_after_the_last_attempt = _named(
    _retrying(sleep_after_last=True),
    "retry_sleeps_after_the_last_attempt",
    "Waits once more after the last attempt before giving up.",
)
retry_sends_a_form = _named(
    _retrying(body="form"),
    "retry_sends_a_form",
    "Sends the payload as a form (data=) instead of JSON.",
)
retry_uses_time_sleep = _named(
    _retrying(real_sleep=True),
    "retry_uses_time_sleep",
    "Calls time.sleep directly instead of the sleep it was given.",
)
retry_raises_for_the_last_status = _named(
    _retrying(raise_at_end=True),
    "retry_raises_for_the_last_status",
    "Calls raise_for_status() on the last response instead of returning it.",
)


retry_server_faults_too = _named(
    _retrying(statuses={429, 500, 501, 502, 503, 504}),
    "retry_server_faults_too",
    "Retries 500 and 501 as well, although the exercise returns every other status at once.",
)


def retry_connection_errors_only(
    client, url, payload, *, attempts=5, base_delay_s=0.1, sleep=time.sleep
):
    """Catches httpx2.ConnectError only, so a timeout ends the call at its first attempt."""
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    for attempt in range(1, attempts + 1):
        try:
            response = client.post(url, json=payload, headers=headers)
        except httpx2.ConnectError:
            if attempt == attempts:
                raise
            sleep(base_delay_s * 2 ** (attempt - 1))
            continue
        if response.status_code not in RETRY or attempt == attempts:
            return response
        sleep(max(base_delay_s * 2 ** (attempt - 1), float(response.headers.get("Retry-After", 0))))
    return None


def retry_after_only_on_429(
    client, url, payload, *, attempts=5, base_delay_s=0.1, sleep=time.sleep
):
    """Reads Retry-After on a 429 only, although a 503 may carry it too."""
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    for attempt in range(1, attempts + 1):
        try:
            response = client.post(url, json=payload, headers=headers)
        except httpx2.TransportError:
            if attempt == attempts:
                raise
            sleep(base_delay_s * 2 ** (attempt - 1))
            continue
        if response.status_code not in RETRY or attempt == attempts:
            return response
        hint = float(response.headers.get("Retry-After", 0)) if response.status_code == 429 else 0
        sleep(max(base_delay_s * 2 ** (attempt - 1), hint))
    return None


def retry_until_success(client, url, payload, *, attempts=5, base_delay_s=0.1, sleep=time.sleep):
    """Ignores `attempts` and retries until the server succeeds: against a dead server it never stops."""
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    for k in itertools.count(1):
        response = client.post(url, json=payload, headers=headers)
        if response.status_code not in RETRY:
            return response
        sleep(min(base_delay_s * 2 ** (k - 1), 1.0))
    return None


def retry_right_with_a_while_loop(
    client, url, payload, *, attempts=5, base_delay_s=0.1, sleep=time.sleep
):
    """Right: a while loop, and the delay computed before the request."""
    key = str(uuid.uuid4())
    attempt, delay = 0, base_delay_s
    while True:
        attempt += 1
        try:
            response = client.post(url, json=payload, headers={"Idempotency-Key": key})
        except httpx2.TransportError:
            if attempt >= attempts:
                raise
            wait = delay
        else:
            if response.status_code not in (429, 502, 503, 504) or attempt >= attempts:
                return response
            wait = max(delay, float(response.headers.get("retry-after", "0")))
        sleep(wait)
        delay *= 2


# ---------------------------------------------------------------- Exercise 4: breaking_changes
def _types(schema):
    if "anyOf" in schema:
        return {option.get("type") for option in schema["anyOf"]}
    return {schema.get("type")}


def _changes(
    old,
    new,
    direction,
    *,
    removed_in=("request", "response"),
    types=_types,
    optional_in=("response",),
    required_in=("request",),
    new_only=False,
    check_presence=True,
    sort=True,
    additions=False,
):
    old_props, new_props = old.get("properties", {}), new.get("properties", {})
    old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
    changes = []
    for name, schema in old_props.items():
        if name not in new_props:
            if direction in removed_in:
                changes.append(f"removed {name}")
        elif types is not None and types(schema) != types(new_props[name]):
            changes.append(f"changed type of {name}")
    if direction in optional_in:
        changes += [
            f"made {n} optional"
            for n in old_required
            if (n in new_props or not check_presence) and n not in new_required
        ]
    if direction in required_in:
        fresh = new_required - set(old_props) if new_only else new_required - old_required
        changes += [f"requires {n}" for n in fresh]
    if additions:
        changes += [f"added {n}" for n in new_props if n not in old_props]
    return sorted(changes) if sort else changes


def breaking_ignores_removed_request_fields(old, new, *, direction):
    """Flags removed fields in responses only; a strict server rejects the old field in requests too."""
    return _changes(old, new, direction, removed_in=("response",))


def breaking_ignores_types(old, new, *, direction):
    """Never compares the types of the fields."""
    return _changes(old, new, direction, types=None)


def breaking_reads_only_the_type_key(old, new, *, direction):
    """Reads schema['type'] only, so two anyOf schemas always look alike."""
    return _changes(old, new, direction, types=lambda s: {s.get("type")})


def breaking_optional_in_requests_too(old, new, *, direction):
    """Calls a request field made optional breaking, although old clients still send it."""
    return _changes(old, new, direction, optional_in=("request", "response"))


def breaking_required_in_responses_too(old, new, *, direction):
    """Calls a response field made required breaking, although clients can only gain from it."""
    return _changes(old, new, direction, required_in=("request", "response"))


def breaking_only_brand_new_required_fields(old, new, *, direction):
    """Flags new required request fields, but not an existing optional one made required."""
    return _changes(old, new, direction, new_only=True)


def breaking_unsorted(old, new, *, direction):
    """Returns the changes in the order found, not sorted."""
    return _changes(old, new, direction, sort=False)


def breaking_reports_additions(old, new, *, direction):
    """Also reports added fields, which break nobody."""
    return _changes(old, new, direction, additions=True)


def breaking_removed_is_also_optional(old, new, *, direction):
    """Reports a removed response field a second time as 'made optional'."""
    return _changes(old, new, direction, check_presence=False)


def breaking_consumes_the_schema(old, new, *, direction):
    """Pops properties out of the schemas it was given while comparing them."""
    found = _changes(old, new, direction)
    for name in list(old.get("properties", {})):
        if name in new.get("properties", {}):
            old["properties"].pop(name)
    return found


def breaking_types_in_order(old, new, *, direction):
    """Compares the anyOf types as ordered lists, so [string, null] and [null, string] differ."""

    def in_order(schema):
        return (
            [o.get("type") for o in schema["anyOf"]] if "anyOf" in schema else [schema.get("type")]
        )

    return _changes(old, new, direction, types=in_order)


def breaking_compares_whole_schemas(old, new, *, direction):
    """Compares whole property schemas, so a reworded description counts as a type change."""
    return _changes(old, new, direction, types=lambda schema: sorted(map(repr, schema.items())))


def breaking_assumes_a_required_list(old, new, *, direction):
    """Reads schema['required'] directly; pydantic leaves the key out when nothing is required."""
    old["required"], new["required"]  # noqa: B018 - the KeyError is the mistake
    return _changes(old, new, direction)


def breaking_right_with_sets(old, new, *, direction):
    """Right: set arithmetic over the property names."""

    def kinds(schema):
        return frozenset(o.get("type") for o in schema.get("anyOf", [schema]))

    before, after = old.get("properties", {}), new.get("properties", {})
    req_before, req_after = set(old.get("required", ())), set(new.get("required", ()))
    found = {f"removed {n}" for n in before.keys() - after.keys()}
    found |= {
        f"changed type of {n}"
        for n in before.keys() & after.keys()
        if kinds(before[n]) != kinds(after[n])
    }
    if direction == "response":
        found |= {f"made {n} optional" for n in (req_before - req_after) & after.keys()}
    else:
        found |= {f"requires {n}" for n in req_after - req_before}
    return sorted(found)


# ---------------------------------------------------------------- Exercise 5: choose_protocol
ORDER = ("REST", "REST batch", "WebSocket", "gRPC", "gRPC streaming")


def _choose(
    scenario, *, browser=True, push=True, single=True, budget="<=", pick="simplest", none=True
):
    candidates = list(ORDER)
    if browser and scenario["client"] == "browser":
        candidates = [c for c in candidates if not c.startswith("gRPC")]
    if push and scenario["needs_push"]:
        candidates = [c for c in candidates if c in ("WebSocket", "gRPC streaming")]
    elif single == "all" or (single and scenario["items_per_request"] == 1):
        candidates = [c for c in candidates if c not in ("REST batch", "gRPC streaming")]
    measured, limit = scenario["p95_ms_per_item"], scenario["p95_budget_ms"]
    if budget == "<=":
        fits = [c for c in candidates if measured[c] <= limit]
    elif budget == "<":
        fits = [c for c in candidates if measured[c] < limit]
    else:
        fits = candidates
    if pick == "fastest":
        fits = sorted(fits, key=measured.get)
    if fits:
        return fits[0]
    return None if none else candidates[0]


def protocol_grpc_in_the_browser(scenario):
    """Forgets that a browser cannot call gRPC directly."""
    return _choose(scenario, browser=False)


def protocol_ignores_push(scenario):
    """Ignores needs_push, so a live dashboard gets plain REST."""
    return _choose(scenario, push=False)


def protocol_batches_single_items(scenario):
    """Keeps the batch protocols when there is only one item per request."""
    return _choose(scenario, single=False)


def protocol_never_batches(scenario):
    """Drops the batch protocols even when many items arrive at once."""
    return _choose(scenario, single="all")


def protocol_ignores_the_budget(scenario):
    """Never looks at the measured p95."""
    return _choose(scenario, budget=None)


def protocol_budget_exclusive(scenario):
    """Requires p95 strictly below the budget, so a protocol exactly at the budget is dropped."""
    return _choose(scenario, budget="<")


def protocol_fastest(scenario):
    """Picks the fastest protocol that fits instead of the simplest."""
    return _choose(scenario, pick="fastest")


def protocol_never_none(scenario):
    """Falls back to the simplest candidate when nothing meets the budget."""
    return _choose(scenario, none=False)


def protocol_mutates_the_scenario(scenario):
    """Deletes the protocols it rules out from the measurements it was given."""
    choice = _choose(scenario)
    for name in list(scenario["p95_ms_per_item"]):
        if name != choice:
            del scenario["p95_ms_per_item"][name]
    return choice


def protocol_streams_single_items(scenario):
    """With one item per request drops REST batch but keeps gRPC streaming."""
    candidates = list(ORDER)
    if scenario["client"] == "browser":
        candidates = [c for c in candidates if not c.startswith("gRPC")]
    if scenario["needs_push"]:
        candidates = [c for c in candidates if c in ("WebSocket", "gRPC streaming")]
    elif scenario["items_per_request"] == 1:
        candidates = [c for c in candidates if c != "REST batch"]
    fits = [c for c in candidates if scenario["p95_ms_per_item"][c] <= scenario["p95_budget_ms"]]
    return fits[0] if fits else None


def protocol_order_of_the_measurements(scenario):
    """Takes the order of the measurements dict as the order of simplicity."""
    candidates = list(scenario["p95_ms_per_item"])
    if scenario["client"] == "browser":
        candidates = [c for c in candidates if not c.startswith("gRPC")]
    if scenario["needs_push"]:
        candidates = [c for c in candidates if c in ("WebSocket", "gRPC streaming")]
    elif scenario["items_per_request"] == 1:
        candidates = [c for c in candidates if c not in ("REST batch", "gRPC streaming")]
    fits = [c for c in candidates if scenario["p95_ms_per_item"][c] <= scenario["p95_budget_ms"]]
    return fits[0] if fits else None


def protocol_mobile_as_browser(scenario):
    """Drops gRPC for a mobile app too, although an app can link a gRPC client."""
    if scenario["client"] == "mobile":
        return _choose({**scenario, "client": "browser"})
    return _choose(scenario)


def protocol_right_with_a_score(scenario):
    """Right: filters written as one predicate per candidate."""

    def allowed(name):
        if scenario["client"] == "browser" and "gRPC" in name:
            return False
        streams = name in {"WebSocket", "gRPC streaming"}
        if scenario["needs_push"]:
            return streams
        if scenario["items_per_request"] < 2 and name in {"REST batch", "gRPC streaming"}:
            return False
        return scenario["p95_ms_per_item"][name] <= scenario["p95_budget_ms"]

    def fast_enough(name):
        return scenario["p95_ms_per_item"][name] <= scenario["p95_budget_ms"]

    return next((name for name in ORDER if allowed(name) and fast_enough(name)), None)


def weather_right_with_a_field_validator():
    """Right: the cross check as a field validator that skips it when the maximum was refused."""

    class DailyWeather(_weather(cross_check=False)):
        @field_validator("temp_min_c")
        @classmethod
        def not_above_maximum(cls, value, info):
            maximum = info.data.get("temp_max_c")
            if maximum is not None and value > maximum:
                raise ValueError(f"the minimum {value} is above the maximum {maximum}")
            return value

    return DailyWeather


def weather_right_with_ranges_only():
    """Right: no allow_inf_nan; every number has a range, and pydantic counts NaN and ±inf as out of it."""
    return _weather(config=ConfigDict(extra="forbid"))


def safe_right_with_item(obj):
    """Right: every NumPy value through .item() or .tolist(), then the plain-Python rules."""
    if isinstance(obj, np.ndarray):
        return safe_right_with_item(obj.tolist())
    if isinstance(obj, np.generic):
        return safe_right_with_item(obj.item())
    if isinstance(obj, dict):
        return {key: safe_right_with_item(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [safe_right_with_item(value) for value in obj]
    if isinstance(obj, bool) or obj is None or isinstance(obj, str):
        return obj
    if isinstance(obj, int):
        return obj if -SAFE <= obj <= SAFE else str(obj)
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dt.datetime):
        if obj.tzinfo is None:
            raise ValueError("a naive datetime has no moment in time")
        return obj.astimezone(dt.UTC).replace(tzinfo=None).isoformat() + "Z"
    if isinstance(obj, dt.date):
        return str(obj)
    return obj


def retry_right_recursive(client, url, payload, *, attempts=5, base_delay_s=0.1, sleep=time.sleep):
    """Right: one attempt per recursive call, the key made once outside."""
    key = uuid.uuid4().hex

    def attempt(k):
        try:
            response = client.post(url, json=payload, headers={"Idempotency-Key": key})
        except httpx2.TransportError:
            if k >= attempts:
                raise
            sleep(base_delay_s * 2 ** (k - 1))
            return attempt(k + 1)
        if response.status_code in (429, 502, 503, 504) and k < attempts:
            sleep(max(base_delay_s * 2 ** (k - 1), int(response.headers.get("retry-after", 0))))
            return attempt(k + 1)
        return response

    return attempt(1)


WRONG = {
    "check_weather_request_model": [
        weather_date_as_string,
        weather_date_optional,
        weather_wind_defaults_to_zero,
        weather_rain_can_be_negative,
        weather_no_upper_bound_on_rain,
        weather_maximum_unbounded,
        weather_minimum_unbounded,
        weather_wind_unbounded_above,
        weather_wind_can_be_negative,
        weather_limits_excluded,
        weather_allows_unknown_fields,
        weather_no_cross_check,
        weather_cross_check_unnamed,
        weather_integer_temperatures,
        weather_strict_mode,
        weather_hand_written_range_lets_nan_through,
        weather_returns_an_instance,
        weather_numbers_nullable,
        weather_cross_check_refuses_equal,
        weather_cross_check_crashes_on_a_missing_maximum,
        weather_date_as_datetime,
        weather_maximum_without_upper_bound,
        weather_minimum_without_lower_bound,
    ],
    "check_to_json_safe": [
        safe_top_level_only,
        safe_keeps_nan,
        safe_nan_as_string,
        safe_misses_numpy_floats,
        safe_keeps_the_offset,
        safe_relabels_as_utc,
        safe_assumes_naive_is_utc,
        safe_keeps_big_integers,
        safe_threshold_off_by_one,
        safe_bools_become_ints,
        safe_misses_numpy_bool,
        safe_dates_before_datetimes,
        safe_keeps_tuples,
        safe_in_place,
        safe_keeps_2_53,
        safe_zero_becomes_null,
        safe_isoformat_plus_z,
        safe_misses_numpy_integers,
        safe_only_nan_becomes_null,
        safe_forgets_negative_big_integers,
    ],
    "check_post_with_retries": [
        retry_new_key_per_attempt,
        retry_without_key,
        retry_with_a_constant_key,
        retry_only_503,
        retry_every_error_status,
        retry_linear_backoff,
        retry_doubles_from_twice_the_base,
        retry_constant_wait,
        retry_ignores_retry_after,
        retry_after_replaces_backoff,
        retry_lets_transport_errors_escape,
        retry_swallows_the_last_error,
        retry_one_attempt_too_many,
        retry_sleeps_after_the_last_attempt,
        retry_sends_a_form,
        retry_uses_time_sleep,
        retry_raises_for_the_last_status,
        retry_until_success,
        retry_server_faults_too,
        retry_connection_errors_only,
        retry_after_only_on_429,
    ],
    "check_breaking_changes": [
        breaking_ignores_removed_request_fields,
        breaking_ignores_types,
        breaking_reads_only_the_type_key,
        breaking_optional_in_requests_too,
        breaking_required_in_responses_too,
        breaking_only_brand_new_required_fields,
        breaking_unsorted,
        breaking_reports_additions,
        breaking_removed_is_also_optional,
        breaking_consumes_the_schema,
        breaking_types_in_order,
        breaking_compares_whole_schemas,
        breaking_assumes_a_required_list,
    ],
    "check_choose_protocol": [
        protocol_grpc_in_the_browser,
        protocol_ignores_push,
        protocol_batches_single_items,
        protocol_never_batches,
        protocol_ignores_the_budget,
        protocol_budget_exclusive,
        protocol_fastest,
        protocol_never_none,
        protocol_mutates_the_scenario,
        protocol_streams_single_items,
        protocol_order_of_the_measurements,
        protocol_mobile_as_browser,
    ],
}

RIGHT = {
    "check_weather_request_model": [
        weather_right_with_annotated_fields,
        weather_right_with_a_field_validator,
        weather_right_with_ranges_only,
    ],
    "check_to_json_safe": [safe_right_with_singledispatch, safe_right_with_item],
    "check_post_with_retries": [retry_right_with_a_while_loop, retry_right_recursive],
    "check_breaking_changes": [breaking_right_with_sets],
    "check_choose_protocol": [protocol_right_with_a_score],
}
