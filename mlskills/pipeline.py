"""Chapter 11: the penguin training pipeline and a small orchestrator that runs it.

The six steps (ingest → validate → features → train → evaluate → register) are plain
functions with explicit inputs and outputs: each reads files, writes one output file into
a folder it is given, and returns that file's path. They use only the standard library,
NumPy and scikit-learn, so the same functions run under this module's orchestrator, as an
Apache Airflow DAG (``apps/ch11_orchestration/dags/penguin_training.py``) and as Kubeflow
Pipelines components (``apps/ch11_orchestration/kfp_pipeline.py``).

``run`` is the orchestrator: it orders the tasks with :mod:`graphlib`, skips a task whose
cache key (a hash of its code, its parameters and its inputs' bytes) it has seen, retries a
failing task with exponential backoff, and records one status row per task.
"""

from __future__ import annotations

import csv
import graphlib
import hashlib
import inspect
import io
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

#: The columns ``ingest`` expects, in order (``data/penguins.csv``).
COLUMNS = [
    "species",
    "island",
    "bill_length_mm",
    "bill_depth_mm",
    "flipper_length_mm",
    "body_mass_g",
    "sex",
    "year",
]
NUMERIC = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
#: Plausible ranges (inclusive) a validated row must fall in, in each column's unit.
RANGES = {
    "bill_length_mm": (25.0, 70.0),
    "bill_depth_mm": (12.0, 25.0),
    "flipper_length_mm": (160.0, 240.0),
    "body_mass_g": (2500.0, 6500.0),
}
ISLANDS = ["Biscoe", "Dream", "Torgersen"]
SEXES = ["female", "male"]
SPECIES = ["Adelie", "Chinstrap", "Gentoo"]


def file_sha256(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def _write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def _read_csv(path: str | Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


# --- the six steps -------------------------------------------------------------------


def ingest(raw_csv: str | Path, out_dir: str | Path, *, up_to_year: int) -> Path:
    """Copy the rows observed up to ``up_to_year`` (inclusive) into ``out_dir/rows.csv``."""
    rows = _read_csv(raw_csv)
    if not rows or list(rows[0]) != COLUMNS:
        raise ValueError(f"{Path(raw_csv).name} does not have the columns {COLUMNS}")
    kept = [[r[c] for c in COLUMNS] for r in rows if int(r["year"]) <= up_to_year]
    return _write_csv(Path(out_dir) / "rows.csv", COLUMNS, kept)


def validate(rows_csv: str | Path, out_dir: str | Path, *, max_invalid: float = 0.1) -> Path:
    """Keep complete rows inside ``RANGES``; fail if more than ``max_invalid`` of rows are bad."""
    rows = _read_csv(rows_csv)
    good, bad = [], 0
    for r in rows:
        complete = all(r[c] not in ("", "NA") for c in COLUMNS)
        in_range = complete and all(lo <= float(r[c]) <= hi for c, (lo, hi) in RANGES.items())
        known = (
            complete and r["species"] in SPECIES and r["island"] in ISLANDS and r["sex"] in SEXES
        )
        if in_range and known:
            good.append([r[c] for c in COLUMNS])
        else:
            bad += 1
    if not rows or bad / len(rows) > max_invalid:
        raise ValueError(f"validate: {bad} of {len(rows)} rows invalid (limit {max_invalid:.0%})")
    return _write_csv(Path(out_dir) / "clean.csv", COLUMNS, good)


def _row_split(values: list[str]) -> str:
    """'test' for about one row in four, decided by a hash of the row (stable as data grows)."""
    digest = hashlib.sha256(",".join(values).encode()).digest()
    return "test" if digest[0] < 64 else "train"


def features(clean_csv: str | Path, out_dir: str | Path) -> Path:
    """Numeric columns, one-hot island and sex, the label, and a stable train/test split."""
    header = NUMERIC + [f"island_{i}" for i in ISLANDS] + [f"sex_{s}" for s in SEXES]
    out = []
    for r in _read_csv(clean_csv):
        values = [r[c] for c in COLUMNS]
        row = [r[c] for c in NUMERIC]
        row += [int(r["island"] == i) for i in ISLANDS] + [int(r["sex"] == s) for s in SEXES]
        out.append(row + [r["species"], _row_split(values)])
    return _write_csv(Path(out_dir) / "features.csv", header + ["label", "split"], out)


def _load_features(features_csv: str | Path, split: str):
    import numpy as np

    rows = [r for r in _read_csv(features_csv) if r["split"] == split]
    names = [c for c in rows[0] if c not in ("label", "split")] if rows else []
    X = np.array([[float(r[c]) for c in names] for r in rows], dtype=np.float64)
    y = np.array([r["label"] for r in rows])
    return X, y


def train(features_csv: str | Path, out_dir: str | Path, *, C: float = 1.0, seed: int = 0) -> Path:
    """Fit a scaled logistic regression on the train split; save it as ``model.pkl``."""
    import pickle

    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = _load_features(features_csv, "train")
    model = make_pipeline(
        StandardScaler(), LogisticRegression(C=C, max_iter=1000, random_state=seed)
    )
    model.fit(X, y)
    path = Path(out_dir) / "model.pkl"
    path.write_bytes(pickle.dumps(model, protocol=5))
    return path


def evaluate(model_pkl: str | Path, features_csv: str | Path, out_dir: str | Path) -> Path:
    """Accuracy and row counts on the test split, as ``metrics.json``."""
    import pickle

    model = pickle.loads(Path(model_pkl).read_bytes())  # our own artifact, never a stranger's
    X, y = _load_features(features_csv, "test")
    correct = int((model.predict(X) == y).sum())
    metrics = {"accuracy": round(correct / len(y), 4), "n_test": len(y), "n_correct": correct}
    path = Path(out_dir) / "metrics.json"
    path.write_text(json.dumps(metrics, sort_keys=True), encoding="utf-8")
    return path


def register(
    model_pkl: str | Path,
    metrics_json: str | Path,
    out_dir: str | Path,
    *,
    min_accuracy: float = 0.95,
) -> Path:
    """Accept the model for release if it clears ``min_accuracy``; write ``decision.json``."""
    metrics = json.loads(Path(metrics_json).read_text(encoding="utf-8"))
    decision = {
        "accepted": metrics["accuracy"] >= min_accuracy,
        "accuracy": metrics["accuracy"],
        "min_accuracy": min_accuracy,
        "model_sha256": file_sha256(model_pkl),
    }
    path = Path(out_dir) / "decision.json"
    path.write_text(json.dumps(decision, sort_keys=True), encoding="utf-8")
    return path


# --- the orchestrator ----------------------------------------------------------------


@dataclass
class Task:
    """One step: ``fn(*input_paths, out_dir, **params)`` returns the path of its output."""

    name: str
    fn: Callable[..., Path]
    inputs: tuple[str, ...] = ()  # names of upstream tasks, or "file:<path>" for a source file
    params: dict = field(default_factory=dict)
    retries: int = 0


def topological_order(tasks: list[Task]) -> list[str]:
    """Task names so that every task comes after its upstream tasks (graphlib; ties by name)."""
    graph = {t.name: {i for i in t.inputs if not i.startswith("file:")} for t in tasks}
    sorter = graphlib.TopologicalSorter(graph)
    sorter.prepare()  # raises graphlib.CycleError on a cycle
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready())
        order += ready
        sorter.done(*ready)
    return order


def cache_key(task: Task, input_files: list[Path]) -> str:
    """SHA-256 of the task's name, source code, parameters and its input files' bytes."""
    payload = {
        "task": task.name,
        "code": hashlib.sha256(inspect.getsource(task.fn).encode()).hexdigest(),
        "params": task.params,
        "inputs": [file_sha256(p) for p in input_files],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def run(
    tasks: list[Task],
    store: str | Path,
    *,
    use_cache: bool = True,
    base_delay_s: float = 1.0,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.perf_counter,
    on_update: Callable[[list[dict]], None] | None = None,
) -> list[dict]:
    """Run ``tasks`` in dependency order; return one status row per task.

    Outputs go to ``store/<task>/<cache key>/``, written to a temporary folder first and
    renamed into place, so a task that crashes leaves nothing half-written and a re-run with
    the same inputs finds the finished output and skips the task ("cached"). A task that
    raises is retried up to ``task.retries`` times, waiting ``base_delay_s * 2**k`` before
    retry k+1. Downstream tasks of a failed task are marked "upstream_failed".
    """
    store = Path(store)
    by_name = {t.name: t for t in tasks}
    rows = {
        n: {"task": n, "state": "queued", "attempts": 0, "seconds": 0.0, "key": ""} for n in by_name
    }
    outputs: dict[str, Path] = {}

    def report():
        if on_update is not None:
            on_update([dict(rows[n]) for n in by_name])

    for name in topological_order(tasks):
        task, row = by_name[name], rows[name]
        upstream = [i for i in task.inputs if not i.startswith("file:")]
        if any(rows[u]["state"] in ("failed", "upstream_failed") for u in upstream):
            row["state"] = "upstream_failed"
            report()
            continue
        files = [Path(i[5:]) if i.startswith("file:") else outputs[i] for i in task.inputs]
        key = cache_key(task, files)
        row["key"] = key[:12]
        final = store / name / key
        if use_cache and final.is_dir():
            outputs[name] = next(p for p in final.iterdir() if p.is_file())
            row["state"] = "cached"
            report()
            continue
        row["state"] = "running"
        report()
        start = clock()
        for attempt in range(task.retries + 1):
            row["attempts"] = attempt + 1
            scratch = (
                Path(tempfile.mkdtemp(prefix=f".{name}-", dir=store)) if store.exists() else None
            )
            if scratch is None:
                store.mkdir(parents=True, exist_ok=True)
                scratch = Path(tempfile.mkdtemp(prefix=f".{name}-", dir=store))
            try:
                produced = Path(task.fn(*files, scratch, **task.params))
            except Exception as exc:  # noqa: BLE001 - any failure of a task is retried
                shutil.rmtree(scratch, ignore_errors=True)
                row["error"] = f"{type(exc).__name__}: {exc}"
                if attempt < task.retries:
                    row["state"] = "up_for_retry"
                    report()
                    sleep(base_delay_s * 2**attempt)
                    continue
                row["state"] = "failed"
                break
            final.parent.mkdir(parents=True, exist_ok=True)
            if final.exists():  # another run finished the same work first: keep theirs
                shutil.rmtree(scratch)
            else:
                os.replace(scratch, final)
            outputs[name] = final / produced.name
            row["state"] = "success"
            row.pop("error", None)
            break
        row["seconds"] = clock() - start
        report()
    return [rows[n] for n in by_name]


def penguin_tasks(
    raw_csv: str | Path, *, up_to_year: int, C: float = 1.0, retries: int = 2
) -> list[Task]:
    """The six steps as tasks, for data observed up to ``up_to_year``."""
    return [
        Task("ingest", ingest, (f"file:{raw_csv}",), {"up_to_year": up_to_year}, retries),
        Task("validate", validate, ("ingest",), {}, retries),
        Task("features", features, ("validate",), {}, retries),
        Task("train", train, ("features",), {"C": C}, retries),
        Task("evaluate", evaluate, ("train", "features"), {}, retries),
        Task("register", register, ("train", "evaluate"), {}, retries),
    ]


class Flaky:
    """Wrap a step so that its first ``failures`` calls raise ``ConnectionError`` (injected fault)."""

    def __init__(self, fn: Callable[..., Path], failures: int):
        self.fn, self.failures, self.calls = fn, failures, 0
        self.__name__ = fn.__name__
        self.__wrapped__ = fn  # inspect.getsource follows it, so the cache key sees fn's code

    def __call__(self, *args, **kwargs):
        self.calls += 1
        if self.calls <= self.failures:
            raise ConnectionError(f"feature store timed out (injected, call {self.calls})")
        return self.fn(*args, **kwargs)


# --- the real orchestrators, in their own environment --------------------------------

#: Repository root, the scripts that drive Airflow, kfp and MLflow, and their Python.
ROOT = Path(__file__).resolve().parent.parent
APPS = ROOT / "apps" / "ch11_orchestration"
ORCHESTRATION_PYTHON = Path(
    os.environ.get("ORCHESTRATION_PYTHON", ROOT / ".venv-orchestration" / "bin" / "python")
)


class Background:
    """A script of ``apps/ch11_orchestration`` running in the orchestration environment.

    ``result()`` waits for it and returns the JSON it printed; ``stop()`` ends it (also at
    interpreter exit, so a failing notebook leaves no process behind).
    """

    def __init__(self, script: str, *args: str, timeout: float = 300):
        import atexit
        import subprocess

        if not ORCHESTRATION_PYTHON.exists():
            raise RuntimeError(
                f"the orchestration environment is missing ({ORCHESTRATION_PYTHON.parent.parent.name} "
                "not found): run `make orchestration-env` from the repository root"
            )
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        self.script, self.timeout, self.started = script, timeout, time.perf_counter()
        self.process = subprocess.Popen(
            [str(ORCHESTRATION_PYTHON), str(APPS / script), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
        )
        atexit.register(self.stop)

    def result(self) -> dict:
        """Wait for the script; return its JSON, or raise with the end of its stderr.

        A second call returns the same JSON without waiting again.
        """
        if hasattr(self, "_result"):
            return self._result
        try:
            stdout, stderr = self.process.communicate(timeout=self.timeout)
        finally:
            self.stop()
        self.seconds = time.perf_counter() - self.started
        if self.process.returncode != 0:
            raise RuntimeError(f"{self.script} failed:\n{stderr[-3000:]}")
        self._result = json.loads(stdout)
        return self._result

    def stop(self) -> None:
        """End the script if it still runs (idempotent)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
