"""Checks for the exercises of Chapter 10: Emerging technologies: edge, in-situ and browser ML.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch10_wrong_answers.py.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from mlskills.checks import Fail, call, check, counted, short


# ---------------------------------------------------------------- Exercise 1: memory footprint
@check(budget_s=5)
def check_model_bytes(fn):
    cases = [
        ([(64, 32), (32, 10)], "float32", 9640),
        ([(64, 32), (32, 10)], "float16", 4820),
        ([(64, 32), (32, 10)], "int8", 2410),
        ([(3, 1)], "float32", 16),
        ([(10, 4), (4, 4), (4, 2)], "int8", 44 + 20 + 10),
        ([], "float32", 0),
    ]
    for shapes, dtype, expected in cases:
        got = call(fn, list(shapes), dtype)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            raise Fail(f"model_bytes({shapes}, {dtype!r}) should return an int number of bytes, got {type(got).__name__} {short(got)}")
        if got != expected:
            if got == expected * 8:
                hint = "that is bits; the function returns bytes"
            elif len(shapes) and got == sum(i * o for i, o in shapes) * {"float32": 4, "float16": 2, "int8": 1}[dtype]:
                hint = "every layer also stores one bias per output"
            elif len(shapes) and got == sum(i * o + i for i, o in shapes) * {"float32": 4, "float16": 2, "int8": 1}[dtype]:
                hint = "a layer has one bias per output, not per input"
            elif dtype != "float32" and got == expected * {"float16": 2, "int8": 4}[dtype]:
                hint = f"the number format decides the bytes per value; {dtype} is not float32"
            else:
                hint = "count every weight and bias of every layer, times the bytes one value takes"
            raise Fail(f"model_bytes({shapes}, {dtype!r}) should be {expected:,} bytes, got {short(got)}: {hint}")
    return "model_bytes counts weights and biases of every layer, in bytes, for float32, float16 and int8, and 0 for no layers"


# ---------------------------------------------------------------- Exercise 2: prequential evaluation
class _Memoriser:
    """A fake stream learner: predicts the label it was taught for an identical row, else 0.

    Scoring a batch after training on it would give 1.0, so the order shows in the scores.
    ``log`` records every call as ("predict"|"fit", batch id).
    """

    def __init__(self, ids):
        self.seen, self.log, self._ids = {}, [], ids

    def predict(self, X):
        X = np.asarray(X)
        self.log.append(("predict", self._ids.get(X.tobytes())))
        return np.array([self.seen.get(row.tobytes(), 0) for row in X])

    def score(self, X, y):
        """Mean accuracy, as scikit-learn's classifiers define it (a valid way to score a batch)."""
        return float(np.mean(self.predict(X) == np.asarray(y)))

    def partial_fit(self, X, y, classes=None):  # noqa: ARG002 - sklearn's signature
        X, y = np.asarray(X), np.asarray(y)
        self.log.append(("fit", self._ids.get(X.tobytes())))
        for row, label in zip(X, y, strict=True):
            self.seen[row.tobytes()] = int(label)
        return self


def _stream():
    """Rows recur across batches and the last batch is shorter, so the order of test and train shows;
    the last batch scores 1/3, so a rounded score shows too."""
    a, b, c, d, e = ([float(i), float(i)] for i in range(1, 6))
    return [
        (np.array([a, b]), np.array([1, 0])),
        (np.array([a, c, d, e]), np.array([1, 1, 0, 1])),
        (np.array([c, b, [9.0, 9.0]]), np.array([1, 1, 1])),  # scores 1/3: a rounded score shows
    ]


def _scores(batches, test_first: bool) -> list[float]:
    model, out = _Memoriser({}), []
    for X, y in batches:
        if not test_first:
            model.partial_fit(X, y)
        out.append(float(np.mean(model.predict(X) == y)))
        if test_first:
            model.partial_fit(X, y)
    return out


@check(budget_s=5)
def check_prequential(fn):
    batches = _stream()
    expected, trained_first = _scores(batches, True), _scores(batches, False)
    model = _Memoriser({X.tobytes(): i for i, (X, _) in enumerate(batches)})
    model.predict = counted(model.predict, 20, "model.predict")
    got = call(fn, model, list(batches))
    if not isinstance(got, (list, tuple, np.ndarray)):
        raise Fail(f"prequential should return a list with one accuracy per batch, got {type(got).__name__} {short(got)}")
    got = [float(v) for v in got]
    if len(got) != len(expected):
        raise Fail(f"3 batches should give 3 accuracies, got {len(got)}: {short(got)}")
    fits = [i for kind, i in model.log if kind == "fit"]
    if fits != [0, 1, 2]:
        raise Fail(f"the learner should be trained once on each whole batch, in stream order (batches 0, 1, 2); it was trained on {fits}")
    if np.allclose(got, trained_first) and not np.allclose(got, expected):
        raise Fail(f"got {short([round(g, 3) for g in got])}: each batch was scored after training on it; test first, then train")
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        if not math.isclose(g, e, abs_tol=1e-9):
            n = len(batches[i][1])
            extra = " (that is a count of correct rows; the score is a fraction of the batch)" if math.isclose(g, e * n) else ""
            raise Fail(f"batch {i} ({n} rows) should score {e:.3f} with the model as it was before that batch, got {g:.3f}{extra}")
    empty = call(fn, _Memoriser({}), [])
    if empty is None or len(empty) != 0:
        raise Fail(f"an empty stream should give an empty list of accuracies, got {short(empty)}")
    return "prequential scores each batch before training on it, trains on every batch in order, returns one fraction per batch, [] for no batches"


# ---------------------------------------------------------------- Exercise 3: FedAvg
def _updates(names=("W", "b")):
    w, b = names[0], names[1]
    base = _base_updates()
    out = [{w: u["W"], b: u["b"]} for u in base]
    if len(names) > 2:  # a third parameter, so an answer that knows only two names shows
        for k, u in enumerate(out):
            u[names[2]] = np.array([float(k), 2.0 * k, -1.0])
    return out


def _base_updates():
    return [
        {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([1.0, -1.0])},
        {"W": np.array([[5.0, 6.0], [7.0, 8.0]]), "b": np.array([3.0, 3.0])},
        {"W": np.array([[-1.0, 0.0], [0.0, 1.0]]), "b": np.array([0.0, 0.0])},
    ]


def _expected_avg(updates, n):
    total = sum(n)
    return {k: sum(u[k] * w for u, w in zip(updates, n, strict=True)) / total for k in updates[0]}


@check(budget_s=5)
def check_fedavg(fn):
    for n, names in (([100, 300, 0], ("W", "b")), ([1, 1, 2], ("layer1.weight", "layer1.bias", "scale")), ([0, 50, 150], ("W", "b"))):
        updates = _updates(names)
        originals = [{k: v.copy() for k, v in u.items()} for u in updates]
        got = call(fn, updates, list(n))
        expected = _expected_avg(originals, n)
        if not isinstance(got, dict):
            raise Fail(f"fedavg should return a dict {{parameter name: array}}, got {type(got).__name__}")
        if set(got) != set(expected):
            raise Fail(f"with n_samples={n}, the result should have the parameters {sorted(expected)}, got {sorted(got)}")
        for u, o in zip(updates, originals, strict=True):
            if any(not np.array_equal(u[k], o[k]) for k in o):
                raise Fail("fedavg changed the updates it was given: build new arrays, do not add into a device's update")
        for k in expected:
            g = np.asarray(got[k], dtype=float)
            if g.shape != expected[k].shape or not np.allclose(g, expected[k]):
                unweighted = np.mean([o[k] for o in originals], axis=0)
                summed = sum(o[k] * w for o, w in zip(originals, n, strict=True))
                if g.shape == unweighted.shape and np.allclose(g, unweighted):
                    hint = "that is the plain mean; a device with more examples should count for more"
                elif g.shape == summed.shape and np.allclose(g, summed):
                    hint = "the weights should add up to 1"
                else:
                    hint = "weight each device's parameters by its share of all the examples"
                raise Fail(f"with n_samples={n}, parameter {k!r} should be {short(expected[k].round(4).tolist())}, got {short(g.round(4).tolist())}: {hint}")
    try:
        got = fn(_updates(), [0, 0, 0])
    except ValueError:
        pass
    except NotImplementedError:
        raise
    except Exception as exc:  # noqa: BLE001 - any other error is the learner's
        raise Fail(f"fedavg(updates, [0, 0, 0]) should raise ValueError (no device has data), raised {type(exc).__name__}") from None
    else:
        raise Fail(f"fedavg(updates, [0, 0, 0]) should raise ValueError (no device has data), returned {short(got)}")
    return "fedavg weights each device by its share of the examples (0 counts for nothing), averages every parameter, leaves the updates unchanged, and refuses all-zero counts"


# ---------------------------------------------------------------- Exercise 4: choose a runtime
def _candidates():
    return pd.DataFrame(
        [
            ("onnxruntime", 1, 0.40, 0.9, 48.0, 0.956),
            ("onnxruntime", 2, 0.30, 0.7, 52.0, 0.956),
            ("onnxruntime int8", 1, 0.30, 0.6, 40.0, 0.950),
            ("pytorch", 1, 0.90, 2.5, 310.0, 0.956),
            ("tflite int8", 1, 0.25, 0.5, 12.0, 0.930),
            ("javascript", 1, 0.35, 1.8, 30.0, 0.956),  # lower p50 than onnxruntime's, higher p95
        ],
        columns=["runtime", "threads", "p50_ms", "p95_ms", "peak_mb", "accuracy"],
    )


#: (p95 budget ms, memory budget MB, expected (runtime, threads) or None, why)
_RUNTIME_CASES = [
    (1.0, 100.0, ("onnxruntime", 1), "two settings tie on accuracy: fewer threads first, even when the other has the lower p95"),
    (2.0, 35.0, ("javascript", 1), "the only candidate at full accuracy under 35 MB"),
    (0.9, 48.0, ("onnxruntime", 1), "both budgets are inclusive: 0.9 ms and 48 MB are within them"),
    (1.5, 20.0, ("tflite int8", 1), "only the int8 build fits 20 MB"),
    (0.4, 100.0, None, "nothing has a p95 of 0.4 ms or less"),
    (2.0, 1000.0, ("onnxruntime", 1), "three runtimes tie on accuracy: fewer threads first, then the lower p95"),
]


@check(budget_s=5)
def check_choose_runtime(fn):
    for p95_budget, mem_budget, expected, why in _RUNTIME_CASES:
        table = _candidates()
        shuffled = table.sample(frac=1.0, random_state=3).reset_index(drop=True)
        for frame, order in ((table, "as given"), (shuffled, "in another row order")):
            got = call(fn, frame.copy(), p95_budget, mem_budget)
            if got is not None and not (isinstance(got, tuple) and len(got) == 2):
                raise Fail(f"choose_runtime should return a (runtime, threads) tuple or None, got {short(got)}")
            if got is not None:
                got = (str(got[0]), int(got[1]))
            if got != expected:
                raise Fail(f"with p95 budget {p95_budget} ms and memory budget {mem_budget} MB (rows {order}), expected {expected}, got {got}: {why}")
    got = call(fn, _candidates().iloc[0:0].copy(), 1.0, 100.0)
    if got is not None:
        raise Fail(f"with no candidates at all the answer is None, got {short(got)}")
    return "choose_runtime keeps candidates within the p95 and memory budgets (inclusive), takes the most accurate, breaks ties by fewer threads then lower p95, in any row order, and returns None when nothing fits"
