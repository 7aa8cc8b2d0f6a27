"""Plausible wrong answers (and correct answers written differently) for the checks of Chapter 12.

tests/test_check_honesty.py runs every check against the solution (must pass), the exercise
stub (must say "not attempted yet") and each wrong answer below (must fail with a specific
message). Each wrong answer breaks one rule the check's ✓ line claims, or trips a boundary
case. RIGHT holds correct answers written differently from the solution: they must pass.
"""

import math
import urllib.parse

import numpy as np

from tests.checks import never_returns


# ---------------------------------------------------------------- Exercise 1: psi_from_counts
def psi_raw_counts(expected, actual, floor=1e-4):
    """Uses the counts as they are, without turning them into shares."""
    e = np.maximum(np.asarray(expected, float), floor)
    a = np.maximum(np.asarray(actual, float), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_shared_total(expected, actual, floor=1e-4):
    """Divides both count vectors by the reference's total, not each by its own."""
    total = np.sum(expected)
    e = np.maximum(np.asarray(expected, float) / total, floor)
    a = np.maximum(np.asarray(actual, float) / total, floor)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_no_floor(expected, actual, floor=1e-4):
    """Forgets the floor: an empty bin gives inf or nan."""
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.asarray(expected, float) / np.sum(expected)
        a = np.asarray(actual, float) / np.sum(actual)
        return float(np.sum((a - e) * np.log(a / e)))


def psi_skips_empty_bins(expected, actual, floor=1e-4):
    """Drops bins that are empty in either histogram instead of flooring them."""
    e = np.asarray(expected, float) / np.sum(expected)
    a = np.asarray(actual, float) / np.sum(actual)
    keep = (e > 0) & (a > 0)
    return float(np.sum((a[keep] - e[keep]) * np.log(a[keep] / e[keep])))


def psi_floors_counts(expected, actual, floor=1e-4):
    """Applies the floor to the counts before normalising, not to the shares."""
    e = np.maximum(np.asarray(expected, float), floor)
    a = np.maximum(np.asarray(actual, float), floor)
    e, a = e / e.sum(), a / a.sum()
    return float(np.sum((a - e) * np.log(a / e)))


def psi_kl_only(expected, actual, floor=1e-4):
    """Computes one Kullback-Leibler divergence instead of the symmetric PSI."""
    e = np.maximum(np.asarray(expected, float) / np.sum(expected), floor)
    a = np.maximum(np.asarray(actual, float) / np.sum(actual), floor)
    return float(np.sum(a * np.log(a / e)))


def psi_log10(expected, actual, floor=1e-4):
    """Uses the base-10 logarithm."""
    e = np.maximum(np.asarray(expected, float) / np.sum(expected), floor)
    a = np.maximum(np.asarray(actual, float) / np.sum(actual), floor)
    return float(np.sum((a - e) * np.log10(a / e)))


def psi_absolute_difference(expected, actual, floor=1e-4):
    """Sums |a - e| (a total-variation style distance), without the logarithm."""
    e = np.asarray(expected, float) / np.sum(expected)
    a = np.asarray(actual, float) / np.sum(actual)
    return float(np.sum(np.abs(a - e)))


def psi_returns_per_bin(expected, actual, floor=1e-4):
    """Returns the per-bin terms instead of their sum."""
    e = np.maximum(np.asarray(expected, float) / np.sum(expected), floor)
    a = np.maximum(np.asarray(actual, float) / np.sum(actual), floor)
    return (a - e) * np.log(a / e)


@never_returns
def psi_never_returns(expected, actual, floor=1e-4):
    """Loops forever (a while loop whose condition never changes)."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 2: handle_events
def _identity(record):
    obj = record["s3"]["object"]
    return record["s3"]["bucket"]["name"], urllib.parse.unquote_plus(obj["key"]), obj["eTag"]


def events_raw_key(records, process, seen):
    """Passes the key to process as it arrives in the event, URL-encoded."""
    done = []
    for record in records:
        bucket, key = record["s3"]["bucket"]["name"], record["s3"]["object"]["key"]
        identity = (bucket, key, record["s3"]["object"]["eTag"])
        if identity not in seen:
            process(bucket, key)
            seen.add(identity)
            done.append((bucket, key))
    return done


def events_unquote_not_plus(records, process, seen):
    """Decodes with unquote, which leaves '+' for spaces in place."""
    done = []
    for record in records:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote(record["s3"]["object"]["key"])
        identity = (bucket, key, record["s3"]["object"]["eTag"])
        if identity not in seen:
            process(bucket, key)
            seen.add(identity)
            done.append((bucket, key))
    return done


def events_no_dedup(records, process, seen):
    """Processes every record, duplicates included."""
    done = []
    for record in records:
        bucket, key, _ = _identity(record)
        process(bucket, key)
        done.append((bucket, key))
    return done


def events_dedup_within_call_only(records, process, seen):
    """Deduplicates with a fresh local set, so duplicates across calls get through."""
    local, done = set(), []
    for record in records:
        identity = _identity(record)
        if identity not in local:
            process(*identity[:2])
            local.add(identity)
            done.append(identity[:2])
    return done


def events_key_without_etag(records, process, seen):
    """Identifies an event by bucket and key only: an overwritten object is skipped."""
    done = []
    for record in records:
        bucket, key, _ = _identity(record)
        if (bucket, key) not in seen:
            process(bucket, key)
            seen.add((bucket, key))
            done.append((bucket, key))
    return done


def events_key_without_bucket(records, process, seen):
    """Identifies an event by key and eTag only: the same key in another bucket is skipped."""
    done = []
    for record in records:
        bucket, key, etag = _identity(record)
        if (key, etag) not in seen:
            process(bucket, key)
            seen.add((key, etag))
            done.append((bucket, key))
    return done


def events_mark_before_process(records, process, seen):
    """Marks the event as seen before processing, so a failed attempt is never retried."""
    done = []
    for record in records:
        identity = _identity(record)
        if identity in seen:
            continue
        seen.add(identity)
        process(*identity[:2])
        done.append(identity[:2])
    return done


def events_swallow_errors(records, process, seen):
    """Catches the exception from process and carries on, so the queue never retries."""
    done = []
    for record in records:
        identity = _identity(record)
        if identity in seen:
            continue
        try:
            process(*identity[:2])
        except Exception:
            continue
        seen.add(identity)
        done.append(identity[:2])
    return done


def events_returns_count(records, process, seen):
    """Returns how many events were processed instead of which."""
    count = 0
    for record in records:
        identity = _identity(record)
        if identity not in seen:
            process(*identity[:2])
            seen.add(identity)
            count += 1
    return count


@never_returns
def events_never_returns(records, process, seen):
    """Polls forever for more records instead of returning."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 3: route_message
def route_retries_permanent(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Treats permanent errors like transient ones (retries a poison message)."""
    if error is None:
        return ("delete", 0.0)
    if receive_count >= max_receives:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


def route_off_by_one(error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0):
    """Dead-letters only after max_receives (one receive too many)."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count > max_receives:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


def route_constant_delay(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Retries after the same delay every time (no backoff)."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", 0.0)
    return ("retry", base_delay_s)


def route_backoff_from_count(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Doubles once too often: base × 2**receive_count."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2**receive_count, max_delay_s))


def route_uncapped(error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0):
    """Forgets the cap on the delay."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", 0.0)
    return ("retry", base_delay_s * 2 ** (receive_count - 1))


def route_linear_backoff(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Grows the delay linearly (base × receive_count) instead of doubling it."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * receive_count, max_delay_s))


def route_ignores_max_receives(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Uses a hard-coded 3 instead of the max_receives argument."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count >= 3:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


def route_success_late_dead_letters(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Checks the receive count before the outcome: a success on the last receive is dead-lettered."""
    if receive_count >= max_receives:
        return ("dead-letter", 0.0)
    if error is None:
        return ("delete", 0.0)
    if error == "permanent":
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


@never_returns
def route_never_returns(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Retries in a loop itself and never hands the decision back."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 4: trigger_points
def trigger_at_or_above(scores, threshold, cooldown):
    """Fires when the score equals the threshold too."""
    fired = []
    for t, score in enumerate(scores):
        if score >= threshold and (not fired or t - fired[-1] > cooldown):
            fired.append(t)
    return fired


def trigger_ignores_cooldown(scores, threshold, cooldown):
    """Fires on every batch above the threshold."""
    return [t for t, score in enumerate(scores) if score > threshold]


def trigger_cooldown_off_by_one(scores, threshold, cooldown):
    """Allows a new firing `cooldown` batches after the last one, one batch too early."""
    fired = []
    for t, score in enumerate(scores):
        if score > threshold and (not fired or t - fired[-1] >= cooldown):
            fired.append(t)
    return fired


def trigger_cooldown_from_last_alarm(scores, threshold, cooldown):
    """Restarts the cool-down at every batch above the threshold, not at every firing."""
    fired, last_alarm = [], None
    for t, score in enumerate(scores):
        if score > threshold:
            if last_alarm is None or t - last_alarm > cooldown:
                fired.append(t)
            last_alarm = t
    return fired


def trigger_first_only(scores, threshold, cooldown):
    """Fires once and never again."""
    for t, score in enumerate(scores):
        if score > threshold:
            return [t]
    return []


def trigger_skips_first_batch(scores, threshold, cooldown):
    """Starts counting at batch 1, so batch 0 can never fire."""
    fired = []
    for t in range(1, len(scores)):
        if scores[t] > threshold and (not fired or t - fired[-1] > cooldown):
            fired.append(t)
    return fired


@never_returns
def trigger_never_returns(scores, threshold, cooldown):
    """Waits for the next batch forever."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 5: choose_threshold
def choose_counts_ties(null_scores, budget, candidates):
    """Counts a score equal to the threshold as an alarm."""
    for c in sorted(candidates):
        if np.mean(np.asarray(null_scores) >= c) <= budget:
            return c
    return None


def choose_strict_budget(null_scores, budget, candidates):
    """Requires a rate strictly below the budget."""
    for c in sorted(candidates):
        if np.mean(np.asarray(null_scores) > c) < budget:
            return c
    return None


def choose_highest(null_scores, budget, candidates):
    """Returns the highest fitting threshold (the least sensitive)."""
    fitting = [c for c in candidates if np.mean(np.asarray(null_scores) > c) <= budget]
    return max(fitting) if fitting else None


def choose_unsorted(null_scores, budget, candidates):
    """Returns the first fitting candidate in the given order, not the lowest."""
    for c in candidates:
        if np.mean(np.asarray(null_scores) > c) <= budget:
            return c
    return None


def choose_falls_back_to_max(null_scores, budget, candidates):
    """Returns the highest candidate when none fits, instead of None."""
    for c in sorted(candidates):
        if np.mean(np.asarray(null_scores) > c) <= budget:
            return c
    return max(candidates)


def choose_quantile(null_scores, budget, candidates):
    """Returns the (1 - budget) quantile of the scores, ignoring the candidates."""
    return float(np.quantile(null_scores, 1 - budget))


@never_returns
def choose_never_returns(null_scores, budget, candidates):
    """Searches an ever finer grid forever."""
    while True:
        pass


# ---------------------------------------------------------------- found in review
def psi_ignores_floor_argument(expected, actual, floor=1e-4):
    """Hard-codes the floor at 1e-4 and ignores the `floor` argument."""
    e = np.maximum(np.asarray(expected, float) / np.sum(expected), 1e-4)
    a = np.maximum(np.asarray(actual, float) / np.sum(actual), 1e-4)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_floors_only_empty_bins(expected, actual, floor=1e-4):
    """Floors only shares that are exactly zero, not every share below the floor."""
    e = np.asarray(expected, float) / np.sum(expected)
    a = np.asarray(actual, float) / np.sum(actual)
    e, a = np.where(e == 0, floor, e), np.where(a == 0, floor, a)
    return float(np.sum((a - e) * np.log(a / e)))


def events_unquote_then_plus(records, process, seen):
    """Decodes %XX first and turns '+' into spaces afterwards: a literal '+' (%2B) becomes a space."""
    done = []
    for record in records:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote(record["s3"]["object"]["key"]).replace("+", " ")
        identity = (bucket, key, record["s3"]["object"]["eTag"])
        if identity in seen:
            continue
        process(bucket, key)
        seen.add(identity)
        done.append((bucket, key))
    return done


def events_mark_seen_after_batch(records, process, seen):
    """Adds the batch's events to `seen` only after the whole batch succeeded: a redelivered batch repeats the successes."""
    done, new = [], []
    for record in records:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        identity = (bucket, key, record["s3"]["object"]["eTag"])
        if identity in seen or identity in new:
            continue
        process(bucket, key)
        new.append(identity)
        done.append((bucket, key))
    seen.update(new)
    return done


def route_dead_letters_only_at_limit(
    error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0
):
    """Dead-letters a transient error only when receive_count equals max_receives, and retries beyond it."""
    if error is None:
        return ("delete", 0.0)
    if error == "permanent" or receive_count == max_receives:
        return ("dead-letter", 0.0)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


def route_delay_as_text(error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0):
    """Returns the delay as a string ("2.0") instead of a number of seconds."""
    if error is None:
        return ("delete", "0")
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", "0")
    return ("retry", str(min(base_delay_s * 2 ** (receive_count - 1), max_delay_s)))


def route_delay_none(error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0):
    """Returns None as the delay of a message that is not retried."""
    if error is None:
        return ("delete", None)
    if error == "permanent" or receive_count >= max_receives:
        return ("dead-letter", None)
    return ("retry", min(base_delay_s * 2 ** (receive_count - 1), max_delay_s))


# ---------------------------------------------------------------- correct, written differently
def psi_with_math(expected, actual, floor=1e-4):
    te, ta = sum(expected), sum(actual)
    total = 0.0
    for ce, ca in zip(expected, actual, strict=True):
        e, a = max(ce / te, floor), max(ca / ta, floor)
        total += (a - e) * math.log(a / e)
    return total


def events_with_dict(records, process, seen):
    done = []
    for record in records:
        s3 = record["s3"]
        where = (s3["bucket"]["name"], urllib.parse.unquote_plus(s3["object"]["key"]))
        token = f"{where[0]}/{where[1]}@{s3['object']['eTag']}"
        if token in seen:
            continue
        process(*where)
        seen.add(token)
        done.append(where)
    return done


def route_with_match(error, receive_count, *, max_receives=3, base_delay_s=2.0, max_delay_s=900.0):
    match error:
        case None:
            return ("delete", 0.0)
        case "transient" if receive_count < max_receives:
            delay = base_delay_s
            for _ in range(receive_count - 1):
                delay = min(delay * 2, max_delay_s)
            return ("retry", min(delay, max_delay_s))
        case _:
            return ("dead-letter", 0.0)


def trigger_with_countdown(scores, threshold, cooldown):
    fired, quiet_for = [], 0
    for t, score in enumerate(scores):
        if quiet_for > 0:
            quiet_for -= 1
            continue
        if score > threshold:
            fired.append(t)
            quiet_for = cooldown
    return fired


def choose_with_rates(null_scores, budget, candidates):
    scores = sorted(null_scores)
    rates = {c: sum(s > c for s in scores) / len(scores) for c in candidates}
    fitting = [c for c, rate in rates.items() if rate <= budget]
    return min(fitting) if fitting else None


def psi_terms_swapped(expected, actual, floor=1e-4):
    """(e - a) × ln(e / a) is the same number: PSI is symmetric."""
    e = np.maximum(np.asarray(expected, float) / np.sum(expected), floor)
    a = np.maximum(np.asarray(actual, float) / np.sum(actual), floor)
    return float(np.sum((e - a) * np.log(e / a)))


def events_wrap_error(records, process, seen):
    """Raises its own exception (from the original): the queue redelivers all the same."""
    done = []
    for record in records:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        identity = (bucket, key, record["s3"]["object"]["eTag"])
        if identity in seen:
            continue
        try:
            process(bucket, key)
        except Exception as exc:
            raise RuntimeError(f"could not process {bucket}/{key}") from exc
        seen.add(identity)
        done.append((bucket, key))
    return done


def events_finish_batch_then_raise(records, process, seen):
    """Processes the rest of the batch after a failure, then raises the first error."""
    done, first_error = [], None
    for record in records:
        bucket = record["s3"]["bucket"]["name"]
        key = urllib.parse.unquote_plus(record["s3"]["object"]["key"])
        identity = (bucket, key, record["s3"]["object"]["eTag"])
        if identity in seen:
            continue
        try:
            process(bucket, key)
        except Exception as exc:
            first_error = first_error or exc
            continue
        seen.add(identity)
        done.append((bucket, key))
    if first_error is not None:
        raise first_error
    return done


def trigger_skip_ahead(scores, threshold, cooldown):
    """Jumps the index past the cool-down after each firing."""
    fired, t = [], 0
    while t < len(scores):
        if scores[t] > threshold:
            fired.append(t)
            t += cooldown
        t += 1
    return fired


def choose_scan_down(null_scores, budget, candidates):
    """Scans from the highest candidate down and stops at the first that breaks the budget."""
    best = None
    for c in sorted(candidates, reverse=True):
        if np.mean(np.asarray(null_scores) > c) > budget:
            break
        best = c
    return best


WRONG = {
    "check_psi_from_counts": [
        psi_raw_counts,
        psi_shared_total,
        psi_no_floor,
        psi_skips_empty_bins,
        psi_floors_counts,
        psi_kl_only,
        psi_log10,
        psi_absolute_difference,
        psi_returns_per_bin,
        psi_ignores_floor_argument,
        psi_floors_only_empty_bins,
    ],
    "check_handle_events": [
        events_raw_key,
        events_unquote_not_plus,
        events_no_dedup,
        events_dedup_within_call_only,
        events_key_without_etag,
        events_key_without_bucket,
        events_mark_before_process,
        events_swallow_errors,
        events_returns_count,
        events_unquote_then_plus,
        events_mark_seen_after_batch,
    ],
    "check_route_message": [
        route_retries_permanent,
        route_off_by_one,
        route_constant_delay,
        route_backoff_from_count,
        route_uncapped,
        route_linear_backoff,
        route_ignores_max_receives,
        route_success_late_dead_letters,
        route_dead_letters_only_at_limit,
        route_delay_as_text,
        route_delay_none,
    ],
    "check_trigger_points": [
        trigger_at_or_above,
        trigger_ignores_cooldown,
        trigger_cooldown_off_by_one,
        trigger_cooldown_from_last_alarm,
        trigger_first_only,
        trigger_skips_first_batch,
    ],
    "check_choose_threshold": [
        choose_counts_ties,
        choose_strict_budget,
        choose_highest,
        choose_unsorted,
        choose_falls_back_to_max,
        choose_quantile,
    ],
}

#: Answers that never return: the check's time budget turns each into a ✗.
for _check, _hang in {
    "check_psi_from_counts": psi_never_returns,
    "check_handle_events": events_never_returns,
    "check_route_message": route_never_returns,
    "check_trigger_points": trigger_never_returns,
    "check_choose_threshold": choose_never_returns,
}.items():
    WRONG[_check].append(_hang)

RIGHT = {
    "check_psi_from_counts": [psi_with_math, psi_terms_swapped],
    "check_handle_events": [events_with_dict, events_wrap_error, events_finish_batch_then_raise],
    "check_route_message": [route_with_match],
    "check_trigger_points": [trigger_with_countdown, trigger_skip_ahead],
    "check_choose_threshold": [choose_with_rates, choose_scan_down],
}
