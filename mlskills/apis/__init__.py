"""Chapter 3 (APIs and integration): one penguin classifier behind three protocols.

- :mod:`mlskills.apis.model`    the model as plain numbers in a JSON file (any language can run it)
- :mod:`mlskills.apis.rest`     a FastAPI service: versioned REST paths, API keys, a WebSocket
- :mod:`mlskills.apis.grpc_service` a gRPC server and client stubs from ``penguins.proto``
- :mod:`mlskills.apis.formats`  one batch in JSON, MessagePack, Protocol Buffers and Arrow IPC
- :mod:`mlskills.apis.contract` check a JSON response against the service's OpenAPI document

Every server binds 127.0.0.1 only. Start one with ``python -m mlskills.apis.rest --port N``
or ``python -m mlskills.apis.grpc_service --port N``.
"""
