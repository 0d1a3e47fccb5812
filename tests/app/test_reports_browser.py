"""An analyst's Reports section in a real headless Chromium (Debian's /usr/bin/chromium, no download):
the nav link, a report's table and plot, the filter form, and no patient identifier on the page."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright

from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store.users import Role
from tests.report_cohort import AS_OF, cohort

from .conftest import PASSWORD, USERS, report_registry, web_settings

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
pytestmark = pytest.mark.browser


@pytest.fixture
def base_url(tmp_path: Path) -> Iterator[str]:
    url = report_registry(tmp_path / "reports.sqlite3", (Role.ANALYST,))
    app = create_app(Settings(database_url=url), web=web_settings(cookie_secure=False), today=lambda: AS_OF)
    with serve_in_background(app) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium; no browser is downloaded")
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def test_an_analyst_filters_a_report_in_the_browser(base_url: str, browser: Browser) -> None:
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    page.set_default_timeout(15_000)
    page.goto(base_url + "/login")
    page.fill("#username", USERS[Role.ANALYST])
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.click("header nav >> text=Reports")
    expect(page).to_have_url(base_url + "/reports")
    page.click("main >> text=Effectiveness")
    expect(page.locator("h1")).to_contain_text("Effectiveness")
    expect(page.locator("figure.report-plot svg")).to_have_count(1)
    page.select_option("select[name=indication]", "crohns_disease")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(
        base_url
        + "/reports/effectiveness?from=&to=&indication=crohns_disease&site=&profile=us&interval=clopper-pearson"
    )
    rows = page.locator("table.report tbody tr")
    expect(rows).to_have_count(3)  # response at week 12, remission at week 12, remission at the latest score
    expect(rows.first).to_contain_text("Crohn's response at week 12")
    expect(rows.first.locator("td.suppressed")).not_to_have_count(0)  # two patients: below 5
    text = page.locator("main").inner_text()
    for patient in cohort():
        assert patient.id not in text.split(), patient.id
