"""Checks for the exercises of Chapter 8: Stateful vs stateless systems.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch08_wrong_answers.py.
"""

from __future__ import annotations

import json
from collections.abc import MutableMapping

import numpy as np
import pandas as pd

from mlskills.checks import Fail, call, check, short


# ---------------------------------------------------------------- Exercise 1: lag features
def _series() -> pd.Series:
    days = pd.date_range("2015-01-01", periods=8, freq="D", name="date")
    return pd.Series([3.0, 1.0, 4.0, 1.0, 5.0, 9.0, 2.0, 6.0], index=days, name="temp")


@check
def check_lag_features(fn):
    series = _series()
    for lags in ([1], [1, 2, 3], [3, 1], [7, 8, 9]):
        original = series.copy()
        got = call(fn, series, lags)
        if not series.equals(original):
            raise Fail(
                f"lag_features(series, {lags}) changed the series it was given; build a new DataFrame"
            )
        if not isinstance(got, pd.DataFrame):
            raise Fail(
                f"lag_features(series, {lags}) should return a DataFrame, got {type(got).__name__}"
            )
        names = [f"lag_{k}" for k in lags]
        if list(got.columns) != names:
            raise Fail(
                f"lag_features(series, {lags}) should have the columns {names} in that order, got {list(got.columns)}"
            )
        if len(got) != len(series):
            raise Fail(
                f"lag_features(series, {lags}) returned {len(got)} rows for a series of {len(series)}: "
                "keep every row (the first ones hold NaN where no earlier value exists)"
            )
        if not got.index.equals(series.index):
            raise Fail(
                f"lag_features(series, {lags}) should keep the series' index (the dates), got {short(list(got.index[:2]))}…"
            )
        for k in lags:
            column = got[f"lag_{k}"].to_numpy(dtype=float)
            expected = series.shift(k).to_numpy(dtype=float)
            if np.allclose(column, expected, equal_nan=True):
                continue
            if np.allclose(column, series.shift(-k).to_numpy(dtype=float), equal_nan=True):
                raise Fail(
                    f"lag_{k} holds values from {k} rows *later*: that is look-ahead, the model would see the future"
                )
            row = int(np.nonzero(~np.isclose(column, expected, equal_nan=True))[0][0])
            want = (
                "NaN (no earlier value exists)" if np.isnan(expected[row]) else f"{expected[row]:g}"
            )
            raise Fail(
                f"lag_{k} on {series.index[row]:%Y-%m-%d} should be the value from {k} day(s) before, "
                f"{want}, got {column[row]:g}"
            )
    empty = call(fn, series, [])
    if not isinstance(empty, pd.DataFrame) or empty.shape != (len(series), 0):
        raise Fail(
            f"lag_features(series, []) should be a DataFrame with {len(series)} rows and no columns, got "
            + (
                f"a DataFrame of shape {empty.shape}"
                if isinstance(empty, pd.DataFrame)
                else short(empty)
            )
        )
    return "lag_features shifts each column k rows into the past (no look-ahead), keeps every row and the index, names and orders the columns, and leaves the series unchanged"


# ---------------------------------------------------------------- Exercise 2: one LSTM cell step
def _sigmoid(v):
    return 1 / (1 + np.exp(-v))


def _cell_variants(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """The correct step and common slips, so a hint can say which part differs."""
    gates = x @ W_ih.T + h @ W_hh.T + b_ih + b_hh
    i, f, g, o = np.split(gates, 4, axis=1)
    c_new = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
    right = (_sigmoid(o) * np.tanh(c_new), c_new)
    i2, f2, o2, g2 = np.split(gates, 4, axis=1)
    c_swapped = _sigmoid(f2) * c + _sigmoid(i2) * np.tanh(g2)
    return right, {
        "gate order": (_sigmoid(o2) * np.tanh(c_swapped), c_swapped),
    }


def _torch_cell(x, h, c, W_ih, W_hh, b_ih, b_hh):
    import torch

    cell = torch.nn.LSTMCell(x.shape[1], h.shape[1], dtype=torch.float64)
    with torch.no_grad():
        for param, value in zip(
            (cell.weight_ih, cell.weight_hh, cell.bias_ih, cell.bias_hh),
            (W_ih, W_hh, b_ih, b_hh),
            strict=True,
        ):
            param.copy_(torch.from_numpy(value))
        h_new, c_new = cell(torch.from_numpy(x), (torch.from_numpy(h), torch.from_numpy(c)))
    return h_new.numpy(), c_new.numpy()


def _cell_case(batch, n_in, hidden, seed):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(size=(batch, n_in)),
        rng.normal(scale=0.5, size=(batch, hidden)),
        rng.normal(size=(batch, hidden)),
        rng.normal(scale=0.6, size=(4 * hidden, n_in)),
        rng.normal(scale=0.6, size=(4 * hidden, hidden)),
        rng.normal(scale=0.5, size=4 * hidden),
        rng.normal(scale=0.5, size=4 * hidden),
    )


@check
def check_lstm_cell_step(fn):
    for batch, n_in, hidden, seed in ((1, 3, 2, 8), (4, 5, 3, 9)):
        args = _cell_case(batch, n_in, hidden, seed)
        copies = [a.copy() for a in args]
        got = call(fn, *args)
        what = f"batch {batch}, {n_in} inputs, {hidden} hidden units"
        if any(not np.array_equal(a, b) for a, b in zip(args, copies, strict=True)):
            raise Fail(
                f"lstm_cell_step changed one of its inputs ({what}); compute new arrays instead"
            )
        if not isinstance(got, (tuple, list)) or len(got) != 2:
            raise Fail(f"lstm_cell_step should return a pair (h_new, c_new), got {short(got)}")
        h_got, c_got = (np.asarray(v, dtype=float) for v in got)
        h_ref, c_ref = _torch_cell(*args)
        if h_got.shape != h_ref.shape or c_got.shape != c_ref.shape:
            raise Fail(
                f"for {what}, h_new and c_new should both have shape {h_ref.shape} (batch, hidden), "
                f"got {h_got.shape} and {c_got.shape}"
            )
        right, slips = _cell_variants(*args)
        assert np.allclose(right[0], h_ref) and np.allclose(right[1], c_ref)
        if np.allclose(h_got, h_ref, atol=1e-9) and np.allclose(c_got, c_ref, atol=1e-9):
            continue
        if np.allclose(c_got, slips["gate order"][1], atol=1e-9):
            raise Fail(
                f"for {what}, your gates come out of the stacked weights in a different order from PyTorch's; "
                "the nn.LSTMCell documentation lists the order of the four blocks"
            )
        if not np.allclose(c_got, c_ref, atol=1e-9):
            raise Fail(
                f"for {what}, c_new differs from nn.LSTMCell's by up to {np.abs(c_got - c_ref).max():.3g}: "
                "check the order of the four gate blocks, both bias vectors, the activation of each gate, "
                "and how the old c and the candidate are combined"
            )
        raise Fail(
            f"for {what}, c_new matches nn.LSTMCell but h_new differs by up to {np.abs(h_got - h_ref).max():.3g}: "
            "look again at how the output gate is applied, and to which cell state"
        )
    return "lstm_cell_step matches torch.nn.LSTMCell (gate order i, f, g, o; both biases; h and c) on batches of 1 and 4 without changing its inputs"


# ---------------------------------------------------------------- Exercise 3: chunks with state
def _chunk_case(seed: int, length: int):
    import torch

    torch.manual_seed(seed)
    lstm = torch.nn.LSTM(2, 3, batch_first=True, dtype=torch.float64)
    x = torch.from_numpy(np.random.default_rng(seed).normal(size=(2, length, 2)))
    return lstm, x


@check
def check_forward_in_chunks(fn):
    import torch

    for length, chunk in ((12, 4), (10, 4), (5, 8), (6, 1)):
        lstm, x = _chunk_case(seed=length * 10 + chunk, length=length)
        with torch.no_grad():
            full, (h_full, c_full) = lstm(x)
        x_in = x.clone().requires_grad_(True)
        got = call(fn, lstm, x_in, chunk)
        what = f"a sequence of {length} steps in chunks of {chunk}"
        if (
            not isinstance(got, tuple)
            or len(got) != 2
            or not isinstance(got[1], tuple)
            or len(got[1]) != 2
        ):
            raise Fail(f"forward_in_chunks should return (outputs, (h, c)), got {short(got)}")
        outputs, (h, c) = got
        if not isinstance(outputs, torch.Tensor) or tuple(outputs.shape) != tuple(full.shape):
            raise Fail(
                f"for {what}, outputs should be a tensor of shape {tuple(full.shape)} (batch, steps, hidden), "
                f"got {short(getattr(outputs, 'shape', outputs))}: did every step, including a last short chunk, get processed?"
            )
        gap = (outputs.detach() - full).abs().max(dim=2).values.max(dim=0).values
        if gap.max() > 1e-9:
            step = int(torch.nonzero(gap > 1e-9)[0])
            raise Fail(
                f"for {what}, the outputs match one full forward pass until step {step} and then differ: "
                "each chunk should start from the state the previous chunk ended with"
            )
        if not (torch.allclose(h.detach(), h_full) and torch.allclose(c.detach(), c_full)):
            raise Fail(
                f"for {what}, the returned (h, c) should be the state after the last step of the sequence"
            )
        if h.requires_grad or c.requires_grad:
            raise Fail(
                f"for {what}, the returned (h, c) still carries an autograd graph; the caller will carry it into the next call"
            )
        if not outputs.requires_grad:
            raise Fail(
                f"for {what}, the outputs carry no autograd graph, so nothing could be trained from them; run the LSTM with gradients on"
            )
        for start in range(0, length, chunk):
            end = min(start + chunk, length)
            (grad,) = torch.autograd.grad(
                outputs[:, end - 1].sum(), x_in, retain_graph=True, allow_unused=True
            )
            if grad is None or grad[:, start:end].abs().max() == 0:
                raise Fail(
                    f"for {what}, no gradient reaches the inputs of the chunk at steps {start}-{end - 1} from its own outputs: "
                    "cut the graph only between chunks, never between a chunk's inputs and its outputs"
                )
            if start > 0 and grad[:, :start].abs().max() > 0:
                raise Fail(
                    f"for {what}, the outputs of the chunk starting at step {start} send gradient back into earlier chunks: "
                    "cut the graph at each chunk boundary while keeping the state's values"
                )
    return "forward_in_chunks equals one full forward pass (state carried across chunks, last short chunk included), returns the final (h, c), and cuts the graph at every chunk boundary"


# ---------------------------------------------------------------- Exercise 4: session state store
class JsonStore(MutableMapping):
    """A dict that stores values as JSON text, like Redis or a database column would."""

    def __init__(self):
        self._data: dict[str, str] = {}

    def __getitem__(self, key):
        return json.loads(self._data[key])

    def __setitem__(self, key, value):
        if not isinstance(key, str):
            raise TypeError(f"store keys are strings (user ids), got {type(key).__name__}")
        try:
            self._data[key] = json.dumps(value)
        except TypeError as exc:
            raise TypeError(f"the store keeps JSON only (lists, numbers, strings): {exc}") from exc

    def __delitem__(self, key):
        del self._data[key]

    def __iter__(self):
        return iter(self._data)

    def __len__(self):
        return len(self._data)

    def __repr__(self):
        return f"store({', '.join(f'{k!r}: {v}' for k, v in self._data.items())})"


def _moving_mean(values: list[float]) -> list[float]:
    return [float(np.mean(values[max(0, i - 2) : i + 1])) for i in range(len(values))]


@check
def check_handle_request(fn):
    stream = [
        ("ana", 10.0),
        ("ben", 1.0),
        ("ana", 12.0),
        ("ana", 14.0),
        ("ben", 3.0),
        ("ana", 20.0),
        ("ana", 5.0),
        ("ben", 8.0),
        ("ben", 0.0),
    ]
    expected = {}
    for user in ("ana", "ben"):
        values = [v for u, v in stream if u == user]
        expected[user] = iter(_moving_mean(values))
    store = JsonStore()
    for n, (user, value) in enumerate(stream, start=1):
        got = call(fn, store, user, value)
        want = next(expected[user])
        if not isinstance(got, (int, float, np.floating)) or abs(float(got) - want) > 1e-9:
            seen = [v for u, v in stream[:n] if u == user]
            raise Fail(
                f"request {n} ({user} sends {value}) after {user}'s values {seen[:-1]} should forecast {want:g}, got {short(got)}: "
                "the forecast is the mean of the user's most recent values (at most three), this one included"
            )
    other = JsonStore()
    got = call(fn, other, "ana", 7.0)
    if not isinstance(got, (int, float, np.floating)) or abs(float(got) - 7.0) > 1e-9:
        raise Fail(
            f"a replica with a fresh, empty store got ana's first value 7.0 and forecast {short(got)} instead of 7: "
            "the handler remembered ana outside the store; keep every bit of state in the store"
        )
    if set(other) != {"ana"}:
        raise Fail(
            f"after one request from ana, the store should hold one key, 'ana', got {sorted(other)}"
        )
    sizes = []
    for n in range(1, 41):
        call(fn, other, "ana", 7.0)
        if n in (10, 40):
            sizes.append(len(json.dumps(other["ana"])))
    if sizes[1] > sizes[0]:
        raise Fail(
            f"after 10 more requests from ana the store held {sizes[0]} characters for her, after 40 it held {sizes[1]}: "
            "the state grows with every request; keep only what the next forecast needs"
        )
    return "handle_request forecasts the mean of each user's last three values, keeps users apart, and keeps all its state (as JSON, bounded in size) in the store, so any replica can answer any request"


# ---------------------------------------------------------------- Exercise 5: choose a design
MODELS, PLACEMENTS = ("bag", "window", "stateful"), ("none", "sticky", "request", "store")
SCENARIOS = [
    # (description, scenario, expected (model, placement))
    (
        "spam filter on message words",
        dict(
            order_matters=False,
            dependency_steps=200,
            max_window=20,
            state_bytes=0,
            max_request_bytes=10_000,
            can_lose_state=True,
        ),
        ("bag", "none"),
    ),
    (
        "next-day temperature",
        dict(
            order_matters=True,
            dependency_steps=14,
            max_window=30,
            state_bytes=256,
            max_request_bytes=10_000,
            can_lose_state=True,
        ),
        ("window", "none"),
    ),
    (
        "dependency exactly as long as the window",
        dict(
            order_matters=True,
            dependency_steps=30,
            max_window=30,
            state_bytes=256,
            max_request_bytes=10_000,
            can_lose_state=False,
        ),
        ("window", "none"),
    ),
    (
        "event counts where the window would also fit",
        dict(
            order_matters=False,
            dependency_steps=10,
            max_window=30,
            state_bytes=256,
            max_request_bytes=10_000,
            can_lose_state=True,
        ),
        ("bag", "none"),
    ),
    (
        "dependency one step longer than the window",
        dict(
            order_matters=True,
            dependency_steps=31,
            max_window=30,
            state_bytes=256,
            max_request_bytes=10_000,
            can_lose_state=False,
        ),
        ("stateful", "request"),
    ),
    (
        "keyboard next-word suggestions",
        dict(
            order_matters=True,
            dependency_steps=500,
            max_window=30,
            state_bytes=2_048,
            max_request_bytes=10_000,
            can_lose_state=True,
        ),
        ("stateful", "sticky"),
    ),
    (
        "fraud score over a card's whole history",
        dict(
            order_matters=True,
            dependency_steps=5_000,
            max_window=50,
            state_bytes=1_024,
            max_request_bytes=4_096,
            can_lose_state=False,
        ),
        ("stateful", "request"),
    ),
    (
        "request limit exactly the state size",
        dict(
            order_matters=True,
            dependency_steps=5_000,
            max_window=50,
            state_bytes=4_096,
            max_request_bytes=4_096,
            can_lose_state=False,
        ),
        ("stateful", "request"),
    ),
    (
        "speech recogniser on a phone call",
        dict(
            order_matters=True,
            dependency_steps=3_000,
            max_window=100,
            state_bytes=65_536,
            max_request_bytes=8_192,
            can_lose_state=False,
        ),
        ("stateful", "store"),
    ),
]


@check
def check_choose_design(fn):
    for description, scenario, want in SCENARIOS:
        got = call(fn, dict(scenario))
        if (
            not isinstance(got, tuple)
            or len(got) != 2
            or got[0] not in MODELS
            or got[1] not in PLACEMENTS
        ):
            raise Fail(
                f"choose_design should return (model, placement) with model in {MODELS} and placement in {PLACEMENTS}, got {short(got)}"
            )
        if got[0] != want[0]:
            raise Fail(
                f"for '{description}' (order matters: {scenario['order_matters']}, longest dependency "
                f"{scenario['dependency_steps']} steps, affordable window {scenario['max_window']}) "
                f"the model should be {want[0]!r}, got {got[0]!r}: "
                "ask first whether order matters, then whether the longest dependency fits in the affordable window"
            )
        if got[1] != want[1]:
            raise Fail(
                f"for '{description}' (model {want[0]!r}, state {scenario['state_bytes']} bytes, request limit "
                f"{scenario['max_request_bytes']} bytes, can lose state: {scenario['can_lose_state']}) the placement should be "
                f"{want[1]!r}, got {got[1]!r}: a stateless model needs no placement; otherwise prefer the cheapest option the scenario allows"
            )
    return "choose_design picks bag / window / stateful from order and reach, and none / sticky / request / store from what the state may lose and how large it is, boundaries included"
