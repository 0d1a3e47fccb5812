"""Sessions and tokens end at a sign-out, a password change, a role change or a deactivation (the
per-user session epoch); the sign-in throttle lives in the database, reserves its slot atomically
and never holds the write lock while a password is checked."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from alpha4.app import services
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store.users import Role, set_password

from .conftest import PASSWORD, USERS, bearer, sign_in, web_settings

NURSE = USERS[Role.NURSE]


def _clinic(app: FastAPI) -> services.Clinic:
    clinic: services.Clinic = app.state.clinic
    return clinic


def test_signing_out_ends_every_session_and_token_of_the_user(client: TestClient) -> None:
    auth = bearer(client, Role.NURSE)
    sign_in(client, Role.NURSE)
    old_cookies = dict(client.cookies)
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/worklist", headers=auth).status_code == 200
    r = client.post("/logout", data={"csrf_token": client.cookies["alpha4_csrf"]})
    assert r.status_code == 303
    client.cookies.update(old_cookies)  # the old cookie, replayed
    assert client.get("/").status_code == 303
    assert client.get("/api/v1/worklist", headers=auth).status_code == 401


@pytest.mark.parametrize("change", ["password", "roles", "deactivate"])
def test_a_password_role_or_activation_change_ends_the_users_tokens(
    client: TestClient, app: FastAPI, change: str
) -> None:
    auth = bearer(client, Role.NURSE)
    other = bearer(client, Role.COORDINATOR)
    clinic = _clinic(app)
    if change == "password":
        with clinic.db.writing() as session:
            set_password(
                session=session,
                username=NURSE,
                password="another long passphrase",
                actor="a",
                at=clinic.clock(),
            )
    elif change == "roles":
        clinic.set_roles(NURSE, [Role.NURSE, Role.COORDINATOR], actor=USERS[Role.ADMIN])
    else:
        clinic.deactivate_user(NURSE, actor=USERS[Role.ADMIN])
    assert client.get("/api/v1/worklist", headers=auth).status_code == 401
    assert client.get("/api/v1/worklist", headers=other).status_code == 200  # nobody else is affected


def test_the_throttle_survives_a_restart(db_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{db_path}")
    with TestClient(create_app(settings, web=web_settings()), base_url="https://testserver") as first:
        for _ in range(5):
            assert (
                first.post("/api/v1/token", data={"username": NURSE, "password": "wrong-wrong"}).status_code
                == 400
            )
    with TestClient(create_app(settings, web=web_settings()), base_url="https://testserver") as second:
        r = second.post("/api/v1/token", data={"username": NURSE, "password": PASSWORD})
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


def test_a_burst_of_40_parallel_attempts_cannot_pass_the_limit_and_holds_no_write_lock(
    client: TestClient, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    free_while_checking: list[bool] = []
    real_check = services.check_credentials

    def check_and_probe(**kwargs: Any) -> Any:
        probe = sqlite3.connect(db_path, timeout=0)
        try:
            probe.execute("BEGIN IMMEDIATE")  # fails at once if anyone holds the write lock
            probe.rollback()
            free_while_checking.append(True)
        except sqlite3.OperationalError:
            free_while_checking.append(False)
        finally:
            probe.close()
        return real_check(**kwargs)

    monkeypatch.setattr(services, "check_credentials", check_and_probe)

    def attempt(_: int) -> int:
        return client.post("/api/v1/token", data={"username": NURSE, "password": "wrong-wrong"}).status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        codes = sorted(pool.map(attempt, range(40)))
    assert codes == [400] * 5 + [429] * 35  # exactly the limit reached the password check
    assert len(free_while_checking) == 5
    # alone, an attempt's password check runs while nobody holds the write lock
    free_while_checking.clear()
    r = client.post("/api/v1/token", data={"username": USERS[Role.PRESCRIBER], "password": PASSWORD})
    assert r.status_code == 200
    assert free_while_checking == [True]
