"""Chapter 11: the orchestrator in mlskills.pipeline does what the chapter says it does.

Fast tests on the real penguin data in temporary folders; the real tools (Airflow, kfp,
MLflow) are exercised by executing the chapter (nbval), not here.
"""

import json
import os
import subprocess
import sys

import pytest

from mlskills import data
from mlskills import pipeline as pl

RAW = data.path("penguins.csv")


def states(rows):
    return {r["task"]: r["state"] for r in rows}


def test_a_run_succeeds_and_a_rerun_is_fully_cached(tmp_path):
    first = pl.run(pl.penguin_tasks(RAW, up_to_year=2009), tmp_path)
    assert set(states(first).values()) == {"success"}
    again = pl.run(pl.penguin_tasks(RAW, up_to_year=2009), tmp_path)
    assert set(states(again).values()) == {"cached"}
    metrics = json.loads(next(tmp_path.glob("evaluate/*/metrics.json")).read_text())
    assert metrics["n_test"] == 87 and metrics["accuracy"] >= 0.95


def test_changing_a_parameter_reruns_only_its_downstream_tasks(tmp_path):
    pl.run(pl.penguin_tasks(RAW, up_to_year=2009), tmp_path)
    rows = pl.run(pl.penguin_tasks(RAW, up_to_year=2009, C=3.0), tmp_path)
    assert states(rows) == {
        "ingest": "cached",
        "validate": "cached",
        "features": "cached",
        "train": "success",
        "evaluate": "success",
        "register": "success",
    }


def test_transient_failures_are_retried_with_doubling_waits(tmp_path):
    tasks = pl.penguin_tasks(RAW, up_to_year=2008, retries=2)
    tasks[3].fn = pl.Flaky(pl.train, failures=2)
    waits = []
    rows = pl.run(tasks, tmp_path, sleep=waits.append, base_delay_s=0.5)
    assert waits == [0.5, 1.0]
    assert states(rows)["train"] == "success" and rows[3]["attempts"] == 3


def test_exhausted_retries_fail_the_task_and_skip_its_downstream(tmp_path):
    tasks = pl.penguin_tasks(RAW, up_to_year=2008, retries=1)
    tasks[3].fn = pl.Flaky(pl.train, failures=5)
    rows = pl.run(tasks, tmp_path, sleep=lambda s: None)
    assert states(rows)["train"] == "failed"
    assert states(rows)["evaluate"] == states(rows)["register"] == "upstream_failed"
    assert not (tmp_path / "train").exists()  # nothing half-written is left for a later run


def test_two_runs_give_byte_identical_artifacts(tmp_path):
    for name in ("a", "b"):
        pl.run(pl.penguin_tasks(RAW, up_to_year=2009), tmp_path / name)
    digests = [
        {
            p.relative_to(tmp_path / n).parts[0]: pl.file_sha256(p)
            for p in (tmp_path / n).glob("*/*/*")
        }
        for n in ("a", "b")
    ]
    assert digests[0] == digests[1] and len(digests[0]) == 6


def test_a_cycle_is_refused():
    tasks = [pl.Task("a", pl.ingest, ("b",)), pl.Task("b", pl.ingest, ("a",))]
    with pytest.raises(ValueError):
        pl.topological_order(tasks)


def test_a_missing_orchestration_environment_names_the_make_target(tmp_path):
    code = "from mlskills import pipeline as pl\npl.Background('kfp_pipeline.py')"
    env = dict(os.environ, ORCHESTRATION_PYTHON=str(tmp_path / "missing" / "bin" / "python"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert result.returncode != 0 and "make orchestration-env" in result.stderr


def test_the_dag_file_and_kfp_file_call_the_same_steps():
    dag = (pl.APPS / "dags" / "penguin_training.py").read_text()
    kfp = (pl.APPS / "kfp_pipeline.py").read_text()
    for step in ("ingest", "validate", "features", "train", "evaluate", "register"):
        assert f"def {step}(" in dag and f"def {step}(" in kfp
        if step != "register":
            assert f"pipeline.{step}(" in dag and f"pipeline.{step}(" in kfp


def test_a_cached_run_is_faster_than_a_full_run(tmp_path):
    """The chapter's timing claim, with a generous margin: cached at least 2× faster (median of 3)."""
    import time

    def seconds(store):
        start = time.perf_counter()
        pl.run(pl.penguin_tasks(RAW, up_to_year=2009), store)
        return time.perf_counter() - start

    full = sorted(seconds(tmp_path / f"full-{i}") for i in range(3))[1]
    seconds(tmp_path / "cached")
    cached = sorted(seconds(tmp_path / "cached") for _ in range(3))[1]
    assert cached * 2 < full, f"cached {cached:.3f} s vs full {full:.3f} s"


def test_the_dag_starts_the_run_of_a_year_after_that_year():
    """Airflow 3 turns a cron string into a trigger timetable (no data interval): the run of
    2009-01-01 would start on that day and ingest a season not yet observed."""
    dag = (pl.APPS / "dags" / "penguin_training.py").read_text()
    assert 'schedule=CronDataIntervalTimetable("@yearly", timezone="UTC")' in dag
    assert '["logical_date"].year' in dag  # the start of the interval the run covers
