"""``alpha4 serve``: registered, documented, and its demo registry holds patients and one user per role."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from fastapi.testclient import TestClient
from typer.testing import CliRunner

from alpha4.app.demo import seed_demo
from alpha4.app.main import create_app
from alpha4.cli import app as cli
from alpha4.settings import Settings
from alpha4.store import Database
from alpha4.store.users import Role

from .conftest import web_settings


def test_serve_is_a_command_with_host_port_and_demo() -> None:
    result = CliRunner().invoke(cli, ["serve", "--help"])
    assert result.exit_code == 0
    for option in ("--host", "--port", "--demo"):
        assert option in result.output


def test_demo_registry_signs_in_every_role(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    db = Database(url)
    users = seed_demo(db, patients=12, seed=4, day=dt.date.today(), at=dt.datetime.now(dt.UTC))
    db.dispose()
    assert {role for role, _ in users.values()} == set(Role)
    app = create_app(Settings(database_url=url), web=web_settings(), cds_demo=True)
    with TestClient(app, base_url="https://testserver") as client:
        for name, (_role, password) in users.items():
            r = client.post("/api/v1/token", data={"username": name, "password": password})
            assert r.status_code == 200, name
        token = r.json()["access_token"]
        rows = client.get(
            "/api/v1/worklist?all_patients=true", headers={"Authorization": f"Bearer {token}"}
        ).json()
        assert len(rows) == 12
        assert client.get("/cds-services").status_code == 200  # the CDS Hooks discovery is mounted
