"""nbval honours the book's marker form `# NBVAL_IGNORE_OUTPUT: <reason>` (see conftest.py)."""

import nbval.plugin

IGNORE = [("check", False)]


def markers(source: str) -> list:
    return list(nbval.plugin.find_comment_markers(source))


def test_a_marker_with_a_reason_is_recognised():
    assert markers("# NBVAL_IGNORE_OUTPUT: timings vary between machines\nprint(1)") == IGNORE


def test_the_bare_marker_still_works():
    assert markers("# NBVAL_IGNORE_OUTPUT\nprint(1)") == IGNORE


def test_an_ordinary_comment_is_not_a_marker():
    assert markers("# ignore the output of this cell\nprint(1)") == []
