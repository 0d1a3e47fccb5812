"""Failures the user sees: an oversized body is 413; an unreachable registry is 503 with the app's
own page (JSON for the API), a retry hint, and a log line without SQL or patient data."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import psycopg
import pytest
from fastapi.testclient import TestClient
from psycopg import sql

from alpha4.app.main import UNREACHABLE, create_app
from alpha4.settings import Settings
from alpha4.store import Database
from alpha4.store.users import Role, create_user
from tests.app.conftest import PASSWORD, USERS, bearer, sign_in, web_settings
from tests.dbfixtures import ADMIN_URL, PostgresServer


def test_a_body_over_the_limit_is_413_and_the_limit_is_per_route(client: TestClient) -> None:
    auth = bearer(client, Role.NURSE)
    big = b'{"id": "x", "date": "2024-01-01", "weight_kg": 70, "source_ref": "' + b"x" * (1024 * 1024) + b'"}'
    r = client.post(
        "/api/v1/patients/GO-1/records/weights",
        content=big,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert r.json() == {"detail": "the request body is larger than 1,048,576 bytes"}
    page = client.post(
        "/login",
        content=b"username=" + b"a" * (2 * 1024 * 1024),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert page.status_code == 413 and "Not saved" in page.text

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 100_000

    r = client.post("/api/v1/patients/GO-1/records/weights", content=chunks(), headers=auth)
    assert r.status_code == 413
    # a CDS Hooks call may be larger (prefetched bundles), up to its own limit
    r = client.post(
        "/cds-services/natalizumab-infusion-gate",
        content=b"{" + b" " * 2_000_000 + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code != 413


@pytest.fixture
def vanishing_registry(postgres_server: PostgresServer) -> Iterator[tuple[TestClient, str]]:
    url = postgres_server.new_database()
    db = Database(url)
    with db.writing() as session:
        create_user(
            session=session,
            username=USERS[Role.NURSE],
            password=PASSWORD,
            roles=[Role.NURSE],
            actor="t",
            at=dt.datetime.now(dt.UTC),
        )
    db.dispose()
    app = create_app(Settings(database_url=url), web=web_settings())
    with TestClient(
        app, base_url="https://testserver", follow_redirects=False, raise_server_exceptions=False
    ) as c:
        yield c, url.rsplit("/", 1)[1]


def test_an_unreachable_registry_is_503_with_a_retry_hint_and_no_patient_data_in_the_log(
    vanishing_registry: tuple[TestClient, str], caplog: pytest.LogCaptureFixture
) -> None:
    client, name = vanishing_registry
    sign_in(client, Role.NURSE)
    signed_in_cookies = dict(client.cookies)
    client.cookies.clear()
    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
    caplog.set_level(logging.INFO, logger="alpha4")
    r = client.post("/api/v1/token", data={"username": "someone-secret", "password": "pw-secret"})
    assert r.status_code == 503
    assert r.json() == {"detail": UNREACHABLE}
    assert r.headers["retry-after"] == "30"
    page = client.post(
        "/login", data={"username": "someone-secret", "password": "pw-secret", "csrf_token": "x"}
    )
    assert page.status_code in (403, 503)  # the CSRF check may answer first; never 500
    assert client.get("/api/v1/patients/GO-1", headers={"Authorization": "Bearer x"}).status_code in (
        401,
        503,
    )
    client.cookies.update(signed_in_cookies)
    worklist = client.get("/")
    assert worklist.status_code == 503 and worklist.headers["retry-after"] == "30"
    assert "Registry not reachable" in worklist.text and UNREACHABLE in worklist.text
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "registry unreachable: DatabaseUnavailable on /token" in logged
    assert "someone-secret" not in logged and "SELECT" not in logged and "Traceback" not in caplog.text
