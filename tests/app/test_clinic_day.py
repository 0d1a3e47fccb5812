"""Identity, search, the paged worklist, bookings, Today/Tomorrow and the holds queue over HTTP."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store import Database
from alpha4.store.identity import search_clause
from alpha4.store.users import Role
from alpha4.synthetic import scenario_patient

from .conftest import NAMED, TODAY, csrf_of, sign_in, web_settings

Client = Callable[[Role], TestClient]


def named(pid: str) -> tuple[str, str, str]:
    """The synthetic family name, given name and MRN of a named test patient."""
    p = scenario_patient(NAMED[pid], TODAY, seed=4, pid=pid)
    assert p.family_name and p.given_name and p.mrn
    return p.family_name, p.given_name, p.mrn


def book(client: TestClient, pid: str, day: dt.date, time: str, chair: str = "") -> int:
    token = csrf_of(client, f"/patients/{pid}/bookings")
    r = client.post(
        f"/patients/{pid}/bookings",
        data={"csrf_token": token, "day": day.isoformat(), "time": time, "chair": chair},
    )
    return r.status_code


def test_search_finds_a_patient_by_name_mrn_or_id_prefix_in_any_case(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    family, given, mrn = named("HOLD-1")
    page = nurse.get("/search", params={"q": family[:3].upper(), "open": "0"}).text
    assert 'data-patient="HOLD-1"' in page
    both = nurse.get("/search", params={"q": f"{family.lower()}, {given[:2]}", "open": "0"}).text
    assert 'data-patient="HOLD-1"' in both
    r = nurse.get("/search", params={"q": mrn.lower()})
    assert r.status_code == 303 and r.headers["location"] == "/patients/HOLD-1"  # one match opens it
    assert 'data-patient="HOLD-1"' in nurse.get("/search", params={"q": "hold-", "open": "0"}).text
    none = nurse.get("/search", params={"q": "zzzq"}).text
    assert 'id="search-count">0 patients' in none


def test_the_search_is_answered_by_an_index(db_path: Path) -> None:
    from sqlalchemy import select

    from alpha4.store.identity import PatientIdentityRow

    db = Database(f"sqlite:///{db_path}")
    clause = search_clause("smi")
    assert clause is not None
    with db.connect() as conn:
        query = select(PatientIdentityRow.patient_pk).where(clause)
        compiled = query.compile(conn, compile_kwargs={"literal_binds": True})
        plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
    db.dispose()
    for key in ("id_key", "family_key", "given_key", "mrn_key"):
        assert f"ix_patient_identity_{key}" in plan, plan
    assert "SCAN patient_identity" not in plan


def test_every_patient_page_has_the_banner_with_two_identifiers(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    family, given, mrn = named("STOP-2")
    for page in ("/patients/STOP-2", "/patients/STOP-2/checklist", "/patients/STOP-2/pml-sheet"):
        html = nurse.get(page).text
        banner = re.search(r'<section class="patient-banner.*?</section>', html, re.S)
        assert banner, page
        assert f"{family.upper()}, {given}" in banner.group(0)
        assert mrn in banner.group(0) and 'id="banner-dob"' in banner.group(0)
        assert "has-allergy" in banner.group(0)  # a serious hypersensitivity is on record
        assert "gate-stop" in banner.group(0)


def test_the_worklist_pages_and_sorts(db_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{db_path}"), web=web_settings(page_size=10))
    with TestClient(app, base_url="https://testserver", follow_redirects=False) as client:
        sign_in(client, Role.NURSE)
        first = client.get("/?all=true").text
        assert "page 1 of 5" in first and 'id="next-page"' in first
        ids = re.findall(r'<tr class="row-\w+" data-patient="([^"]+)"', first)
        assert len(ids) == 10
        second = re.findall(
            r'<tr class="row-\w+" data-patient="([^"]+)"', client.get("/?all=true&page=2").text
        )
        assert len(second) == 10 and not set(ids) & set(second)
        by_id = re.findall(r'data-patient="([^"]+)"', client.get("/?all=true&sort=id").text)
        assert by_id == sorted(by_id)
        down = re.findall(r'data-patient="([^"]+)"', client.get("/?all=true&sort=id&desc=true").text)
        assert down == sorted(down, reverse=True)
        stops_first = re.findall(r'<tr class="row-(\w+)"', first)
        assert stops_first == sorted(stops_first, key=["stop", "hold", "go"].index)


def test_a_coordinator_exports_what_the_worklist_shows(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    r = coordinator.get("/worklist.csv?gate=hold")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and {row["gate"] for row in rows} == {"hold"}
    hold = next(row for row in rows if row["patient_id"] == "HOLD-1")
    assert hold["family_name"] == named("HOLD-1")[0] and hold["mrn"] == named("HOLD-1")[2]
    assert "SCHEDULE_" not in hold["gate_reasons"]  # titles, not codes
    assert signed_in(Role.NURSE).get("/worklist.csv").status_code == 403


def test_today_lists_booked_patients_in_time_order(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    assert book(coordinator, "GO-1", TODAY, "10:30", "2") == 303
    assert book(coordinator, "HOLD-1", TODAY, "9:00", "1") == 303
    assert book(coordinator, "STOP-1", TODAY + dt.timedelta(days=1), "08:15") == 303
    today = coordinator.get("/today").text
    assert re.findall(r'<tr data-patient="([^"]+)"', today) == ["HOLD-1", "GO-1"]
    hold = re.search(r'data-patient="HOLD-1".*?</tr>', today, re.S)
    assert hold and "09:00" in hold.group(0) and "anti-JCV antibody" in hold.group(0)  # draw at the chair
    assert "SCHEDULE_JCV_OVERDUE" in hold.group(0) or "JCV" in hold.group(0)
    tomorrow = coordinator.get("/tomorrow").text
    assert re.findall(r'<tr data-patient="([^"]+)"', tomorrow) == ["STOP-1"]


def test_a_bad_booking_keeps_what_was_typed_with_the_message_beside_it(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    token = csrf_of(coordinator, "/patients/GO-2/bookings")
    r = coordinator.post(
        "/patients/GO-2/bookings",
        data={"csrf_token": token, "day": TODAY.isoformat(), "time": "half past nine", "chair": "7"},
    )
    assert r.status_code == 422
    main = r.text[r.text.find("<main>") : r.text.find("</main>")]
    assert 'value="half past nine"' in main and 'value="7"' in main, main
    assert "Enter the time as hours and minutes, e.g. 09:30" in r.text


def test_a_booking_is_moved_and_csv_import_books_line_by_line(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    token = csrf_of(coordinator, "/bookings/import")
    _, _, mrn = named("GO-2")
    text = (
        "patient_id,mrn,date,time,chair,id\n"
        f"GO-1,,{TODAY.isoformat()},11:00,3,A1\n"
        f",{mrn},{TODAY.isoformat()},12:00,4,A2\n"
        f"NOPE,,{TODAY.isoformat()},12:00,4,A3\n"
        f"GO-1,,tomorrow,12:00,4,A4\n"
    )
    r = coordinator.post("/bookings/import", data={"csrf_token": token, "text": text})
    assert r.status_code == 422
    assert "2 booked, 2 not booked" in r.text
    assert "Line 4:" in r.text and "Line 5: Enter the date as year-month-day" in r.text
    again = coordinator.post(
        "/bookings/import", data={"csrf_token": token, "text": text.replace("11:00", "11:30")}
    )
    assert "2 booked" in again.text
    today = coordinator.get("/today").text
    assert re.findall(r'<tr data-patient="([^"]+)"', today) == ["GO-1", "GO-2"]  # moved, not booked twice
    assert "11:30" in today and "11:00" not in today


def test_the_holds_queue_links_each_held_patient_to_the_clearance(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    book(coordinator, "HOLD-1", TODAY, "09:00")
    book(coordinator, "GO-2", TODAY, "09:30")
    book(coordinator, "PREG-1", TODAY + dt.timedelta(days=2), "13:00")
    page = signed_in(Role.PRESCRIBER).get("/holds").text
    queued = re.findall(r'<tr data-patient="([^"]+)"', page)
    assert queued == ["HOLD-1", "PREG-1"]
    assert 'href="/patients/HOLD-1/checklist#gate">Review and clear' in page


def test_pages_that_do_not_exist_answer_in_the_app_layout(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    r = nurse.get("/no/such/page")
    assert r.status_code == 404 and 'class="top noprint"' in r.text and "Not found" in r.text
    assert nurse.get("/api/v1/no-such").json() == {"detail": "Not Found"}


def test_a_chair_record_with_mistakes_keeps_every_answer_and_says_what_to_fix(signed_in: Client) -> None:
    from .test_pages import CHAIR, answer

    nurse = signed_in(Role.NURSE)
    answer(nurse, "GO-1")
    token = csrf_of(nurse, "/patients/GO-1/checklist")
    typed = {
        **CHAIR,
        "before.pulse": "seventy",
        "expiry": (TODAY - dt.timedelta(days=1)).isoformat(),
        "end_time": "08:30",
        "after.temperature": "37,2",
        "reaction.other": "",
        "manifestation.flushing": "yes",
    }
    r = nurse.post("/patients/GO-1/infusions", data={**typed, "csrf_token": token})
    assert r.status_code == 422
    page = r.text
    assert "Enter the pulse as a number of beats a minute, e.g. 72" in page
    assert "expired on" in page and "do not give it" in page
    assert "The end time is before the start time" in page
    assert "Say what kind of reaction it was" in page
    for name in ("lot", "before.pulse", "end_time", "after.temperature", "before.bp_systolic"):
        assert f'name="{name}" value="{typed[name]}"' in page, name
    assert 'name="manifestation.flushing" value="yes" checked' in page
    assert PASSWORD_VALUE not in page  # the signature's password is never sent back
    assert 'id="infusion-problems"' in page


PASSWORD_VALUE = 'value="correct horse'


def test_a_signature_needs_the_nurses_own_password_and_the_signed_record_prints(signed_in: Client) -> None:
    from .test_pages import CHAIR, answer

    nurse = signed_in(Role.NURSE)
    answer(nurse, "GO-1")
    token = csrf_of(nurse, "/patients/GO-1/checklist")
    wrong = nurse.post("/patients/GO-1/infusions", data={**CHAIR, "password": "guess", "csrf_token": token})
    assert wrong.status_code == 422 and "That is not your password" in wrong.text
    assert 'name="lot" value="LOT-4711"' in wrong.text
    ok = nurse.post("/patients/GO-1/infusions", data={**CHAIR, "csrf_token": token})
    assert ok.status_code == 303
    sheet = nurse.get("/patients/GO-1/checklist/signed").text
    family, given, mrn = named("GO-1")
    assert f"{family.upper()}, {given}" in sheet and mrn in sheet
    assert "lot LOT-4711" in sheet and "09:00 – 10:05" in sheet and "pulse 70" in sheet
    assert re.search(r'id="print-signature">Signed by <b>nurse1</b>', sheet)
    assert "Answered by <b>nurse1</b>" in sheet and "current authorization verified?" in sheet
    assert 'id="print-gate"><span class="badge gate-go">' in sheet


def test_an_admin_reads_and_verifies_the_audit_log(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    book(coordinator, "GO-1", TODAY, "09:00")
    admin = signed_in(Role.ADMIN)
    page = admin.get("/admin/audit", params={"patient": "GO-1"}).text
    assert "appointment book" in page and "GO-1/appointment/" in page
    token = csrf_of(admin, "/admin/audit")
    assert "Chain intact" in admin.post("/admin/audit/verify", data={"csrf_token": token}).text
    by_nurse = admin.get("/admin/audit", params={"actor": "nurse1"}).text
    assert "appointment book" not in by_nurse
    bad_day = admin.get("/admin/audit", params={"from": "yesterday"})
    assert bad_day.status_code == 422 and "Enter from as a date" in bad_day.text
    assert signed_in(Role.NURSE).get("/admin/audit").status_code == 403


def test_a_cbc_is_entered_by_test_name_in_one_grid(signed_in: Client) -> None:
    coordinator = signed_in(Role.COORDINATOR)
    grid = coordinator.get("/patients/GO-1/labs/panel?panel=complete_blood_count").text
    assert (
        'name="lymphocytes.loinc" value="731-0"' in grid and 'name="platelets.unit" value="10*3/uL"' in grid
    )
    token = csrf_of(coordinator, "/patients/GO-1/labs/panel")
    url = "/patients/GO-1/labs/panel?panel=complete_blood_count"
    bad = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "date": TODAY.isoformat(),
            "lymphocytes.value": "1.9",
            "platelets.value": "lots",
        },
    )
    assert bad.status_code == 422
    assert "Enter the Platelets result as a number, e.g. 32." in bad.text
    assert (
        'name="lymphocytes.value" value="1.9"' in bad.text
        and 'name="platelets.value" value="lots"' in bad.text
    )
    before = coordinator.get("/patients/GO-1").text.count("731-0")
    ok = coordinator.post(
        url,
        data={
            "csrf_token": token,
            "date": TODAY.isoformat(),
            "lymphocytes.value": "1.9",
            "platelets.value": "240",
        },
    )
    assert ok.status_code == 303
    after = coordinator.get("/patients/GO-1").text
    assert after.count("731-0") == before + 1
    liver = coordinator.get("/patients/GO-1/labs/panel?panel=liver_function_tests").text
    assert ">ALT</label>" in liver


def test_the_summaries_day_is_checked_again_after_any_write_or_a_new_day(client: TestClient) -> None:
    """The scan that every summary is for today runs once per audit head and day, not per page."""
    import datetime as dt

    from sqlalchemy import text

    from alpha4.app.clinic_day import bring_to_day
    from alpha4.store import append_audit

    clinic = client.app.state.clinic  # type: ignore[attr-defined]
    bring_to_day(clinic)
    day = clinic.today()

    def stale_rows() -> int:
        with clinic.db.reading() as session:
            return int(
                session.execute(
                    text("SELECT count(*) FROM patient_summary WHERE as_of <> :d"), {"d": day}
                ).scalar_one()
            )

    with clinic.db.writing() as session:  # a row made stale behind the app's back, with no audit entry
        session.execute(
            text("UPDATE patient_summary SET as_of = :d WHERE patient_pk = 1"),
            {"d": day - dt.timedelta(days=1)},
        )
    bring_to_day(clinic)
    assert stale_rows() == 2  # not looked at: nothing was written through the registry since the check
    with clinic.db.writing() as session:
        append_audit(
            session=session, at=clinic.clock(), actor="t", action="user.create", entity="user", entity_id="x"
        )
    bring_to_day(clinic)
    assert stale_rows() == 0  # a new audit entry: checked again, and the stale rows recomputed
    with clinic.db.writing() as session:
        session.execute(
            text("UPDATE patient_summary SET as_of = :d WHERE patient_pk = 1"),
            {"d": day - dt.timedelta(days=1)},
        )
    clinic.summaries_checked = (
        day - dt.timedelta(days=1),
        *clinic.summaries_checked[1:],
    )  # as if checked yesterday
    bring_to_day(clinic)
    assert stale_rows() == 0


def test_fhir_appointments_from_the_ehr_are_booked_each_on_its_own(signed_in: Client) -> None:
    import json

    coordinator = signed_in(Role.COORDINATOR)
    token = csrf_of(coordinator, "/bookings/import")
    _, _, mrn = named("GO-2")
    day = TODAY.isoformat()

    def appointment(
        rid: str, start: str, actor: dict[str, object], status: str = "booked"
    ) -> dict[str, object]:
        return {
            "resourceType": "Appointment",
            "id": rid,
            "status": status,
            "start": start,
            "end": start.replace("T08", "T10").replace("T09", "T11"),
            "participant": [
                {"actor": actor, "status": "accepted"},
                {"actor": {"reference": "Location/chair-4", "display": "Chair 4"}, "status": "accepted"},
            ],
        }

    mr = {
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MR"}]},
        "value": mrn,
    }
    bundle = {
        "resourceType": "Bundle",
        "type": "searchset",
        "entry": [
            {"resource": appointment("ap-1", f"{day}T08:30:00+00:00", {"reference": "Patient/GO-1"})},
            {"resource": appointment("ap-2", f"{day}T09:15:00+00:00", {"type": "Patient", "identifier": mr})},
            {
                "resource": appointment(
                    "ap-3", f"{day}T09:45:00+00:00", {"reference": "Patient/GO-1"}, "cancelled"
                )
            },
            {
                "resource": {
                    "resourceType": "Observation",
                    "id": "o1",
                    "status": "final",
                    "code": {"text": "x"},
                }
            },
            {"resource": {"resourceType": "Appointment", "id": "ap-5", "participant": []}},
        ],
    }
    r = coordinator.post("/bookings/import", data={"csrf_token": token, "text": json.dumps(bundle)})
    assert r.status_code == 422 and "2 booked, 3 not booked" in r.text
    assert "entry[2]: Appointment ap-3 is cancelled: not booked" in r.text
    assert "entry[3]: Observation is not an Appointment" in r.text
    assert "entry[4]: not a valid FHIR R4 Appointment" in r.text
    today = coordinator.get("/today").text
    assert re.findall(r'<tr data-patient="([^"]+)"', today) == ["GO-1", "GO-2"]
    assert "08:30" in today and "09:15" in today and "Chair 4" in today
    bundle["entry"][0]["resource"]["start"] = f"{day}T08:45:00+00:00"  # type: ignore[index]
    again = coordinator.post("/bookings/import", data={"csrf_token": token, "text": json.dumps(bundle)})
    assert "2 booked" in again.text
    today = coordinator.get("/today").text
    assert re.findall(r'<tr data-patient="([^"]+)"', today) == ["GO-1", "GO-2"]  # moved, not booked twice
    assert "08:45" in today and "08:30" not in today
