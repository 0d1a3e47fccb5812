"""The registry worklist streamed chunk by chunk (and through worker processes) is the worklist."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alpha4.cli.registry import registry_worklist
from alpha4.knowledge import EU, US
from alpha4.rules import assess
from alpha4.rules.worklist import build_worklist, rows_from_entries, worklist_entry
from alpha4.store import Database, upgrade
from alpha4.store.transfer import Incoming, import_patients
from alpha4.synthetic import generate_cohort

AS_OF = dt.date(2026, 11, 24)


def test_entries_sorted_are_the_worklist() -> None:
    assessments = [assess(p, AS_OF, EU) for _, p in generate_cohort(60, AS_OF, seed=9)]
    entries = [worklist_entry(a) for a in reversed(assessments)]
    assert rows_from_entries(entries) == build_worklist(assessments)
    assert rows_from_entries(entries, include_quiet=True) == build_worklist(assessments, include_quiet=True)


def test_registry_worklist_in_two_workers_is_the_worklist(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    try:
        upgrade(db)
        cohort = [p for _, p in generate_cohort(40, AS_OF, seed=5)]
        import_patients(
            db, (Incoming("t", n, p) for n, p in enumerate(cohort)), actor="test", at=dt.datetime.now(dt.UTC)
        )
        expected = build_worklist(assess(p, AS_OF, US) for p in cohort)
        assert registry_worklist(db, AS_OF, US, workers=2) == expected
        assert registry_worklist(db, AS_OF, US) == expected  # small registry: one process
    finally:
        db.dispose()
