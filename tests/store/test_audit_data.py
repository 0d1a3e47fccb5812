"""``alpha4 db audit`` checks the data against the log: a changed payload, a row or a current-flag
change without an audit entry, a role grant nobody audited, and the tail of the log cut off
together with its head (detected only against an anchor kept outside the database)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from alpha4.store import Database, audit_head, correct_record, retract_record, verify_audit_chain
from alpha4.store.audit_data import Anchor, check_anchor, read_anchor, verify_data_against_audit
from alpha4.store.users import Role, create_user

from .helpers import AT, cohort, store


def _registry(db: Database) -> str:
    """Two imported patients, one corrected and one retracted record, one user; the first patient's id."""
    patients = cohort(2)
    store(db, patients, actor="importer")
    first = patients[0]
    with db.writing() as session:
        correct_record(
            session=session,
            patient_id=first.id,
            record=first.weights[-1].model_copy(update={"weight_kg": 71.5}),
            expected_version=1,
            actor="nurse.jones",
            at=AT,
            reason="scale misread",
            today=AT.date(),
            prescriber=False,
        )
        retract_record(
            session=session,
            patient_id=first.id,
            kind="infusions",
            record_id=first.infusions[0].id,
            reason="entered on the wrong patient",
            expected_version=1,
            actor="nurse.jones",
            at=AT,
        )
        create_user(
            session=session, username="nurse.jones", password="x" * 12, roles=[Role.NURSE], actor="a", at=AT
        )
    return first.id


def _unguarded(db: Database, sql: str) -> None:
    """What someone with write access to the database (and DDL rights) would do."""
    with db.writing() as session:
        if db.is_sqlite:
            for trigger in ("timeline_record_frozen", "timeline_record_no_revival", "audit_log_no_delete"):
                session.execute(text(f"DROP TRIGGER IF EXISTS {trigger}"))
        else:
            session.execute(text("SET LOCAL session_replication_role = replica"))  # triggers off
        session.execute(text(sql))


def _problems(db: Database) -> list[str]:
    with db.reading() as session:
        assert verify_audit_chain(session=session) is None  # the chain alone sees nothing
        return [str(p) for p in verify_data_against_audit(session=session)]


def test_an_untouched_registry_matches_its_audit_log(db: Database) -> None:
    _registry(db)
    assert _problems(db) == []


def test_a_changed_payload_is_reported(db: Database) -> None:
    pid = _registry(db)
    _unguarded(
        db,
        "UPDATE timeline_record SET payload = '{\"id\": \"x\"}' WHERE kind = 'weights' AND version = 2",
    )
    problems = _problems(db)
    assert len(problems) == 1 and problems[0].startswith(f"{pid}/weights/")
    assert problems[0].endswith("version 2 differs from its audit entry")


def test_a_changed_imported_row_is_reported_against_the_import(db: Database) -> None:
    _registry(db)
    with db.reading() as session:
        pk, payload = session.execute(
            text(
                "SELECT pk, payload FROM timeline_record WHERE kind = 'weights' AND version = 1 ORDER BY pk DESC"
            )
        ).first()  # type: ignore[misc]
    record = json.loads(payload) if isinstance(payload, str) else dict(payload)
    record["weight_kg"] = round(record["weight_kg"] + 10, 1)  # a plausible, wrong weight
    _unguarded(db, f"UPDATE timeline_record SET payload = '{json.dumps(record)}' WHERE pk = {pk}")
    problems = _problems(db)
    assert len(problems) == 1 and problems[0].endswith(
        "imported rows differ from the import's audit entry (sha256)"
    )


def test_a_current_flag_flipped_by_hand_is_reported(db: Database) -> None:
    pid = _registry(db)
    _unguarded(db, "UPDATE timeline_record SET is_current = FALSE WHERE kind = 'weights' AND version = 2")
    _unguarded(db, "UPDATE timeline_record SET is_current = TRUE WHERE kind = 'weights' AND version = 1")
    problems = _problems(db)
    assert len(problems) == 1 and problems[0].startswith(f"{pid}/weights/")
    assert "current flag of version(s) [1, 2] changed with no audit entry" in problems[0]


def test_a_role_grant_nobody_audited_is_reported(db: Database) -> None:
    _registry(db)
    _unguarded(
        db,
        "INSERT INTO user_role (user_pk, role) SELECT pk, 'prescriber' FROM app_user WHERE username = 'nurse.jones'",
    )
    assert _problems(db) == [
        "user nurse.jones: roles ['nurse', 'prescriber'] differ from the audited ['nurse']"
    ]


def test_cutting_off_the_tail_with_its_head_is_detected_against_the_anchor(
    db: Database, tmp_path: Path
) -> None:
    _registry(db)
    with db.reading() as session:
        seq, digest = audit_head(session=session)
    anchor_file = tmp_path / "anchor.txt"
    anchor_file.write_text(f"{Anchor(seq, digest)}\n", encoding="utf-8")
    # remove the last entry (the user's creation) and set the head back: the chain still holds
    _unguarded(db, f"DELETE FROM audit_log WHERE seq = {seq}")
    _unguarded(
        db,
        f"UPDATE audit_head SET seq = {seq - 1}, hash = (SELECT hash FROM audit_log WHERE seq = {seq - 1})",
    )
    _unguarded(db, "DELETE FROM user_role")
    _unguarded(db, "DELETE FROM app_user")
    assert _problems(db) == []
    anchor = read_anchor(anchor_file)
    assert anchor == Anchor(seq, digest)
    with db.reading() as session:
        assert check_anchor(session=session, anchor=anchor) == (
            f"the log ends at entry {seq - 1}, but the anchor names entry {seq}: entries were removed"
        )


def test_an_anchor_is_read_strictly() -> None:
    with pytest.raises(ValueError, match="an anchor is"):
        Anchor.parse("12 not-a-hash")


def test_db_audit_checks_the_data_and_keeps_an_anchor(db: Database, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from alpha4.cli import app

    _registry(db)
    env = {"ALPHA4_DATABASE_URL": db.url.render_as_string(hide_password=False), "ALPHA4_ACTOR": "t"}
    anchor = tmp_path / "anchor.txt"
    runner = CliRunner()
    ok = runner.invoke(app, ["db", "audit", "--anchor", str(anchor)], env=env)
    assert ok.exit_code == 0, ok.output
    assert "clinical data and role grants match the audit log" in ok.stdout
    with db.reading() as session:
        seq, digest = audit_head(session=session)
    assert anchor.read_text(encoding="utf-8") == f"{seq} {digest}\n"
    _unguarded(db, "UPDATE timeline_record SET is_current = FALSE WHERE kind = 'weights' AND version = 2")
    bad = runner.invoke(app, ["db", "audit", "--anchor", str(anchor)], env=env)
    assert bad.exit_code == 1
    assert "current flag of version(s) [2] changed with no audit entry" in " ".join(bad.stderr.split())
    assert "1 piece(s) of data the audit log does not account for" in " ".join(bad.stderr.split())
    assert anchor.read_text(encoding="utf-8") == f"{seq} {digest}\n"  # not moved on by a failed check
