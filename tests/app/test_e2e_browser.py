"""A nurse's infusion visit in a real headless Chromium (Debian's /usr/bin/chromium, via Playwright).

The app runs under uvicorn in a thread on a free port against a temporary SQLite registry. No
browser is downloaded: when /usr/bin/chromium is missing the test fails and says so.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.domain import QUESTIONS
from alpha4.settings import Settings
from alpha4.store.users import Role

from .conftest import PASSWORD, TODAY, USERS, web_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(db_path: Path) -> Iterator[str]:
    app = create_app(Settings(database_url=f"sqlite:///{db_path}"), web=web_settings(cookie_secure=True))
    with serve_in_background(app) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium); no browser is downloaded"
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def answer_all_clear(page: Page) -> None:
    for q in QUESTIONS:
        page.check(f"input[name={q}][value={'yes' if q == 'authorization_verified' else 'no'}]")
    page.click("#checklist-form button[type=submit]")


def fill_chair_record(page: Page, pulse: str = "70") -> None:
    """A complete chair-side record: lot, expiry, times, vitals before and after, the signature."""
    page.fill("#c-lot", "LOT-4711")
    page.fill("#c-expiry", (TODAY + dt.timedelta(days=200)).isoformat())
    page.fill("#c-start_time", "09:00")
    page.fill("#c-end_time", "10:05")
    page.fill("#c-before-bp_systolic", "122")
    page.fill("#c-before-bp_diastolic", "78")
    page.fill("#c-before-pulse", pulse)
    page.fill("#c-after-bp_systolic", "118")
    page.fill("#c-after-pulse", "68")
    page.fill("#c-observation_minutes", "60")
    page.fill("#c-password", PASSWORD)


def test_a_nurse_runs_an_infusion_visit_in_the_browser(
    base_url: str, browser: Browser, tmp_path: Path
) -> None:
    shots = Path(os.environ.get("ALPHA4_E2E_SCREENSHOTS", tmp_path))
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.set_default_timeout(10_000)

    # sign in as a nurse
    page.goto(base_url + "/")
    expect(page).to_have_url(base_url + "/login")
    page.fill("#username", USERS[Role.NURSE])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base_url + "/")
    expect(page.locator("h1")).to_contain_text("Worklist")
    page.screenshot(path=str(shots / "e2e-worklist.png"))

    go_row = page.locator('tr[data-patient="GO-1"]')
    expect(go_row.locator(".badge")).to_have_text("GO after the checklist")
    tomorrow = (TODAY + dt.timedelta(days=1)).isoformat()
    expect(go_row).to_contain_text(f"infusion · {tomorrow}")

    # a patient who must be held: the gate says hold, with its reason, and the infusion stays locked
    page.locator('tr[data-patient="HOLD-1"] a.button').click()
    expect(page).to_have_url(base_url + "/patients/HOLD-1/checklist")
    answer_all_clear(page)
    expect(page.locator("#gate-decision")).to_have_text("HOLD")
    expect(page.locator("#reason-SCHEDULE_JCV_OVERDUE")).to_contain_text("Needs a prescriber's clearance")
    expect(page.locator("#infusion-locked")).to_be_visible()
    expect(page.locator("#infusion-form")).to_have_count(0)
    page.screenshot(path=str(shots / "e2e-checklist-hold.png"), full_page=True)

    # a patient who may go: go, then record the infusion with its observation period
    page.goto(base_url + "/")
    page.locator('tr[data-patient="GO-1"] a.button').click()
    answer_all_clear(page)
    expect(page.locator("#gate-decision")).to_have_text("GO")
    fill_chair_record(page)
    page.screenshot(path=str(shots / "e2e-checklist-go.png"), full_page=True)
    page.click("#infusion-form button[type=submit]")
    expect(page).to_have_url(re.compile(r"/patients/GO-1\?recorded=infusion$"))
    expect(page.locator(".notice")).to_contain_text("Saved: infusion")

    # the worklist has changed: the next infusion moved four weeks on, and today it is too soon for another
    page.goto(base_url + "/?all=true")
    row = page.locator('tr[data-patient="GO-1"]')
    expect(row).to_contain_text((TODAY + dt.timedelta(weeks=4)).isoformat())
    expect(row).not_to_contain_text(f"infusion · {tomorrow}")
    expect(row.locator(".badge")).to_have_text("Infused today")  # not HOLD "too soon"
    page.screenshot(path=str(shots / "e2e-worklist-after.png"))


def test_a_prescriber_corrects_a_mistyped_birth_date_in_the_browser(
    base_url: str, browser: Browser, tmp_path: Path
) -> None:
    """The birth year was typed wrong at enrolment: corrected with a reason, the patient page
    answers for the right age at once, and the old birth date stays in the history."""
    shots = Path(os.environ.get("ALPHA4_E2E_SCREENSHOTS", tmp_path))
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.set_default_timeout(10_000)
    page.goto(base_url + "/login")
    page.fill("#username", USERS[Role.PRESCRIBER])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base_url + "/")

    page.goto(base_url + "/patients/GO-2")
    expect(page.locator("#finding-POP_PEDIATRIC")).to_have_count(0)
    page.click("#correct-demographics")
    expect(page).to_have_url(base_url + "/patients/GO-2/records/patient/GO-2/correct")
    expect(page.locator("button[value=retract]")).to_have_count(0)  # demographics are never retracted
    old = page.input_value("#f-birth_date")
    child = TODAY.replace(year=TODAY.year - 15).isoformat()
    page.fill("#f-birth_date", child)
    page.fill("#f-reason", "birth year mistyped in the referral letter")
    page.screenshot(path=str(shots / "e2e-correct-demographics.png"), full_page=True)
    page.click("button[value=correct]")
    expect(page).to_have_url(base_url + "/patients/GO-2/records/patient/GO-2/history")
    expect(page.locator("table.history")).to_contain_text("birth year mistyped in the referral letter")
    expect(page.locator("table.history")).to_contain_text(old)
    expect(page.locator("table.history")).to_contain_text("superseded")

    page.goto(base_url + "/patients/GO-2")
    expect(page.locator("h1")).to_contain_text("· 15 y ·")
    expect(page.locator("#finding-POP_PEDIATRIC")).to_be_visible()
