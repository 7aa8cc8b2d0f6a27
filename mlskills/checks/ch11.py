"""Checks for the exercises of Chapter 11: Orchestrating ML workflows.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Prove each one honest in tests/checks/ch11_wrong_answers.py.
"""

from mlskills.checks import Fail, call, check, short


@check
def check_example(fn):
    for x, expected in [(0, 0), (3, 6), (-2, -4)]:
        got = call(fn, x)
        if got != expected:
            raise Fail(f"example({x}) should return {expected}, got {short(got)}")
    return "example doubles 0, 3 and -2 correctly"
