"""Checks for the exercises of Chapter 11: Orchestrating ML workflows.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch11_wrong_answers.py.
"""

from __future__ import annotations

import copy
import hashlib
import math

import pandas as pd

from mlskills.checks import Fail, call, call_on, check, counted, short

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
    (
        "a two-task cycle whose healthy tasks are only named as dependencies",
        {"train": {"evaluate", "ingest"}, "evaluate": {"train", "features"}},
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
            # No cause: out of time, a loop waiting for a task that never becomes ready.
            if fail.__cause__ is None:
                raise Fail(
                    f"on {what} ({short(deps)}): {fail}; in a cycle no task ever becomes ready, "
                    "so notice when nothing is ready but tasks are left"
                ) from None
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


class _Reseeded(str):
    """A str whose hash() follows a salt, as str's own hash does in every new Python process.

    Iterating a set or frozenset of names follows hash(), so a key built from one changes
    from one process (one PYTHONHASHSEED) to the next; a key built from sorted items does not.
    """

    __slots__ = ()
    salt = 0

    def __hash__(self):
        digest = hashlib.blake2b(f"{_Reseeded.salt}:{self}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big", signed=True)


def _cache_key_of(fn, task, params, inputs):
    """Call ``fn`` on copies and fail if it changed them."""
    given_params, given_inputs = dict(params), dict(inputs)
    key = call(fn, task, given_params, given_inputs)
    for name, before, after in [
        ("params", params, given_params),
        ("input_hashes", inputs, given_inputs),
    ]:
        if after != before:
            changes = [
                f"{how} {short(keys)}"
                for how, keys in [
                    ("added", sorted(set(after) - set(before))),
                    ("removed", sorted(set(before) - set(after))),
                    (
                        "changed",
                        sorted(k for k in set(before) & set(after) if before[k] != after[k]),
                    ),
                ]
                if keys
            ]
            raise Fail(
                f"cache_key changed the {name} dict it was given ({', '.join(changes)}): "
                "an orchestrator passes the same dicts on to the task, so leave them as they were"
            )
    return key


@check
def check_cache_key(fn):
    task, params, inputs = _BASE
    key = _cache_key_of(fn, task, params, inputs)
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
    again = _cache_key_of(fn, task, params, inputs)
    if again != key:
        raise Fail(
            "cache_key returned two different keys for the same call: a key must be deterministic"
        )
    for name, reordered in [
        ("parameters", (task, dict(reversed(params.items())), inputs)),
        ("inputs", (task, params, dict(reversed(inputs.items())))),
    ]:
        if _cache_key_of(fn, *reordered) != key:
            raise Fail(
                f"the same {name} written in another order gave another key: "
                "a dict's insertion order is not part of what a task computes"
            )
    # The same call as if made in other Python processes: only str's hash() differs.
    many = {"C": 1.0, "max_iter": 100, "penalty": "l2", "solver": "lbfgs", "tol": 1e-4}
    seeded = []
    # Six inputs and eight hash orders: with two inputs and four, a frozenset of the inputs came
    # out in the same order every time in one CI run, and the check passed it.
    many_inputs = {**inputs, **{f"shard{n}": f"{n}c" * 32 for n in range(4)}}
    for salt in range(8):
        _Reseeded.salt = salt
        try:
            # Only the names are reseeded: the values keep their own types, which a key may inspect.
            p = {_Reseeded(k): v for k, v in many.items()}
            i = {_Reseeded(k): v for k, v in many_inputs.items()}
            seeded.append(call(fn, task, p, i))
        finally:
            _Reseeded.salt = 0
    if len(set(seeded)) > 1:
        raise Fail(
            "the same call gave another key when Python's string hashing changed, as it does in every new process "
            "(PYTHONHASHSEED): a set or frozenset iterates in hash order, so tomorrow's run would miss the cache; "
            "build the text you hash in an order that does not depend on hash()"
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
            "two parameters swapped values (C=100, max_iter=1.0)",
            (task, {"C": params["max_iter"], "max_iter": params["C"]}, inputs),
        ),
        (
            "a parameter's name and value ran together ({'C1': 0.0} against {'C': 10.0})",
            (task, {"C1": 0.0, "max_iter": params["max_iter"]}, inputs),
        ),
        (
            "an input was renamed (features → feature_table)",
            (task, params, {"feature_table": inputs["features"], "labels": inputs["labels"]}),
        ),
        ("the features input's hash changed", (task, params, {**inputs, "features": "c3" * 32})),
        ("the labels input's hash changed", (task, params, {**inputs, "labels": "d4" * 32})),
        (
            "the two inputs swapped hashes",
            (task, params, {"features": inputs["labels"], "labels": inputs["features"]}),
        ),
        (
            "the labels input was passed as a parameter of the same name",
            (task, {**params, "labels": inputs["labels"]}, {"features": inputs["features"]}),
        ),
        ("a parameter's value became a string ('1.0')", (task, {**params, "C": "1.0"}, inputs)),
        (
            "a parameter's int became a float (max_iter 100 → 100.0)",
            (task, {**params, "max_iter": 100.0}, inputs),
        ),
        (
            "two parameters whose joined text looks the same ({'a': '1,b=2'} vs {'a': '1', 'b': '2'})",
            (task, {"a": "1,b=2"}, inputs),
        ),
        ("a task had no parameters and no inputs (ingest)", ("ingest", {}, {})),
    ]
    seen = {key: "the original call"}
    split = _cache_key_of(fn, task, {"a": "1", "b": "2"}, inputs)
    if split in seen:
        raise Fail(
            "params {'a': '1', 'b': '2'} gave the same key as the original call: the parameters must go into the hash"
        )
    seen[split] = "params {'a': '1', 'b': '2'}"
    for what, (t, p, i) in changes:
        got = _cache_key_of(fn, t, p, i)
        if got in seen:
            raise Fail(
                f"when {what}, cache_key gave the same key as {seen[got]}: a stale output would be reused; "
                "make sure every part, with its name and type, goes into the hash unambiguously"
            )
        seen[got] = what
    return (
        "the key is a deterministic hex digest of at least 128 bits, ignores dict order and hash seeds, leaves its "
        "arguments unchanged, and changes with the task name, each parameter's name, value and type, "
        "and which input has which hash"
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


def _recorder(waits: list):
    """The fake sleep handed to the learner: records each wait instead of waiting."""

    def sleep(seconds, /):
        waits.append(seconds)

    sleep.__qualname__ = "sleep"
    return sleep


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
        try:
            got = call(fn, task, retries=retries, base_delay_s=base, sleep=_recorder(waits))
        except Fail as fail:
            if isinstance(fail.__cause__, _Transient):
                raise Fail(
                    f"a task that fails {failures} time(s), with retries={retries}, succeeds on call {failures + 1}, "
                    f"but your answer let its error reach the caller after {task.calls} call(s): "
                    "retries counts the calls after the first one"
                ) from None
            raise
        want_waits = [base * 2**k for k in range(failures)]
        if got != "rows":
            raise Fail(
                f"a task that fails {failures} time(s), with retries={retries}, should return its value 'rows', got {short(got)}"
            )
        if task.calls != failures + 1:
            raise Fail(
                f"a task that fails {failures} time(s) should be called {failures + 1} time(s), was called {task.calls}"
            )
        if want_waits and not waits:
            raise Fail(
                f"a task that fails {failures} time(s) with base_delay_s={base}: expected waits {want_waits}, but the sleep "
                "function your answer was given was never called: wait by calling that argument (a scheduler, or this check, "
                "passes its own), not time.sleep"
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
            got = call(fn, task, retries=retries, base_delay_s=1.0, sleep=_recorder(waits))
        except Fail as fail:
            cause = fail.__cause__
            if cause is None:  # out of time, or too many calls
                raise Fail(
                    f"with retries={retries}, on a task that keeps failing: {fail}"
                ) from None
            if not isinstance(cause, _Transient):
                raise Fail(
                    f"after retries={retries} were used up, the task's own ConnectionError should reach the caller; {fail}"
                ) from None
            if cause is not flaky.state["last"]:
                if str(cause) == str(flaky.state["last"]):
                    raise Fail(
                        f"with retries={retries}, the caller got a new {type(cause).__name__} with the same message as the "
                        "last attempt's error: re-raise the exception object the task raised, so its traceback "
                        "(where the task failed) reaches the caller too"
                    ) from None
                raise Fail(
                    f"with retries={retries}, the caller got {cause} instead of the error of the "
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
_COLUMNS = ["run_id", "params.C", "metrics.accuracy", "metrics.f1", "metrics.latency_ms"]


def _runs(rows):
    """A search_runs-like table: run_id and params as text, metrics as float (NaN when not logged)."""
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    return frame.astype({c: "float64" for c in _COLUMNS if c.startswith("metrics.")})


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
        "the budget is tighter (5 ms)",
        _runs([["r1", "0.1", 0.95, 0.9, 4.0], ["r2", "1.0", 0.97, 0.9, 6.0]]),
        "accuracy",
        5.0,
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
                ["a_slow", "0.1", 0.98, 0.9, 7.5],
                ["b_fast", "10.0", 0.98, 0.9, 3.0],
                ["worse", "3.0", 0.97, 0.9, 1.0],
            ]
        ),
        "accuracy",
        8.0,
        "b_fast",
    ),
    (
        "two runs tie on accuracy; the faster one is listed first",
        _runs(
            [
                ["worse", "3.0", 0.97, 0.9, 1.0],
                ["c_fast", "0.1", 0.98, 0.9, 3.0],
                ["d_slow", "10.0", 0.98, 0.9, 7.5],
            ]
        ),
        "accuracy",
        8.0,
        "c_fast",
    ),
    (
        "a slightly better run is much slower but still within the budget",
        _runs([["quick", "0.1", 0.950, 0.9, 1.0], ["careful", "1.0", 0.951, 0.9, 7.9]]),
        "accuracy",
        8.0,
        "careful",
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
        "the best run logged no f1 and no C, which accuracy does not need",
        _runs([["ok", "0.1", 0.93, 0.9, 4.0], ["best", None, 0.97, _NAN, 5.0]]),
        "accuracy",
        8.0,
        "best",
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


def _why_not(frame, metric, budget, got, want) -> str:
    """What is wrong with picking ``got`` instead of ``want``, without giving the rule away."""
    score, latency = f"metrics.{metric}", "metrics.latency_ms"
    if want is None:
        if frame.empty:
            return "there are no runs, so there is nothing to pick"
        return f"no run here qualifies, so there is nothing to pick; say so with None rather than {short(got)}"
    best = frame.set_index("run_id").loc[want]
    if got is None:
        return f"{want!r} qualifies: {metric} {best[score]:g} at {best[latency]:g} ms, within the {budget:g} ms budget"
    if got not in set(frame["run_id"]):
        return f"{short(got)} is not a run_id of the table"
    row = frame.set_index("run_id").loc[got]
    if pd.isna(row[latency]):
        return f"{got!r} has no latency recorded, so nobody can say it meets the budget"
    if row[latency] > budget:
        return f"{got!r} takes {row[latency]:g} ms, over the {budget:g} ms budget"
    if pd.isna(row[score]):
        return f"{got!r} has no {metric} recorded, so it cannot be ranked by it"
    if row[score] == best[score]:
        return f"{got!r} and {want!r} tie on {metric} ({best[score]:g}); {got!r} takes {row[latency]:g} ms, {want!r} {best[latency]:g} ms"
    return f"{got!r} has {metric} {row[score]:g}, lower than the {best[score]:g} of {want!r}, which is also within the budget"


@check
def check_best_run(fn):
    for what, frame, metric, budget, want in _CASES:
        given = frame.copy()
        shown = f"runs where {what}, metric={metric!r}, max_latency_ms={budget}"
        got = call_on(fn, shown, given, metric=metric, max_latency_ms=budget)
        if isinstance(got, str) is False and got is not None:
            raise Fail(
                f"best_run should return a run_id (str) or None, got {type(got).__name__} {short(got)} ({what})"
            )
        if got != want:
            raise Fail(
                f"{what}: best_run(metric={metric!r}, max_latency_ms={budget}) should pick {short(want)}, got {short(got)}: "
                + _why_not(frame, metric, budget, got, want)
            )
        if not given.equals(frame):
            raise Fail(
                f"best_run changed the DataFrame it was given ({what}): work on a copy or a filtered view"
            )
    return (
        "picks the run_id with the best metric asked for among runs within the latency budget (inclusive), "
        "skips runs with a missing number, breaks ties by lower latency, and returns None when no run qualifies"
    )
