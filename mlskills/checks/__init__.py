"""The exercise-check protocol shared by every chapter.

A check takes the learner's function, tries it on chosen inputs and prints exactly one
line:

- ``✓ <what was verified>`` when every case passes,
- ``✗ <specific hint>`` naming the input, what was expected and what came back,
- ``not attempted yet …`` while the function still raises ``NotImplementedError``.

A wrong answer never shows a traceback. A chapter's checks live in ``checks/chNN.py``
and look like this::

    from mlskills.checks import Fail, call, check

    @check
    def check_double(fn):
        got = call(fn, 2)
        if got != 4:
            raise Fail(f"double(2) should be 4, got {got!r}")
        return "double(2) == 4"

``check_double(my_double)`` prints the line; ``check_double.evaluate(my_double)``
returns a :class:`Result` for the tests that prove each check honest.

Two budgets keep a wrong answer from hanging the notebook:

- **time**: a whole check gets ``budget_s`` seconds (default :data:`BUDGET_S`; set it with
  ``@check(budget_s=30)``). An answer still running then is stopped and reported as
  ``✗ name(input) did not return within N s``, naming the input it was working on.
- **calls**: :func:`counted` wraps a function the check hands to the learner (a model, a
  flaky service) and fails the check when the answer calls it more than a set number of
  times (an unbounded retry loop, a model re-fitted per row).

**Grading mode** (nbgrader's autograded cells, CI): with the environment variable
``MLSKILLS_GRADING=1`` or after :func:`grading` ``(True)``, a check that does not pass
raises ``AssertionError`` carrying the same one line, instead of only printing it.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import reprlib
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted"
NOT_ATTEMPTED_LINE = (
    "not attempted yet: replace `raise NotImplementedError()` with your code, then run this cell again"
)

#: Seconds a whole check may take before the learner's answer is stopped.
BUDGET_S = 10.0

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = 6


class Fail(Exception):
    """Raise inside a check with a hint for the learner: input, expected, got."""


class NotAttempted(Exception):
    """The learner's function still raises NotImplementedError."""


class OutOfTime(BaseException):
    """Raised inside the learner's code when the check's time budget runs out.

    A ``BaseException``, so a learner's ``except Exception`` cannot swallow it.
    """


_grading = os.environ.get("MLSKILLS_GRADING", "") not in ("", "0")


def grading(on: bool = True) -> None:
    """Turn grading mode on or off: failing checks raise ``AssertionError(line)``."""
    global _grading
    _grading = bool(on)


@dataclass(frozen=True)
class Result:
    status: str
    message: str

    @property
    def line(self) -> str:
        if self.status == PASS:
            return f"✓ {self.message}"
        if self.status == FAIL:
            return f"✗ {self.message}"
        return NOT_ATTEMPTED_LINE


_ADDRESS = re.compile(r"<(function|bound method|built-in function|class|lambda|[\w.]+ object)\s+([^>]*?)\s*at 0x[0-9a-fA-F]+>")


_AT_ADDRESS = re.compile(r"\s+at 0x[0-9a-fA-F]+")


def short(value) -> str:
    """A short, one-line repr for hints (long values are elided, no memory addresses)."""
    if callable(value) and hasattr(value, "__name__") and not isinstance(value, type):
        return f"function {value.__name__}"
    text = _short.repr(value).replace("\n", " ")
    text = _ADDRESS.sub(lambda m: f"<{m.group(1)} {m.group(2)}>".replace(" >", ">"), text)
    return _AT_ADDRESS.sub("", text)


def _describe(exc: BaseException) -> str:
    """``TypeError: message``, or the type alone with a note when the message is empty."""
    text = " ".join(str(exc).split())  # one line, however the message was wrapped
    if not text or text in ("''", '""'):
        return f"{type(exc).__name__} (with no message)"
    return f"{type(exc).__name__}: {short(text) if len(text) > 200 else text}"


def counted(fn: Callable, limit: int, what: str | None = None) -> Callable:
    """Wrap ``fn`` so that calling it more than ``limit`` times fails the check.

    ``wrapper.calls`` tells how often it was called. Use it for anything a check hands
    to the learner's answer whose number of uses is part of the exercise.
    """
    name = what or getattr(fn, "__name__", "the function you were given")

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        wrapper.calls += 1
        if wrapper.calls > limit:
            raise _OverBudget(f"your answer called {name} more than {limit} times; look for a loop that never stops")
        return fn(*args, **kwargs)

    wrapper.calls = 0
    return wrapper


class _OverBudget(BaseException):
    """Too many calls of a :func:`counted` function (not catchable by ``except Exception``)."""


def call(fn: Callable, *args, **kwargs):
    """Call the learner's function, turning its exceptions into a check outcome.

    ``NotImplementedError`` means "not attempted yet"; any other exception becomes a
    ``Fail`` that names the call and the error, so the learner sees one line, not a
    traceback.
    """

    def shown() -> str:
        return ", ".join([short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()])

    return _call(fn, shown, args, kwargs)


def call_on(fn: Callable, described: str, *args, **kwargs):
    """:func:`call`, with the input described in words in the hint instead of its repr.

    ``call_on(fn, "a batch with a missing island", batch)`` reports a failure as
    ``fn(a batch with a missing island) raised …``: clearer than a DataFrame's repr.
    """
    return _call(fn, lambda: described, args, kwargs)


def _call(fn: Callable, shown: Callable[[], str], args: tuple, kwargs: dict):
    if not callable(fn):
        raise Fail(f"expected a function, got {type(fn).__name__} {short(fn)}")
    name = getattr(fn, "__name__", "your function")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise NotAttempted from exc
    except OutOfTime:
        raise Fail(
            f"{name}({shown()}) did not return within the check's {_budget.seconds:g} s budget: "
            "look for a loop whose condition never changes"
        ) from None
    except _OverBudget as exc:
        raise Fail(f"{name}({shown()}): {exc}") from None
    except Exception as exc:  # the learner's code failed: report it in one line
        raise Fail(f"{name}({shown()}) raised {_describe(exc)}") from exc


class _Budget:
    """The running check's time budget, enforced with SIGALRM in the main thread."""

    def __init__(self) -> None:
        self.seconds = BUDGET_S
        self.deadline = None
        self.override = None

    def _alarm(self, signum, frame):  # noqa: ARG002 - signal handler signature
        if self.deadline is not None and time.monotonic() >= self.deadline:
            raise OutOfTime()

    def run(self, seconds: float, body: Callable[[], str]) -> str:
        usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer")
        if not usable or self.deadline is not None:  # nested check, or not the main thread
            return body()
        seconds = self.override if self.override is not None else seconds
        self.seconds, self.deadline = seconds, time.monotonic() + seconds
        previous = signal.signal(signal.SIGALRM, self._alarm)
        # Fire at the deadline, then every 0.25 s, in case the learner's code swallowed one.
        signal.setitimer(signal.ITIMER_REAL, seconds, 0.25)
        try:
            return body()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0, 0)
            signal.signal(signal.SIGALRM, previous)
            self.deadline = None


_budget = _Budget()


@contextlib.contextmanager
def time_budget(seconds: float):
    """Give every check run inside this block ``seconds`` instead of its own budget.

    For tests that prove an answer which never returns is stopped, without waiting the
    full budget of each check.
    """
    previous, _budget.override = _budget.override, seconds
    try:
        yield
    finally:
        _budget.override = previous


def check(body: Callable[..., str] | None = None, *, budget_s: float = BUDGET_S) -> Callable:
    """Turn ``body(fn, ...) -> str`` into a check that prints one line.

    ``body`` returns what it verified (shown after ✓) or raises :class:`Fail`. Use it
    bare (``@check``) or with a time budget for the whole check (``@check(budget_s=30)``).
    """
    if body is None:
        return functools.partial(check, budget_s=budget_s)

    @functools.wraps(body)
    def evaluate(*args, **kwargs) -> Result:
        try:
            verified = _budget.run(budget_s, lambda: body(*args, **kwargs))
        except NotAttempted:
            return Result(NOT_ATTEMPTED, NOT_ATTEMPTED_LINE)
        except Fail as exc:
            return Result(FAIL, str(exc))
        except NotImplementedError:
            return Result(NOT_ATTEMPTED, NOT_ATTEMPTED_LINE)
        except OutOfTime:
            return Result(
                FAIL,
                f"your answer did not finish within the check's {_budget.seconds:g} s budget: look for a loop that never ends",
            )
        except _OverBudget as exc:
            return Result(FAIL, str(exc))
        except Exception as exc:  # an answer of the wrong shape broke the check itself
            return Result(FAIL, f"your answer could not be checked: {_describe(exc)}")
        return Result(PASS, verified)

    @functools.wraps(body)
    def run(*args, **kwargs) -> None:
        result = evaluate(*args, **kwargs)
        print(result.line)
        if _grading and result.status != PASS:
            error = AssertionError(result.line)
            # IPython (a notebook, nbgrader's feedback) shows this one line, not a traceback.
            error._render_traceback_ = lambda: [f"AssertionError: {result.line}"]
            raise error

    run.evaluate = evaluate
    run.budget_s = budget_s
    return run
