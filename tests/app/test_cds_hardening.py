"""CDS Hooks at the edge: ``aud`` is the configured public URL (never the Host header), the EHR's
access token goes only to the fhirServer's origin, demo mode fetches only from localhost, and a
JWT whose algorithm does not fit its key is a 401."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Request
from pydantic import ValidationError

from alpha4.app.cds_app import create_cds_app
from alpha4.app.cds_routes import CdsSettings
from alpha4.interop import cds

from .http_server import serve
from .test_cds_routes import BUNDLE, app_settings, auth, spec_request, token

PUBLIC_URL = "https://alpha4.clinic.example"


@pytest.fixture(scope="module")
def behind_a_proxy() -> Iterator[str]:
    with serve(create_cds_app(app_settings(public_base_url=PUBLIC_URL))) as url:
        yield url


def test_jwt_mode_refuses_to_start_without_its_public_url() -> None:
    with pytest.raises(ValidationError, match="needs public_base_url"):
        app_settings()


def test_aud_is_checked_against_the_configured_url_never_the_host_header(behind_a_proxy: str) -> None:
    path = f"/cds-services/{cds.PATIENT_VIEW}"
    # a token for the address the request reached (what a Host header would claim) is refused ...
    forged = httpx.post(
        f"{behind_a_proxy}{path}", json=spec_request(), headers=auth(f"{behind_a_proxy}{path}")
    )
    assert forged.status_code == 401 and "audience" in forged.json()["error"].lower()
    evil = {"Host": "evil.example", **auth(f"http://evil.example{path}")}
    assert httpx.post(f"{behind_a_proxy}{path}", json=spec_request(), headers=evil).status_code == 401
    # ... a token for the public URL the clinic configured is accepted
    ok = httpx.post(f"{behind_a_proxy}{path}", json=spec_request(), headers=auth(f"{PUBLIC_URL}{path}"))
    assert ok.status_code == 200, ok.text


def test_a_jwt_whose_algorithm_does_not_match_the_key_is_401(behind_a_proxy: str) -> None:
    path = f"/cds-services/{cds.PATIENT_VIEW}"
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = pyjwt.decode(token(f"{PUBLIC_URL}{path}"), options={"verify_signature": False})
    signed = pyjwt.encode(claims, rsa_key, algorithm="RS256", headers={"kid": "k1", "typ": "JWT"})  # k1 is EC
    r = httpx.post(
        f"{behind_a_proxy}{path}", json=spec_request(), headers={"Authorization": f"Bearer {signed}"}
    )
    assert r.status_code == 401
    assert r.json() == {"error": "alg 'RS256' does not match key 'k1' (EC, ES384)"}


def _leaky_fhir_server(seen: list[tuple[str, str | None]], elsewhere: str) -> FastAPI:
    """A FHIR server whose search pages link to another origin."""
    resources = [e["resource"] for e in BUNDLE["entry"]]
    app = FastAPI()

    @app.get("/fhir/{rtype}")
    def search(rtype: str, request: Request) -> dict[str, Any]:
        seen.append((str(request.url), request.headers.get("authorization")))
        found = [{"resource": r} for r in resources if r["resourceType"] == rtype]
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": found,
            "link": [{"relation": "next", "url": f"{elsewhere}/fhir/{rtype}?page=2"}],
        }

    @app.get("/fhir/{rtype}/{rid}")
    def read(rtype: str, rid: str, request: Request) -> dict[str, Any]:
        seen.append((str(request.url), request.headers.get("authorization")))
        return next(r for r in resources if r["resourceType"] == rtype and r["id"] == rid)

    return app


def test_the_access_token_never_follows_a_next_link_to_another_origin(behind_a_proxy: str) -> None:
    collected: list[tuple[str, str | None]] = []
    stolen: list[tuple[str, str | None]] = []
    with (
        serve(_leaky_fhir_server(stolen, "http://127.0.0.1:9")) as other,
        serve(_leaky_fhir_server(collected, other)) as fhir,
    ):
        body = spec_request()
        body["fhirServer"] = f"{fhir}/fhir"
        del body["prefetch"]["observations"]
        path = f"/cds-services/{cds.PATIENT_VIEW}"
        r = httpx.post(f"{behind_a_proxy}{path}", json=body, headers=auth(f"{PUBLIC_URL}{path}"))
    assert r.status_code == 412
    assert "leaves the fhirServer's origin" in r.json()["error"]
    assert collected and stolen == []  # the other origin was never called, with or without the token


def test_demo_mode_fetches_only_from_localhost() -> None:
    settings = CdsSettings(demo=True, as_of=app_settings(public_base_url=PUBLIC_URL).as_of)
    with serve(create_cds_app(settings)) as base:
        body = spec_request()
        body["fhirServer"] = "http://metadata.internal.example/fhir"
        del body["prefetch"]["observations"]
        r = httpx.post(f"{base}/cds-services/{cds.PATIENT_VIEW}", json=body)
    assert r.status_code == 412
    assert r.json()["error"].startswith("demo mode reads only from localhost, 127.0.0.1, ::1")
