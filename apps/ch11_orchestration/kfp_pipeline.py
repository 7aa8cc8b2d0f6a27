"""Chapter 11: the penguin training pipeline as a Kubeflow Pipelines (KFP v2) definition.

Each component runs in its own container on a Kubernetes cluster. The image is the book's
package installed on a slim Python (``IMAGE``; build it from the repository), so a
component's body only imports the same step function the local orchestrator and the
Airflow DAG call. Artifacts (``Dataset``, ``Model``, ``Metrics``) are files the cluster
stores in object storage and passes by URI.

Run as a script, it compiles the pipeline with the real ``kfp`` compiler into a temporary
folder that it deletes (no cluster needed) and prints a JSON summary of the compiled pipeline spec.
"""

import json
import sys
import tempfile
from pathlib import Path

from kfp import compiler, dsl
from kfp.dsl import Dataset, Input, Metrics, Model, Output

IMAGE = "ghcr.io/beyond-algorithms/mlskills:0.1.0"


@dsl.component(base_image=IMAGE)
def ingest(raw: Input[Dataset], up_to_year: int, rows: Output[Dataset]):
    import os
    import shutil

    from mlskills import pipeline

    os.makedirs(os.path.dirname(rows.path), exist_ok=True)
    shutil.copy(
        pipeline.ingest(raw.path, os.path.dirname(rows.path), up_to_year=up_to_year), rows.path
    )


@dsl.component(base_image=IMAGE)
def validate(rows: Input[Dataset], clean: Output[Dataset], max_invalid: float = 0.1):
    import os
    import shutil

    from mlskills import pipeline

    os.makedirs(os.path.dirname(clean.path), exist_ok=True)
    shutil.copy(
        pipeline.validate(rows.path, os.path.dirname(clean.path), max_invalid=max_invalid),
        clean.path,
    )


@dsl.component(base_image=IMAGE)
def features(clean: Input[Dataset], table: Output[Dataset]):
    import os
    import shutil

    from mlskills import pipeline

    os.makedirs(os.path.dirname(table.path), exist_ok=True)
    shutil.copy(pipeline.features(clean.path, os.path.dirname(table.path)), table.path)


@dsl.component(base_image=IMAGE)
def train(table: Input[Dataset], C: float, model: Output[Model]):
    import os
    import shutil

    from mlskills import pipeline

    os.makedirs(os.path.dirname(model.path), exist_ok=True)
    shutil.copy(pipeline.train(table.path, os.path.dirname(model.path), C=C), model.path)


@dsl.component(base_image=IMAGE)
def evaluate(model: Input[Model], table: Input[Dataset], metrics: Output[Metrics]) -> float:
    import json
    import os

    from mlskills import pipeline

    os.makedirs(os.path.dirname(metrics.path), exist_ok=True)
    values = json.loads(
        pipeline.evaluate(model.path, table.path, os.path.dirname(metrics.path)).read_text()
    )
    metrics.log_metric("accuracy", values["accuracy"])
    return values["accuracy"]


@dsl.component(base_image=IMAGE)
def register(model: Input[Model], accuracy: float, min_accuracy: float = 0.95) -> bool:
    return accuracy >= min_accuracy  # a real registry call (MLflow, Vertex AI) goes here


@dsl.pipeline(
    name="penguin-training",
    description="ingest → validate → features → train → evaluate → register",
)
def penguin_training(
    raw_uri: str = "gs://example-bucket/penguins.csv", up_to_year: int = 2009, C: float = 1.0
):
    raw = dsl.importer(artifact_uri=raw_uri, artifact_class=Dataset, reimport=False)
    rows = ingest(raw=raw.output, up_to_year=up_to_year)
    clean = validate(rows=rows.outputs["rows"])
    table = features(clean=clean.outputs["clean"])
    model = train(table=table.outputs["table"], C=C)
    model.set_retry(num_retries=2, backoff_duration="1s", backoff_factor=2.0)
    model.set_cpu_limit("1").set_memory_limit("1G")
    scores = evaluate(model=model.outputs["model"], table=table.outputs["table"])
    register(model=model.outputs["model"], accuracy=scores.outputs["Output"])


def summary(spec: dict) -> dict:
    """What the compiled spec says: tasks, their upstream tasks, images, retries, caching."""
    tasks = spec["root"]["dag"]["tasks"]
    executors = spec["deploymentSpec"]["executors"]
    return {
        "pipeline": spec["pipelineInfo"]["name"],
        "sdk": spec["sdkVersion"].split("-")[0],
        "schema": spec["schemaVersion"],
        "parameters": sorted(spec["root"]["inputDefinitions"]["parameters"]),
        "tasks": {
            name: {
                "after": sorted(t.get("dependentTasks", [])),
                "cache": t.get("cachingOptions", {}).get("enableCache", False),
                "retry": t.get("retryPolicy", {}),
            }
            for name, t in sorted(tasks.items())
        },
        "images": sorted({e["container"]["image"] for e in executors.values() if "container" in e}),
    }


if __name__ == "__main__":
    import yaml

    with tempfile.TemporaryDirectory(prefix="ch11-kfp-") as folder:  # deleted on exit
        package = Path(folder) / "penguin_training.yaml"
        compiler.Compiler().compile(penguin_training, package_path=str(package))
        text = package.read_text()
    out = summary(yaml.safe_load(text))
    out["yaml_lines"] = len(text.splitlines())
    if "--show" in sys.argv:
        start = text.index("  comp-train:")
        out["excerpt"] = "\n".join(text[start:].splitlines()[:24])
    print(json.dumps(out))
