"""Benchmark: build a registry of synthetic patients, then time (a) loading and assessing the whole
cohort from it and (b) a plain SELECT of the same rows (payloads decoded into Python); print the
ratio (a)/(b). (b') is the same SELECT with the payloads left as their stored JSON text, which is
what (a) fetches before pydantic parses each patient's JSON.

    .venv/bin/python benchmarks/registry.py --patients 100000 [--backend sqlite|postgresql|both]

PostgreSQL: a throw-away database is created on ``--postgres`` (default: the local server) and
dropped at the end. SQLite: a file in a temporary directory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import tempfile
import time
from pathlib import Path

import psycopg
from psycopg import sql

from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.store import Database, upgrade
from alpha4.store.cohort import count_current_records, iter_patient_chunks, select_current_rows
from alpha4.store.transfer import Incoming, import_patients
from alpha4.synthetic import generate_cohort

AS_OF = dt.date(2026, 11, 24)


def run(url: str, patients: int, chunk: int) -> None:
    db = Database(url)
    try:
        upgrade(db)
        t0 = time.perf_counter()
        cohort = (
            Incoming("synthetic", n, p) for n, (_, p) in enumerate(generate_cohort(patients, AS_OF, seed=4))
        )
        import_patients(db, cohort, actor="benchmark", at=dt.datetime.now(dt.UTC), batch_size=500)
        built = time.perf_counter() - t0
        with db.reading() as session:
            rows = count_current_records(session=session)
        # (b) the same rows, plainly
        t0 = time.perf_counter()
        with db.reading() as session:
            selected = select_current_rows(session=session, chunk_size=chunk)
        plain = time.perf_counter() - t0
        # (b') the same rows with the payload as its stored JSON text (what (a) fetches)
        t0 = time.perf_counter()
        with db.reading() as session:
            select_current_rows(session=session, chunk_size=chunk, payload_text=True)
        raw = time.perf_counter() - t0
        # (a) load (rebuild validated Patient objects) and assess every patient
        t0 = time.perf_counter()
        assessed = 0
        with db.reading() as session:
            for group in iter_patient_chunks(session=session, chunk_size=chunk):
                for patient in group:
                    assess(patient, AS_OF, US)
                    assessed += 1
        full = time.perf_counter() - t0
        assert selected == rows and assessed == patients
        print(
            f"{db.url.get_backend_name():<12} patients {patients:>8,}  rows {rows:>10,}  build {built:8.1f} s"
        )
        print(f"{'':<12} (a) load + assess {full:8.2f} s  ({patients / full:,.0f} patients/s)")
        print(f"{'':<12} (b) plain SELECT  {plain:8.2f} s  ({rows / plain:,.0f} rows/s)")
        print(f"{'':<12} (b') rows, payload as JSON text {raw:8.2f} s  ({rows / raw:,.0f} rows/s)")
        print(f"{'':<12} ratio (a)/(b)     {full / plain:8.2f}", flush=True)
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--chunk", type=int, default=1000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    if args.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as tmp:
            run(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", args.patients, args.chunk)
    if args.backend in ("postgresql", "both"):
        name = f"alpha4_bench_{secrets.token_hex(4)}"
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        try:
            run(f"{args.postgres.rsplit('/', 1)[0]}/{name}", args.patients, args.chunk)
        finally:
            with psycopg.connect(args.postgres, autocommit=True) as conn:
                conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
