"""Screenshots of the main pages for the README, from a fresh synthetic registry (headless Chromium).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Uses Debian's /usr/bin/chromium through Playwright (no browser download). Nothing here is real
patient data.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from alpha4.app.config import WebSettings
from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store import Database, upgrade
from alpha4.store.transfer import Incoming, import_patients
from alpha4.store.users import Role, create_user
from alpha4.synthetic import generate_cohort, scenario_patient

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-gpu"]
PASSWORD = "screenshot-password-1"


def build(path: Path) -> None:
    today = dt.date.today()
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    at = dt.datetime.now(dt.UTC)
    named = [
        scenario_patient("ms_jcv_positive_high_index", today, seed=7, pid="DEMO-PML"),
        scenario_patient("ms_jcv_stale", today, seed=7, pid="DEMO-HOLD"),
        scenario_patient("ms_infusion_reaction", today, seed=7, pid="DEMO-GO"),
    ]
    items = [Incoming("named", n, p) for n, p in enumerate(named)]
    items += [Incoming("synthetic", n, p) for n, (_, p) in enumerate(generate_cohort(120, today, seed=4))]
    import_patients(db, items, actor="screenshots", at=at)
    with db.writing() as session:
        for role in (Role.NURSE, Role.PRESCRIBER):
            create_user(
                session=session,
                username=role.value,
                password=PASSWORD,
                roles=[role],
                actor="screenshots",
                at=at,
                display_name=f"Demo {role.value}",
            )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", type=Path, default=Path("docs/screenshots"))
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "shots.sqlite3"
        build(path)
        web = WebSettings(secret_key="s" * 40, cookie_secure=False, warm_cache=True)
        app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web)
        with serve_in_background(app) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": 1360, "height": 900})
            shots: list[tuple[str, str, bool]] = [
                ("login", "/login", False),
            ]
            page.goto(base + "/login")
            page.screenshot(path=str(args.out / "login.png"))
            page.fill("#username", "nurse")
            page.fill("#password", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url(base + "/")
            for name, url, full in [
                ("worklist", "/", False),
                ("patient", "/patients/DEMO-PML", False),
                ("pml-sheet", "/patients/DEMO-PML/pml-sheet", True),
                ("entry-lab", "/patients/DEMO-PML/records/labs/new", False),
            ]:
                page.goto(base + url)
                page.screenshot(path=str(args.out / f"{name}.png"), full_page=full)
                shots.append((name, url, full))
            page.goto(base + "/patients/DEMO-PML")
            page.locator("section.charts").screenshot(path=str(args.out / "patient-charts.png"))
            page.goto(base + "/patients/DEMO-HOLD/checklist")
            for q in ("authorization_verified",):
                page.check(f"input[name={q}][value=yes]")
            for q in (
                "new_or_worsening_neurological_symptoms",
                "immunocompromising_condition_or_medicine",
                "serious_active_infection",
                "steroids_past_month",
                "pregnant_or_planning",
                "breastfeeding",
            ):
                page.check(f"input[name={q}][value=no]")
            page.click("#checklist-form button[type=submit]")
            page.screenshot(path=str(args.out / "checklist-hold.png"), full_page=True)
            browser.close()
    for f in sorted(args.out.glob("*.png")):
        print(f)


if __name__ == "__main__":
    main()
