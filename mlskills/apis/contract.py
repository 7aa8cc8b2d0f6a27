"""Contract tests: does a JSON response match the schema the OpenAPI document promises?

A client team can run this against every response in its test suite. When the server
renames, removes or retypes a field, the response stops matching the published document
and the test fails before the release, not in production.
"""

from __future__ import annotations

from jsonschema import Draft202012Validator


def response_schema(openapi: dict, path: str, *, method: str = "post", status: str = "200") -> dict:
    """The JSON Schema of a response in an OpenAPI 3.1 document, with its ``$ref`` targets."""
    operation = openapi["paths"][path][method]
    schema = operation["responses"][status]["content"]["application/json"]["schema"]
    return {**schema, "components": openapi.get("components", {})}


def violations(
    openapi: dict, path: str, payload, *, method: str = "post", status: str = "200"
) -> list[str]:
    """Every way ``payload`` breaks the documented response of ``method path`` (empty: it conforms)."""
    validator = Draft202012Validator(response_schema(openapi, path, method=method, status=status))
    return sorted(
        f"{'/'.join(map(str, error.absolute_path)) or '(the body)'}: {error.message}"
        for error in validator.iter_errors(payload)
    )
