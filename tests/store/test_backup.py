"""Backup and restore give back the same registry (SQLite: online copy; PostgreSQL: pg_dump)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from alpha4.store import Database, StoreError, audit_head, verify_audit_chain
from alpha4.store.backup import backup, restore
from alpha4.store.cohort import iter_patients

from .helpers import cohort, store


def test_a_backup_restores_the_same_registry(db: Database, tmp_path: Path) -> None:
    patients = cohort(20)
    store(db, patients[:10])
    target = tmp_path / "registry.backup"
    backup(db, target)
    with pytest.raises(StoreError, match="never overwrites"):
        backup(db, target)
    store(db, patients[10:])  # changes made after the backup ...
    restore(db, target)  # ... are gone after the restore
    with db.reading() as session:
        assert list(iter_patients(session=session)) == patients[:10]
        assert verify_audit_chain(session=session) is None
        assert audit_head(session=session)[0] == 10


def test_a_sqlite_backup_with_a_broken_audit_chain_is_not_restored(
    tmp_path: Path, sqlite_template: Path
) -> None:
    db = Database(f"sqlite:///{tmp_path / 'live.sqlite3'}")
    target = tmp_path / "copy.sqlite3"
    try:
        target.write_bytes(sqlite_template.read_bytes())
        source = Database(f"sqlite:///{target}")
        store(source, cohort(2))
        source.dispose()
        conn = sqlite3.connect(target)
        conn.execute("DROP TRIGGER audit_log_no_update")
        conn.execute("UPDATE audit_log SET actor = 'x' WHERE seq = 1")
        conn.commit()
        conn.close()
        with pytest.raises(StoreError, match="audit chain is broken at audit entry 1"):
            restore(db, target)
    finally:
        db.dispose()
