"""Plausible wrong answers for the checks of Chapter 12.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). Each check needs at least two wrong answers: mistakes a learner
would really make, not random noise.
"""


def example_adds_instead_of_multiplies(x):
    return x + 2


def example_forgets_sign(x):
    return 2 * abs(x)


WRONG = {
    "check_example": [example_adds_instead_of_multiplies, example_forgets_sign],
}
