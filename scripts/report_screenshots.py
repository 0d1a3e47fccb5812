"""Screenshots of the Reports pages and the safety PDF, from a fresh synthetic registry.

    .venv/bin/python scripts/report_screenshots.py [--out docs/screenshots] [--patients 600]

Headless Debian Chromium through Playwright (no browser download), signed in as an analyst. The
PDF's pages are rendered to PNG with ``pdftoppm`` (Debian's poppler-utils) when it is installed.
Nothing here is real patient data: the synthetic cohort, spread over three made-up sites.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from alpha4.app.config import WebSettings
from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store import Database, put_patients, upgrade
from alpha4.store.users import Role, create_user
from alpha4.synthetic import generate_cohort

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
PASSWORD = "screenshot-password-1"
SITES = ("North clinic", "South clinic", "East clinic")
PAGES = ("safety", "pml", "effectiveness", "rems", "discontinuations", "infusions")


def build(path: Path, patients: int) -> None:
    today = dt.date.today()
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    at = dt.datetime.now(dt.UTC)
    cohort = [
        p.model_copy(update={"site": SITES[n % len(SITES)]})
        for n, (_, p) in enumerate(generate_cohort(patients, today, seed=4))
    ]
    for start in range(0, len(cohort), 200):
        with db.writing() as session:
            put_patients(session=session, patients=cohort[start : start + 200], actor="screenshots", at=at)
    with db.writing() as session:
        create_user(
            session=session,
            username="analyst",
            password=PASSWORD,
            roles=[Role.ANALYST],
            actor="screenshots",
            at=at,
            display_name="Demo analyst",
        )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    parser.add_argument("--patients", type=int, default=600)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reports.sqlite3"
        build(path, args.patients)
        web = WebSettings(secret_key="s" * 40, cookie_secure=False, warm_cache=False)
        app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web)
        pdf = Path(folder) / "safety.pdf"
        with serve_in_background(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            page.goto(base + "/login")
            page.fill("#username", "analyst")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            page.goto(base + "/reports")
            page.screenshot(path=str(args.out / "reports.png"), full_page=True)
            for name in PAGES:
                page.goto(base + f"/reports/{name}")
                page.screenshot(path=str(args.out / f"report-{name}.png"), full_page=name != "infusions")
            page.goto(
                base + "/reports/safety?indication=multiple_sclerosis&site=North+clinic&interval=wilson"
            )
            page.screenshot(path=str(args.out / "report-safety-filtered.png"), full_page=True)
            response = page.request.get(base + "/reports/safety.pdf")
            pdf.write_bytes(response.body())
            browser.close()
        if shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", "80", str(pdf), str(args.out / "safety-pdf")], check=True
            )
        shutil.copyfile(pdf, args.out / "safety-report.pdf")
    for f in sorted(args.out.glob("*report*")) + sorted(args.out.glob("safety-pdf*")):
        print(f)


if __name__ == "__main__":
    main()
