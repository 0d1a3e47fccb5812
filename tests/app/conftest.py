"""A small registry for the web tests: named scenario patients, a synthetic cohort, one user per role."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from alpha4.app.config import WebSettings
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store import Database, upgrade
from alpha4.store.transfer import Incoming, import_patients
from alpha4.store.users import Role, create_user
from alpha4.synthetic import generate_cohort, scenario_patient

TODAY = dt.date.today()
PASSWORD = "correct horse battery staple"
SECRET = "test-secret-key-of-at-least-32-characters"
USERS: dict[Role, str] = {role: f"{role.value}1" for role in Role}
# Patients whose gate today (with an all-clear checklist) the tests rely on.
NAMED: dict[str, str] = {
    "GO-1": "ms_prior_immunosuppressant",  # go; next infusion due tomorrow
    "GO-2": "ms_stable_jcv_negative",  # go
    "HOLD-1": "ms_jcv_stale",  # hold: JCV test overdue (a prescriber may clear it)
    "STOP-1": "ms_persistent_antibodies",  # stop the prescriber may override (label)
    "STOP-2": "ms_serious_hypersensitivity",  # stop, never overridden
    "PREG-1": "ms_pregnancy_new",  # hold: new pregnancy
}


def build_registry(path: Path, *, cohort: int) -> None:
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    at = dt.datetime.now(dt.UTC)
    named = [scenario_patient(s, TODAY, seed=4, pid=pid) for pid, s in NAMED.items()]
    items = [Incoming("named", n, p) for n, p in enumerate(named)]
    items += [Incoming("synthetic", n, p) for n, (_, p) in enumerate(generate_cohort(cohort, TODAY, seed=4))]
    import_patients(db, items, actor="test-setup", at=at)
    with db.writing() as session:
        for role, name in USERS.items():
            create_user(
                session=session,
                username=name,
                password=PASSWORD,
                roles=[role],
                actor="test-setup",
                at=at,
                display_name=f"Test {role.value}",
            )
    db.dispose()


@pytest.fixture(scope="session")
def registry_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("web") / "template.sqlite3"
    build_registry(path, cohort=40)
    return path


@pytest.fixture
def db_path(registry_template: Path, tmp_path: Path) -> Path:
    path = tmp_path / "registry.sqlite3"
    shutil.copyfile(registry_template, path)
    return path


def web_settings(**overrides: object) -> WebSettings:
    return WebSettings(**{"secret_key": SECRET, "warm_cache": False, "cookie_secure": True, **overrides})


@pytest.fixture
def app(db_path: Path) -> FastAPI:
    return create_app(Settings(database_url=f"sqlite:///{db_path}"), web=web_settings())


@pytest.fixture
def client(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        yield c


CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, page: str = "/login") -> str:
    """The CSRF token a page carries (and the cookie it set)."""
    found = CSRF_INPUT.search(client.get(page).text)
    assert found, f"no CSRF token on {page}"
    return found.group(1)


def sign_in(client: TestClient, role: Role) -> None:
    token = csrf_of(client)
    r = client.post("/login", data={"username": USERS[role], "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 303, r.text


@pytest.fixture
def signed_in(client: TestClient) -> Callable[[Role], TestClient]:
    def _as(role: Role) -> TestClient:
        client.cookies.clear()
        sign_in(client, role)
        return client

    return _as


def bearer(client: TestClient, role: Role) -> dict[str, str]:
    r = client.post("/api/v1/token", data={"username": USERS[role], "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def report_registry(path: Path, roles: tuple[Role, ...] = tuple(Role)) -> str:
    """A SQLite registry of the hand-computed report cohort (tests/report_cohort.py), written on
    its own day, with the given roles' users; returns its URL."""
    from alpha4.store import put_patients
    from tests.report_cohort import AT, cohort

    db = Database(f"sqlite:///{path}")
    upgrade(db)
    with db.writing() as session:
        put_patients(session=session, patients=cohort(), actor="test-setup", at=AT)
        for role in roles:
            create_user(
                session=session,
                username=USERS[role],
                password=PASSWORD,
                roles=[role],
                actor="test-setup",
                at=AT,
            )
    db.dispose()
    return f"sqlite:///{path}"
