"""`alpha4 user ...`: the first admin of a real registry, listing, deactivating, new passwords;
passwords never on the command line and never in the audit log."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from alpha4.cli import app, users
from alpha4.store import Database, verify_password
from alpha4.store.audit import AuditEntry

runner = CliRunner()
ENV = {"ALPHA4_ACTOR": "ops"}


def call(url: str, *args: str, input: str | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), input=input, env={**ENV, "ALPHA4_DATABASE_URL": url})
    return result.exit_code, result.stdout, result.stderr


def flat(text: str) -> str:
    return " ".join(text.split())


def test_first_admin_list_deactivate_and_set_password(db_url: str) -> None:
    code, out, err = call(
        db_url,
        "user",
        "create",
        "root",
        "--role",
        "admin",
        "--name",
        "Ada Admin",
        "--password-stdin",
        input="first admin password\n",
    )
    assert code == 0 and "created user root (admin)" in flat(out), err
    code, out, err = call(
        db_url,
        "user",
        "create",
        "n1",
        "--role",
        "nurse",
        "--role",
        "coordinator",
        "--password-stdin",
        input="nurse password 123\n",
    )
    assert code == 0, err
    code, _, err = call(db_url, "user", "create", "n1", "--role", "nurse", "--password-stdin", input="x" * 20)
    assert code == 1 and "already exists" in err
    code, out, _ = call(db_url, "user", "list", "--format", "json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert code == 0 and listed["root"]["display_name"] == "Ada Admin" and listed["root"]["active"]
    assert listed["n1"]["roles"] == ["coordinator", "nurse"] and listed["n1"]["created_by"] == "ops"
    assert "password" not in out and "argon2" not in out
    code, out, _ = call(db_url, "user", "list")
    assert code == 0 and "root" in out and "Ada Admin" in out

    code, out, err = call(db_url, "user", "deactivate", "n1")
    assert code == 0 and "n1 deactivated" in flat(out), err
    assert call(db_url, "user", "deactivate", "n1")[1].strip() == "n1 was already deactivated"
    code, _, err = call(db_url, "user", "deactivate", "root")
    assert code == 1 and "last active admin" in flat(err)
    code, _, err = call(db_url, "user", "deactivate", "ghost")
    assert code == 1 and "no user 'ghost'" in flat(err)
    assert json.loads(call(db_url, "user", "list", "--format", "json")[1])[0]["active"] is False

    code, out, err = call(
        db_url, "user", "set-password", "root", "--password-stdin", input="a new admin secret\n"
    )
    assert code == 0 and "password of root changed" in flat(out), err
    db = Database(db_url)
    try:
        with db.writing() as session:
            assert verify_password(session=session, username="root", password="a new admin secret")
            assert not verify_password(session=session, username="root", password="first admin password")
            assert not verify_password(session=session, username="n1", password="nurse password 123")
            entries = session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars().all()
    finally:
        db.dispose()
    assert [(e.action, e.actor, e.entity_id) for e in entries] == [
        ("user.create", "ops", "root"),
        ("user.create", "ops", "n1"),
        ("user.deactivate", "ops", "n1"),
        ("user.set_password", "ops", "root"),
    ]
    logged = str([(e.before, e.after) for e in entries])
    assert "secret" not in logged and "password 123" not in logged and "argon2" not in logged


def test_the_password_is_asked_twice_hidden_or_refused(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    code, _, err = call(db_url, "user", "create", "a1", "--role", "admin")
    assert code == 2 and "--password-stdin" in err  # no terminal to ask on
    monkeypatch.setattr(users, "stdin_is_terminal", lambda: True)
    code, out, err = call(
        db_url, "user", "create", "a1", "--role", "admin", input="twelve chars ok\ntwelve chars ok\n"
    )
    assert code == 0, err
    assert "twelve chars ok" not in out  # hidden
    code, out, err = call(db_url, "user", "set-password", "a1", input="one password here\nanother one here\n")
    assert code != 0 and "do not match" in out + err
    code, _, err = call(db_url, "user", "set-password", "ghost")
    assert code == 1 and "no user 'ghost'" in err  # said before any password is asked
    code, _, err = call(db_url, "user", "set-password", "a1", "--password-stdin", input="short\n")
    assert code == 2 and "at least 12 characters" in err
    code, _, err = call(db_url, "user", "create", "x", "--role", "wizard", "--password-stdin", input="x" * 20)
    assert code == 2 and "wizard" in err


def test_reactivate_and_change_roles_from_the_command_line(db_url: str) -> None:
    call(
        db_url,
        "user",
        "create",
        "root",
        "--role",
        "admin",
        "--password-stdin",
        input="first admin password\n",
    )
    call(db_url, "user", "create", "n2", "--role", "nurse", "--password-stdin", input="nurse password 123\n")
    assert call(db_url, "user", "deactivate", "n2")[0] == 0
    code, out, err = call(db_url, "user", "reactivate", "n2")
    assert code == 0 and "n2 reactivated" in flat(out), err
    assert "already active" in flat(call(db_url, "user", "reactivate", "n2")[1])
    code, out, err = call(db_url, "user", "roles", "n2", "--role", "nurse", "--role", "prescriber")
    assert code == 0 and "n2 now has roles: nurse, prescriber" in flat(out), err
    code, out, _ = call(db_url, "user", "list", "--format", "json")
    listed = {u["username"]: u for u in json.loads(out)}
    assert listed["n2"]["active"] and listed["n2"]["roles"] == ["nurse", "prescriber"]
    code, _, err = call(db_url, "user", "roles", "root", "--role", "analyst")
    assert code == 1 and "last active admin" in flat(err)  # refused by the registry, like deactivate
    code, _, err = call(db_url, "user", "roles", "n2", "--role", "wizard")
    assert code == 2 and "wizard" in err
    code, _, err = call(db_url, "user", "reactivate", "ghost")
    assert code == 1 and "no user 'ghost'" in flat(err)
