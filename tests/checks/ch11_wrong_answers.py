"""Wrong and right answers for the checks of Chapter 11.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet"), an answer that never returns (must be
stopped within the budget), each answer in RIGHT (must pass) and each answer in WRONG
(must fail with a specific one-line hint).

WRONG: one answer per rule the check's ✓ line claims, omitting just that rule, on every
argument the rule applies to, plus the boundary cases learners hit (empty input,
NaN/None, negatives, ties, input order, duplicates, off-by-one, rounding). Mistakes a
learner would really make, each with a docstring naming the mistake.

RIGHT: correct answers written differently from the solution (another library, another
form), so that the check accepts every valid answer and not only the solution's.
"""


def example_adds_instead_of_multiplies(x):
    """Adds 2 instead of multiplying by 2 (right only at x = 2)."""
    return x + 2


def example_forgets_sign(x):
    """Drops the sign: right for positive inputs, wrong for negative ones."""
    return 2 * abs(x)


def example_sums_twice(x):
    """Another way to double: x + x."""
    return x + x


WRONG = {
    "check_example": [example_adds_instead_of_multiplies, example_forgets_sign],
}
RIGHT = {
    "check_example": [example_sums_twice],
}
