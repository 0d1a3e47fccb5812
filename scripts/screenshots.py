"""Refresh the screenshots in docs/screenshots/ from a fresh demo registry in headless Chromium.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

The demo registry is synthetic (names, MRNs and records made up); the browser is Debian's
/usr/bin/chromium (nothing is downloaded).
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from alpha4.app.config import WebSettings
from alpha4.app.demo import seed_demo
from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.domain import QUESTIONS
from alpha4.settings import Settings
from alpha4.store import Database
from alpha4.store.users import Role

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]


def sign_in(page: Page, url: str, user: str, password: str) -> None:
    page.goto(url + "/login")
    page.fill("#username", user)
    page.fill("#password", password)
    page.click("button[type=submit]")


def shoot(page: Page, out: Path, name: str, *, full: bool = True) -> None:
    page.screenshot(path=str(out / f"{name}.png"), full_page=full)
    print("wrote", out / f"{name}.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--patients", type=int, default=120)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        url_db = f"sqlite:///{Path(tmp) / 'demo.sqlite3'}"
        users = seed_demo(
            Database(url_db), patients=args.patients, seed=4, day=dt.date.today(), at=dt.datetime.now(dt.UTC)
        )
        by_role = {role: (name, password) for name, (role, password) in users.items()}
        web = WebSettings(
            secret_key="screenshots-secret-key-of-32-chars!!", cookie_secure=False, warm_cache=False
        )
        app = create_app(Settings(database_url=url_db), web=web)
        with serve_in_background(app) as url, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
            page.goto(url + "/login")
            shoot(page, out, "login", full=False)
            sign_in(page, url, *by_role[Role.NURSE])
            shoot(page, out, "worklist", full=False)
            page.goto(url + "/today")
            shoot(page, out, "today")
            page.goto(url + "/tomorrow")
            shoot(page, out, "tomorrow")
            page.goto(url + "/search?q=s&open=0")
            shoot(page, out, "search")
            page.goto(url + "/holds")
            shoot(page, out, "holds")
            held = page.locator("#holds-queue tbody tr[data-patient]").first
            pid = held.get_attribute("data-patient") if held.count() else "P000001"
            page.goto(f"{url}/patients/{pid}/checklist")
            for q in QUESTIONS:
                page.check(f"input[name={q}][value={'yes' if q == 'authorization_verified' else 'no'}]")
            page.click("#checklist-form button[type=submit]")
            shoot(page, out, "checklist-hold")
            page.goto(url + "/today")
            go = page.locator("#day-list tr.row-go").first
            go_id = go.get_attribute("data-patient") if go.count() else None
            if go_id:
                page.goto(f"{url}/patients/{go_id}/checklist")
                for q in QUESTIONS:
                    page.check(f"input[name={q}][value={'yes' if q == 'authorization_verified' else 'no'}]")
                page.click("#checklist-form button[type=submit]")
                page.fill("#c-lot", "LOT-4711")
                page.fill("#c-expiry", (dt.date.today() + dt.timedelta(days=200)).isoformat())
                page.fill("#c-start_time", "09:00")
                page.fill("#c-end_time", "10:05")
                page.fill("#c-before-bp_systolic", "122")
                page.fill("#c-before-bp_diastolic", "78")
                page.fill("#c-before-pulse", "seventy")
                page.click("#infusion-form button[type=submit]")
                shoot(page, out, "infusion-record-error")
                page.fill("#c-before-pulse", "70")
                page.fill("#c-password", by_role[Role.NURSE][1])
                page.click("#infusion-form button[type=submit]")
                page.goto(f"{url}/patients/{go_id}/checklist/signed")
                shoot(page, out, "checklist-signed")
                page.goto(f"{url}/patients/{go_id}")
                shoot(page, out, "patient", full=False)
            page.goto(f"{url}/patients/{pid}/bookings")
            shoot(page, out, "bookings")
            page.goto(f"{url}/patients/{pid}/pml-sheet")
            shoot(page, out, "pml-sheet")
            page.goto(f"{url}/patients/{pid}/records/labs/new")
            shoot(page, out, "entry-lab", full=False)
            page.goto(f"{url}/patients/{pid}")
            charts = page.locator("section.charts")
            if charts.count():
                charts.screenshot(path=str(out / "patient-charts.png"))
            page.goto(url + "/no/such/page")
            shoot(page, out, "error-404", full=False)
            phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
            sign_in(phone, url, *by_role[Role.NURSE])
            shoot(phone, out, "worklist-390", full=False)
            phone.goto(f"{url}/patients/{pid}/checklist")
            shoot(phone, out, "checklist-390", full=False)
            tablet = browser.new_context(viewport={"width": 768, "height": 1024}).new_page()
            sign_in(tablet, url, *by_role[Role.NURSE])
            tablet.goto(url + "/today")
            shoot(tablet, out, "today-768", full=False)
            coordinator = browser.new_context(viewport={"width": 1360, "height": 900}).new_page()
            sign_in(coordinator, url, *by_role[Role.COORDINATOR])
            coordinator.goto(url + "/bookings/import")
            shoot(coordinator, out, "bookings-import", full=False)
            browser.close()


if __name__ == "__main__":
    main()
