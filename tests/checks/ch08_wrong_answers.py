"""Plausible wrong answers (and differently written right ones) for the checks of Chapter 8.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). ``WRONG`` holds one wrong answer per rule each check's ✓ line claims,
plus boundary cases and an answer that never returns. ``RIGHT`` holds correct answers
written differently from the solution; the checks must accept them.
"""

import numpy as np
import pandas as pd
import torch

from tests.checks import never_returns


@never_returns
def loops_forever(*args, **kwargs):
    """Loops forever (a learner's `while` loop whose condition never changes)."""
    while True:
        pass


# ---------------------------------------------------------------- Exercise 1: lag_features
def lag_looks_ahead(series, lags):
    """Shifts the wrong way: each row sees the value k days *later* (look-ahead)."""
    return pd.DataFrame({f"lag_{k}": series.shift(-k) for k in lags}, index=series.index)


def lag_off_by_one(series, lags):
    """Shifts by k - 1, so lag_1 is today's value: the target leaks into its own feature."""
    return pd.DataFrame({f"lag_{k}": series.shift(k - 1) for k in lags}, index=series.index)


def lag_drops_nan_rows(series, lags):
    """Drops the first rows that have no earlier value, so rows no longer line up with the series."""
    return pd.DataFrame({f"lag_{k}": series.shift(k) for k in lags}, index=series.index).dropna()


def lag_resets_index(series, lags):
    """Loses the dates: the result is indexed 0..n-1."""
    return pd.DataFrame({f"lag_{k}": series.shift(k).to_numpy() for k in lags})


def lag_sorted_columns(series, lags):
    """Sorts the lags, so the columns are not in the order asked for."""
    return pd.DataFrame({f"lag_{k}": series.shift(k) for k in sorted(lags)}, index=series.index)


def lag_wrong_names(series, lags):
    """Names the columns by position instead of by lag."""
    return pd.DataFrame(
        {f"lag_{i + 1}": series.shift(k) for i, k in enumerate(lags)}, index=series.index
    )


def lag_modifies_input(series, lags):
    """Fills the series' first value in place before shifting."""
    series.iloc[0] = 0.0
    return pd.DataFrame({f"lag_{k}": series.shift(k) for k in lags}, index=series.index)


def lag_fills_with_zero(series, lags):
    """Fills missing history with 0 instead of NaN, inventing values that were never observed."""
    return pd.DataFrame(
        {f"lag_{k}": series.shift(k, fill_value=0.0) for k in lags}, index=series.index
    )


def lag_wraps_around(series, lags):
    """Uses np.roll, so the first rows get the *last* values of the series (look-ahead by wrap-around)."""
    return pd.DataFrame(
        {f"lag_{k}": np.roll(series.to_numpy(), k) for k in lags}, index=series.index
    )


def lag_empty_returns_series(series, lags):
    """Returns the series itself when no lags are asked for."""
    if not lags:
        return series
    return pd.DataFrame({f"lag_{k}": series.shift(k) for k in lags}, index=series.index)


# ---------------------------------------------------------------- Exercise 2: lstm_cell_step
def _sig(v):
    return 1 / (1 + np.exp(-v))


def cell_gate_order_ifog(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Splits the gates as i, f, o, g (the order of many textbooks), not PyTorch's i, f, g, o."""
    i, f, o, g = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_sigmoid_candidate(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Applies a sigmoid to the candidate g instead of tanh."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * _sig(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_tanh_forget(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Applies tanh to the forget gate instead of a sigmoid."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = np.tanh(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_one_bias(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Adds b_ih only: PyTorch has two bias vectors and both count."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_ignores_old_c(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Forgets the old cell state: c_new is only the gated candidate."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_ignores_h(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Leaves out the recurrent term h @ W_hh.T: the cell no longer sees its own past output."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + b_hh, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_h_without_tanh(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Multiplies the output gate by c_new itself, not by tanh(c_new)."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * c_new, c_new


def cell_h_from_old_c(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Computes h_new from the old cell state c instead of c_new."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c), c_new


def cell_updates_c_in_place(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Updates c in place (c *= f), changing the caller's array."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c *= _sig(f)
    c += _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c), c


def cell_unbatched(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Computes the step for the first row only, ignoring the rest of the batch."""
    i, f, g, o = np.split(x[0] @ W_ih.T + b_ih + h[0] @ W_hh.T + b_hh, 4)
    c_new = _sig(f) * c[0] + _sig(i) * np.tanh(g)
    return _sig(o) * np.tanh(c_new), c_new


def cell_returns_c_h(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Returns (c_new, h_new), the wrong way round."""
    i, f, g, o = np.split(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh, 4, axis=1)
    c_new = _sig(f) * c + _sig(i) * np.tanh(g)
    return c_new, _sig(o) * np.tanh(c_new)


# ---------------------------------------------------------------- Exercise 3: forward_in_chunks
def chunks_reset_state(lstm, x, chunk):
    """Starts every chunk from a zero state, so each chunk forgets the ones before."""
    outputs, state = [], None
    for start in range(0, x.shape[1], chunk):
        out, state = lstm(x[:, start : start + chunk])
        outputs.append(out)
    return torch.cat(outputs, dim=1), tuple(s.detach() for s in state)


def chunks_never_detach(lstm, x, chunk):
    """Carries the state without detaching it: gradients flow back through every earlier chunk."""
    outputs, state = [], None
    for start in range(0, x.shape[1], chunk):
        out, state = lstm(x[:, start : start + chunk], state)
        outputs.append(out)
    return torch.cat(outputs, dim=1), tuple(s.detach() for s in state)


def chunks_drop_last_partial(lstm, x, chunk):
    """Stops before a last chunk that is shorter than `chunk`."""
    outputs, state = [], None
    for start in range(0, x.shape[1] - chunk + 1, chunk):
        out, state = lstm(x[:, start : start + chunk], state)
        state = tuple(s.detach() for s in state)
        outputs.append(out)
    return torch.cat(outputs, dim=1), state


def chunks_return_live_state(lstm, x, chunk):
    """Detaches between chunks but returns the final state still attached to the graph."""
    outputs, state = [], None
    for start in range(0, x.shape[1], chunk):
        if state is not None:
            state = tuple(s.detach() for s in state)
        out, state = lstm(x[:, start : start + chunk], state)
        outputs.append(out)
    return torch.cat(outputs, dim=1), state


def chunks_return_first_state(lstm, x, chunk):
    """Returns the state after the first chunk rather than after the last step."""
    outputs, state, first = [], None, None
    for start in range(0, x.shape[1], chunk):
        out, state = lstm(x[:, start : start + chunk], state)
        state = tuple(s.detach() for s in state)
        first = first or state
        outputs.append(out)
    return torch.cat(outputs, dim=1), first


def chunks_detach_outputs(lstm, x, chunk):
    """Detaches the outputs too, so nothing could ever be trained from them."""
    outputs, state = [], None
    for start in range(0, x.shape[1], chunk):
        out, state = lstm(x[:, start : start + chunk], state)
        state = tuple(s.detach() for s in state)
        outputs.append(out.detach())
    return torch.cat(outputs, dim=1), state


def chunks_detach_inputs(lstm, x, chunk):
    """Detaches each chunk's inputs: the outputs lose their connection to their own inputs."""
    outputs, state = [], None
    for start in range(0, x.shape[1], chunk):
        out, state = lstm(x[:, start : start + chunk].detach(), state)
        state = tuple(s.detach() for s in state)
        outputs.append(out)
    return torch.cat(outputs, dim=1), state


def chunks_overlap(lstm, x, chunk):
    """Steps by chunk - 1, so one step of each chunk is fed twice."""
    outputs, state, start = [], None, 0
    step = max(chunk - 1, 1)
    while start < x.shape[1]:
        out, state = lstm(x[:, start : start + chunk], state)
        state = tuple(s.detach() for s in state)
        outputs.append(out[:, :step] if start + chunk < x.shape[1] else out)
        start += step
    return torch.cat(outputs, dim=1)[:, : x.shape[1]], state


# ---------------------------------------------------------------- Exercise 4: handle_request
_MEMORY: dict = {}


def handle_in_replica_memory(store, user, value):
    """Keeps the history in a module-level dict: each replica (process) would have its own."""
    _MEMORY.setdefault(user, []).append(float(value))
    recent = _MEMORY[user][-3:]
    return sum(recent) / len(recent)


def handle_mutates_copy(store, user, value):
    """Appends to the list it read but never writes it back: a real store keeps the old value."""
    recent = store.setdefault(user, [])
    recent.append(float(value))
    return sum(recent[-3:]) / len(recent[-3:])


def handle_stores_ndarray(store, user, value):
    """Stores a NumPy array, which a JSON store (Redis, a database column) cannot hold."""
    recent = np.append(np.asarray(store.get(user, []), dtype=float), value)[-3:]
    store[user] = recent
    return float(recent.mean())


def handle_mean_of_all(store, user, value):
    """Averages the user's whole history instead of the last three values."""
    history = store.get(user, []) + [float(value)]
    store[user] = history
    return sum(history) / len(history)


def handle_last_two(store, user, value):
    """Keeps a window of two values."""
    recent = (store.get(user, []) + [float(value)])[-2:]
    store[user] = recent
    return sum(recent) / len(recent)


def handle_excludes_current(store, user, value):
    """Forecasts from the previous values only, leaving out the one in this request."""
    previous = store.get(user, [])
    store[user] = (previous + [float(value)])[-3:]
    return sum(previous[-3:]) / len(previous[-3:]) if previous else float(value)


def handle_one_key(store, user, value):
    """Keeps every user's values under one shared key, mixing users."""
    recent = (store.get("history", []) + [float(value)])[-3:]
    store["history"] = recent
    return sum(recent) / len(recent)


def handle_divides_by_three(store, user, value):
    """Always divides by 3, even when the user has sent fewer than three values."""
    recent = (store.get(user, []) + [float(value)])[-3:]
    store[user] = recent
    return sum(recent) / 3


# ---------------------------------------------------------------- Exercise 5: choose_design
def design_ignores_order(scenario):
    """Never considers a bag of features."""
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "none"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    return (
        ("stateful", "request")
        if scenario["state_bytes"] <= scenario["max_request_bytes"]
        else ("stateful", "store")
    )


def design_strict_window(scenario):
    """Uses < for the window, so a dependency exactly as long as the window goes stateful."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["dependency_steps"] < scenario["max_window"]:
        return "window", "none"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    return (
        ("stateful", "request")
        if scenario["state_bytes"] <= scenario["max_request_bytes"]
        else ("stateful", "store")
    )


def design_always_stateful(scenario):
    """Reaches for the LSTM whenever order matters, even when a window would do."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    return (
        ("stateful", "request")
        if scenario["state_bytes"] <= scenario["max_request_bytes"]
        else ("stateful", "store")
    )


def design_placement_for_stateless(scenario):
    """Gives a stateless model a placement ('sticky') although it keeps no state."""
    if not scenario["order_matters"]:
        return "bag", "sticky"
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "sticky"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    return (
        ("stateful", "request")
        if scenario["state_bytes"] <= scenario["max_request_bytes"]
        else ("stateful", "store")
    )


def design_sticky_regardless(scenario):
    """Chooses sticky sessions even when losing state is not acceptable."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "none"
    return "stateful", "sticky"


def design_request_regardless(scenario):
    """Puts the state in the request even when it is larger than the request may carry."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "none"
    return ("stateful", "sticky") if scenario["can_lose_state"] else ("stateful", "request")


def design_store_always(scenario):
    """Always uses an external store, even when a cheaper placement is allowed."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "none"
    return "stateful", "store"


def design_strict_request_size(scenario):
    """Uses < for the request size, so a state exactly at the limit goes to the store."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "none"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    return (
        ("stateful", "request")
        if scenario["state_bytes"] < scenario["max_request_bytes"]
        else ("stateful", "store")
    )


def chunks_detach_last_boundary_only(lstm, x, chunk):
    """Cuts the graph only before the last chunk, so earlier chunks still send gradient into each other."""
    starts = list(range(0, x.shape[1], chunk))
    state, outputs = None, []
    for start in starts:
        if start == starts[-1] and state is not None:
            state = tuple(s.detach() for s in state)
        out, state = lstm(x[:, start : start + chunk], state)
        outputs.append(out)
    return torch.cat(outputs, dim=1), tuple(s.detach() for s in state)


def handle_keeps_whole_history(store, user, value):
    """Stores every value ever sent and averages the last three: the state grows with every request."""
    history = store.get(user, []) + [float(value)]
    store[user] = history
    return float(np.mean(history[-3:]))


def design_window_before_order(scenario):
    """Asks about the window before asking whether order matters, so an order-free task gets a window."""
    if scenario["dependency_steps"] <= scenario["max_window"]:
        return "window", "none"
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    if scenario["state_bytes"] <= scenario["max_request_bytes"]:
        return "stateful", "request"
    return "stateful", "store"


def design_window_one_short(scenario):
    """Off by one the other way: counts a window one step shorter than the dependency as enough."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["dependency_steps"] - 1 <= scenario["max_window"]:
        return "window", "none"
    if scenario["can_lose_state"]:
        return "stateful", "sticky"
    if scenario["state_bytes"] <= scenario["max_request_bytes"]:
        return "stateful", "request"
    return "stateful", "store"


def design_returns_list(scenario):
    """Returns a list instead of a (model, placement) tuple."""
    if not scenario["order_matters"]:
        return ["bag", "none"]
    return ["window", "none"]


WRONG = {
    "check_lag_features": [
        lag_looks_ahead,
        lag_off_by_one,
        lag_drops_nan_rows,
        lag_resets_index,
        lag_sorted_columns,
        lag_wrong_names,
        lag_modifies_input,
        lag_fills_with_zero,
        lag_wraps_around,
        lag_empty_returns_series,
        loops_forever,
    ],
    "check_lstm_cell_step": [
        cell_gate_order_ifog,
        cell_sigmoid_candidate,
        cell_tanh_forget,
        cell_one_bias,
        cell_ignores_old_c,
        cell_ignores_h,
        cell_h_without_tanh,
        cell_h_from_old_c,
        cell_updates_c_in_place,
        cell_unbatched,
        cell_returns_c_h,
        loops_forever,
    ],
    "check_forward_in_chunks": [
        chunks_reset_state,
        chunks_never_detach,
        chunks_drop_last_partial,
        chunks_return_live_state,
        chunks_return_first_state,
        chunks_detach_outputs,
        chunks_detach_inputs,
        chunks_overlap,
        chunks_detach_last_boundary_only,
        loops_forever,
    ],
    "check_handle_request": [
        handle_in_replica_memory,
        handle_mutates_copy,
        handle_stores_ndarray,
        handle_mean_of_all,
        handle_last_two,
        handle_excludes_current,
        handle_one_key,
        handle_divides_by_three,
        handle_keeps_whole_history,
        loops_forever,
    ],
    "check_choose_design": [
        design_ignores_order,
        design_strict_window,
        design_always_stateful,
        design_placement_for_stateless,
        design_sticky_regardless,
        design_request_regardless,
        design_store_always,
        design_strict_request_size,
        design_returns_list,
        design_window_before_order,
        design_window_one_short,
        loops_forever,
    ],
}


# ---------------------------------------------------------------- right answers, written differently
def lag_with_loop(series, lags):
    values = series.to_numpy(dtype=float)
    columns = {}
    for k in lags:
        column = np.full(len(values), np.nan)
        column[k:] = values[: len(values) - k] if k < len(values) else []
        columns[f"lag_{k}"] = column
    return pd.DataFrame(columns, index=series.index)


def cell_with_torch(x, h, c, W_ih, W_hh, b_ih, b_hh):
    gates = (
        torch.from_numpy(np.concatenate([x, h], axis=1))
        @ torch.from_numpy(np.concatenate([W_ih, W_hh], axis=1)).T
    )
    gates = gates + torch.from_numpy(b_ih + b_hh)
    i, f, g, o = gates.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * torch.from_numpy(c) + torch.sigmoid(i) * torch.tanh(g)
    return (torch.sigmoid(o) * torch.tanh(c_new)).numpy(), c_new.numpy()


def chunks_with_split(lstm, x, chunk):
    state, outputs = None, []
    for piece in x.split(chunk, dim=1):
        if state is not None:
            state = (state[0].detach(), state[1].detach())
        out, state = lstm(piece, state)
        outputs.append(out)
    return torch.cat(outputs, dim=1), (state[0].detach(), state[1].detach())


def handle_with_sum_and_count(store, user, value):
    history = list(store[user]) if user in store else []
    history.append(value)
    history = history[len(history) - 3 :] if len(history) > 3 else history
    store[user] = [float(v) for v in history]
    return float(np.mean(history))


def lag_by_date_shift(series, lags):
    """Shifts the dates by k days and lines them up with the index again (a daily series)."""
    return pd.DataFrame({f"lag_{k}": series.shift(k, freq="D") for k in lags}, index=series.index)


def cell_returns_list(x, h, c, W_ih, W_hh, b_ih, b_hh):
    """Computes the gates as W @ x.T, one column per row of the batch, and returns a list [h, c]."""
    gates = (W_ih @ x.T + W_hh @ h.T).T + b_ih + b_hh
    hidden = h.shape[1]
    i, f, g, o = (gates[:, k * hidden : (k + 1) * hidden] for k in range(4))
    c_new = 1 / (1 + np.exp(-f)) * c + 1 / (1 + np.exp(-i)) * np.tanh(g)
    return [1 / (1 + np.exp(-o)) * np.tanh(c_new), c_new]


def handle_with_deque(store, user, value):
    """Keeps the last three in a deque and stores it as a list."""
    from collections import deque

    recent = deque(store.get(user, []), maxlen=3)
    recent.append(value)
    store[user] = list(recent)
    return sum(recent) / len(recent)


def chunks_by_count_detach_in_place(lstm, x, chunk):
    """Counts the chunks with a ceiling division and cuts the graph with the in-place ``detach_``."""
    state, outputs = None, []
    for j in range(-(-x.shape[1] // chunk)):
        out, state = lstm(x[:, j * chunk : (j + 1) * chunk], state)
        for tensor in state:
            tensor.detach_()
        outputs.append(out)
    return torch.cat(outputs, dim=1), state


def design_stateful_last(scenario):
    """Rules out the stateless models first, then walks the placements from dearest to cheapest."""
    if not scenario["order_matters"]:
        return "bag", "none"
    if scenario["max_window"] >= scenario["dependency_steps"]:
        return "window", "none"
    placement = "store"
    if scenario["state_bytes"] <= scenario["max_request_bytes"]:
        placement = "request"
    if scenario["can_lose_state"]:
        placement = "sticky"
    return "stateful", placement


def design_by_table(scenario):
    if not scenario["order_matters"]:
        return ("bag", "none")
    if scenario["max_window"] >= scenario["dependency_steps"]:
        return ("window", "none")
    options = [
        ("sticky", scenario["can_lose_state"]),
        ("request", scenario["state_bytes"] <= scenario["max_request_bytes"]),
        ("store", True),
    ]
    return ("stateful", next(name for name, allowed in options if allowed))


RIGHT = {
    "check_lag_features": [lag_with_loop, lag_by_date_shift],
    "check_lstm_cell_step": [cell_with_torch, cell_returns_list],
    "check_forward_in_chunks": [chunks_with_split, chunks_by_count_detach_in_place],
    "check_handle_request": [handle_with_sum_and_count, handle_with_deque],
    "check_choose_design": [design_by_table, design_stateful_last],
}
