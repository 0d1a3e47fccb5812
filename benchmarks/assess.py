"""Benchmark: the rules over the synthetic cohort, in memory and from a registry, beside their floors.

    .venv/bin/python benchmarks/assess.py [--patients 20000] [--registry 5000] [--workers 2] [--repeat 3]

Prints, each a median of ``--repeat`` runs:

* **in memory**: patients/s in one process and in ``--workers`` processes (forked after the cohort
  is built and the heap frozen; each assesses its share and sends back the gate and finding codes);
* **breakdown** per patient: decoding its stored JSON (pydantic, beside ``orjson.loads`` of the same
  text), building the context views, and each rule family, as ``assess`` calls them;
* **registry** (SQLite file of ``--registry`` patients; ``--patients 0`` runs only this part, e.g.
  under ``/usr/bin/time -v`` to see that streaming the registry holds a few chunks, not the cohort): (a) load + assess through
  ``store.cohort.map_cohort`` with ``--workers`` processes and with one, against (b) the floor: a
  plain DB-API read of the same rows (``sqlite3``, the same SELECT) with every payload parsed by
  ``orjson``. The ratio (a)/(b) is the figure the scale issue asks for (aim <= 3).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import multiprocessing
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson

from alpha4.domain import Patient
from alpha4.knowledge import US
from alpha4.rules import (
    administration,
    antibodies,
    crohns,
    eligibility,
    labs,
    pml,
    populations,
    response_ms,
    schedule,
)
from alpha4.rules.assess import assess
from alpha4.rules.context import Context
from alpha4.rules.gate import GATE_CHECKS
from alpha4.store import Database, UnreadablePatient, upgrade
from alpha4.store.cohort import map_cohort
from alpha4.store.transfer import Incoming, import_patients
from alpha4.synthetic import generate_cohort

AS_OF = dt.date(2026, 11, 24)
COHORT: list[Patient] = []


def _median_time(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _share(part: tuple[int, int]) -> list[tuple[str, str, int]]:
    """In a forked worker: assess every ``n``-th patient from ``start`` of the inherited cohort."""
    start, step = part
    out = []
    for p in COHORT[start::step]:
        a = assess(p, AS_OF, US)
        out.append((a.patient_id, a.gate.decision.value, len(a.findings)))
    return out


def in_memory(workers: int, repeat: int) -> tuple[float, float]:
    one = _median_time(lambda: _share((0, 1)), repeat)  # the same work and results as each worker
    context = multiprocessing.get_context("fork")

    def parallel() -> None:
        with context.Pool(workers) as pool:
            results = pool.map(_share, [(w, workers) for w in range(workers)])
        assert sum(len(r) for r in results) == len(COHORT)

    many = _median_time(parallel, repeat)
    return len(COHORT) / one, len(COHORT) / many


FAMILIES: dict[str, Callable[[Context], object]] = {
    "pml": pml.assess_pml,
    "antibodies": antibodies.antibody_findings,
    "eligibility": lambda c: (
        eligibility.meets_indication(c),
        eligibility.contraindications(c),
        eligibility.combination_findings(c),
        eligibility.infection_findings(c),
    ),
    "populations": lambda c: (populations.age_findings(c), populations.pregnancy_findings(c)),
    "labs": labs.lab_findings,
    "crohns": crohns.crohns_findings,
    "ms response": response_ms.response_findings,
    "administration": administration.administration_findings,
    "gate checks": lambda c: [check(c) for check in GATE_CHECKS],
}


def breakdown(sample: list[Patient]) -> list[tuple[str, float]]:
    """Microseconds a patient for each step, the families run in ``assess``'s order on one context."""
    texts = [p.model_dump_json() for p in sample]
    rows: list[tuple[str, float]] = []
    t0 = time.perf_counter()
    for text in texts:
        orjson.loads(text)
    rows.append(("orjson.loads of the patient's JSON (floor)", time.perf_counter() - t0))
    t0 = time.perf_counter()
    for text in texts:
        Patient.model_validate_json(text)
    rows.append(("decode: pydantic Patient from JSON", time.perf_counter() - t0))
    totals = dict.fromkeys(["context", *FAMILIES, "schedule"], 0.0)
    for p in sample:
        t = time.perf_counter()
        ctx = Context(p, AS_OF, US)
        for view in ("infusions", "labs", "jcv_results", "mri_scans", "relapses", "edss_scores"):
            getattr(ctx, view)
        now = time.perf_counter()
        totals["context"] += now - t
        found = None
        for name, family in FAMILIES.items():
            t = now
            result = family(ctx)
            now = time.perf_counter()
            totals[name] += now - t
            if name == "pml":
                found = result
            if name == "antibodies":
                abs_status = result
        t = now
        items = schedule.build_schedule(ctx, found, abs_status[0])  # type: ignore[index,arg-type]
        schedule.schedule_findings(ctx, items)
        totals["schedule"] += time.perf_counter() - t
    rows += [(f"rules: {k}", v) for k, v in totals.items()]
    t0 = time.perf_counter()
    for p in sample:
        assess(p, AS_OF, US)
    rows.append(("assess (the whole call)", time.perf_counter() - t0))
    return [(name, seconds / len(sample) * 1e6) for name, seconds in rows]


def _compact(item: Patient | UnreadablePatient) -> tuple[str, str]:
    if isinstance(item, UnreadablePatient):
        return (item.patient_id, "unreadable")
    return (item.id, assess(item, AS_OF, US).gate.decision.value)


FLOOR_SQL = (
    "SELECT patient_pk, kind, payload FROM timeline_record "
    "WHERE is_current = 1 AND retraction_reason IS NULL ORDER BY patient_pk, pk"
)


def registry(patients: int, workers: int, repeat: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.sqlite3"
        db = Database(f"sqlite:///{path}")
        upgrade(db)
        t0 = time.perf_counter()
        import_patients(
            db,
            (
                Incoming("synthetic", n, p)
                for n, (_, p) in enumerate(generate_cohort(patients, AS_OF, seed=4))
            ),
            actor="benchmark",
            at=dt.datetime.now(dt.UTC),
            batch_size=500,
        )
        print(f"registry: {patients:,} patients written in {time.perf_counter() - t0:.1f} s")

        def floor() -> int:
            conn = sqlite3.connect(path)
            try:
                n = 0
                for _pk, _kind, payload in conn.execute(FLOOR_SQL):
                    orjson.loads(payload)
                    n += 1
                return n
            finally:
                conn.close()

        def load_assess(w: int) -> Callable[[], None]:
            def run() -> None:
                n = sum(len(chunk) for chunk in map_cohort(db, _compact, workers=w, chunk_size=500))
                assert n == patients

            return run

        rows = floor()
        base = _median_time(floor, repeat)
        many = _median_time(load_assess(workers), repeat)
        one = _median_time(load_assess(1), repeat)
        db.dispose()
    print(f"(b) floor: sqlite3 SELECT + orjson   {base:7.2f} s  ({rows:,} rows, {rows / base:,.0f} rows/s)")
    print(f"(a) load + assess, {workers} workers      {many:7.2f} s  ({patients / many:,.0f} patients/s)")
    print(f"(a1) load + assess, 1 process        {one:7.2f} s  ({patients / one:,.0f} patients/s)")
    print(f"ratio (a)/(b) {many / base:.2f}   (a1)/(b) {one / base:.2f}   aim <= 3")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=20_000, help="in-memory cohort; 0: skip")
    parser.add_argument(
        "--registry", type=int, default=5_000, help="patients in the SQLite registry; 0: skip"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--breakdown-sample", type=int, default=2_000)
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, {os.cpu_count()} cores")
    if args.patients == 0:  # the registry only (e.g. under /usr/bin/time -v for its memory)
        registry(args.registry, args.workers, args.repeat)
        return
    t0 = time.perf_counter()
    COHORT.extend(p for _, p in generate_cohort(args.patients, AS_OF, seed=4))
    gc.collect()
    gc.freeze()  # the cohort is long-lived: keep the collector from re-scanning it
    records = sum(sum(1 for _ in p.events()) for p in COHORT)
    print(f"cohort: {len(COHORT):,} patients, {records:,} records, built in {time.perf_counter() - t0:.1f} s")
    single, parallel = in_memory(args.workers, args.repeat)
    print(f"in memory, 1 process:      {single:8,.0f} patients/s")
    print(f"in memory, {args.workers} processes:    {parallel:8,.0f} patients/s   (aim >= 10,000)")
    print("breakdown, µs a patient (one process):")
    for name, micros in breakdown(COHORT[: args.breakdown_sample]):
        print(f"  {name:<45} {micros:8.1f}")
    if args.registry:
        registry(args.registry, args.workers, args.repeat)
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
