"""CDS Hooks prefetch that is incomplete: a searchset page with a ``next`` link, or an
OperationOutcome where the client failed to prefetch. The service fetches the rest from a real
FHIR-shaped server over HTTP, or answers 412; it never assesses part of a history."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, HTTPException, Request

from alpha4.app.cds_app import create_cds_app
from alpha4.app.cds_routes import CdsSettings
from alpha4.interop import cds

from ..interop.conftest import as_of_for
from .http_server import serve
from .test_cds_routes import BUNDLE, EXAMPLE, PATIENT, spec_request

PAGE = 4  # resources per page: the patient's administrations span several pages
TOKEN = "some-opaque-fhir-access-token"


def paging_server(bundle: dict[str, Any], calls: list[str]) -> FastAPI:
    """A FHIR-shaped server: searches by type answer in pages of PAGE with absolute ``next`` links;
    every call needs the bearer token of the request's fhirAuthorization."""
    resources = [e["resource"] for e in bundle["entry"]]
    app = FastAPI()

    @app.get("/fhir/{rtype}")
    def search(rtype: str, request: Request, page: int = 0) -> dict[str, Any]:
        if request.headers.get("authorization") != f"Bearer {TOKEN}":
            raise HTTPException(401)
        calls.append(f"{rtype}?page={page}")
        found = [r for r in resources if r["resourceType"] == rtype]
        chunk = found[page * PAGE : (page + 1) * PAGE]
        links = [{"relation": "self", "url": str(request.url)}]
        if (page + 1) * PAGE < len(found):
            links.append({"relation": "next", "url": str(request.url.include_query_params(page=page + 1))})
        return {
            "resourceType": "Bundle",
            "type": "searchset",
            "total": len(found),
            "link": links,
            "entry": [{"resource": r} for r in chunk],
        }

    @app.get("/fhir/{rtype}/{rid}")
    def read(rtype: str, rid: str) -> dict[str, Any]:
        for r in resources:
            if r["resourceType"] == rtype and r.get("id") == rid:
                return r
        raise HTTPException(404)

    return app


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    settings = CdsSettings(demo=True, as_of=as_of_for(EXAMPLE.stem), max_search_resources=200)
    with serve(create_cds_app(settings)) as url:
        yield url


def call(base: str, body: dict[str, Any]) -> httpx.Response:
    return httpx.post(f"{base}/cds-services/{cds.PATIENT_VIEW}", json=body, timeout=30)


def cards(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 200, response.text
    return [(c["summary"], c.get("detail", "")) for c in response.json()["cards"]]


def first_page_only(body: dict[str, Any], key: str, fhir: str) -> None:
    """Cut prefetch[key] to its first page, with the ``next`` link a server would give."""
    search = body["prefetch"][key]
    assert len(search["entry"]) > PAGE, "the example must need several pages"
    search["entry"] = search["entry"][:PAGE]
    rtype = cds.DATA_NEEDS[key].split("?")[0]
    search["link"] = [{"relation": "next", "url": f"{fhir}/fhir/{rtype}?page=1"}]


def with_server(body: dict[str, Any], fhir: str) -> dict[str, Any]:
    body["fhirServer"] = f"{fhir}/fhir"
    body["fhirAuthorization"] = {
        "access_token": TOKEN,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "patient/*.read",
        "subject": "cds-service",
    }
    return body


def test_a_paged_prefetch_is_completed_from_the_fhir_server(base: str) -> None:
    whole = cards(call(base, spec_request()))
    calls: list[str] = []
    with serve(paging_server(BUNDLE, calls)) as fhir:
        body = with_server(spec_request(), fhir)
        first_page_only(body, "administrations", fhir)
        got = cards(call(base, body))
    assert got == whole  # the same cards as with the whole history
    pages = [c for c in calls if c.startswith("MedicationAdministration")]
    assert (
        pages[0] == "MedicationAdministration?page=1" and len(pages) == -(-len(PATIENT.infusions) // PAGE) - 1
    )


def test_a_paged_prefetch_without_a_fhir_server_is_412(base: str) -> None:
    body = spec_request()
    body.pop("fhirServer", None)
    body.pop("fhirAuthorization", None)
    first_page_only(body, "administrations", "https://ehr.example")
    response = call(base, body)
    assert response.status_code == 412
    assert "administrations (only the first page" in response.json()["error"]


def test_an_operation_outcome_prefetch_is_fetched_again(base: str) -> None:
    whole = cards(call(base, spec_request()))
    calls: list[str] = []
    outcome = {
        "resourceType": "OperationOutcome",
        "issue": [{"severity": "error", "code": "timeout", "diagnostics": "search timed out"}],
    }
    with serve(paging_server(BUNDLE, calls)) as fhir:
        body = with_server(spec_request(), fhir)
        body["prefetch"]["administrations"] = copy.deepcopy(outcome)
        body["prefetch"]["observations"] = {
            "resourceType": "Bundle",
            "type": "searchset",
            "entry": [{"resource": copy.deepcopy(outcome), "search": {"mode": "outcome"}}],
        }
        got = cards(call(base, body))
    assert got == whole
    assert "MedicationAdministration?page=0" in calls and "Observation?page=0" in calls


def test_an_operation_outcome_prefetch_without_a_fhir_server_is_412(base: str) -> None:
    body = spec_request()
    body.pop("fhirServer", None)
    body.pop("fhirAuthorization", None)
    body["prefetch"]["administrations"] = {"resourceType": "OperationOutcome", "issue": []}
    response = call(base, body)
    assert response.status_code == 412
    assert "administrations (the client reported an error)" in response.json()["error"]


def test_a_search_beyond_the_bound_is_412_not_a_silent_cut() -> None:
    settings = CdsSettings(demo=True, as_of=as_of_for(EXAMPLE.stem), max_search_resources=PAGE + 1)
    calls: list[str] = []
    with serve(create_cds_app(settings)) as service, serve(paging_server(BUNDLE, calls)) as fhir:
        body = with_server(spec_request(), fhir)
        first_page_only(body, "administrations", fhir)
        response = call(service, body)
    assert response.status_code == 412
    assert f"more than {PAGE + 1} resources" in response.json()["error"]
