"""The clinic's day in a real headless Chromium: search, Today, the chair-side record, the holds
queue, the printable checklist and a phone-width worklist.

One server and one browser for the module (each test in its own browser context, each on its
own patients, so the order does not matter).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store.users import Role
from alpha4.synthetic import scenario_patient

from .conftest import NAMED, PASSWORD, TODAY, USERS, web_settings
from .test_e2e_browser import ARGS, CHROMIUM, answer_all_clear, fill_chair_record

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base_url(registry_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    path = tmp_path_factory.mktemp("day-browser") / "registry.sqlite3"
    shutil.copyfile(registry_template, path)
    app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web_settings(cookie_secure=True))
    with serve_in_background(app) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium; no browser is downloaded")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def signed_in(browser: Browser, base_url: str, role: Role, width: int = 1280) -> Page:
    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    page.goto(base_url + "/login")
    page.fill("#username", USERS[role])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base_url + "/")
    return page


def identity(pid: str) -> tuple[str, str, str]:
    p = scenario_patient(NAMED[pid], TODAY, seed=4, pid=pid)
    return p.family_name or "", p.given_name or "", p.mrn or ""


def book(page: Page, base_url: str, pid: str, day: dt.date, time: str) -> None:
    page.goto(f"{base_url}/patients/{pid}/bookings")
    page.fill("#f-day", day.isoformat())
    page.fill("#f-time", time)
    page.click("#booking-form button[type=submit]")
    expect(page.locator(".notice")).to_contain_text("Booking saved")


def test_a_nurse_finds_a_patient_from_the_search_box(browser: Browser, base_url: str) -> None:
    page = signed_in(browser, base_url, Role.NURSE)
    family, given, mrn = identity("STOP-2")
    page.fill("#search-box", family[:4].lower())
    page.press("#search-box", "Enter")
    expect(page.locator('#search-results tr[data-patient="STOP-2"]')).to_contain_text(family.upper())
    page.fill("#search-box", mrn)
    page.press("#search-box", "Enter")
    expect(page).to_have_url(base_url + "/patients/STOP-2")  # one match opens the patient
    expect(page.locator("#banner-name")).to_have_text(f"{family.upper()}, {given}")
    expect(page.locator("#banner-mrn")).to_have_text(mrn)
    expect(page.locator("#banner-allergies")).to_have_class(re.compile("has-allergy"))


def test_today_shows_the_booked_patients_in_time_order(browser: Browser, base_url: str) -> None:
    page = signed_in(browser, base_url, Role.COORDINATOR)
    book(page, base_url, "PREG-1", TODAY, "14:00")
    book(page, base_url, "STOP-1", TODAY, "08:30")
    page.click("nav >> text=Today")
    expect(page).to_have_url(base_url + "/today")
    rows = page.locator("#day-list tbody tr")
    ids = [rows.nth(i).get_attribute("data-patient") for i in range(rows.count())]
    assert ids.index("STOP-1") < ids.index("PREG-1")
    stop = page.locator('#day-list tr[data-patient="STOP-1"]')
    expect(stop).to_contain_text("08:30")
    expect(stop.locator(".badge")).to_have_class(re.compile("gate-stop"))
    expect(page.locator('#day-list tr[data-patient="PREG-1"]')).to_contain_text(re.compile("pregnancy", re.I))


def test_a_nurse_documents_and_signs_an_infusion_then_prints_the_checklist(
    browser: Browser, base_url: str
) -> None:
    page = signed_in(browser, base_url, Role.NURSE)
    page.goto(base_url + "/patients/GO-2/checklist")
    answer_all_clear(page)
    expect(page.locator("#gate-decision")).to_have_text("GO")
    # GO-2 is past 12 infusions without hypersensitivity: the US label leaves observation to judgment
    expect(page.locator("#c-observation_minutes")).to_have_value("")
    expect(page.locator("#infusion-form")).to_contain_text("clinical judgment")
    assert page.locator("#c-route option").all_inner_texts() == ["Intravenous infusion (IV)"]  # US: IV only
    fill_chair_record(page)
    page.click("#infusion-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/patients/GO-2\?recorded=infusion$"))
    page.goto(base_url + "/patients/GO-2/checklist")
    page.click("#print-link")
    sheet = page.locator("#signed-checklist")
    family, given, mrn = identity("GO-2")
    expect(sheet.locator("#print-identity")).to_contain_text(f"{family.upper()}, {given}")
    expect(sheet.locator("#print-identity")).to_contain_text(mrn)
    expect(sheet.locator("#print-infusion")).to_contain_text("lot LOT-4711")
    expect(sheet.locator("#print-infusion")).to_contain_text("09:00 – 10:05")
    expect(sheet.locator("#print-signature")).to_contain_text(f"Signed by {USERS[Role.NURSE]}")
    expect(sheet.locator("#print-answers")).to_contain_text("Medication Guide given?")
    page.emulate_media(media="print")
    expect(page.locator("header.top")).to_be_hidden()  # the sheet prints without the app's chrome


def test_a_validation_error_keeps_every_answer(browser: Browser, base_url: str) -> None:
    page = signed_in(browser, base_url, Role.NURSE)
    page.goto(base_url + "/patients/GO-1/checklist")
    answer_all_clear(page)
    fill_chair_record(page, pulse="seventy")
    page.check('input[name="manifestation.flushing"]')
    page.select_option("#c-reaction-kind", "infusion_reaction")
    page.select_option("#c-reaction-grade", "1")
    page.fill("#c-after-temperature", "37.2")
    page.click("#infusion-form button[type=submit]")
    expect(page.locator("#infusion-problems")).to_be_visible()
    expect(page.locator("#e-before-pulse")).to_have_text(
        "Enter the pulse as a number of beats a minute, e.g. 72."
    )
    expect(page.locator("#c-before-pulse")).to_have_value("seventy")
    for selector, value in {
        "#c-lot": "LOT-4711",
        "#c-start_time": "09:00",
        "#c-end_time": "10:05",
        "#c-before-bp_systolic": "122",
        "#c-after-temperature": "37.2",
        "#c-reaction-kind": "infusion_reaction",
        "#c-reaction-grade": "1",
    }.items():
        expect(page.locator(selector)).to_have_value(value)
    expect(page.locator('input[name="manifestation.flushing"]')).to_be_checked()
    expect(page.locator("#c-password")).to_have_value("")  # a signature is never sent back


def test_a_prescriber_clears_a_hold_from_the_queue(browser: Browser, base_url: str) -> None:
    coordinator = signed_in(browser, base_url, Role.COORDINATOR)
    book(coordinator, base_url, "HOLD-1", TODAY, "11:00")
    nurse = signed_in(browser, base_url, Role.NURSE)
    nurse.goto(base_url + "/patients/HOLD-1/checklist")
    answer_all_clear(nurse)
    expect(nurse.locator("#gate-decision")).to_have_text("HOLD")
    doctor = signed_in(browser, base_url, Role.PRESCRIBER)
    doctor.click("nav >> text=Holds")
    row = doctor.locator('#holds-queue tr[data-patient="HOLD-1"]')
    expect(row).to_contain_text("Anti-JCV")
    row.locator("a.button").click()
    expect(doctor).to_have_url(re.compile(r"/patients/HOLD-1/checklist#gate$"))
    doctor.fill(
        "#reason-SCHEDULE_JCV_OVERDUE-text", "Retest drawn today; index stable under 0.9 for two years"
    )
    doctor.click("#reason-SCHEDULE_JCV_OVERDUE button[type=submit]")
    expect(doctor.locator("#gate-decision")).to_have_text("GO")
    expect(doctor.locator("#gate")).to_contain_text(f"by {USERS[Role.PRESCRIBER]}")
    doctor.goto(base_url + "/holds")
    expect(doctor.locator('#holds-queue tr[data-patient="HOLD-1"]')).to_have_count(0)


@pytest.mark.parametrize("width", [390, 768])
def test_the_worklist_and_checklist_fit_a_phone_and_a_tablet(
    browser: Browser, base_url: str, width: int
) -> None:
    page = signed_in(browser, base_url, Role.NURSE, width=width)
    for path in ("/?all=true", "/patients/STOP-1/checklist", "/today"):
        page.goto(base_url + path)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, (path, scroll)
    page.goto(base_url + "/?all=true")
    button = page.locator("table.worklist a.button").first
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44  # a touch target
