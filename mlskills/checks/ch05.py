"""Checks for the exercises of Chapter 5: The cloud and scale.

Each check takes the learner's function and prints one line (see mlskills/checks/__init__.py).
Each one is proved honest in tests/checks/ch05_wrong_answers.py.
"""

from __future__ import annotations

import decimal
import json
import math
import numbers
import re
import tempfile
from pathlib import Path

import pandas as pd

from mlskills import scale
from mlskills.checks import Fail, call_on, check, short

MIB, TIB = 1 << 20, 1 << 40


# ---------------------------------------------------------------- Exercise 1: bytes → BigQuery bill
def _expected_cost(bytes_scanned: int, tables: int) -> float:
    billed = max(math.ceil(bytes_scanned / MIB) * MIB, 10 * MIB * tables)
    return billed / TIB * 6.25


def _bytes_words(b: int) -> str:
    if b % TIB == 0 and b:
        return f"{b // TIB} TiB"
    if b % MIB == 0 and b:
        return f"{b // MIB} MiB"
    return f"{b:,} bytes"


_COST_CASES = [
    # (bytes, tables, what the case tests)
    (5 * TIB, 1, "a large scan"),
    (3 * TIB + 1, 1, "one byte past a whole MiB"),
    (40 * MIB + 1, 1, "one byte past 40 MiB"),
    (40 * MIB, 1, "exactly 40 MiB"),
    (1, 1, "a tiny scan"),
    (0, 1, "a query that scans nothing"),
    (10 * MIB, 1, "exactly the minimum"),
    (15 * MIB, 3, "three tables"),
    (25 * MIB, 2, "two tables"),
]


@check
def check_bigquery_cost(fn):
    for bytes_scanned, tables, what in _COST_CASES:
        described = f"{_bytes_words(bytes_scanned)}, tables={tables}"
        got = call_on(fn, described, bytes_scanned, tables)
        expected = _expected_cost(bytes_scanned, tables)
        if isinstance(got, bool) or not isinstance(got, (numbers.Real, decimal.Decimal)) or not math.isfinite(float(got)):
            raise Fail(f"bigquery_cost({described}) should return a number of US dollars, got {short(got)}")
        if not math.isclose(float(got), expected, rel_tol=1e-9, abs_tol=1e-15):
            ratio = float(got) / expected
            times = f" ({ratio:.3g}× the bill)" if abs(ratio - 1) > 0.01 else ""
            raise Fail(
                f"bigquery_cost({described}) ({what}) should be ${expected:.10f}, got ${float(got):.10f}"
                f"{times}: revisit the binary units, the rounding of bytes and the minimum per table"
            )
    return (
        "bills TiB at $6.25, rounds bytes up to the next MiB and applies the 10 MiB minimum per table "
        f"on {len(_COST_CASES)} scans"
    )


# ---------------------------------------------------------------- Exercise 2: fix the Dockerfile
_SHELLS = {"sh", "bash", "dash", "ash"}

def _final_stage(dockerfile: str) -> list[tuple[int, str, str]]:
    instructions = scale._instructions(dockerfile)
    starts = [i for i, (_, kw, _) in enumerate(instructions) if kw == "FROM"]
    return instructions[starts[-1]:] if starts else instructions


@check(budget_s=30)
def check_fixed_dockerfile(fn):
    text = call_on(fn, "")
    if not isinstance(text, str) or not text.strip():
        raise Fail(f"fixed_dockerfile() should return the Dockerfile as a non-empty string, got {short(text)}")
    findings = scale.lint_dockerfile(text)
    if len(findings):
        first = findings.iloc[0]
        where = f"line {first['line']}" if first["line"] else "the final stage"
        codes = ", ".join(f"{c}" for c in findings["code"])
        raise Fail(
            f"{len(findings)} finding(s) remain ({codes}); the first, on {where}: {first['code']} "
            f"{first['message']}"
        )
    final = _final_stage(text)
    cmds = [args for _, kw, args in final if kw == "CMD"]
    entry = [args for _, kw, args in final if kw == "ENTRYPOINT"]
    command = (entry or cmds or [""])[-1]
    try:
        argv = json.loads(command)
    except ValueError:
        argv = None
    starts_service = isinstance(argv, list) and any(
        isinstance(a, str) and ("penguin-serve" in a or "penguin_model" in a) for a in argv
    )
    if starts_service and argv[0].rsplit("/", 1)[-1] in _SHELLS:
        raise Fail(
            f"the command {short(command)} starts a shell, which becomes PID 1 and receives the stop signal "
            "instead of the service: start the service itself"
        )
    if not starts_service:
        raise Fail(
            f"the final stage should still start the service in exec (JSON array) form, like the naive "
            f"file's command; its CMD/ENTRYPOINT is {short(command)}"
        )
    if not any(kw == "EXPOSE" and re.search(r"\b8080\b", args) for _, kw, args in final):
        raise Fail("the service listens on 8080 (see serve.py and the probes): the final stage should declare that port")
    health = [args for _, kw, args in final if kw == "HEALTHCHECK"][-1]
    if "/healthz" not in health or not re.search(r":8080\b", health):
        raise Fail(
            f"the HEALTHCHECK {short(health)} does not ask the service's health endpoint (GET /healthz on port "
            "8080): a check that asks the wrong place marks a healthy container unhealthy"
        )
    runs = " ".join(args for _, kw, args in final if kw == "RUN")
    for tool in ("curl", "wget"):
        if re.search(rf"\b{tool}\b", health) and not re.search(rf"\b{tool}\b", runs):
            raise Fail(
                f"the HEALTHCHECK calls {tool}, which the final stage never installs (the slim Python images "
                "have neither curl nor wget): the check would fail in every container"
            )
    copies_from = [args for _, kw, args in final if kw == "COPY" and "--from" in args]
    installs = "pip install" in runs or any("wheel" not in args for args in copies_from)
    if not installs:
        raise Fail(
            "the final stage never installs the model package (a wheel copied in is not installed): "
            "penguin-serve would not exist in the image"
        )
    copied = " ".join(args for _, kw, args in scale._instructions(text) if kw in {"COPY", "ADD"})
    if "model_package" not in copied:
        raise Fail("the image should still be built from apps/ch05_deploy/model_package: nothing copies it in")
    return (
        "no hadolint finding, a non-root USER, a HEALTHCHECK that asks /healthz on 8080 with a tool the image "
        "has, pinned base images, the model package installed in the final stage and started in exec form "
        "(no shell) on port 8080"
    )


# ---------------------------------------------------------------- Exercise 3: a Deployment
_DEPLOYMENT_CASES = [
    ("penguin-model", "registry.example.com/penguin-model:1.0.0", 3),
    ("churn-api", "registry.example.com/churn@sha256:" + "ab" * 32, 5),
    ("tiny", "ghcr.io/example/tiny:2.1", 1),
]


def _probe_problem(probe: dict, container: dict) -> str | None:
    """Why ``probe`` would not check the service (GET /healthz on 8080), or None."""
    handlers = [h for h in ("httpGet", "tcpSocket", "exec", "grpc") if h in probe]
    if len(handlers) != 1:
        return f"should have exactly one handler (httpGet, tcpSocket, exec or grpc), has {handlers or 'none'}"
    handler = handlers[0]
    if handler == "exec":
        return None
    if handler == "grpc":
        return "uses grpc, but the service speaks HTTP"
    port = probe[handler].get("port")
    if isinstance(port, str):  # a string is a port *name*, looked up in the container's ports
        named = {p.get("name"): p.get("containerPort") for p in container.get("ports") or []}
        if port not in named:
            return f"names the port {port!r}, which no entry in the container's ports defines"
        port = named[port]
    if port != 8080:
        return f"asks port {short(port)}, where the service does not listen"
    if handler == "httpGet" and probe[handler].get("path") != "/healthz":
        return f"asks the path {short(probe[handler].get('path'))}, which is not the service's health endpoint"
    return None


def _describe(name, image, replicas):
    return f"{name!r}, an image, replicas={replicas}"


@check(budget_s=30)
def check_make_deployment(fn):
    for name, image, replicas in _DEPLOYMENT_CASES:
        described = _describe(name, image, replicas)
        doc = call_on(fn, described, name, image, replicas)
        where = f"make_deployment({described})"
        if not isinstance(doc, dict):
            raise Fail(f"{where} should return the manifest as a dict (what yaml.safe_load gives), got {short(doc)}")
        if doc.get("kind") != "Deployment" or doc.get("apiVersion") != "apps/v1":
            raise Fail(f"{where} should be kind Deployment in apiVersion apps/v1, got {short(doc.get('kind'))} in {short(doc.get('apiVersion'))}")
        try:
            json.dumps(doc)
        except (TypeError, ValueError):
            raise Fail(f"{where} holds values that are not plain YAML/JSON (numbers, strings, lists, dicts)") from None
        error = scale.validate_k8s(doc)
        if error:
            raise Fail(f"{where} does not validate strictly against the Kubernetes {scale.K8S_VERSION} schema: {error.splitlines()[0]}")
        if doc["metadata"].get("name") != name:
            raise Fail(f"{where}: metadata.name should be the name given, got {short(doc['metadata'].get('name'))}")
        if doc["spec"].get("replicas") != replicas:
            raise Fail(f"{where}: spec.replicas should be {replicas}, got {short(doc['spec'].get('replicas'))}")
        selector = (doc["spec"].get("selector") or {}).get("matchLabels") or {}
        labels = ((doc["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {}
        if not selector or any(labels.get(k) != v for k, v in selector.items()):
            raise Fail(
                f"{where}: the selector {short(selector)} does not match the pod template's labels "
                f"{short(labels)}; the API server rejects such a Deployment"
            )
        containers = doc["spec"]["template"]["spec"].get("containers") or []
        if not containers:
            raise Fail(f"{where}: the pod template has no container (the API server requires at least one)")
        for c in containers:
            cname = c.get("name")
            if c.get("image") != image:
                raise Fail(f"{where}: container {cname!r} should run the image given, got {short(c.get('image'))}")
            bad = scale.quantity_errors({"spec": {"containers": [c]}})
            if bad:
                raise Fail(f"{where}: {bad[0]} (Kubernetes quantities look like 250m, 1, 128Mi)")
            resources = c.get("resources") or {}
            for kind in ("requests", "limits"):
                for resource in ("cpu", "memory"):
                    if resource not in (resources.get(kind) or {}):
                        raise Fail(f"{where}: container {cname!r} sets no {resource} in resources.{kind}")
            for resource in ("cpu", "memory"):
                request = scale.parse_quantity(resources["requests"][resource])
                limit = scale.parse_quantity(resources["limits"][resource])
                if limit < request:
                    raise Fail(
                        f"{where}: container {cname!r} has a {resource} limit ({resources['limits'][resource]}) "
                        f"below its request ({resources['requests'][resource]})"
                    )
            for probe in ("readinessProbe", "livenessProbe"):
                if not c.get(probe):
                    raise Fail(f"{where}: container {cname!r} has no {probe}")
                problem = _probe_problem(c[probe], c)
                if problem:
                    raise Fail(f"{where}: the {probe} of container {cname!r} {problem}")
    return (
        f"{len(_DEPLOYMENT_CASES)} Deployments validate strictly, with the given name, image and replicas, a "
        "selector matching the pod labels, cpu and memory requests ≤ limits, readiness and liveness probes "
        "that ask the service's port (and /healthz)"
    )


# ---------------------------------------------------------------- Exercise 4: the warehouse query
# (seed, months): the second warehouse also holds April, so "March or later" is not March
_WAREHOUSES = ((11, ("2026-01", "2026-02", "2026-03")), (12, ("2026-01", "2026-02", "2026-03", "2026-04")))


def _expected_march(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    sales = tables["sales"].merge(tables["dim_store"], on="store_key").merge(tables["dim_product"], on="product_key")
    sales = sales[sales["date_key"] // 100 == 202603]
    revenue = (sales["quantity"] * sales["unit_price_eur"]).groupby([sales["region"], sales["category"]]).sum()
    return revenue.round(2).rename("revenue_eur").reset_index().sort_values(["region", "category"], ignore_index=True)


@check(budget_s=30)
def check_march_revenue_sql(fn):
    sql = call_on(fn, "")
    if not isinstance(sql, str) or not sql.strip():
        raise Fail(f"march_revenue_sql() should return the query as a non-empty string, got {short(sql)}")
    for seed, months in _WAREHOUSES:
        with tempfile.TemporaryDirectory(prefix="ch05-check-") as tmp:
            _check_on_warehouse(sql, seed, months, Path(tmp))
    return (
        "revenue per (region, category) for March, ordered, right on two warehouses; "
        "the plan reads only March's partition of the sales"
    )


def _check_on_warehouse(sql: str, seed: int, months: tuple[str, ...], root: Path) -> None:
    tables = scale.star_schema(4000, seed=seed, months=months)
    con = scale.open_warehouse(scale.write_star(tables, root))
    try:
        try:
            got = con.sql(sql).df()
        except Exception as error:  # duckdb raises several error types; report any as a hint
            raise Fail(f"DuckDB could not run your query: {type(error).__name__}: {str(error).splitlines()[0]}") from None
        expected = _expected_march(tables)
        columns = ["region", "category", "revenue_eur"]
        if list(got.columns) != columns:
            raise Fail(f"the result should have the columns {columns} in that order, got {list(got.columns)}")
        if len(got) != len(expected):
            raise Fail(f"the result should have one row per (region, category): {len(expected)} rows, got {len(got)}")
        keys = got[["region", "category"]].astype(str).reset_index(drop=True)
        if not keys.equals(expected[["region", "category"]].astype(str)):
            if sorted(map(tuple, keys.to_numpy())) == sorted(map(tuple, expected[["region", "category"]].to_numpy())):
                raise Fail("the right groups, in the wrong order: sort by region, then category")
            raise Fail(f"the groups differ from the expected (region, category) pairs; first rows: {short(keys.head(3).to_numpy().tolist())}")
        values = pd.to_numeric(got["revenue_eur"], errors="coerce").to_numpy()
        diff = abs(values - expected["revenue_eur"].to_numpy())
        if not (diff < 0.005).all():
            i = int(diff.argmax())
            ratio = values[i] / expected["revenue_eur"].iloc[i]
            raise Fail(
                f"revenue for ({expected['region'].iloc[i]}, {expected['category'].iloc[i]}) should be "
                f"{expected['revenue_eur'].iloc[i]:.2f} EUR, got {float(values[i]):.2f} ({ratio:.3g}×): check the "
                "month and what a sale's revenue is"
            )
        scanned = scale.sales_files_scanned(con, sql)
        if scanned is None or scanned[0] != 1:
            raise Fail(
                "the result is right, but DuckDB's plan reads every month's sales files "
                f"({short(scanned) if scanned else 'no partition filter in the plan'}): filter so that the "
                "partitions of the fact table can be pruned"
            )
    finally:
        con.close()


# ---------------------------------------------------------------- Exercise 5: choose an engine
def _expected_engine(data_gb: float, ram_gb: float, disk_gb: float) -> str:
    if 5 * data_gb <= ram_gb:
        return "pandas"
    if 2 * data_gb <= disk_gb:
        return "single machine"
    return "cluster"


_ENGINE_CASES = [
    (0.5, 16, 500),    # small: pandas
    (3.2, 16, 500),    # exactly at the memory rule: pandas
    (3.3, 16, 500),    # just over: single machine
    (10, 16, 500),     # bigger than RAM: single machine
    (12, 64, 500),     # 5× is 60 ≤ 64: pandas
    (250, 64, 500),    # exactly at the disk rule: single machine
    (251, 64, 500),    # just over: cluster
    (20_000, 256, 2000),  # 20 TB: cluster
    (0, 8, 100),       # empty: pandas
]


@check
def check_choose_engine(fn):
    allowed = {"pandas", "single machine", "cluster"}
    for data_gb, ram_gb, disk_gb in _ENGINE_CASES:
        described = f"data_gb={data_gb}, ram_gb={ram_gb}, disk_gb={disk_gb}"
        got = call_on(fn, described, data_gb, ram_gb, disk_gb)
        if got not in allowed:
            raise Fail(f"choose_engine({described}) should return one of {sorted(allowed)}, got {short(got)}")
        expected = _expected_engine(data_gb, ram_gb, disk_gb)
        if got != expected:
            raise Fail(
                f"choose_engine({described}) should be {expected!r}, got {got!r}: compare the working "
                "memory pandas needs with the RAM, and the spill space an out-of-core engine needs with the disk"
            )
    return (
        "pandas while 5× the data fits in RAM, one machine while 2× fits on disk, a cluster beyond, "
        f"on {len(_ENGINE_CASES)} cases including both boundaries"
    )


# ---------------------------------------------------------------- Exercise 6: where Spark starts to pay
def _expected_crossover(rows, pandas_s, spark_s) -> float | None:
    (n1, n2), lines = rows, []
    for t1, t2 in (pandas_s, spark_s):
        slope = (t2 - t1) / (n2 - n1)
        lines.append((t1 - slope * n1, slope))
    (fixed_p, per_row_p), (fixed_s, per_row_s) = lines
    if per_row_s >= per_row_p:
        return None
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s))


_CROSSOVER_CASES = [
    # (rows, pandas seconds, Spark seconds, what the case is)
    ((1_000_000, 100_000_000), (0.5, 50.0), (12.0, 30.0), "Spark's per-row cost is lower and its fixed cost higher"),
    ((100_000_000, 1_000_000), (50.0, 0.5), (30.0, 12.0), "the same measurements, larger size first"),
    ((20_000, 1_000_000), (0.03, 0.5), (0.9, 2.5), "Spark slower per row, as on two cores"),
    ((1_000_000, 2_000_000), (1.0, 2.0), (3.0, 4.0), "the same per-row cost"),
    ((1_000_000, 2_000_000), (1.0, 2.0), (0.5, 1.0), "Spark faster at both sizes"),
    ((1_000_000, 2_000_000), (3.0, 5.0), (1.0, 2.0), "lines that would cross below zero rows"),
    ((1_000, 1_001_000), (2.0, 3.0), (2.0, 2.5), "the same fixed cost"),
    ((10_000, 20_000), (0.2, 0.4), (1.0, 1.1), "no fixed cost for pandas"),
]


@check
def check_crossover_rows(fn):
    for rows, pandas_s, spark_s, what in _CROSSOVER_CASES:
        described = f"rows={rows}, pandas_s={pandas_s}, spark_s={spark_s}"
        got = call_on(fn, described, rows, pandas_s, spark_s)
        expected = _expected_crossover(rows, pandas_s, spark_s)
        if expected is None:
            if got is not None:
                raise Fail(
                    f"crossover_rows({described}) ({what}) should be None, got {short(got)}: compare what each "
                    "extra row costs each engine; if Spark's is not lower, there is no size above which it wins"
                )
            continue
        hint = (
            "a crossing at or below zero rows means Spark is already faster at every size"
            if expected == 0
            else "draw each engine's time as a straight line through its two measurements (a fixed cost plus "
            "a cost per row), then find the row count where the two lines meet"
        )
        if got is None:
            raise Fail(f"crossover_rows({described}) ({what}) should be {expected:,.0f} rows, got None: {hint}")
        if isinstance(got, bool) or not isinstance(got, numbers.Real) or not math.isfinite(got):
            raise Fail(f"crossover_rows({described}) ({what}) should return a number of rows, got {short(got)}")
        if not math.isclose(got, expected, rel_tol=1e-6, abs_tol=1e-6):
            raise Fail(f"crossover_rows({described}) ({what}) should be {expected:,.0f} rows, got {short(got)}: {hint}")
    return (
        "fixed cost and per-row cost from both measurements, in either order; None when Spark's per-row cost is "
        f"not lower, 0 when it is faster at every size; {len(_CROSSOVER_CASES)} cases"
    )
