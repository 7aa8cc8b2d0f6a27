"""The chapter's REST service: a FastAPI app with a contract, versions, keys and a WebSocket.

Paths (the OpenAPI document at ``/openapi.json`` is the contract):

- ``GET /health`` liveness (the process answers) and ``GET /ready`` readiness (a model is
  loaded; 503 until then). Neither needs a key.
- ``POST /v1/predict`` and ``POST /v1/predict/batch`` (at most :data:`MAX_BATCH` items):
  measurements in millimetres and grams, answer ``{"species", "probability"}``.
- ``POST /v2/predict``: a **breaking** change (``body_mass_kg`` replaces ``body_mass_g``) and
  two **compatible** ones (an optional ``island`` in the request, ``probabilities`` and
  ``model_version`` added to the response). Any other version gets a 404 naming the ones
  that exist.
- ``POST /v1/feedback`` records the true species of a bird (a side effect, so it honours an
  ``Idempotency-Key`` header: a retry with the same key is answered from memory, not
  recorded twice). ``GET /v1/feedback`` counts the records.
- ``WS /v1/stream``: send ``{"api_key": ...}`` first (browsers cannot set headers on a
  WebSocket), then one measurement per message and get one prediction per message back.

Every call except health, readiness and the docs needs an ``X-API-Key`` header: none or an
unknown key is a 401, a known key without the right scope a 403. Bodies larger than
``max_body_bytes`` are refused with a 413 before they are parsed; a bad field gets a 422
naming the field and the reason; a server fault a 500 without a stack trace.

With ``chaos=True`` (``--chaos``) the app also serves deliberately unreliable routes for the
chapter's demonstrations: ``POST /chaos/flaky-predict`` (two 503s, then a success, in turn),
``POST /chaos/feedback`` (records, then loses every other reply as a 503),
``GET /chaos/slow?seconds=s`` and ``GET /chaos/fault`` (a bug, so a 500).
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import os
import threading
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Literal

from fastapi import Depends, FastAPI, Header, HTTPException, Query, Request, WebSocket
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.websockets import WebSocketDisconnect

from mlskills.apis.model import PenguinModel

#: Most items a batch request may carry (a 422 above it).
MAX_BATCH = 256
#: Largest request body accepted, in bytes (a 413 above it).
MAX_BODY_BYTES = 64 * 1024
VERSIONS = ("v1", "v2")

log = logging.getLogger("penguin-api")


# ---------------------------------------------------------------- the contract (pydantic v2)
class Strict(BaseModel):
    """Unknown fields are an error, and so are NaN and infinity (pydantic allows them by default)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class PenguinV1(Strict):
    """One bird's measurements (v1: body mass in grams).

    The ranges are generous bounds on a real adult penguin: wide enough for any bird, narrow
    enough to refuse a value in the wrong unit (a mass of 3.75 sent in kilograms).
    """

    bill_length_mm: float = Field(ge=10, le=100, description="culmen length, mm")
    bill_depth_mm: float = Field(ge=5, le=50, description="culmen depth, mm")
    flipper_length_mm: float = Field(ge=100, le=300, description="flipper length, mm")
    body_mass_g: float = Field(ge=1000, le=10_000, description="body mass, g")

    def row(self) -> list[float]:
        return [self.bill_length_mm, self.bill_depth_mm, self.flipper_length_mm, self.body_mass_g]


class PenguinV2(Strict):
    """v2: body mass in **kilograms** (breaking), and an optional island (compatible)."""

    bill_length_mm: float = Field(ge=10, le=100, description="culmen length, mm")
    bill_depth_mm: float = Field(ge=5, le=50, description="culmen depth, mm")
    flipper_length_mm: float = Field(ge=100, le=300, description="flipper length, mm")
    body_mass_kg: float = Field(ge=1, le=10, description="body mass, kg")
    island: Literal["Biscoe", "Dream", "Torgersen"] | None = Field(
        default=None, description="where the bird was measured (logged, not used by the model)"
    )

    def row(self) -> list[float]:
        return [
            self.bill_length_mm,
            self.bill_depth_mm,
            self.flipper_length_mm,
            1000 * self.body_mass_kg,
        ]


class PredictionV1(BaseModel):
    species: str = Field(description="the most probable species")
    probability: float = Field(ge=0, le=1, description="the model's probability of that species")


class PredictionV2(PredictionV1):
    probabilities: dict[str, float] = Field(description="probability of every species")
    model_version: str


class BatchV1(Strict):
    items: list[PenguinV1] = Field(min_length=1, max_length=MAX_BATCH)


class BatchPredictionV1(BaseModel):
    predictions: list[PredictionV1]


class Feedback(Strict):
    """The species a biologist confirmed for a bird the model scored."""

    bird_id: str = Field(min_length=1, max_length=64)
    species: Literal["Adelie", "Chinstrap", "Gentoo"]


class FeedbackReceipt(BaseModel):
    feedback_id: int
    bird_id: str


class Problem(BaseModel):
    """The body of every error the service raises itself (401, 403, 404, 413, 500, 503)."""

    detail: str


#: Errors the key check, the size limit and the readiness check add to a route. FastAPI
#: cannot see them in the handler's signature, so they are declared for the OpenAPI document.
KEYED = {
    401: {"model": Problem, "description": "no X-API-Key header, or an unknown key"},
    403: {"model": Problem, "description": "the key may not use this route"},
    413: {"model": Problem, "description": f"a body larger than {MAX_BODY_BYTES} bytes"},
}
NOT_READY = {503: {"model": Problem, "description": "the model is not loaded yet; retry"}}


# ---------------------------------------------------------------- middleware
class BodySizeLimit:
    """Refuse bodies over ``max_bytes`` with a 413, by header or while streaming (pure ASGI)."""

    def __init__(self, app, max_bytes: int) -> None:
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and int(declared) > self.max_bytes:
            return await self._refuse(send)
        seen = 0

        async def counted_receive():
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_bytes:
                raise _TooLarge
            return message

        try:
            await self.app(scope, counted_receive, send)
        except _TooLarge:
            await self._refuse(send)

    async def _refuse(self, send):
        body = json.dumps({"detail": f"request body larger than {self.max_bytes} bytes"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


# ---------------------------------------------------------------- the app
def create_app(
    model: PenguinModel | None,
    api_keys: dict[str, set[str]],
    *,
    max_body_bytes: int = MAX_BODY_BYTES,
    chaos: bool = False,
) -> FastAPI:
    """The service for ``model`` (None: not ready yet), with ``api_keys`` = {key: scopes}."""

    state = {"model": model, "feedback": [], "replies": {}, "flaky_calls": 0, "lost_calls": 0}
    lock = threading.Lock()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        log.info("serving model %s", model.version if model else "(none)")
        yield

    app = FastAPI(
        title="Penguin species API",
        version="2.0.0",
        summary="Predicts a penguin's species from four body measurements.",
        lifespan=lifespan,
    )

    def key_with_scope(scope: str):
        async def dependency(x_api_key: Annotated[str | None, Header()] = None) -> str:
            if x_api_key is None:
                raise HTTPException(
                    401, "missing X-API-Key header", headers={"WWW-Authenticate": "ApiKey"}
                )
            granted = next(
                (s for k, s in api_keys.items() if hmac.compare_digest(k, x_api_key)), None
            )
            if granted is None:
                raise HTTPException(401, "unknown API key", headers={"WWW-Authenticate": "ApiKey"})
            if scope not in granted:
                raise HTTPException(403, f"this key may not {scope}")
            return x_api_key

        return Depends(dependency)

    def loaded() -> PenguinModel:
        if state["model"] is None:
            raise HTTPException(503, "model not loaded yet", headers={"Retry-After": "1"})
        return state["model"]

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        """A 422 that names each bad field and why, without echoing the input back.

        FastAPI's default echoes the offending value, and a NaN cannot be written as JSON,
        so a body holding NaN would turn a 422 into a 500.
        """
        errors = [{"loc": list(e["loc"]), "msg": e["msg"], "type": e["type"]} for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(Exception)
    async def server_fault(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled %s on %s: %s", type(exc).__name__, request.url.path, exc)
        return JSONResponse({"detail": "internal server error"}, status_code=500)

    @app.get("/health", tags=["operations"])
    async def health() -> dict:
        """Liveness: the process is up and answering."""
        return {"status": "ok"}

    @app.get(
        "/ready",
        tags=["operations"],
        responses={503: {"description": 'no model loaded yet: {"status": "loading"}'}},
    )
    async def ready() -> JSONResponse:
        """Readiness: a model is loaded, so traffic may be sent here."""
        if state["model"] is None:
            return JSONResponse({"status": "loading"}, status_code=503)
        return JSONResponse({"status": "ready", "model_version": state["model"].version})

    @app.post(
        "/v1/predict",
        responses=KEYED | NOT_READY,
        response_model=PredictionV1,
        tags=["v1"],
        dependencies=[key_with_scope("predict")],
    )
    async def predict_v1(penguin: PenguinV1) -> PredictionV1:
        species, p = loaded().predict([penguin.row()])[0]
        return PredictionV1(species=species, probability=round(p, 6))

    @app.post(
        "/v1/predict/batch",
        responses=KEYED | NOT_READY,
        response_model=BatchPredictionV1,
        tags=["v1"],
        dependencies=[key_with_scope("predict")],
    )
    async def predict_batch_v1(batch: BatchV1) -> BatchPredictionV1:
        rows = [item.row() for item in batch.items]
        return BatchPredictionV1(
            predictions=[
                PredictionV1(species=s, probability=round(p, 6)) for s, p in loaded().predict(rows)
            ]
        )

    @app.post(
        "/v2/predict",
        responses=KEYED | NOT_READY,
        response_model=PredictionV2,
        tags=["v2"],
        dependencies=[key_with_scope("predict")],
    )
    async def predict_v2(penguin: PenguinV2) -> PredictionV2:
        model = loaded()
        p = model.predict_proba([penguin.row()])[0]
        best = int(p.argmax())
        return PredictionV2(
            species=model.classes[best],
            probability=round(float(p[best]), 6),
            probabilities={c: round(float(v), 6) for c, v in zip(model.classes, p, strict=True)},
            model_version=model.version,
        )

    @app.post("/{version}/predict", tags=["operations"], include_in_schema=False)
    async def unknown_version(version: str) -> None:
        raise HTTPException(
            404, f"unknown API version {version!r}; available: {', '.join(VERSIONS)}"
        )

    def record(feedback: Feedback, idempotency_key: str | None) -> tuple[FeedbackReceipt, bool]:
        """Store the feedback once per idempotency key: (receipt, whether it was new)."""
        with lock:
            if idempotency_key is not None and idempotency_key in state["replies"]:
                return state["replies"][idempotency_key], False
            state["feedback"].append(feedback)
            receipt = FeedbackReceipt(feedback_id=len(state["feedback"]), bird_id=feedback.bird_id)
            if idempotency_key is not None:
                state["replies"][idempotency_key] = receipt
            return receipt, True

    @app.post(
        "/v1/feedback",
        responses=KEYED,
        response_model=FeedbackReceipt,
        status_code=201,
        tags=["v1"],
        dependencies=[key_with_scope("feedback")],
    )
    def feedback_v1(
        feedback: Feedback, idempotency_key: Annotated[str | None, Header(max_length=128)] = None
    ) -> FeedbackReceipt:
        return record(feedback, idempotency_key)[0]

    @app.get(
        "/v1/feedback", responses=KEYED, tags=["v1"], dependencies=[key_with_scope("feedback")]
    )
    async def feedback_count() -> dict:
        return {"count": len(state["feedback"])}

    @app.websocket("/v1/stream")
    async def stream(websocket: WebSocket) -> None:
        await websocket.accept()
        hello = await websocket.receive_json()
        key = hello.get("api_key", "") if isinstance(hello, dict) else ""
        granted = next((s for k, s in api_keys.items() if hmac.compare_digest(k, str(key))), set())
        if "predict" not in granted:
            await websocket.close(code=1008, reason="unknown API key or no predict scope")
            return
        await websocket.send_json({"ready": True})
        model = loaded()
        try:
            while True:
                text = await websocket.receive_text()
                try:
                    penguin = PenguinV1.model_validate_json(text)
                except ValidationError as exc:
                    errors = [{"loc": e["loc"], "msg": e["msg"]} for e in exc.errors()]
                    await websocket.send_json({"error": errors})
                    continue
                species, p = model.predict([penguin.row()])[0]
                await websocket.send_text(
                    PredictionV1(species=species, probability=round(p, 6)).model_dump_json()
                )
        except WebSocketDisconnect:
            return

    if chaos:

        @app.post("/chaos/flaky-predict", response_model=PredictionV1, tags=["chaos"])
        async def flaky_predict(penguin: PenguinV1) -> PredictionV1:
            """Fails with 503 twice, then answers, in turn (a service that is restarting)."""
            with lock:
                state["flaky_calls"] += 1
                attempt = state["flaky_calls"]
            if attempt % 3 != 0:
                raise HTTPException(503, "temporarily unavailable", headers={"Retry-After": "0"})
            return await predict_v1(penguin)

        @app.post(
            "/chaos/feedback", response_model=FeedbackReceipt, status_code=201, tags=["chaos"]
        )
        def lossy_feedback(
            feedback: Feedback,
            idempotency_key: Annotated[str | None, Header(max_length=128)] = None,
        ) -> FeedbackReceipt:
            """Records the feedback, then loses every other reply (the client sees a 503)."""
            receipt, _ = record(feedback, idempotency_key)
            with lock:
                state["lost_calls"] += 1
                lose = state["lost_calls"] % 2 == 1
            if lose:
                raise HTTPException(503, "reply lost after the write", headers={"Retry-After": "0"})
            return receipt

        @app.get("/chaos/slow", tags=["chaos"])
        async def slow(seconds: Annotated[float, Query(ge=0, le=5)] = 1.0) -> dict:
            import asyncio

            await asyncio.sleep(seconds)
            return {"slept_s": seconds}

        @app.get("/chaos/fault", tags=["chaos"])
        def fault() -> dict:
            raise RuntimeError("a bug: division of the feature vector by an empty scale")

    app.add_middleware(BodySizeLimit, max_bytes=max_body_bytes)
    return app


# ---------------------------------------------------------------- running it
def keys_from_env(name: str = "PENGUIN_API_KEYS") -> dict[str, set[str]]:
    """API keys from an environment variable holding JSON ``{"key": ["scope", ...]}``."""
    return {k: set(v) for k, v in json.loads(os.environ.get(name, "{}")).items()}


def main(argv: list[str] | None = None) -> None:
    import uvicorn

    parser = argparse.ArgumentParser(description="Serve the penguin model over REST and WebSocket.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--model", type=Path, required=True, help="a model JSON file (mlskills.apis.model)"
    )
    parser.add_argument(
        "--chaos", action="store_true", help="also serve the deliberately unreliable routes"
    )
    args = parser.parse_args(argv)
    app = create_app(PenguinModel.load(args.model), keys_from_env(), chaos=args.chaos)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
