"""Wrong and right answers for every chapter's checks (see tests/test_check_honesty.py)."""


def never_returns(fn):
    """Mark a wrong answer that loops forever.

    The honesty test then gives its check a one-second budget instead of the check's own
    (a hang costs the whole budget) and asserts that the ✗ line says it did not return.
    """
    fn.never_returns = True
    return fn
