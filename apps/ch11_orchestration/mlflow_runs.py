"""Chapter 11: track a small sweep with MLflow, register the best model, load it by alias.

Runs in the orchestration environment with the repository on ``PYTHONPATH``. The tracking
store is a SQLite file and the artifact store a folder, both in a temporary folder that is
deleted at the end (no server). Prints one JSON object with what MLflow returned.

Usage: mlflow_runs.py C [C ...]
"""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def code_version() -> str:
    """The repository's commit, with "+dirty" if tracked files have uncommitted changes."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, cwd=ROOT
        )
        dirty = (
            subprocess.run(
                ["git", "diff", "--quiet", "HEAD"], capture_output=True, cwd=ROOT
            ).returncode
            != 0
        )
    except OSError:  # no git on this machine: say so rather than guess
        return "unknown"
    if head.returncode != 0:  # not a git checkout (e.g. a source archive)
        return "unknown"
    return head.stdout.strip() + ("+dirty" if dirty else "")


def main(cs: list[float]) -> dict:
    import mlflow
    from mlflow import MlflowClient

    from mlskills import pipeline

    home = Path(tempfile.mkdtemp(prefix="ch11-mlflow-"))
    out: dict = {"seconds": {}}
    try:
        start = time.perf_counter()
        mlflow.set_tracking_uri(f"sqlite:///{home / 'mlflow.db'}")
        client = MlflowClient()
        experiment_id = client.create_experiment(
            "penguins", artifact_location=(home / "artifacts").as_uri()
        )
        mlflow.set_experiment(experiment_id=experiment_id)
        out["seconds"]["store_setup"] = time.perf_counter() - start

        # the data steps once; every run trains on the same features file
        work = home / "work"
        work.mkdir()
        rows = pipeline.ingest(ROOT / "data" / "penguins.csv", work, up_to_year=2009)
        table = pipeline.features(pipeline.validate(rows, work, max_invalid=0.1), work)
        environment = {
            "python": platform.python_version(),
            "packages": {p: version(p) for p in ("numpy", "scikit-learn", "mlflow-skinny")},
        }
        commit = code_version()
        out["features_sha256"] = pipeline.file_sha256(table)

        start = time.perf_counter()
        for C in cs:
            with mlflow.start_run(run_name=f"C={C:g}"):
                run_dir = home / f"run-C{C:g}"
                run_dir.mkdir()
                model_path = pipeline.train(table, run_dir, C=C)
                metrics = json.loads(pipeline.evaluate(model_path, table, run_dir).read_text())
                mlflow.log_params(
                    {"C": C, "up_to_year": 2009, "model": "StandardScaler+LogisticRegression"}
                )
                mlflow.log_metrics({"accuracy": metrics["accuracy"], "n_test": metrics["n_test"]})
                mlflow.set_tags(
                    {
                        "code_version": commit,
                        "data_sha256": pipeline.file_sha256(ROOT / "data" / "penguins.csv"),
                        "features_sha256": pipeline.file_sha256(table),
                    }
                )
                mlflow.log_dict(environment, "environment.json")
                mlflow.log_artifact(str(run_dir / "metrics.json"))
                import pickle

                model = pickle.loads(model_path.read_bytes())
                mlflow.sklearn.log_model(
                    model,
                    name="model",
                    pip_requirements=[
                        f"scikit-learn=={version('scikit-learn')}",
                        f"numpy=={version('numpy')}",
                    ],
                )
        out["seconds"]["log_runs"] = time.perf_counter() - start

        start = time.perf_counter()
        runs = mlflow.search_runs(
            experiment_ids=[experiment_id],
            order_by=["metrics.accuracy DESC", "params.C ASC"],
            output_format="list",
        )
        out["runs"] = [
            {
                "run_name": r.info.run_name,
                "run_id": r.info.run_id,
                "C": r.data.params["C"],
                "accuracy": r.data.metrics["accuracy"],
                "n_test": int(r.data.metrics["n_test"]),
                "tags": sorted(k for k in r.data.tags if not k.startswith("mlflow.")),
                "artifacts": sorted(a.path for a in client.list_artifacts(r.info.run_id)),
            }
            for r in runs
        ]
        # parameters are stored as strings: ordering by one sorts text, not numbers
        by_param = mlflow.search_runs(
            experiment_ids=[experiment_id], order_by=["params.C DESC"], output_format="list"
        )
        out["by_param_desc"] = [r.data.params["C"] for r in by_param]
        # best accuracy; among equally accurate runs the smallest C (the strongest regularization)
        best = max(runs, key=lambda r: (r.data.metrics["accuracy"], -float(r.data.params["C"])))
        logged = mlflow.search_logged_models(
            experiment_ids=[experiment_id],
            filter_string=f"source_run_id = '{best.info.run_id}'",
            output_format="list",
        )[0]
        registered = mlflow.register_model(f"models:/{logged.model_id}", "penguin-classifier")
        client.set_registered_model_alias("penguin-classifier", "champion", registered.version)
        champion = mlflow.pyfunc.load_model("models:/penguin-classifier@champion")
        X, y = pipeline._load_features(table, "test")
        predictions = champion.predict(X[:5])
        out["registry"] = {
            "best_run": best.info.run_name,
            "version": int(registered.version),
            "alias": dict(client.get_registered_model("penguin-classifier").aliases),
            "predictions": [str(p) for p in predictions],
            "truth": [str(t) for t in y[:5]],
            "flavors": sorted(champion.metadata.flavors),
        }
        out["seconds"]["search_register_load"] = time.perf_counter() - start
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return out


if __name__ == "__main__":
    print(json.dumps(main([float(c) for c in sys.argv[1:]])))
