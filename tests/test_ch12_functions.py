"""Chapter 12's functions behave as the chapter says: checked by running them again.

The scenarios run in the functions' own environment (``make functions-env``). Counts are
deterministic and asserted exactly; the one timing is a generous ratio.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from mlskills import triggers
from mlskills.triggers import FEATURES

pytestmark = pytest.mark.skipif(
    not triggers.FUNCTIONS_PYTHON.exists(), reason="run `make functions-env` first"
)


def _psi(reference, current, bins=10):
    edges = np.quantile(reference, np.linspace(0, 1, bins + 1)[1:-1])
    p, q = (
        np.clip(
            np.bincount(np.searchsorted(edges, x, side="right"), minlength=bins) / len(x),
            1e-4,
            None,
        )
        for x in (reference, current)
    )
    return float(np.sum((q - p) * np.log(q / p)))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    work = tmp_path_factory.mktemp("ch12")
    batches = triggers.stream(12, batches=8, size=400)
    train = pd.concat(batches[:2])
    model = make_pipeline(StandardScaler(), LogisticRegression()).fit(
        train[FEATURES], train["failed"]
    )
    exported = {
        "version": "v1",
        "features": FEATURES,
        "mean": model[0].mean_.tolist(),
        "scale": model[0].scale_.tolist(),
        "coef": model[-1].coef_[0].tolist(),
        "intercept": float(model[-1].intercept_[0]),
        "threshold": 0.5,
    }
    (work / "model.json").write_text(json.dumps(exported))
    for hour in range(8):
        frame = batches[hour].drop(columns="failed").head(20)
        frame.insert(0, "machine_id", [f"M{i:03d}" for i in range(len(frame))])
        if hour == 6:
            frame = frame.astype({"pressure_bar": object})
            frame.loc[7, "pressure_bar"] = "n/a"
        (work / "batches" / "line-1").mkdir(parents=True, exist_ok=True)
        frame.to_csv(work / f"batches/line-1/hour-{hour:02d}.csv", index=False)
    frame.to_csv(work / "request.csv", index=False)
    return work


def test_drift_generator_injects_what_it_says():
    batches = triggers.stream(12)
    reference = pd.concat(batches[:2])
    assert (
        _psi(reference["temperature_c"].to_numpy(), batches[10]["temperature_c"].to_numpy()) < 0.1
    )
    assert (
        _psi(reference["temperature_c"].to_numpy(), batches[25]["temperature_c"].to_numpy()) > 0.25
    )
    assert (
        _psi(reference["vibration_mm_s"].to_numpy(), batches[55]["vibration_mm_s"].to_numpy())
        > 0.25
    )


def test_protected_worker_handles_duplicates_poison_and_late_events(workdir):
    plan = {
        "uploads": [f"batches/line-1/hour-{h:02d}.csv" for h in (0, 1, 2, 4, 5, 6, 7, 3)],
        "duplicates": ["batches/line-1/hour-01.csv", "batches/line-1/hour-04.csv"],
        "flaky": ["batches/line-1/hour-05.csv"],
        "max_receive_count": 3,
    }
    (workdir / "plan.json").write_text(json.dumps(plan))
    result = triggers.run_function("drive.py", "sqs", str(workdir))
    naive, protected = result["naive"], result["protected"]
    assert protected["counts"]["duplicates skipped"] == 2
    assert protected["counts"]["batches scored"] == 7
    assert naive["counts"]["batches scored"] == 9
    assert protected["dead-lettered"] == naive["dead-lettered"] == ["batches/line-1/hour-06.csv"]
    assert protected["alerts sent"] == protected["distinct alerts"]
    assert naive["alerts sent"] > naive["distinct alerts"]
    assert set(protected["status hours"].values()) == {7}
    assert 7 not in set(naive["status hours"].values())  # a late or duplicated batch won


def test_numpy_only_cold_start_is_much_shorter_than_scikit_learn(workdir):
    import joblib
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    train = pd.concat(triggers.stream(12, batches=2, size=400))
    joblib.dump(
        make_pipeline(StandardScaler(), LogisticRegression()).fit(
            train[FEATURES].to_numpy(), train["failed"]
        ),
        workdir / "model.joblib",
    )
    runs = {
        v: triggers.run_function("coldstart.py", v, str(workdir))
        for v in ("sklearn_eager", "numpy_eager")
    }
    assert runs["sklearn_eager"]["answer"] == runs["numpy_eager"]["answer"]
    sklearn_cold = runs["sklearn_eager"]["init_ms"] + runs["sklearn_eager"]["first_ms"]
    numpy_cold = runs["numpy_eager"]["init_ms"] + runs["numpy_eager"]["first_ms"]
    assert sklearn_cold > 2 * numpy_cold, (sklearn_cold, numpy_cold)


def test_run_function_names_the_fix_when_the_environment_is_missing(monkeypatch, tmp_path):
    monkeypatch.setattr(triggers, "FUNCTIONS_PYTHON", tmp_path / "missing" / "python")
    with pytest.raises(RuntimeError, match="make functions-env"):
        triggers.run_function("drive.py", "s3", str(tmp_path))
