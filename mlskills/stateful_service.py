"""A streaming forecaster served over HTTP, for Chapter 8's replicas on loopback.

One request carries one reading (``{"station": "2015", "value": 0.31}``, a scaled
temperature) and gets back the forecast of the next one. The LSTM step is done in NumPy
from weights saved by the chapter, so a replica starts without importing PyTorch.

Where the per-station state (h, c) lives is set by environment variables:

- ``CH08_STATE=memory`` (default): a dict inside this process, lost when it stops;
- ``CH08_STATE=sqlite`` with ``CH08_DB=<file>``: one SQLite file shared by every replica;
- ``CH08_STATE=request``: the client sends ``"state"`` (a list of floats) and gets the new
  one back, so the replica keeps nothing.

``CH08_WEIGHTS`` names the ``.npz`` file with the LSTM's weights (``weight_ih``,
``weight_hh``, ``bias_ih``, ``bias_hh``, ``head_weight``, ``head_bias``). Run it with
``uvicorn mlskills.stateful_service:app --port PORT`` (see ``mlskills.services.Service``).
"""

from __future__ import annotations

import os
import sqlite3

import numpy as np
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route


def lstm_step(x, h, c, weights):
    """One LSTM step for a single input; gate order i, f, g, o as in PyTorch."""
    gates = (
        weights["weight_ih"] @ x
        + weights["bias_ih"]
        + weights["weight_hh"] @ h
        + weights["bias_hh"]
    )
    i, f, g, o = np.split(gates, 4)
    sigmoid = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731 - a one-line helper
    c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
    h = sigmoid(o) * np.tanh(c)
    return h, c


class MemoryState:
    def __init__(self):
        self.states = {}

    def get(self, key):
        return self.states.get(key)

    def put(self, key, value):
        self.states[key] = value


class SQLiteState:
    def __init__(self, path):
        # one connection, used by one request at a time (the handler never awaits mid-update)
        self.db = sqlite3.connect(path, timeout=30, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode = WAL")  # readers and a writer at once
        self.db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, hc BLOB)")

    def get(self, key):
        row = self.db.execute("SELECT hc FROM state WHERE key = ?", (key,)).fetchone()
        return None if row is None else np.frombuffer(row[0], dtype=np.float64)

    def put(self, key, value):
        self.db.execute("INSERT OR REPLACE INTO state VALUES (?, ?)", (key, value.tobytes()))


def create_app() -> Starlette:
    weights = dict(np.load(os.environ["CH08_WEIGHTS"]))
    hidden = weights["weight_hh"].shape[1]
    mode = os.environ.get("CH08_STATE", "memory")
    if mode not in ("memory", "sqlite", "request"):
        raise ValueError(f"CH08_STATE must be memory, sqlite or request, got {mode!r}")
    store = SQLiteState(os.environ["CH08_DB"]) if mode == "sqlite" else MemoryState()

    async def forecast(request: Request) -> JSONResponse:
        body = await request.json()
        if mode == "request":
            previous = np.asarray(body["state"], dtype=np.float64) if body.get("state") else None
        else:
            previous = store.get(body["station"])
        h, c = (np.zeros(hidden), np.zeros(hidden)) if previous is None else np.split(previous, 2)
        h, c = lstm_step(np.array([float(body["value"])]), h, c, weights)
        state = np.concatenate([h, c])
        if mode != "request":
            store.put(body["station"], state)
        out = float(weights["head_weight"] @ h + weights["head_bias"])
        return JSONResponse(
            {"forecast": out, **({"state": state.tolist()} if mode == "request" else {})}
        )

    async def health(request: Request) -> PlainTextResponse:  # noqa: ARG001 - Starlette signature
        return PlainTextResponse("ok")

    return Starlette(
        routes=[Route("/forecast", forecast, methods=["POST"]), Route("/health", health)]
    )


app = create_app() if "CH08_WEIGHTS" in os.environ else None
