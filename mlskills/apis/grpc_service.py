"""The chapter's gRPC service, from ``penguins.proto`` in this folder.

The message classes and stubs are generated from the ``.proto`` when this module is
imported, by grpcio-tools' compiler (``grpc.protos_and_services``), so they can never drift
from the contract. To see or ship the generated files instead, run the same compiler::

    python -m grpc_tools.protoc -I mlskills/apis --python_out=OUT --grpc_python_out=OUT \\
        mlskills/apis/penguins.proto

The server checks an ``x-api-key`` metadata entry (``UNAUTHENTICATED`` without a known
key), validates every measurement (``INVALID_ARGUMENT``: proto3 turns a forgotten field
into 0.0, so the server must check) and serves a unary, a batch and a server-streaming
method. With ``--chaos``, an ``x-delay-ms`` metadata entry makes it wait before answering,
so a client's deadline can expire (``DEADLINE_EXCEEDED``).

Run it with ``python -m mlskills.apis.grpc_service --port N --model FILE``; it binds
127.0.0.1 only and prints ``READY`` when it accepts calls.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import threading
import time
from concurrent import futures
from pathlib import Path

import grpc

from mlskills.apis.model import PenguinModel

PROTO = Path(__file__).with_name("penguins.proto")


def _generate():
    sys.path.insert(0, str(PROTO.parent))
    try:
        return grpc.protos_and_services(PROTO.name)
    finally:
        sys.path.remove(str(PROTO.parent))


#: Generated modules: ``pb2.Penguin`` and the other messages, ``pb2_grpc.PenguinClassifierStub``.
pb2, pb2_grpc = _generate()

#: (lowest allowed, highest allowed) per field, the same limits as the REST contract.
LIMITS = {
    "bill_length_mm": (10, 100),
    "bill_depth_mm": (5, 50),
    "flipper_length_mm": (100, 300),
    "body_mass_g": (1000, 10_000),
}


def validation_error(penguin) -> str | None:
    """Why ``penguin`` is invalid (first problem), or None."""
    for name, (lo, hi) in LIMITS.items():
        value = getattr(penguin, name)
        if not math.isfinite(value) or not lo <= value <= hi:
            return f"{name} must be between {lo} and {hi}, got {value} (a missing field arrives as 0.0)"
    return None


def _row(penguin) -> list[float]:
    return [getattr(penguin, name) for name in LIMITS]


class PenguinClassifier(pb2_grpc.PenguinClassifierServicer):
    def __init__(self, model: PenguinModel, api_keys: set[str], *, chaos: bool = False) -> None:
        self.model, self.api_keys, self.chaos = model, api_keys, chaos

    def _admit(self, items, context) -> None:
        metadata = dict(context.invocation_metadata())
        if metadata.get("x-api-key") not in self.api_keys:
            context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or unknown x-api-key")
        for i, item in enumerate(items):
            problem = validation_error(item)
            if problem:
                context.abort(grpc.StatusCode.INVALID_ARGUMENT, f"item {i}: {problem}")
        if self.chaos and "x-delay-ms" in metadata:
            time.sleep(min(float(metadata["x-delay-ms"]), 5000) / 1000)

    def Predict(self, request, context):
        self._admit([request], context)
        species, p = self.model.predict([_row(request)])[0]
        return pb2.Prediction(species=species, probability=round(p, 6))

    def PredictBatch(self, request, context):
        self._admit(request.items, context)
        rows = [_row(item) for item in request.items]
        return pb2.PredictionBatch(
            predictions=[
                pb2.Prediction(species=s, probability=round(p, 6))
                for s, p in self.model.predict(rows)
            ]
        )

    def PredictStream(self, request, context):
        self._admit(request.items, context)
        for item in request.items:
            species, p = self.model.predict([_row(item)])[0]
            yield pb2.Prediction(species=species, probability=round(p, 6))


def serve(
    model: PenguinModel, api_keys: set[str], *, port: int = 0, chaos: bool = False, workers: int = 4
):
    """Start a server on 127.0.0.1 (``port=0``: a free one). Returns ``(server, port)``; call
    ``server.stop(grace=None)`` to stop it."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=workers))
    pb2_grpc.add_PenguinClassifierServicer_to_server(
        PenguinClassifier(model, api_keys, chaos=chaos), server
    )
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, bound


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve the penguin model over gRPC on 127.0.0.1.")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument(
        "--model", type=Path, required=True, help="a model JSON file (mlskills.apis.model)"
    )
    parser.add_argument(
        "--chaos", action="store_true", help="honour x-delay-ms metadata (for deadlines)"
    )
    args = parser.parse_args(argv)
    keys = set(json.loads(os.environ.get("PENGUIN_API_KEYS", "{}")))
    server, _ = serve(PenguinModel.load(args.model), keys, port=args.port, chaos=args.chaos)
    print("READY", flush=True)
    stop = threading.Event()
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop(grace=None)


if __name__ == "__main__":
    main()
