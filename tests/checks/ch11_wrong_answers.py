"""Wrong and right answers for the checks of Chapter 11.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet"), an answer that never returns (must be
stopped within the budget), each answer in RIGHT (must pass) and each answer in WRONG
(must fail with a specific one-line hint).

WRONG: one answer per rule the check's ✓ line claims, omitting just that rule, on every
argument the rule applies to, plus the boundary cases learners hit. Each has a docstring
naming the mistake.

RIGHT: correct answers written differently from the solution.
"""

import graphlib
import hashlib
import json
import pickle
import uuid

import numpy as np
import pandas as pd

from tests.checks import never_returns


# ------------------------------------------------------------- Exercise 1: topological_order
def order_forgets_dependency_only_tasks(deps):
    """Orders only the dict's keys: a task named only as a dependency ('ingest') never runs."""
    order = list(graphlib.TopologicalSorter(deps).static_order())
    return [t for t in order if t in deps]


def order_keeps_insertion_order(deps):
    """Returns the tasks in the order they were written, ignoring the dependencies."""
    seen = []
    for task, ups in deps.items():
        for t in [task, *sorted(ups)]:
            if t not in seen:
                seen.append(t)
    return seen


def order_reversed(deps):
    """Puts each task before the tasks it needs (the edges read the wrong way round)."""
    return list(reversed(list(graphlib.TopologicalSorter(deps).static_order())))


def order_by_number_of_dependencies(deps):
    """Sorts by how many tasks each one needs: right for short graphs, wrong for a chain."""
    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    return sorted(tasks, key=lambda t: (len(deps.get(t, ())), t))


def order_dfs_without_visited_set(deps):
    """Depth-first search that appends a task each time it is reached: duplicates in a diamond."""
    out = []

    def visit(t):
        for u in sorted(deps.get(t, ())):
            visit(u)
        out.append(t)

    for t in deps:
        visit(t)
    return out


def order_drops_cycles_silently(deps):
    """Kahn's algorithm that returns whatever became ready and never reports a cycle."""
    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    waiting = {t: set(deps.get(t, ())) for t in tasks}
    order = []
    while True:
        ready = sorted(t for t, ups in waiting.items() if not ups)
        if not ready:
            return order
        for t in ready:
            order.append(t)
            del waiting[t]
        for ups in waiting.values():
            ups.difference_update(ready)


def order_ignores_self_loops(deps):
    """Drops a task's dependency on itself before sorting, so a self-loop passes as valid."""
    cleaned = {t: {u for u in ups if u != t} for t, ups in deps.items()}
    return list(graphlib.TopologicalSorter(cleaned).static_order())


def order_mutates_input(deps):
    """Kahn's algorithm that empties the caller's sets while it works."""
    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    for t in tasks:
        deps.setdefault(t, set())
    order = []
    while deps:
        ready = sorted(t for t, ups in deps.items() if not ups)
        if not ready:
            raise ValueError("cycle")
        for t in ready:
            order.append(t)
            del deps[t]
        for ups in deps.values():
            ups.difference_update(ready)
    return order


def order_raises_runtime_error_on_cycle(deps):
    """Detects cycles but raises RuntimeError, which callers catching ValueError miss."""
    try:
        return list(graphlib.TopologicalSorter(deps).static_order())
    except graphlib.CycleError as exc:
        raise RuntimeError("cycle") from exc


def order_fails_on_empty_graph(deps):
    """Collects the tasks with set.union(*deps.values()), which raises TypeError when there are no tasks."""
    tasks = set(deps) | set.union(*deps.values())
    full = {t: deps.get(t, set()) for t in tasks}
    return list(graphlib.TopologicalSorter(full).static_order())


def order_returns_tuple(deps):
    """Returns a tuple instead of a list."""
    return tuple(graphlib.TopologicalSorter(deps).static_order())


def order_kahn_by_hand(deps):
    """Kahn's algorithm on a copy, with an in-degree count (right)."""
    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    needs = {t: set(deps.get(t, ())) for t in tasks}
    order = []
    ready = sorted(t for t in tasks if not needs[t])
    while ready:
        t = ready.pop(0)
        order.append(t)
        for other in sorted(tasks):
            if t in needs[other]:
                needs[other].discard(t)
                if not needs[other]:
                    ready.append(other)
    if len(order) != len(tasks):
        raise ValueError("the graph has a cycle")
    return order


def order_dfs_three_colours(deps):
    """Depth-first search with white/grey/black marks; a grey task met again is a cycle (right)."""
    state, out = {}, []

    def visit(t):
        if state.get(t) == "grey":
            raise ValueError(f"cycle through {t}")
        if state.get(t) == "black":
            return
        state[t] = "grey"
        for u in deps.get(t, ()):
            visit(u)
        state[t] = "black"
        out.append(t)

    for t in list(deps):
        visit(t)
    return out


def order_cycle_check_counts_only_keys(deps):
    """Kahn's algorithm that reports a cycle only when fewer tasks ran than the dict has keys: a cycle next to dependency-only tasks passes."""
    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    waiting = {t: set(deps.get(t, ())) for t in tasks}
    order = []
    while True:
        ready = sorted(t for t, ups in waiting.items() if not ups)
        if not ready:
            break
        for t in ready:
            order.append(t)
            del waiting[t]
        for ups in waiting.values():
            ups.difference_update(ready)
    if len(order) < len(deps):
        raise ValueError("the graph has a cycle")
    return order


def order_dfs_recursion_error_on_cycle(deps):
    """Depth-first search with a visited set marked after the recursion: a cycle recurses until RecursionError."""
    out, done = [], set()

    def visit(t):
        if t in done:
            return
        for u in deps.get(t, ()):
            visit(u)
        done.add(t)
        out.append(t)

    for t in deps:
        visit(t)
    return out


def order_checks_two_cycles_only(deps):
    """Looks for a self-loop or a pair of tasks needing each other; a three-task cycle goes unnoticed."""
    for task, ups in deps.items():
        for up in ups:
            if up == task or task in deps.get(up, ()):
                raise ValueError(f"cycle between {task} and {up}")
    out, seen = [], set()

    def visit(t):
        if t in seen:
            return
        seen.add(t)
        for u in sorted(deps.get(t, ())):
            visit(u)
        out.append(t)

    for t in deps:
        visit(t)
    return out


def order_sorted_by_name(deps):
    """Sorts graphlib's order by name to make it deterministic, which breaks the order."""
    return sorted(graphlib.TopologicalSorter(deps).static_order())


def order_returns_generator(deps):
    """Returns static_order() itself: a generator, not a list."""
    return graphlib.TopologicalSorter(deps).static_order()


@never_returns
def order_kahn_without_cycle_guard(deps):
    """Kahn's algorithm that loops while tasks are left, even when none of them is ready: a cycle never ends."""
    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    waiting = {t: set(deps.get(t, ())) for t in tasks}
    order = []
    while waiting:
        ready = [t for t, ups in waiting.items() if not ups]
        for t in ready:
            order.append(t)
            del waiting[t]
        for ups in waiting.values():
            ups.difference_update(ready)
    return order


def order_graphlib_add(deps):
    """Builds the sorter with add() and lets graphlib's CycleError (a ValueError) through (right)."""
    sorter = graphlib.TopologicalSorter()
    for task, ups in deps.items():
        sorter.add(task, *ups)
    return [*sorter.static_order()]


def order_by_longest_path(deps):
    """Sorts by the length of the longest chain of dependencies; a cycle's endless recursion becomes ValueError (right)."""

    def depth(t, path=()):
        if t in path:
            raise ValueError(f"cycle through {t}")
        return 1 + max((depth(u, (*path, t)) for u in deps.get(t, ())), default=0)

    tasks = set(deps) | {u for ups in deps.values() for u in ups}
    return sorted(tasks, key=lambda t: (depth(t), t))


# ---------------------------------------------------------------------- Exercise 2: cache_key
def key_ignores_task_name(task, params, input_hashes):
    """Leaves the task's name out: 'train' and 'evaluate' on the same inputs share a key."""
    return hashlib.sha256(json.dumps([params, input_hashes], sort_keys=True).encode()).hexdigest()


def key_from_str_of_dicts(task, params, input_hashes):
    """Hashes str(dict), which keeps insertion order: the same inputs written in another order miss the cache."""
    return hashlib.sha256(f"{task}{params}{input_hashes}".encode()).hexdigest()


def key_ignores_param_values(task, params, input_hashes):
    """Hashes the parameter names only: changing C from 1.0 to 10.0 reuses the old model."""
    return hashlib.sha256(
        json.dumps([task, sorted(params), input_hashes], sort_keys=True).encode()
    ).hexdigest()


def key_ignores_params(task, params, input_hashes):
    """Forgets the parameters entirely."""
    return hashlib.sha256(json.dumps([task, input_hashes], sort_keys=True).encode()).hexdigest()


def key_ignores_inputs(task, params, input_hashes):
    """Forgets the inputs: new data reuses the output computed on old data."""
    return hashlib.sha256(json.dumps([task, params], sort_keys=True).encode()).hexdigest()


def key_sorted_input_hashes_without_names(task, params, input_hashes):
    """Hashes the input hashes sorted, without their names: swapping two inputs goes unnoticed."""
    return hashlib.sha256(
        json.dumps([task, params, sorted(input_hashes.values())], sort_keys=True).encode()
    ).hexdigest()


def key_joins_text_ambiguously(task, params, input_hashes):
    """Joins 'name=value' with commas: {'a': '1,b=2'} and {'a': '1', 'b': '2'} become the same text."""
    text = ",".join(f"{k}={v}" for k, v in sorted(params.items()))
    inputs = ",".join(f"{k}={v}" for k, v in sorted(input_hashes.items()))
    return hashlib.sha256(f"{task}|{text}|{inputs}".encode()).hexdigest()


def key_loses_types(task, params, input_hashes):
    """Turns every value into a string: C=1.0 and C='1.0' share a key."""
    text = json.dumps([task, {k: str(v) for k, v in params.items()}, input_hashes], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def key_returns_bytes(task, params, input_hashes):
    """Returns the raw digest bytes instead of a hex string."""
    return hashlib.sha256(
        json.dumps([task, params, input_hashes], sort_keys=True).encode()
    ).digest()


def key_python_hash(task, params, input_hashes):
    """Uses Python's hash(), an int (and salted per process for strings): not a stable name."""
    return hash((task, tuple(sorted(params.items())), tuple(sorted(input_hashes.items()))))


def key_blake2_of_sorted_repr(task, params, input_hashes):
    """BLAKE2 over the repr of sorted (name, type, value) items (right)."""
    items = (
        ("task", task),
        ("params", tuple(sorted((k, type(v).__name__, repr(v)) for k, v in params.items()))),
        ("inputs", tuple(sorted(input_hashes.items()))),
    )
    return hashlib.blake2b(repr(items).encode(), digest_size=32).hexdigest()


def key_pickle_of_sorted_items(task, params, input_hashes):
    """SHA-256 of a pickle of sorted items (pickle keeps types; right for these values)."""
    blob = pickle.dumps((task, sorted(params.items()), sorted(input_hashes.items())), protocol=4)
    return hashlib.sha256(blob).hexdigest()


def key_ignores_param_names(task, params, input_hashes):
    """Hashes the parameter values in name order but not the names: renaming max_iter to n_iter reuses the old output."""
    values = tuple(params[k] for k in sorted(params))
    inputs = tuple(sorted(input_hashes.items()))
    return hashlib.sha256(repr((task, values, inputs)).encode()).hexdigest()


def key_ignores_input_names(task, params, input_hashes):
    """Hashes the input hashes in name order but not the names: renaming an input goes unnoticed."""
    inputs = [input_hashes[k] for k in sorted(input_hashes)]
    return hashlib.sha256(json.dumps([task, params, inputs], sort_keys=True).encode()).hexdigest()


def key_is_the_json_text(task, params, input_hashes):
    """Returns the sorted JSON text itself, not a digest of it: not a hex name of fixed length."""
    return json.dumps([task, params, input_hashes], sort_keys=True)


def key_str_of_python_hash(task, params, input_hashes):
    """str() of Python's hash(): salted per process for strings, and far too short to avoid collisions."""
    return str(
        abs(hash((task, tuple(sorted(params.items())), tuple(sorted(input_hashes.items())))))
    )


def key_repr_of_sorted_reprs(task, params, input_hashes):
    """SHA-256 of the repr of sorted item reprs (repr keeps 1.0 apart from '1.0'; right)."""
    items = (task, sorted(repr(item) for item in params.items()), sorted(input_hashes.items()))
    return hashlib.sha256(repr(items).encode()).hexdigest()


def key_of_frozensets(task, params, input_hashes):
    """Hashes the repr of frozensets to ignore dict order: a set iterates in hash() order, which changes in every new process."""
    items = (task, frozenset(params.items()), frozenset(input_hashes.items()))
    return hashlib.sha256(repr(items).encode()).hexdigest()


def key_of_a_set_of_items(task, params, input_hashes):
    """Hashes str() of one set holding the task and all items: its order follows PYTHONHASHSEED."""
    return hashlib.sha256(str({task, *params.items(), *input_hashes.items()}).encode()).hexdigest()


def key_numbers_as_floats(task, params, input_hashes):
    """Turns every number into a float first: max_iter=100 and max_iter=100.0 share a key."""
    numbers = {k: float(v) if isinstance(v, (int, float)) else v for k, v in params.items()}
    return hashlib.sha256(
        json.dumps([task, numbers, input_hashes], sort_keys=True).encode()
    ).hexdigest()


def key_sorts_names_and_values_apart(task, params, input_hashes):
    """Sorts the parameter names and the parameter values separately: which name has which value is lost."""
    text = repr(
        (
            task,
            sorted(params),
            sorted(repr(v) for v in params.values()),
            sorted(input_hashes.items()),
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def key_flattens_params_and_inputs(task, params, input_hashes):
    """Merges params and inputs into one dict: an input passed as a parameter of the same name keeps the key."""
    return hashlib.sha256(
        json.dumps({"task": task, **params, **input_hashes}, sort_keys=True).encode()
    ).hexdigest()


def key_writes_into_params(task, params, input_hashes):
    """Adds the task and the inputs into the caller's params dict before hashing it."""
    params["__task__"] = task
    params.update(input_hashes)
    return hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()


def key_streams_without_separators(task, params, input_hashes):
    """Feeds names and values to the hash with no separator: {'C': 10.0} and {'C1': 0.0} hash the same bytes."""
    h = hashlib.sha256(task.encode())
    for k, v in sorted(params.items()):
        h.update(k.encode())
        h.update(repr(v).encode())
    for k, v in sorted(input_hashes.items()):
        h.update(k.encode())
        h.update(v.encode())
    return h.hexdigest()


def key_first_input_only(task, params, input_hashes):
    """Hashes only the first input by name: a change to the labels goes unnoticed."""
    first = sorted(input_hashes)[0]
    return hashlib.sha256(
        json.dumps([task, params, first, input_hashes[first]], sort_keys=True).encode()
    ).hexdigest()


def key_truncated_sha256(task, params, input_hashes):
    """Keeps the first 16 hex digits of SHA-256 (64 bits) to get short file names."""
    return hashlib.sha256(
        json.dumps([task, params, input_hashes], sort_keys=True).encode()
    ).hexdigest()[:16]


def key_frozenset_of_params(task, params, input_hashes):
    """A frozenset for the parameters but sorted JSON for the inputs: the parameters' order follows PYTHONHASHSEED."""
    text = repr((task, frozenset(params.items()), json.dumps(input_hashes, sort_keys=True)))
    return hashlib.sha256(text.encode()).hexdigest()


def key_plain_sorted_json(task, params, input_hashes):
    """SHA-256 of JSON with sort_keys=True and no type tags: JSON already tells 1, 1.0 and '1.0' apart (right)."""
    return hashlib.sha256(
        json.dumps([task, params, input_hashes], sort_keys=True).encode()
    ).hexdigest()


def key_md5_upper_case(task, params, input_hashes):
    """MD5 (128 bits, enough for a cache key) of sorted JSON, in capital hex digits (right)."""
    text = json.dumps({"task": task, "params": params, "inputs": input_hashes}, sort_keys=True)
    return hashlib.md5(text.encode()).hexdigest().upper()


def key_with_a_random_uuid(task, params, input_hashes):
    """Adds uuid4() to make every key unique: the same call never finds its cached output."""
    text = json.dumps([task, params, input_hashes, uuid.uuid4().hex], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def key_writes_into_input_hashes(task, params, input_hashes):
    """Records the task among the caller's input hashes before hashing them."""
    input_hashes["__task__"] = task
    return hashlib.sha256(json.dumps([params, input_hashes], sort_keys=True).encode()).hexdigest()


def key_sorts_params_only(task, params, input_hashes):
    """Sorts the parameters but hashes str() of the inputs dict: the inputs' order still counts."""
    return hashlib.sha256(
        f"{task}|{json.dumps(params, sort_keys=True)}|{input_hashes}".encode()
    ).hexdigest()


def key_sorts_inputs_only(task, params, input_hashes):
    """Sorts the inputs but hashes the parameters in the order they were written."""
    return hashlib.sha256(
        f"{task}|{json.dumps(params)}|{sorted(input_hashes.items())}".encode()
    ).hexdigest()


def key_frozenset_of_inputs(task, params, input_hashes):
    """Sorted JSON for the parameters but a frozenset for the inputs: its order follows PYTHONHASHSEED."""
    text = repr((task, json.dumps(params, sort_keys=True), frozenset(input_hashes.items())))
    return hashlib.sha256(text.encode()).hexdigest()


def key_strict_type_tags(task, params, input_hashes):
    """Refuses types other than int, float and str and tags each value with a letter for its type (right)."""
    tags = {int: "i", float: "f", str: "s"}
    for name, value in params.items():
        if type(value) not in tags:
            raise TypeError(f"parameter {name} has unsupported type {type(value).__name__}")
    typed = {name: [tags[type(value)], value] for name, value in params.items()}
    return hashlib.sha256(
        json.dumps([task, typed, input_hashes], sort_keys=True).encode()
    ).hexdigest()


# -------------------------------------------------------------------------- Exercise 3: retry
def retry_constant_delay(task, *, retries, base_delay_s, sleep):
    """Waits the same time before every retry (no backoff)."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(base_delay_s)


def retry_linear_delay(task, *, retries, base_delay_s, sleep):
    """Waits base, 2·base, 3·base…: linear, not exponential."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(base_delay_s * (attempt + 1))


def retry_first_delay_doubled(task, *, retries, base_delay_s, sleep):
    """Off by one in the exponent: waits 2·base, 4·base… (the first wait is already doubled)."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(base_delay_s * 2 ** (attempt + 1))


def retry_one_attempt_too_few(task, *, retries, base_delay_s, sleep):
    """Counts the first call as a retry: makes only `retries` calls in all."""
    for attempt in range(max(retries, 1)):
        try:
            return task()
        except Exception:
            if attempt == max(retries, 1) - 1:
                raise
            sleep(base_delay_s * 2**attempt)


def retry_one_attempt_too_many(task, *, retries, base_delay_s, sleep):
    """Makes retries + 2 calls: one more attempt than allowed."""
    for attempt in range(retries + 2):
        try:
            return task()
        except Exception:
            if attempt == retries + 1:
                raise
            sleep(base_delay_s * 2**attempt)


def retry_swallows_last_error(task, *, retries, base_delay_s, sleep):
    """Returns None when every attempt failed, so the caller carries on with no data."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt < retries:
                sleep(base_delay_s * 2**attempt)
    return None


def retry_wraps_last_error(task, *, retries, base_delay_s, sleep):
    """Raises a new RuntimeError at the end, hiding the task's own error type."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt < retries:
                sleep(base_delay_s * 2**attempt)
    raise RuntimeError("gave up")


def retry_sleeps_after_last_failure(task, *, retries, base_delay_s, sleep):
    """Waits once more after the final failure, for a retry that never comes."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            sleep(base_delay_s * 2**attempt)
            if attempt == retries:
                raise


def retry_sleeps_before_first_call(task, *, retries, base_delay_s, sleep):
    """Waits before every attempt, including the first."""
    for attempt in range(retries + 1):
        sleep(base_delay_s * 2**attempt)
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise


def retry_recursive(task, *, retries, base_delay_s, sleep):
    """A recursive version: try once, then recurse with one retry fewer and a doubled delay (right)."""
    try:
        return task()
    except Exception:
        if retries == 0:
            raise
        sleep(base_delay_s)
        return retry_recursive(
            task, retries=retries - 1, base_delay_s=2 * base_delay_s, sleep=sleep
        )


def retry_while_loop(task, *, retries, base_delay_s, sleep):
    """A while loop that keeps the last exception and re-raises it (right)."""
    delay, left = base_delay_s, retries
    while True:
        try:
            return task()
        except ConnectionError:
            if left == 0:
                raise
        sleep(delay)
        delay, left = delay * 2, left - 1


def retry_reraises_first_error(task, *, retries, base_delay_s, sleep):
    """Keeps the first exception and raises it at the end: the caller never sees why the last attempt failed."""
    first = None
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception as exc:
            first = first or exc
            if attempt < retries:
                sleep(base_delay_s * 2**attempt)
    raise first


def retry_raises_after_the_loop(task, *, retries, base_delay_s, sleep):
    """Remembers the last exception and raises it after the loop (right)."""
    last = None
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception as exc:
            last = exc
            if attempt < retries:
                sleep(base_delay_s * 2**attempt)
    raise last


def retry_with_time_sleep(task, *, retries, base_delay_s, sleep):
    """Waits with time.sleep (in ms, to be quick) instead of the sleep it was given: the scheduler cannot control the waits."""
    import time

    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            time.sleep(base_delay_s * 2**attempt / 1000)


def retry_raises_a_copy(task, *, retries, base_delay_s, sleep):
    """Raises a new exception of the same type and message: the traceback of the task's failure is lost."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception as exc:
            if attempt == retries:
                raise type(exc)(*exc.args) from None
            sleep(base_delay_s * 2**attempt)


def retry_forever(task, *, retries, base_delay_s, sleep):
    """Ignores retries and tries until the task succeeds: a task that keeps failing is called for ever."""
    delay = base_delay_s
    while True:
        try:
            return task()
        except Exception:
            sleep(delay)
            delay *= 2


@never_returns
def retry_forever_bare_except(task, *, retries, base_delay_s, sleep):
    """Retries for ever with a bare except, which swallows even the interrupt that should stop it."""
    delay = base_delay_s
    while True:
        try:
            return task()
        except:  # noqa: E722 - the mistake on purpose
            sleep(delay)
            delay *= 2


def retry_never_counts_down(task, *, retries, base_delay_s, sleep):
    """A while loop on retries that never decrements it: only retries=0 ever stops."""
    delay = base_delay_s
    while retries >= 0:
        try:
            return task()
        except Exception:
            if retries == 0:
                raise
            sleep(delay)
            delay *= 2


def retry_power_of_base(task, *, retries, base_delay_s, sleep):
    """Waits base, base², base³…: exponential in the base, not doubling (right only when base is 2)."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(base_delay_s ** (attempt + 1))


def retry_returns_the_exception(task, *, retries, base_delay_s, sleep):
    """Returns the last exception object instead of raising it."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception as exc:
            if attempt == retries:
                return exc
            sleep(base_delay_s * 2**attempt)


def retry_zero_means_one(task, *, retries, base_delay_s, sleep):
    """Treats retries=0 as 'use the default of one retry'."""
    retries = retries or 1
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(base_delay_s * 2**attempt)


def retry_integer_delays(task, *, retries, base_delay_s, sleep):
    """Doubles with a bit shift on int(base_delay_s): a base of 0.5 s becomes 0."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(int(base_delay_s) << attempt)


def retry_raise_from_none_after_loop(task, *, retries, base_delay_s, sleep):
    """Keeps the last exception and raises that same object after the loop, from None (right)."""
    last = None
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception as exc:
            last = exc
        if attempt < retries:
            sleep(base_delay_s * 2**attempt)
    raise last from None


def retry_forgets_return(task, *, retries, base_delay_s, sleep):
    """Calls the task but never returns its value."""
    for attempt in range(retries + 1):
        try:
            task()
            return None
        except Exception:
            if attempt == retries:
                raise
            sleep(base_delay_s * 2**attempt)


def retry_ignores_base_delay(task, *, retries, base_delay_s, sleep):
    """Waits 1, 2, 4… seconds whatever base_delay_s says."""
    for attempt in range(retries + 1):
        try:
            return task()
        except Exception:
            if attempt == retries:
                raise
            sleep(2**attempt)


# ----------------------------------------------------------------------- Exercise 4: best_run
def best_ignores_budget(runs, *, metric, max_latency_ms):
    """Picks the most accurate run whatever its latency."""
    ok = runs.dropna(subset=[f"metrics.{metric}"])
    if ok.empty:
        return None
    return str(
        ok.sort_values(f"metrics.{metric}", ascending=False, kind="stable").iloc[0]["run_id"]
    )


def best_strict_budget(runs, *, metric, max_latency_ms):
    """Uses < instead of <=: a run exactly on the budget is thrown out."""
    ok = runs.dropna(subset=[f"metrics.{metric}", "metrics.latency_ms"])
    ok = ok[ok["metrics.latency_ms"] < max_latency_ms]
    if ok.empty:
        return None
    return str(
        ok.sort_values([f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True]).iloc[
            0
        ]["run_id"]
    )


def best_hard_codes_accuracy(runs, *, metric, max_latency_ms):
    """Always ranks by accuracy, whatever metric was asked for."""
    ok = runs.dropna(subset=["metrics.accuracy", "metrics.latency_ms"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    return str(
        ok.sort_values(["metrics.accuracy", "metrics.latency_ms"], ascending=[False, True]).iloc[0][
            "run_id"
        ]
    )


def best_first_of_ties(runs, *, metric, max_latency_ms):
    """idxmax keeps the first of tied runs, not the faster one."""
    ok = runs.dropna(subset=[f"metrics.{metric}", "metrics.latency_ms"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    return str(ok.loc[ok[f"metrics.{metric}"].idxmax(), "run_id"])


def best_fastest_run(runs, *, metric, max_latency_ms):
    """Picks the fastest run within the budget instead of the most accurate one."""
    ok = runs.dropna(subset=[f"metrics.{metric}", "metrics.latency_ms"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    return str(ok.sort_values("metrics.latency_ms").iloc[0]["run_id"])


def best_missing_latency_counts_as_zero(runs, *, metric, max_latency_ms):
    """Fills a missing latency with 0, so a run that was never timed looks fastest."""
    ok = runs.assign(**{"metrics.latency_ms": runs["metrics.latency_ms"].fillna(0.0)})
    ok = ok.dropna(subset=[f"metrics.{metric}"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    return str(
        ok.sort_values([f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True]).iloc[
            0
        ]["run_id"]
    )


def best_raises_when_nothing_qualifies(runs, *, metric, max_latency_ms):
    """idxmax on an empty selection raises ValueError instead of returning None."""
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms]
    ranked = ok.sort_values([f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True])
    return str(ranked.loc[ranked[f"metrics.{metric}"].idxmax(), "run_id"])


def best_returns_index_label(runs, *, metric, max_latency_ms):
    """Returns the row's index label, not its run_id."""
    ok = runs.dropna(subset=[f"metrics.{metric}", "metrics.latency_ms"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    return ok.sort_values(
        [f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True]
    ).index[0]


def best_fills_callers_nans(runs, *, metric, max_latency_ms):
    """Writes into the caller's DataFrame: fills its missing latencies with infinity in place."""
    runs.loc[:, "metrics.latency_ms"] = runs["metrics.latency_ms"].fillna(float("inf"))
    ok = runs.dropna(subset=[f"metrics.{metric}"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    return str(
        ok.sort_values([f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True]).iloc[
            0
        ]["run_id"]
    )


def best_plain_python(runs, *, metric, max_latency_ms):
    """A loop over records with a (score, -latency) key (right)."""
    best, best_key = None, None
    for r in runs.to_dict("records"):
        score, latency = r[f"metrics.{metric}"], r["metrics.latency_ms"]
        if pd.isna(score) or pd.isna(latency) or latency > max_latency_ms:
            continue
        key = (score, -latency)
        if best_key is None or key > best_key:
            best, best_key = r["run_id"], key
    return best


def best_query_and_nlargest(runs, *, metric, max_latency_ms):
    """DataFrame.query, then the smallest latency among the rows with the top score (right)."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"].le(max_latency_ms) & runs[col].notna()]
    if len(ok) == 0:
        return None
    top = ok[ok[col] == ok[col].max()]
    return top.nsmallest(1, "metrics.latency_ms")["run_id"].iloc[0]


def best_max_over_nan_metric(runs, *, metric, max_latency_ms):
    """Filters on latency only and takes max() in plain Python: a NaN score listed first wins every comparison."""
    rows = [r for r in runs.to_dict("records") if r["metrics.latency_ms"] <= max_latency_ms]
    if not rows:
        return None
    return max(rows, key=lambda r: (r[f"metrics.{metric}"], -r["metrics.latency_ms"]))["run_id"]


def best_sorts_missing_scores_first(runs, *, metric, max_latency_ms):
    """Sorts with na_position='first' without dropping NaN scores: a run without the metric comes out on top."""
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    order = ok.sort_values(
        [f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True], na_position="first"
    )
    return order["run_id"].iloc[0]


def best_dropna_then_filter(runs, *, metric, max_latency_ms):
    """dropna on the two columns first, then the budget, then a two-key sort (right)."""
    ok = runs.dropna(subset=[f"metrics.{metric}", "metrics.latency_ms"])
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    order = ok.sort_values([f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True])
    return order["run_id"].iloc[0]


def best_ties_by_run_id(runs, *, metric, max_latency_ms):
    """Breaks ties by run_id in alphabetical order, not by latency."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return None
    return ok.sort_values([col, "run_id"], ascending=[False, True]).iloc[0]["run_id"]


def best_last_of_ties(runs, *, metric, max_latency_ms):
    """Sorts ascending by the metric and takes the last row: among tied runs, the one listed last."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return None
    return ok.sort_values(col, kind="stable").iloc[-1]["run_id"]


def best_ties_by_param(runs, *, metric, max_latency_ms):
    """Breaks ties by the parameter C (compared as text), not by latency."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return None
    return ok.sort_values([col, "params.C"], ascending=[False, True]).iloc[0]["run_id"]


def best_dropna_on_every_column(runs, *, metric, max_latency_ms):
    """dropna() without subset: a run that lacks an unrelated metric or parameter is thrown out."""
    ok = runs.dropna()
    ok = ok[ok["metrics.latency_ms"] <= max_latency_ms]
    if ok.empty:
        return None
    order = ok.sort_values([f"metrics.{metric}", "metrics.latency_ms"], ascending=[False, True])
    return order.iloc[0]["run_id"]


def best_weighted_score(runs, *, metric, max_latency_ms):
    """Ranks by metric − 0.001 × latency: a weighted score trades a better metric for speed."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return None
    score = ok[col] - 0.001 * ok["metrics.latency_ms"]
    return ok.loc[score.idxmax(), "run_id"]


def best_both_descending(runs, *, metric, max_latency_ms):
    """Sorts the metric and the latency both descending: ties go to the slower run."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return None
    return ok.sort_values([col, "metrics.latency_ms"], ascending=False).iloc[0]["run_id"]


def best_checks_only_the_top_run(runs, *, metric, max_latency_ms):
    """Takes the best run overall and returns None when it is too slow, instead of the best one within the budget."""
    col = f"metrics.{metric}"
    ok = runs.dropna(subset=[col])
    if ok.empty:
        return None
    top = ok.sort_values([col, "metrics.latency_ms"], ascending=[False, True]).iloc[0]
    return top["run_id"] if top["metrics.latency_ms"] <= max_latency_ms else None


def best_empty_string_for_none(runs, *, metric, max_latency_ms):
    """Returns '' instead of None when no run qualifies."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return ""
    return ok.sort_values([col, "metrics.latency_ms"], ascending=[False, True]).iloc[0]["run_id"]


def best_returns_a_series(runs, *, metric, max_latency_ms):
    """Returns head(1)['run_id'], a one-row Series, not the run_id itself."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms].dropna(subset=[col])
    if ok.empty:
        return None
    return ok.sort_values([col, "metrics.latency_ms"], ascending=[False, True]).head(1)["run_id"]


def best_nlargest_keep_all(runs, *, metric, max_latency_ms):
    """nlargest(1, keep='all') keeps every tied run; the fastest of them wins (right)."""
    ok = runs[runs["metrics.latency_ms"] <= max_latency_ms]
    top = ok.nlargest(1, f"metrics.{metric}", keep="all")
    if top.empty:
        return None
    return top.nsmallest(1, "metrics.latency_ms")["run_id"].iloc[0]


def best_numpy_lexsort(runs, *, metric, max_latency_ms):
    """NumPy: a boolean mask, then lexsort by (latency, -score) (right)."""
    score = runs[f"metrics.{metric}"].to_numpy(dtype=float)
    latency = runs["metrics.latency_ms"].to_numpy(dtype=float)
    mask = (latency <= max_latency_ms) & ~np.isnan(score)
    if not mask.any():
        return None
    first = np.lexsort((latency[mask], -score[mask]))[0]
    return str(runs["run_id"].to_numpy()[mask][first])


def best_hard_codes_the_budget(runs, *, metric, max_latency_ms):
    """Uses the chapter's 8 ms SLA instead of the max_latency_ms it was given."""
    col = f"metrics.{metric}"
    ok = runs[runs["metrics.latency_ms"] <= 8.0].dropna(subset=[col])
    if ok.empty:
        return None
    return ok.sort_values([col, "metrics.latency_ms"], ascending=[False, True]).iloc[0]["run_id"]


WRONG = {
    "check_topological_order": [
        order_forgets_dependency_only_tasks,
        order_keeps_insertion_order,
        order_reversed,
        order_by_number_of_dependencies,
        order_dfs_without_visited_set,
        order_drops_cycles_silently,
        order_ignores_self_loops,
        order_mutates_input,
        order_raises_runtime_error_on_cycle,
        order_fails_on_empty_graph,
        order_returns_tuple,
        order_cycle_check_counts_only_keys,
        order_dfs_recursion_error_on_cycle,
        order_checks_two_cycles_only,
        order_sorted_by_name,
        order_returns_generator,
        order_kahn_without_cycle_guard,
    ],
    "check_cache_key": [
        key_ignores_task_name,
        key_from_str_of_dicts,
        key_ignores_param_values,
        key_ignores_params,
        key_ignores_inputs,
        key_sorted_input_hashes_without_names,
        key_joins_text_ambiguously,
        key_loses_types,
        key_returns_bytes,
        key_python_hash,
        key_ignores_param_names,
        key_ignores_input_names,
        key_is_the_json_text,
        key_str_of_python_hash,
        key_of_frozensets,
        key_of_a_set_of_items,
        key_numbers_as_floats,
        key_sorts_names_and_values_apart,
        key_flattens_params_and_inputs,
        key_writes_into_params,
        key_streams_without_separators,
        key_first_input_only,
        key_truncated_sha256,
        key_with_a_random_uuid,
        key_writes_into_input_hashes,
        key_sorts_params_only,
        key_sorts_inputs_only,
        key_frozenset_of_inputs,
        key_frozenset_of_params,
    ],
    "check_retry": [
        retry_constant_delay,
        retry_linear_delay,
        retry_first_delay_doubled,
        retry_one_attempt_too_few,
        retry_one_attempt_too_many,
        retry_swallows_last_error,
        retry_wraps_last_error,
        retry_sleeps_after_last_failure,
        retry_sleeps_before_first_call,
        retry_reraises_first_error,
        retry_with_time_sleep,
        retry_raises_a_copy,
        retry_forever,
        retry_forever_bare_except,
        retry_never_counts_down,
        retry_power_of_base,
        retry_returns_the_exception,
        retry_zero_means_one,
        retry_integer_delays,
        retry_forgets_return,
        retry_ignores_base_delay,
    ],
    "check_best_run": [
        best_ignores_budget,
        best_strict_budget,
        best_hard_codes_accuracy,
        best_first_of_ties,
        best_fastest_run,
        best_missing_latency_counts_as_zero,
        best_raises_when_nothing_qualifies,
        best_returns_index_label,
        best_fills_callers_nans,
        best_max_over_nan_metric,
        best_sorts_missing_scores_first,
        best_ties_by_run_id,
        best_last_of_ties,
        best_ties_by_param,
        best_dropna_on_every_column,
        best_weighted_score,
        best_both_descending,
        best_checks_only_the_top_run,
        best_empty_string_for_none,
        best_returns_a_series,
        best_hard_codes_the_budget,
    ],
}
RIGHT = {
    "check_topological_order": [
        order_kahn_by_hand,
        order_dfs_three_colours,
        order_graphlib_add,
        order_by_longest_path,
    ],
    "check_cache_key": [
        key_blake2_of_sorted_repr,
        key_pickle_of_sorted_items,
        key_repr_of_sorted_reprs,
        key_plain_sorted_json,
        key_md5_upper_case,
        key_strict_type_tags,
    ],
    "check_retry": [
        retry_recursive,
        retry_while_loop,
        retry_raises_after_the_loop,
        retry_raise_from_none_after_loop,
    ],
    "check_best_run": [
        best_plain_python,
        best_query_and_nlargest,
        best_dropna_then_filter,
        best_nlargest_keep_all,
        best_numpy_lexsort,
    ],
}
