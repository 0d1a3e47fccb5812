"""The registry mapped chunk by chunk in worker processes gives what one process gives, in order."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alpha4.domain import Patient
from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.store import Database, UnreadablePatient, upgrade
from alpha4.store.cohort import map_cohort
from alpha4.store.transfer import Incoming, import_patients
from alpha4.synthetic import generate_cohort

AS_OF = dt.date(2026, 11, 24)


def _gate(item: Patient | UnreadablePatient) -> tuple[str, str, tuple[str, ...]]:
    if isinstance(item, UnreadablePatient):
        return (item.patient_id, "unreadable", ())
    a = assess(item, AS_OF, US)
    return (a.patient_id, a.gate.decision.value, tuple(f.code for f in a.findings))


def test_two_workers_answer_as_one(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'r.sqlite3'}")
    try:
        upgrade(db)
        cohort = [p for _, p in generate_cohort(23, AS_OF, seed=4)]
        import_patients(
            db, (Incoming("t", n, p) for n, p in enumerate(cohort)), actor="test", at=dt.datetime.now(dt.UTC)
        )
        expected = [_gate(p) for p in cohort]
        one = [r for chunk in map_cohort(db, _gate, workers=1, chunk_size=5) for r in chunk]
        two = [r for chunk in map_cohort(db, _gate, workers=2, chunk_size=5) for r in chunk]
        assert one == two == expected
        assert [len(c) for c in map_cohort(db, _gate, workers=2, chunk_size=5)] == [5, 5, 5, 5, 3]
    finally:
        db.dispose()
