"""The OpenAPI document declares every status code the API can answer (schemathesis checks it)."""

from __future__ import annotations

from fastapi.testclient import TestClient

EVERY_CALL = {"400", "401", "403", "404", "409", "413", "422", "503"}


def test_every_api_operation_declares_its_error_codes(client: TestClient) -> None:
    spec = client.get("/api/v1/openapi.json").json()
    missing = {
        f"{method.upper()} {path}": sorted(EVERY_CALL - set(op["responses"]))
        for path, ops in spec["paths"].items()
        if path.startswith("/api/v1/") and path != "/api/v1/token"
        for method, op in ops.items()
        if EVERY_CALL - set(op["responses"])
    }
    assert missing == {}
    token = spec["paths"]["/api/v1/token"]["post"]["responses"]
    assert {"200", "400", "413", "422", "429", "503"} <= set(token)
