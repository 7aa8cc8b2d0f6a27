"""Plausible wrong answers for the checks of Chapter 7, and correct answers written differently.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet") and each wrong answer below (must fail with
a specific message). There is one wrong answer per rule that a check's ✓ line claims,
plus the boundary cases learners hit, plus one that never returns. ``RIGHT`` holds
correct answers written differently from the solution; each check must accept them.
"""

from __future__ import annotations

import math

import numpy as np

from tests.checks import never_returns


# ---------------------------------------------------------------- Exercise 1: conv2d_output
def conv_forgets_bias(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Counts the filter weights but not the bias of each filter."""
    side = lambda n: (n + 2 * padding - kernel_size) // stride + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * in_channels * kernel_size**2


def conv_forgets_in_channels(
    height, width, in_channels, out_channels, kernel_size, stride=1, padding=0
):
    """Treats each filter as one k×k plane, as if the input had a single channel."""
    side = lambda n: (n + 2 * padding - kernel_size) // stride + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (kernel_size**2 + 1)


def conv_kernel_not_squared(
    height, width, in_channels, out_channels, kernel_size, stride=1, padding=0
):
    """Counts k weights per channel instead of k × k."""
    side = lambda n: (n + 2 * padding - kernel_size) // stride + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (in_channels * kernel_size + 1)


def conv_ignores_stride(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Forgets that the kernel jumps `stride` pixels at a time."""
    side = lambda n: n + 2 * padding - kernel_size + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_ignores_padding(
    height, width, in_channels, out_channels, kernel_size, stride=1, padding=0
):
    """Forgets the zeros added around the image."""
    side = lambda n: (n - kernel_size) // stride + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_pads_one_side(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Adds the padding once instead of on both sides."""
    side = lambda n: (n + padding - kernel_size) // stride + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_rounds_up(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Rounds the division up, as if a partial window at the edge counted."""
    side = lambda n: math.ceil((n + 2 * padding - kernel_size) / stride) + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_true_division(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Uses / instead of //, so sizes come back as floats (and can be fractional)."""
    side = lambda n: (n + 2 * padding - kernel_size) / stride + 1  # noqa: E731
    return (out_channels, side(height), side(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_height_for_both(
    height, width, in_channels, out_channels, kernel_size, stride=1, padding=0
):
    """Assumes square images and computes the width from the height."""
    side = (height + 2 * padding - kernel_size) // stride + 1
    return (out_channels, side, side), out_channels * (in_channels * kernel_size**2 + 1)


def conv_channels_last(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Returns Keras's (height, width, channels) order."""
    side = lambda n: (n + 2 * padding - kernel_size) // stride + 1  # noqa: E731
    return (side(height), side(width), out_channels), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_input_channels_in_shape(
    height, width, in_channels, out_channels, kernel_size, stride=1, padding=0
):
    """Keeps the input's channel count in the output shape."""
    side = lambda n: (n + 2 * padding - kernel_size) // stride + 1  # noqa: E731
    return (in_channels, side(height), side(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def conv_shape_only(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Returns the shape alone and forgets the parameter count."""
    side = lambda n: (n + 2 * padding - kernel_size) // stride + 1  # noqa: E731
    return (out_channels, side(height), side(width))


@never_returns
def conv_never_returns(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """Loops forever (for example, a while loop whose condition never changes)."""
    while True:
        pass


def conv_by_sliding(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """RIGHT: counts the window positions one by one instead of using a formula."""

    def positions(n):
        count, start = 0, 0
        while start + kernel_size <= n + 2 * padding:
            count, start = count + 1, start + stride
        return count

    weights = in_channels * kernel_size * kernel_size * out_channels
    return (out_channels, positions(height), positions(width)), weights + out_channels


def conv_with_torch(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """RIGHT: builds the layer and asks PyTorch."""
    import torch

    layer = torch.nn.Conv2d(in_channels, out_channels, kernel_size, stride=stride, padding=padding)
    with torch.no_grad():
        out = layer(torch.zeros(1, in_channels, height, width, dtype=layer.weight.dtype))
    return tuple(int(v) for v in out.shape[1:]), sum(p.numel() for p in layer.parameters())


# ---------------------------------------------------------------- Exercise 2: attention
def _scores(q, k):
    return q @ k.transpose(-2, -1)


def attention_no_scale(q, k, v, mask=None):
    """Forgets to divide the scores by √d_k."""
    import torch

    scores = _scores(q, k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def attention_scales_by_d(q, k, v, mask=None):
    """Divides by d_k instead of its square root."""
    import torch

    scores = _scores(q, k) / q.shape[-1]
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def attention_scales_by_value_length(q, k, v, mask=None):
    """Scales by √d_v: right only when values and keys have the same length."""
    import torch

    scores = _scores(q, k) / math.sqrt(v.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


def attention_softmax_over_queries(q, k, v, mask=None):
    """Normalises each key's column instead of each query's row."""
    import torch

    scores = _scores(q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.nan_to_num(torch.softmax(scores, dim=-2)) @ v


def attention_mask_after_softmax(q, k, v, mask=None):
    """Zeroes the masked weights after the softmax, so the rest no longer sum to 1."""
    import torch

    weights = torch.softmax(_scores(q, k) / math.sqrt(q.shape[-1]), dim=-1)
    if mask is not None:
        weights = weights * mask
    return weights @ v


def attention_mask_inverted(q, k, v, mask=None):
    """Reads True as 'hide this key', the key_padding_mask convention of nn.MultiheadAttention."""
    import torch

    scores = _scores(q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(mask, float("-inf"))
    return torch.nan_to_num(torch.softmax(scores, dim=-1)) @ v


def attention_mask_to_zero(q, k, v, mask=None):
    """Sets masked scores to 0 instead of -inf, so masked keys still get weight."""
    import torch

    scores = _scores(q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores * mask
    return torch.softmax(scores, dim=-1) @ v


def attention_ignores_mask(q, k, v, mask=None):
    """Accepts a mask and never uses it."""
    import torch

    return torch.softmax(_scores(q, k) / math.sqrt(q.shape[-1]), dim=-1) @ v


def attention_returns_weights(q, k, v, mask=None):
    """Returns the attention weights instead of the weighted values."""
    import torch

    scores = _scores(q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1)


def attention_returns_pair(q, k, v, mask=None):
    """Returns (output, weights) like the chapter's helper, not the output alone."""
    import torch

    scores = _scores(q, k) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    weights = torch.softmax(scores, dim=-1)
    return weights @ v, weights


def attention_in_place(q, k, v, mask=None):
    """Scales q in place, so the caller's tensor changes."""
    import torch

    q.div_(math.sqrt(q.shape[-1]))
    scores = _scores(q, k)
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return torch.softmax(scores, dim=-1) @ v


@never_returns
def attention_never_returns(q, k, v, mask=None):
    """Loops forever."""
    while True:
        pass


def attention_explicit_loops(q, k, v, mask=None):
    """RIGHT: one query at a time, with exp and a manual normalisation."""
    import torch

    scale = 1 / math.sqrt(q.shape[-1])
    scores = torch.einsum("...qd,...kd->...qk", q, k) * scale
    if mask is not None:
        scores = torch.where(mask, scores, torch.tensor(float("-inf"), dtype=scores.dtype))
    scores = scores - scores.amax(dim=-1, keepdim=True)
    weights = scores.exp()
    weights = weights / weights.sum(dim=-1, keepdim=True)
    return torch.einsum("...qk,...kd->...qd", weights, v)


# ---------------------------------------------------------------- Exercise 3: q_update
def q_bootstraps_on_terminal(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Ignores `terminated` and looks ahead past the end of the episode."""
    new = Q.copy()
    new[state, action] += alpha * (reward + gamma * Q[next_state].max() - Q[state, action])
    return new


def q_mean_of_next(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Uses the average next value (expected SARSA with a uniform policy) instead of the max."""
    new = Q.copy()
    look = 0.0 if terminated else gamma * Q[next_state].mean()
    new[state, action] += alpha * (reward + look - Q[state, action])
    return new


def q_same_action_next(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Looks ahead to the same action in the next state (a SARSA-like slip)."""
    new = Q.copy()
    look = 0.0 if terminated else gamma * Q[next_state, action]
    new[state, action] += alpha * (reward + look - Q[state, action])
    return new


def q_current_state_max(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Takes the max over the current state's row instead of the next state's."""
    new = Q.copy()
    look = 0.0 if terminated else gamma * Q[state].max()
    new[state, action] += alpha * (reward + look - Q[state, action])
    return new


def q_forgets_alpha(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Jumps straight to the target instead of moving a fraction alpha of the way."""
    new = Q.copy()
    new[state, action] = reward + (0.0 if terminated else gamma * Q[next_state].max())
    return new


def q_discounts_reward(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Discounts the immediate reward too."""
    new = Q.copy()
    look = 0.0 if terminated else Q[next_state].max()
    new[state, action] += alpha * (gamma * (reward + look) - Q[state, action])
    return new


def q_updates_whole_row(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Moves every action of the state, not only the one taken."""
    new = Q.copy()
    target = reward + (0.0 if terminated else gamma * Q[next_state].max())
    new[state] += alpha * (target - Q[state])
    return new


def q_in_place(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Updates the caller's table in place and returns it."""
    target = reward + (0.0 if terminated else gamma * Q[next_state].max())
    Q[state, action] += alpha * (target - Q[state, action])
    return Q


def q_returns_value(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Returns the new value of Q[state, action] instead of the table."""
    target = reward + (0.0 if terminated else gamma * Q[next_state].max())
    return Q[state, action] + alpha * (target - Q[state, action])


@never_returns
def q_never_returns(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Loops forever."""
    while True:
        pass


def q_weighted_average(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """RIGHT: the same rule as a weighted average of the old value and the target."""
    target = reward if terminated else reward + gamma * np.max(Q[next_state, :])
    new = np.array(Q, dtype=float, copy=True)
    new[state, action] = (1 - alpha) * Q[state, action] + alpha * target
    return new


# ---------------------------------------------------------------- Exercise 4: permutation_importance
def _accuracy(predict, X, y):
    return float(np.mean(predict(X) == y))


def importance_sign_flipped(predict, X, y, *, n_repeats, seed):
    """Shuffled minus baseline: important features come out negative."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            Xs = X.copy()
            Xs[:, j] = rng.permutation(Xs[:, j])
            scores.append(_accuracy(predict, Xs, y))
        out[j] = np.mean(scores) - base
    return out


def importance_one_minus_shuffled(predict, X, y, *, n_repeats, seed):
    """Measures the drop from a perfect score of 1 instead of from the model's own accuracy."""
    rng = np.random.default_rng(seed)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            Xs = X.copy()
            Xs[:, j] = rng.permutation(Xs[:, j])
            scores.append(_accuracy(predict, Xs, y))
        out[j] = 1 - np.mean(scores)
    return out


def importance_zeroes_column(predict, X, y, *, n_repeats, seed):
    """Replaces the column by zeros instead of shuffling it."""
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        Xs = X.copy()
        Xs[:, j] = 0.0
        out[j] = base - _accuracy(predict, Xs, y)
    return out


def importance_mean_column(predict, X, y, *, n_repeats, seed):
    """Replaces the column by its mean instead of shuffling it."""
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        Xs = X.copy()
        Xs[:, j] = X[:, j].mean()
        out[j] = base - _accuracy(predict, Xs, y)
    return out


def importance_shuffles_whole_rows(predict, X, y, *, n_repeats, seed):
    """Shuffles every column with the same order, which only reorders the rows against y."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = [_accuracy(predict, X[rng.permutation(len(X))], y) for _ in range(n_repeats)]
        out[j] = base - np.mean(scores)
    return out


def importance_never_restores(predict, X, y, *, n_repeats, seed):
    """Shuffles a working copy once and never restores it: earlier columns stay shuffled."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    Xs = X.copy()
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            Xs[:, j] = rng.permutation(Xs[:, j])
            scores.append(_accuracy(predict, Xs, y))
        out[j] = base - np.mean(scores)
    return out


def importance_in_place(predict, X, y, *, n_repeats, seed):
    """Shuffles X itself and puts the column back afterwards, but in sorted order."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            rng.shuffle(X[:, j])
            scores.append(_accuracy(predict, X, y))
        X[:, j] = np.sort(X[:, j])
        out[j] = base - np.mean(scores)
    return out


def importance_random_values(predict, X, y, *, n_repeats, seed):
    """Fills the column with standard-normal noise instead of its own shuffled values."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            Xs = X.copy()
            Xs[:, j] = rng.normal(size=len(X))
            scores.append(_accuracy(predict, Xs, y))
        out[j] = base - np.mean(scores)
    return out


@never_returns
def importance_never_returns(predict, X, y, *, n_repeats, seed):
    """Loops forever."""
    while True:
        pass


def importance_by_index_permutation(predict, X, y, *, n_repeats, seed):
    """RIGHT: permutes row indices and gathers; collects all repeats in a matrix first."""
    rng = np.random.default_rng(seed)
    baseline = (predict(X) == y).mean()
    drops = np.empty((n_repeats, X.shape[1]))
    for r in range(n_repeats):
        for j in range(X.shape[1]):
            order = rng.permutation(X.shape[0])
            shuffled = np.array(X, copy=True)
            shuffled[:, j] = X[order, j]
            drops[r, j] = baseline - (predict(shuffled) == y).mean()
    return drops.mean(axis=0)


# ---------------------------------------------------------------- Exercise 5A: step_seconds
def step_bits_as_bytes(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Reads gigabits per second as gigabytes per second."""
    steps = 2 * (workers - 1)
    return compute_s / workers + steps * (
        latency_s + n_params * bytes_per_param / workers / (bandwidth_gbit_s * 1e9)
    )


def step_compute_not_split(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Every worker still computes the whole batch."""
    steps = 2 * (workers - 1)
    return compute_s + steps * (
        latency_s + n_params * bytes_per_param / workers / (bandwidth_gbit_s * 1e9 / 8)
    )


def step_no_latency(compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4):
    """Forgets the latency of each message."""
    steps = 2 * (workers - 1)
    return compute_s / workers + steps * n_params * bytes_per_param / workers / (
        bandwidth_gbit_s * 1e9 / 8
    )


def step_latency_once(compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4):
    """Pays the latency once per all-reduce instead of once per ring step."""
    steps = 2 * (workers - 1)
    comm = steps * n_params * bytes_per_param / workers / (bandwidth_gbit_s * 1e9 / 8)
    return compute_s / workers + (latency_s if workers > 1 else 0.0) + comm


def step_whole_gradient_each_step(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Sends the whole gradient in every ring step instead of a 1/workers chunk."""
    steps = 2 * (workers - 1)
    return compute_s / workers + steps * (
        latency_s + n_params * bytes_per_param / (bandwidth_gbit_s * 1e9 / 8)
    )


def step_float32_always(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Hard-codes 4 bytes per parameter."""
    steps = 2 * (workers - 1)
    return compute_s / workers + steps * (
        latency_s + n_params * 4 / workers / (bandwidth_gbit_s * 1e9 / 8)
    )


def step_one_worker_communicates(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Charges a full exchange of the gradient even when there is a single worker."""
    steps = max(2 * (workers - 1), 2)
    return compute_s / workers + steps * (
        latency_s + n_params * bytes_per_param / workers / (bandwidth_gbit_s * 1e9 / 8)
    )


def step_binary_gigabits(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Uses 2**30 bits per gigabit instead of 10**9."""
    steps = 2 * (workers - 1)
    return compute_s / workers + steps * (
        latency_s + n_params * bytes_per_param / workers / (bandwidth_gbit_s * 2**30 / 8)
    )


@never_returns
def step_never_returns(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """Loops forever."""
    while True:
        pass


def step_as_bandwidth_and_latency_terms(
    compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4
):
    """RIGHT: written as total bytes sent per worker and total latency."""
    if workers == 1:
        return float(compute_s)
    sent_bits = 2 * (workers - 1) / workers * n_params * bytes_per_param * 8
    return (
        compute_s / workers + sent_bits / (bandwidth_gbit_s * 1e9) + 2 * (workers - 1) * latency_s
    )


# ---------------------------------------------------------------- Exercise 5B: best_worker_count
def _step(compute_s, n_params, workers, gbit, latency_s):
    steps = 2 * (workers - 1)
    return compute_s / workers + steps * (latency_s + n_params * 4 / workers / (gbit * 1e9 / 8))


def best_excludes_max(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Tries range(1, max_workers), which stops one short."""
    times = {
        p: _step(compute_s, n_params, p, bandwidth_gbit_s, latency_s) for p in range(1, max_workers)
    }
    return min(times, key=times.get)


def best_ties_to_more(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Keeps the last of equally fast counts (<= instead of <), so ties go to more workers."""
    best, best_time = 1, math.inf
    for p in range(1, max_workers + 1):
        t = _step(compute_s, n_params, p, bandwidth_gbit_s, latency_s)
        if t <= best_time:
            best, best_time = p, t
    return best


def best_always_max(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Assumes more workers are always faster."""
    return max_workers


def best_ignores_latency(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Leaves out the latency, so many small messages look free."""
    times = {
        p: _step(compute_s, n_params, p, bandwidth_gbit_s, 0.0) for p in range(1, max_workers + 1)
    }
    return min(times, key=times.get)


def best_ignores_communication(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Compares compute alone, ties to fewer: communication never enters."""
    times = {p: compute_s / p for p in range(1, max_workers + 1)}
    return min(times, key=times.get)


def best_returns_speedup(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Returns the best speed-up (a float) instead of the worker count."""
    times = [
        _step(compute_s, n_params, p, bandwidth_gbit_s, latency_s)
        for p in range(1, max_workers + 1)
    ]
    return compute_s / min(times) if min(times) > 0 else 1.0


@never_returns
def best_never_returns(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """Loops forever."""
    while True:
        pass


def best_with_numpy(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """RIGHT: vectorised over all counts; argmin returns the first (fewest) of tied minima."""
    p = np.arange(1, max_workers + 1)
    t = compute_s / p + 2 * (p - 1) * (latency_s + n_params * 4 / p / (bandwidth_gbit_s * 1e9 / 8))
    return int(p[np.argmin(t)])


# ---------------------------------------------------------------- added in review
def conv_ceil_formula(height, width, in_channels, out_channels, kernel_size, stride=1, padding=0):
    """RIGHT: counts window positions with a ceiling, ceil((n + 2p - k + 1) / s), the same number."""

    def size(n):
        return math.ceil((n + 2 * padding - kernel_size + 1) / stride)

    return (out_channels, size(height), size(width)), out_channels * (
        in_channels * kernel_size**2 + 1
    )


def attention_casts_to_float32(q, k, v, mask=None):
    """Converts the inputs to float32 with .float(), so a float64 caller gets less precise output."""
    q, k, v = q.float(), k.float(), v.float()
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])
    if mask is not None:
        scores = scores.masked_fill(~mask, float("-inf"))
    return scores.softmax(-1) @ v


def attention_calls_torch(q, k, v, mask=None):
    """Calls torch's scaled_dot_product_attention, which the exercise asks you to write yourself."""
    import torch.nn.functional as F

    return F.scaled_dot_product_attention(q, k, v, attn_mask=mask)


def attention_where_einsum(q, k, v, mask=None):
    """RIGHT: einsum for both products, torch.where for the mask, a hand-written stable softmax."""
    import torch

    scores = torch.einsum("...qd,...kd->...qk", q, k) * q.shape[-1] ** -0.5
    if mask is not None:
        scores = torch.where(mask, scores, torch.tensor(-math.inf, dtype=scores.dtype))
    weights = torch.exp(scores - scores.amax(-1, keepdim=True))
    return torch.einsum("...qk,...kv->...qv", weights / weights.sum(-1, keepdim=True), v)


def q_argmax_lookahead(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Looks ahead to the index of the best next action (argmax) instead of its value (max)."""
    new = Q.copy()
    target = reward + (0.0 if terminated else gamma * Q[next_state].argmax())
    new[state, action] += alpha * (target - Q[state, action])
    return new


def q_two_step_on_updated_table(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """Shrinks Q[s, a] first and then looks ahead in the changed table, wrong when next_state == state."""
    new = Q.copy()
    new[state, action] *= 1 - alpha
    new[state, action] += alpha * (reward + (0.0 if terminated else gamma * new[next_state].max()))
    return new


def q_not_terminated_factor(Q, state, action, reward, next_state, terminated, alpha, gamma):
    """RIGHT: multiplies the look-ahead by (1 - terminated) instead of branching."""
    new = Q.copy()
    new[state, action] = Q[state, action] + alpha * (
        reward + gamma * np.max(Q[next_state]) * (1 - terminated) - Q[state, action]
    )
    return new


def _shuffled_accuracies(predict, X, y, j, rng, n_repeats):
    scores = []
    for _ in range(n_repeats):
        Xs = X.copy()
        Xs[:, j] = rng.permutation(Xs[:, j])
        scores.append(_accuracy(predict, Xs, y))
    return scores


def importance_one_shuffle(predict, X, y, *, n_repeats, seed):
    """Ignores n_repeats: one shuffle per column."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    return np.array(
        [base - _shuffled_accuracies(predict, X, y, j, rng, 1)[0] for j in range(X.shape[1])]
    )


def importance_reseeds_every_repeat(predict, X, y, *, n_repeats, seed):
    """Makes a new generator from `seed` inside the repeat loop, so every repeat is the same shuffle."""
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = [
            _shuffled_accuracies(predict, X, y, j, np.random.default_rng(seed), 1)[0]
            for _ in range(n_repeats)
        ]
        out[j] = base - np.mean(scores)
    return out


def importance_global_random_state(predict, X, y, *, n_repeats, seed):
    """Ignores `seed` and shuffles with np.random.shuffle, so two runs differ."""
    base = _accuracy(predict, X, y)
    out = np.zeros(X.shape[1])
    for j in range(X.shape[1]):
        scores = []
        for _ in range(n_repeats):
            Xs = X.copy()
            np.random.shuffle(Xs[:, j])
            scores.append(_accuracy(predict, Xs, y))
        out[j] = base - np.mean(scores)
    return out


def importance_fixed_seed(predict, X, y, *, n_repeats, seed):
    """Hard-codes seed 42 and ignores the `seed` argument."""
    rng = np.random.default_rng(42)
    base = _accuracy(predict, X, y)
    return np.array(
        [
            base - np.mean(_shuffled_accuracies(predict, X, y, j, rng, n_repeats))
            for j in range(X.shape[1])
        ]
    )


def importance_absolute(predict, X, y, *, n_repeats, seed):
    """Takes the absolute value, so a feature whose shuffling helps looks important."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    return np.array(
        [
            abs(base - np.mean(_shuffled_accuracies(predict, X, y, j, rng, n_repeats)))
            for j in range(X.shape[1])
        ]
    )


def importance_clipped_at_zero(predict, X, y, *, n_repeats, seed):
    """Clips negative importances to 0, hiding a feature the model reads backwards."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    return np.maximum(
        0.0,
        [
            base - np.mean(_shuffled_accuracies(predict, X, y, j, rng, n_repeats))
            for j in range(X.shape[1])
        ],
    )


def importance_view_shuffled_and_restored(predict, X, y, *, n_repeats, seed):
    """RIGHT: shuffles X's own column in place with rng.shuffle, then puts the saved column back."""
    rng = np.random.default_rng(seed)
    base = _accuracy(predict, X, y)
    out = []
    for j in range(X.shape[1]):
        saved, drops = X[:, j].copy(), []
        for _ in range(n_repeats):
            rng.shuffle(X[:, j])
            drops.append(base - _accuracy(predict, X, y))
            X[:, j] = saved
        out.append(sum(drops) / n_repeats)
    return out


def best_stops_at_first_increase(compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s):
    """RIGHT: walks up from 1 worker and stops when one more is not faster (the step time is
    a/p + b·p + c, so it has a single minimum)."""
    p = 1
    while p < max_workers and _step(
        compute_s, n_params, p + 1, bandwidth_gbit_s, latency_s
    ) < _step(compute_s, n_params, p, bandwidth_gbit_s, latency_s):
        p += 1
    return p


WRONG = {
    "check_conv2d_output": [
        conv_forgets_bias,
        conv_forgets_in_channels,
        conv_kernel_not_squared,
        conv_ignores_stride,
        conv_ignores_padding,
        conv_pads_one_side,
        conv_rounds_up,
        conv_true_division,
        conv_height_for_both,
        conv_channels_last,
        conv_input_channels_in_shape,
        conv_shape_only,
        conv_never_returns,
    ],
    "check_attention": [
        attention_no_scale,
        attention_scales_by_d,
        attention_scales_by_value_length,
        attention_softmax_over_queries,
        attention_mask_after_softmax,
        attention_mask_inverted,
        attention_mask_to_zero,
        attention_ignores_mask,
        attention_returns_weights,
        attention_returns_pair,
        attention_in_place,
        attention_never_returns,
        attention_casts_to_float32,
        attention_calls_torch,
    ],
    "check_q_update": [
        q_bootstraps_on_terminal,
        q_mean_of_next,
        q_same_action_next,
        q_current_state_max,
        q_forgets_alpha,
        q_discounts_reward,
        q_updates_whole_row,
        q_in_place,
        q_returns_value,
        q_never_returns,
        q_argmax_lookahead,
        q_two_step_on_updated_table,
    ],
    "check_permutation_importance": [
        importance_sign_flipped,
        importance_one_minus_shuffled,
        importance_zeroes_column,
        importance_mean_column,
        importance_shuffles_whole_rows,
        importance_never_restores,
        importance_in_place,
        importance_random_values,
        importance_never_returns,
        importance_one_shuffle,
        importance_reseeds_every_repeat,
        importance_global_random_state,
        importance_fixed_seed,
        importance_absolute,
        importance_clipped_at_zero,
    ],
    "check_step_seconds": [
        step_bits_as_bytes,
        step_compute_not_split,
        step_no_latency,
        step_latency_once,
        step_whole_gradient_each_step,
        step_float32_always,
        step_one_worker_communicates,
        step_binary_gigabits,
        step_never_returns,
    ],
    "check_best_worker_count": [
        best_excludes_max,
        best_ties_to_more,
        best_always_max,
        best_ignores_latency,
        best_ignores_communication,
        best_returns_speedup,
        best_never_returns,
    ],
}

RIGHT = {
    "check_conv2d_output": [conv_by_sliding, conv_with_torch, conv_ceil_formula],
    "check_attention": [attention_explicit_loops, attention_where_einsum],
    "check_q_update": [q_weighted_average, q_not_terminated_factor],
    "check_permutation_importance": [
        importance_by_index_permutation,
        importance_view_shuffled_and_restored,
    ],
    "check_step_seconds": [step_as_bandwidth_and_latency_terms],
    "check_best_worker_count": [best_with_numpy, best_stops_at_first_increase],
}
