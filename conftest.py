"""Repository-wide pytest configuration (loaded for tests/ and for the nbval runs).

The book marks timing cells with ``# NBVAL_IGNORE_OUTPUT: <reason>``, so every ignored
output says why. nbval 0.11 recognises only the bare marker (it compares the whole comment
text), so the reason is stripped before nbval looks for markers.
tests/test_nbval_markers.py proves the patch works.
"""

import re

import nbval.plugin

_find_comment_markers = nbval.plugin.find_comment_markers


def _find_markers_with_reasons(cellsource):
    bare = re.sub(r"^(\s*#\s*NBVAL_[A-Z_]+)\s*:.*$", r"\1", cellsource, flags=re.MULTILINE)
    yield from _find_comment_markers(bare)


nbval.plugin.find_comment_markers = _find_markers_with_reasons
