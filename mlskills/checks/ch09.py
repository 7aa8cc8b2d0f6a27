"""Checks for the exercises of Chapter 9: Complementary programming skills.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch09_wrong_answers.py. Time is always fake here:
the retry and circuit-breaker checks pass a recording ``sleep`` and a hand-moved clock, so
no check ever waits for real.
"""

from __future__ import annotations

import ast
import inspect
import random
import sys
import textwrap
import types
from pathlib import Path

import numpy as np

from mlskills.checks import Fail, call, check, short
from mlskills.measure import FakeClock

#: Seconds each check may take. Every check here runs in well under 0.1 s with a right
#: answer (time is fake), so 2 s is generous and an answer that never returns is stopped fast.
BUDGET_S = 2.0


def _run(description: str, thunk):
    """Run ``thunk()`` (which uses the learner's code) and name ``description`` if it raises."""
    try:
        return call(thunk)
    except Fail as exc:
        # call() names the thunk ("<lambda>() raised ..."); name what the learner's code was doing instead
        head, sep, rest = str(exc).partition("() ")
        raise Fail(f"{description} {rest}" if sep and "(" not in head else str(exc)) from exc


# ---------------------------------------------------------------- Exercise 1: seeded
def _draws() -> tuple[float, float]:
    return random.random(), float(np.random.random())


class _BodyError(Exception):
    """Raised inside the with-block by the check."""


@check(budget_s=BUDGET_S)
def check_seeded(fn):
    # 1. the block draws what the given seed gives, for both generators
    for seed in (3, 11):
        random.seed(1000 + seed)
        np.random.seed(1000 + seed)

        def block(seed=seed):
            with fn(seed):
                return _draws()

        got = _run(f"with seeded({seed})", block)
        want = (random.Random(seed).random(), float(np.random.RandomState(seed).random_sample()))
        if not isinstance(got, tuple) or got[0] != want[0]:
            raise Fail(
                f"inside seeded({seed}), random.random() should give what random.seed({seed}) gives ({want[0]:.6f}), got {got[0]:.6f}"
            )
        if got[1] != want[1]:
            raise Fail(
                f"inside seeded({seed}), np.random.random() should give what np.random.seed({seed}) gives ({want[1]:.6f}), "
                f"got {got[1]:.6f}: the check draws from NumPy's global generator"
            )

    # 2. both states are restored after a normal exit, and 3. after the body raised
    for raises in (False, True):
        random.seed(77)
        np.random.seed(77)
        expected = _draws()
        random.seed(77)
        np.random.seed(77)

        def block(raises=raises):
            try:
                with fn(5):
                    _draws()
                    if raises:
                        raise _BodyError("raised by the check inside the with-block")
            except _BodyError:
                return "propagated"
            return "no exception"

        outcome = _run("with seeded(5)", block)
        when = "after the with-block raised" if raises else "after the with-block"
        if raises and outcome != "propagated":
            raise Fail(
                "an exception raised inside `with seeded(5):` disappeared; a context manager must let it propagate"
            )
        after = _draws()
        if after[0] != expected[0]:
            raise Fail(
                f"{when}, random.random() should continue the caller's sequence ({expected[0]:.6f}), got {after[0]:.6f}: "
                "restore Python's generator to the state it had before the block"
                + (", also when the body raises" if raises else "")
            )
        if after[1] != expected[1]:
            raise Fail(
                f"{when}, np.random.random() should continue the caller's sequence ({expected[1]:.6f}), got {after[1]:.6f}: "
                "restore NumPy's global generator to the state it had before the block"
                + (", also when the body raises" if raises else "")
            )

    # 4. nesting: the inner block restores the outer block's sequence
    def nested():
        with fn(8):
            first = _draws()
            with fn(9):
                _draws()
            second = _draws()
        return first, second

    random.seed(41)
    np.random.seed(41)
    caller = _draws()
    random.seed(41)
    np.random.seed(41)
    first, second = _run("nested seeded(8) / seeded(9) blocks", nested)
    after = _draws()
    random.seed(8)
    np.random.seed(8)
    reference = (_draws(), _draws())
    if (first, second) != reference:
        raise Fail(
            "inside `with seeded(8):`, a nested `with seeded(9):` block should leave seed 8's sequence where it was, "
            f"got {short(second)} after it instead of {short(reference[1])}"
        )
    if after != caller:
        raise Fail(
            "after nested `with seeded(8):` and `with seeded(9):` blocks, the caller's sequence should continue with "
            f"{short(caller)}, got {short(after)}: each block must restore the state saved on its own entry"
        )
    return (
        "seeded(seed) seeds Python's and NumPy's global generators, restores both states on exit, "
        "also when the body raises (and lets the exception through), and nests"
    )


# ---------------------------------------------------------------- Exercise 2: retry
class _Flaky:
    """A fake remote call: fails ``failures`` times with ``error``, then returns a value."""

    def __init__(self, failures: int, error: type[Exception] = ConnectionError):
        self.failures, self.error, self.calls, self.seen = failures, error, 0, []

    def __call__(self, x, *, scale=1):
        self.calls += 1
        self.seen.append((x, scale))
        if self.calls <= self.failures:
            raise self.error(f"failure {self.calls}")
        return x * scale


def _decorate(fn, flaky, attempts, base_s, sleeps, **kwargs):
    def remote_call(x, *, scale=1):
        "Docstring of the decorated function."
        return flaky(x, scale=scale)

    decorator = _run(
        f"retry({attempts}, base_s={base_s}, sleep=...)",
        lambda: fn(attempts, base_s=base_s, sleep=sleeps.append, **kwargs),
    )
    if not callable(decorator):
        raise Fail(
            f"retry({attempts}, base_s={base_s}, sleep=...) should return a decorator (a function), got {short(decorator)}"
        )
    wrapped = _run("applying the decorator", lambda: decorator(remote_call))
    if not callable(wrapped):
        raise Fail(f"the decorator should return the wrapped function, got {short(wrapped)}")
    return wrapped


@check(budget_s=BUDGET_S)
def check_retry(fn):
    base = 0.25
    # succeeds after some failures: value, calls, waits
    for attempts, failures in ((4, 0), (4, 2), (4, 3), (3, 2)):
        flaky, sleeps = _Flaky(failures), []
        wrapped = _decorate(fn, flaky, attempts, base, sleeps)
        got = _run("the decorated function", lambda wrapped=wrapped: wrapped(6, scale=7))
        if flaky.seen and flaky.seen[0] != (6, 7):
            raise Fail(
                f"the decorated function was called with {short(flaky.seen[0])}, expected (6, scale=7): pass *args and **kwargs through"
            )
        if got != 42:
            raise Fail(
                f"with {failures} failure(s) then success, the decorated call f(6, scale=7) should return 42, got {short(got)}"
            )
        if flaky.calls != failures + 1:
            raise Fail(
                f"with {failures} failure(s) then success, the function should be called {failures + 1} times, "
                f"it was called {flaky.calls} times"
            )
        want = [base * 2**r for r in range(failures)]
        if len(sleeps) != len(want) or not np.allclose(sleeps, want):
            raise Fail(
                f"retry({attempts}, base_s={base}) with {failures} failure(s) before success should sleep {want} seconds, "
                f"it slept {short(sleeps)}; the wait doubles before each new attempt"
            )
    # gives up after `attempts` calls with the original exception and no final sleep
    for attempts, base in ((3, 0.1), (5, 0.5)):
        flaky, sleeps = _Flaky(99, TimeoutError), []
        wrapped = _decorate(fn, flaky, attempts, base, sleeps)

        def give_up(wrapped=wrapped):
            try:
                wrapped(1)
            except TimeoutError as exc:
                return exc
            return None

        raised = _run("the decorated function", give_up)
        if flaky.calls != attempts:
            raise Fail(
                f"retry({attempts}, ...) on a function that always fails should call it {attempts} times in all, "
                f"it called it {flaky.calls} times"
            )
        if raised is None:
            raise Fail(
                f"after {attempts} failed attempts the caller should get the last TimeoutError, but no exception came back"
            )
        if str(raised) != f"failure {attempts}":
            raise Fail(
                f"after {attempts} failed attempts the caller should get the last error ('failure {attempts}'), got '{raised}'"
            )
        if len(sleeps) != attempts - 1:
            raise Fail(
                f"retry({attempts}, ...) should sleep {attempts - 1} times between {attempts} attempts, it slept "
                f"{len(sleeps)} times: {short(sleeps)}"
            )
        want = [base * 2**r for r in range(attempts - 1)]
        if not np.allclose(sleeps, want):
            raise Fail(
                f"retry({attempts}, base_s={base}) on a function that always fails should sleep {want} seconds, "
                f"it slept {short(sleeps)}"
            )
        # a second call of the same decorated function gets all its attempts and waits again
        _run("a second call of the decorated function", give_up)
        if (
            flaky.calls != 2 * attempts
            or len(sleeps) != 2 * len(want)
            or not np.allclose(sleeps, want * 2)
        ):
            raise Fail(
                f"a second call of the same decorated function should again make {attempts} attempts and sleep {want}, "
                f"it made {flaky.calls - attempts} and slept {short(sleeps[attempts - 1 :])}: keep the count of attempts "
                "inside the wrapper, so that every call starts afresh"
            )
    # does not retry errors that are not transient; honours retry_on
    base = 0.25
    for error, retry_on, should_retry in (
        (ValueError, (ConnectionError, TimeoutError), False),
        (KeyError, (KeyError,), True),
        (ConnectionError, (KeyError,), False),
        (ConnectionResetError, (ConnectionError, TimeoutError), True),
    ):
        flaky, sleeps = _Flaky(1, error), []
        wrapped = _decorate(fn, flaky, 3, base, sleeps, retry_on=retry_on)

        def once(wrapped=wrapped, error=error):
            try:
                return wrapped(2)
            except error:
                return "raised"

        result = _run("the decorated function", once)
        names = tuple(e.__name__ for e in retry_on)
        if should_retry and (result != 2 or flaky.calls != 2):
            parent = next((e for e in retry_on if e is not error and issubclass(error, e)), None)
            kind = f" (it is a kind of {parent.__name__})" if parent else ""
            raise Fail(
                f"with retry_on={names}, a {error.__name__}{kind} should be retried: expected 2 calls and the value 2, "
                f"got {flaky.calls} call(s) and {short(result)}"
            )
        if not should_retry and (result != "raised" or flaky.calls != 1 or sleeps):
            raise Fail(
                f"with retry_on={names}, a {error.__name__} is not transient: it should be raised at once after 1 call, "
                f"got {flaky.calls} call(s), {len(sleeps)} sleep(s) and {short(result)}"
            )
    # functools.wraps
    wrapped = _decorate(fn, _Flaky(0), 2, base, [])
    if getattr(wrapped, "__name__", None) != "remote_call" or getattr(wrapped, "__doc__", None) != (
        "Docstring of the decorated function."
    ):
        raise Fail(
            f"the decorated function is called {getattr(wrapped, '__name__', None)!r} with docstring "
            f"{short(getattr(wrapped, '__doc__', None))}; keep the original name and docstring (see the chapter)"
        )
    return (
        "retry returns the value, waits base_s·2^r between attempts via sleep, re-raises the last error after "
        "`attempts` calls (counted afresh on every call), retries only retry_on and its subclasses, and keeps the name and docstring"
    )


# ---------------------------------------------------------------- Exercise 3: registry
def _subclass(base, name: str, key=None, parent=None, body=None):
    kwds = {} if key is None else {"key": key}
    namespace = dict(body or {})
    return types.new_class(name, (parent or base,), kwds, lambda ns: ns.update(namespace))


class _Params:
    def __init__(self, **params):
        self.params = params


@check(budget_s=BUDGET_S)
def check_make_registry(fn):
    Plugin = _run("make_registry()", lambda: fn())
    if not isinstance(Plugin, type):
        raise Fail(f"make_registry() should return a class, got {short(Plugin)}")
    if not isinstance(getattr(Plugin, "registry", None), dict):
        raise Fail(
            f"the returned class should have a dict attribute `registry`, got {short(getattr(Plugin, 'registry', None))}"
        )
    if Plugin.registry:
        raise Fail(f"a new registry should start empty, got {short(Plugin.registry)}")
    init = {"__init__": _Params.__init__}
    Mean = _run(
        "class Mean(Plugin, key='mean')", lambda: _subclass(Plugin, "Mean", "mean", body=init)
    )
    Median = _run(
        "class Median(Plugin, key='median')",
        lambda: _subclass(Plugin, "Median", "median", body=init),
    )
    if Plugin.registry.get("mean") is not Mean or Plugin.registry.get("median") is not Median:
        raise Fail(
            f"after defining Mean (key 'mean') and Median (key 'median'), registry should map each key to its class, "
            f"got {short({k: getattr(v, '__name__', v) for k, v in Plugin.registry.items()})}"
        )
    # an intermediate base class without a key is not registered; its subclasses are
    Robust = _run(
        "class Robust(Plugin) without a key", lambda: _subclass(Plugin, "Robust", body=init)
    )
    Trimmed = _run(
        "class Trimmed(Robust, key='trimmed')",
        lambda: _subclass(Plugin, "Trimmed", "trimmed", parent=Robust),
    )
    if (
        set(Plugin.registry) != {"mean", "median", "trimmed"}
        or Plugin.registry.get("trimmed") is not Trimmed
    ):
        raise Fail(
            "after also defining Robust(Plugin) without a key and Trimmed(Robust, key='trimmed'), the registry keys "
            f"should be ['mean', 'median', 'trimmed'], got {short(sorted(map(str, Plugin.registry)))}"
        )

    # a duplicate key raises ValueError and keeps the first class
    def duplicate():
        try:
            _subclass(Plugin, "Average", "mean")
        except Exception as exc:  # noqa: BLE001 - name whatever the learner raised
            return type(exc).__name__
        return "no error"

    raised = _run("defining a second class with key 'mean'", duplicate)
    if raised != "ValueError":
        raise Fail(
            f"defining a second class with the taken key 'mean' should raise ValueError, got {raised}"
        )
    if Plugin.registry.get("mean") is not Mean:
        raise Fail(
            f"after the rejected duplicate, 'mean' should still map to Mean, got {short(getattr(Plugin.registry.get('mean'), '__name__', None))}"
        )
    # create
    made = _run("Plugin.create('median', window=5)", lambda: Plugin.create("median", window=5))
    if not isinstance(made, Median):
        raise Fail(
            f"Plugin.create('median', window=5) should return a Median instance, got {short(made)}"
        )
    if getattr(made, "params", None) != {"window": 5}:
        raise Fail(
            f"Plugin.create('median', window=5) should pass window=5 to the class, the instance got {short(getattr(made, 'params', None))}"
        )

    def unknown():
        try:
            Plugin.create("mode")
        except KeyError as exc:
            return exc
        return None

    error = _run("Plugin.create('mode')", unknown)
    if error is None:
        raise Fail("Plugin.create('mode') for an unknown key should raise KeyError, it did not")
    text = str(error)
    if not all(k in text for k in ("mode", "mean", "median", "trimmed")):
        raise Fail(
            f"the KeyError for the unknown key 'mode' should name it and the keys that are registered, so the user can fix a typo; got {text}"
        )
    # each call makes an independent registry, and leaves the first one alone
    Other = _run("a second make_registry()", lambda: fn())
    first_keys = sorted(map(str, Plugin.registry))
    other_registry = getattr(Other, "registry", None)
    if Other is Plugin or other_registry is Plugin.registry:
        raise Fail(
            "a second make_registry() should return a new class with a registry of its own, got the same one"
        )
    if first_keys != ["mean", "median", "trimmed"]:
        raise Fail(
            f"calling make_registry() again changed the first registry: its keys became {short(first_keys)}; "
            "each call should create its own dict"
        )
    if other_registry != {}:
        raise Fail(
            f"a second make_registry() should start with an empty registry, got {short(other_registry)}"
        )
    return (
        "make_registry returns a fresh base class whose keyed subclasses (at any depth) register themselves, "
        "rejects duplicate keys, creates instances with keyword arguments and names the known keys for an unknown one"
    )


# ---------------------------------------------------------------- Exercise 4: vectorise
def _loop_reference(X, C):
    labels, distances = [], []
    for row in np.asarray(X, float):
        d = ((row - np.asarray(C, float)) ** 2).sum(axis=1)
        labels.append(int(np.argmin(d)))
        distances.append(float(d.min()))
    return np.array(labels, dtype=np.int64), np.array(distances)


_HIDDEN_LOOPS = {"vectorize", "apply_along_axis", "frompyfunc", "map"}


def _row_loop(fn) -> str | None:
    """A description of a Python loop over the rows of X in fn's source, or None."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None  # source unavailable (built in, or defined in a way inspect cannot read)
    func = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.Lambda))), None)
    if func is None or not func.args.args:
        return None
    x_name = func.args.args[0].arg
    for node in ast.walk(func):
        if isinstance(node, ast.While):
            return "a while loop"
        iters = []
        if isinstance(node, ast.For):
            iters = [node.iter]
        elif isinstance(node, ast.comprehension):
            iters = [node.iter]
        for it in iters:
            names = {n.id for n in ast.walk(it) if isinstance(n, ast.Name)}
            if x_name in names:
                return f"a Python loop over {ast.unparse(it)}"
        if isinstance(node, ast.Call):
            name = (
                node.func.attr
                if isinstance(node.func, ast.Attribute)
                else getattr(node.func, "id", "")
            )
            if name in _HIDDEN_LOOPS and any(
                isinstance(n, ast.Name) and n.id == x_name for a in node.args for n in ast.walk(a)
            ):
                return f"{name}(), which loops in Python"
    return None


_LIBRARY_PREFIXES = tuple(
    str(Path(p).resolve())
    for p in {sys.prefix, sys.base_prefix, Path(__file__).resolve().parents[1]}
)


def _python_lines(fn, X, C) -> int:
    """How many lines of Python outside the libraries fn(X, C) runs (the learner's own code)."""
    count = 0

    def local(frame, event, arg):  # noqa: ARG001 - the signature sys.settrace requires
        nonlocal count
        if event == "line":
            count += 1
        return local

    def tracer(frame, event, arg):  # noqa: ARG001
        filename = frame.f_code.co_filename
        if filename.startswith("<frozen") or str(Path(filename).resolve()).startswith(
            _LIBRARY_PREFIXES
        ):
            return None
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        fn(X, C)
    finally:
        sys.settrace(previous)
    return count


def _lines_per_row(fn) -> float:
    """Extra lines of the learner's Python run per extra row of X (0 for broadcasting code)."""
    rng = np.random.default_rng(5)
    C = rng.normal(size=(3, 2))
    small, large = rng.normal(size=(4, 2)), rng.normal(size=(68, 2))
    return (call(_python_lines, fn, large, C) - call(_python_lines, fn, small, C)) / 64


@check(budget_s=BUDGET_S)
def check_nearest_centroid_numpy(fn):
    rng = np.random.default_rng(9)
    cases = []
    for n, k, d in ((50, 4, 3), (200, 10, 64), (1, 1, 1), (30, 1, 5), (25, 6, 1)):
        cases.append((f"X {n}×{d}, C {k}×{d}", rng.normal(size=(n, d)), rng.normal(size=(k, d))))
    C_tie = rng.normal(size=(3, 4))
    C_tie = np.vstack([C_tie, C_tie[1]])  # centroid 3 duplicates centroid 1
    cases.append(("C with a duplicated centroid (a tie)", rng.normal(size=(40, 4)), C_tie))
    X_exact = np.vstack([C_tie[1], C_tie[0]])
    cases.append(("rows equal to a duplicated centroid", X_exact, C_tie))
    cases.append(
        (
            "uint8 pixels (0..255)",
            rng.integers(0, 256, size=(20, 8)).astype(np.uint8),
            rng.integers(0, 256, size=(5, 8)).astype(np.uint8),
        )
    )
    cases.append(("empty X (0 rows)", np.empty((0, 3)), rng.normal(size=(4, 3))))
    for what, X, C in cases:
        X_before, C_before = X.copy(), C.copy()
        got = call(fn, X, C)
        if not (isinstance(got, tuple) and len(got) == 2):
            raise Fail(f"for {what}, return a tuple (labels, distances), got {short(got)}")
        labels, distances = (np.asarray(v) for v in got)
        if not (np.array_equal(X, X_before) and np.array_equal(C, C_before)):
            raise Fail(f"for {what}, your function changed its input arrays; compute on new arrays")
        want_labels, want_d = _loop_reference(X, C)
        if labels.shape != want_labels.shape or distances.shape != want_d.shape:
            raise Fail(
                f"for {what}, labels and distances should both have shape {want_labels.shape}, "
                f"got {labels.shape} and {distances.shape}"
            )
        if len(labels) and not np.issubdtype(labels.dtype, np.integer):
            raise Fail(
                f"for {what}, labels should be integer indices into C, got dtype {labels.dtype}"
            )
        if not np.array_equal(labels, want_labels):
            i = int(np.flatnonzero(labels != want_labels)[0])
            tie = (
                "; on a tie the loop keeps the lowest index"
                if "tie" in what or "duplicated" in what
                else ""
            )
            raise Fail(
                f"for {what}, row {i} should get label {want_labels[i]}, got {labels[i]}{tie}"
            )
        if not np.allclose(distances, want_d, rtol=1e-9, atol=1e-9):
            i = int(np.argmax(np.abs(distances - want_d)))
            raise Fail(
                f"for {what}, row {i} should have squared distance {want_d[i]:.6g} to its nearest centroid, got {distances[i]:.6g}"
                if f"{want_d[i]:.6g}" != f"{distances[i]:.6g}"
                else f"for {what}, row {i} should have squared distance {float(want_d[i])!r}, got {float(distances[i])!r}: "
                "close, but not within 1e-9; compute in float64"
            )
    per_row = _lines_per_row(fn)
    if per_row >= 0.5:
        loop = _row_loop(fn) or "a Python loop over the rows of X"
        raise Fail(
            f"the results are right, but the function uses {loop}: your own Python code runs about "
            f"{per_row:.0f} more line(s) for every extra row; let NumPy broadcast over the rows instead"
        )
    return (
        "nearest_centroid_numpy matches the loop's labels (ties to the lowest index) and squared distances on 9 inputs, "
        "including empty, uint8 and one-centroid cases, without a Python loop over rows or changing its inputs"
    )


# ---------------------------------------------------------------- Exercise 6: circuit breaker
class _Dependency:
    """A fake feature service: ``healthy`` decides whether a call succeeds.

    A failing call raises a different kind of error each time (refused, timed out, a bad
    reply), as a real dependency does: a breaker counts them all.
    """

    ERRORS = (
        (ConnectionError, "feature service down"),
        (TimeoutError, "no reply within the timeout"),
        (ValueError, "reply is not valid JSON"),
    )

    def __init__(self):
        self.healthy, self.calls, self.failures = True, 0, 0

    def __call__(self, x):
        self.calls += 1
        if not self.healthy:
            self.failures += 1
            error, message = self.ERRORS[(self.failures - 1) % len(self.ERRORS)]
            raise error(message)
        return x * 10


class _Escaped:
    """The dependency's exception came out of the learner's guarded function."""

    def __init__(self, error: Exception):
        self.error = error


def _fallback(x):
    return -x


@check(budget_s=BUDGET_S)
def check_make_breaker(fn):
    for threshold, reset in ((3, 5.0), (2, 1.5)):
        dep, clock = _Dependency(), FakeClock(100.0)
        guarded = _run(
            f"make_breaker(fn, failure_threshold={threshold}, reset_after_s={reset}, ...)",
            lambda dep=dep, clock=clock, threshold=threshold, reset=reset: fn(
                dep,
                failure_threshold=threshold,
                reset_after_s=reset,
                clock=clock,
                fallback=_fallback,
            ),
        )
        if not callable(guarded):
            raise Fail(f"make_breaker should return a function, got {short(guarded)}")

        def use(x, guarded=guarded):
            def attempt():
                try:
                    return guarded(x)
                except Exception as exc:
                    if (type(exc), str(exc)) in _Dependency.ERRORS:  # the dependency's own error
                        return _Escaped(exc)
                    raise

            got = _run(f"guarded({x})", attempt)
            if isinstance(got, _Escaped):
                raise Fail(
                    f"the dependency raised {type(got.error).__name__} and guarded({x}) let it reach the caller: "
                    f"any exception from fn should give fallback({x}) and count as a failure"
                )
            return got

        setting = f"failure_threshold={threshold}"
        first = use(4)
        if first != 40 or dep.calls != 1:
            raise Fail(
                f"while the dependency is healthy, guarded(4) should return its answer 40 after one call, "
                f"got {short(first)} after {dep.calls} call(s)"
            )
        # failures below the threshold, then a success resets the count
        dep.healthy = False
        for i in range(threshold - 1):
            got = use(i + 1)
            if got != -(i + 1):
                raise Fail(
                    f"when the dependency raises, guarded({i + 1}) should return fallback({i + 1}) = {-(i + 1)}, got {short(got)}"
                )
        dep.healthy = True
        if use(5) != 50:
            raise Fail(
                f"with {setting}, {threshold - 1} failure(s) must not open the breaker: guarded(5) should return 50"
            )
        dep.healthy = False
        calls_before = dep.calls
        for _ in range(threshold - 1):
            use(1)
            clock.advance(
                reset * 0.4
            )  # failures spread over time: the pause starts when the breaker opens
        if dep.calls != calls_before + threshold - 1:
            raise Fail(
                f"with {setting}, a success should reset the count of consecutive failures; the breaker opened after "
                f"{dep.calls - calls_before} new failure(s)"
            )
        use(1)  # the threshold-th consecutive failure opens it
        calls_before = dep.calls
        clock.advance(reset * 0.5)
        got = use(7)
        if dep.calls != calls_before:
            raise Fail(
                f"with {setting}, {threshold} consecutive failures should open the breaker for reset_after_s={reset} from that "
                f"moment, but {reset * 0.5:g} s after failure number {threshold} the next call still reached the dependency"
            )
        if got != -7:
            raise Fail(
                f"while the breaker is open, guarded(7) should return fallback(7) = -7 at once, got {short(got)}"
            )
        # after reset_after_s: one trial; a failed trial reopens and restarts the pause
        clock.advance(reset * 0.5 + 0.01)
        use(8)
        if dep.calls != calls_before + 1:
            raise Fail(
                f"reset_after_s={reset} after opening (on the clock you were given), the next call should be a single "
                f"trial call to the dependency, it made {dep.calls - calls_before} call(s)"
            )
        calls_before = dep.calls
        clock.advance(reset * 0.9)
        use(9)
        if dep.calls != calls_before:
            raise Fail(
                "a failed trial call should open the breaker again for a full reset_after_s; the dependency was called "
                f"{reset * 0.9:g} s later"
            )
        # a successful trial closes it
        clock.advance(reset * 0.2)
        dep.healthy = True
        got = use(3)
        if got != 30:
            raise Fail(
                f"after the pause, with the dependency healthy again, the trial guarded(3) should return 30, got {short(got)}"
            )
        dep.healthy = False
        calls_before = dep.calls
        for _ in range(threshold - 1):
            use(1)
        if dep.calls != calls_before + threshold - 1:
            raise Fail(
                f"a successful trial should close the breaker with a fresh count: {threshold - 1} new failure(s) must all reach "
                f"the dependency, {dep.calls - calls_before} did"
            )
    return (
        "make_breaker passes calls through while healthy, opens after exactly failure_threshold consecutive failures "
        "(of any exception type), "
        "answers with the fallback while open, makes one trial after reset_after_s on the given clock, "
        "closes on success and reopens on failure"
    )


# ---------------------------------------------------------------- Exercise 5: find_calls
_CALLS_MODULE = """# np.product is deprecated: do not call np.product(...) in new code
import numpy as np


def total(values, model, other):
    note = "np.product(values) was the old way"
    alias = np.product  # a reference, not a call
    a = np.product(values) + np.product(values[::-1])
    b = float(abs(np.product(
        values)))
    print(np.product(np.abs(values)), other.product(values))
    return model.scaler.fit_transform(values), old_scale(values), make()(values)


class Pipeline:
    def run(self, x):
        return [old_scale(v) for v in self.model.scaler.fit_transform(x)]

    def score(self, model, x):
        return old_scale(np.product(x)) + model.scaler.fit_transform(x)
"""
_CALLS_TARGETS = {"np.product", "old_scale", "model.scaler.fit_transform"}
_CALLS_EXPECTED = [
    (8, "np.product"),
    (8, "np.product"),
    (9, "np.product"),
    (11, "np.product"),
    (12, "model.scaler.fit_transform"),
    (12, "old_scale"),
    (17, "old_scale"),
    (20, "old_scale"),
    (20, "np.product"),
    (20, "model.scaler.fit_transform"),
]


def _unpack_calls(result, what: str) -> list:
    if not isinstance(result, list) or not all(
        isinstance(r, tuple) and len(r) == 2 and isinstance(r[0], int) and isinstance(r[1], str)
        for r in result
    ):
        raise Fail(
            f"find_calls({what}) should return a list of (line, name) tuples, got {short(result)}"
        )
    return result


@check(budget_s=BUDGET_S)
def check_find_calls(fn):
    got = _unpack_calls(call(fn, "", {"np.product"}), "an empty module")
    if got:
        raise Fail(f"an empty module has no calls, got {short(got)}")
    got = _unpack_calls(call(fn, _CALLS_MODULE, _CALLS_TARGETS), "the check's module")
    expected = _CALLS_EXPECTED
    if got == expected:
        pass
    elif sorted(got) == sorted(expected):
        line = next(g[0] for g, e in zip(got, expected, strict=True) if g != e)
        raise Fail(
            f"the calls are right but not in source order: on line {line} expected "
            f"{short([e for e in expected if e[0] == line])}, got {short([g for g in got if g[0] == line])}; "
            "sort by line, then by position in the line"
        )
    else:
        extra = [g for g in got if g not in expected]
        lines = _CALLS_MODULE.splitlines()
        if any(line == 1 or line == 6 for line, _ in extra):
            raise Fail(
                f"you reported {short(extra)}: line 1 is a comment and line 6 a string; report only real calls in the code"
            )
        if any(line == 7 for line, _ in extra):
            raise Fail(
                "line 7 mentions np.product without calling it (alias = np.product): report calls only"
            )
        if any(line == 10 for line, _ in extra):
            raise Fail(
                "the call to np.product on line 9 continues onto line 10; report the line where the call starts"
            )
        wrong_names = [(line, name) for line, name in extra if name not in _CALLS_TARGETS]
        if wrong_names:
            raise Fail(
                f"you reported {short(wrong_names)}, which is not one of the targets {short(sorted(_CALLS_TARGETS))}: "
                "compare the whole dotted name, not a part or an ending of it"
            )
        excess = sorted({e for e in got if got.count(e) > expected.count(e)})
        if excess:
            line, name = excess[0]
            raise Fail(
                f"you reported ({line}, {name!r}) {got.count(excess[0])} times, but line {line} calls {name} "
                f"{expected.count(excess[0])} time(s): something else on that line matched; compare the whole dotted name"
            )
        missing = [e for e in expected if e not in got or got.count(e) < expected.count(e)]
        if missing:
            where = ", ".join(f"line {line}: {name}" for line, name in missing[:3])
            hint = {
                8: "two calls on one line are two results",
                11: "look inside the arguments of other calls too",
                12: "a target can be a plain name or a longer dotted name",
                17: "look inside functions, classes and comprehensions, not only top-level statements",
                20: "look inside the arguments of other calls too",
            }
            reasons = sorted({hint[line] for line, _ in missing if line in hint})
            raise Fail(
                f"missing {where} (source line: {lines[missing[0][0] - 1].strip()!r}); "
                + "; ".join(reasons)
            )
        raise Fail(f"expected {short(expected)}, got {short(got)}")
    got = _unpack_calls(call(fn, _CALLS_MODULE, {"product"}), "the same module, target 'product'")
    if got:
        raise Fail(
            f"with the target 'product', nothing should be found (every call is np.product or other.product), got {short(got)}"
        )
    return (
        "find_calls reports every real call to the dotted names asked for, with the line it starts on, in source order: "
        "nested, repeated and multi-line calls included; comments, strings and bare references ignored"
    )
