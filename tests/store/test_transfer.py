"""Import and export: bad records named by line and field, idempotent re-import, exact round trip,
and a process killed in the middle of an import leaves each patient whole or absent."""

from __future__ import annotations

import io
import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from alpha4.store import Database, load_patient, verify_audit_chain
from alpha4.store.cohort import count_patients, iter_patients
from alpha4.store.transfer import export_patients, import_patients, read_patients

from .helpers import AS_OF, AT, cohort


def _ndjson(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(db: Database, *paths: Path, batch_size: int = 200) -> object:
    items = (item for p in paths for item in read_patients(p, not_after=AS_OF))
    return import_patients(db, items, actor="importer", at=AT, batch_size=batch_size)


def test_a_bad_record_is_reported_with_its_line_and_field_and_the_rest_go_on(
    db: Database, tmp_path: Path
) -> None:
    good = cohort(4)
    bad_dose = json.loads(good[1].model_dump_json())
    bad_dose["infusions"][0]["dose_mg"] = -300
    lines = [
        good[0].model_dump_json(),
        json.dumps(bad_dose),
        '{"id": "broken", ',
        good[2].model_dump_json(),
        "[1, 2]",
        good[3].model_dump_json(),
    ]
    report = _import(db, _ndjson(tmp_path / "feed.ndjson", lines))
    rejected = [str(r) for r in report.rejected]  # type: ignore[attr-defined]
    assert any(":2: infusions.0.dose_mg: Input should be greater than 0" in r for r in rejected), rejected
    assert any(":3: (json): not valid JSON" in r for r in rejected), rejected
    assert any(":5: (record): expected a patient object" in r for r in rejected), rejected
    assert report.created == 3  # type: ignore[attr-defined]
    with db.reading() as session:
        assert load_patient(session=session, patient_id=good[1].id) is None
        assert load_patient(session=session, patient_id=good[3].id) == good[3]


def test_a_record_dated_after_the_import_day_is_refused(db: Database, tmp_path: Path) -> None:
    patient = json.loads(cohort(1)[0].model_dump_json())
    patient["infusions"][-1]["date"] = "2027-01-05"
    path = tmp_path / "one.json"
    path.write_text(json.dumps(patient, indent=2), encoding="utf-8")
    report = _import(db, path)
    assert [r.field for r in report.rejected] == [f"infusions[{len(patient['infusions']) - 1}].date"]  # type: ignore[attr-defined]


def test_reimporting_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = _ndjson(tmp_path / "c.ndjson", [p.model_dump_json() for p in cohort(15)])
    first = _import(db, path)
    assert first.created == 15  # type: ignore[attr-defined]
    with db.reading() as session:
        before = verify_audit_chain(session=session), count_patients(session=session)
    second = _import(db, path)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 15)  # type: ignore[attr-defined]
    with db.reading() as session:
        from alpha4.store import audit_head

        assert audit_head(session=session)[0] == 15  # no new audit entries
        assert (verify_audit_chain(session=session), count_patients(session=session)) == before


def test_a_json_array_and_a_pretty_printed_object_import_too(db: Database, tmp_path: Path) -> None:
    patients = cohort(3)
    array = tmp_path / "array.json"
    array.write_text(json.dumps([json.loads(p.model_dump_json()) for p in patients[:2]], indent=2))
    single = tmp_path / "single.json"
    single.write_text(patients[2].to_json())
    report = _import(db, array, single)
    assert report.created == 3 and not report.rejected  # type: ignore[attr-defined]


def test_export_then_import_into_an_empty_registry_gives_an_identical_registry(
    db: Database, tmp_path: Path, request: object
) -> None:
    patients = cohort(40)
    _import(db, _ndjson(tmp_path / "in.ndjson", [p.model_dump_json() for p in reversed(patients)]))
    first = io.StringIO()
    with db.reading() as session:
        assert export_patients(session=session, out=first) == 40
    exported = tmp_path / "export.ndjson"
    exported.write_text(first.getvalue(), encoding="utf-8")

    other_url = db.url.render_as_string(hide_password=False)
    from tests.dbfixtures import new_database_url

    fresh = Database(new_database_url("sqlite" if db.is_sqlite else "postgresql", request, tmp_path))  # type: ignore[arg-type]
    try:
        assert fresh.url != db.url, other_url
        report = _import(fresh, exported)
        assert report.created == 40  # type: ignore[attr-defined]
        second = io.StringIO()
        with fresh.reading() as session:
            export_patients(session=session, out=second)
            assert list(iter_patients(session=session, by_id=True)) == sorted(patients, key=lambda p: p.id)
        assert second.getvalue() == first.getvalue()
    finally:
        fresh.dispose()


CHILD = """
import sys
from alpha4.cli import app
app(["import", sys.argv[1], "--batch-size", "1", "--as-of", "2026-11-24", "--actor", "child"])
"""


def test_a_killed_import_leaves_each_patient_whole_or_absent(db: Database, tmp_path: Path) -> None:
    patients = cohort(300)
    path = _ndjson(tmp_path / "big.ndjson", [p.model_dump_json() for p in patients])
    env = {"ALPHA4_DATABASE_URL": db.url.render_as_string(hide_password=False), "PATH": "/usr/bin:/bin"}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], env=env)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with db.reading() as session:
                if count_patients(session=session) >= 25:
                    break
            time.sleep(0.02)
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(10)
    assert child.returncode == -signal.SIGKILL
    by_id = {p.id: p for p in patients}
    with db.reading() as session:
        stored = list(iter_patients(session=session))
        assert verify_audit_chain(session=session) is None
    assert 25 <= len(stored) < len(patients)
    for patient in stored:
        assert patient == by_id[patient.id]
    # the import, run again, completes the registry and leaves the stored patients as they were
    report = _import(db, path)
    assert report.created == len(patients) - len(stored) and report.unchanged == len(stored)  # type: ignore[attr-defined]
