"""Chapter 3's services, tested in-process: the REST contract, the handshakes, the WebSocket,
gRPC, the wire formats, and the facts the chapter's prose relies on.

No test starts a server that outlives it: the FastAPI app runs inside ``TestClient``, the
gRPC server on a free loopback port is stopped in a fixture, and one test starts the real
uvicorn process through ``mlskills.services.Service`` and checks that it is gone afterwards.
"""

from __future__ import annotations

import functools
import json
import math
import re
import sys

import grpc
import numpy as np
import pytest
from fastapi.testclient import TestClient

from mlskills import ROOT, data
from mlskills.apis import contract, formats, grpc_service, rest
from mlskills.apis.model import FEATURES, JAVASCRIPT, PenguinModel
from mlskills.apis.wire import ByteCounter
from mlskills.services import Service
from tests import notebook_code

CHAPTER = ROOT / "chapters" / "03-apis.ipynb"
READER, ADMIN = "reader-key", "admin-key"
KEYS = {READER: {"predict"}, ADMIN: {"predict", "feedback"}}
BIRD = {
    "bill_length_mm": 39.1,
    "bill_depth_mm": 18.7,
    "flipper_length_mm": 181.0,
    "body_mass_g": 3750.0,
}


@pytest.fixture(scope="module")
def model() -> PenguinModel:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    penguins = data.load("penguins.csv").dropna(subset=list(FEATURES))
    pipeline = make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))
    pipeline.fit(penguins[list(FEATURES)].to_numpy(np.float64), penguins["species"])
    return PenguinModel.from_pipeline(pipeline, version="test")


@pytest.fixture()
def client(model):
    with TestClient(rest.create_app(model, KEYS, chaos=True), raise_server_exceptions=False) as c:
        c.headers["X-API-Key"] = READER
        yield c


stored_text = functools.partial(notebook_code.stored_text, CHAPTER)


# ---------------------------------------------------------------- the model file
def test_the_exported_model_matches_scikit_learn_and_runs_in_javascript(model, tmp_path):
    from py_mini_racer import MiniRacer

    path = model.save(tmp_path / "model.json")
    loaded = PenguinModel.load(path)
    assert loaded == model
    X = np.array([list(BIRD.values()), [50.0, 15.0, 220.0, 5500.0]])
    js = MiniRacer()
    js.eval(JAVASCRIPT)
    js.eval(f"const MODEL = JSON.parse({json.dumps(path.read_text())});")
    in_js = np.array([js.eval(f"predictProba(MODEL, {json.dumps(row.tolist())})") for row in X])
    np.testing.assert_allclose(in_js, loaded.predict_proba(X), atol=1e-12)
    assert [s for s, _ in loaded.predict(X)] == ["Adelie", "Gentoo"]


# ---------------------------------------------------------------- the REST contract
def test_probes_and_a_prediction(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json()["status"] == "ready"
    body = client.post("/v1/predict", json=BIRD).json()
    assert body["species"] == "Adelie" and 0.9 < body["probability"] <= 1


def test_not_ready_without_a_model():
    with TestClient(rest.create_app(None, KEYS)) as c:
        assert c.get("/ready").status_code == 503
        assert c.post("/v1/predict", json=BIRD, headers={"X-API-Key": READER}).status_code == 503


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**BIRD, "body_mass_g": -1}, "body_mass_g"),
        ({**BIRD, "bill_depth_mm": "deep"}, "bill_depth_mm"),
        ({k: v for k, v in BIRD.items() if k != "flipper_length_mm"}, "flipper_length_mm"),
        ({**BIRD, "wing_span_mm": 3}, "wing_span_mm"),
    ],
)
def test_a_bad_field_is_a_422_that_names_it(client, body, field):
    response = client.post("/v1/predict", json=body)
    assert response.status_code == 422
    assert any(field in error["loc"] for error in response.json()["detail"])
    assert all("input" not in error for error in response.json()["detail"])


def test_nan_is_a_422_not_a_500(client):
    body = json.dumps({**BIRD, "bill_length_mm": float("nan")})
    response = client.post(
        "/v1/predict", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "bill_length_mm"]


def test_versions_breaking_and_compatible(client):
    assert client.post("/v2/predict", json=BIRD).status_code == 422  # v1 body on v2
    v2 = {
        **{k: v for k, v in BIRD.items() if k != "body_mass_g"},
        "body_mass_kg": 3.75,
        "island": "Dream",
    }
    body = client.post("/v2/predict", json=v2).json()
    assert set(body) == {"species", "probability", "probabilities", "model_version"}
    assert body["species"] == client.post("/v1/predict", json=BIRD).json()["species"]
    unknown = client.post("/v3/predict", json=BIRD)
    assert unknown.status_code == 404 and "v1, v2" in unknown.json()["detail"]


def test_batch_limits_and_body_size_limit(client):
    assert (
        len(
            client.post("/v1/predict/batch", json={"items": [BIRD] * rest.MAX_BATCH}).json()[
                "predictions"
            ]
        )
        == rest.MAX_BATCH
    )
    assert (
        client.post("/v1/predict/batch", json={"items": [BIRD] * (rest.MAX_BATCH + 1)}).status_code
        == 422
    )
    assert client.post("/v1/predict/batch", json={"items": []}).status_code == 422
    huge = client.post(
        "/v1/predict",
        content=b" " * (rest.MAX_BODY_BYTES + 1),
        headers={"Content-Type": "application/json"},
    )
    assert huge.status_code == 413


def test_a_server_fault_is_a_500_without_a_stack_trace(client):
    response = client.get("/chaos/fault")
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error"}
    assert "Traceback" not in response.text and ".py" not in response.text


def test_the_live_response_conforms_to_the_openapi_contract_and_a_rename_does_not(client):
    openapi = client.get("/openapi.json").json()
    live = client.post("/v1/predict", json=BIRD).json()
    assert contract.violations(openapi, "/v1/predict", live) == []
    renamed = {"label": live["species"], "probability": live["probability"]}
    assert contract.violations(openapi, "/v1/predict", renamed) == [
        "(the body): 'species' is a required property"
    ]
    assert contract.violations(openapi, "/v1/predict", {**live, "probability": "high"})


PUBLISHED = ROOT / "tests" / "contracts" / "penguin-api-openapi.json"


def published_contract_violations(client) -> dict[str, list[str]]:
    """The contract test of a client team: a server against the document it published.

    tests/contracts/penguin-api-openapi.json is the OpenAPI document as released. Renaming,
    removing or retyping a response field makes this fail, whatever the server's own
    code and tests say. Replace the file only for a deliberate, compatible release:
    ``json.dumps(rest.create_app(model, keys).openapi(), indent=1, sort_keys=True)``.
    """
    published = json.loads(PUBLISHED.read_text())
    v2 = {**{k: v for k, v in BIRD.items() if k != "body_mass_g"}, "body_mass_kg": 3.75}
    calls = [
        ("/v1/predict", BIRD),
        ("/v1/predict/batch", {"items": [BIRD, BIRD]}),
        ("/v2/predict", v2),
    ]
    found = {}
    for path, body in calls:
        response = client.post(path, json=body)
        assert response.status_code == 200, (path, response.text)
        found[path] = contract.violations(published, path, response.json())
    return found


def test_v1_and_v2_still_honour_the_published_contract(client):
    assert published_contract_violations(client) == {
        "/v1/predict": [],
        "/v1/predict/batch": [],
        "/v2/predict": [],
    }
    published = json.loads(PUBLISHED.read_text())
    assert set(published["paths"]) <= set(client.get("/openapi.json").json()["paths"])


def test_the_published_contract_test_fails_when_the_server_renames_a_field(model, monkeypatch):
    """A one-line 'tidy-up' on the server: v1's ``species`` goes out as ``label``.

    The server's own document moves with the code, so a check against the live document
    passes; the client team's test against the published document fails, as it must.
    """
    from pydantic import Field

    class TidiedPrediction(rest.PredictionV1):
        species: str = Field(serialization_alias="label")

    monkeypatch.setattr(rest, "PredictionV1", TidiedPrediction)
    with TestClient(rest.create_app(model, KEYS)) as renamed:
        renamed.headers["X-API-Key"] = READER
        body = renamed.post("/v1/predict", json=BIRD).json()
        assert set(body) == {"label", "probability"}
        live = renamed.get("/openapi.json").json()
        assert contract.violations(live, "/v1/predict", body) == []
        found = published_contract_violations(renamed)
    assert found["/v1/predict"] == ["(the body): 'species' is a required property"]


def test_the_contract_lists_the_public_paths(model):
    paths = set(rest.create_app(model, KEYS).openapi()["paths"])
    assert paths == {
        "/health",
        "/ready",
        "/v1/predict",
        "/v1/predict/batch",
        "/v2/predict",
        "/v1/feedback",
    }


def test_the_contract_declares_the_errors_the_service_returns(model):
    """401/403 (keys), 413 (size limit) and 503 (not ready) are invisible to FastAPI unless declared."""
    paths = rest.create_app(model, KEYS).openapi()["paths"]
    for path in ("/v1/predict", "/v1/predict/batch", "/v2/predict"):
        assert {"401", "403", "413", "422", "503"} <= set(paths[path]["post"]["responses"]), path
    assert {"401", "403", "413"} <= set(paths["/v1/feedback"]["post"]["responses"])
    assert "503" in paths["/ready"]["get"]["responses"]


# ---------------------------------------------------------------- handshakes
@pytest.mark.parametrize(
    ("key", "status"), [(None, 401), ("guessed", 401), (READER, 403), (ADMIN, 201)]
)
def test_keys_401_403_and_scopes(client, key, status):
    headers = {} if key is None else {"X-API-Key": key}
    client.headers.pop("X-API-Key")
    response = client.post(
        "/v1/feedback", json={"bird_id": "b1", "species": "Adelie"}, headers=headers
    )
    assert response.status_code == status
    if status == 401:
        assert response.headers["WWW-Authenticate"] == "ApiKey"


def test_flaky_route_fails_twice_then_succeeds(client):
    assert [client.post("/chaos/flaky-predict", json=BIRD).status_code for _ in range(6)] == [
        503,
        503,
        200,
    ] * 2


def test_an_idempotency_key_turns_a_retried_write_into_one_record(client):
    admin = {"X-API-Key": ADMIN}
    feedback = {"bird_id": "b7", "species": "Gentoo"}
    first = client.post(
        "/chaos/feedback", json=feedback, headers={**admin, "Idempotency-Key": "k1"}
    )
    retry = client.post(
        "/chaos/feedback", json=feedback, headers={**admin, "Idempotency-Key": "k1"}
    )
    assert (first.status_code, retry.status_code) == (503, 201)
    assert client.get("/v1/feedback", headers=admin).json() == {"count": 1}
    client.post("/chaos/feedback", json=feedback)  # no key: recorded again
    assert client.get("/v1/feedback", headers=admin).json() == {"count": 2}


# ---------------------------------------------------------------- WebSocket
def test_the_websocket_streams_predictions_and_survives_a_bad_message(client):
    with client.websocket_connect("/v1/stream") as ws:
        ws.send_json({"api_key": READER})
        assert ws.receive_json() == {"ready": True}
        ws.send_text(json.dumps(BIRD))
        assert ws.receive_json()["species"] == "Adelie"
        ws.send_text(json.dumps({**BIRD, "body_mass_g": -1}))
        assert ws.receive_json()["error"][0]["loc"] == ["body_mass_g"]
        ws.send_text(json.dumps(BIRD))
        assert "species" in ws.receive_json()


def test_the_websocket_closes_on_an_unknown_key(client):
    from starlette.websockets import WebSocketDisconnect

    with client.websocket_connect("/v1/stream") as ws:
        ws.send_json({"api_key": "guessed"})
        with pytest.raises(WebSocketDisconnect) as closed:
            ws.receive_json()
    assert closed.value.code == 1008


# ---------------------------------------------------------------- gRPC
@pytest.fixture()
def grpc_stub(model):
    server, port = grpc_service.serve(model, {READER}, chaos=True)
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    try:
        yield grpc_service.pb2_grpc.PenguinClassifierStub(channel)
    finally:
        channel.close()
        server.stop(grace=None).wait()


def test_grpc_unary_batch_and_stream_agree(grpc_stub):
    pb2, auth = grpc_service.pb2, (("x-api-key", READER),)
    birds = [
        pb2.Penguin(**BIRD),
        pb2.Penguin(bill_length_mm=50, bill_depth_mm=15, flipper_length_mm=220, body_mass_g=5500),
    ]
    unary = [grpc_stub.Predict(b, metadata=auth, timeout=5).species for b in birds]
    batch = [
        p.species
        for p in grpc_stub.PredictBatch(
            pb2.PenguinBatch(items=birds), metadata=auth, timeout=5
        ).predictions
    ]
    stream = [
        p.species
        for p in grpc_stub.PredictStream(pb2.PenguinBatch(items=birds), metadata=auth, timeout=5)
    ]
    assert unary == batch == stream == ["Adelie", "Gentoo"]


def test_grpc_status_codes(grpc_stub):
    pb2, auth = grpc_service.pb2, (("x-api-key", READER),)

    def code(call):
        try:
            call()
        except grpc.RpcError as exc:
            return exc.code()
        return grpc.StatusCode.OK

    assert (
        code(lambda: grpc_stub.Predict(pb2.Penguin(**BIRD), timeout=5))
        == grpc.StatusCode.UNAUTHENTICATED
    )
    forgot = pb2.Penguin(bill_length_mm=39.1, bill_depth_mm=18.7, flipper_length_mm=181.0)
    assert (
        code(lambda: grpc_stub.Predict(forgot, metadata=auth, timeout=5))
        == grpc.StatusCode.INVALID_ARGUMENT
    )
    slow = (*auth, ("x-delay-ms", "500"))
    assert (
        code(lambda: grpc_stub.Predict(pb2.Penguin(**BIRD), metadata=slow, timeout=0.05))
        == grpc.StatusCode.DEADLINE_EXCEEDED
    )


# ---------------------------------------------------------------- formats
@pytest.fixture(scope="module")
def batch():
    return formats.observations(data.load("penguins.csv"), n=1000, seed=0)


def test_every_format_round_trips_the_batch_exactly(batch):
    assert formats.round_trips(batch) == {name: True for name in formats.FORMATS}
    assert sum(r["id"] > 2**53 for r in batch) > 900  # the ids really need more than 53 bits


def test_binary_formats_are_much_smaller_than_json(batch):
    size = {name: len(encode(batch)) for name, (encode, _) in formats.FORMATS.items()}
    assert size["Protocol Buffers"] < 0.5 * size["JSON"]
    assert size["Arrow IPC"] < 0.5 * size["JSON"]
    assert size["MessagePack"] < size["JSON"]
    gzipped = {
        name: formats.gzipped_bytes(encode(batch)) for name, (encode, _) in formats.FORMATS.items()
    }
    assert max(gzipped.values()) < 0.25 * size["JSON"]  # gzip narrows the gap


def test_the_stored_size_table_is_the_deterministic_one(batch):
    text = stored_text("format-sizes")
    for name, (encode, _) in formats.FORMATS.items():
        row = next(line for line in text.splitlines() if line.startswith(name))
        assert int(row.split()[len(name.split())]) == len(encode(batch)), row


def test_json_breaks_in_javascript_as_the_chapter_says():
    from py_mini_racer import MiniRacer

    js = MiniRacer()
    with pytest.raises(Exception, match="not valid JSON"):
        js.eval(f"JSON.parse({json.dumps(json.dumps([math.nan]))})")
    assert js.eval(f"JSON.parse({json.dumps(json.dumps(2**53 + 1))})") == 2**53


# ---------------------------------------------------------------- bytes on the wire
def test_the_byte_counter_counts_what_the_client_and_server_exchange(client):
    import socket
    import threading

    server = socket.create_server(("127.0.0.1", 0))

    def echo():
        conn, _ = server.accept()
        with conn:
            while data := conn.recv(1024):
                conn.sendall(data * 2)

    threading.Thread(target=echo, daemon=True).start()
    with (
        ByteCounter(server.getsockname()[1]) as counter,
        socket.create_connection(("127.0.0.1", counter.port)) as s,
    ):
        s.sendall(b"hello")
        got = b""
        while len(got) < 10:
            got += s.recv(1024)
    server.close()
    assert (counter.up, counter.down, got) == (5, 10, b"hellohello")


# ---------------------------------------------------------------- the real server process
def test_uvicorn_serves_on_loopback_and_is_gone_afterwards(model, tmp_path):
    import httpx2

    path = model.save(tmp_path / "model.json")
    service = Service(
        [sys.executable, "-m", "mlskills.apis.rest", "--port", "{port}", "--model", str(path)],
        ready="http",
        path="/health",
        env={"PENGUIN_API_KEYS": json.dumps({READER: ["predict"]})},
    )
    with service:
        assert service.url.startswith("http://127.0.0.1:")
        response = httpx2.post(
            f"{service.url}/v1/predict", json=BIRD, headers={"X-API-Key": READER}, timeout=5
        )
        assert response.json()["species"] == "Adelie"
    assert not service.running
    with pytest.raises(httpx2.TransportError):
        httpx2.get(f"{service.url}/health", timeout=1)


def test_the_grpc_server_process_is_gone_afterwards(model, tmp_path):
    """The chapter's gRPC server runs as a process too; stopping it frees its loopback port."""
    import socket

    path = model.save(tmp_path / "model.json")
    service = Service(
        [
            sys.executable,
            "-m",
            "mlskills.apis.grpc_service",
            "--port",
            "{port}",
            "--model",
            str(path),
        ],
        ready="tcp",
        env={"PENGUIN_API_KEYS": json.dumps({READER: ["predict"]})},
    )
    with service, grpc.insecure_channel(service.address) as channel:
        stub = grpc_service.pb2_grpc.PenguinClassifierStub(channel)
        reply = stub.Predict(
            grpc_service.pb2.Penguin(**BIRD), metadata=(("x-api-key", READER),), timeout=5
        )
        assert reply.species == "Adelie"
        assert service.address.startswith("127.0.0.1:")
    assert not service.running
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", service.port)) != 0


# ---------------------------------------------------------------- the chapter's stored facts
def test_the_chapter_stores_its_deterministic_findings():
    assert "held-out accuracy: 85 of 86 correct" in stored_text("train")
    assert "same predicted species as scikit-learn on all 86 held-out birds: True" in stored_text(
        "export"
    )
    errors = stored_text("rest-errors")
    for status in ("422", "404", "413"):
        assert re.search(rf"\s{status}\s", errors), status
    assert "'species' is a required property" in stored_text("contract")
    nan = stored_text("nan").splitlines()
    assert nan[-2].startswith("500") and nan[-1].startswith("422")
    keys = stored_text("keys")
    assert [int(s) for s in re.findall(r"\s(\d{3})\s", keys)] == [401, 401, 403, 201]
    assert "1 record(s) written" in stored_text("idempotency")
    pitfalls = stored_text("pitfalls")
    assert 'JavaScript reads: {"id":9007199254740992}' in pitfalls
    assert 'Python writes {"log_odds": Infinity}' in pitfalls
    assert pitfalls.count("is not valid JSON") == 2  # NaN and Infinity
    zones = stored_text("timezones")
    assert "read in Europe/Berlin     2026-03-29 01:30 UTC  (that time does not exist" in zones
    assert "read in America/New_York  2026-03-29 06:30 UTC\n" in zones
    assert "V8 and Python agree on the instant: True" in zones
    status = stored_text("grpc-status")
    for code in ("UNAUTHENTICATED", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED"):
        assert code in status
    assert "servers still running: False False" in stored_text("stop")


# ---------------------------------------------------------------- generous floors on what the prose claims
def test_bytes_on_the_wire_follow_framing(model, tmp_path):
    """REST repeats its headers per call; gRPC unary costs less than half; a batch amortises."""
    import httpx2

    path = model.save(tmp_path / "model.json")
    env = {"PENGUIN_API_KEYS": json.dumps({READER: ["predict"]})}
    command = [sys.executable, "-m", "mlskills.apis.rest", "--port", "{port}", "--model", str(path)]

    def per_call(port, call_factory, calls=20):
        with ByteCounter(port) as counter:
            call = call_factory(counter.port)
            call()
            counter.reset()
            for _ in range(calls):
                call()
            return (counter.up + counter.down) / calls

    with Service(command, ready="http", path="/health", env=env) as api:

        def rest_call(body, route):
            def factory(port):
                client = httpx2.Client(
                    base_url=f"http://127.0.0.1:{port}", headers={"X-API-Key": READER}
                )
                return lambda: client.post(route, json=body).raise_for_status()

            return factory

        rest_one = per_call(api.port, rest_call(BIRD, "/v1/predict"))
        rest_batch = (
            per_call(api.port, rest_call({"items": [BIRD] * 100}, "/v1/predict/batch")) / 100
        )
    assert 300 < rest_one < 1000, rest_one
    assert rest_batch < rest_one / 3, (rest_batch, rest_one)


def test_grpc_unary_costs_less_than_half_of_a_rest_request_on_the_wire(model):
    server, port = grpc_service.serve(model, {READER})
    try:
        with (
            ByteCounter(port) as counter,
            grpc.insecure_channel(f"127.0.0.1:{counter.port}") as channel,
        ):
            stub = grpc_service.pb2_grpc.PenguinClassifierStub(channel)
            message, auth = grpc_service.pb2.Penguin(**BIRD), (("x-api-key", READER),)
            stub.Predict(message, metadata=auth, timeout=5)
            counter.reset()
            for _ in range(20):
                stub.Predict(message, metadata=auth, timeout=5)
            per_call = (counter.up + counter.down) / 20
    finally:
        server.stop(grace=None).wait()
    assert per_call < 300, per_call  # the chapter's REST request is ~500 bytes (test above: > 300)


def test_a_batch_costs_far_less_per_bird_than_one_request_per_bird(client):
    """A generous floor (5×) on a ratio the chapter measures at well above 10×, in-process."""
    from threadpoolctl import threadpool_limits

    from mlskills import measure

    batch = {"items": [BIRD] * 100}
    with threadpool_limits(1):
        timing = measure.compare(
            {
                "one": lambda: client.post("/v1/predict", json=BIRD),
                "batch": lambda: client.post("/v1/predict/batch", json=batch),
            },
            threads=1,
            rows_per_call={"one": 1, "batch": 100},
            trials=3,
            repeats=10,
        )
    per_bird_one = timing["one"].median_ms
    per_bird_batch = timing["batch"].median_ms / 100
    assert per_bird_one / per_bird_batch >= 5, (per_bird_one, per_bird_batch)


def test_messagepack_encodes_and_decodes_faster_than_json(batch):
    """A generous floor (2×) on a ratio the chapter measures at several times that."""
    from mlskills import measure

    codecs = {
        name: (lambda e=e, d=d: d(e(batch)))
        for name, (e, d) in formats.FORMATS.items()
        if name in ("JSON", "MessagePack")
    }
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1):
        timing = measure.compare(codecs, threads=1, trials=3, repeats=5)
    assert timing.ratio("JSON", "MessagePack") >= 2, timing.table()
