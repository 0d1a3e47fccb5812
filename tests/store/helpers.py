"""Small helpers for the registry tests: a fixed clock, a cohort, a query counter."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from alpha4.domain import Patient
from alpha4.store import Database, put_patients
from alpha4.synthetic import generate_cohort

AS_OF = dt.date(2026, 11, 24)
AT = dt.datetime(2026, 11, 25, 9, 30, tzinfo=dt.UTC)


def cohort(n: int, seed: int = 4) -> list[Patient]:
    return [p for _, p in generate_cohort(n, AS_OF, seed=seed)]


def store(db: Database, patients: list[Patient], actor: str = "tester") -> None:
    with db.writing() as session:
        results = put_patients(session=session, patients=patients, actor=actor, at=AT)
    assert all(not isinstance(r, Exception) for r in results), results


@contextmanager
def count_queries(db: Database) -> Iterator[list[str]]:
    """Every SQL statement sent while the block runs (BEGIN/ROLLBACK are not counted)."""
    seen: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK")):
            seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
