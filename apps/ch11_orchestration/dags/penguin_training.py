"""Chapter 11: the penguin training pipeline as an Apache Airflow DAG.

One run per year of data: the run of logical date 2009-01-01 covers the data interval
2009-01-01 → 2010-01-01 and starts when that interval has ended. Each task calls a step of
``mlskills.pipeline`` with explicit inputs and outputs and passes only file paths between
tasks (XCom carries small strings, never data). Outputs go to a folder named by the run,
so a re-run of the same date overwrites its own files and nothing else (idempotent). The
steps need the repository on ``PYTHONPATH``; ``PENGUIN_STORE`` names the folder for outputs.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from airflow.sdk import CronDataIntervalTimetable, dag, get_current_context, task

from mlskills import pipeline

RAW_CSV = Path(os.environ.get("PENGUIN_RAW_CSV", "data/penguins.csv"))


def _out_dir(step: str) -> str:
    """``$PENGUIN_STORE/<logical date>/<step>``: one folder per run and step."""
    context = get_current_context()
    folder = Path(os.environ["PENGUIN_STORE"]) / context["ds"] / step
    folder.mkdir(parents=True, exist_ok=True)
    return str(folder)


@dag(
    dag_id="penguin_training",
    # Airflow 3 turns a cron string into a CronTriggerTimetable (logical date = start time, no
    # interval): the 2009 run would start on 2009-01-01, before the 2009 season was observed.
    # A data-interval timetable starts the run of 2009-01-01 once its year has ended.
    schedule=CronDataIntervalTimetable("@yearly", timezone="UTC"),
    start_date=datetime(2007, 1, 1, tzinfo=UTC),
    catchup=False,
    max_active_runs=1,
    default_args={
        "retries": 2,
        "retry_delay": timedelta(seconds=1),
        "retry_exponential_backoff": 2.0,  # a multiplier: each wait doubles
        "execution_timeout": timedelta(minutes=10),
    },
    tags=["beyond-algorithms", "chapter-11"],
)
def penguin_training():
    @task
    def ingest() -> str:
        # a scheduled or backfilled run's logical date is the start of the year it covers
        year = get_current_context()["logical_date"].year
        return str(pipeline.ingest(RAW_CSV, _out_dir("ingest"), up_to_year=year))

    @task
    def validate(rows: str) -> str:
        return str(pipeline.validate(rows, _out_dir("validate"), max_invalid=0.1))

    @task
    def features(clean: str) -> str:
        return str(pipeline.features(clean, _out_dir("features")))

    @task
    def train(table: str) -> str:
        return str(pipeline.train(table, _out_dir("train"), C=1.0))

    @task
    def evaluate(model: str, table: str) -> str:
        return str(pipeline.evaluate(model, table, _out_dir("evaluate")))

    @task
    def register(model: str, metrics: str) -> str:
        return str(pipeline.register(model, metrics, _out_dir("register")))

    table = features(validate(ingest()))
    model = train(table)
    register(model, evaluate(model, table))


penguin_training()
