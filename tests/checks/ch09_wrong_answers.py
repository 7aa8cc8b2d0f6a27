"""Plausible wrong answers (and right answers written differently) for the checks of Chapter 9.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). The wrong answers ablate one rule of each check's ✓ line at a time,
add the boundary cases learners hit, and include one answer that never returns. ``RIGHT``
holds correct answers written differently from the solution, which every check must accept.
"""

import ast
import contextlib
import functools
import random
import time
import types

import numpy as np

from tests.checks import never_returns


# ---------------------------------------------------------------- Exercise 1: seeded
@contextlib.contextmanager
def seeded_python_only(seed):
    """Seeds and restores Python's generator but forgets NumPy's."""
    saved = random.getstate()
    random.seed(seed)
    try:
        yield
    finally:
        random.setstate(saved)


@contextlib.contextmanager
def seeded_numpy_only(seed):
    """Seeds and restores NumPy's global generator but forgets Python's."""
    saved = np.random.get_state()
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)


@contextlib.contextmanager
def seeded_default_rng(seed):
    """Creates np.random.default_rng(seed), which does not seed the global generator."""
    saved = random.getstate()
    random.seed(seed)
    np.random.default_rng(seed)
    try:
        yield
    finally:
        random.setstate(saved)


@contextlib.contextmanager
def seeded_restores_python_only(seed):
    """Seeds both, restores only Python's generator."""
    saved = random.getstate()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(saved)


@contextlib.contextmanager
def seeded_restores_numpy_only(seed):
    """Seeds both, restores only NumPy's generator."""
    saved = np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        np.random.set_state(saved)


@contextlib.contextmanager
def seeded_without_finally(seed):
    """Restores after a normal exit only: an exception in the body skips the restore."""
    saved = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    yield
    random.setstate(saved[0])
    np.random.set_state(saved[1])


@contextlib.contextmanager
def seeded_saves_after_seeding(seed):
    """Saves the state after seeding, so it 'restores' the seeded state."""
    random.seed(seed)
    np.random.seed(seed)
    saved = random.getstate(), np.random.get_state()
    try:
        yield
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])


@contextlib.contextmanager
def seeded_reseeds_on_exit(seed):
    """Reseeds from the OS on exit instead of restoring the caller's state."""
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.seed()
        np.random.seed()


@contextlib.contextmanager
def seeded_swallows_errors(seed):
    """Restores both states but catches and hides the body's exception."""
    saved = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    except Exception:
        pass
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])


@contextlib.contextmanager
def seeded_fixed_seed(seed):
    """Ignores the argument and always seeds with 0."""
    saved = random.getstate(), np.random.get_state()
    random.seed(0)
    np.random.seed(0)
    try:
        yield
    finally:
        random.setstate(saved[0])
        np.random.set_state(saved[1])


@contextlib.contextmanager
def seeded_global_saved_state(seed, _saved={}):  # noqa: B006 - the mistake is the shared default
    """Keeps the saved state in one shared slot, so nested blocks overwrite the outer one's."""
    _saved["state"] = random.getstate(), np.random.get_state()
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(_saved["state"][0])
        np.random.set_state(_saved["state"][1])


@contextlib.contextmanager
@never_returns
def seeded_never_returns(seed):
    """Spins forever while 'waiting' for the generators."""
    while True:
        pass
    yield  # pragma: no cover


class SeededClass:
    """Right, written as a class with __enter__/__exit__ (and an extra torch-free design)."""

    def __init__(self, seed):
        self.seed = seed

    def __enter__(self):
        self.saved = (random.getstate(), np.random.get_state())
        random.seed(self.seed)
        np.random.seed(self.seed)
        return self

    def __exit__(self, *exc):
        random.setstate(self.saved[0])
        np.random.set_state(self.saved[1])
        return False


@contextlib.contextmanager
def seeded_with_exitstack(seed):
    """Right, with an ExitStack of callbacks."""
    with contextlib.ExitStack() as stack:
        stack.callback(np.random.set_state, np.random.get_state())
        stack.callback(random.setstate, random.getstate())
        random.seed(seed)
        np.random.seed(seed)
        yield


# ---------------------------------------------------------------- Exercise 2: retry
def retry_constant_wait(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Waits base_s every time: no exponential backoff."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts - 1:
                        raise
                    sleep(base_s)

        return wrapper

    return decorate


def retry_backoff_off_by_one(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Starts the backoff at base_s·2 instead of base_s."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts - 1:
                        raise
                    sleep(base_s * 2 ** (attempt + 1))

        return wrapper

    return decorate


def retry_sleeps_after_last(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Sleeps after every failure, including the last one, before re-raising."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    sleep(base_s * 2**attempt)
                    if attempt == attempts - 1:
                        raise

        return wrapper

    return decorate


def retry_every_exception(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Retries any Exception, bugs included (ignores retry_on)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except Exception:
                    if attempt == attempts - 1:
                        raise
                    sleep(base_s * 2**attempt)

        return wrapper

    return decorate


def retry_hardcoded_errors(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Retries ConnectionError and TimeoutError whatever retry_on says."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except (ConnectionError, TimeoutError):
                    if attempt == attempts - 1:
                        raise
                    sleep(base_s * 2**attempt)

        return wrapper

    return decorate


def retry_returns_none(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Swallows the last failure and returns None."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt < attempts - 1:
                        sleep(base_s * 2**attempt)
            return None

        return wrapper

    return decorate


def retry_raises_new_error(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Replaces the real error with a generic RuntimeError."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt < attempts - 1:
                        sleep(base_s * 2**attempt)
            raise RuntimeError(f"gave up after {attempts} attempts")

        return wrapper

    return decorate


def retry_one_attempt_too_many(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Counts retries, not attempts: makes attempts + 1 calls."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts + 1):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts:
                        raise
                    sleep(base_s * 2**attempt)

        return wrapper

    return decorate


def retry_without_wraps(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Right behaviour, but the wrapper hides the function's name and docstring."""

    def decorate(fn):
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts - 1:
                        raise
                    sleep(base_s * 2**attempt)

        return wrapper

    return decorate


def retry_drops_kwargs(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Passes only the positional arguments through."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args)
                except retry_on:
                    if attempt == attempts - 1:
                        raise
                    sleep(base_s * 2**attempt)

        return wrapper

    return decorate


def retry_real_sleep(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Calls time.sleep directly instead of the sleep it was given (so tests wait for real)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts - 1:
                        raise
                    time.sleep(base_s * 2**attempt / 1000)  # scaled down so the test stays fast

        return wrapper

    return decorate


def retry_sleeps_first(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Sleeps before every attempt, the first one included."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                sleep(base_s * 2**attempt)
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts - 1:
                        raise

        return wrapper

    return decorate


@never_returns
def retry_never_returns(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Busy-waits on the wall clock instead of calling sleep, and reads base_s as hours."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for attempt in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    if attempt == attempts - 1:
                        raise
                    until = time.monotonic() + base_s * 2**attempt * 3600
                    while time.monotonic() < until:
                        pass

        return wrapper

    return decorate


class RetryClass:
    """Right, as a class whose instances are decorators, counting down the attempts."""

    def __init__(
        self, attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
    ):
        self.attempts, self.base_s, self.retry_on, self.sleep = attempts, base_s, retry_on, sleep

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            wait, left = self.base_s, self.attempts
            while True:
                left -= 1
                try:
                    return fn(*args, **kwargs)
                except self.retry_on:
                    if left == 0:
                        raise
                    self.sleep(wait)
                    wait *= 2

        return wrapper


# ---------------------------------------------------------------- Exercise 3: make_registry
_SHARED = {}


def registry_shared_dict():
    """Every base class shares one module-level registry."""

    class Plugin:
        registry = _SHARED

        def __init_subclass__(cls, *, key=None, **kwargs):
            super().__init_subclass__(**kwargs)
            if key is None:
                return
            if key in Plugin.registry:
                raise ValueError(f"key {key!r} is taken")
            Plugin.registry[key] = cls

        @classmethod
        def create(cls, key, **kwargs):
            if key not in Plugin.registry:
                raise KeyError(f"no plugin {key!r}; registered: {sorted(Plugin.registry)}")
            return Plugin.registry[key](**kwargs)

    _SHARED.clear()  # looks fresh at first, but a second call wipes and shares the first one's dict
    return Plugin


def _registry(
    *,
    on_duplicate="raise",
    key_of=None,
    register_none=False,
    direct_only=False,
    create_passes_kwargs=True,
    create_returns_class=False,
    unknown="keyerror",
    overwrite_then_raise=False,
    duplicate_error=ValueError,
):
    """Builds a registry base class with one deliberate mistake, selected by the arguments."""

    class Plugin:
        registry = {}

        def __init_subclass__(cls, *, key=None, **kwargs):
            super().__init_subclass__(**kwargs)
            if direct_only and Plugin not in cls.__bases__:
                return
            if key is None and not register_none:
                return
            name = key_of(cls, key) if key_of else key
            if name in Plugin.registry and on_duplicate == "raise":
                if overwrite_then_raise:
                    Plugin.registry[name] = cls
                raise duplicate_error(f"key {name!r} is taken")
            Plugin.registry[name] = cls

        @classmethod
        def create(cls, key, **kwargs):
            if key not in Plugin.registry:
                if unknown == "none":
                    return None
                if unknown == "bare":
                    raise KeyError(key)
                raise KeyError(
                    f"no plugin {key!r}; registered: {sorted(map(str, Plugin.registry))}"
                )
            chosen = Plugin.registry[key]
            if create_returns_class:
                return chosen
            return chosen(**kwargs) if create_passes_kwargs else chosen()

    return Plugin


def registry_overwrites_duplicates():
    """A taken key is silently overwritten by the new class."""
    return _registry(on_duplicate="overwrite")


def registry_overwrites_then_raises():
    """Raises ValueError on a duplicate, but only after replacing the first class."""
    return _registry(overwrite_then_raise=True)


def registry_by_class_name():
    """Registers under the class name instead of the declared key."""
    return _registry(key_of=lambda cls, key: cls.__name__)


def registry_registers_intermediates():
    """Registers a subclass without a key under None."""
    return _registry(register_none=True)


def registry_direct_subclasses_only():
    """Registers only direct subclasses of the base, so grandchildren are missing."""
    return _registry(direct_only=True)


def registry_create_drops_kwargs():
    """create() builds the instance without the keyword arguments."""
    return _registry(create_passes_kwargs=False)


def registry_create_returns_class():
    """create() returns the class, not an instance."""
    return _registry(create_returns_class=True)


def registry_unknown_returns_none():
    """create() of an unknown key returns None instead of raising."""
    return _registry(unknown="none")


def registry_unknown_bare_keyerror():
    """create() of an unknown key raises KeyError with only the key: no list of what exists."""
    return _registry(unknown="bare")


def registry_not_a_dict():
    """Keeps the registry as a list of (key, class) pairs."""

    class Plugin:
        registry = []

        def __init_subclass__(cls, *, key=None, **kwargs):
            super().__init_subclass__(**kwargs)
            if key is not None:
                Plugin.registry.append((key, cls))

    return Plugin


@never_returns
def registry_never_returns():
    """Loops forever while building the base class."""
    while True:
        pass


class _RegistryMeta(type):
    """Right, with a metaclass: the base class gets its own registry; keyed classes join it."""

    def __new__(mcls, name, bases, namespace, key=None):
        cls = super().__new__(mcls, name, bases, namespace)
        if not bases:
            cls.registry = {}
        elif key is not None:
            if key in cls.registry:
                raise ValueError(f"{key!r} already registered")
            cls.registry[key] = cls
        return cls

    def __init__(cls, name, bases, namespace, key=None):
        super().__init__(name, bases, namespace)


def registry_with_metaclass():
    """Right: a fresh class built by a registering metaclass."""

    def create(cls, key, **kwargs):
        try:
            chosen = cls.registry[key]
        except KeyError:
            raise KeyError(f"{key!r} is not one of {', '.join(sorted(cls.registry))}") from None
        return chosen(**kwargs)

    return _RegistryMeta("Plugin", (), {"create": classmethod(create)})


def registry_with_types_new_class():
    """Right: __init_subclass__ with the registry looked up through the defining class's closure."""
    registry = {}

    def init_subclass(cls, key=None, **kwargs):
        if key is not None:
            if key in registry:
                raise ValueError(key)
            registry[key] = cls

    def create(cls, key, **kwargs):
        if key not in registry:
            raise KeyError(f"unknown {key}, known {list(registry)}")
        return registry[key](**kwargs)

    return types.new_class(
        "Plugin",
        (),
        {},
        lambda ns: ns.update(
            registry=registry,
            __init_subclass__=classmethod(init_subclass),
            create=classmethod(create),
        ),
    )


# ---------------------------------------------------------------- Exercise 4: nearest_centroid_numpy
def nc_euclidean(X, C):
    """Returns Euclidean distances (with the square root) instead of squared ones."""
    d = np.sqrt(((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2))
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_argmax(X, C):
    """Picks the farthest centroid (argmax)."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    labels = d.argmax(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_last_on_tie(X, C):
    """Breaks ties towards the highest index."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    k = d.shape[1]
    labels = k - 1 - d[:, ::-1].argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_wrong_axis(X, C):
    """Takes argmin over the rows (axis 0) instead of over the centroids."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    labels = d.argmin(axis=0)
    return labels, d.min(axis=0)


def nc_labels_only(X, C):
    """Returns the labels alone, not the (labels, distances) pair."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    return d.argmin(axis=1)


def nc_float_labels(X, C):
    """Returns labels as floats (from a float array of indices)."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    return labels.astype(float), d[np.arange(len(X)), labels]


def nc_mean_not_sum(X, C):
    """Averages the squared differences over features instead of summing them."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).mean(axis=2)
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_min_of_first_centroid(X, C):
    """Returns the distance to centroid 0 instead of to the chosen centroid."""
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    return d.argmin(axis=1), d[:, 0]


def nc_modifies_input(X, C):
    """Centres X in place (X -= ...) to save memory, changing the caller's array."""
    if X.dtype.kind == "f" and len(X):
        X -= 0.0 * X.mean()
        X[0, 0] += 1.0
        X[0, 0] -= 1.0 + 1e-3
    d = ((np.asarray(X, float)[:, None, :] - C) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_no_float_cast(X, C):
    """Computes in the input's dtype, so uint8 pixels wrap around in X - C."""
    d = ((X[:, None, :] - C) ** 2).sum(axis=2)
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_fails_on_empty(X, C):
    """Stacks per-row results, which fails for an X with no rows."""
    d = np.stack([((row - C) ** 2).sum(axis=1) for row in np.asarray(X, float)]) if len(X) else None
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


def nc_row_loop(X, C):
    """Right answers, but with a Python loop over the rows (not vectorised)."""
    labels, distances = [], []
    for row in np.asarray(X, float):
        d = ((row - C) ** 2).sum(axis=1)
        labels.append(int(d.argmin()))
        distances.append(float(d.min()))
    return np.array(labels, dtype=np.int64), np.array(distances, dtype=float)


def nc_apply_along_axis(X, C):
    """Hides the row loop in np.apply_along_axis."""
    X = np.asarray(X, float)
    if not len(X):
        return np.empty(0, np.int64), np.empty(0)
    d = np.apply_along_axis(lambda row: ((row - C) ** 2).sum(axis=1), 1, X)
    labels = d.argmin(axis=1)
    return labels, d[np.arange(len(X)), labels]


@never_returns
def nc_never_returns(X, C):
    """Waits for a convergence that never comes."""
    while True:
        pass


def nc_matmul_expansion(X, C):
    """Right: ||x||² − 2 x·c + ||c||², clipped at 0 (no n×k×d temporary)."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    d = (X**2).sum(axis=1)[:, None] - 2 * X @ C.T + (C**2).sum(axis=1)[None, :]
    d = np.maximum(d, 0.0)
    labels = np.argmin(d, axis=1)
    exact = ((X - C[labels]) ** 2).sum(axis=1)
    return labels, exact


def nc_loop_over_centroids(X, C):
    """Right: a Python loop over the few centroids, vectorised over all rows."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    best = np.zeros(len(X), dtype=np.int64)
    best_d = ((X - C[0]) ** 2).sum(axis=1)
    for j in range(1, len(C)):
        d = ((X - C[j]) ** 2).sum(axis=1)
        closer = d < best_d
        best[closer], best_d[closer] = j, d[closer]
    return best, best_d


# ---------------------------------------------------------------- Exercise 5: find_calls
def _dotted(node):
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def calls_text_search(source, targets):
    """Searches the text for 'name(' line by line: comments and strings count too."""
    found = []
    for number, line in enumerate(source.splitlines(), start=1):
        for target in sorted(targets):
            found += [(number, target)] * line.count(target + "(")
    return found


def calls_names_only(source, targets):
    """Looks only at plain names (ast.Name), so np.product(...) is never found."""
    found = [
        (n.lineno, n.col_offset, n.func.id)
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id in targets
    ]
    return [(line, name) for line, _, name in sorted(found)]


def calls_last_attribute(source, targets):
    """Compares only the last attribute (product), so other.product(...) matches np.product."""
    last = {t.split(".")[-1]: t for t in targets}
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Call):
            name = n.func.attr if isinstance(n.func, ast.Attribute) else getattr(n.func, "id", None)
            if name in last:
                found.append((n.lineno, n.col_offset, last[name]))
    return [(line, name) for line, _, name in sorted(found)]


def calls_suffix_match(source, targets):
    """Matches dotted names that end with a target, so self.model.scaler.fit_transform counts."""
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Call):
            name = _dotted(n.func)
            if name and any(name == t or name.endswith("." + t) for t in targets):
                found.append((n.lineno, n.col_offset, name))
    return [(line, name) for line, _, name in sorted(found)]


def calls_end_line(source, targets):
    """Reports the line where the call ends (end_lineno) instead of where it starts."""
    found = [
        (n.end_lineno, n.col_offset, _dotted(n.func))
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and _dotted(n.func) in targets
    ]
    return [(line, name) for line, _, name in sorted(found)]


def calls_top_level_only(source, targets):
    """Looks at calls in module- and function-level statements, not inside classes."""
    found = []
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.ClassDef):
            continue
        for n in ast.walk(statement):
            if isinstance(n, ast.Call) and _dotted(n.func) in targets:
                found.append((n.lineno, n.col_offset, _dotted(n.func)))
    return [(line, name) for line, _, name in sorted(found)]


def calls_references_too(source, targets):
    """Reports every mention of the name (ast.Attribute/ast.Name nodes), calls or not."""
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, (ast.Attribute, ast.Name)) and _dotted(n) in targets:
            found.append((n.lineno, n.col_offset, _dotted(n)))
    return [(line, name) for line, _, name in sorted(found)]


def calls_walk_order(source, targets):
    """Returns the calls in ast.walk's breadth-first order, not in source order."""
    return [
        (n.lineno, _dotted(n.func))
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and _dotted(n.func) in targets
    ]


def calls_deduplicated(source, targets):
    """Collects a set, so two identical calls on one line count once."""
    found = {
        (n.lineno, _dotted(n.func))
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and _dotted(n.func) in targets
    }
    return sorted(found)


def calls_not_nested(source, targets):
    """A NodeVisitor whose visit_Call forgets generic_visit, so calls inside calls are missed."""

    class Finder(ast.NodeVisitor):
        def __init__(self):
            self.found = []

        def visit_Call(self, node):
            if _dotted(node.func) in targets:
                self.found.append((node.lineno, node.col_offset, _dotted(node.func)))

    finder = Finder()
    finder.visit(ast.parse(source))
    return [(line, name) for line, _, name in sorted(finder.found)]


@never_returns
def calls_never_returns(source, targets):
    """Walks the tree with a work list it never empties."""
    work = [ast.parse(source)]
    while work:
        work.append(work[0])


def calls_with_unparse(source, targets):
    """Right: compares ast.unparse(call.func), and sorts by position."""
    found = []
    for n in ast.walk(ast.parse(source)):
        if isinstance(n, ast.Call) and isinstance(n.func, (ast.Name, ast.Attribute)):
            name = ast.unparse(n.func)
            if name in targets:
                found.append(((n.lineno, n.col_offset), name))
    found.sort(key=lambda item: item[0])
    return [(position[0], name) for position, name in found]


def calls_with_visitor(source, targets):
    """Right: a NodeVisitor that keeps visiting inside calls, visiting in source order."""

    class Finder(ast.NodeVisitor):
        def __init__(self):
            self.found = []

        def visit_Call(self, node):
            name = _dotted(node.func)
            if name in targets:
                self.found.append((node.lineno, node.col_offset, name))
            self.generic_visit(node)

    finder = Finder()
    finder.visit(ast.parse(source))
    return [(line, name) for line, _, name in sorted(finder.found)]


# ---------------------------------------------------------------- Exercise 6: make_breaker
def _named(name, doc, make):
    make.__name__ = make.__qualname__ = name
    make.__doc__ = doc
    return make


def _breaker(
    *,
    opens_at_extra=0,
    resets_on_success=True,
    calls_while_open=False,
    half_open=True,
    trial_reopens=True,
    restart_timer=True,
    use_real_clock=False,
    propagate=False,
    fallback_no_arg=False,
    trial_closes=True,
):
    """A breaker factory with one deliberate mistake, selected by the arguments."""

    def make(fn, *, failure_threshold, reset_after_s, clock, fallback):
        now = time.monotonic if use_real_clock else clock
        state = {"open": False, "failures": 0, "opened_at": 0.0}

        def fail(x):
            return fallback() if fallback_no_arg else fallback(x)

        def guarded(x):
            if state["open"]:
                waited = now() - state["opened_at"]
                if not half_open or waited < reset_after_s:
                    if calls_while_open:
                        try:
                            fn(x)
                        except Exception:
                            pass
                    return fail(x)
            trial = state["open"]
            try:
                result = fn(x)
            except Exception:
                if propagate:
                    raise
                if trial and not trial_reopens:
                    state["open"], state["failures"] = (
                        False,
                        1,
                    )  # treated as the first failure of a closed breaker
                    return fail(x)
                state["failures"] += 1
                reopen = trial
                if reopen and not restart_timer:
                    return fail(x)  # stays open, but the pause is not restarted
                if reopen or state["failures"] >= failure_threshold + opens_at_extra:
                    state["open"], state["opened_at"] = True, now()
                elif trial:
                    state["open"] = False
                return fail(x)
            if trial and not trial_closes:
                state["opened_at"] = now()
                return result
            state["open"] = False
            if resets_on_success:
                state["failures"] = 0
            return result

        return guarded

    return make


breaker_opens_late = _named(
    "breaker_opens_late",
    "Opens after failure_threshold + 1 failures (> instead of >=).",
    _breaker(opens_at_extra=1),
)
breaker_opens_early = _named(
    "breaker_opens_early", "Opens one failure too early.", _breaker(opens_at_extra=-1)
)
breaker_counts_all_failures = _named(
    "breaker_counts_all_failures",
    "Never resets the failure count on success: counts total, not consecutive, failures.",
    _breaker(resets_on_success=False),
)
breaker_calls_while_open = _named(
    "breaker_calls_while_open",
    "Still calls the dependency while open (and then returns the fallback).",
    _breaker(calls_while_open=True),
)
breaker_stays_open = _named(
    "breaker_stays_open",
    "Never half-opens: once open, it stays open forever.",
    _breaker(half_open=False),
)
breaker_trial_does_not_reopen = _named(
    "breaker_trial_does_not_reopen",
    "A failed trial closes the breaker instead of reopening it.",
    _breaker(trial_reopens=False),
)
breaker_timer_not_restarted = _named(
    "breaker_timer_not_restarted",
    "A failed trial keeps the old opening time, so every later call is a trial.",
    _breaker(restart_timer=False),
)
breaker_real_clock = _named(
    "breaker_real_clock",
    "Uses time.monotonic instead of the clock it was given.",
    _breaker(use_real_clock=True),
)
breaker_propagates = _named(
    "breaker_propagates",
    "Lets the dependency's exception reach the caller instead of the fallback.",
    _breaker(propagate=True),
)
breaker_fallback_without_argument = _named(
    "breaker_fallback_without_argument",
    "Calls fallback() without the argument x.",
    _breaker(fallback_no_arg=True),
)
breaker_trial_success_keeps_open = _named(
    "breaker_trial_success_keeps_open",
    "A successful trial returns the answer but leaves the breaker open.",
    _breaker(trial_closes=False),
)


@never_returns
def breaker_never_returns(fn, *, failure_threshold, reset_after_s, clock, fallback):
    """Polls the clock until the pause is over, which a fake clock never is."""

    def guarded(x):
        start = clock()
        while clock() - start < reset_after_s:
            pass
        return fn(x)

    return guarded


class BreakerClass:
    """Right: a class with __call__ and an explicit state name."""

    def __init__(self, fn, *, failure_threshold, reset_after_s, clock, fallback):
        self.fn, self.threshold, self.pause, self.clock, self.fallback = (
            fn,
            failure_threshold,
            reset_after_s,
            clock,
            fallback,
        )
        self.state, self.failures, self.until = "closed", 0, None

    def __call__(self, x):
        if self.state == "open":
            if self.clock() < self.until:
                return self.fallback(x)
            self.state = "half-open"
        try:
            value = self.fn(x)
        except Exception:
            self.failures += 1
            if self.state == "half-open" or self.failures >= self.threshold:
                self.state, self.until = "open", self.clock() + self.pause
            return self.fallback(x)
        self.state, self.failures = "closed", 0
        return value


def make_breaker_class(fn, *, failure_threshold, reset_after_s, clock, fallback):
    """Right: returns a BreakerClass instance (callable)."""
    return BreakerClass(
        fn,
        failure_threshold=failure_threshold,
        reset_after_s=reset_after_s,
        clock=clock,
        fallback=fallback,
    )


# ---------------------------------------------------------------- added by the chapter review
def retry_exact_type(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Compares type(exc) with retry_on exactly, so a subclass (ConnectionResetError) is not retried."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            for r in range(attempts):
                try:
                    return fn(*args, **kwargs)
                except Exception as exc:
                    if type(exc) not in retry_on or r == attempts - 1:
                        raise
                    sleep(base_s * 2**r)

        return wrapper

    return decorate


def retry_shared_counter(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Keeps the attempt count in the decorator, so a second call has no attempts left."""

    def decorate(fn):
        state = {"failed": 0}

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            while True:
                try:
                    return fn(*args, **kwargs)
                except retry_on:
                    state["failed"] += 1
                    if state["failed"] >= attempts:
                        raise
                    sleep(base_s * 2 ** (state["failed"] - 1))

        return wrapper

    return decorate


def retry_while_doubling(
    attempts, *, base_s, retry_on=(ConnectionError, TimeoutError), sleep=time.sleep
):
    """Right: a while loop that doubles the delay and re-raises with `raise exc`."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            delay, left = base_s, attempts
            while True:
                left -= 1
                try:
                    return fn(*args, **kwargs)
                except retry_on as exc:
                    if not left:
                        raise exc
                    sleep(delay)
                    delay *= 2

        return wrapper

    return decorate


@contextlib.contextmanager
def seeded_dict_state(seed):
    """Right: NumPy's state saved as a dict with get_state(legacy=False)."""
    python_state, numpy_state = random.getstate(), np.random.get_state(legacy=False)
    random.seed(seed)
    np.random.seed(seed)
    try:
        yield
    finally:
        random.setstate(python_state)
        np.random.set_state(numpy_state)


def nc_loop_through_alias(X, C):
    """Loops over the rows through an alias (n = len(X)), which a look at the loop's iterable misses."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    n = len(X)
    labels, distances = np.empty(n, np.int64), np.empty(n)
    for i in range(n):
        squared = ((X[i] - C) ** 2).sum(axis=1)
        labels[i], distances[i] = squared.argmin(), squared.min()
    return labels, distances


def nc_comprehension_over_copy(X, C):
    """Loops over the rows of a float copy of X in a list comprehension."""
    rows, C = np.asarray(X, float), np.asarray(C, float)
    squared = np.array([((row - C) ** 2).sum(axis=1) for row in rows]).reshape(len(rows), len(C))
    return squared.argmin(axis=1), squared.min(axis=1)


def nc_loop_over_columns(X, C):
    """Right: accumulates the squared differences one column at a time (a loop over d, not over rows)."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    squared = np.zeros((X.shape[0], C.shape[0]))
    for t in range(X.shape[1]):
        squared += (X[:, t, None] - C[None, :, t]) ** 2
    labels = squared.argmin(axis=1)
    return labels, squared[np.arange(len(X)), labels]


def nc_einsum(X, C):
    """Right: the squared distances with einsum and take_along_axis."""
    X, C = np.asarray(X, float), np.asarray(C, float)
    diff = X[:, None, :] - C[None, :, :]
    squared = np.einsum("nkd,nkd->nk", diff, diff)
    labels = np.argmin(squared, axis=1)
    return labels, np.take_along_axis(squared, labels[:, None], axis=1)[:, 0]


def calls_sorted_by_line_only(source, targets):
    """Sorts by line only, so calls on one line stay in ast.walk's breadth-first order."""
    found = [
        (n.lineno, _dotted(n.func))
        for n in ast.walk(ast.parse(source))
        if isinstance(n, ast.Call) and _dotted(n.func) in targets
    ]
    return sorted(found, key=lambda item: item[0])


def breaker_catches_connection_errors_only(
    fn, *, failure_threshold, reset_after_s, clock, fallback
):
    """Catches only ConnectionError, so a timeout or a bad reply reaches the caller."""
    state = {"failures": 0, "opened_at": None}

    def guarded(x):
        if state["opened_at"] is not None and clock() - state["opened_at"] < reset_after_s:
            return fallback(x)
        try:
            result = fn(x)
        except ConnectionError:
            state["failures"] += 1
            if state["opened_at"] is not None or state["failures"] >= failure_threshold:
                state["opened_at"] = clock()
            return fallback(x)
        state["failures"], state["opened_at"] = 0, None
        return result

    return guarded


def breaker_closure_dict(fn, *, failure_threshold, reset_after_s, clock, fallback):
    """Right: a closure over a dict; the open time doubles as the state."""
    state = {"failures": 0, "opened_at": None}

    def guarded(x):
        if state["opened_at"] is not None and clock() - state["opened_at"] < reset_after_s:
            return fallback(x)
        try:
            result = fn(x)
        except Exception:
            state["failures"] += 1
            if state["opened_at"] is not None or state["failures"] >= failure_threshold:
                state["opened_at"] = clock()
            return fallback(x)
        state["failures"], state["opened_at"] = 0, None
        return result

    return guarded


def breaker_pause_from_first_failure(fn, *, failure_threshold, reset_after_s, clock, fallback):
    """Starts the pause at the first failure of the streak, not at the moment the breaker opens."""
    state = {"failures": 0, "first_failure": None, "open": False}

    def guarded(x):
        if state["open"] and clock() - state["first_failure"] < reset_after_s:
            return fallback(x)
        try:
            result = fn(x)
        except Exception:
            state["failures"] += 1
            if state["failures"] == 1 or state["open"]:
                state["first_failure"] = clock()
            state["open"] = state["open"] or state["failures"] >= failure_threshold
            return fallback(x)
        state.update(failures=0, first_failure=None, open=False)
        return result

    return guarded


def nc_float32(X, C):
    """Computes in float32, whose 7 digits miss the tolerance."""
    X, C = np.asarray(X, np.float32), np.asarray(C, np.float32)
    squared = ((X[:, None, :] - C[None, :, :]) ** 2).sum(axis=2)
    return squared.argmin(axis=1), squared.min(axis=1)


def registry_duplicate_keyerror():
    """Raises KeyError, not ValueError, for a taken key."""
    return _registry(duplicate_error=KeyError)


WRONG = {
    "check_seeded": [
        seeded_python_only,
        seeded_numpy_only,
        seeded_default_rng,
        seeded_restores_python_only,
        seeded_restores_numpy_only,
        seeded_without_finally,
        seeded_saves_after_seeding,
        seeded_reseeds_on_exit,
        seeded_swallows_errors,
        seeded_fixed_seed,
        seeded_global_saved_state,
        seeded_never_returns,
    ],
    "check_retry": [
        retry_constant_wait,
        retry_backoff_off_by_one,
        retry_sleeps_after_last,
        retry_every_exception,
        retry_hardcoded_errors,
        retry_returns_none,
        retry_raises_new_error,
        retry_one_attempt_too_many,
        retry_without_wraps,
        retry_drops_kwargs,
        retry_real_sleep,
        retry_sleeps_first,
        retry_never_returns,
        retry_exact_type,
        retry_shared_counter,
    ],
    "check_make_registry": [
        registry_shared_dict,
        registry_overwrites_duplicates,
        registry_overwrites_then_raises,
        registry_by_class_name,
        registry_registers_intermediates,
        registry_direct_subclasses_only,
        registry_create_drops_kwargs,
        registry_create_returns_class,
        registry_unknown_returns_none,
        registry_unknown_bare_keyerror,
        registry_not_a_dict,
        registry_never_returns,
        registry_duplicate_keyerror,
    ],
    "check_nearest_centroid_numpy": [
        nc_euclidean,
        nc_argmax,
        nc_last_on_tie,
        nc_wrong_axis,
        nc_labels_only,
        nc_float_labels,
        nc_mean_not_sum,
        nc_min_of_first_centroid,
        nc_modifies_input,
        nc_no_float_cast,
        nc_fails_on_empty,
        nc_row_loop,
        nc_apply_along_axis,
        nc_never_returns,
        nc_loop_through_alias,
        nc_comprehension_over_copy,
        nc_float32,
    ],
    "check_find_calls": [
        calls_text_search,
        calls_names_only,
        calls_last_attribute,
        calls_suffix_match,
        calls_end_line,
        calls_top_level_only,
        calls_references_too,
        calls_walk_order,
        calls_deduplicated,
        calls_not_nested,
        calls_never_returns,
        calls_sorted_by_line_only,
    ],
    "check_make_breaker": [
        breaker_opens_late,
        breaker_opens_early,
        breaker_counts_all_failures,
        breaker_calls_while_open,
        breaker_stays_open,
        breaker_trial_does_not_reopen,
        breaker_timer_not_restarted,
        breaker_real_clock,
        breaker_propagates,
        breaker_fallback_without_argument,
        breaker_trial_success_keeps_open,
        breaker_never_returns,
        breaker_catches_connection_errors_only,
        breaker_pause_from_first_failure,
    ],
}

RIGHT = {
    "check_seeded": [SeededClass, seeded_with_exitstack, seeded_dict_state],
    "check_retry": [RetryClass, retry_while_doubling],
    "check_make_registry": [registry_with_metaclass, registry_with_types_new_class],
    "check_nearest_centroid_numpy": [
        nc_matmul_expansion,
        nc_loop_over_centroids,
        nc_loop_over_columns,
        nc_einsum,
    ],
    "check_find_calls": [calls_with_unparse, calls_with_visitor],
    "check_make_breaker": [make_breaker_class, breaker_closure_dict],
}
