"""Load the penguin DAG with Airflow's own DagBag and run it once with ``dag.test()``.

Runs in the orchestration environment (``make orchestration-env``) with the repository on
``PYTHONPATH``. Everything Airflow writes (its SQLite metadata database, logs, the task
outputs) goes to a temporary folder that is deleted at the end. Prints one JSON object:
import errors, tasks, edges, retry settings, and for each logical date the run's state
and every task instance's state and try number.

Usage: airflow_check.py [--run YEAR ...]
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent


def main(argv: list[str]) -> dict:
    years = [int(a) for a in argv[argv.index("--run") + 1 :]] if "--run" in argv else []
    home = Path(tempfile.mkdtemp(prefix="ch11-airflow-"))
    os.environ.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}",
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__DAGS_FOLDER=str(HERE / "dags"),
        AIRFLOW__LOGGING__LOGGING_LEVEL="ERROR",
        PENGUIN_STORE=str(home / "store"),
        PENGUIN_RAW_CSV=str(ROOT / "data" / "penguins.csv"),
    )
    out: dict = {"seconds": {}}
    try:
        start = time.perf_counter()
        from airflow.dag_processing.dagbag import DagBag

        bag = DagBag(dag_folder=str(HERE / "dags"))
        out["seconds"]["import_and_parse"] = time.perf_counter() - start
        out["import_errors"] = {Path(k).name: v for k, v in bag.import_errors.items()}
        out["dag_ids"] = sorted(bag.dag_ids)
        dag = bag.dags["penguin_training"]  # get_dag would ask the metadata database
        out["tasks"] = (
            [t.task_id for t in dag.topological_sort()]
            if hasattr(dag, "topological_sort")
            else sorted(dag.task_ids)
        )
        out["edges"] = sorted([u.task_id, d] for u in dag.tasks for d in u.downstream_task_ids)
        out["retries"] = {
            t.task_id: [t.retries, t.retry_delay.total_seconds(), t.retry_exponential_backoff]
            for t in dag.tasks
        }
        out["schedule"] = repr(dag.schedule)
        if years:
            start = time.perf_counter()
            from airflow.utils import (
                db,  # creates the metadata tables, as `airflow db migrate` does on a new database
            )

            with (
                contextlib.redirect_stdout(io.StringIO()),
                contextlib.redirect_stderr(io.StringIO()),
            ):
                db.initdb()
            out["seconds"]["metadata_db"] = time.perf_counter() - start
            out["runs"] = []
            for year in years:
                start, wall_start = time.perf_counter(), time.time()
                with (
                    contextlib.redirect_stdout(io.StringIO()),
                    contextlib.redirect_stderr(io.StringIO()),
                ):
                    run = dag.test(logical_date=datetime(year, 1, 1, tzinfo=UTC))
                tis = sorted(
                    run.get_task_instances(), key=lambda ti: out["tasks"].index(ti.task_id)
                )
                ran = [ti for ti in tis if ti.start_date and ti.end_date]
                first_start = min(ti.start_date for ti in ran).timestamp()
                out["runs"].append(
                    {
                        "logical_date": f"{year}-01-01",
                        "state": str(run.state),
                        "tasks": [[ti.task_id, str(ti.state), ti.try_number] for ti in tis],
                        "task_seconds": {
                            ti.task_id: (ti.end_date - ti.start_date).total_seconds() for ti in ran
                        },
                        "metrics": json.loads(
                            (
                                home / "store" / f"{year}-01-01" / "evaluate" / "metrics.json"
                            ).read_text()
                        ),
                    }
                )
                out["seconds"][f"dag_test_{year}"] = time.perf_counter() - start
                # the split of dag.test(): the tasks' own durations as Airflow recorded them,
                # and the time from the call to the first task's start (wall clock, not perf)
                out["seconds"][f"dag_test_{year}_tasks"] = sum(
                    (ti.end_date - ti.start_date).total_seconds() for ti in ran
                )
                out["seconds"][f"dag_test_{year}_before_first_task"] = first_start - wall_start
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1:])))
