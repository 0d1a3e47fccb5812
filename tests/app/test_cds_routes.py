"""The CDS Hooks service over real HTTP: discovery, calls, feedback, security, malformed input."""

from __future__ import annotations

import asyncio
import copy
import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import FastAPI, HTTPException, Request
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alpha4.app.cds_app import create_cds_app
from alpha4.app.cds_routes import CdsSettings, MemoryAudit
from alpha4.domain import load_patient
from alpha4.interop import cds
from alpha4.interop.fhir_out import patient_to_bundle
from alpha4.interop.jwt import TrustedIssuer

from ..interop.conftest import EXAMPLES, as_of_for, spec
from ..interop.test_cds import prefetch_for
from .http_server import serve

ISS = "https://ehr.test"
KEY = ec.generate_private_key(ec.SECP384R1())
PUBLIC = pyjwt.algorithms.ECAlgorithm.to_jwk(KEY.public_key(), as_dict=True) | {"kid": "k1", "alg": "ES384"}
EXAMPLE = next(p for p in EXAMPLES if p.stem == "ms_jcv_stale")
PATIENT = load_patient(EXAMPLE.read_text())
BUNDLE = patient_to_bundle(PATIENT)


def token(url: str, **claims: Any) -> str:
    now = int(time.time())
    body = {
        "iss": ISS,
        "sub": "ehr-client",
        "aud": url,
        "iat": now,
        "exp": now + 240,
        "jti": str(uuid.uuid4()),
    }
    return pyjwt.encode(body | claims, KEY, algorithm="ES384", headers={"kid": "k1", "typ": "JWT"})


def app_settings(**extra: Any) -> CdsSettings:
    issuer = TrustedIssuer(ISS, jwks={"keys": [PUBLIC]})
    return CdsSettings(issuers=(issuer,), as_of=as_of_for(EXAMPLE.stem), **extra)


@pytest.fixture(scope="module")
def audit() -> MemoryAudit:
    return MemoryAudit()


@pytest.fixture(scope="module")
def base(audit: MemoryAudit) -> Iterator[str]:
    with serve(made_for=lambda url: create_cds_app(app_settings(public_base_url=url), audit=audit)) as url:
        yield url


def auth(url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(url)}"}


def spec_request() -> dict[str, Any]:
    """The specification's patient-view request, pointed at our patient, with our prefetch."""
    body = spec("patient-view-request.json")
    body["context"]["patientId"] = PATIENT.id
    body["prefetch"] = prefetch_for(BUNDLE)
    return body


def test_discovery(base: str) -> None:
    url = f"{base}/cds-services"
    response = httpx.get(url, headers=auth(url))
    assert response.status_code == 200
    doc = cds.Discovery.model_validate(response.json())
    assert {s.id for s in doc.services} == {cds.PATIENT_VIEW, cds.ORDER_SELECT, cds.ORDER_SIGN}


def test_patient_view_with_the_spec_request(base: str) -> None:
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
    response = httpx.post(url, json=spec_request(), headers=auth(url))
    assert response.status_code == 200, response.text
    cards = cds.CdsResponse.model_validate(response.json()).cards
    assert cards[0].indicator == "warning" and "HOLD" in cards[0].summary
    jcv = next(c for c in cards[1:] if c.source.topic and c.source.topic.code == "SCHEDULE_JCV_OVERDUE")
    action = jcv.suggestions[0].actions[0]  # type: ignore[index]
    assert action.type == "create" and action.resource["resourceType"] == "ServiceRequest"  # type: ignore[index]
    assert action.resource["code"]["coding"][0]["code"] == "70173-0"  # type: ignore[index]


def test_feedback_is_audited_once(base: str, audit: MemoryAudit) -> None:
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}/feedback"
    before = len(audit.events)
    for name in ("feedback-accepted.json", "feedback-overridden.json", "feedback-overridden-reason.json"):
        response = httpx.post(url, json=spec(name), headers=auth(url))
        assert response.status_code == 200 and response.json() == {"recorded": 1}
    again = httpx.post(url, json=spec("feedback-accepted.json"), headers=auth(url))
    assert again.json() == {"recorded": 0}
    recorded = audit.events[before:]
    assert [e["action"] for e in recorded] == [
        "cds.feedback.accepted",
        "cds.feedback.overridden",
        "cds.feedback.overridden",
    ]
    assert recorded[0]["actor"] == f"{ISS}|ehr-client"
    assert recorded[2]["after"]["overrideReason"]["userComment"] == "A comment entered by the clinician."


def test_security_errors(base: str) -> None:
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
    assert httpx.post(url, json=spec_request()).status_code == 401
    wrong_aud = {"Authorization": f"Bearer {token(base + '/cds-services/other')}"}
    assert httpx.post(url, json=spec_request(), headers=wrong_aud).status_code == 401
    headers = auth(url)
    assert httpx.post(url, json=spec_request(), headers=headers).status_code == 200
    replayed = httpx.post(url, json=spec_request(), headers=headers)
    assert replayed.status_code == 401 and "replay" in replayed.json()["error"]


def test_status_codes(base: str) -> None:
    unknown = f"{base}/cds-services/no-such-service"
    assert httpx.post(unknown, json=spec_request(), headers=auth(unknown)).status_code == 404
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
    bad = httpx.post(url, content=b"{not json", headers=auth(url))
    assert bad.status_code == 400 and "not JSON" in bad.json()["error"]
    no_context = {k: v for k, v in spec_request().items() if k != "context"}
    assert httpx.post(url, json=no_context, headers=auth(url)).status_code == 400
    no_data = spec_request()
    del no_data["prefetch"], no_data["fhirServer"], no_data["fhirAuthorization"]
    response = httpx.post(url, json=no_data, headers=auth(url))
    assert response.status_code == 412 and "prefetch lacks" in response.json()["error"]


def card_codes_of(response: httpx.Response) -> list[str]:
    return [c["source"].get("topic", {}).get("code", "") for c in response.json()["cards"]]


def test_reopened_chart_reuses_the_evaluation_but_not_the_card_ids(base: str) -> None:
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
    first = httpx.post(url, json=spec_request(), headers=auth(url))
    again_body = spec_request() | {"hookInstance": str(uuid.uuid4())}
    again_body["context"]["userId"] = "Practitioner/another-clinician"
    again = httpx.post(url, json=again_body, headers=auth(url))
    assert first.status_code == again.status_code == 200
    strip = [{k: v for k, v in c.items() if k not in ("uuid", "suggestions")} for c in first.json()["cards"]]
    assert strip == [
        {k: v for k, v in c.items() if k not in ("uuid", "suggestions")} for c in again.json()["cards"]
    ]
    first_ids = {c["uuid"] for c in first.json()["cards"]}
    assert first_ids.isdisjoint(c["uuid"] for c in again.json()["cards"])  # ids belong to one hook call


def test_new_data_in_the_chart_is_never_answered_from_the_cache(base: str) -> None:
    """The JCV result is overdue (a hold); once a new negative result is in the chart, it is not."""
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
    before = httpx.post(url, json=spec_request(), headers=auth(url))
    assert "SCHEDULE_JCV_OVERDUE" in card_codes_of(before)
    body = spec_request()
    old = next(
        e["resource"]
        for e in body["prefetch"]["observations"]["entry"]
        if e["resource"]["id"] == "ms-jcv-stale-jcv-38"
    )
    fresh = copy.deepcopy(old) | {"id": "jcv-new", "effectiveDateTime": "2026-11-20"}
    fresh["identifier"] = [{"system": "https://ehr.test/lab", "value": "jcv-new"}]
    body["prefetch"]["observations"]["entry"].append({"resource": fresh})
    after = httpx.post(url, json=body, headers=auth(url))
    assert after.status_code == 200, after.text
    assert "SCHEDULE_JCV_OVERDUE" not in card_codes_of(after)
    assert "SCHEDULE_JCV_OVERDUE" in card_codes_of(httpx.post(url, json=spec_request(), headers=auth(url)))


def fhir_server(bundle: dict[str, Any]) -> FastAPI:
    """A small FHIR-shaped server: read by id and search by type (patient-scoped)."""
    resources = [e["resource"] for e in bundle["entry"]]
    app = FastAPI()

    @app.get("/fhir/{rtype}/{rid}")
    def read(rtype: str, rid: str, request: Request) -> dict[str, Any]:
        if request.headers.get("authorization") != "Bearer some-opaque-fhir-access-token":
            raise HTTPException(401)
        for r in resources:
            if r["resourceType"] == rtype and r["id"] == rid:
                return r
        raise HTTPException(404)

    @app.get("/fhir/{rtype}")
    def search(rtype: str) -> dict[str, Any]:
        found = [{"resource": r} for r in resources if r["resourceType"] == rtype]
        return {"resourceType": "Bundle", "type": "searchset", "total": len(found), "entry": found}

    return app


def test_missing_prefetch_is_fetched_from_the_fhir_server(base: str) -> None:
    with serve(fhir_server(BUNDLE)) as fhir:
        body = spec_request()
        body["fhirServer"] = f"{fhir}/fhir"
        del body["prefetch"]["observations"], body["prefetch"]["patient"]
        url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
        response = httpx.post(url, json=body, headers=auth(url))
    assert response.status_code == 200, response.text
    assert "HOLD" in response.json()["cards"][0]["summary"]


def test_missing_prefetch_searches_run_at_once_and_all_their_data_is_used(base: str) -> None:
    """With no prefetch at all every search goes to the FHIR server, all in flight together
    (a chart opening waits for the slowest search, not for their sum), and the answer is the same."""
    app = fhir_server(BUNDLE)
    flight = {"now": 0, "peak": 0}

    @app.middleware("http")
    async def count_in_flight(request: Request, call_next: Any) -> Any:
        flight["now"] += 1
        flight["peak"] = max(flight["peak"], flight["now"])
        await asyncio.sleep(0.2)  # a slow EHR: the others arrive meanwhile if they were sent at once
        try:
            return await call_next(request)
        finally:
            flight["now"] -= 1

    with serve(app) as fhir:
        body = spec_request()
        body["fhirServer"] = f"{fhir}/fhir"
        del body["prefetch"]
        url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
        response = httpx.post(url, json=body, headers=auth(url))
    assert response.status_code == 200, response.text
    assert "SCHEDULE_JCV_OVERDUE" in card_codes_of(response)
    assert len(cds.DATA_NEEDS) >= flight["peak"] > 1  # sequential searches would never overlap


def test_unreachable_fhir_server_gives_412(base: str) -> None:
    body = spec_request()  # fhirServer is the specification's example host
    del body["prefetch"]["observations"]
    body["fhirServer"] = "http://127.0.0.1:9"
    url = f"{base}/cds-services/{cds.PATIENT_VIEW}"
    assert httpx.post(url, json=body, headers=auth(url)).status_code == 412


def test_order_sign_spec_example_over_http(base: str) -> None:
    body = copy.deepcopy(spec_request())
    body["hook"] = "order-sign"
    context = spec("order-sign-context-r4.json")["context"]
    body["context"] = context | {"patientId": PATIENT.id}
    url = f"{base}/cds-services/{cds.ORDER_SIGN}"
    response = httpx.post(url, json=body, headers=auth(url))
    assert response.status_code == 200 and response.json() == {"cards": []}


# --- fuzz: a malformed request never gets a 500 ------------------------------------------------
@pytest.fixture(scope="module")
def demo() -> Iterator[httpx.Client]:
    with serve(create_cds_app(CdsSettings(demo=True))) as url, httpx.Client(base_url=url) as client:
        yield client


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)


def mutated_request() -> st.SearchStrategy[Any]:
    base_body = spec_request()
    keys = st.sampled_from(["hook", "hookInstance", "context", "prefetch", "fhirServer", "fhirAuthorization"])
    return st.one_of(
        json_values,
        st.builds(lambda k, v: {**base_body, k: v}, keys, json_values),
        st.builds(
            lambda k, v: {**base_body, "prefetch": {**base_body["prefetch"], k: v}},
            st.sampled_from(sorted(cds.DATA_NEEDS)),
            json_values,
        ),
        st.builds(
            lambda k, v: {**base_body, "context": {**base_body["context"], k: v}},
            st.text(max_size=10),
            json_values,
        ),
    )


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(body=mutated_request(), service=st.sampled_from([cds.PATIENT_VIEW, cds.ORDER_SIGN, "x"]))
def test_fuzz_never_500(demo: httpx.Client, body: Any, service: str) -> None:
    response = demo.post(f"/cds-services/{service}", content=json.dumps(body))
    assert response.status_code in (200, 400, 404, 412), response.text
    feedback = demo.post(f"/cds-services/{service}/feedback", content=json.dumps(body))
    assert feedback.status_code in (200, 400, 404)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=200))
def test_fuzz_bytes(demo: httpx.Client, raw: bytes) -> None:
    assert demo.post(f"/cds-services/{cds.PATIENT_VIEW}", content=raw).status_code == 400
