"""Count the key operations an algorithm performs: a cost that is the same on every machine.

A timing depends on the CPU, its load and the interpreter; the number of times an algorithm
hashes or compares its keys does not. Wrap each key in a :class:`CountedKey` that shares a
:class:`Tally`, run the algorithm unchanged, and read the tally::

    tally = Tally()
    keys = [CountedKey(k, tally) for k in ["a", "b", "a"]]
    len(set(keys))        # 2
    tally.hashes          # 3: one hash per key added to the set
    tally.total           # hashes + equality tests + order comparisons

Chapter 2 counts the work of a nested-loop join and a hash join this way; the check of its
join exercise uses the same keys.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Tally:
    """How many times the keys sharing this tally were hashed and compared."""

    hashes: int = 0
    equality_tests: int = 0
    order_comparisons: int = 0

    @property
    def total(self) -> int:
        """Every key operation: hashes + equality tests (``==``, ``!=``) + ``<``/``<=``/``>``/``>=``."""
        return self.hashes + self.equality_tests + self.order_comparisons


class CountedKey:
    """A key that behaves like ``value`` for ``hash``, ``==`` and ``<``, and counts each use.

    Two counted keys are equal when their values are equal. Comparing a counted key with
    anything else is not supported (``==`` returns ``NotImplemented``), so a key cannot be
    matched by accident against a plain value.
    """

    __slots__ = ("tally", "value")

    def __init__(self, value, tally: Tally) -> None:
        self.value = value
        self.tally = tally

    def __bool__(self) -> bool:
        return bool(self.value)

    def __hash__(self) -> int:
        self.tally.hashes += 1
        return hash(self.value)

    def __eq__(self, other) -> bool:
        if not isinstance(other, CountedKey):
            return NotImplemented
        self.tally.equality_tests += 1
        return self.value == other.value

    def __ne__(self, other) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    def _order(self, other, op):
        if not isinstance(other, CountedKey):
            return NotImplemented
        self.tally.order_comparisons += 1
        return op(self.value, other.value)

    def __lt__(self, other):
        return self._order(other, lambda a, b: a < b)

    def __le__(self, other):
        return self._order(other, lambda a, b: a <= b)

    def __gt__(self, other):
        return self._order(other, lambda a, b: a > b)

    def __ge__(self, other):
        return self._order(other, lambda a, b: a >= b)

    def __repr__(self) -> str:
        return f"key({self.value!r})"
