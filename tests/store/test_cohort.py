"""Loading the whole cohort costs a fixed number of queries per chunk, never one per patient."""

from __future__ import annotations

from alpha4.store import Database, iter_patient_chunks
from alpha4.store.cohort import count_patients, select_current_rows

from .helpers import cohort, count_queries, store


def test_the_cohort_streams_back_identical_in_chunks(db: Database) -> None:
    patients = cohort(45)
    store(db, patients)
    with db.reading() as session, count_queries(db) as queries:
        chunks = list(iter_patient_chunks(session=session, chunk_size=20))
    assert [len(c) for c in chunks] == [20, 20, 5]
    assert [p for c in chunks for p in c] == patients
    assert len(queries) == 2 * 3 + 1  # two per chunk and the one that finds no more patients


def test_by_id_order_and_the_plain_select_read_the_same_patients(db: Database) -> None:
    patients = cohort(12)
    store(db, list(reversed(patients)))
    with db.reading() as session:
        by_id = [p for c in iter_patient_chunks(session=session, chunk_size=5, by_id=True) for p in c]
        rows = select_current_rows(session=session, chunk_size=5)
        assert count_patients(session=session) == 12
    assert by_id == sorted(patients, key=lambda p: p.id)
    assert rows == sum(
        1
        + len(list(p.events()))
        + len(p.medications)
        - (p.discontinuation is not None)
        + (p.discontinuation is not None)
        for p in patients
    )
