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
"""

from __future__ import annotations

import functools
import reprlib
from collections.abc import Callable
from dataclasses import dataclass

PASS, FAIL, NOT_ATTEMPTED = "pass", "fail", "not attempted"
NOT_ATTEMPTED_LINE = (
    "not attempted yet: replace `raise NotImplementedError()` with your code, then run this cell again"
)

_short = reprlib.Repr()
_short.maxstring = 60
_short.maxother = 60
_short.maxlist = 6


class Fail(Exception):
    """Raise inside a check with a hint for the learner: input, expected, got."""


class NotAttempted(Exception):
    """The learner's function still raises NotImplementedError."""


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


def short(value) -> str:
    """A short, one-line repr for hints (long values are elided)."""
    return _short.repr(value).replace("\n", " ")


def call(fn: Callable, *args, **kwargs):
    """Call the learner's function, turning its exceptions into a check outcome.

    ``NotImplementedError`` means "not attempted yet"; any other exception becomes a
    ``Fail`` that names the call and the error, so the learner sees one line, not a
    traceback.
    """
    if not callable(fn):
        raise Fail(f"expected a function, got {type(fn).__name__} {short(fn)}")
    try:
        return fn(*args, **kwargs)
    except NotImplementedError as exc:
        raise NotAttempted from exc
    except Exception as exc:  # the learner's code failed: report it in one line
        shown = ", ".join([short(a) for a in args] + [f"{k}={short(v)}" for k, v in kwargs.items()])
        name = getattr(fn, "__name__", "your function")
        raise Fail(f"{name}({shown}) raised {type(exc).__name__}: {exc}") from exc


def check(body: Callable[..., str]) -> Callable:
    """Turn ``body(fn, ...) -> str`` into a check that prints one line.

    ``body`` returns what it verified (shown after ✓) or raises :class:`Fail`.
    """

    @functools.wraps(body)
    def evaluate(*args, **kwargs) -> Result:
        try:
            verified = body(*args, **kwargs)
        except NotAttempted:
            return Result(NOT_ATTEMPTED, NOT_ATTEMPTED_LINE)
        except Fail as exc:
            return Result(FAIL, str(exc))
        except NotImplementedError:
            return Result(NOT_ATTEMPTED, NOT_ATTEMPTED_LINE)
        except Exception as exc:  # an answer of the wrong shape broke the check itself
            return Result(FAIL, f"your answer could not be checked: {type(exc).__name__}: {exc}")
        return Result(PASS, verified)

    @functools.wraps(body)
    def run(*args, **kwargs) -> None:
        print(evaluate(*args, **kwargs).line)

    run.evaluate = evaluate
    return run
