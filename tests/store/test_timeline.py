"""The timeline in the registry: exact round trip, versions kept, retractions, optimistic locking."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from alpha4.domain import Infusion, Patient, WeightRecord
from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.store import (
    KINDS,
    ConflictError,
    Database,
    InvalidChange,
    add_record,
    correct_demographics,
    correct_record,
    load_patient,
    put_patients,
    record_history,
    retract_record,
)
from alpha4.store.audit import entries_for
from alpha4.store.errors import InvalidRecord
from alpha4.store.timeline import DEMOGRAPHIC_FIELDS, LIST_KINDS, PutOutcome

from .helpers import AS_OF, AT, cohort, count_queries, store


def test_every_part_of_a_patient_has_a_place_in_the_registry() -> None:
    for name in Patient.model_fields:
        assert name in DEMOGRAPHIC_FIELDS or name in KINDS, name
    for kind in LIST_KINDS:
        record_type = Patient.model_fields[kind].annotation.__args__[0]  # type: ignore[union-attr]
        assert "id" in record_type.model_fields, kind


def test_a_patient_loads_back_identical_in_two_queries(db: Database) -> None:
    patients = cohort(40)
    store(db, patients)
    for patient in patients[::7]:
        with db.reading() as session, count_queries(db) as queries:
            loaded = load_patient(session=session, patient_id=patient.id)
        assert loaded == patient
        assert len(queries) == 2


def test_an_unknown_patient_is_none(db: Database) -> None:
    with db.reading() as session:
        assert load_patient(session=session, patient_id="NOPE") is None


def test_storing_the_same_patients_again_changes_nothing(db: Database) -> None:
    patients = cohort(10)
    store(db, patients)
    with db.writing() as session:
        results = put_patients(session=session, patients=patients, actor="tester", at=AT)
    assert {r.outcome for r in results if not isinstance(r, Exception)} == {PutOutcome.UNCHANGED}


def test_a_correction_is_a_new_version_and_the_old_one_is_kept(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    old = patient.infusions[-1]
    fixed = old.model_copy(update={"dose_mg": 150.0})
    with db.writing() as session:
        version = correct_record(
            session=session,
            patient_id=patient.id,
            record=fixed,
            expected_version=1,
            actor="nurse",
            at=AT,
            today=AT.date(),
            prescriber=False,
        )
    assert version == 2
    with db.reading() as session:
        loaded = load_patient(session=session, patient_id=patient.id)
        history = record_history(session=session, patient_id=patient.id, kind="infusions", record_id=old.id)
    assert loaded is not None and loaded.infusions[-1].dose_mg == 150.0
    assert [(h.version, h.is_current, h.payload["dose_mg"]) for h in history] == [
        (1, False, 300.0),
        (2, True, 150.0),
    ]
    assert history[1].recorded_by == "nurse"


def test_a_retraction_removes_the_record_from_the_timeline_but_keeps_its_history(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    target = patient.infusions[0]
    with db.writing() as session:
        retract_record(
            session=session,
            patient_id=patient.id,
            kind="infusions",
            record_id=target.id,
            reason="entered on the wrong patient",
            expected_version=1,
            actor="coordinator",
            at=AT,
        )
    with db.reading() as session:
        loaded = load_patient(session=session, patient_id=patient.id)
        history = record_history(
            session=session, patient_id=patient.id, kind="infusions", record_id=target.id
        )
    assert loaded is not None and target.id not in {i.id for i in loaded.infusions}
    assert len(loaded.infusions) == len(patient.infusions) - 1
    assert [h.retraction_reason for h in history] == [None, "entered on the wrong patient"]
    # importing the original again does not silently bring the retracted record back
    store(db, [patient])
    with db.reading() as session:
        again = load_patient(session=session, patient_id=patient.id)
    assert again == loaded


def test_a_stale_version_is_a_conflict_not_a_lost_update(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    weight = patient.weights[-1]
    with db.writing() as session:
        correct_record(
            session=session,
            patient_id=patient.id,
            record=weight.model_copy(update={"weight_kg": 70.0}),
            expected_version=1,
            actor="first",
            at=AT,
            today=AT.date(),
            prescriber=False,
        )
    with (
        pytest.raises(ConflictError, match="you edited version 1, the current one is 2"),
        db.writing() as session,
    ):
        correct_record(
            session=session,
            patient_id=patient.id,
            record=weight.model_copy(update={"weight_kg": 80.0}),
            expected_version=1,
            actor="second",
            at=AT,
            today=AT.date(),
            prescriber=False,
        )
    with db.reading() as session:
        loaded = load_patient(session=session, patient_id=patient.id)
    assert loaded is not None and loaded.weights[-1].weight_kg == 70.0


def test_two_concurrent_writers_of_one_record_one_wins_one_gets_a_conflict(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    weight = patient.weights[-1]
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def edit(name: str, kg: float) -> None:
        try:
            with db.writing() as session:
                barrier.wait(timeout=10)
                correct_record(
                    session=session,
                    patient_id=patient.id,
                    record=weight.model_copy(update={"weight_kg": kg}),
                    expected_version=1,
                    actor=name,
                    at=AT,
                    today=AT.date(),
                    prescriber=False,
                )
            outcomes[name] = "ok"
        except (ConflictError, threading.BrokenBarrierError) as error:
            outcomes[name] = error

    # Both reach the barrier before touching the database. On PostgreSQL both then read version 1
    # and the second UPDATE waits for the first commit; on SQLite the second BEGIN IMMEDIATE waits.
    threads = [threading.Thread(target=edit, args=(n, kg)) for n, kg in (("a", 61.0), ("b", 62.0))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(type(v).__name__ for v in outcomes.values()) == ["ConflictError", "str"]
    with db.reading() as session:
        history = record_history(session=session, patient_id=patient.id, kind="weights", record_id=weight.id)
    assert [h.version for h in history] == [1, 2]


def test_a_change_that_breaks_the_timeline_is_refused(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    duplicate = WeightRecord(id=patient.infusions[0].id, date=patient.infusions[0].date, weight_kg=70)
    with pytest.raises(InvalidChange, match="used twice"), db.writing() as session:
        add_record(
            session=session, patient_id=patient.id, record=duplicate, actor="nurse", at=AT, today=AT.date()
        )
    with db.reading() as session:
        assert load_patient(session=session, patient_id=patient.id) == patient


def test_a_new_record_is_added_as_version_one(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    last = patient.infusions[-1]
    new = Infusion(id=f"{patient.id}-inf-new", date=last.date, dose_mg=300)
    with db.writing() as session:
        assert (
            add_record(
                session=session, patient_id=patient.id, record=new, actor="nurse", at=AT, today=AT.date()
            )
            == 1
        )
    with db.reading() as session:
        loaded = load_patient(session=session, patient_id=patient.id)
    assert loaded is not None and new in loaded.infusions


@pytest.mark.parametrize(
    "statement",
    [
        "DELETE FROM timeline_record",
        "UPDATE timeline_record SET payload = '{}'",
        "DELETE FROM patient",
        "UPDATE timeline_record SET is_current = TRUE WHERE NOT is_current",
    ],
)
def test_the_database_itself_refuses_to_destroy_clinical_data(db: Database, statement: str) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    with db.writing() as session:
        retract_record(
            session=session,
            patient_id=patient.id,
            kind="weights",
            record_id=patient.weights[0].id,
            reason="test",
            expected_version=1,
            actor="t",
            at=AT,
        )
    with pytest.raises(DBAPIError, match=r"never|cannot become current"), db.writing() as session:
        session.execute(text(statement))


def test_a_demographics_correction_is_a_new_version_and_changes_the_assessment(db: Database) -> None:
    """A birth date typed with the wrong year made an adult a child: corrected, the paediatric
    finding goes, the old birth date stays in the history and the reason is audited."""
    patient = cohort(1)[0]
    child = patient.model_copy(update={"birth_date": AS_OF.replace(year=AS_OF.year - 15)})
    store(db, [child])
    assert "POP_PEDIATRIC" in {f.code for f in assess(child, AS_OF, US).findings}
    adult = dt.date(1985, 3, 2)
    with db.writing() as session:
        version = correct_demographics(
            session=session,
            patient_id=child.id,
            changes={"birth_date": adult.isoformat()},
            expected_version=1,
            actor="prescriber",
            at=AT,
            reason="year mistyped at enrolment",
        )
    assert version == 2
    with db.reading() as session:
        loaded = load_patient(session=session, patient_id=child.id)
        history = record_history(session=session, patient_id=child.id, kind="patient", record_id=child.id)
        audit = entries_for(session=session, entity_id_prefix=f"{child.id}/patient/")
    assert loaded is not None and loaded.birth_date == adult
    assert loaded.infusions == child.infusions and loaded.sex == child.sex
    assert "POP_PEDIATRIC" not in {f.code for f in assess(loaded, AS_OF, US).findings}
    assert [(h.version, h.is_current, h.payload["birth_date"]) for h in history] == [
        (1, False, child.birth_date.isoformat()),
        (2, True, "1985-03-02"),
    ]
    assert audit[-1].after["reason"] == "year mistyped at enrolment"  # type: ignore[index]


def test_a_bad_demographics_correction_names_the_field_and_writes_nothing(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])

    def correct(changes: dict[str, object], version: int = 1) -> int:
        with db.writing() as session:
            return correct_demographics(
                session=session,
                patient_id=patient.id,
                changes=changes,
                expected_version=version,
                actor="x",
                at=AT,
            )

    with pytest.raises(InvalidChange, match="sex"):
        correct({"sex": "unknown-value"})
    with pytest.raises(InvalidChange, match="not a demographic field: infusions"):
        correct({"infusions": []})
    with pytest.raises(InvalidChange, match="id cannot be corrected"):
        correct({"id": "someone-else"})
    with pytest.raises(ConflictError, match="current one is 1"):
        correct({"site": "Ward 2"}, version=3)
    assert correct({"sex": patient.sex.value}) == 1  # nothing changes: no new version
    with db.reading() as session:
        assert load_patient(session=session, patient_id=patient.id) == patient
        assert (
            len(record_history(session=session, patient_id=patient.id, kind="patient", record_id=patient.id))
            == 1
        )


def _history_len(db: Database, patient_id: str, record_id: str) -> int:
    with db.reading() as session:
        return len(
            record_history(session=session, patient_id=patient_id, kind="infusions", record_id=record_id)
        )


@pytest.mark.parametrize(
    ("prescriber", "shift_days", "refused"),
    [
        (False, 0, None),
        (False, -1, "date: only a prescriber may move an infusion's date"),
        (True, -1, None),
        (True, None, "date: an infusion dated"),  # moved to today: a new infusion must pass the gate
    ],
)
def test_the_registry_itself_refuses_an_infusion_moved_without_a_prescriber(
    db: Database, prescriber: bool, shift_days: int | None, refused: str | None
) -> None:
    """Every write path (web, REST, command line) reaches this one check through ``correct_record``."""
    patient = cohort(1)[0]
    store(db, [patient])
    old = patient.infusions[-1]
    today = AT.date()
    day = today if shift_days is None else old.date + dt.timedelta(days=shift_days)
    fixed = old.model_copy(update={"date": day, "dose_mg": 150.0})
    with db.writing() as session:
        call = lambda: correct_record(  # noqa: E731
            session=session,
            patient_id=patient.id,
            record=fixed,
            expected_version=1,
            actor="someone",
            at=AT,
            today=today,
            prescriber=prescriber,
        )
        if refused is None:
            assert call() == 2
        else:
            with pytest.raises(InvalidRecord) as caught:
                call()
            assert str(caught.value.problems[0]).startswith(refused)
            assert [p.field for p in caught.value.problems] == ["date"]
    assert _history_len(db, patient.id, old.id) == (2 if refused is None else 1)


def test_the_registry_refuses_a_new_record_dated_after_today(db: Database) -> None:
    patient = cohort(1)[0]
    store(db, [patient])
    today = AT.date()
    with db.writing() as session:
        ok = WeightRecord(id="w-today", date=today, weight_kg=70.0)
        assert (
            add_record(session=session, patient_id=patient.id, record=ok, actor="nurse", at=AT, today=today)
            == 1
        )
        tomorrow = WeightRecord(id="w-tomorrow", date=today + dt.timedelta(days=1), weight_kg=70.0)
        with pytest.raises(InvalidRecord) as caught:
            add_record(
                session=session, patient_id=patient.id, record=tomorrow, actor="nurse", at=AT, today=today
            )
    assert [p.field for p in caught.value.problems] == ["date"]
    with db.reading() as session:
        loaded = load_patient(session=session, patient_id=patient.id)
    assert loaded is not None and [w.id for w in loaded.weights if w.id.startswith("w-")] == ["w-today"]
