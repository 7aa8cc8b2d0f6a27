"""Checks for the exercises of Chapter 12: ML trigger functions.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch12_wrong_answers.py.
"""

from __future__ import annotations

import math
import urllib.parse

import numpy as np

from mlskills.checks import Fail, call, check, short


# ---------------------------------------------------------------- Exercise 1: PSI from counts
def _psi(expected, actual, floor=1e-4) -> float:
    e = np.clip(np.asarray(expected, float) / np.sum(expected), floor, None)
    a = np.clip(np.asarray(actual, float) / np.sum(actual), floor, None)
    return float(np.sum((a - e) * np.log(a / e)))


@check
def check_psi_from_counts(fn):
    cases = [
        ([100, 200, 300, 400], [10, 20, 30, 40], "the same shares, different totals"),
        ([250, 250, 250, 250], [100, 200, 300, 400], "a shift towards the last bins"),
        ([100, 200, 300, 400], [400, 300, 200, 100], "the same bins in reverse"),
        ([50, 50, 0, 100], [40, 40, 20, 100], "an empty bin in the reference"),
        ([30, 30, 40], [0, 50, 50], "an empty bin in the new batch"),
        ([1, 29999, 30000], [30, 270, 300], "a reference share below the floor, but not zero"),
        ([5, 495, 500], [0, 400, 600], "floor=0.01"),
    ]
    for expected, actual, what in cases:
        floor = 0.01 if what == "floor=0.01" else None
        extra = {} if floor is None else {"floor": floor}
        got = call(fn, list(expected), list(actual), **extra)
        if isinstance(got, (bool, np.bool_)) or not isinstance(got, (int, float, np.floating)):
            raise Fail(
                f"psi_from_counts should return a number, got {type(got).__name__} {short(got)}"
            )
        want = _psi(expected, actual, floor or 1e-4)
        if not math.isfinite(float(got)):
            raise Fail(
                f"psi_from_counts({expected}, {actual}) ({what}) returned {got}: "
                "an empty bin needs the floor before you divide or take a logarithm"
            )
        if abs(float(got) - want) > 1e-9:
            raise Fail(
                f"psi_from_counts({expected}, {actual}) ({what}) should be {want:.6f}, got {float(got):.6f}; "
                "check that both count vectors become shares of their own total, that the floor "
                "applies to every share below it (not only to empty bins), that you use the `floor` "
                "you were given, and that you use the natural logarithm"
            )
    return (
        "psi_from_counts turns each count vector into shares, raises every share below `floor` "
        "to it (1e-4 unless told otherwise), and sums (actual - expected) × ln(actual / expected)"
    )


# ---------------------------------------------------------------- Exercise 2: idempotent handler
def _record(bucket: str, key: str, etag: str) -> dict:
    return {
        "eventSource": "aws:s3",
        "eventName": "ObjectCreated:Put",
        "s3": {
            "bucket": {"name": bucket},
            "object": {"key": urllib.parse.quote_plus(key), "eTag": etag},
        },
    }


class _Recorder:
    """A ``process(bucket, key)`` that records calls and can fail once for one key."""

    def __init__(self, fail_once_for: str | None = None):
        self.calls, self.fail_once_for = [], fail_once_for

    def __call__(self, bucket, key):
        if key == self.fail_once_for:
            self.fail_once_for = None
            raise ConnectionError(f"throttled reading {key}")
        self.calls.append((bucket, key))


@check
def check_handle_events(fn):
    a = _record("incoming", "batches/line 1/hour-00.csv", "e1")
    b = _record("incoming", "batches/line-2/hour-00.csv", "e2")
    a_again = _record("incoming", "batches/line 1/hour-00.csv", "e1")
    a_new = _record("incoming", "batches/line 1/hour-00.csv", "e3")  # overwritten: new content
    b_other_bucket = _record("archive", "batches/line-2/hour-00.csv", "e2")
    seen: set = set()
    process = _Recorder()
    got = call(fn, [a, b, a_again, b], process, seen)
    decoded = [
        ("incoming", "batches/line 1/hour-00.csv"),
        ("incoming", "batches/line-2/hour-00.csv"),
    ]
    if process.calls and process.calls[0][1] != decoded[0][1] and "+" in process.calls[0][1]:
        raise Fail(
            f"process was called with the key {process.calls[0][1]!r} as it arrives in the event; "
            "keys in S3 events are URL-encoded, and a space arrives as '+'"
        )
    if process.calls != decoded:
        raise Fail(
            f"for 4 records of which 2 are duplicates, process should be called for {decoded}, "
            f"got {short(process.calls)}"
        )
    if got != decoded:
        raise Fail(
            f"handle_events should return the (bucket, key) pairs it processed, {decoded}; got {short(got)}"
        )
    process = _Recorder()
    got = call(fn, [a_again, a_new, b_other_bucket], process, seen)
    wanted = [("incoming", "batches/line 1/hour-00.csv"), ("archive", "batches/line-2/hour-00.csv")]
    if process.calls != wanted:
        raise Fail(
            "after a first call, a second call with the same object again, the same key with new "
            f"content (a new eTag) and the same key in another bucket should process {wanted}, "
            f"got {short(process.calls)}: the identity of an event is its bucket, key and eTag, "
            "remembered in `seen` between calls"
        )
    plus = _record("incoming", "batches/line+3/hour-00.csv", "e4")  # a literal '+' arrives as %2B
    process = _Recorder()
    call(fn, [plus], process, set())
    if process.calls != [("incoming", "batches/line+3/hour-00.csv")]:
        raise Fail(
            f"for the key 'batches/line+3/hour-00.csv', which arrives as {plus['s3']['object']['key']!r}, "
            f"process was called with {short(process.calls)}: a '+' that is part of a key arrives "
            "as %2B, a space as '+'; decode both in one step, so that neither becomes the other"
        )
    seen, process = set(), _Recorder(fail_once_for="batches/line-2/hour-00.csv")
    try:
        call(fn, [a, b], process, seen)
    except Fail as exc:
        if exc.__cause__ is None:  # out of time, not an exception from the answer
            raise
    else:
        raise Fail(
            "when process raises (a throttled read), handle_events should let the exception "
            "through, so that the queue redelivers the event; it returned normally"
        )
    call(fn, [a, b], process, seen)  # the queue redelivers the whole batch
    if decoded[1] not in process.calls:
        raise Fail(
            "process failed for one object and the batch was redelivered, but the retry was "
            f"skipped (calls: {short(process.calls)}): mark an event as seen only after process succeeded"
        )
    if process.calls != decoded:
        raise Fail(
            "process failed for the second of two objects and the queue redelivered both; the "
            f"first had already succeeded, yet process was called again for it (calls: {short(process.calls)}): "
            "remember each event as soon as its own processing succeeded, not at the end of the batch"
        )
    return (
        "handle_events decodes keys ('+' and %2B alike), processes each (bucket, key, eTag) once "
        "across calls, processes overwritten objects again, and marks each event seen as soon as, "
        "and only after, it succeeded"
    )


# ---------------------------------------------------------------- Exercise 3: retry or dead-letter
def _route(error, receive_count, max_receives=3, base_delay_s=2.0, max_delay_s=900.0):
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


@check
def check_route_message(fn):
    cases = [
        ((None, 1), {}, "a success on the first receive"),
        ((None, 3), {}, "a success on the third receive"),
        (("permanent", 1), {}, "a parse error on the first receive"),
        (("transient", 1), {}, "a throttled read on the first receive"),
        (("transient", 2), {}, "a throttled read on the second receive"),
        (("transient", 3), {}, "a throttled read on the last allowed receive"),
        (
            ("transient", 4),
            {"max_receives": 5, "base_delay_s": 1.0},
            "the fourth receive of 5 allowed, base 1 s",
        ),
        (("transient", 12), {"max_receives": 20}, "the 12th receive of 20 allowed"),
        (("transient", 4), {}, "a receive beyond the last allowed one"),
    ]
    for args, kwargs, what in cases:
        got = call(fn, *args, **kwargs)
        want = _route(*args, **kwargs)
        if not isinstance(got, tuple) or len(got) != 2:
            raise Fail(f"route_message should return (action, delay_s), got {short(got)}")
        if isinstance(got[1], (bool, np.bool_)) or not isinstance(got[1], (int, float, np.number)):
            raise Fail(
                f"route_message's delay_s should be a number of seconds, got {type(got[1]).__name__} "
                f"{short(got[1])} in {short(got)}"
            )
        if got[0] != want[0] or abs(float(got[1]) - want[1]) > 1e-9:
            shown = ", ".join([repr(a) for a in args] + [f"{k}={v}" for k, v in kwargs.items()])
            raise Fail(f"route_message({shown}) ({what}) should be {want}, got {short(got)}")
    return (
        "route_message deletes successes, dead-letters permanent errors at once and transient ones "
        "from the last allowed receive on, and retries with a doubling, capped delay in seconds"
    )


# ---------------------------------------------------------------- Exercise 4: trigger with cool-down
def _fire(scores, threshold, cooldown):
    fired, last = [], None
    for t, score in enumerate(scores):
        if score > threshold and (last is None or t - last > cooldown):
            fired.append(t)
            last = t
    return fired


@check
def check_trigger_points(fn):
    cases = [
        ([0.05, 0.3, 0.31, 0.02, 0.4, 0.5, 0.6, 0.01], 0.2, 0),
        ([0.05, 0.3, 0.31, 0.02, 0.4, 0.5, 0.6, 0.01], 0.2, 2),
        ([0.3, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3], 0.2, 2),
        ([0.2, 0.25, 0.2, 0.1], 0.2, 0),
        ([0.9, 0.0, 0.0, 0.0, 0.9], 0.2, 3),
        ([], 0.2, 1),
    ]
    for scores, threshold, cooldown in cases:
        got = call(fn, list(scores), threshold, cooldown)
        want = _fire(scores, threshold, cooldown)
        if got is None or list(got) != want:
            raise Fail(
                f"trigger_points({scores}, threshold={threshold}, cooldown={cooldown}) should be "
                f"{want}, got {short(got)}; a batch fires when its score is above (not equal to) the "
                "threshold and more than `cooldown` batches have passed since the last firing"
            )
    return (
        "trigger_points fires strictly above the threshold, and not again until more than "
        "`cooldown` batches after the last firing"
    )


# ---------------------------------------------------------------- Exercise 5: threshold from a budget
def _choose(null_scores, budget, candidates):
    scores = np.asarray(null_scores, float)
    for c in sorted(candidates):
        if np.mean(scores > c) <= budget:
            return c
    return None


@check
def check_choose_threshold(fn):
    rng = np.random.default_rng(12)
    null = np.round(rng.gamma(2.0, 0.02, size=200), 3)
    cases = [
        (null, 0.05, [0.05, 0.1, 0.15, 0.2, 0.25]),
        (null, 0.01, [0.25, 0.2, 0.15, 0.1, 0.05]),
        (null, 0.0, [0.3, 0.1, 0.2]),
        ([0.1, 0.2, 0.3, 0.4], 0.25, [0.1, 0.2, 0.3]),
        ([0.5, 0.6, 0.7], 0.1, [0.2, 0.3]),
    ]
    for scores, budget, candidates in cases:
        got = call(fn, np.array(scores, float), budget, list(candidates))
        want = _choose(scores, budget, candidates)
        if (got is None) != (want is None) or (want is not None and abs(float(got) - want) > 1e-12):
            what = (
                f"{len(scores)} drift-free scores" if len(scores) > 10 else f"scores {list(scores)}"
            )
            raise Fail(
                f"choose_threshold({what}, budget={budget}, candidates={list(candidates)}) should be "
                f"{want}, got {short(got)}; count an alarm when a score is above the threshold, allow a "
                "rate equal to the budget, prefer the most sensitive threshold, and return None if none fits"
            )
    return (
        "choose_threshold picks the lowest candidate whose false-alarm rate (scores strictly above it) "
        "is within the budget, whatever the candidates' order, and None when none fits"
    )
