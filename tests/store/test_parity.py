"""Done means: the same cohort gives identical worklists on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

from alpha4.knowledge import EU, US
from alpha4.rules import assess
from alpha4.rules.worklist import build_worklist
from alpha4.store import Database
from alpha4.store.cohort import iter_patients
from tests.dbfixtures import new_database_url

from .helpers import AS_OF, cohort, store


def test_sqlite_and_postgresql_give_identical_worklists(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    patients = cohort(150, seed=11)
    worklists = {}
    for backend in ("sqlite", "postgresql"):
        db = Database(new_database_url(backend, request, tmp_path))
        try:
            store(db, patients)
            with db.reading() as session:
                loaded = list(iter_patients(session=session, chunk_size=64))
        finally:
            db.dispose()
        worklists[backend] = [
            build_worklist([assess(p, AS_OF, profile) for p in loaded], include_quiet=True)
            for profile in (US, EU)
        ]
    assert worklists["sqlite"] == worklists["postgresql"]
    from_memory = [
        build_worklist([assess(p, AS_OF, prof) for p in patients], include_quiet=True) for prof in (US, EU)
    ]
    assert worklists["sqlite"] == from_memory
    assert any(r.items for r in worklists["sqlite"][0])
