"""The pages a nurse, a prescriber and a coordinator use, driven through HTTP with the real registry."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from alpha4.domain import QUESTIONS
from alpha4.store.users import Role

from .conftest import PASSWORD, TODAY, csrf_of

Client = Callable[[Role], TestClient]
ALL_CLEAR = {q: "no" for q in QUESTIONS} | {"authorization_verified": "yes"}
CHAIR = {
    "dose_mg": "300",
    "product": "tysabri",
    "route": "intravenous",
    "lot": "LOT-4711",
    "expiry": (TODAY + dt.timedelta(days=200)).isoformat(),
    "start_time": "09:00",
    "end_time": "10:05",
    "before.bp_systolic": "122",
    "before.bp_diastolic": "78",
    "before.pulse": "70",
    "observation_minutes": "60",
    "password": PASSWORD,
}
"""A complete chair-side infusion record, signed with the nurse's password."""


def answer(client: TestClient, patient: str, **overrides: str) -> None:
    token = csrf_of(client, f"/patients/{patient}/checklist")
    r = client.post(f"/patients/{patient}/checklist", data={**ALL_CLEAR, **overrides, "csrf_token": token})
    assert r.status_code == 303, r.text


def gate_on(client: TestClient, patient: str) -> str:
    page = client.get(f"/patients/{patient}/checklist").text
    found = re.search(r'id="gate-decision"><span class="badge gate-(\w+)"', page)
    assert found, "no gate shown"
    return found.group(1)


def infuse(client: TestClient, patient: str, **reaction: str) -> int:
    token = csrf_of(client, f"/patients/{patient}/checklist")
    data = {"csrf_token": token, **CHAIR, **reaction}
    if reaction:
        data["manifestation.wheeze"] = "yes"
    return client.post(f"/patients/{patient}/infusions", data=data).status_code


def infusion_count(client: TestClient, patient: str) -> int:
    found = re.search(r'id="infusion-count">(\d+)<', client.get(f"/patients/{patient}").text)
    assert found
    return int(found.group(1))


def test_a_held_patient_cannot_be_infused_until_a_prescriber_clears_it(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    before = infusion_count(nurse, "HOLD-1")
    answer(nurse, "HOLD-1")
    page = nurse.get("/patients/HOLD-1/checklist").text
    assert gate_on(nurse, "HOLD-1") == "hold"
    assert "SCHEDULE_JCV_OVERDUE" in page and "Needs a prescriber's clearance with a reason." in page
    assert 'id="infusion-locked"' in page
    assert infuse(nurse, "HOLD-1") == 409
    token = csrf_of(nurse, "/")
    r = nurse.post(
        "/patients/HOLD-1/clearances",
        data={"csrf_token": token, "code": "SCHEDULE_JCV_OVERDUE", "reason": "ok"},
    )
    assert r.status_code == 403  # the nurse's role clears nothing

    prescriber = signed_in(Role.PRESCRIBER)
    token = csrf_of(prescriber, "/patients/HOLD-1/checklist")
    r = prescriber.post(
        "/patients/HOLD-1/clearances",
        data={"csrf_token": token, "code": "SCHEDULE_JCV_OVERDUE", "reason": "x"},
    )
    assert r.status_code == 422 and "Give the reason" in r.text
    r = prescriber.post(
        "/patients/HOLD-1/clearances",
        data={
            "csrf_token": token,
            "code": "SCHEDULE_JCV_OVERDUE",
            "reason": "JCV drawn today; stable for years",
        },
    )
    assert r.status_code == 303

    nurse = signed_in(Role.NURSE)
    page = nurse.get("/patients/HOLD-1/checklist").text
    assert gate_on(nurse, "HOLD-1") == "go"
    assert "JCV drawn today; stable for years" in page and "prescriber1" in page
    assert infuse(nurse, "HOLD-1") == 303
    assert infusion_count(nurse, "HOLD-1") == before + 1
    assert gate_on(nurse, "HOLD-1") != "go"  # the visit is closed: a second infusion today is refused
    assert infuse(nurse, "HOLD-1") == 409


def worklist_row(client: TestClient, patient: str, query: str = "?all=true") -> str | None:
    found = re.search(rf'data-patient="{patient}">(.*?)</tr>', client.get("/" + query).text, re.S)
    return found.group(1) if found else None


def test_a_patient_who_may_go_is_infused_and_the_worklist_changes(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    before = worklist_row(nurse, "GO-1", "?due=tomorrow")
    assert before is not None and f"infusion · {tomorrow}" in before and "gate-go" in before
    assert infuse(nurse, "GO-1") == 409  # not before the screening questions
    answer(nurse, "GO-1")
    assert gate_on(nurse, "GO-1") == "go"
    assert infuse(nurse, "GO-1") == 303
    after = worklist_row(nurse, "GO-1")
    assert after is not None
    assert f"infusion · {tomorrow}" not in after
    assert f">{(TODAY + dt.timedelta(weeks=4)).isoformat()}</td>" in after  # the next infusion moved on
    assert "gate-go" not in after  # too soon for another infusion
    assert "Infused today" in after and "Too soon" not in after  # said as what happened, not as a hold


def test_a_yes_holds_and_a_serious_reaction_stops_for_good(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    answer(nurse, "GO-2", serious_active_infection="yes")
    assert gate_on(nurse, "GO-2") == "hold"
    assert "CHECKLIST_SERIOUS_INFECTION" in nurse.get("/patients/GO-2/checklist").text
    answer(nurse, "GO-2")
    assert gate_on(nurse, "GO-2") == "go"
    status = infuse(
        nurse,
        "GO-2",
        **{"reaction.kind": "anaphylaxis", "reaction.grade": "4", "reaction.onset_minutes": "15"},
    )
    assert status == 303
    page = nurse.get("/patients/GO-2").text
    assert "CONTRA_SERIOUS_HYPERSENSITIVITY" in page
    assert re.search(r"<h2>Today's gate</h2><p class=\"big\"><span class=\"badge gate-stop\">", page)


def test_a_stop_is_not_overridden_from_the_nurses_role(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    answer(nurse, "STOP-2")
    page = nurse.get("/patients/STOP-2/checklist").text
    assert gate_on(nurse, "STOP-2") == "stop"
    assert "A stop cannot be overridden from the nurse's role." in page
    assert 'action="/patients/STOP-2/clearances"' not in page
    prescriber = signed_in(Role.PRESCRIBER)
    token = csrf_of(prescriber, "/patients/STOP-2/checklist")
    r = prescriber.post(
        "/patients/STOP-2/clearances",
        data={"csrf_token": token, "code": "CONTRA_SERIOUS_HYPERSENSITIVITY", "reason": "patient insists"},
    )
    assert r.status_code == 422 and "no override" in r.text
    # the label lets the prescriber override persistent antibodies, with a reason
    answer(prescriber, "STOP-1")
    token = csrf_of(prescriber, "/patients/STOP-1/checklist")
    r = prescriber.post(
        "/patients/STOP-1/clearances",
        data={
            "csrf_token": token,
            "code": "ANTIBODY_PERSISTENT",
            "reason": "antibody titre falling; MDT agreed",
        },
    )
    assert r.status_code == 303
    assert gate_on(prescriber, "STOP-1") == "go"


def test_worklist_filters(signed_in: Client) -> None:
    c = signed_in(Role.COORDINATOR)
    page = c.get("/").text
    assert page.index('data-patient="STOP-2"') < page.index('data-patient="HOLD-1"')  # most urgent first
    assert 'data-patient="PREG-1"' in c.get("/?pregnancy=true").text
    assert 'data-patient="GO-1"' not in c.get("/?pregnancy=true").text
    assert 'data-patient="STOP-1"' in c.get("/?antibodies=true").text
    assert 'data-patient="GO-2"' not in c.get("/?antibodies=true").text
    assert 'data-patient="GO-2"' not in c.get("/?pml=true").text
    stops = c.get("/?gate=stop").text
    assert 'data-patient="STOP-1"' in stops and 'data-patient="HOLD-1"' not in stops
    assert c.get("/?due=someday").status_code == 422


def test_patient_page_summary_findings_schedule_and_charts(signed_in: Client) -> None:
    page = signed_in(Role.COORDINATOR).get("/patients/HOLD-1").text
    for text in (
        "Multiple sclerosis",
        "Infusions",
        "every 4 weeks",
        "JCV",
        "PML risk",
        "per 1,000",
        "Findings",
        "Schedule",
    ):
        assert text in page, text
    assert page.count("<svg") >= 3 and "0.9 (low)" in page and "1.5 (higher risk)" in page
    assert "Berger" in page  # the PML table's source
    assert "Pre-infusion checklist" not in page  # the analyst reads only


def test_pml_sheet_explains_the_patients_own_risk_with_its_table(signed_in: Client) -> None:
    page = signed_in(Role.NURSE).get("/patients/GO-1/pml-sheet").text
    assert "Your PML risk" in page and "in 1,000" in page
    assert "(you)" in page and "Source:" in page and 'class="pml-table"' in page


def test_bad_data_entry_is_shown_next_to_the_field_and_nothing_is_saved(signed_in: Client) -> None:
    c = signed_in(Role.COORDINATOR)
    records_before = c.get("/patients/GO-1").text.count("/records/labs/GO-1-lab")
    token = csrf_of(c, "/patients/GO-1/records/labs/new")
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    r = c.post(
        "/patients/GO-1/records/labs/new",
        data={
            "csrf_token": token,
            "date": TODAY.isoformat(),
            "loinc": "731-1",
            "value": "many",
            "unit": "10*3/uL",
        },
    )
    assert r.status_code == 422
    assert re.search(r'id="e-value">[^<]*valid number', r.text)
    r = c.post(
        "/patients/GO-1/records/labs/new",
        data={"csrf_token": token, "date": future, "loinc": "731-1", "value": "1.1", "unit": "10*3/uL"},
    )
    assert r.status_code == 422 and 'id="e-date"' in r.text and "after the assessment date" in r.text
    assert 'id="e-loinc"' in r.text and "check digit" in r.text
    r = c.post(
        "/patients/GO-1/records/jcv_results/new",
        data={
            "csrf_token": token,
            "date": TODAY.isoformat(),
            "assay": "stratify_jcv_dxselect",
            "index": "1.2",
        },
    )
    assert r.status_code == 422 and "index given without a serostatus" in r.text
    assert c.get("/patients/GO-1").text.count("/records/labs/GO-1-lab") == records_before


def test_a_correction_is_a_new_version_with_its_reason_in_the_history(signed_in: Client) -> None:
    c = signed_in(Role.COORDINATOR)
    token = csrf_of(c, "/patients/GO-1/records/jcv_results/new")
    r = c.post(
        "/patients/GO-1/records/jcv_results/new",
        data={
            "csrf_token": token,
            "date": TODAY.isoformat(),
            "assay": "stratify_jcv_dxselect",
            "serostatus": "positive",
            "index": "0.7",
        },
    )
    assert r.status_code == 303
    rid = f"jcv-{TODAY:%Y%m%d}-1"
    url = f"/patients/GO-1/records/jcv_results/{rid}/correct"
    assert 'value="0.7"' in c.get(url).text
    r = c.post(
        url,
        data={
            "csrf_token": token,
            "version": "1",
            "assay": "stratify_jcv_dxselect",
            "date": TODAY.isoformat(),
            "serostatus": "positive",
            "index": "1.7",
            "reason": "",
        },
    )
    assert r.status_code == 422 and "Say why" in r.text
    r = c.post(
        url,
        data={
            "csrf_token": token,
            "version": "1",
            "assay": "stratify_jcv_dxselect",
            "date": TODAY.isoformat(),
            "serostatus": "positive",
            "index": "1.7",
            "reason": "transcription error: 1.7 not 0.7",
        },
    )
    assert r.status_code == 303
    history = c.get(f"/patients/GO-1/records/jcv_results/{rid}/history").text
    assert "v2" in history and "v1" in history and "transcription error: 1.7 not 0.7" in history
    assert "superseded" in history and "coordinator1" in history
    # v2 marks what it changed against v1 (the index), and nothing else
    assert re.search(r'<span class="kv changed" title="changed in this version"><b>index</b> 1.7</span>', history)
    assert "changed: index" in history and history.count('class="kv changed"') == 1
    r = c.post(
        url,
        data={
            "csrf_token": token,
            "version": "1",
            "assay": "stratify_jcv_dxselect",
            "date": TODAY.isoformat(),
            "serostatus": "positive",
            "index": "1.8",
            "reason": "stale edit",
        },
    )
    assert r.status_code == 409  # someone (here: we) changed it since version 1
    # the form comes back with the edit kept as typed, the current version beside it, who saved it
    assert 'id="changed-meanwhile"' in r.text and "version 2, saved by coordinator1" in r.text
    assert 'name="index"' in r.text and 'value="1.8"' in r.text and "stale edit" in r.text
    assert re.search(r'<tr class="changed"><th>[^<]*</th><td>1.7</td><td>yours: 1.8</td></tr>', r.text)
    assert 'name="version" value="2"' in r.text  # saving again is a deliberate write over version 2
    r = c.post(
        url, data={"csrf_token": token, "version": "2", "action": "retract", "reason": "wrong patient"}
    )
    assert r.status_code == 303
    assert "retracted: wrong patient" in c.get(f"/patients/GO-1/records/jcv_results/{rid}/history").text


def test_admin_creates_a_user_who_can_sign_in(signed_in: Client) -> None:
    admin = signed_in(Role.ADMIN)
    token = csrf_of(admin, "/admin/users")
    r = admin.post(
        "/admin/users",
        data={"csrf_token": token, "username": "nurse2", "password": "short", "roles": "nurse"},
    )
    assert r.status_code == 422 and "at least 12 characters" in r.text
    r = admin.post(
        "/admin/users",
        data={
            "csrf_token": token,
            "username": "nurse2",
            "password": "a long enough password",
            "roles": "nurse",
        },
    )
    assert r.status_code == 200 and "User nurse2 created" in r.text
    admin.cookies.clear()
    token = csrf_of(admin)
    r = admin.post(
        "/login", data={"username": "nurse2", "password": "a long enough password", "csrf_token": token}
    )
    assert r.status_code == 303


def test_admin_lists_users_and_a_deactivated_user_is_locked_out(signed_in: Client) -> None:
    nurse_cookies = dict(signed_in(Role.NURSE).cookies)
    admin = signed_in(Role.ADMIN)
    page = admin.get("/admin/users")
    assert page.status_code == 200
    assert "nurse1" in page.text and "Test nurse" in page.text and "active" in page.text
    token = csrf_of(admin, "/admin/users")
    r = admin.post("/admin/users/deactivate", data={"csrf_token": token, "username": "admin1"})
    assert r.status_code == 422 and "cannot deactivate yourself" in r.text
    r = admin.post("/admin/users/deactivate", data={"csrf_token": token, "username": "nobody"})
    assert r.status_code == 422 and "no user &#39;nobody&#39;" in r.text
    r = admin.post("/admin/users/deactivate", data={"csrf_token": token, "username": "nurse1"})
    assert r.status_code == 200 and "User nurse1 deactivated" in r.text
    assert re.search(r"<td>nurse1</td>.*?<td>deactivated</td>", r.text, re.S)
    # the nurse's open session ends at once, and signing in again is refused
    admin.cookies.clear()
    admin.cookies.update(nurse_cookies)
    assert admin.get("/").status_code == 303
    token = csrf_of(admin)
    r = admin.post("/login", data={"username": "nurse1", "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 400 and "not right" in r.text


def test_head_answers_like_get_without_a_body(client: TestClient, signed_in: Client) -> None:
    r = client.head("/login")
    assert r.status_code == 200 and r.content == b""
    assert r.headers["content-type"].startswith("text/html")
    assert int(r.headers["content-length"]) == len(client.get("/login").content)
    assert "content-security-policy" in r.headers
    assert client.head("/").status_code == 303  # signed out: the same redirect as GET
    nurse = signed_in(Role.NURSE)
    for path in ("/", "/patients/GO-1", "/static/app.css"):
        r = nurse.head(path)
        assert r.status_code == 200 and r.content == b"", path
    assert nurse.head("/logout").status_code == 405  # POST only


def age_on_page(client: TestClient, patient: str) -> int:
    found = re.search(r"· (\d+) y ·", client.get(f"/patients/{patient}").text)
    assert found, "no age shown"
    return int(found.group(1))


def test_a_prescriber_corrects_the_birth_date_and_the_nurse_may_not(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    url = "/patients/GO-2/records/patient/GO-2/correct"
    assert 'id="correct-demographics"' not in nurse.get("/patients/GO-2").text
    assert nurse.get(url).status_code == 403
    doctor = signed_in(Role.PRESCRIBER)
    assert 'id="correct-demographics"' in doctor.get("/patients/GO-2").text
    form = doctor.get(url).text
    assert "Retract" not in form
    born = re.search(r'name="birth_date"[^>]*value="([0-9-]+)"', form)
    sex = re.search(r'<option value="(\w+)" selected', form)
    assert born and sex
    before = age_on_page(doctor, "GO-2")
    token = csrf_of(doctor, url)
    data = {"csrf_token": token, "version": "1", "sex": sex.group(1), "reason": "year mistyped at enrolment"}
    future = doctor.post(url, data=data | {"birth_date": (TODAY + dt.timedelta(days=30)).isoformat()})
    assert future.status_code == 422 and "dated before the birth date" in future.text
    assert age_on_page(doctor, "GO-2") == before  # nothing written
    older = dt.date.fromisoformat(born.group(1)).replace(year=int(born.group(1)[:4]) - 10)
    r = doctor.post(url, data=data | {"birth_date": older.isoformat()})
    assert r.status_code == 303, r.text
    assert age_on_page(doctor, "GO-2") == before + 10
    history = doctor.get("/patients/GO-2/records/patient/GO-2/history").text
    assert "year mistyped at enrolment" in history and "superseded" in history and "prescriber1" in history
    stale = doctor.post(url, data=data | {"birth_date": born.group(1)})
    assert stale.status_code == 409  # the form was for version 1; version 2 is current
    assert doctor.get("/patients/GO-2/records/patient/other/correct").status_code == 404


def test_admin_reactivates_a_user_and_changes_roles_which_apply_at_once(signed_in: Client) -> None:
    new_result = "/patients/GO-1/records/labs/new"
    analyst = signed_in(Role.ANALYST)
    assert analyst.get(new_result).status_code == 403
    analyst_cookies = dict(analyst.cookies)
    admin = signed_in(Role.ADMIN)
    admin_cookies = dict(admin.cookies)

    def as_analyst_may_enter_results() -> bool:
        admin.cookies.clear()
        admin.cookies.update(analyst_cookies)
        allowed = admin.get(new_result).status_code == 200
        admin.cookies.clear()
        admin.cookies.update(admin_cookies)
        return allowed

    token = csrf_of(admin, "/admin/users")
    r = admin.post("/admin/users/deactivate", data={"csrf_token": token, "username": "analyst1"})
    assert r.status_code == 200 and re.search(r"<td>analyst1</td>.*?<td>deactivated</td>", r.text, re.S)
    r = admin.post("/admin/users/reactivate", data={"csrf_token": token, "username": "analyst1"})
    assert r.status_code == 200 and "User analyst1 reactivated" in r.text
    assert re.search(r"<td>analyst1</td>.*?<td>active</td>", r.text, re.S)
    roles = {"csrf_token": token, "username": "analyst1", "roles": ["analyst", "coordinator"]}
    r = admin.post("/admin/users/roles", data=roles)
    assert r.status_code == 200 and "Roles of analyst1 changed" in r.text
    assert not as_analyst_may_enter_results()  # a role change ends the user's open sessions (epoch)
    sign_in_again = signed_in(Role.ANALYST)  # signed in again, the new role applies
    assert sign_in_again.get(new_result).status_code == 200
    analyst_cookies = dict(sign_in_again.cookies)
    admin = signed_in(Role.ADMIN)
    admin_cookies = dict(admin.cookies)
    token = csrf_of(admin, "/admin/users")
    r = admin.post(
        "/admin/users/roles", data={"csrf_token": token, "username": "admin1", "roles": ["analyst"]}
    )
    assert r.status_code == 422 and "your own roles" in r.text
    r = admin.post(
        "/admin/users/roles", data={"csrf_token": token, "username": "analyst1", "roles": ["wizard"]}
    )
    assert r.status_code == 422 and "wizard" in r.text
    r = admin.post("/admin/users/roles", data={"csrf_token": token, "username": "analyst1"})
    assert r.status_code == 422 and "at least one role" in r.text
    r = admin.post(
        "/admin/users/roles", data={"csrf_token": token, "username": "analyst1", "roles": ["analyst"]}
    )
    assert r.status_code == 200 and not as_analyst_may_enter_results()
