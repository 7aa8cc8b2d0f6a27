"""Chapter 4 measures what it claims: read from the stored outputs, and re-measured cheaply.

The chapter prints its measured figures in the cell with id ``summary``; nbval proves those
outputs are current, and these tests hold them to the claims the prose makes. A few
quantities are recomputed here from the shipped data (the linkage attack, k, the dictionary
attack), and one generous timing ratio is measured with the book's harness.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import importlib.util
import re
import sys

import nbformat
import pytest
from threadpoolctl import threadpool_limits

from mlskills import ROOT, data, measure
from tests import notebook_code

CHAPTER = ROOT / "chapters" / "04-responsible-ai.ipynb"
QUASI_IDENTIFIERS = ["zip", "birth_date", "sex"]


stored_text = functools.partial(notebook_code.stored_text, CHAPTER)


@pytest.fixture(scope="module")
def summary() -> dict[str, str]:
    """{what: value} from the lines 'what   value' of the summary cell."""
    lines = [line for line in stored_text("summary").splitlines() if line.strip()]
    return dict(re.match(r"^(.*?)\s{2,}(\S.*)$", line).groups() for line in lines)


def numbers(text: str) -> list[float]:
    return [float(n.replace(",", "")) for n in re.findall(r"-?\d[\d,]*(?:\.\d+)?", text)]


def test_names_removed_still_reidentifies_at_least_90_percent(summary):
    share, total = numbers(summary["re-identified by linkage, names removed"])
    assert share >= 90 and total == 5000


def test_k_anonymity_reaches_5_and_stops_the_linkage_attack(summary):
    before, after = numbers(summary["k before / after generalization"])
    assert before == 1 and after >= 5
    key = next(k for k in summary if k.startswith("re-identified after k-anonymity"))
    assert numbers(summary[key])[0] == 0.0


def test_plain_hashes_are_reversed_and_keyed_ones_are_not(summary):
    sha_email, hmac_email = numbers(summary["e-mails reversed: SHA-256 / HMAC"])
    sha_phone, hmac_phone = numbers(summary["phones reversed: SHA-256 / HMAC"])
    assert sha_email >= 80 and sha_phone == 100.0
    assert hmac_email == 0.0 and hmac_phone == 0.0


def test_regularization_brings_membership_inference_near_chance(summary):
    before, after = numbers(summary["membership-inference AUC: leaf 1 / leaf 20"])
    assert before >= 0.65, "the overfit forest should leak membership clearly"
    assert after <= 0.56, "min_samples_leaf=20 should bring the attack near a coin flip"
    acc_before, acc_after = numbers(summary["held-out accuracy: leaf 1 / leaf 20"])
    assert acc_before - acc_after <= 0.02, "and cost at most two points of held-out accuracy"


def test_mitigation_shrinks_both_gaps_and_is_more_accurate_against_the_truth(summary):
    dpd_before, dpd_after = numbers(summary["DPD: baseline / mitigated"])
    eod_before, eod_after = numbers(summary["EOD vs truth: baseline / mitigated"])
    hist_before, hist_after = numbers(summary["accuracy vs history: baseline / mitigated"])
    truth_before, truth_after = numbers(summary["accuracy vs truth: baseline / mitigated"])
    assert dpd_after <= dpd_before / 4 and eod_after <= eod_before / 4
    assert hist_after < hist_before, "against biased labels, fairness looks like a cost"
    assert truth_after > truth_before, "against the truth, it is not"


def test_dropping_the_group_leaves_a_gap_through_the_zip_proxy():
    text = stored_text("drop-attribute")
    row = next(line for line in text.splitlines() if line.startswith("group dropped (ZIP kept)"))
    dpd = numbers(row.split(")", 1)[1])[4]
    assert dpd >= 0.15, f"the selection-rate gap without the group should stay large, got {dpd}"


def test_the_linkage_attack_and_k_recomputed_from_the_shipped_data():
    applicants = data.load("lending_applicants.csv", dtype={"zip": str})
    register = data.load("lending_register.csv", dtype={"zip": str})
    counts = register.groupby(QUASI_IDENTIFIERS).size().rename("matches").reset_index()
    linked = applicants.merge(counts, on=QUASI_IDENTIFIERS, how="left")
    assert (linked["matches"] == 1).mean() >= 0.9
    assert int(applicants.groupby(QUASI_IDENTIFIERS).size().min()) == 1
    banded = applicants.assign(
        birth_date=(applicants["birth_date"].str[:4].astype(int) // 5 * 5).astype(str)
    )
    sizes = banded.groupby(QUASI_IDENTIFIERS)["sex"].transform("size")
    assert (sizes < 5).mean() <= 0.01, "5-year bands reach k = 5 with at most 1% suppressed"


def test_every_phone_in_the_block_is_enumerable():
    applicants = data.load("lending_applicants.csv", dtype={"zip": str})
    assert applicants["phone"].str.fullmatch(r"07700 9\d{5}").all()
    target = hashlib.sha256(applicants["phone"].iloc[0].encode()).hexdigest()
    found = [
        n
        for n in range(100_000)
        if hashlib.sha256(f"07700 9{n:05d}".encode()).hexdigest() == target
    ]
    assert found and hmac.digest(b"k", b"x", "sha256") != hashlib.sha256(b"x").digest()


def test_a_slow_hash_costs_at_least_100_times_more_per_number_than_sha256():
    """A generous floor on a ratio the chapter measures in the tens of thousands."""
    phones = [f"07700 9{n:05d}" for n in range(1000)]
    torch = sys.modules.get("torch")
    torch_threads = torch.get_num_threads() if torch is not None else None
    if torch is not None:
        torch.set_num_threads(1)
    try:
        with threadpool_limits(1):
            result = measure.compare(
                {
                    "sha256": lambda: [hashlib.sha256(p.encode()).digest() for p in phones],
                    "pbkdf2": lambda: hashlib.pbkdf2_hmac(
                        "sha256", b"07700 900000", b"salt", 10_000
                    ),
                },
                threads=1,
                rows_per_call={"sha256": 1000, "pbkdf2": 1},
                trials=3,
                repeats=5,
                warmup=1,
            )
    finally:
        if torch is not None:
            torch.set_num_threads(torch_threads)
    per_number = {name: t.median_ms / t.rows_per_call for name, t in result.timings.items()}
    assert per_number["pbkdf2"] / per_number["sha256"] >= 100


def test_the_generator_rebuilds_both_files_byte_for_byte(tmp_path, monkeypatch):
    """The shipped synthetic county is exactly what data/generators/lending.py makes."""
    spec = importlib.util.spec_from_file_location(
        "lending", ROOT / "data" / "generators" / "lending.py"
    )
    lending = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lending)
    monkeypatch.setattr(lending, "OUT_REGISTER", tmp_path / "lending_register.csv")
    monkeypatch.setattr(lending, "OUT_APPLICANTS", tmp_path / "lending_applicants.csv")
    lending.main()
    for name in ("lending_register.csv", "lending_applicants.csv"):
        assert (tmp_path / name).read_bytes() == data.path(name).read_bytes(), name


def test_hiding_confidences_weakens_but_does_not_close_the_membership_leak(summary):
    exposure = {
        line.rsplit(None, 1)[0].strip(): float(line.rsplit(None, 1)[1])
        for line in stored_text("mia-exposure").splitlines()[1:]
        if line.strip()
    }
    full, label_only = exposure["full confidence"], exposure["label only (right or wrong)"]
    regularized = numbers(summary["membership-inference AUC: leaf 1 / leaf 20"])[1]
    assert full > label_only > 0.55, exposure
    assert regularized < label_only, "the chapter says the fix is in the model, not in the API"


def test_regularization_costs_less_accuracy_than_the_sampling_error():
    """The prose says the half-point accuracy gap is smaller than its (paired) standard error."""
    line = next(
        line
        for line in stored_text("mia").splitlines()
        if line.startswith("held-out accuracy, leaf 1 minus leaf 20")
    )
    difference, standard_error = numbers(line.split(":", 1)[1])[:2]
    assert abs(difference) < standard_error, line


def test_the_model_card_names_the_share_of_randomized_recommendations():
    nb = nbformat.read(CHAPTER, as_version=4)
    cell = next(c for c in nb.cells if c.get("id") == "model-card")
    card = "".join(o.get("data", {}).get("text/markdown", "") for o in cell.outputs)
    share = float(re.search(r"randomizes: ([\d.]+)% of the test applicants", card).group(1))
    assert 0 < share < 50, card


def test_at_low_false_positive_rates_the_simple_attack_is_no_better_than_a_guess():
    """The prose: at 1% FPR no forest beats a guess by much; at 10% FPR only the overfit one clearly does."""
    rows = {}
    for line in stored_text("mia").splitlines():
        parts = line.split()
        if parts and parts[0] in {"1", "5", "20", "50"}:
            rows[int(parts[0])] = [float(p) for p in parts[1:]]
    assert sorted(rows) == [1, 5, 20, 50], rows
    for leaf, (_, _, _, tpr_1, tpr_10) in rows.items():
        assert tpr_1 <= 0.03, (leaf, tpr_1)
        if leaf == 1:
            assert tpr_1 == 0.0 and tpr_10 >= 0.2
        else:
            assert tpr_10 <= 0.15, (leaf, tpr_10)


def test_k_anonymity_reports_what_it_cost(summary):
    """The release lost rows and detail; the summary says how much, and l of the decision."""
    suppressed, share = numbers(summary["information lost for k=5: rows suppressed"])
    assert 0 < suppressed <= 50 and share <= 1.0
    before, after = numbers(summary["QI combinations before / after"])[:2]
    assert before >= 4500 and after < before / 5
    assert numbers(summary["l-diversity of the decision after k=5"])[0] >= 1


def test_the_onnx_file_is_standard_operators_and_an_unknown_one_is_refused():
    text = stored_text("onnx")
    assert "operators in the file: ['ai.onnx:MatMul', 'ai.onnx:Add', 'ai.onnx:Sigmoid']" in text
    assert "ONNX Runtime agrees with scikit-learn on 100.0% of applicants" in text
    assert "refused to load it: com.attacker:RunShell" in text


def test_the_chapter_links_its_datasheets():
    """Issue 13: the model card and harms assessment link to the data's datasheets (Chapter 2)."""
    import json

    cells = {c.get("id"): "".join(c["source"]) for c in json.loads(CHAPTER.read_text())["cells"]}
    for cell in ("accountability", "harms"):
        assert "(../data/datasheets/lending_applicants.md)" in cells[cell], cell
    assert "(02-data.ipynb)" in cells["accountability"]
