"""The per-patient summary is written with the timeline, in the same transaction, and goes stale
when its day has passed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from alpha4.domain import Discontinuation, Relapse
from alpha4.knowledge import EU, US
from alpha4.rules import assess
from alpha4.rules.worklist import worklist_row
from alpha4.store import Database, add_record, load_current_records, put_patients, retract_record
from alpha4.store.summary import (
    COLUMNS,
    PatientSummaryRow,
    count_stale,
    refresh_stale,
    stale_patient_pks,
    summary_values,
)
from alpha4.store.timeline import PatientRow
from tests.report_cohort import AS_OF, AT, cohort

from .helpers import count_queries

S = PatientSummaryRow


def rows(db: Database, patient_id: str) -> dict[str, PatientSummaryRow]:
    with db.reading() as session:
        found = session.execute(
            select(S)
            .join(PatientRow, PatientRow.pk == S.patient_pk)
            .where(PatientRow.patient_id == patient_id)
        ).scalars()
        return {r.profile: r for r in found}


def as_dict(row: PatientSummaryRow) -> dict[str, object]:
    return {c: getattr(row, c) for c in COLUMNS if c not in ("patient_pk", "computed_at")}


def test_every_import_writes_one_row_per_profile_equal_to_the_rules_answer(db: Database) -> None:
    patients = cohort()
    with db.writing() as session:
        put_patients(session=session, patients=patients, actor="tester", at=AT)
    for patient in patients:
        stored = rows(db, patient.id)
        assert set(stored) == {"us", "eu"}
        for profile in (US, EU):
            assert as_dict(stored[profile.name]) == summary_values(patient, AS_OF, profile), patient.id
            a = assess(patient, AS_OF, profile)
            assert stored[profile.name].gate == a.gate.decision.value
            assert stored[profile.name].gate_reasons == list(a.gate.reasons)
            work = worklist_row(a)  # the worklist shows exactly the rules' row
            assert stored[profile.name].worklist_items == [i.model_dump(mode="json") for i in work.items]
            assert stored[profile.name].on_worklist is bool(work.items)
    j1 = rows(db, "j1")["us"]
    assert (j1.pml_case, j1.pml_group, j1.pml_band) == (
        True,
        "jcv_positive_no_prior_is_index_gt_1.5",
        "25-48 months",
    )
    assert (j1.discontinued_on, j1.discontinuation_reason, j1.status_follow_up) == (
        dt.date(2024, 4, 25),
        "PML",
        "overdue",
    )
    assert (j1.as_of, j1.valid_until) == (AS_OF, AS_OF)


def test_a_single_record_write_updates_the_summary_in_its_transaction(db: Database) -> None:
    with db.writing() as session:
        put_patients(session=session, patients=cohort()[:3], actor="tester", at=AT)
    assert rows(db, "m3")["us"].relapses_on == 0
    later = AT + dt.timedelta(days=2)
    relapse = Relapse(id="m3-r1", date=dt.date(2024, 10, 1))
    with db.writing() as session:
        add_record(
            session=session, patient_id="m3", record=relapse, actor="nurse", at=later, today=later.date()
        )
    after = rows(db, "m3")["us"]
    assert (after.relapses_on, after.as_of, after.neda3_1y) == (1, later.date(), "not_achieved")

    class Boom(Exception):
        pass

    with pytest.raises(Boom), db.writing() as session:  # a write that fails leaves the old summary
        add_record(
            session=session,
            patient_id="m3",
            record=Discontinuation(id="m3-stop", date=dt.date(2024, 12, 2), reason="pregnancy"),
            actor="nurse",
            at=later,
            today=later.date(),
        )
        assert rows(db, "m3")["us"].discontinued_on is None  # other readers do not see it yet
        raise Boom
    assert rows(db, "m3")["us"].discontinued_on is None
    version = next(r.version for r in load_current_records_of(db, "m3") if r.record_id == "m3-r1")
    with db.writing() as session:
        retract_record(
            session=session,
            patient_id="m3",
            kind="relapses",
            record_id="m3-r1",
            reason="entered for the wrong patient",
            expected_version=version,
            actor="nurse",
            at=later,
        )
    assert rows(db, "m3")["us"].relapses_on == 0


def load_current_records_of(db: Database, patient_id: str) -> list[object]:
    with db.reading() as session:
        return list(load_current_records(session=session, patient_id=patient_id))


def test_summaries_go_stale_the_next_day_and_refresh_in_chunks(db: Database) -> None:
    patients = cohort()
    with db.writing() as session:
        put_patients(session=session, patients=patients, actor="tester", at=AT)
        assert count_stale(session=session, as_of=AS_OF) == 0
    tomorrow = AS_OF + dt.timedelta(days=1)
    with db.reading() as session:
        assert count_stale(session=session, as_of=tomorrow) == len(patients)
        assert len(stale_patient_pks(session=session, as_of=tomorrow, limit=5)) == 5
    with db.writing() as session, count_queries(db) as queries:
        result = refresh_stale(
            session=session, as_of=tomorrow, computed_at=AT + dt.timedelta(days=1), chunk_size=7
        )
    assert result.patients == len(patients)
    # three chunks (7, 7, 2): find stale, read records, delete identities and summaries, insert
    # both; then one finding none.
    # The driver may split a chunk's multi-row INSERT into pages (SQLite's bound-parameter limit).
    others = [q for q in queries if not q.startswith("INSERT")]
    assert len(others) == 3 * 4 + 1
    assert 3 <= len(queries) - len(others) <= 3 * 3
    with db.reading() as session:
        assert count_stale(session=session, as_of=tomorrow) == 0
    for patient in patients:
        assert as_dict(rows(db, patient.id)["eu"]) == summary_values(patient, tomorrow, EU)


def test_a_patient_without_a_summary_is_stale(db: Database) -> None:
    """A registry upgraded from schema 0001 has no summaries: every patient is stale."""
    with db.writing() as session:
        put_patients(session=session, patients=cohort()[:4], actor="tester", at=AT)
        session.execute(S.__table__.delete().where(S.profile == "eu"))
    with db.reading() as session:
        assert count_stale(session=session, as_of=AS_OF) == 4
    with db.writing() as session:
        assert refresh_stale(session=session, as_of=AS_OF, computed_at=AT).patients == 4
    assert set(rows(db, "m1")) == {"us", "eu"}


def test_a_rules_failure_never_blocks_the_write_and_leaves_the_summary_stale(
    db: Database, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    from alpha4.store import summary

    real = summary.summary_values

    def failing(patient: object, as_of: dt.date, profile: object) -> dict[str, object]:
        if getattr(patient, "id", None) == "m2":
            raise RuntimeError("a rule broke")
        return real(patient, as_of, profile)  # type: ignore[arg-type]

    monkeypatch.setattr(summary, "summary_values", failing)
    with db.writing() as session:
        results = put_patients(session=session, patients=cohort()[:3], actor="tester", at=AT)
    assert [type(r).__name__ for r in results] == ["PutResult"] * 3  # all three written
    assert set(rows(db, "m1")) == {"us", "eu"} and rows(db, "m2") == {}
    assert "could not be computed (RuntimeError)" in caplog.text  # the type only: no patient data
    assert "m2" not in caplog.text and "a rule broke" not in caplog.text
    with db.writing() as session:
        assert count_stale(session=session, as_of=AS_OF) == 1
        result = refresh_stale(session=session, as_of=AS_OF, computed_at=AT)
    assert (result.patients, result.failed) == (0, 1)  # tried once, still stale, no endless loop
    monkeypatch.setattr(summary, "summary_values", real)
    with db.writing() as session:
        assert refresh_stale(session=session, as_of=AS_OF, computed_at=AT).patients == 1
    assert set(rows(db, "m2")) == {"us", "eu"}
