"""The analyst role sees de-identified data only: pseudonymous ids, age bands, no patient pages."""

from __future__ import annotations

import datetime as dt
import itertools
import re

from fastapi.testclient import TestClient

from alpha4.app.deidentify import MAX_SHIFT_DAYS
from alpha4.app.security import pseudonym
from alpha4.store.users import Role

from .conftest import NAMED, bearer, sign_in


def test_an_analyst_gets_pseudonyms_and_age_bands_over_rest(client: TestClient) -> None:
    analyst = bearer(client, Role.ANALYST)
    nurse = bearer(client, Role.NURSE)
    listed = client.get("/api/v1/patients", headers=analyst).json()
    identified = client.get("/api/v1/patients", headers=nurse).json()
    assert len(listed) == len(identified) == 46
    assert all(re.fullmatch(r"anon-[0-9a-f]{16}", p["patient_id"]) for p in listed)
    assert {p["patient_id"] for p in identified} >= set(NAMED)
    assert all(re.fullmatch(r"[0-9]0-[0-9]9|90\+", p["age_band"]) for p in listed)
    assert sorted(p["gate"] for p in listed) == sorted(p["gate"] for p in identified)  # same answers
    worklist = client.get("/api/v1/worklist?all_patients=true", headers=analyst).json()
    assert worklist and all(r["patient_id"].startswith("anon-") for r in worklist)
    body = str(listed) + str(worklist)
    assert not any(pid in body for pid in NAMED) and "birth" not in body
    for path in (
        "/api/v1/patients/GO-1",
        "/api/v1/patients/GO-1/assessment",
        "/api/v1/patients/GO-1/records",
    ):
        assert client.get(path, headers=analyst).status_code == 403, path


def test_an_analyst_sees_the_worklist_page_without_identities(client: TestClient) -> None:
    sign_in(client, Role.ANALYST)
    page = client.get("/?all=true")
    assert page.status_code == 200
    assert "anon-" in page.text and "GO-1" not in page.text and 'href="/patients/' not in page.text
    assert client.get("/patients/GO-1").status_code == 403


def test_the_analysts_export_is_de_identified_and_keeps_the_clinical_content(client: TestClient) -> None:
    analyst = bearer(client, Role.ANALYST)
    exported = client.get("/api/v1/export/deidentified", headers=analyst)
    assert exported.status_code == 200
    patients = exported.json()
    assert len(patients) == 46
    text = exported.text
    assert not any(pid in text for pid in NAMED)
    for word in ('"birth_date"', '"source_ref"', '"id"', '"site"', '"report"', '"reason"'):
        assert word not in text, word
    listed = {p["patient_id"] for p in client.get("/api/v1/patients", headers=analyst).json()}
    assert {p["patient_id"] for p in patients} == listed  # the same pseudonyms as the list
    coordinator = bearer(client, Role.COORDINATOR)
    hold = client.get("/api/v1/patients/HOLD-1", headers=coordinator).json()
    real = [dt.date.fromisoformat(i["date"]) for i in hold["infusions"]]
    key = client.app.state.web.signing_key()  # type: ignore[attr-defined]
    same = [p for p in patients if p["patient_id"] == pseudonym(key, "HOLD-1")]
    assert len(same) == 1 and same[0]["sex"] == hold["sex"]
    assert [i["dose_mg"] for i in same[0]["infusions"]] == [i["dose_mg"] for i in hold["infusions"]]
    assert _gaps([dt.date.fromisoformat(i["date"]) for i in same[0]["infusions"]]) == _gaps(
        real
    )  # intervals kept
    shown = [dt.date.fromisoformat(i["date"]) for i in same[0]["infusions"]]
    shift = {(s - r).days for s, r in zip(shown, real, strict=True)}
    assert len(shift) == 1 and 0 < abs(shift.pop()) <= MAX_SHIFT_DAYS  # every date moved, by one offset
    assert not set(shown) & set(real)


def _gaps(days: list[dt.date]) -> list[int]:
    return [(b - a).days for a, b in itertools.pairwise(days)]
