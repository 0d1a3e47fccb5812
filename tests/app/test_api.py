"""The REST API: tokens, roles, records with versions, the visit, validation with field paths."""

from __future__ import annotations

from fastapi.testclient import TestClient

from alpha4.store.users import Role
from tests.timelines import ALL_CLEAR

from .conftest import TODAY, bearer


def test_openapi_document_has_stable_operation_ids(client: TestClient) -> None:
    doc = client.get("/api/v1/openapi.json").json()
    ops = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    for op in (
        "createToken",
        "getWorklist",
        "listPatients",
        "getPatient",
        "getAssessment",
        "listRecords",
        "getRecordHistory",
        "addLabResult",
        "correctLabResult",
        "retractLabResult",
        "addJcvResult",
        "recordChecklist",
        "clearHold",
        "recordInfusion",
    ):
        assert op in ops, op
    assert "/api/v1/worklist" in doc["paths"]
    assert not any(p.startswith("/patients/") for p in doc["paths"])  # pages are not API


def test_token_is_required_and_roles_apply(client: TestClient) -> None:
    assert client.get("/api/v1/worklist").status_code == 401
    assert client.get("/api/v1/worklist", headers={"Authorization": "Bearer nonsense"}).status_code == 401
    assert client.post("/api/v1/token", data={"username": "nurse1", "password": "wrong"}).status_code == 400
    analyst = bearer(client, Role.ANALYST)
    rows = client.get("/api/v1/worklist", headers=analyst).json()
    assert rows[0]["gate"] == "stop" and {"patient_id", "next_infusion", "items"} <= rows[0].keys()
    lab = {"id": "api-lab-1", "date": TODAY.isoformat(), "loinc": "731-0", "value": 1.5, "unit": "10*3/uL"}
    assert client.post("/api/v1/patients/GO-1/records/labs", json=lab, headers=analyst).status_code == 403


def test_filters_on_the_api_worklist(client: TestClient) -> None:
    h = bearer(client, Role.COORDINATOR)
    ids = {r["patient_id"] for r in client.get("/api/v1/worklist?antibodies=true", headers=h).json()}
    assert "STOP-1" in ids and "GO-2" not in ids
    assert client.get("/api/v1/worklist?due=yesterday", headers=h).status_code == 422


def test_patient_and_assessment(client: TestClient) -> None:
    h = bearer(client, Role.COORDINATOR)
    patient = client.get("/api/v1/patients/HOLD-1", headers=h).json()
    assert patient["id"] == "HOLD-1" and patient["infusions"]
    a = client.get("/api/v1/patients/HOLD-1/assessment", headers=h).json()
    assert a["gate"]["decision"] == "hold" and "SCHEDULE_JCV_OVERDUE" in a["gate"]["reasons"]
    assert all(
        {"code", "severity", "title", "detail", "action", "evidence", "sources"} <= f.keys()
        for f in a["findings"]
    )
    assert client.get("/api/v1/patients/NOPE", headers=h).status_code == 404
    summaries = client.get("/api/v1/patients", headers=h).json()
    assert {"GO-1", "HOLD-1"} <= {s["patient_id"] for s in summaries}


def test_add_correct_retract_with_versions(client: TestClient) -> None:
    h = bearer(client, Role.COORDINATOR)
    lab = {"id": "api-lab-1", "date": TODAY.isoformat(), "loinc": "731-0", "value": 1.5, "unit": "10*3/uL"}
    r = client.post("/api/v1/patients/GO-1/records/labs", json=lab, headers=h)
    assert r.status_code == 201 and r.json()["version"] == 1 and r.json()["recorded_by"] == "coordinator1"
    assert client.post("/api/v1/patients/GO-1/records/labs", json=lab, headers=h).status_code == 409
    body = {"version": 1, "reason": "unit was wrong", "record": {**lab, "value": 1.6}}
    r = client.put("/api/v1/patients/GO-1/records/labs/api-lab-1", json=body, headers=h)
    assert r.status_code == 200 and r.json()["version"] == 2
    assert client.put("/api/v1/patients/GO-1/records/labs/api-lab-1", json=body, headers=h).status_code == 409
    r = client.post(
        "/api/v1/patients/GO-1/records/labs/api-lab-1/retraction",
        json={"version": 2, "reason": "duplicate"},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["retracted"]
    history = client.get("/api/v1/patients/GO-1/records/labs/api-lab-1/history", headers=h).json()
    assert [v["version"] for v in history] == [1, 2, 3]
    assert [v["record"]["value"] for v in history[:2]] == [1.5, 1.6]


def test_bad_bodies_answer_422_with_the_field_path(client: TestClient) -> None:
    h = bearer(client, Role.COORDINATOR)
    bad = {"id": "x1", "date": TODAY.isoformat(), "loinc": "731-0", "value": "lots", "unit": "10*3/uL"}
    r = client.post("/api/v1/patients/GO-1/records/labs", json=bad, headers=h)
    assert r.status_code == 422 and ["body", "value"] in [e["loc"] for e in r.json()["detail"]]
    future = {"id": "x2", "date": "2999-01-01", "loinc": "731-0", "value": 1.0, "unit": "10*3/uL"}
    r = client.post("/api/v1/patients/GO-1/records/labs", json=future, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "date"]
    unit = {"id": "x3", "date": TODAY.isoformat(), "loinc": "731-0", "value": 1.0, "unit": "furlongs"}
    r = client.post("/api/v1/patients/GO-1/records/labs", json=unit, headers=h)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "unit"]
    assert client.get("/api/v1/patients/GO-1/records", headers=h).json()  # still readable
    ids = {r["record_id"] for r in client.get("/api/v1/patients/GO-1/records", headers=h).json()}
    assert not {"x1", "x2", "x3"} & ids  # nothing half-saved


def test_the_visit_through_the_api(client: TestClient) -> None:
    nurse = bearer(client, Role.NURSE)
    infusion = {"id": "api-inf-1", "date": TODAY.isoformat(), "dose_mg": 300, "observation_minutes": 60}
    r = client.post("/api/v1/patients/HOLD-1/infusions", json=infusion, headers=nurse)
    assert r.status_code == 409 and r.json()["assessment"]["gate"]["decision"] == "hold"
    a = client.post("/api/v1/patients/HOLD-1/checklist", json=ALL_CLEAR, headers=nurse).json()
    assert a["gate"]["decision"] == "hold"
    clearance = {"code": "SCHEDULE_JCV_OVERDUE", "reason": "JCV drawn today"}
    assert client.post("/api/v1/patients/HOLD-1/clearances", json=clearance, headers=nurse).status_code == 403
    prescriber = bearer(client, Role.PRESCRIBER)
    a = client.post("/api/v1/patients/HOLD-1/clearances", json=clearance, headers=prescriber).json()
    assert a["gate"]["decision"] == "go" and a["gate"]["cleared"][0]["prescriber"] == "prescriber1"
    r = client.post("/api/v1/patients/HOLD-1/infusions", json=infusion, headers=nurse)
    assert r.status_code == 201 and r.json()["record_id"] == "api-inf-1"
    wrong_day = {**infusion, "id": "api-inf-2", "date": "2020-01-01"}
    r = client.post("/api/v1/patients/GO-1/infusions", json=wrong_day, headers=nurse)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "date"]


def test_correct_demographics_with_version_reason_and_history(client: TestClient) -> None:
    h = bearer(client, Role.PRESCRIBER)
    history = client.get("/api/v1/patients/P000003/demographics/history", headers=h).json()
    assert [v["version"] for v in history] == [1]
    body = {"version": 1, "reason": "sex entered wrongly", "changes": {"sex": "male", "site": "Ward 2"}}
    nurse = bearer(client, Role.NURSE)
    assert client.put("/api/v1/patients/P000003/demographics", json=body, headers=nurse).status_code == 403
    r = client.put("/api/v1/patients/P000003/demographics", json=body, headers=h)
    assert r.status_code == 200 and r.json()["version"] == 2, r.text
    assert r.json()["record"]["sex"] == "male" and r.json()["record"]["site"] == "Ward 2"
    assert client.put("/api/v1/patients/P000003/demographics", json=body, headers=h).status_code == 409
    bad = {"version": 2, "reason": "typo", "changes": {"sex": "unknown-value"}}
    r = client.put("/api/v1/patients/P000003/demographics", json=bad, headers=h)
    assert r.status_code == 422 and "sex" in r.text
    not_demographic = {"version": 2, "reason": "typo", "changes": {"infusions": []}}
    r = client.put("/api/v1/patients/P000003/demographics", json=not_demographic, headers=h)
    assert r.status_code == 422 and "not a demographic field" in r.text
    history = client.get("/api/v1/patients/P000003/demographics/history", headers=h).json()
    assert [v["version"] for v in history] == [1, 2] and history[0]["current"] is False


def test_a_body_with_a_key_given_twice_is_refused_and_nothing_is_written(client: TestClient) -> None:
    """Readers disagree on which of two equal keys wins: the API refuses the body, as the import does."""
    h = bearer(client, Role.COORDINATOR) | {"content-type": "application/json"}
    body = (
        f'{{"id": "dup-1", "date": "{TODAY.isoformat()}", "loinc": "1742-6", "value": 400, "value": 32,'
        ' "unit": "U/L"}'
    )
    r = client.post("/api/v1/patients/GO-1/records/labs", content=body, headers=h)
    assert r.status_code == 422
    assert r.json()["detail"] == [
        {"loc": ["body"], "msg": "the key 'value' appears twice in one object", "type": "json_invalid"}
    ]
    nan = body.replace('"value": 400, "value": 32', '"value": NaN')
    r = client.post("/api/v1/patients/GO-1/records/labs", content=nan, headers=h)
    assert r.status_code == 422 and "NaN is not a number" in r.json()["detail"][0]["msg"]
    ids = {r["record_id"] for r in client.get("/api/v1/patients/GO-1/records", headers=h).json()}
    assert "dup-1" not in ids
    once = body.replace('"value": 400, "value": 32', '"value": 32')
    assert client.post("/api/v1/patients/GO-1/records/labs", content=once, headers=h).status_code == 201
