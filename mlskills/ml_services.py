"""A feature service and a model service for Chapter 9 (architecture), plus a circuit breaker.

The same logic runs two ways, so the cost of each network hop can be measured:

- **in-process** (a monolith): ``FeatureStore.features(row)`` then ``SpeciesModel.predict``;
- **as two HTTP services on 127.0.0.1**: the model service answers ``GET /predict?id=N``
  by calling the feature service's ``GET /features?id=N`` with a timeout, behind a
  :class:`CircuitBreaker`, and falls back to a default answer when the call fails.

Run one service with ``python -m mlskills.ml_services feature --port 8001``.
:func:`start_services` starts both on free ports with :class:`mlskills.services.Service`,
which stops each process when ``stop()`` is called or when the interpreter exits. Everything uses the standard library (``http.server``,
``http.client``) plus scikit-learn for the model, so nothing here needs a network.

The feature service can be told to misbehave, to show what timeouts and a breaker do:
``GET /admin?mode=slow&delay=0.6`` makes every feature call take 0.6 s, ``mode=ok`` heals it.
The model service can be reconfigured while it runs: ``GET /config?timeout=0.2&breaker=on&
failure_threshold=3&reset_after=0.5`` (``timeout=none`` waits forever, ``breaker=off`` has none).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import numpy as np

from mlskills.services import Service

#: The four numeric penguin measurements the model uses, in order.
FEATURES = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
#: What the model service answers when it cannot get features (the most common species).
FALLBACK_SPECIES = "Adelie"


# ---------------------------------------------------------------- the shared logic
class FeatureStore:
    """Penguin measurements by row id (rows with a missing value are dropped)."""

    def __init__(self) -> None:
        from mlskills import data

        table = data.load("penguins.csv").dropna(subset=FEATURES).reset_index(drop=True)
        self.X = table[FEATURES].to_numpy(np.float64)
        self.species = table["species"].to_numpy()

    def __len__(self) -> int:
        return len(self.X)

    def features(self, row: int) -> list[float]:
        """The four measurements of penguin ``row`` (mm, mm, mm, g)."""
        return self.X[row].tolist()


class SpeciesModel:
    """Standardised logistic regression from the four measurements to the species."""

    def __init__(self, store: FeatureStore) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        self.pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
        self.pipeline.fit(store.X, store.species)
        # the fitted weights, so that one prediction is a few NumPy operations
        scaler, logistic = self.pipeline[0], self.pipeline[1]
        self._mean, self._scale = scaler.mean_, scaler.scale_
        self._coef, self._intercept = logistic.coef_, logistic.intercept_
        self.classes = [str(c) for c in logistic.classes_]

    def predict(self, features: list[float]) -> str:
        z = (np.asarray(features) - self._mean) / self._scale
        return self.classes[int(np.argmax(self._coef @ z + self._intercept))]


# ---------------------------------------------------------------- circuit breaker
@dataclass
class CircuitBreaker:
    """Stop calling a failing dependency for a while, then try it again.

    - **closed**: calls go through; ``failure_threshold`` consecutive failures open it;
    - **open**: calls are not made, the fallback is returned at once; after
      ``reset_after_s`` seconds the next call is a trial (**half-open**);
    - **half-open**: one trial call; success closes the breaker, failure opens it again.
      Other calls that arrive while the trial runs get the fallback ("circuit half-open"),
      so a recovering service sees one request, not every waiting one at once.

    ``clock`` returns seconds (``time.monotonic``); tests pass a fake one.
    """

    failure_threshold: int = 3
    reset_after_s: float = 1.0
    clock: Callable[[], float] = time.monotonic
    state: str = "closed"
    failures: int = 0
    opened_at: float = 0.0
    calls_made: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def call(self, fn: Callable[[], object], fallback: Callable[[str], object]):
        with self._lock:
            if self.state == "half-open":  # the one trial call is still running
                return fallback("circuit half-open")
            if self.state == "open":
                if self.clock() - self.opened_at < self.reset_after_s:
                    return fallback("circuit open")
                self.state = "half-open"  # this call is the trial
            self.calls_made += 1
        try:
            result = fn()
        except BaseException as exc:  # any failure of the dependency counts
            with self._lock:
                self.failures += 1
                if self.state == "half-open" or self.failures >= self.failure_threshold:
                    self.state, self.opened_at = "open", self.clock()
            if not isinstance(exc, Exception):
                raise  # KeyboardInterrupt, SystemExit: counted, never swallowed
            return fallback(type(exc).__name__)
        with self._lock:
            self.state, self.failures = "closed", 0
        return result


# ---------------------------------------------------------------- HTTP plumbing
class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep connections alive between requests
    disable_nagle_algorithm = True  # small responses leave at once (no 40 ms delayed-ACK stalls)

    def log_message(self, format, *args):  # noqa: A002 - silence the per-request log line
        pass

    def reply(self, status: int, payload: dict) -> None:
        body = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):  # noqa: N802 - the name http.server expects
        url = urlparse(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        try:
            status, payload = self.server.route(url.path, query)
        except (KeyError, ValueError, IndexError) as exc:
            status, payload = 400, {"error": f"{type(exc).__name__}: {exc}"}
        self.reply(status, payload)


class JSONClient:
    """A keep-alive HTTP/1.1 client for one host: ``get(path) -> dict``.

    After a timeout or error the connection is closed and reopened on the next call, so a
    late reply to an abandoned request is never read as the answer to a new one.
    """

    def __init__(self, port: int, timeout_s: float | None = None, keep_alive: bool = True) -> None:
        self.port, self.timeout_s, self.keep_alive = port, timeout_s, keep_alive
        self._conn: http.client.HTTPConnection | None = None

    def get(self, path: str) -> dict:
        if self._conn is None or not self.keep_alive:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout_s)
        try:
            self._conn.request("GET", path)
            response = self._conn.getresponse()
            body = response.read()
        except Exception:
            self.close()
            raise
        if not self.keep_alive:
            self.close()
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {body[:200]!r}")
        return json.loads(body)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class FeatureServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.store = FeatureStore()
        self.mode, self.delay_s, self.calls = "ok", 0.0, 0

    def route(self, path: str, query: dict) -> tuple[int, dict]:
        if path == "/features":
            self.calls += 1
            if self.mode == "slow":
                time.sleep(self.delay_s)
            row = int(query["id"])
            return 200, {"id": row, "features": self.store.features(row)}
        if path == "/admin":
            self.mode, self.delay_s = query.get("mode", "ok"), float(query.get("delay", 0))
            return 200, {"mode": self.mode, "delay_s": self.delay_s}
        if path == "/stats":
            return 200, {"calls": self.calls, "mode": self.mode}
        return 404, {"error": f"no route {path}"}


class ModelServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.model = SpeciesModel(FeatureStore())
        self.feature_port: int | None = None  # set with GET /config?feature_port=...
        self._local = threading.local()  # one keep-alive connection per server thread
        self.configure(None, False, 3, 1.0)

    def configure(
        self,
        timeout_s: float | None,
        breaker: bool,
        failure_threshold: int,
        reset_after_s: float,
        feature_port: int | None = None,
    ) -> dict:
        """Set the timeout and the breaker (a fresh one, closed); reconnect with the new timeout."""
        self.feature_port = feature_port or self.feature_port
        self.timeout_s = timeout_s
        self.breaker = CircuitBreaker(failure_threshold, reset_after_s) if breaker else None
        self.generation = getattr(self, "generation", 0) + 1
        return {
            "timeout_s": timeout_s,
            "breaker": breaker,
            "failure_threshold": failure_threshold,
            "reset_after_s": reset_after_s,
        }

    def _features(self, row: int) -> list[float]:
        if getattr(self._local, "generation", None) != self.generation:
            if hasattr(self._local, "client"):
                self._local.client.close()
            self._local.client = JSONClient(self.feature_port, self.timeout_s)
            self._local.generation = self.generation
        return self._local.client.get(f"/features?id={row}")["features"]

    def route(self, path: str, query: dict) -> tuple[int, dict]:
        if path == "/predict":
            row = int(query["id"])

            def answer():
                return {
                    "id": row,
                    "species": self.model.predict(self._features(row)),
                    "source": "model",
                }

            def fallback(reason: str):
                return {
                    "id": row,
                    "species": FALLBACK_SPECIES,
                    "source": "fallback",
                    "reason": reason,
                }

            if self.breaker is None:
                try:
                    return 200, answer()
                except Exception as exc:  # no breaker: still degrade, but every call waits
                    return 200, fallback(type(exc).__name__)
            return 200, self.breaker.call(answer, fallback)
        if path == "/config":
            timeout = query.get("timeout", "none")
            return 200, self.configure(
                None if timeout == "none" else float(timeout),
                query.get("breaker", "on") == "on",
                int(query.get("failure_threshold", 3)),
                float(query.get("reset_after", 1.0)),
                int(query["feature_port"]) if "feature_port" in query else None,
            )
        if path == "/stats":
            state = self.breaker.state if self.breaker else "no breaker"
            made = self.breaker.calls_made if self.breaker else None
            return 200, {"breaker": state, "feature_calls_attempted": made}
        return 404, {"error": f"no route {path}"}


# ---------------------------------------------------------------- starting and stopping
def _command(kind: str) -> list[str]:
    return [sys.executable, "-m", "mlskills.ml_services", kind, "--port", "{port}"]


def start_services(
    *,
    timeout_s: float | None,
    breaker: bool,
    failure_threshold: int = 3,
    reset_after_s: float = 1.0,
) -> tuple[Service, Service]:
    """Start the feature and the model service (in parallel), and connect them.

    Returns ``(feature, model)`` as running :class:`mlskills.services.Service` objects:
    stop them with ``stop()`` or use them in an ``ExitStack``; they also stop when the
    interpreter exits. The model service gets the timeout and breaker given here.
    """
    feature = Service(_command("feature"), ready="http", path="/stats")
    model = Service(_command("model"), ready="http", path="/stats")
    try:
        with ThreadPoolExecutor(2) as pool:  # both import pandas and scikit-learn: overlap them
            list(pool.map(Service.start, (feature, model)))
        configure_model_service(
            model,
            timeout_s=timeout_s,
            breaker=breaker,
            failure_threshold=failure_threshold,
            reset_after_s=reset_after_s,
            feature=feature,
        )
    except Exception:
        feature.stop()
        model.stop()
        raise
    return feature, model


def client(
    service: Service, *, timeout_s: float | None = 5.0, keep_alive: bool = True
) -> JSONClient:
    """A JSON client for ``service`` (keep-alive unless ``keep_alive=False``)."""
    return JSONClient(service.port, timeout_s, keep_alive)


def configure_model_service(
    model: Service,
    *,
    timeout_s: float | None,
    breaker: bool,
    failure_threshold: int = 3,
    reset_after_s: float = 1.0,
    feature: Service | None = None,
) -> dict:
    """Set the model service's timeout and breaker (a fresh, closed one) while it runs."""
    query = (
        f"timeout={'none' if timeout_s is None else timeout_s}&breaker={'on' if breaker else 'off'}"
        f"&failure_threshold={failure_threshold}&reset_after={reset_after_s}"
    )
    if feature is not None:
        query += f"&feature_port={feature.port}"
    with contextlib.closing(client(model)) as connection:
        return connection.get(f"/config?{query}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Run the chapter 9 feature or model service on 127.0.0.1."
    )
    parser.add_argument("kind", choices=["feature", "model"])
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    args = parser.parse_args(argv)
    server = FeatureServer(args.port) if args.kind == "feature" else ModelServer(args.port)
    print(f"READY {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.05)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
