"""Sign-in, cookies, CSRF, throttling, headers, logs and the audit trail."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from alpha4.app.deps import CSRF_COOKIE, SESSION_COOKIE
from alpha4.settings import Settings
from alpha4.store import Database, verify_audit_chain
from alpha4.store.audit import entries_for
from alpha4.store.users import Role

from .conftest import PASSWORD, USERS, csrf_of, sign_in


def test_sign_in_sets_secure_http_only_same_site_cookies(client: TestClient) -> None:
    token = csrf_of(client)
    r = client.post("/login", data={"username": USERS[Role.NURSE], "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303 and r.headers["location"] == "/"
    cookies = [v for k, v in r.headers.multi_items() if k == "set-cookie"]
    session = next(c for c in cookies if c.startswith(SESSION_COOKIE + "="))
    for flag in ("Secure", "HttpOnly", "SameSite=strict", "Path=/"):
        assert flag.lower() in session.lower(), session
    assert any(c.startswith(CSRF_COOKIE + "=") for c in cookies), "a new CSRF token for the new session"
    assert client.get("/").status_code == 200


def test_wrong_password_is_refused_with_one_message(client: TestClient) -> None:
    token = csrf_of(client)
    r = client.post(
        "/login", data={"username": USERS[Role.NURSE], "password": "wrong password!", "csrf_token": token}
    )
    assert r.status_code == 400 and "User name or password is not right" in r.text
    r = client.post("/login", data={"username": "nobody", "password": "wrong password!", "csrf_token": token})
    assert r.status_code == 400 and "User name or password is not right" in r.text
    assert client.get("/").status_code == 303


def test_a_forged_or_expired_session_is_not_accepted(client: TestClient) -> None:
    client.cookies.set(SESSION_COOKIE, "eyJ0eXAiOiJzZXNzaW9uIiwidSI6ImFkbWluMSJ9.forged")
    assert client.get("/").status_code == 303


def test_sign_in_is_throttled_after_repeated_failures(client: TestClient) -> None:
    token = csrf_of(client)
    for _ in range(5):
        r = client.post(
            "/login", data={"username": USERS[Role.NURSE], "password": "nope-nope-nope", "csrf_token": token}
        )
        assert r.status_code == 400
    r = client.post("/login", data={"username": USERS[Role.NURSE], "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429 and "Too many failed sign-ins" in r.text
    assert int(r.headers["retry-after"]) > 0
    r = client.post("/api/v1/token", data={"username": USERS[Role.NURSE], "password": PASSWORD})
    assert r.status_code == 429
    # a colleague on the same clinic PC (one address) can still sign in; the address has a higher limit
    r = client.post(
        "/login", data={"username": USERS[Role.PRESCRIBER], "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 303
    client.cookies.clear()
    token = csrf_of(client)
    for n in range(50):
        client.post(
            "/login", data={"username": f"guess{n}", "password": "nope-nope-nope", "csrf_token": token}
        )
    r = client.post(
        "/login", data={"username": USERS[Role.COORDINATOR], "password": PASSWORD, "csrf_token": token}
    )
    assert r.status_code == 429  # 50 failures from one address: everyone there waits


def test_every_form_needs_the_csrf_token(client: TestClient) -> None:
    r = client.post("/login", data={"username": USERS[Role.NURSE], "password": PASSWORD})
    assert r.status_code == 403 and "Form expired" in r.text
    sign_in(client, Role.NURSE)
    for url, data in [
        ("/patients/GO-1/checklist", {"authorization_verified": "yes"}),
        ("/patients/GO-1/records/labs/new", {"loinc": "731-0", "value": "1.2", "unit": "10*3/uL"}),
        ("/logout", {}),
    ]:
        assert client.post(url, data=data).status_code == 403, url
        assert client.post(url, data={**data, "csrf_token": "not-the-token"}).status_code == 403, url


def test_the_api_writes_only_with_a_bearer_token(client: TestClient) -> None:
    sign_in(client, Role.NURSE)
    assert client.get("/api/v1/worklist").status_code == 200  # reading with the session is fine
    r = client.post("/api/v1/patients/GO-1/checklist", json={"authorization_verified": True})
    assert r.status_code == 401  # a cookie alone cannot write through the API (no CSRF there)


def test_security_headers_on_every_response(client: TestClient) -> None:
    for url in ("/login", "/static/app.css", "/api/v1/openapi.json"):
        h = client.get(url).headers
        assert (
            "default-src 'self'" in h["content-security-policy"]
            and "script-src 'none'" in h["content-security-policy"]
        )
        assert h["x-content-type-options"] == "nosniff"
        assert h["x-frame-options"] == "DENY"
        assert h["referrer-policy"] == "no-referrer"
    assert client.get("/login").headers["cache-control"] == "no-store"


def test_logs_name_routes_not_patients(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    sign_in(client, Role.NURSE)
    with caplog.at_level(logging.INFO, logger="alpha4.web"):
        assert client.get("/patients/HOLD-1").status_code == 200
        assert client.get("/api/v1/patients/HOLD-1/assessment").status_code == 200
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "/patients/{patient_id}" in text
    assert "HOLD-1" not in text


def test_every_write_is_audited_with_the_user(client: TestClient, db_path: object) -> None:
    sign_in(client, Role.COORDINATOR)
    token = csrf_of(client, "/")
    r = client.post(
        "/patients/GO-1/records/labs/new",
        data={"csrf_token": token, "date": "2026-01-05", "loinc": "731-0", "value": "1.4", "unit": "10*3/uL"},
    )
    assert r.status_code == 303, r.text
    db = Database(Settings(database_url=f"sqlite:///{db_path}").database_url)
    with db.reading() as session:
        entries = entries_for(session=session, entity_id_prefix="GO-1/labs/")
        assert (
            entries and entries[-1].actor == USERS[Role.COORDINATOR] and entries[-1].action == "record.create"
        )
        assert verify_audit_chain(session=session) is None
    db.dispose()
