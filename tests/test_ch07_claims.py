"""Chapter 7 says what its numbers show: read from the stored outputs, and re-measured cheaply.

nbval proves the stored outputs are current (on this machine and, in the portability run,
with torch's default kernels on one thread). These tests read those outputs and check that
the claims the prose makes about them hold, with the margins the prose relies on. The
data-parallel helper and the all-reduce arithmetic are also tested directly.
"""

from __future__ import annotations

import functools
import re

import nbformat
import numpy as np
import pytest

from mlskills import ROOT, dataparallel
from tests import notebook_code

CHAPTER = ROOT / "chapters" / "07-advanced-machine-learning.ipynb"


stored_text = functools.partial(notebook_code.stored_text, CHAPTER)


def numbers(text: str) -> list[float]:
    return [float(v.replace(",", "")) for v in re.findall(r"-?\d[\d,]*\.?\d*", text)]


def test_no_stored_output_goes_to_stderr():
    nb = nbformat.read(CHAPTER, as_version=4)
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output.get("name") != "stderr", f"cell {cell.get('id')} wrote to stderr"


def test_the_cnn_and_the_mlp_have_matched_sizes_and_the_cnn_survives_a_shift_better():
    text = stored_text("cnn-vs-mlp")
    cnn_params, mlp_params = (
        int(v.replace(",", "")) for v in re.findall(r"([\d,]+) parameters", text)
    )
    assert abs(cnn_params - mlp_params) / cnn_params < 0.02, text
    accuracies = [float(v) for v in re.findall(r"test accuracy (\d\.\d+)", text)]
    assert all(a >= 0.95 for a in accuracies), text
    assert abs(accuracies[0] - accuracies[1]) <= 0.03, (
        "the prose calls the two close on centred digits"
    )
    shifted = stored_text("cnn-shift")
    cnn_shift, mlp_shift = (
        float(v) for v in re.findall(r"(\d\.\d+) with every image shifted", shifted)
    )
    assert cnn_shift - mlp_shift >= 0.10, shifted
    assert cnn_shift <= accuracies[0] - 0.15, "the prose says both models lose a lot"


def test_the_receptive_field_and_parameter_table():
    text = stored_text("cnn-shapes")
    assert "total parameters: 3,818" in text
    for field in ("3×3", "5×5", "6×6", "whole image"):
        assert field in text


def test_the_gru_reads_early_rows_badly_and_packing_recovers_the_padded_batch():
    text = stored_text("rnn-train")
    assert "formula 3 × (h·i + h·h + 2h) = 4,032, PyTorch counts 4,032" in text
    assert float(re.search(r"test accuracy (\d\.\d+)", text).group(1)) >= 0.9
    prefix = dict(re.findall(r"k=(\d): (\d\.\d+)", stored_text("rnn-prefix")))
    assert all(float(prefix[k]) <= 0.35 for k in ("2", "4", "6")), prefix
    padding = stored_text("rnn-padding")
    naive = float(re.search(r"read naively: (\d\.\d+)", padding).group(1))
    packed, unpadded = (float(v) for v in re.findall(r"(\d\.\d+)", padding.splitlines()[1]))
    assert packed == unpadded and naive <= unpadded - 0.3, padding


def test_the_gan_collapses_with_a_fast_generator_and_covers_every_mode_when_balanced():
    text = stored_text("gan-train")
    rows = [numbers(line) for line in text.splitlines() if re.match(r"^\d+\s", line)]
    assert len(rows) == 4, text
    assert all(row[1] <= 1 for row in rows), "the collapsed GAN covers at most one mode"
    assert rows[-1][3] == 8, "the balanced GAN covers all 8 modes at the end"


def test_attention_matches_pytorch_and_the_reverser_needs_positions():
    assert stored_text("attention-check").count("True") == 3
    text = stored_text("transformer-train")
    digits, sequences = (float(v) for v in re.findall(r"(\d\.\d+) of", text))
    assert digits >= 0.99 and sequences >= 0.95, text
    orderless = float(
        re.search(r"(\d\.\d+) of digits correct", stored_text("transformer-no-positions")).group(1)
    )
    assert orderless <= 0.5, "the prose says the model without positions is far from perfect"


def test_keras_builds_the_same_cnn():
    text = stored_text("keras-cnn")
    assert "3,818 parameters (PyTorch CNN: 3,818)" in text
    assert float(re.search(r"test accuracy (\d\.\d+)", text).group(1)) >= 0.93


def test_q_learning_reaches_the_optimal_policy_and_beats_random():
    text = stored_text("value-iteration")
    random_rate, learned, optimal = (
        float(v) for v in re.findall(r"(?:random|learned|optimal) (\d\.\d+)", text)
    )
    assert learned >= 0.9 * optimal and learned > 10 * random_rate, text
    optimal_states, states = (
        int(v) for v in re.search(r"optimal in (\d+) of (\d+)", text).groups()
    )
    assert optimal_states >= states - 1, text


def test_the_planted_copy_moves_the_credit_and_grouped_shuffling_recovers_it():
    text = stored_text("explanations")
    row = next(line for line in text.splitlines() if line.startswith("flipper_length_mm"))
    values = numbers(row)
    alone, with_copy = values[:3], values[3:]
    assert min(alone) >= 60 and max(with_copy) <= 30, row
    assert max(with_copy) - min(with_copy) >= 3, "the prose says the methods disagree on this row"
    grouped = stored_text("grouped-permutation")
    single_a, single_b, both = (float(v) for v in re.findall(r"rises by\s+(\d+) g", grouped))
    assert both > single_a + single_b, grouped


def test_data_parallel_equals_one_process_in_the_stored_run():
    text = stored_text("data-parallel")
    assert text.count("True") == 3 and "False" not in text, text
    shards = stored_text("unequal-shards")
    bias = float(re.search(r"mean of shard means: (\d+\.\d+)%", shards).group(1))
    assert bias >= 5, shards


def test_ring_allreduce_arithmetic():
    # 8 workers, 100 MB, 1 GB/s, no latency: 2·7/8 of 100 MB at 1 GB/s = 0.175 s
    assert dataparallel.ring_allreduce_seconds(100e6, 8, 1e9, 0.0) == pytest.approx(0.175)
    # latency only: 14 messages
    assert dataparallel.ring_allreduce_seconds(0, 8, 1e9, 1e-3) == pytest.approx(0.014)
    assert dataparallel.ring_allreduce_seconds(1e9, 1, 1e9, 1.0) == 0.0


def test_run_data_parallel_matches_a_single_process_on_random_data():
    import torch

    g = torch.Generator().manual_seed(3)
    X = torch.randn(256, 64, generator=g, dtype=torch.float64)
    y = torch.randint(0, 10, (256,), generator=g)
    results = dataparallel.run_data_parallel(X, y, world=2, steps=5, lr=0.1, batch_size=64)
    first, final = dataparallel.train_single_process(X, y, steps=5, lr=0.1, batch_size=64)
    assert [r.rank for r in results] == [0, 1]
    for got, want in zip(results[0].first_gradients, first, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)
    for got, want in zip(results[1].final_parameters, final, strict=True):
        np.testing.assert_allclose(got, want, rtol=0, atol=1e-12)


def test_augmentation_buys_back_the_shifted_accuracy():
    plain = stored_text("cnn-vs-mlp")
    cnn_plain = float(re.search(r"test accuracy (\d\.\d+)", plain).group(1))
    text = stored_text("cnn-augment")
    centred, shifted = (float(v) for v in re.findall(r"(\d\.\d+)", text))
    assert shifted >= cnn_plain - 0.05, "nearly all of the shifted accuracy comes back"
    assert abs(centred - cnn_plain) <= 0.01, "a couple of images at most on centred digits"


def test_answering_at_every_row_improves_early_answers_at_a_cost_at_the_end():
    plain = dict(re.findall(r"k=(\d): (\d\.\d+)", stored_text("rnn-prefix")))
    every = dict(re.findall(r"k=(\d): (\d\.\d+)", stored_text("rnn-every-step")))
    early = [float(every[k]) for k in ("2", "4", "6")]
    assert early == sorted(early) and all(
        e > float(plain[k]) for e, k in zip(early, "246", strict=True)
    )
    assert float(every["8"]) <= float(plain["8"]) - 0.05, (
        "the prose says the final answer is clearly worse"
    )


def test_shap_values_add_up_to_the_prediction():
    text = stored_text("shap-additive")
    assert "equal within 1e-6 g: True" in text
    contributions = [float(v) for v in re.findall(r"^\s+\w+\s+([+-]\d+) g$", text, re.M)]
    assert len(contributions) == 5 and sum(contributions) < 0, "the prose says lighter than average"


def test_the_reverser_attends_to_the_mirrored_position():
    text = stored_text("attention-map")
    weight = float(re.search(r"input position 7 − i: (\d\.\d+)", text).group(1))
    assert weight >= 0.9, "the prose says nearly all the weight goes to position 7 − i"


def test_the_forest_splits_more_often_on_the_noisy_copy():
    text = stored_text("grouped-permutation")
    real, real_values, copy, copy_values = (
        int(v.replace(",", ""))
        for v in re.search(
            r"flipper_length_mm ([\d,]+) \((\d+) distinct values\), flipper_copy_mm ([\d,]+) \((\d+) distinct",
            text,
        ).groups()
    )
    assert copy >= 1.5 * real, "the prose says the forest splits on the copy about twice as often"
    assert copy_values > 3 * real_values, "the prose says the copy has many more distinct values"
