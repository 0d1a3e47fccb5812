"""Benchmark: assess the synthetic demo cohort and print patients per second.

    .venv/bin/python scripts/bench_assess.py [--patients 10000] [--seed 4]

Generation (building the records) is timed apart from assessment (the rules).
"""

from __future__ import annotations

import argparse
import datetime as dt
import time

from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.rules.worklist import build_worklist
from alpha4.synthetic import generate_cohort


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--patients", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=4)
    args = parser.parse_args()
    as_of = dt.date(2026, 11, 24)
    t0 = time.perf_counter()
    cohort = [p for _, p in generate_cohort(args.patients, as_of, seed=args.seed)]
    t1 = time.perf_counter()
    assessments = [assess(p, as_of, US) for p in cohort]
    t2 = time.perf_counter()
    rows = build_worklist(assessments)
    t3 = time.perf_counter()
    events = sum(sum(1 for _ in p.events()) for p in cohort)
    print(f"patients            {len(cohort):>10,}")
    print(f"timeline records    {events:>10,}")
    print(f"generate            {t1 - t0:>10.2f} s")
    print(f"assess              {t2 - t1:>10.2f} s   {len(cohort) / (t2 - t1):>8,.0f} patients/s")
    print(f"worklist            {t3 - t2:>10.2f} s   ({len(rows):,} rows)")


if __name__ == "__main__":
    main()
