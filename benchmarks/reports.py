"""Benchmark: the cohort reports on PostgreSQL, each beside a bare aggregate over the same rows,
and the cost of keeping the per-patient summary on write.

    .venv/bin/python benchmarks/reports.py --patients 200000 [--seed-patients 2000] [--repeat 5]

Building: ``--seed-patients`` synthetic patients go through the real write path (``put_patients``:
validation, audit, the summary computed by the rules in the same transaction); the registry is
then grown to ``--patients`` by copying those patients' rows in SQL (``INSERT ... SELECT`` over
``generate_series``: patient, patient_summary, and their current infusion records), so the
report queries see the full row count with realistic distributions at a build cost that fits a
shared 2-core machine. (Building a million patients through the write path would take hours here.)

Timed, median of ``--repeat`` warm runs:
- each report (``run_report``: its SQL, the intervals, suppression) beside a bare aggregate with
  the same FROM, WHERE and GROUP BY computing the same counts (the infusions report's distinct
  patients per month too, and its order) -- printed as the ratio;
- 1,000 writes (one new weight record each, its own transaction) with the summary recomputed in
  each, against the same writes' share spent in the summary;
- ``refresh_stale`` after 1,000 summaries expire (the nightly/on-read path).

A throw-away database is created on ``--postgres`` (default: the local server) and dropped at the end.
"""

from __future__ import annotations

import argparse
import datetime as dt
import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy import text

from alpha4.domain import WeightRecord
from alpha4.store import Database, add_record, put_patients, upgrade
from alpha4.store import summary as summary_module
from alpha4.store.reports import REPORTS, ReportFilter, run_report
from alpha4.store.summary import COLUMNS, refresh_stale
from alpha4.synthetic import generate_cohort

AS_OF = dt.date(2026, 11, 24)
AT = dt.datetime(2026, 11, 24, 7, 0, tzinfo=dt.UTC)
TIMELINE_COPY = "patient_pk, kind, record_id, version, date, payload, is_current, retraction_reason, recorded_at, recorded_by"

# The bare aggregate beside each report: the same rows and grouping, count(*) only.
_PATIENTS = "FROM patient_summary WHERE profile = 'us' AND infusion_count > 0"
BARE: dict[str, list[str]] = {
    "safety": [f"SELECT disease, count(*) {_PATIENTS} GROUP BY disease", f"SELECT count(*) {_PATIENTS}"],
    "pml": [
        f"SELECT pml_table, pml_group, pml_band, count(*) {_PATIENTS} GROUP BY pml_table, pml_group, pml_band"
    ],
    "effectiveness": [
        f"SELECT disease, count(*) {_PATIENTS} GROUP BY disease",
        f"SELECT count(*) {_PATIENTS}",
    ],
    "rems": [f"SELECT count(*) {_PATIENTS}"],
    "discontinuations": [
        "SELECT discontinuation_reason, status_follow_up, count(*) FROM patient_summary "
        "WHERE profile = 'us' AND discontinued_on IS NOT NULL GROUP BY discontinuation_reason, status_follow_up"
    ],
    "interruptions": [
        f"SELECT disease, count(*) {_PATIENTS} GROUP BY disease",
        f"SELECT count(*) {_PATIENTS}",
    ],
    "infusions": [
        # the same figures as the report: infusions and distinct patients per site and month, ordered
        "SELECT s.site, EXTRACT(year FROM t.date), EXTRACT(month FROM t.date), count(*), "
        "count(DISTINCT t.patient_pk) FROM timeline_record t "
        "JOIN patient_summary s ON s.patient_pk = t.patient_pk WHERE t.kind = 'infusions' AND t.is_current "
        "AND t.retraction_reason IS NULL AND s.profile = 'us' "
        "GROUP BY s.site, EXTRACT(year FROM t.date), EXTRACT(month FROM t.date) "
        "ORDER BY s.site, EXTRACT(year FROM t.date), EXTRACT(month FROM t.date)"
    ],
}


def median_time(work: Callable[[], Any], repeat: int) -> float:
    work()  # warm the caches and the plan
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        work()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def build(db: Database, patients: int, seeds: int) -> tuple[float, float]:
    """The registry of ``patients`` (``seeds`` through the write path, the rest copied in SQL)."""
    t0 = time.perf_counter()
    cohort = [p for _, p in generate_cohort(seeds, AS_OF, seed=4)]
    for start in range(0, seeds, 500):
        with db.writing() as session:
            put_patients(session=session, patients=cohort[start : start + 500], actor="benchmark", at=AT)
    written = time.perf_counter() - t0
    copies = max(patients // seeds - 1, 0)
    t0 = time.perf_counter()
    columns = ", ".join(c for c in COLUMNS if c != "patient_pk")
    with db.write_connection() as conn:
        k = {"k": seeds, "n": copies}
        conn.execute(
            text(
                "INSERT INTO patient (pk, patient_id, created_at, created_by) "
                "SELECT p.pk + g * :k, p.patient_id || '-c' || g, p.created_at, p.created_by "
                "FROM patient p CROSS JOIN generate_series(1, :n) g"
            ),
            k,
        )
        conn.execute(
            text("SELECT setval(pg_get_serial_sequence('patient', 'pk'), (SELECT max(pk) FROM patient))")
        )
        conn.execute(
            text(
                f"INSERT INTO patient_summary (patient_pk, {columns}) "
                f"SELECT s.patient_pk + g * :k, {', '.join('s.' + c for c in COLUMNS if c != 'patient_pk')} "
                "FROM patient_summary s CROSS JOIN generate_series(1, :n) g"
            ),
            k,
        )
        conn.execute(
            text(
                f"INSERT INTO timeline_record ({TIMELINE_COPY}) "
                "SELECT t.patient_pk + g * :k, t.kind, t.record_id, t.version, t.date, t.payload, t.is_current, "
                "t.retraction_reason, t.recorded_at, t.recorded_by "
                "FROM timeline_record t CROSS JOIN generate_series(1, :n) g "
                "WHERE t.kind IN ('patient', 'infusions') AND t.is_current"
            ),
            k,
        )
    with db.write_connection() as conn:
        conn.execute(text("ANALYZE"))
    return written, time.perf_counter() - t0


def time_writes(db: Database, count: int) -> tuple[float, float]:
    """``count`` single-record writes (each its own transaction): total time, and time in the summary."""
    with db.reading() as session:
        ids = list(
            session.execute(
                text("SELECT patient_id FROM patient ORDER BY pk LIMIT :n"), {"n": count}
            ).scalars()
        )
    spent = [0.0]
    original = summary_module.write_summaries

    def timed(**kwargs: Any) -> Any:
        t0 = time.perf_counter()
        try:
            return original(**kwargs)
        finally:
            spent[0] += time.perf_counter() - t0

    summary_module.write_summaries = timed  # type: ignore[assignment]
    try:
        t0 = time.perf_counter()
        for n, pid in enumerate(ids):
            record = WeightRecord(id=f"bench-w{n}", date=AS_OF, weight_kg=70.0)
            with db.writing() as session:
                add_record(session=session, patient_id=pid, record=record, actor="benchmark", at=AT, today=AT.date())
        total = time.perf_counter() - t0
    finally:
        summary_module.write_summaries = original
    return total, spent[0]


def time_refresh(db: Database, count: int) -> float:
    with db.write_connection() as conn:
        conn.execute(
            text(
                "UPDATE patient_summary SET valid_until = :day WHERE patient_pk IN "
                "(SELECT pk FROM patient ORDER BY pk DESC LIMIT :n)"
            ),
            {"day": AS_OF - dt.timedelta(days=1), "n": count},
        )
    t0 = time.perf_counter()
    with db.writing() as session:
        done = refresh_stale(session=session, as_of=AS_OF, computed_at=AT)
    elapsed = time.perf_counter() - t0
    assert done.patients == count, done
    return elapsed


def run(url: str, patients: int, seeds: int, repeat: int, writes: int) -> None:
    db = Database(url)
    try:
        upgrade(db)
        written, copied = build(db, patients, seeds)
        with db.reading() as session:
            n_patients = session.execute(text("SELECT count(*) FROM patient")).scalar_one()
            n_rows = session.execute(text("SELECT count(*) FROM patient_summary")).scalar_one()
            n_records = session.execute(text("SELECT count(*) FROM timeline_record")).scalar_one()
        print(
            f"PostgreSQL registry: {n_patients:,} patients, {n_rows:,} summary rows, {n_records:,} timeline rows "
            f"({seeds:,} through the write path in {written:.1f} s, the rest copied in SQL in {copied:.1f} s)"
        )
        print(f"{'report':<18}{'report s':>10}{'bare s':>10}{'ratio':>8}")
        f = ReportFilter(min_cell=5)
        for name in REPORTS:

            def report(name: str = name) -> None:
                with db.reading() as session:
                    run_report(session, name, f)

            def bare(name: str = name) -> None:
                with db.reading() as session:
                    for query in BARE[name]:
                        session.execute(text(query)).all()
                    session.execute(text("SELECT max(as_of) FROM patient_summary WHERE profile = 'us'")).all()

            r, b = median_time(report, repeat), median_time(bare, repeat)
            print(f"{name:<18}{r:>10.3f}{b:>10.3f}{r / b:>8.2f}")
        total, spent = time_writes(db, writes)
        print(
            f"{writes:,} single-record writes: {total:.2f} s ({total / writes * 1000:.1f} ms each), of which "
            f"the summary recomputed in the same transaction {spent:.2f} s ({spent / writes * 1000:.1f} ms each)"
        )
        refresh = time_refresh(db, writes)
        print(
            f"refresh_stale after {writes:,} summaries expired: {refresh:.2f} s ({refresh / writes * 1000:.1f} ms a patient)"
        )
    finally:
        db.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--patients", type=int, default=200_000)
    parser.add_argument("--seed-patients", type=int, default=2_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--writes", type=int, default=1_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    args = parser.parse_args()
    name = f"alpha4_bench_reports_{secrets.token_hex(4)}"
    with psycopg.connect(args.postgres, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        run(
            f"{args.postgres.rsplit('/', 1)[0]}/{name}",
            args.patients,
            args.seed_patients,
            args.repeat,
            args.writes,
        )
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


if __name__ == "__main__":
    main()
