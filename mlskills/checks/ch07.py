"""Checks for the exercises of Chapter 7: Advanced machine learning.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch07_wrong_answers.py.
"""

from __future__ import annotations

import math

import numpy as np

from mlskills.checks import Fail, call, check, short

# ---------------------------------------------------------------- Exercise 1: conv output shape
#: (height, width, in_channels, out_channels, kernel_size, stride, padding)
CONV_CASES = [
    (8, 8, 1, 8, 3, 1, 1),  # the chapter's first layer: "same" padding
    (28, 28, 3, 16, 5, 1, 0),  # no padding shrinks the image
    (32, 32, 3, 4, 3, 2, 1),  # stride 2 halves it
    (8, 10, 2, 6, 3, 2, 0),  # not square, and (n - k) / stride is not a whole number
    (5, 5, 4, 2, 1, 1, 0),  # a 1×1 convolution mixes channels only
    (3, 3, 1, 1, 3, 1, 0),  # the kernel covers the whole input
]


def _conv_expected(h, w, c_in, c_out, k, s, p):
    import torch

    layer = torch.nn.Conv2d(c_in, c_out, kernel_size=k, stride=s, padding=p)
    out = layer(torch.zeros(1, c_in, h, w, dtype=layer.weight.dtype))
    return tuple(out.shape[1:]), sum(t.numel() for t in layer.parameters())


def _describe_conv(h, w, c_in, c_out, k, s, p):
    return f"Conv2d({c_in}→{c_out}, kernel {k}, stride {s}, padding {p}) on a {h}×{w} input"


@check
def check_conv2d_output(fn):
    for h, w, c_in, c_out, k, s, p in CONV_CASES:
        (shape, params) = _conv_expected(h, w, c_in, c_out, k, s, p)
        layer = _describe_conv(h, w, c_in, c_out, k, s, p)
        got = call(fn, h, w, c_in, c_out, k, stride=s, padding=p)
        if not isinstance(got, tuple) or len(got) != 2:
            raise Fail(f"for {layer}, return a pair (output shape, parameters), got {short(got)}")
        got_shape, got_params = got
        if not isinstance(got_shape, tuple) or len(got_shape) != 3:
            raise Fail(
                f"for {layer}, the output shape should be a tuple (channels, height, width), got {short(got_shape)}"
            )
        if any(isinstance(v, bool) or not isinstance(v, (int, np.integer)) for v in got_shape):
            raise Fail(
                f"for {layer}, every size in the shape should be a whole number (int), got {short(got_shape)}: "
                "a layer cannot produce half a pixel, so decide how the division rounds"
            )
        got_shape = tuple(int(v) for v in got_shape)
        if got_shape != shape:
            if got_shape == (shape[1], shape[2], shape[0]):
                hint = "that is channels last; PyTorch's order is (channels, height, width)"
            elif got_shape[0] != shape[0]:
                hint = "the number of output channels is the number of filters"
            elif got_shape[1:] == shape[1:][::-1]:
                hint = "height and width are swapped"
            elif got_shape[1] in (shape[1], shape[1] + 1) and got_shape[2] in (
                shape[2],
                shape[2] + 1,
            ):
                hint = (
                    "the last window must fit entirely inside the padded input: round down, not up"
                )
            elif s > 1 and got_shape[1] > shape[1]:
                hint = "does your size account for the stride?"
            elif p > 0 and got_shape[1] < shape[1]:
                hint = "padding adds pixels on both sides of the image"
            elif got_shape[1] == shape[1] + 1 or got_shape[2] == shape[2] + 1:
                hint = (
                    "the last window must fit entirely inside the padded input: round down, not up"
                )
            else:
                hint = "count how many positions the kernel can take along each side"
            raise Fail(f"for {layer}, the output shape should be {shape}, got {got_shape}: {hint}")
        if isinstance(got_params, bool) or not isinstance(got_params, (int, np.integer)):
            raise Fail(
                f"for {layer}, the parameter count should be an int, got {short(got_params)}"
            )
        if int(got_params) != params:
            no_bias = c_out * c_in * k * k
            if int(got_params) == no_bias:
                hint = "each filter also has a bias"
            elif int(got_params) == c_out * (k * k + 1) and c_in > 1:
                hint = "each filter spans every input channel"
            elif int(got_params) == c_out * (c_in * k + 1) and k > 1:
                hint = "a kernel of size k has k × k weights per input channel"
            else:
                hint = "count the weights of one filter, then multiply by the number of filters"
            raise Fail(
                f"for {layer}, there should be {params:,} parameters, got {short(got_params)}: {hint}"
            )
    return (
        f"output shape (channels, height, width) and parameter count match PyTorch's Conv2d on {len(CONV_CASES)} "
        "layers: padding, stride, rounding down, non-square input, 1×1 kernels and bias included"
    )


# ---------------------------------------------------------------- Exercise 2: attention
def _attention_cases():
    import torch

    g = torch.Generator().manual_seed(7)
    r = lambda *shape: torch.randn(*shape, generator=g, dtype=torch.float64)  # noqa: E731
    causal = torch.ones(5, 5, dtype=torch.bool).tril()
    padding = torch.tensor([[True] * 6, [True] * 4 + [False] * 2]).reshape(2, 1, 6)
    return [
        ("q, k, v of shape (2, 4, 6), no mask", (r(2, 4, 6), r(2, 4, 6), r(2, 4, 6)), None),
        (
            "q, k of shape (1, 3, 5, 4) and v of shape (1, 3, 5, 7), no mask",
            (r(1, 3, 5, 4), r(1, 3, 5, 4), r(1, 3, 5, 7)),
            None,
        ),
        (
            "3 queries and 6 keys: q (2, 3, 4), k (2, 6, 4), v (2, 6, 5), no mask",
            (r(2, 3, 4) * 3, r(2, 6, 4), r(2, 6, 5)),
            None,
        ),
        (
            "q, k, v of shape (2, 5, 4) with a causal mask (5, 5)",
            (r(2, 5, 4), r(2, 5, 4), r(2, 5, 4)),
            causal,
        ),
        (
            "3 queries and 6 keys with a padding mask (2, 1, 6) that hides the last 2 keys of batch 1",
            (r(2, 3, 4), r(2, 6, 4), r(2, 6, 5)),
            padding,
        ),
    ]


def _attention_hint(got, q, k, v, mask):
    import torch

    d = q.shape[-1]
    raw = q @ k.transpose(-2, -1)

    def out(scores, *, dim=-1, fill=True):
        if mask is not None and fill:
            scores = scores.masked_fill(~mask, float("-inf"))
        return torch.softmax(scores, dim=dim) @ v if dim == -1 else None

    candidates = [
        (out(raw), "scale the scores: without it, long keys saturate the softmax"),
        (
            out(raw / d),
            "the scale grows with the square root of the key length, not the length itself",
        ),
        (
            out(raw / math.sqrt(v.shape[-1])),
            "the scale comes from the length of the queries and keys, not of the values",
        ),
    ]
    if mask is not None:
        scaled = raw / math.sqrt(d)
        candidates += [
            (
                out(scaled.masked_fill(mask, float("-inf")), fill=False),
                "the mask is True where a query MAY attend",
            ),
            (
                (torch.softmax(scaled, -1) * mask) @ v,
                "apply the mask to the scores before the softmax, so the allowed weights still sum to 1",
            ),
            (
                out(scaled * mask, fill=False),
                "a masked score must become -inf, not 0, so that its weight is exactly 0",
            ),
            (out(scaled, fill=False), "the mask was ignored"),
        ]
    for candidate, hint in candidates:
        if (
            candidate is not None
            and candidate.shape == got.shape
            and torch.allclose(torch.nan_to_num(got), torch.nan_to_num(candidate), atol=1e-9)
        ):
            return hint
    weights = torch.softmax(
        (raw / math.sqrt(d)).masked_fill(~mask, float("-inf"))
        if mask is not None
        else raw / math.sqrt(d),
        -1,
    )
    if got.shape == weights.shape and torch.allclose(got, weights, atol=1e-9):
        return "return the weighted sum of the values, not the weights"
    if q.shape[-2] == k.shape[-2]:
        across = torch.softmax(
            (raw / math.sqrt(d))
            if mask is None
            else (raw / math.sqrt(d)).masked_fill(~mask, float("-inf")),
            dim=-2,
        )
        if torch.allclose(got, torch.nan_to_num(across) @ v, atol=1e-9):
            return "the softmax must run over the keys (the last axis), so each query's weights sum to 1"
    return "compare your scores, softmax axis and mask with the chapter's description"


@check
def check_attention(fn):
    import torch
    import torch.nn.functional as F

    reference, calls = F.scaled_dot_product_attention, []

    def spy(*args, **kwargs):  # stands in for torch's kernel while the learner's function runs
        calls.append(1)
        return reference(*args, **kwargs)

    for what, (q, k, v), mask in _attention_cases():
        originals = [t.clone() for t in (q, k, v)]
        F.scaled_dot_product_attention = spy
        try:
            got = call(fn, q, k, v, mask) if mask is not None else call(fn, q, k, v)
        finally:
            F.scaled_dot_product_attention = reference
        if calls:
            raise Fail(
                f"for {what}, your function called torch's scaled_dot_product_attention, the very function "
                "the check compares with: write the four steps yourself"
            )
        if any(not torch.equal(a, b) for a, b in zip((q, k, v), originals, strict=True)):
            raise Fail(f"for {what}, your function changed its inputs; compute new tensors instead")
        if isinstance(got, tuple):
            raise Fail(f"for {what}, return only the output tensor, got a tuple of {len(got)}")
        if not isinstance(got, torch.Tensor):
            raise Fail(f"for {what}, return a torch.Tensor, got {type(got).__name__}")
        expected = reference(q, k, v, attn_mask=mask)
        if got.dtype != expected.dtype:
            raise Fail(
                f"for {what}, the inputs are {expected.dtype} and so should be the output, got {got.dtype}: "
                "compute in the inputs' precision, without converting"
            )
        if got.shape != expected.shape:
            raise Fail(
                f"for {what}, the output should have shape {tuple(expected.shape)} (one value vector per query), "
                f"got {tuple(got.shape)}"
            )
        if not torch.allclose(got, expected, atol=1e-9, rtol=1e-7):
            hint = _attention_hint(got, q, k, v, mask)
            raise Fail(
                f"for {what}, the output differs from torch's scaled_dot_product_attention by up to "
                f"{(got - expected).abs().max().item():.3g}: {hint}"
            )
    return (
        "attention equals torch's scaled_dot_product_attention: scaled by √d_k, softmax over the keys, "
        "boolean masks (True = may attend) applied before the softmax, any number of queries, keys and batch dims, "
        "written without calling it"
    )


# ---------------------------------------------------------------- Exercise 3: the Q-learning update
def _q_table():
    return np.array(
        [
            [0.0, 0.5, -0.2],
            [1.0, -0.5, 0.25],
            [-1.0, -2.0, -0.5],  # all negative: max, mean and the same action differ
            [0.3, 0.3, 0.9],
        ]
    )


#: (what, state, action, reward, next_state, terminated, alpha, gamma)
Q_CASES = [
    ("a step into state 2, whose values are all negative", 0, 1, 1.0, 2, False, 0.1, 0.9),
    ("a step into state 1", 3, 0, 0.0, 1, False, 0.5, 0.99),
    ("a step that ends the episode (terminated=True)", 1, 2, 1.0, 3, True, 0.25, 0.9),
    ("a step that stays in the same state", 2, 0, -1.0, 2, False, 0.2, 0.8),
    # the action taken is the row's best, so a table updated before the look-ahead changes the max
    ("a step from a state's best action back into the same state", 2, 2, -1.0, 2, False, 0.2, 0.8),
    ("alpha = 1 and gamma = 0", 3, 2, 2.0, 0, False, 1.0, 0.0),
]


def _q_expected(Q, s, a, r, s2, term, alpha, gamma):
    new = Q.copy()
    target = r + (0.0 if term else gamma * Q[s2].max())
    new[s, a] += alpha * (target - Q[s, a])
    return new


@check(budget_s=5)
def check_q_update(fn):
    for what, s, a, r, s2, term, alpha, gamma in Q_CASES:
        Q = _q_table()
        original = Q.copy()
        call_text = f"q_update(Q, state={s}, action={a}, reward={r}, next_state={s2}, terminated={term}, alpha={alpha}, gamma={gamma})"
        got = call(fn, Q, s, a, r, s2, term, alpha, gamma)
        if not np.array_equal(Q, original):
            raise Fail(f"for {what}, {call_text} changed the Q table it was given; update a copy")
        if not isinstance(got, np.ndarray) or got.shape != Q.shape:
            raise Fail(f"for {what}, return a new Q table of shape {Q.shape}, got {short(got)}")
        expected = _q_expected(original, s, a, r, s2, term, alpha, gamma)
        changed = ~np.isclose(got, original)
        changed[s, a] = False
        if changed.any():
            i, j = np.argwhere(changed)[0]
            raise Fail(
                f"for {what}, only Q[{s}, {a}] may change, but Q[{i}, {j}] went from {original[i, j]:g} to {got[i, j]:g}"
            )
        if not np.isclose(got[s, a], expected[s, a], atol=1e-12):
            bootstrap = gamma * original[s2].max()
            if term and np.isclose(
                got[s, a], original[s, a] + alpha * (r + bootstrap - original[s, a])
            ):
                hint = "when the episode has ended there is no next state to look ahead to"
            elif np.isclose(got[s, a], r + (0.0 if term else bootstrap)):
                hint = "move only part of the way towards the target: that is what alpha is for"
            elif not term and np.isclose(
                got[s, a],
                original[s, a]
                + alpha * (r + gamma * float(original[s2].argmax()) - original[s, a]),
            ):
                hint = "look ahead to the best action's value, not to its position in the row"
            elif not term and np.isclose(
                got[s, a],
                original[s, a] + alpha * (r + gamma * original[s2].mean() - original[s, a]),
            ):
                hint = (
                    "Q-learning looks ahead to the BEST action in the next state, not the average"
                )
            elif not term and np.isclose(
                got[s, a], original[s, a] + alpha * (r + gamma * original[s2, a] - original[s, a])
            ):
                hint = "look ahead to the best next action, not to the action just taken"
            elif not term and np.isclose(
                got[s, a], original[s, a] + alpha * (r + gamma * original[s].max() - original[s, a])
            ):
                hint = "the look-ahead uses the row of next_state, not of state"
            elif np.isclose(
                got[s, a],
                original[s, a]
                + alpha * (gamma * (r + (0.0 if term else original[s2].max())) - original[s, a]),
            ):
                hint = "discount only the future: the reward just received counts in full"
            elif s == s2 and not term:
                hint = (
                    "here next_state is state itself: compute the target from the table as it was "
                    "before this update, then move Q[state, action]"
                )
            else:
                hint = "check the target (reward plus discounted look-ahead) and the step of size alpha"
            raise Fail(
                f"for {what}, {call_text} should set Q[{s}, {a}] to {expected[s, a]:.6g}, got {got[s, a]:.6g}: {hint}"
            )
    return (
        "q_update moves Q[s, a] by alpha towards reward + gamma · max of the next state's row, does not look ahead "
        "after a terminal step, changes nothing else, and leaves its input unchanged"
    )


# ---------------------------------------------------------------- Exercise 4: permutation importance
def _importance_data(n=2000, seed=11):
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.uniform(-1, 3, n), rng.normal(0, 1, n), rng.uniform(-1, 1, n)])


def _first_only(X):
    return (X[:, 0] > 0).astype(int)


def _first_and_third(X):
    return ((X[:, 0] > 0) & (X[:, 2] > 0)).astype(int)


#: (what, predict, labels from X, expected importances)
IMPORTANCE_CASES = [
    (
        "a model that uses feature 0 only, with labels equal to its predictions",
        _first_only,
        _first_only,
        [0.375, 0.0, 0.0],
    ),
    (
        "a model that needs features 0 AND 2, with labels equal to its predictions",
        _first_and_third,
        _first_and_third,
        [0.1875, 0.0, 0.375],
    ),
    (
        "a model that uses feature 0 only, right on 87.5% of the rows",
        _first_only,
        lambda X: (X[:, 0] > 0.5).astype(int),
        [0.3125, 0.0, 0.0],
    ),
    (
        # shuffling helps a model that is wrong everywhere: accuracy 0 before, 2 · 0.75 · 0.25 after
        "a model that reads feature 0 backwards (wrong on every row)",
        lambda X: 1 - _first_only(X),
        _first_only,
        [-0.375, 0.0, 0.0],
    ),
]
TOLERANCE = 0.03


def _as_importances(got, n_features):
    got = np.asarray(got, dtype=float) if isinstance(got, (list, tuple, np.ndarray)) else got
    return got if isinstance(got, np.ndarray) and got.shape == (n_features,) else None


@check(budget_s=5)
def check_permutation_importance(fn):
    X = _importance_data()
    first = {}  # case index -> importances with n_repeats=10, seed=0
    for case, (what, predict, label, expected) in enumerate(IMPORTANCE_CASES):
        y = label(X)
        original = X.copy()
        raw = call(fn, predict, X, y, n_repeats=10, seed=0)
        if not np.array_equal(X, original):
            raise Fail(f"for {what}, your function changed X; shuffle a copy of the column")
        got = _as_importances(raw, X.shape[1])
        if got is None:
            raise Fail(
                f"for {what}, return one importance per feature, shape ({X.shape[1]},), got {short(raw)}"
            )
        for j, e in enumerate(expected):
            if e != 0 and abs(got[j] - e) > TOLERANCE:
                baseline = float((predict(X) == y).mean())
                if e > 0 and got[j] < 0:
                    hint = "importance is how much the score DROPS: baseline minus shuffled"
                elif e < 0 and abs(got[j] + e) <= TOLERANCE:
                    hint = "here shuffling IMPROVES the score, so the importance is negative: keep its sign"
                elif baseline < 1 and abs(got[j] - (e + 1 - baseline)) <= TOLERANCE:
                    hint = "subtract the shuffled accuracy from the model's accuracy on the unshuffled data, not from 1"
                else:
                    hint = (
                        "shuffle the rows of that one column (a random permutation of its own values), "
                        "with every other column as it was"
                    )
                raise Fail(
                    f"for {what}, feature {j} should have importance about {e:.3f}, got {got[j]:.3f}: {hint}"
                )
        for j in [j for j, e in enumerate(expected) if e == 0.0]:
            if abs(got[j]) > 1e-9:
                raise Fail(
                    f"for {what}, feature {j} is not used by the model, so shuffling it alone changes no "
                    f"prediction and its importance should be 0, got {got[j]:.4g}: shuffle one column at a "
                    "time, with every other column as it was"
                )
        first[case] = got

    # the arguments must matter: the same seed reproduces, another seed and another n_repeats do not
    # (on 2,000 rows a correct answer repeats its value by chance with odds far below one in a million)
    def rerun(case, **kwargs):
        what, predict, label, _ = IMPORTANCE_CASES[case]
        return _as_importances(call(fn, predict, X, label(X), **kwargs), X.shape[1])

    again = rerun(0, n_repeats=10, seed=0)
    if again is None or not np.allclose(again, first[0], rtol=0, atol=1e-12):
        raise Fail(
            f"called twice with seed=0 on the first model, your function returned {short(first[0])} and then "
            f"{short(again)}: take every shuffle from the random generator made from `seed`"
        )
    used = [
        (case, j) for case, c in enumerate(IMPORTANCE_CASES) for j, e in enumerate(c[3]) if e != 0
    ]
    for kwargs, hint in (
        (
            {"n_repeats": 10, "seed": 1},
            "seed=1 gave exactly the importances of seed=0 on every model: the shuffles must come from the "
            "seed you are given",
        ),
        (
            {"n_repeats": 1, "seed": 0},
            "n_repeats=1 gave exactly the importances of n_repeats=10 on every model: every repeat needs a "
            "fresh shuffle, and the importance is the mean over them",
        ),
    ):
        other = {case: rerun(case, **kwargs) for case in {case for case, _ in used}}
        # "the same" up to rounding: distinct correct values differ by at least 1 / (n_repeats · rows)
        if all(
            other[case] is not None and abs(other[case][j] - first[case][j]) < 1e-9
            for case, j in used
        ):
            raise Fail(hint)
    return (
        "permutation importance is the accuracy drop (baseline minus shuffled, averaged over repeats) when one column is "
        "shuffled while the others stay intact; it keeps its sign when shuffling helps, unused features score 0, "
        "the seed reproduces it, every repeat shuffles afresh, and X is left unchanged"
    )


# ---------------------------------------------------------------- Exercise 5: data-parallel step time
def ring_step_seconds(compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param=4):
    """The reference: compute split over workers plus a ring all-reduce of the gradient."""
    steps = 2 * (workers - 1)
    n_bytes = n_params * bytes_per_param
    return (
        compute_s / workers
        + steps * latency_s
        + steps * (n_bytes / workers) / (bandwidth_gbit_s * 1e9 / 8)
    )


#: (what, compute_s, n_params, workers, bandwidth_gbit_s, latency_s, bytes_per_param)
STEP_CASES = [
    ("one worker", 0.4, 25_600_000, 1, 10, 20e-6, 4),
    ("ResNet-50-sized gradients on 8 workers, 10 Gbit/s, 20 µs", 0.4, 25_600_000, 8, 10, 20e-6, 4),
    ("a tiny model on 4 workers, where latency dominates", 0.001, 4_000, 4, 25, 50e-6, 4),
    ("float16 gradients (2 bytes each) on 2 workers, 1 Gbit/s", 2.0, 100_000_000, 2, 1, 100e-6, 2),
]


@check(budget_s=5)
def check_step_seconds(fn):
    for what, compute, params, workers, gbit, latency, per in STEP_CASES:
        expected = ring_step_seconds(compute, params, workers, gbit, latency, per)
        args = f"(compute_s={compute}, n_params={params:,}, workers={workers}, bandwidth_gbit_s={gbit}, latency_s={latency:g}, bytes_per_param={per})"
        got = call(fn, compute, params, workers, gbit, latency, bytes_per_param=per)
        if isinstance(got, bool) or not isinstance(got, (int, float, np.floating, np.integer)):
            raise Fail(f"for {what} {args}, return seconds as a float, got {short(got)}")
        if not math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-15):
            steps, n_bytes, rate = 2 * (workers - 1), params * per, gbit * 1e9 / 8
            share = compute / workers
            candidates = [
                (
                    share + steps * latency + steps * (n_bytes / workers) / (gbit * 1e9),
                    "bandwidth is in gigaBITS per second; there are 8 bits in a byte",
                ),
                (
                    compute + steps * latency + steps * (n_bytes / workers) / rate,
                    "each worker computes only its share of the batch",
                ),
                (
                    share + steps * (n_bytes / workers) / rate,
                    "each of the ring's steps also pays the latency",
                ),
                (
                    share + latency + steps * (n_bytes / workers) / rate,
                    "the latency is paid once per step of the ring, and the ring takes more than one step",
                ),
                (
                    share + steps * latency + steps * n_bytes / rate,
                    "in a ring, each worker sends only a 1/workers chunk in each step",
                ),
                (
                    ring_step_seconds(compute, params, workers, gbit, latency, 4),
                    "use bytes_per_param; gradients are not always float32",
                ),
                (
                    share + steps * latency + steps * (n_bytes / workers) / (gbit * 2**30 / 8),
                    "network bandwidth uses decimal units: 1 gigabit is 10⁹ bits",
                ),
            ]
            if workers == 1:
                hint = "one worker has nobody to exchange gradients with"
            else:
                hint = next(
                    (
                        text
                        for value, text in candidates
                        if not math.isclose(value, expected, rel_tol=1e-9)
                        and math.isclose(float(got), value, rel_tol=1e-9)
                    ),
                    "split the compute, then add the ring all-reduce: its steps, each with a latency and a chunk of bytes",
                )
            raise Fail(
                f"for {what} {args}, the step should take {expected:.6g} s, got {float(got):.6g} s: {hint}"
            )
    return (
        "step time = compute split over the workers + a ring all-reduce (2(p − 1) steps, each paying the latency and "
        "sending 1/p of the gradient's bytes at the link's bandwidth in bits); one worker pays no communication"
    )


#: (what, compute_s, n_params, max_workers, bandwidth_gbit_s, latency_s)
BEST_CASES = [
    ("heavy compute, small model, fast link", 10.0, 1_000_000, 16, 100, 5e-6),
    ("light compute, big model, slow link", 0.05, 100_000_000, 16, 1, 50e-6),
    ("a case with an optimum in between", 0.2, 5_000, 64, 10, 1e-3),
    ("nothing to compute and nothing to send (every count ties)", 0.0, 0, 8, 10, 0.0),
]


def _best_expected(compute, params, max_workers, gbit, latency):
    times = {
        p: ring_step_seconds(compute, params, p, gbit, latency) for p in range(1, max_workers + 1)
    }
    best = min(times.values())
    return min(p for p, t in times.items() if t == best), times


@check(budget_s=5)
def check_best_worker_count(fn):
    for what, compute, params, max_workers, gbit, latency in BEST_CASES:
        expected, times = _best_expected(compute, params, max_workers, gbit, latency)
        args = f"(compute_s={compute}, n_params={params:,}, max_workers={max_workers}, bandwidth_gbit_s={gbit}, latency_s={latency:g})"
        got = call(fn, compute, params, max_workers, gbit, latency)
        if isinstance(got, bool) or not isinstance(got, (int, np.integer)):
            raise Fail(f"for {what} {args}, return a number of workers (an int), got {short(got)}")
        got = int(got)
        if got != expected:
            if not 1 <= got <= max_workers:
                hint = f"the answer must lie between 1 and max_workers = {max_workers}"
            elif math.isclose(times[got], times[expected], rel_tol=0, abs_tol=0):
                hint = "when several counts tie, prefer fewer workers: they cost less"
            elif expected == max_workers:
                hint = "is max_workers itself among the counts you try?"
            else:
                hint = (
                    f"the step time with {got} worker{'s' * (got != 1)} is {times[got]:.4g} s, "
                    f"but with {expected} worker{'s' * (expected != 1)} it is {times[expected]:.4g} s"
                )
            raise Fail(f"for {what} {args}, the best count is {expected}, got {got}: {hint}")
    return (
        "best_worker_count tries every count from 1 to max_workers, returns the one with the shortest step, "
        "and breaks ties towards fewer workers"
    )
