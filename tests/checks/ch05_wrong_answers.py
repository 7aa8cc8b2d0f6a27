"""Wrong and right answers for the checks of Chapter 5.

tests/test_check_honesty.py runs every check against the solution (must pass), the
exercise stub (must say "not attempted yet"), an answer that never returns (must be
stopped within the budget), each answer in RIGHT (must pass) and each answer in WRONG
(must fail with a specific one-line hint).

WRONG: one answer per rule the check's ✓ line claims, omitting just that rule, on every
argument the rule applies to, plus the boundary cases learners hit. Each docstring names
the mistake. RIGHT: correct answers written differently from the solution.
"""

import copy
import math
from decimal import ROUND_CEILING, Decimal

# ---------------------------------------------------------------- Exercise 1: bigquery_cost
MIB, TIB = 2**20, 2**40


def cost_decimal_units(bytes_scanned, tables=1):
    """Uses decimal units: a TB of 10**12 bytes and an MB of 10**6 bytes."""
    billed = max(math.ceil(bytes_scanned / 1e6) * 1e6, 10e6 * tables)
    return billed / 1e12 * 6.25


def cost_tib_but_decimal_mb(bytes_scanned, tables=1):
    """Bills per TiB but rounds and applies the minimum in decimal MB."""
    billed = max(math.ceil(bytes_scanned / 1e6) * 1e6, 10e6 * tables)
    return billed / TIB * 6.25


def cost_no_rounding(bytes_scanned, tables=1):
    """Bills the exact bytes, without rounding up to the next MiB."""
    return max(bytes_scanned, 10 * MIB * tables) / TIB * 6.25


def cost_rounds_to_nearest(bytes_scanned, tables=1):
    """Rounds to the nearest MiB instead of up."""
    return max(round(bytes_scanned / MIB) * MIB, 10 * MIB * tables) / TIB * 6.25


def cost_floors(bytes_scanned, tables=1):
    """Rounds down to whole MiB."""
    return max(bytes_scanned // MIB * MIB, 10 * MIB * tables) / TIB * 6.25


def cost_no_minimum(bytes_scanned, tables=1):
    """Forgets the 10 MiB minimum."""
    return math.ceil(bytes_scanned / MIB) * MIB / TIB * 6.25


def cost_minimum_not_per_table(bytes_scanned, tables=1):
    """Applies one 10 MiB minimum whatever the number of tables."""
    return max(math.ceil(bytes_scanned / MIB) * MIB, 10 * MIB) / TIB * 6.25


def cost_adds_minimum(bytes_scanned, tables=1):
    """Adds the minimum on top of the scan instead of taking the larger of the two."""
    return (math.ceil(bytes_scanned / MIB) * MIB + 10 * MIB * tables) / TIB * 6.25


def cost_minimum_only_when_zero(bytes_scanned, tables=1):
    """Charges the minimum only for a query that scans nothing."""
    if bytes_scanned == 0:
        return 10 * MIB * tables / TIB * 6.25
    return math.ceil(bytes_scanned / MIB) * MIB / TIB * 6.25


def cost_wrong_price(bytes_scanned, tables=1):
    """Uses the old $5 per TiB price."""
    return max(math.ceil(bytes_scanned / MIB) * MIB, 10 * MIB * tables) / TIB * 5.0


def cost_in_cents(bytes_scanned, tables=1):
    """Returns cents instead of dollars."""
    return 100 * max(math.ceil(bytes_scanned / MIB) * MIB, 10 * MIB * tables) / TIB * 6.25


def cost_as_text(bytes_scanned, tables=1):
    """Returns a formatted string instead of a number."""
    return f"${max(math.ceil(bytes_scanned / MIB) * MIB, 10 * MIB * tables) / TIB * 6.25:.2f}"


def cost_rounded_to_cents(bytes_scanned, tables=1):
    """Rounds the bill to whole cents, so small queries cost $0.00."""
    return round(max(math.ceil(bytes_scanned / MIB) * MIB, 10 * MIB * tables) / TIB * 6.25, 2)


def cost_decimal(bytes_scanned, tables=1):
    """The same rules with Decimal arithmetic and a ceiling quantize."""
    mib = Decimal(MIB)
    whole_mib = (Decimal(bytes_scanned) / mib).to_integral_value(rounding=ROUND_CEILING)
    billed = max(whole_mib, Decimal(10 * tables))
    return float(billed * mib / Decimal(TIB) * Decimal("6.25"))


def cost_integer_math(bytes_scanned, tables=1):
    """Integer MiB arithmetic with -(-a // b) for the ceiling."""
    mib_billed = max(-(-bytes_scanned // MIB), 10 * tables)
    return mib_billed * 6.25 / 2**20


# ---------------------------------------------------------------- Exercise 2: fixed_dockerfile
GOOD = """\
FROM python:3.11.13-slim-bookworm AS build
WORKDIR /src
COPY model_package ./model_package
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels ./model_package

FROM python:3.11.13-slim-bookworm
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \\
 && useradd --system --uid 10001 --no-create-home app
USER 10001
EXPOSE 8080
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]
CMD ["penguin-serve"]
"""


def dockerfile_multistage():
    """A two-stage build with the wheel built in the first stage."""
    return GOOD


def dockerfile_entrypoint():
    """Single stage, ENTRYPOINT in exec form, user named by uid:gid, digest-free pinned tag."""
    return """\
FROM python:3.11-slim
WORKDIR /app
COPY model_package/ /app/model_package/
RUN pip install --no-cache-dir /app/model_package \\
 && groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid 10001 app
USER 10001:10001
EXPOSE 8080/tcp
HEALTHCHECK --interval=30s CMD ["python", "-c", "import urllib.request as u; u.urlopen('http://127.0.0.1:8080/healthz')"]
ENTRYPOINT ["penguin-serve"]
"""


def _replace(old, new):
    assert old in GOOD, old
    return GOOD.replace(old, new)


def dockerfile_naive():
    """Returns the naive Dockerfile unchanged."""
    return """\
FROM python:latest
RUN apt-get update
RUN apt-get install -y build-essential curl
ADD . /app
WORKDIR /app
RUN pip install ./model_package
CMD penguin-serve
"""


def dockerfile_latest():
    """Pins nothing: the runtime stage uses python:latest."""
    return GOOD.replace("FROM python:3.11.13-slim-bookworm\n", "FROM python:latest\n")


def dockerfile_untagged():
    """The runtime stage names an image without a tag (which means latest)."""
    return GOOD.replace("FROM python:3.11.13-slim-bookworm\n", "FROM python\n")


def dockerfile_build_stage_latest():
    """Pins the runtime image but leaves the build stage on latest."""
    return GOOD.replace("FROM python:3.11.13-slim-bookworm AS build", "FROM python:latest AS build")


def dockerfile_root():
    """Never switches to a non-root user."""
    return _replace("USER 10001\n", "")


def dockerfile_user_root():
    """Switches to USER root at the end."""
    return _replace("USER 10001\n", "USER 0\n")


def dockerfile_user_in_build_stage_only():
    """Sets the non-root user in the build stage only; the final stage still runs as root."""
    return _replace("USER 10001\n", "").replace("WORKDIR /src\n", "WORKDIR /src\nUSER 10001\n")


def dockerfile_no_healthcheck():
    """Has no HEALTHCHECK."""
    return "\n".join(line for line in GOOD.splitlines() if not line.startswith("HEALTHCHECK")) + "\n"


def dockerfile_shell_cmd():
    """Starts the service with a shell-form CMD."""
    return _replace('CMD ["penguin-serve"]', "CMD penguin-serve")


def dockerfile_add():
    """Copies the package with ADD instead of COPY."""
    return _replace("COPY model_package ./model_package", "ADD model_package ./model_package")


def dockerfile_pip_cache():
    """Keeps pip's cache in the image."""
    return _replace("pip install --no-cache-dir /wheels/*.whl", "pip install /wheels/*.whl")


def dockerfile_apt_unpinned():
    """Keeps an unpinned apt-get install of curl for the health check."""
    return _replace(
        "USER 10001\n",
        "RUN apt-get update && apt-get install -y curl\nUSER 10001\n",
    )


def dockerfile_wrong_command():
    """Starts a shell instead of the service."""
    return _replace('CMD ["penguin-serve"]', 'CMD ["python"]')


def dockerfile_no_expose():
    """Does not declare the service's port."""
    return _replace("EXPOSE 8080\n", "")


def dockerfile_wrong_port():
    """Declares port 8000, where the service does not listen."""
    return _replace("EXPOSE 8080\n", "EXPOSE 8000\n")


def dockerfile_no_package():
    """Installs the model from PyPI by name instead of from the build context."""
    return """\
FROM python:3.11.13-slim-bookworm
RUN pip install --no-cache-dir penguin-model==1.0.0 \\
 && useradd --system --uid 10001 --no-create-home app
USER 10001
EXPOSE 8080
HEALTHCHECK CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"]
CMD ["penguin-serve"]
"""


def dockerfile_empty():
    """Returns an empty string."""
    return ""


def dockerfile_path():
    """Returns the path of a Dockerfile instead of its text."""
    return None


# ---------------------------------------------------------------- Exercise 3: make_deployment
def _deployment(name, image, replicas):
    labels = {"app": name}
    probe = {"httpGet": {"path": "/healthz", "port": 8080}}
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": dict(labels)},
            "template": {
                "metadata": {"labels": dict(labels)},
                "spec": {
                    "containers": [
                        {
                            "name": "model",
                            "image": image,
                            "resources": {
                                "requests": {"cpu": "100m", "memory": "64Mi"},
                                "limits": {"cpu": "500m", "memory": "128Mi"},
                            },
                            "readinessProbe": copy.deepcopy(probe),
                            "livenessProbe": copy.deepcopy(probe),
                        }
                    ]
                },
            },
        },
    }


def _container(doc):
    return doc["spec"]["template"]["spec"]["containers"][0]


def deployment_replicas_as_text(name, image, replicas):
    """Writes replicas as a string, as an unquoted template would."""
    doc = _deployment(name, image, replicas)
    doc["spec"]["replicas"] = str(replicas)
    return doc


def deployment_fixed_replicas(name, image, replicas):
    """Always asks for 3 replicas."""
    return _deployment(name, image, 3)


def deployment_fixed_name(name, image, replicas):
    """Hard-codes the name of the chapter's Deployment."""
    return _deployment("penguin-model", image, replicas)


def deployment_fixed_image(name, image, replicas):
    """Hard-codes the chapter's image."""
    return _deployment(name, "registry.example.com/penguin-model:1.0.0", replicas)


def deployment_selector_mismatch(name, image, replicas):
    """The selector's labels differ from the pod template's."""
    doc = _deployment(name, image, replicas)
    doc["spec"]["selector"]["matchLabels"] = {"app": name + "-pods"}
    return doc


def deployment_selector_extra_label(name, image, replicas):
    """The selector asks for a label the pods do not carry."""
    doc = _deployment(name, image, replicas)
    doc["spec"]["selector"]["matchLabels"]["tier"] = "api"
    return doc


def deployment_no_limits(name, image, replicas):
    """Sets requests but no limits."""
    doc = _deployment(name, image, replicas)
    del _container(doc)["resources"]["limits"]
    return doc


def deployment_no_requests(name, image, replicas):
    """Sets limits but no requests."""
    doc = _deployment(name, image, replicas)
    del _container(doc)["resources"]["requests"]
    return doc


def deployment_no_cpu_limit(name, image, replicas):
    """Limits memory but not CPU."""
    doc = _deployment(name, image, replicas)
    del _container(doc)["resources"]["limits"]["cpu"]
    return doc


def deployment_no_memory_request(name, image, replicas):
    """Requests CPU but not memory."""
    doc = _deployment(name, image, replicas)
    del _container(doc)["resources"]["requests"]["memory"]
    return doc


def deployment_megabytes(name, image, replicas):
    """Writes the memory limit as 256MB, which is not a Kubernetes quantity."""
    doc = _deployment(name, image, replicas)
    _container(doc)["resources"]["limits"]["memory"] = "256MB"
    return doc


def deployment_limit_below_request(name, image, replicas):
    """Sets a memory limit below the memory request."""
    doc = _deployment(name, image, replicas)
    _container(doc)["resources"]["limits"]["memory"] = "32Mi"
    return doc


def deployment_cpu_limit_below_request(name, image, replicas):
    """Sets a CPU limit below the CPU request."""
    doc = _deployment(name, image, replicas)
    _container(doc)["resources"]["limits"]["cpu"] = "50m"
    return doc


def deployment_no_readiness(name, image, replicas):
    """Has a liveness probe but no readiness probe."""
    doc = _deployment(name, image, replicas)
    del _container(doc)["readinessProbe"]
    return doc


def deployment_no_liveness(name, image, replicas):
    """Has a readiness probe but no liveness probe."""
    doc = _deployment(name, image, replicas)
    del _container(doc)["livenessProbe"]
    return doc


def deployment_misspelled_probe(name, image, replicas):
    """Misspells readinessProbe, which only strict validation catches."""
    doc = _deployment(name, image, replicas)
    _container(doc)["readinessprobe"] = _container(doc).pop("readinessProbe")
    return doc


def deployment_wrong_api_version(name, image, replicas):
    """Uses the long-removed apiVersion extensions/v1beta1."""
    doc = _deployment(name, image, replicas)
    doc["apiVersion"] = "extensions/v1beta1"
    return doc


def deployment_no_selector(name, image, replicas):
    """Leaves out the selector, which apps/v1 requires."""
    doc = _deployment(name, image, replicas)
    del doc["spec"]["selector"]
    return doc


def deployment_as_yaml_text(name, image, replicas):
    """Returns YAML text instead of a dict."""
    import yaml

    return yaml.safe_dump(_deployment(name, image, replicas))


def deployment_second_container_without_limits(name, image, replicas):
    """Adds a sidecar container that sets no resources or probes."""
    doc = _deployment(name, image, replicas)
    doc["spec"]["template"]["spec"]["containers"].append({"name": "sidecar", "image": image})
    return doc


def deployment_from_yaml(name, image, replicas):
    """Formats a YAML template and parses it (numbers stay numbers), with integer CPU."""
    import yaml

    text = f"""
apiVersion: apps/v1
kind: Deployment
metadata: {{name: {name}}}
spec:
  replicas: {int(replicas)}
  selector: {{matchLabels: {{app.kubernetes.io/name: {name}, tier: model}}}}
  template:
    metadata: {{labels: {{app.kubernetes.io/name: {name}, tier: model, team: ml}}}}
    spec:
      containers:
        - name: api
          image: "{image}"
          resources:
            requests: {{cpu: 1, memory: 1Gi}}
            limits: {{cpu: 2, memory: 1Gi}}
          readinessProbe: {{tcpSocket: {{port: 8080}}}}
          livenessProbe: {{httpGet: {{path: /healthz, port: 8080}}, failureThreshold: 5}}
"""
    return yaml.safe_load(text)


# ---------------------------------------------------------------- Exercise 4: march_revenue_sql
SQL = """
SELECT s.region, p.category, sum(f.quantity * f.unit_price_eur) AS revenue_eur
FROM sales AS f JOIN dim_store AS s USING (store_key) JOIN dim_product AS p USING (product_key)
WHERE {where}
GROUP BY s.region, p.category
ORDER BY {order}
"""


def _sql(where="f.month = '2026-03'", order="s.region, p.category", revenue="sum(f.quantity * f.unit_price_eur)"):
    return SQL.format(where=where, order=order).replace("sum(f.quantity * f.unit_price_eur)", revenue)


def sql_no_month_filter():
    """Forgets the month: revenue over all three months."""
    return _sql(where="TRUE")


def sql_february():
    """Filters the wrong month."""
    return _sql(where="f.month = '2026-02'")


def sql_price_only():
    """Sums unit prices, forgetting the quantity."""
    return _sql(revenue="sum(f.unit_price_eur)")


def sql_counts():
    """Counts sales instead of summing revenue."""
    return _sql(revenue="count(*)")


def sql_unordered():
    """Orders by category first."""
    return _sql(order="p.category, s.region")


def sql_descending():
    """Orders by revenue, largest first."""
    return _sql(order="revenue_eur DESC")


def sql_by_city():
    """Groups by city instead of region."""
    return (
        "SELECT s.city AS region, p.category, sum(f.quantity * f.unit_price_eur) AS revenue_eur "
        "FROM sales AS f JOIN dim_store AS s USING (store_key) JOIN dim_product AS p USING (product_key) "
        "WHERE f.month = '2026-03' GROUP BY s.city, p.category ORDER BY 1, 2"
    )


def sql_wrong_column_names():
    """Names the revenue column 'revenue'."""
    return _sql().replace("AS revenue_eur", "AS revenue")


def sql_extra_column():
    """Adds a column with the number of sales."""
    return _sql().replace("AS revenue_eur", "AS revenue_eur, count(*) AS n")


def sql_filters_through_dim_date():
    """Right result, but filters on dim_date's month, so no partition of the fact table is pruned."""
    return (
        "SELECT s.region, p.category, sum(f.quantity * f.unit_price_eur) AS revenue_eur "
        "FROM sales AS f JOIN dim_store AS s USING (store_key) JOIN dim_product AS p USING (product_key) "
        "JOIN dim_date AS d ON d.date_key = f.date_key "
        "WHERE d.month = '2026-03' GROUP BY s.region, p.category ORDER BY s.region, p.category"
    )


def sql_filters_on_date_key():
    """Right result, but filters on the date key range, which is not the partition column."""
    return _sql(where="f.date_key BETWEEN 20260301 AND 20260331")


def sql_syntax_error():
    """A query DuckDB cannot parse."""
    return "SELEC region FROM sales"


def sql_empty():
    """Returns an empty string."""
    return "   "


def sql_cte_with_rounding():
    """A CTE that filters the partition first, rounding to cents at the end."""
    return """
    WITH march AS (
        SELECT store_key, product_key, quantity * unit_price_eur AS revenue
        FROM sales WHERE month = '2026-03'
    )
    SELECT region, category, round(sum(revenue), 2) AS revenue_eur
    FROM march NATURAL JOIN dim_store NATURAL JOIN dim_product
    GROUP BY ALL
    ORDER BY region ASC, category ASC
    """


def sql_in_list():
    """Filters the partition with IN and lower-case keywords."""
    return (
        "select st.region, pr.category, sum(sa.unit_price_eur * sa.quantity) as revenue_eur "
        "from sales sa, dim_store st, dim_product pr "
        "where sa.store_key = st.store_key and sa.product_key = pr.product_key and sa.month in ('2026-03') "
        "group by 1, 2 order by 1, 2"
    )


# ---------------------------------------------------------------- Exercise 5: choose_engine
def engine_ram_once(data_gb, ram_gb, disk_gb):
    """Uses pandas whenever the data alone fits in RAM (no working-memory factor)."""
    if data_gb <= ram_gb:
        return "pandas"
    return "single machine" if 2 * data_gb <= disk_gb else "cluster"


def engine_strict_memory(data_gb, ram_gb, disk_gb):
    """Uses < at the memory boundary, so exactly 5× the data falls through."""
    if 5 * data_gb < ram_gb:
        return "pandas"
    return "single machine" if 2 * data_gb <= disk_gb else "cluster"


def engine_disk_once(data_gb, ram_gb, disk_gb):
    """Forgets the spill space: one machine whenever the data fits on disk."""
    if 5 * data_gb <= ram_gb:
        return "pandas"
    return "single machine" if data_gb <= disk_gb else "cluster"


def engine_strict_disk(data_gb, ram_gb, disk_gb):
    """Uses < at the disk boundary."""
    if 5 * data_gb <= ram_gb:
        return "pandas"
    return "single machine" if 2 * data_gb < disk_gb else "cluster"


def engine_never_cluster(data_gb, ram_gb, disk_gb):
    """Never recommends a cluster."""
    return "pandas" if 5 * data_gb <= ram_gb else "single machine"


def engine_never_single(data_gb, ram_gb, disk_gb):
    """Jumps from pandas straight to a cluster."""
    return "pandas" if 5 * data_gb <= ram_gb else "cluster"


def engine_spark_name(data_gb, ram_gb, disk_gb):
    """Names engines instead of the three categories asked for."""
    if 5 * data_gb <= ram_gb:
        return "pandas"
    return "dask" if 2 * data_gb <= disk_gb else "spark"


def engine_ten_times(data_gb, ram_gb, disk_gb):
    """Uses 10× the data as pandas' working memory."""
    if 10 * data_gb <= ram_gb:
        return "pandas"
    return "single machine" if 2 * data_gb <= disk_gb else "cluster"


def engine_capitalised(data_gb, ram_gb, disk_gb):
    """Capitalises the answers."""
    if 5 * data_gb <= ram_gb:
        return "Pandas"
    return "Single machine" if 2 * data_gb <= disk_gb else "Cluster"


def engine_table(data_gb, ram_gb, disk_gb):
    """The same rules as a lookup over ratios of capacity to data."""
    if data_gb == 0:
        return "pandas"
    fits = [("pandas", ram_gb / data_gb >= 5), ("single machine", disk_gb / data_gb >= 2)]
    return next((engine for engine, ok in fits if ok), "cluster")


# ---------------------------------------------------------------- added in review
def cost_returns_decimal(bytes_scanned, tables=1):
    """Returns the bill as a Decimal, which is a number of dollars too."""
    billed = max(-(-bytes_scanned // MIB), 10 * tables) * MIB
    return Decimal(billed) / Decimal(TIB) * Decimal("6.25")


_HEALTH = [line for line in GOOD.splitlines() if line.startswith("HEALTHCHECK")][0]


def dockerfile_curl_healthcheck():
    """Health-checks with curl, which the slim image does not have."""
    return _replace(_HEALTH, 'HEALTHCHECK CMD ["curl", "-f", "http://127.0.0.1:8080/healthz"]')


def dockerfile_healthcheck_wrong_path():
    """Health-checks /health instead of /healthz."""
    return _replace(_HEALTH, _HEALTH.replace("8080/healthz", "8080/health"))


def dockerfile_healthcheck_wrong_port():
    """Health-checks port 80, where the service does not listen."""
    return _replace(_HEALTH, _HEALTH.replace(":8080/", ":80/"))


def dockerfile_healthcheck_none():
    """Writes HEALTHCHECK NONE, which switches the health check off."""
    return _replace(_HEALTH, "HEALTHCHECK NONE")


def dockerfile_shell_in_exec_form():
    """Starts the service through sh -c, so the shell is PID 1 and gets the stop signal."""
    return _replace('CMD ["penguin-serve"]', 'CMD ["sh", "-c", "penguin-serve"]')


def dockerfile_wheel_not_installed():
    """Copies the wheel into the final stage but never installs it."""
    return _replace("RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels \\\n && useradd", "RUN useradd")


def dockerfile_python_m_digest():
    """Runs the module with python -m, base images pinned by digest."""
    digest = "python@sha256:" + "ab" * 32
    return GOOD.replace("python:3.11.13-slim-bookworm", digest).replace(
        'CMD ["penguin-serve"]', 'CMD ["python", "-m", "penguin_model.serve"]'
    )


def _probe(kind, probe, name, doc):
    def answer(name, image, replicas):
        deployment = _deployment(name, image, replicas)
        _container(deployment)[kind] = copy.deepcopy(probe)
        return deployment

    answer.__name__ = answer.__qualname__ = name
    answer.__doc__ = doc
    return answer


def deployment_no_containers(name, image, replicas):
    """A pod template with an empty list of containers."""
    doc = _deployment(name, image, replicas)
    doc["spec"]["template"]["spec"]["containers"] = []
    return doc


deployment_probe_without_handler = _probe(
    "readinessProbe", {"periodSeconds": 5},
    "deployment_probe_without_handler",
    "A readiness probe with timings but no handler (the schema allows it).",
)
deployment_probe_wrong_port = _probe(
    "readinessProbe", {"httpGet": {"path": "/healthz", "port": 80}},
    "deployment_probe_wrong_port",
    "The readiness probe asks port 80, where the service does not listen.",
)
deployment_probe_wrong_path = _probe(
    "livenessProbe", {"httpGet": {"path": "/health", "port": 8080}},
    "deployment_probe_wrong_path",
    "The liveness probe asks /health, not /healthz.",
)
deployment_probe_port_quoted = _probe(
    "livenessProbe", {"httpGet": {"path": "/healthz", "port": "8080"}},
    "deployment_probe_port_quoted",
    "Quotes the probe's port: a string is a port name, and no port is named '8080'.",
)
deployment_probe_unknown_name = _probe(
    "readinessProbe", {"httpGet": {"path": "/healthz", "port": "http"}},
    "deployment_probe_unknown_name",
    "Names the port 'http' without declaring it in the container's ports.",
)


def deployment_named_port_tcp(name, image, replicas):
    """A named container port for the readiness probe, a TCP liveness probe, numeric quantities."""
    doc = _deployment(name, image, replicas)
    c = _container(doc)
    c["ports"] = [{"name": "http", "containerPort": 8080}]
    c["readinessProbe"] = {"httpGet": {"path": "/healthz", "port": "http"}}
    c["livenessProbe"] = {"tcpSocket": {"port": 8080}}
    c["resources"] = {"requests": {"cpu": 0.1, "memory": 67108864}, "limits": {"cpu": 0.5, "memory": 134217728}}
    return doc


def engine_divides(data_gb, ram_gb, disk_gb):
    """The rules with the capacities divided instead of the data multiplied."""
    if data_gb <= ram_gb / 5:
        return "pandas"
    return "single machine" if data_gb <= disk_gb - data_gb else "cluster"



def sql_march_or_later():
    """Filters month >= '2026-03', which takes April too once there is an April."""
    return _sql(where="f.month >= '2026-03'")


def sql_like_month():
    """Filters the partition with LIKE, grouping and ordering by position."""
    return _sql(where="f.month LIKE '2026-03%'", order="1, 2")


# ---------------------------------------------------------------- Exercise 6: crossover_rows
def _line(rows, times):
    slope = (times[1] - times[0]) / (rows[1] - rows[0])
    return times[0] - slope * rows[0], slope


def crossover_through_origin(rows, pandas_s, spark_s):
    """No fixed cost: each engine's cost per row is its time at the larger size over those rows."""
    big = max(range(2), key=lambda i: rows[i])
    per_row_p, per_row_s = pandas_s[big] / rows[big], spark_s[big] / rows[big]
    return 0.0 if per_row_s < per_row_p else None


def crossover_small_point_per_row(rows, pandas_s, spark_s):
    """Cost per row from the smaller measurement alone, which still holds the fixed cost."""
    small = min(range(2), key=lambda i: rows[i])
    per_row_p, per_row_s = pandas_s[small] / rows[small], spark_s[small] / rows[small]
    fixed_p, _ = _line(rows, pandas_s)
    fixed_s, _ = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return None
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s))


def crossover_pandas_no_fixed_cost(rows, pandas_s, spark_s):
    """Gives Spark a fixed cost but not pandas."""
    _, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return None
    return max(0.0, fixed_s / (per_row_p - per_row_s))


def crossover_fixed_is_small_time(rows, pandas_s, spark_s):
    """Takes the time at the smaller size as the fixed cost, instead of extending the line to zero rows."""
    small = min(range(2), key=lambda i: rows[i])
    _, per_row_p = _line(rows, pandas_s)
    _, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return None
    return max(0.0, (spark_s[small] - pandas_s[small]) / (per_row_p - per_row_s))


def crossover_infinity(rows, pandas_s, spark_s):
    """Returns infinity, not None, when Spark never catches up."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return math.inf
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s))


def crossover_never_as_text(rows, pandas_s, spark_s):
    """Returns the word 'never' instead of None."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return "never"
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s))


def crossover_negative(rows, pandas_s, spark_s):
    """Returns a crossing below zero rows as it is, instead of 0."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return None
    return (fixed_s - fixed_p) / (per_row_p - per_row_s)


def crossover_sign_of_crossing(rows, pandas_s, spark_s):
    """Decides from the crossing's sign instead of the per-row costs (divides by zero when they are equal)."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    n = (fixed_s - fixed_p) / (per_row_p - per_row_s)
    return None if n < 0 else n


def crossover_equal_cost_catches_up(rows, pandas_s, spark_s):
    """Lets an equal per-row cost through (> instead of >=), then divides by zero."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s > per_row_p:
        return None
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s))


def crossover_none_when_always_faster(rows, pandas_s, spark_s):
    """Returns None when the lines meet at or below zero rows, although Spark then wins at every size."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return None
    n = (fixed_s - fixed_p) / (per_row_p - per_row_s)
    return n if n > 0 else None


def crossover_sorts_rows_only(rows, pandas_s, spark_s):
    """Sorts the row counts but not the times with them, so a larger-first input pairs the wrong times."""
    ordered = tuple(sorted(rows))
    fixed_p, per_row_p = _line(ordered, pandas_s)
    fixed_s, per_row_s = _line(ordered, spark_s)
    if per_row_s >= per_row_p:
        return None
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s))


def crossover_in_millions(rows, pandas_s, spark_s):
    """Returns millions of rows instead of rows."""
    fixed_p, per_row_p = _line(rows, pandas_s)
    fixed_s, per_row_s = _line(rows, spark_s)
    if per_row_s >= per_row_p:
        return None
    return max(0.0, (fixed_s - fixed_p) / (per_row_p - per_row_s)) / 1e6


def crossover_difference_line(rows, pandas_s, spark_s):
    """Right, written differently: one line for Spark's time minus pandas', and where it reaches zero."""
    d1, d2 = spark_s[0] - pandas_s[0], spark_s[1] - pandas_s[1]
    slope = (d2 - d1) / (rows[1] - rows[0])
    if slope >= 0:
        return None
    return max(0.0, rows[0] - d1 / slope)


def crossover_fractions(rows, pandas_s, spark_s):
    """Right, written differently: exact arithmetic with fractions, the answer as a float."""
    from fractions import Fraction

    n1, n2 = (Fraction(n) for n in rows)
    (p1, p2), (s1, s2) = ((Fraction(t) for t in ts) for ts in (pandas_s, spark_s))
    per_row_p, per_row_s = (p2 - p1) / (n2 - n1), (s2 - s1) / (n2 - n1)
    if not per_row_s < per_row_p:
        return None
    fixed_p, fixed_s = p1 - per_row_p * n1, s1 - per_row_s * n1
    return float(max(Fraction(0), (fixed_s - fixed_p) / (per_row_p - per_row_s)))


WRONG = {
    "check_bigquery_cost": [
        cost_decimal_units,
        cost_tib_but_decimal_mb,
        cost_no_rounding,
        cost_rounds_to_nearest,
        cost_floors,
        cost_no_minimum,
        cost_minimum_not_per_table,
        cost_adds_minimum,
        cost_minimum_only_when_zero,
        cost_wrong_price,
        cost_in_cents,
        cost_as_text,
        cost_rounded_to_cents,
    ],
    "check_fixed_dockerfile": [
        dockerfile_naive,
        dockerfile_latest,
        dockerfile_untagged,
        dockerfile_build_stage_latest,
        dockerfile_root,
        dockerfile_user_root,
        dockerfile_user_in_build_stage_only,
        dockerfile_no_healthcheck,
        dockerfile_shell_cmd,
        dockerfile_add,
        dockerfile_pip_cache,
        dockerfile_apt_unpinned,
        dockerfile_wrong_command,
        dockerfile_no_expose,
        dockerfile_wrong_port,
        dockerfile_no_package,
        dockerfile_empty,
        dockerfile_path,
        dockerfile_curl_healthcheck,
        dockerfile_healthcheck_wrong_path,
        dockerfile_healthcheck_wrong_port,
        dockerfile_healthcheck_none,
        dockerfile_shell_in_exec_form,
        dockerfile_wheel_not_installed,
    ],
    "check_make_deployment": [
        deployment_replicas_as_text,
        deployment_fixed_replicas,
        deployment_fixed_name,
        deployment_fixed_image,
        deployment_selector_mismatch,
        deployment_selector_extra_label,
        deployment_no_limits,
        deployment_no_requests,
        deployment_no_cpu_limit,
        deployment_no_memory_request,
        deployment_megabytes,
        deployment_limit_below_request,
        deployment_cpu_limit_below_request,
        deployment_no_readiness,
        deployment_no_liveness,
        deployment_misspelled_probe,
        deployment_wrong_api_version,
        deployment_no_selector,
        deployment_as_yaml_text,
        deployment_second_container_without_limits,
        deployment_no_containers,
        deployment_probe_without_handler,
        deployment_probe_wrong_port,
        deployment_probe_wrong_path,
        deployment_probe_port_quoted,
        deployment_probe_unknown_name,
    ],
    "check_march_revenue_sql": [
        sql_no_month_filter,
        sql_february,
        sql_price_only,
        sql_counts,
        sql_unordered,
        sql_descending,
        sql_by_city,
        sql_wrong_column_names,
        sql_extra_column,
        sql_filters_through_dim_date,
        sql_filters_on_date_key,
        sql_syntax_error,
        sql_empty,
        sql_march_or_later,
    ],
    "check_choose_engine": [
        engine_ram_once,
        engine_strict_memory,
        engine_disk_once,
        engine_strict_disk,
        engine_never_cluster,
        engine_never_single,
        engine_spark_name,
        engine_ten_times,
        engine_capitalised,
    ],
    "check_crossover_rows": [
        crossover_through_origin,
        crossover_small_point_per_row,
        crossover_pandas_no_fixed_cost,
        crossover_fixed_is_small_time,
        crossover_infinity,
        crossover_never_as_text,
        crossover_negative,
        crossover_sign_of_crossing,
        crossover_equal_cost_catches_up,
        crossover_none_when_always_faster,
        crossover_sorts_rows_only,
        crossover_in_millions,
    ],
}
RIGHT = {
    "check_bigquery_cost": [cost_decimal, cost_integer_math, cost_returns_decimal],
    "check_fixed_dockerfile": [dockerfile_multistage, dockerfile_entrypoint, dockerfile_python_m_digest],
    "check_make_deployment": [deployment_from_yaml, deployment_named_port_tcp],
    "check_march_revenue_sql": [sql_cte_with_rounding, sql_in_list, sql_like_month],
    "check_choose_engine": [engine_table, engine_divides],
    "check_crossover_rows": [crossover_difference_line, crossover_fractions],
}
