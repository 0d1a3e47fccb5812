"""Loading the whole cohort costs a fixed number of queries per chunk, never one per patient."""

from __future__ import annotations

import json

from alpha4.domain import Patient
from alpha4.store import Database, iter_patient_chunks
from alpha4.store.cohort import count_patients, select_current_rows
from alpha4.store.timeline import LIST_KINDS, assemble_patient_json, current_records, patient_pks

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


def test_the_json_text_path_rebuilds_exactly_what_was_stored(db: Database) -> None:
    """Patients are rebuilt from the stored JSON texts spliced together (model_validate_json):
    quotes, backslashes, non-ASCII text and a patient without any record survive unchanged."""
    patients = cohort(3)
    odd = patients[0].model_copy(update={"site": 'Zürich "Nord" \\ Ost — 東'})
    bare = patients[1].model_copy(update={k: () for k in LIST_KINDS} | {"discontinuation": None})
    expected = [Patient.model_validate(p.model_dump()) for p in (odd, bare, patients[2])]
    store(db, expected)
    with db.reading() as session:
        loaded = [p for c in iter_patient_chunks(session=session) for p in c]
        pk = patient_pks(session=session, patient_ids=[odd.id])[odd.id]
        stored = current_records(session=session, pks=[pk])[pk]
    assert loaded == expected
    assert assemble_patient_json((r.kind, json.dumps(r.payload)) for r in stored) == expected[0]
