"""An infusion comes into existence only through the checklist and the gate: a correction may not
move its date (except a prescriber's, with the reason, and never to today or later)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi.testclient import TestClient

from alpha4.store.users import Role

from .conftest import TODAY, bearer


def _last_infusion(client: TestClient, auth: dict[str, str]) -> dict[str, Any]:
    records = client.get("/api/v1/patients/GO-1/records", headers=auth).json()
    infusions = [r for r in records if r["kind"] == "infusions" and not r["retracted"]]
    return max(infusions, key=lambda r: r["record"]["date"])


def _correct(client: TestClient, auth: dict[str, str], current: dict[str, Any], **changes: Any) -> Any:
    record = {**current["record"], **changes}
    body = {"version": current["version"], "reason": "transcription error", "record": record}
    return client.put(f"/api/v1/patients/GO-1/records/infusions/{record['id']}", json=body, headers=auth)


def test_a_nurse_may_correct_an_infusion_but_not_move_its_date(client: TestClient) -> None:
    nurse = bearer(client, Role.NURSE)
    current = _last_infusion(client, nurse)
    day = dt.date.fromisoformat(current["record"]["date"])
    moved = _correct(client, nurse, current, date=(day - dt.timedelta(days=1)).isoformat())
    assert moved.status_code == 422
    assert moved.json()["detail"][0]["loc"] == ["body", "date"]
    assert moved.json()["detail"][0]["msg"].startswith("only a prescriber may move an infusion's date")
    kept = _correct(client, nurse, current, observation_minutes=45)
    assert kept.status_code == 200 and kept.json()["version"] == current["version"] + 1


def test_a_prescriber_may_move_an_infusion_into_the_past_but_never_to_today(client: TestClient) -> None:
    doctor = bearer(client, Role.PRESCRIBER)
    current = _last_infusion(client, doctor)
    day = dt.date.fromisoformat(current["record"]["date"])
    to_today = _correct(client, doctor, current, date=TODAY.isoformat())
    assert to_today.status_code == 422
    assert "recorded through the checklist and the gate" in to_today.json()["detail"][0]["msg"]
    earlier = _correct(client, doctor, current, date=(day - dt.timedelta(days=2)).isoformat())
    assert earlier.status_code == 200, earlier.text
    assert earlier.json()["record"]["date"] == (day - dt.timedelta(days=2)).isoformat()


def test_a_new_infusion_only_comes_through_the_gate(client: TestClient) -> None:
    doctor = bearer(client, Role.PRESCRIBER)
    body = {"id": "sneaky-1", "date": (TODAY - dt.timedelta(days=3)).isoformat(), "dose_mg": 300}
    assert client.post("/api/v1/patients/GO-1/records/infusions", json=body, headers=doctor).status_code in (404, 405)  # no such route
    r = client.post("/api/v1/patients/GO-1/infusions", json=body, headers=doctor)
    assert r.status_code == 422  # only today's infusion, and only when today's gate says go
