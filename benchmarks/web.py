"""Benchmark: the worklist page of a 1,000-patient registry, over HTTP, signed in as a coordinator.

    .venv/bin/python benchmarks/web.py [--patients 1000] [--runs 20]

Builds a temporary SQLite registry from the synthetic cohort, starts the app with uvicorn in a
thread and times GET / (the whole page, every patient with something to do). Reported: the
first request after start-up (no warm cache: every patient read in chunks and assessed), the
median and worst of the following requests (assessments cached, refreshed from the audit log),
and one request right after a write (only the changed patient is re-assessed).
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
from alpha4.store.transfer import Incoming, import_patients
from alpha4.store.users import Role, create_user
from alpha4.synthetic import generate_cohort

PASSWORD = "benchmark-password"


def build(path: Path, patients: int) -> None:
    today = dt.date.today()
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    at = dt.datetime.now(dt.UTC)
    cohort = (
        Incoming("synthetic", n, p) for n, (_, p) in enumerate(generate_cohort(patients, today, seed=4))
    )
    import_patients(db, cohort, actor="bench", at=at)
    with db.writing() as session:
        for role in (Role.COORDINATOR,):
            create_user(
                session=session, username=role.value, password=PASSWORD, roles=[role], actor="bench", at=at
            )
    db.dispose()


def timed(client: httpx.Client, url: str) -> tuple[float, httpx.Response]:
    t = time.perf_counter()
    r = client.get(url)
    return (time.perf_counter() - t) * 1000, r


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.sqlite3"
        t = time.perf_counter()
        build(path, args.patients)
        print(f"registry of {args.patients:,} patients built in {time.perf_counter() - t:.1f} s")
        web = WebSettings(secret_key="b" * 40, cookie_secure=False, warm_cache=False)
        app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web)
        with serve_in_background(app) as base, httpx.Client(base_url=base, follow_redirects=False) as client:
            login = client.get("/login")
            token = re.search(r'name="csrf_token" value="([^"]+)"', login.text)
            assert token
            r = client.post(
                "/login", data={"username": "coordinator", "password": PASSWORD, "csrf_token": token.group(1)}
            )
            assert r.status_code == 303, r.text
            cold, r = timed(client, "/")
            rows = r.text.count('<tr class="row-')
            warm = [timed(client, "/")[0] for _ in range(args.runs)]
            tomorrow = [timed(client, "/?due=tomorrow")[0] for _ in range(args.runs)]
            page = client.get("/patients/P000001/records/weights/new")
            token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
            assert token
            r = client.post(
                "/patients/P000001/records/weights/new",
                data={"csrf_token": token.group(1), "date": dt.date.today().isoformat(), "weight_kg": "70"},
            )
            assert r.status_code == 303, r.text
            after_write, _ = timed(client, "/")
            api = [timed(client, "/api/v1/worklist")[0] for _ in range(5)]
        print(f"worklist page: {rows:,} rows")
        print(f"first request (cold: load + assess every patient)  {cold:8.0f} ms")
        print(
            f"worklist, all rows     median {statistics.median(warm):6.0f} ms   worst {max(warm):6.0f} ms   ({args.runs} runs)"
        )
        print(f"worklist, due by tomorrow  median {statistics.median(tomorrow):6.0f} ms")
        print(f"worklist right after a write (one patient re-assessed)  {after_write:6.0f} ms")
        print(f"API /api/v1/worklist   median {statistics.median(api):6.0f} ms")


if __name__ == "__main__":
    main()
