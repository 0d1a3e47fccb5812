"""One patient whose record cannot be assessed never takes the worklist, the API list or the
patient pages of the others down: it is listed as "cannot be assessed: <reason>"."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from alpha4.app import services
from alpha4.app.main import create_app
from alpha4.rules import assess as real_assess
from alpha4.settings import Settings
from alpha4.store import Database, summary
from alpha4.store.users import Role
from tests.app.conftest import bearer, build_registry, sign_in, web_settings


@pytest.fixture(scope="module")
def registry_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("isolation") / "template.sqlite3"
    build_registry(path, cohort=2)
    return path


@pytest.fixture
def broken_registry(
    registry_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[TestClient]:
    """GO-1's stored infusion dose is negative (written before the bound); the rules fail on GO-2."""
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(registry_file, path)
    db = Database(f"sqlite:///{path}")
    with db.writing() as session:
        row = session.execute(
            text(
                "SELECT r.pk, r.payload FROM timeline_record r JOIN patient p ON p.pk = r.patient_pk "
                "WHERE p.patient_id = 'GO-1' AND r.kind = 'infusions' AND r.is_current LIMIT 1"
            )
        ).one()
        payload = json.loads(row.payload) if isinstance(row.payload, str) else dict(row.payload)
        payload["dose_mg"] = -300
        session.execute(text("DROP TRIGGER timeline_record_frozen"))  # as a row written before the bound
        session.execute(
            text("UPDATE timeline_record SET payload = :p WHERE pk = :pk"),
            {"p": json.dumps(payload), "pk": row.pk},
        )
    db.dispose()

    def failing_assess(patient, day, profile, checklist=None):  # type: ignore[no-untyped-def]
        if patient.id == "GO-2":
            raise ZeroDivisionError("division by zero")
        return real_assess(patient, day, profile, checklist)

    monkeypatch.setattr(services, "assess", failing_assess)
    monkeypatch.setattr(summary, "assess", failing_assess)  # the worklist reads the summary table
    with db.writing() as session:  # as after an upgrade: every summary is recomputed from the rows
        session.execute(text("DELETE FROM patient_summary"))
    db.dispose()
    app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web_settings())
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        yield client


def test_the_worklist_lists_the_patients_that_cannot_be_assessed_and_shows_the_rest(
    broken_registry: TestClient,
) -> None:
    client = broken_registry
    sign_in(client, Role.NURSE)
    page = client.get("/")
    assert page.status_code == 200
    assert 'data-patient="HOLD-1"' in page.text and 'data-patient="STOP-1"' in page.text
    assert "Cannot be assessed (2)" in page.text
    assert "cannot be assessed: infusions.0.dose_mg: Input should be greater than 0" in page.text
    assert "cannot be assessed: ZeroDivisionError: division by zero" in page.text
    assert 'tr class="row-go" data-patient="GO-1"' not in page.text  # never shown as go
    detail = client.get("/patients/GO-1")
    assert detail.status_code == 409
    assert "patient GO-1 cannot be assessed: infusions.0.dose_mg" in detail.text
    assert client.get("/patients/HOLD-1").status_code == 200


def test_the_api_lists_every_patient_with_unknown_for_the_unassessable(broken_registry: TestClient) -> None:
    client = broken_registry
    auth = bearer(client, Role.NURSE)
    listed = {p["patient_id"]: p for p in client.get("/api/v1/patients", headers=auth).json()}
    assert listed["GO-1"] == {
        "patient_id": "GO-1",
        "indication": "",
        "gate": "unknown",
        "next_infusion": None,
        "pml_risk_per_1000": None,
        "problem": "cannot be assessed: infusions.0.dose_mg: Input should be greater than 0",
        "age_band": None,
    }
    assert listed["GO-2"]["problem"] == "cannot be assessed: ZeroDivisionError: division by zero"
    assert listed["HOLD-1"]["gate"] == "hold" and listed["HOLD-1"]["problem"] is None
    assert len(listed) == 8  # 6 named + 2 synthetic: nobody left out
    r = client.get("/api/v1/patients/GO-1/assessment", headers=auth)
    assert r.status_code == 409
    assert r.json() == {
        "detail": "patient GO-1 cannot be assessed: infusions.0.dose_mg: Input should be greater than 0"
    }
    assert client.get("/api/v1/worklist", headers=auth).status_code == 200
