"""Checks for the exercises of Chapter 11: Orchestrating ML workflows.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch11_wrong_answers.py.
"""

from __future__ import annotations

import copy
import math

import pandas as pd

from mlskills.checks import Fail, call, check, counted, short

# ------------------------------------------------------- Exercise 1: a topological order
_GRAPHS = [
    (
        "the chapter's pipeline",
        {
            "validate": {"ingest"},
            "features": {"validate"},
            "train": {"features"},
            "evaluate": {"train", "features"},
            "register": {"train", "evaluate"},
        },
    ),
    ("a diamond listed sink first", {"d": {"b", "c"}, "c": {"a"}, "b": {"a"}, "a": set()}),
    ("a chain listed backwards", {"e": {"d"}, "d": {"c"}, "c": {"b"}, "b": {"a"}}),
    ("two separate chains", {"y": {"x"}, "b": {"a"}, "x": set()}),
    ("no tasks at all", {}),
]
_CYCLES = [
    ("a two-task cycle", {"train": {"evaluate"}, "evaluate": {"train"}}),
    ("a task that needs itself", {"ingest": set(), "train": {"train", "ingest"}}),
    (
        "a three-task cycle behind a healthy task",
        {"a": set(), "b": {"a", "d"}, "c": {"b"}, "d": {"c"}},
    ),
]


def _tasks(deps: dict) -> set:
    return set(deps) | {u for ups in deps.values() for u in ups}


@check
def check_topological_order(fn):
    for what, deps in _GRAPHS:
        given = copy.deepcopy(deps)
        got = call(fn, given)
        if given != deps:
            raise Fail(
                f"topological_order changed its input on {what}: leave the caller's dict and sets as they were"
            )
        if not isinstance(got, list):
            raise Fail(
                f"topological_order should return a list of task names, got {type(got).__name__} {short(got)}"
            )
        want = _tasks(deps)
        if len(got) != len(set(got)):
            raise Fail(
                f"on {what}, some task appears more than once in {short(got)}: each task runs once"
            )
        if set(got) != want:
            missing = sorted(want - set(got))
            hint = (
                f"{short(missing)} are missing: a task that is only named as a dependency still has to run"
                if missing
                else f"it names tasks that are not in the graph: {short(sorted(set(got) - want))}"
            )
            raise Fail(f"on {what} ({short(deps)}), got {short(got)}: {hint}")
        position = {t: i for i, t in enumerate(got)}
        for task, ups in deps.items():
            for up in ups:
                if position[up] > position[task]:
                    raise Fail(
                        f"on {what}, {task!r} comes before {up!r}, which it needs (got {short(got)}): "
                        "a task may only run once everything it needs has run"
                    )
    for what, deps in _CYCLES:
        try:
            got = call(fn, copy.deepcopy(deps))
        except Fail as fail:
            if isinstance(fail.__cause__, ValueError):
                continue
            raise Fail(
                f"on {what} ({short(deps)}) your function failed but not with a ValueError: {fail}"
            ) from None
        raise Fail(
            f"on {what} ({short(deps)}) it returned {short(got)} instead of raising ValueError: "
            "a cycle has no valid order, so some tasks can never become ready"
        )
    return (
        "every task (also those only named as dependencies) appears once, after all it needs, "
        "the input is left unchanged, and cycles (also a self-loop) raise ValueError"
    )


# ------------------------------------------------------------- Exercise 2: a cache key
_BASE = ("train", {"C": 1.0, "max_iter": 100}, {"features": "a1" * 32, "labels": "b2" * 32})


@check
def check_cache_key(fn):
    task, params, inputs = _BASE
    key = call(fn, task, dict(params), dict(inputs))
    if not isinstance(key, str) or not key:
        raise Fail(
            f"cache_key should return a non-empty str (a hex digest), got {type(key).__name__} {short(key)}"
        )
    if any(ch not in "0123456789abcdef" for ch in key.lower()):
        raise Fail(
            f"cache_key returned {short(key)}, which is not a hex digest: hash the description of the task "
            "and return the digest as hex, so the key has a fixed length and is safe as a file name"
        )
    if len(key) < 32:
        raise Fail(
            f"cache_key returned a key of {len(key)} hex digits: with fewer than 32 (128 bits), two different "
            "tasks can end up sharing a key; use a cryptographic hash such as hashlib.sha256"
        )
    again = call(fn, task, dict(params), dict(inputs))
    if again != key:
        raise Fail(
            "cache_key returned two different keys for the same call: a key must be deterministic"
        )
    reordered = call(fn, task, dict(reversed(params.items())), dict(reversed(inputs.items())))
    if reordered != key:
        raise Fail(
            "the same parameters and inputs written in another order gave another key: "
            "a dict's insertion order is not part of what a task computes"
        )
    changes = [
        ("the task name changed (train → evaluate)", ("evaluate", params, inputs)),
        ("a parameter's value changed (C 1.0 → 10.0)", (task, {**params, "C": 10.0}, inputs)),
        ("a parameter was added (tol=1e-4)", (task, {**params, "tol": 1e-4}, inputs)),
        (
            "a parameter was renamed (max_iter → n_iter)",
            (task, {"C": params["C"], "n_iter": params["max_iter"]}, inputs),
        ),
        (
            "an input was renamed (features → feature_table)",
            (task, params, {"feature_table": inputs["features"], "labels": inputs["labels"]}),
        ),
        ("an input's hash changed", (task, params, {**inputs, "features": "c3" * 32})),
        (
            "the two inputs swapped hashes",
            (task, params, {"features": inputs["labels"], "labels": inputs["features"]}),
        ),
        ("a parameter's value became a string ('1.0')", (task, {**params, "C": "1.0"}, inputs)),
        (
            "two parameters whose joined text looks the same ({'a': '1,b=2'} vs {'a': '1', 'b': '2'})",
            (task, {"a": "1,b=2"}, inputs),
        ),
    ]
    seen = {key: "the original call"}
    split = call(fn, task, {"a": "1", "b": "2"}, dict(inputs))
    if split in seen:
        raise Fail(
            "params {'a': '1', 'b': '2'} gave the same key as the original call: the parameters must go into the hash"
        )
    seen[split] = "params {'a': '1', 'b': '2'}"
    for what, (t, p, i) in changes:
        got = call(fn, t, dict(p), dict(i))
        if got in seen:
            raise Fail(
                f"when {what}, cache_key gave the same key as {seen[got]}: a stale output would be reused; "
                "make sure every part, with its name and type, goes into the hash unambiguously"
            )
        seen[got] = what
    return (
        "the key is a deterministic hex digest of at least 128 bits, ignores dict order, and changes with the task name, "
        "each parameter's name, value and type, and which input has which hash"
    )


# -------------------------------------------------------------- Exercise 3: retries
class _Transient(ConnectionError):
    pass


def _flaky(failures: int):
    state = {"calls": 0, "last": None}

    def fetch():
        state["calls"] += 1
        if state["calls"] <= failures:
            state["last"] = _Transient(f"timed out (call {state['calls']})")
            raise state["last"]
        return "rows"

    fetch.state = state
    return fetch


@check
def check_retry(fn):
    for failures, retries, base in [
        (0, 2, 1.0),
        (1, 3, 0.5),
        (2, 2, 1.0),
        (3, 4, 2.0),
        (0, 0, 1.0),
    ]:
        waits = []
        task = counted(_flaky(failures), retries + 1, "the task")
        got = call(fn, task, retries=retries, base_delay_s=base, sleep=waits.append)
        want_waits = [base * 2**k for k in range(failures)]
        if got != "rows":
            raise Fail(
                f"a task that fails {failures} time(s), with retries={retries}, should return its value 'rows', got {short(got)}"
            )
        if task.calls != failures + 1:
            raise Fail(
                f"a task that fails {failures} time(s) should be called {failures + 1} time(s), was called {task.calls}"
            )
        if waits != want_waits:
            raise Fail(
                f"a task that fails {failures} time(s) with base_delay_s={base}: expected waits {want_waits}, got {short(waits)}; "
                "no wait before the first call, and each wait doubles the one before"
            )
    for failures, retries in [(3, 2), (1, 0), (6, 3)]:
        waits = []
        flaky = _flaky(failures)
        task = counted(flaky, retries + 1, "the task")
        try:
            got = call(fn, task, retries=retries, base_delay_s=1.0, sleep=waits.append)
        except Fail as fail:
            if not isinstance(fail.__cause__, _Transient):
                raise Fail(
                    f"after retries={retries} were used up, the task's own ConnectionError should reach the caller; {fail}"
                ) from None
            if fail.__cause__ is not flaky.state["last"]:
                raise Fail(
                    f"with retries={retries}, the caller got {fail.__cause__} instead of the error of the "
                    "last attempt: the last failure is the one that says why the task is given up"
                ) from None
        else:
            raise Fail(
                f"a task that always fails, with retries={retries}, should raise its last error; your function returned {short(got)}"
            )
        if task.calls != retries + 1:
            raise Fail(
                f"with retries={retries}, a failing task should be called {retries + 1} times in all, was called {task.calls}"
            )
        if len(waits) != retries:
            raise Fail(
                f"with retries={retries}, a task that never succeeds should wait {retries} time(s), got {len(waits)} waits "
                "(no wait after the last failure: nobody is going to retry)"
            )
    return (
        "returns the task's value, calls it at most retries + 1 times, waits base, 2·base, 4·base… "
        "only between attempts, and re-raises the last error when retries run out"
    )


# --------------------------------------------------- Exercise 4: the best run under a constraint
def _runs(rows):
    return pd.DataFrame(
        rows, columns=["run_id", "params.C", "metrics.accuracy", "metrics.f1", "metrics.latency_ms"]
    )


_NAN = math.nan
_CASES = [
    (
        "the most accurate run is too slow",
        _runs(
            [
                ["r1", "0.1", 0.95, 0.90, 4.0],
                ["r2", "1.0", 0.99, 0.97, 12.0],
                ["r3", "10.0", 0.97, 0.99, 6.0],
            ]
        ),
        "accuracy",
        8.0,
        "r3",
    ),
    (
        "ask for another metric (f1)",
        _runs(
            [
                ["r1", "0.1", 0.95, 0.98, 4.0],
                ["r2", "1.0", 0.99, 0.90, 5.0],
                ["r3", "10.0", 0.97, 0.94, 6.0],
            ]
        ),
        "f1",
        8.0,
        "r1",
    ),
    (
        "a run exactly on the latency budget",
        _runs([["a", "0.1", 0.91, 0.9, 7.0], ["b", "1.0", 0.96, 0.9, 8.0]]),
        "accuracy",
        8.0,
        "b",
    ),
    (
        "two runs tie on accuracy; the slower one is listed first",
        _runs(
            [
                ["slow", "1.0", 0.98, 0.9, 7.5],
                ["fast", "0.1", 0.98, 0.9, 3.0],
                ["worse", "10.0", 0.97, 0.9, 1.0],
            ]
        ),
        "accuracy",
        8.0,
        "fast",
    ),
    (
        "a crashed run has no accuracy and no latency",
        _runs(
            [
                ["ok", "0.1", 0.93, 0.9, 5.0],
                ["crashed", "1.0", _NAN, _NAN, _NAN],
                ["nolat", "3.0", 0.99, 0.9, _NAN],
            ]
        ),
        "accuracy",
        8.0,
        "ok",
    ),
    (
        "a run within the budget has no value for the metric and is listed first",
        _runs(
            [
                ["nometric", "3.0", _NAN, _NAN, 2.0],
                ["ok", "0.1", 0.93, 0.9, 5.0],
                ["worse", "1.0", 0.91, 0.9, 4.0],
            ]
        ),
        "accuracy",
        8.0,
        "ok",
    ),
    (
        "no run is fast enough",
        _runs([["r1", "0.1", 0.95, 0.9, 9.0], ["r2", "1.0", 0.99, 0.9, 12.0]]),
        "accuracy",
        8.0,
        None,
    ),
    ("no runs at all", _runs([]), "accuracy", 8.0, None),
]


@check
def check_best_run(fn):
    for what, frame, metric, budget, want in _CASES:
        given = frame.copy()
        got = call(fn, given, metric=metric, max_latency_ms=budget)
        if isinstance(got, str) is False and got is not None:
            raise Fail(
                f"best_run should return a run_id (str) or None, got {type(got).__name__} {short(got)} ({what})"
            )
        if got != want:
            raise Fail(
                f"{what}: best_run(metric={metric!r}, max_latency_ms={budget}) should pick {short(want)}, got {short(got)}; "
                "keep only runs within the budget that have both numbers, then take the best by the metric asked for, "
                "breaking ties by latency"
            )
        if not given.equals(frame):
            raise Fail(
                f"best_run changed the DataFrame it was given ({what}): work on a copy or a filtered view"
            )
    return (
        "picks the run_id with the best metric asked for among runs within the latency budget (inclusive), "
        "skips runs with a missing number, breaks ties by lower latency, and returns None when no run qualifies"
    )
