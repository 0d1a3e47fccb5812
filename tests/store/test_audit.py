"""The audit log: who, when, what, before and after; append-only; tampering is detected."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from alpha4.store import (
    Database,
    append_audit,
    audit_head,
    correct_record,
    patients_changed_since,
    verify_audit_chain,
)
from alpha4.store.audit import AuditEntry

from .helpers import AT, cohort, store


def _history(db: Database) -> list[AuditEntry]:
    with db.reading() as session:
        return list(session.execute(select(AuditEntry).order_by(AuditEntry.seq)).scalars())


def _two_patients_and_a_correction(db: Database) -> None:
    patients = cohort(2)
    store(db, patients, actor="importer")
    weight = patients[0].weights[-1]
    with db.writing() as session:
        correct_record(
            session=session,
            patient_id=patients[0].id,
            record=weight.model_copy(update={"weight_kg": 71.5}),
            expected_version=1,
            actor="nurse.jones",
            at=AT,
            reason="scale misread",
            today=AT.date(),
            prescriber=False,
        )


def test_every_change_says_who_when_what_before_and_after(db: Database) -> None:
    _two_patients_and_a_correction(db)
    entries = _history(db)
    assert [(e.seq, e.action, e.actor) for e in entries] == [
        (1, "patient.create", "importer"),
        (2, "patient.create", "importer"),
        (3, "record.correct", "nurse.jones"),
    ]
    correction = entries[2]
    assert correction.at == AT
    assert correction.entity_id.endswith("/weights/" + correction.entity_id.rsplit("/", 1)[1])
    assert correction.before is not None and correction.before["version"] == 1
    assert correction.after == {
        "version": 2,
        "payload": {**correction.before["payload"], "weight_kg": 71.5},
        "reason": "scale misread",
    }
    with db.reading() as session:
        assert verify_audit_chain(session=session) is None
        assert audit_head(session=session) == (3, correction.hash)


@pytest.mark.parametrize(
    "statement", ["UPDATE audit_log SET actor = 'someone else'", "DELETE FROM audit_log"]
)
def test_the_audit_log_refuses_update_and_delete(db: Database, statement: str) -> None:
    _two_patients_and_a_correction(db)
    with pytest.raises(DBAPIError, match="append-only"), db.writing() as session:
        session.execute(text(statement))


def _drop_guard(db: Database, trigger: str) -> None:
    """What an attacker with DDL rights would do first."""
    with db.writing() as session:
        if db.is_sqlite:
            session.execute(text(f"DROP TRIGGER {trigger}"))
        else:
            session.execute(text(f"DROP TRIGGER {trigger} ON audit_log"))


def test_a_tampered_entry_is_detected_and_named(db: Database) -> None:
    _two_patients_and_a_correction(db)
    _drop_guard(db, "audit_log_no_update")
    with db.writing() as session:
        session.execute(text("UPDATE audit_log SET actor = 'somebody-else' WHERE seq = 2"))
    with db.reading() as session:
        broken = verify_audit_chain(session=session)
    assert broken is not None and broken.seq == 2 and "does not match its hash" in broken.reason


def test_a_removed_entry_is_detected(db: Database) -> None:
    _two_patients_and_a_correction(db)
    _drop_guard(db, "audit_log_no_delete")
    with db.writing() as session:
        session.execute(text("DELETE FROM audit_log WHERE seq = 3"))
    with db.reading() as session:
        broken = verify_audit_chain(session=session)
    assert broken is not None and broken.seq == 3 and "missing" in broken.reason


def test_patients_changed_since_names_the_patients_of_later_entries(db: Database) -> None:
    patients = cohort(3)
    store(db, patients[:2], actor="importer")
    with db.reading() as session:
        seq, _ = audit_head(session=session)
        assert patients_changed_since(session=session, seq=0) == {patients[0].id, patients[1].id}
    store(db, patients[2:], actor="importer")
    weight = patients[0].weights[-1]
    with db.writing() as session:
        correct_record(
            session=session,
            patient_id=patients[0].id,
            record=weight.model_copy(update={"weight_kg": 71.5}),
            expected_version=1,
            actor="nurse.jones",
            at=AT,
            today=AT.date(),
            prescriber=False,
        )
        append_audit(session=session, at=AT, actor="a", action="user.create", entity="user", entity_id="u")
        append_audit(
            session=session,
            at=AT,
            actor="a",
            action="checklist.record",
            entity="checklist",
            entity_id="P/9/checklist/2026-11-25",
        )
    with db.reading() as session:
        assert patients_changed_since(session=session, seq=seq) == {patients[0].id, patients[2].id, "P/9"}
