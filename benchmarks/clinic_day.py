"""Benchmark: the clinic's day pages on a registry of synthetic patients, every one of them booked.

Builds a SQLite registry of ``--patients`` synthetic patients (names, MRNs), books each one for an
infusion in the next four weeks (so today's list holds about 1/28 of them), serves the app under
uvicorn, signs in as a nurse and times, over real HTTP, warm (after one request each):

* the worklist's first page, and the first page with every patient (``?all=true``),
* Today, Tomorrow and the holds queue,
* a search by a name's first letters.

It prints the median and p95 of ``--repeats`` requests each. The aim (issue 17): worklist and
Today under 300 ms warm for 1,000 patients with bookings.

    .venv/bin/python benchmarks/clinic_day.py --patients 1000 [--repeats 30]
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import statistics
import tempfile
import time
from pathlib import Path

import httpx

from alpha4.app.config import WebSettings
from alpha4.app.live import serve_in_background
from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store import Database, upgrade
from alpha4.store.appointments import book
from alpha4.store.transfer import Incoming, import_patients
from alpha4.store.users import Role, create_user
from alpha4.synthetic import generate_cohort

PASSWORD = "benchmark password of some length"
PAGES = {
    "worklist (first page)": "/",
    "worklist, all patients": "/?all=true",
    "today": "/today",
    "tomorrow": "/tomorrow",
    "holds queue": "/holds",
    "search 'sm'": "/search?q=sm&open=0",
}


def build(path: Path, patients: int) -> None:
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    today = dt.date.today()
    at = dt.datetime.now(dt.UTC)
    cohort = (
        Incoming("synthetic", n, p) for n, (_, p) in enumerate(generate_cohort(patients, today, seed=4))
    )
    import_patients(db, cohort, actor="benchmark", at=at, batch_size=500)
    with db.writing() as session:
        create_user(
            session=session, username="nurse", password=PASSWORD, roles=[Role.NURSE], actor="bench", at=at
        )
        for n in range(patients):
            minutes = 8 * 60 + (n * 15) % (9 * 60)
            book(
                session=session,
                patient_id=f"P{n + 1:06d}",
                day=today + dt.timedelta(days=n % 28),
                start_time=f"{minutes // 60:02d}:{minutes % 60:02d}",
                chair=str(n % 12 + 1),
                actor="bench",
                at=at,
            )
    db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=30)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.sqlite3"
        t0 = time.perf_counter()
        build(path, args.patients)
        print(f"built {args.patients} patients with one booking each in {time.perf_counter() - t0:.1f} s")
        web = WebSettings(
            secret_key="benchmark-secret-key-of-32-characters!", cookie_secure=False, warm_cache=False
        )
        t0 = time.perf_counter()
        app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web)
        print(
            f"app created in {(time.perf_counter() - t0) * 1000:.0f} ms (start-up reads nothing per patient)"
        )
        with serve_in_background(app) as url, httpx.Client(base_url=url, follow_redirects=False) as client:
            login = client.get("/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', login)
            assert token is not None
            r = client.post(
                "/login", data={"username": "nurse", "password": PASSWORD, "csrf_token": token.group(1)}
            )
            assert r.status_code == 303, r.text
            t0 = time.perf_counter()
            first = client.get("/")
            print(
                f"first worklist (brings every summary to today): {(time.perf_counter() - t0) * 1000:.0f} ms"
            )
            assert first.status_code == 200
            print(f"{'page':28} {'median ms':>10} {'p95 ms':>8} {'KiB':>6}")
            for name, page in PAGES.items():
                client.get(page)  # warm
                times = []
                for _ in range(args.repeats):
                    t0 = time.perf_counter()
                    r = client.get(page)
                    times.append((time.perf_counter() - t0) * 1000)
                    assert r.status_code == 200, (page, r.status_code)
                times.sort()
                p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
                print(f"{name:28} {statistics.median(times):10.1f} {p95:8.1f} {len(r.content) / 1024:6.0f}")


if __name__ == "__main__":
    main()
