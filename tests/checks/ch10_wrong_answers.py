"""Wrong and right answers for the checks of Chapter 10.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet"), an answer that never returns (must be
stopped within the budget), each answer in RIGHT (must pass) and each answer in WRONG
(must fail with a specific one-line hint).

WRONG: one answer per rule the check's ✓ line claims, omitting just that rule, on every
argument the rule applies to, plus the boundary cases learners hit. RIGHT: correct answers
written differently from the solution.
"""

import numpy as np

_BYTES = {"float32": 4, "float16": 2, "int8": 1}


# ---------------------------------------------------------------- model_bytes
def model_bytes_forgets_bias(layer_shapes, dtype):
    """Counts the weight matrices only: every layer's biases are missing."""
    return sum(i * o for i, o in layer_shapes) * _BYTES[dtype]


def model_bytes_bias_per_input(layer_shapes, dtype):
    """One bias per input instead of per output."""
    return sum(i * o + i for i, o in layer_shapes) * _BYTES[dtype]


def model_bytes_in_bits(layer_shapes, dtype):
    """Returns bits (×8) instead of bytes."""
    return sum((i + 1) * o for i, o in layer_shapes) * _BYTES[dtype] * 8


def model_bytes_always_float32(layer_shapes, dtype):
    """Ignores the number format: 4 bytes per value whatever the dtype."""
    return sum((i + 1) * o for i, o in layer_shapes) * 4


def model_bytes_int8_as_two(layer_shapes, dtype):
    """Thinks int8 takes 2 bytes (confuses it with int16)."""
    return sum((i + 1) * o for i, o in layer_shapes) * {"float32": 4, "float16": 2, "int8": 2}[dtype]


def model_bytes_first_layer_only(layer_shapes, dtype):
    """Counts the first layer and stops (an early return in the loop)."""
    for i, o in layer_shapes:
        return (i + 1) * o * _BYTES[dtype]
    return 0


def model_bytes_empty_is_none(layer_shapes, dtype):
    """Returns None for a network with no layers instead of 0."""
    if not layer_shapes:
        return None
    return sum((i + 1) * o for i, o in layer_shapes) * _BYTES[dtype]


def model_bytes_float(layer_shapes, dtype):
    """Returns a float (kB arithmetic left in) instead of an int number of bytes."""
    return sum((i + 1) * o for i, o in layer_shapes) * _BYTES[dtype] / 1.0


def model_bytes_by_parameters(layer_shapes, dtype):
    """Another way: count parameters with NumPy, then multiply by the itemsize."""
    itemsize = np.dtype({"float32": np.float32, "float16": np.float16, "int8": np.int8}[dtype]).itemsize
    params = sum(np.prod((i, o)) + o for i, o in layer_shapes)
    return int(params * itemsize)


# ---------------------------------------------------------------- prequential
def prequential_trains_first(model, batches):
    """Trains on each batch before scoring it: every prediction has seen its label."""
    scores = []
    for X, y in batches:
        model.partial_fit(X, y)
        scores.append(float(np.mean(model.predict(X) == y)))
    return scores


def prequential_never_trains(model, batches):
    """Scores every batch but never updates the model (a static model)."""
    return [float(np.mean(model.predict(X) == y)) for X, y in batches]


def prequential_counts_correct(model, batches):
    """Returns the number of correct rows per batch instead of the fraction."""
    scores = []
    for X, y in batches:
        scores.append(float(np.sum(model.predict(X) == y)))
        model.partial_fit(X, y)
    return scores


def prequential_skips_last_training(model, batches):
    """Does not train on the last batch (an off-by-one: 'its score is already known')."""
    scores = []
    for k, (X, y) in enumerate(batches):
        scores.append(float(np.mean(model.predict(X) == y)))
        if k < len(batches) - 1:
            model.partial_fit(X, y)
    return scores


def prequential_cumulative(model, batches):
    """Returns the running accuracy over all rows so far instead of each batch's own score."""
    correct = seen = 0
    scores = []
    for X, y in batches:
        hits = model.predict(X) == y
        correct, seen = correct + int(hits.sum()), seen + len(y)
        scores.append(correct / seen)
        model.partial_fit(X, y)
    return scores


def prequential_drops_first_batch(model, batches):
    """Uses the first batch for training only and scores from the second on."""
    scores = []
    for k, (X, y) in enumerate(batches):
        if k:
            scores.append(float(np.mean(model.predict(X) == y)))
        model.partial_fit(X, y)
    return scores


def prequential_empty_is_none(model, batches):
    """Returns None for an empty stream instead of []."""
    if not batches:
        return None
    scores = []
    for X, y in batches:
        scores.append(float(np.mean(model.predict(X) == y)))
        model.partial_fit(X, y)
    return scores


def prequential_with_sklearn_metric(model, batches):
    """Another way: accuracy_score from scikit-learn, results collected in an array."""
    from sklearn.metrics import accuracy_score

    out = np.zeros(len(batches))
    for k, (X, y) in enumerate(batches):
        out[k] = accuracy_score(y, model.predict(X))
        model.partial_fit(X, y)
    return out.tolist()


def prequential_rounds(model, batches):
    """Rounds each score to two decimals (1/3 becomes 0.33): the score is the exact fraction."""
    scores = []
    for X, y in batches:
        scores.append(round(float(np.mean(model.predict(X) == y)), 2))
        model.partial_fit(X, y)
    return scores


def prequential_with_score(model, batches):
    """Another way: the learner's own score(X, y), scikit-learn's mean accuracy."""
    scores = []
    for X, y in batches:
        scores.append(model.score(X, y))
        model.partial_fit(X, y)
    return scores


# ---------------------------------------------------------------- fedavg
def fedavg_unweighted(updates, n_samples):
    """The plain mean of the devices: a device with 10 examples counts as much as one with 10,000."""
    if sum(n_samples) == 0:
        raise ValueError("no data")
    return {k: np.mean([u[k] for u in updates], axis=0) for k in updates[0]}


def fedavg_not_normalised(updates, n_samples):
    """Weights by the counts but never divides by the total."""
    if sum(n_samples) == 0:
        raise ValueError("no data")
    return {k: sum(u[k] * n for u, n in zip(updates, n_samples, strict=True)) for k in updates[0]}


def fedavg_first_parameter_only(updates, n_samples):
    """Averages the first parameter and forgets the others (the biases)."""
    total = sum(n_samples)
    if total == 0:
        raise ValueError("no data")
    first = next(iter(updates[0]))
    return {first: sum(u[first] * n / total for u, n in zip(updates, n_samples, strict=True))}


def fedavg_in_place(updates, n_samples):
    """Accumulates into the first device's arrays, changing the update it was given."""
    total = sum(n_samples)
    if total == 0:
        raise ValueError("no data")
    result = updates[0]
    for k in result:
        result[k] *= n_samples[0] / total
        for u, n in zip(updates[1:], n_samples[1:], strict=True):
            result[k] += u[k] * n / total
    return result


def fedavg_zero_total_nan(updates, n_samples):
    """Divides by a zero total and returns NaNs instead of refusing."""
    total = sum(n_samples)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {k: sum(u[k] * n for u, n in zip(updates, n_samples, strict=True)) / np.float64(total) for k in updates[0]}


def fedavg_skips_empty_devices_in_mean(updates, n_samples):
    """Drops devices with no data, then takes the plain mean of the rest."""
    kept = [u for u, n in zip(updates, n_samples, strict=True) if n > 0]
    if not kept:
        raise ValueError("no data")
    return {k: np.mean([u[k] for u in kept], axis=0) for k in updates[0]}


def fedavg_with_average(updates, n_samples):
    """Another way: np.average with weights, stacking the devices on a new axis."""
    if not any(n_samples):
        raise ValueError("no device has data")
    return {k: np.average(np.stack([u[k] for u in updates]), axis=0, weights=n_samples) for k in updates[0]}


def fedavg_fixed_names(updates, n_samples):
    """Hard-codes the parameter names "W" and "b" instead of averaging every parameter it is given."""
    total = sum(n_samples)
    if total == 0:
        raise ValueError("no device has data")
    return {k: sum(u[k] * n / total for u, n in zip(updates, n_samples, strict=True)) for k in ("W", "b")}


# ---------------------------------------------------------------- choose_runtime
def _pick(fits, by, ascending):
    if fits.empty:
        return None
    best = fits.sort_values(by, ascending=ascending, kind="stable").iloc[0]
    return best["runtime"], int(best["threads"])


def choose_ignores_memory(candidates, p95_budget_ms, memory_budget_mb):
    """Checks the latency budget only."""
    return _pick(candidates[candidates["p95_ms"] <= p95_budget_ms], ["accuracy", "threads", "p95_ms"], [False, True, True])


def choose_ignores_latency(candidates, p95_budget_ms, memory_budget_mb):
    """Checks the memory budget only."""
    return _pick(candidates[candidates["peak_mb"] <= memory_budget_mb], ["accuracy", "threads", "p95_ms"], [False, True, True])


def choose_uses_p50(candidates, p95_budget_ms, memory_budget_mb):
    """Compares the median latency, not the p95, with the budget."""
    fits = candidates[(candidates["p50_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["accuracy", "threads", "p95_ms"], [False, True, True])


def choose_strict_budgets(candidates, p95_budget_ms, memory_budget_mb):
    """Treats a value equal to the budget as over it (< instead of <=)."""
    fits = candidates[(candidates["p95_ms"] < p95_budget_ms) & (candidates["peak_mb"] < memory_budget_mb)]
    return _pick(fits, ["accuracy", "threads", "p95_ms"], [False, True, True])


def choose_fastest(candidates, p95_budget_ms, memory_budget_mb):
    """Takes the fastest setting within budget instead of the most accurate."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["p95_ms"], [True])


def choose_more_threads_on_tie(candidates, p95_budget_ms, memory_budget_mb):
    """Breaks accuracy ties towards more threads."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["accuracy", "threads", "p95_ms"], [False, False, True])


def choose_first_row_on_tie(candidates, p95_budget_ms, memory_budget_mb):
    """Breaks accuracy ties by whichever row comes first (depends on the row order)."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["accuracy"], [False])


def choose_ties_by_threads_only(candidates, p95_budget_ms, memory_budget_mb):
    """Breaks ties by threads, then by row order instead of the lower p95."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["accuracy", "threads"], [False, True])


def choose_raises_when_nothing_fits(candidates, p95_budget_ms, memory_budget_mb):
    """Indexes the first row of an empty selection (IndexError) instead of returning None."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    best = fits.sort_values(["accuracy", "threads", "p95_ms"], ascending=[False, True, True]).iloc[0]
    return best["runtime"], int(best["threads"])


def choose_with_loop(candidates, p95_budget_ms, memory_budget_mb):
    """Another way: a plain loop with a key tuple (higher accuracy, fewer threads, lower p95)."""
    best, best_key = None, None
    for row in candidates.itertuples(index=False):
        if row.p95_ms <= p95_budget_ms and row.peak_mb <= memory_budget_mb:
            key = (-row.accuracy, row.threads, row.p95_ms)
            if best_key is None or key < best_key:
                best, best_key = (row.runtime, row.threads), key
    return best


def choose_ties_by_p50(candidates, p95_budget_ms, memory_budget_mb):
    """Breaks the last tie by the median latency instead of the p95."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["accuracy", "threads", "p50_ms"], [False, True, True])


def choose_ties_by_p95_ignoring_threads(candidates, p95_budget_ms, memory_budget_mb):
    """Breaks accuracy ties by the lower p95 alone, forgetting to prefer fewer threads."""
    fits = candidates[(candidates["p95_ms"] <= p95_budget_ms) & (candidates["peak_mb"] <= memory_budget_mb)]
    return _pick(fits, ["accuracy", "p95_ms"], [False, True])


WRONG = {
    "check_model_bytes": [
        model_bytes_forgets_bias,
        model_bytes_bias_per_input,
        model_bytes_in_bits,
        model_bytes_always_float32,
        model_bytes_int8_as_two,
        model_bytes_first_layer_only,
        model_bytes_empty_is_none,
        model_bytes_float,
    ],
    "check_prequential": [
        prequential_trains_first,
        prequential_never_trains,
        prequential_counts_correct,
        prequential_skips_last_training,
        prequential_cumulative,
        prequential_drops_first_batch,
        prequential_empty_is_none,
        prequential_rounds,
    ],
    "check_fedavg": [
        fedavg_unweighted,
        fedavg_not_normalised,
        fedavg_first_parameter_only,
        fedavg_in_place,
        fedavg_zero_total_nan,
        fedavg_skips_empty_devices_in_mean,
        fedavg_fixed_names,
    ],
    "check_choose_runtime": [
        choose_ignores_memory,
        choose_ignores_latency,
        choose_uses_p50,
        choose_strict_budgets,
        choose_fastest,
        choose_more_threads_on_tie,
        choose_first_row_on_tie,
        choose_ties_by_threads_only,
        choose_raises_when_nothing_fits,
        choose_ties_by_p50,
        choose_ties_by_p95_ignoring_threads,
    ],
}
RIGHT = {
    "check_model_bytes": [model_bytes_by_parameters],
    "check_prequential": [prequential_with_sklearn_metric, prequential_with_score],
    "check_fedavg": [fedavg_with_average],
    "check_choose_runtime": [choose_with_loop],
}
