"""Benchmark: ``alpha4 serve`` on a large PostgreSQL registry -- the server's memory and its clinic-day
pages (issue 19: "a 100,000-patient registry served from one small machine").

    .venv/bin/python benchmarks/server_scale.py --patients 100000 [--seed-patients 1000] [--repeat 15]

The registry is built as ``benchmarks/reports.py`` builds it (``--seed-patients`` through the real
write path, the rest copied in SQL), plus each copy's identity row; the summaries are then marked as
computed today, as the nightly ``alpha4 report refresh`` leaves them (the page timings are of a
clinic's day, not of the night's recompute). A real ``alpha4 serve`` process is started on it; after
sign-in the script times, warm (median and p95 of ``--repeat`` requests, after one untimed request):
the worklist's first page, the worklist of all patients, Today, the holds queue and a name search; and
reads the server's resident memory (``VmRSS``, and its peak ``VmHWM``) from ``/proc`` after each page.
A throw-away database is created on ``--postgres`` (default: the local server) and dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg
from psycopg import sql
from sqlalchemy import text

from alpha4.store import Database
from alpha4.store.users import Role, create_user

HERE = Path(__file__).resolve().parent
PASSWORD = "benchmark password long enough"
PAGES = {
    "worklist, first page": "/",
    "worklist, all patients": "/?all=true",
    "today": "/today",
    "holds queue": "/holds",
    "search 'sm'": "/search?q=sm",
}


def _reports_module() -> object:
    spec = importlib.util.spec_from_file_location("reports_benchmark", HERE / "reports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _copy_identities(db: Database, seeds: int, copies: int) -> None:
    with db.write_connection() as conn:
        conn.execute(
            text(
                "INSERT INTO patient_identity (patient_pk, patient_id, family_name, given_name, mrn, birth_date, "
                "id_key, family_key, given_key, mrn_key) "
                "SELECT i.patient_pk + g * :k, i.patient_id || '-c' || g, i.family_name, i.given_name, "
                "i.mrn || '-' || g, i.birth_date, i.id_key || '-c' || g, i.family_key, i.given_key, "
                "i.mrn_key || '-' || g FROM patient_identity i CROSS JOIN generate_series(1, :n) g "
                "WHERE i.patient_pk <= :k"
            ),
            {"k": seeds, "n": copies},
        )
        today = dt.date.today()
        conn.execute(text("UPDATE patient_summary SET as_of = :d, valid_until = :d"), {"d": today})
        conn.execute(text("ANALYZE"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _memory(pid: int) -> tuple[float, float]:
    status = Path(f"/proc/{pid}/status").read_text()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    peak = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    return rss, peak


def _serve(url: str, repeat: int) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "ALPHA4_DATABASE_URL": url,
        "ALPHA4_WEB_SECRET_KEY": secrets.token_hex(32),
        "ALPHA4_WEB_COOKIE_SECURE": "false",
        "ALPHA4_WEB_WARM_CACHE": "false",
    }
    alpha4 = str(Path(sys.executable).with_name("alpha4"))
    started = time.perf_counter()
    server = subprocess.Popen(
        [alpha4, "serve", "--port", str(port)], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120, follow_redirects=False) as client:
            for _ in range(600):
                try:
                    if client.get("/login").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
            ready = time.perf_counter() - started
            rss, peak = _memory(server.pid)
            print(f"server ready in {ready:.1f} s; RSS {rss:.0f} MB (peak {peak:.0f} MB) before any page")
            token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
            assert token is not None
            r = client.post(
                "/login", data={"username": "bench", "password": PASSWORD, "csrf_token": token.group(1)}
            )
            assert r.status_code == 303, r.text[:300]
            print(
                f"{'page':<26}{'first s':>9}{'median ms':>11}{'p95 ms':>9}{'KiB':>7}{'RSS MB':>8}{'peak MB':>9}"
            )
            for name, path in PAGES.items():
                t0 = time.perf_counter()
                first = client.get(path)
                first_s = time.perf_counter() - t0
                assert first.status_code == 200, (path, first.status_code)
                times = []
                for _ in range(repeat):
                    t0 = time.perf_counter()
                    client.get(path)
                    times.append((time.perf_counter() - t0) * 1000)
                times.sort()
                p95 = times[min(len(times) - 1, int(0.95 * len(times)))]
                rss, peak = _memory(server.pid)
                print(
                    f"{name:<26}{first_s:>9.2f}{statistics.median(times):>11.1f}{p95:>9.1f}"
                    f"{len(first.content) / 1024:>7.0f}{rss:>8.0f}{peak:>9.0f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--seed-patients", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    reports = _reports_module()
    name = f"alpha4_server_{secrets.token_hex(4)}"
    admin_url = args.postgres
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = args.postgres.rsplit("/", 1)[0] + f"/{name}"
    try:
        db = Database(url)
        reports.upgrade(db)  # type: ignore[attr-defined]
        written, copied = reports.build(db, args.patients, args.seed_patients)  # type: ignore[attr-defined]
        _copy_identities(db, args.seed_patients, max(args.patients // args.seed_patients - 1, 0))
        with db.writing() as session:
            create_user(
                session=session,
                username="bench",
                password=PASSWORD,
                roles=[Role.PRESCRIBER, Role.COORDINATOR],
                actor="benchmark",
                at=dt.datetime.now(dt.UTC),
            )
        with db.reading() as session:
            n = session.execute(text("SELECT count(*) FROM patient")).scalar_one()
        db.dispose()
        print(
            f"PostgreSQL registry: {n:,} patients ({args.seed_patients:,} written in {written:.0f} s, the rest copied in {copied:.0f} s)"
        )
        _serve(url, args.repeat)
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
