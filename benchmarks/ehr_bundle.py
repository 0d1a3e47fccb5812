"""Benchmark: ``alpha4 assess`` on a Synthea-style FHIR bundle of 1,000+ resources.

    .venv/bin/python benchmarks/ehr_bundle.py [--resources 1200] [--runs 7]

Writes the bundle (tests/interop/ehr_variants.synthea_like: the hand-written natalizumab patient
inside encounters, claims, routine chemistry and vital signs) to a temporary file, then times the
real command (a new process each run: start-up included) and, apart, reading and assessing the
bundle in-process. Prints the median and the range.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.interop import ehr_variants  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--resources", type=int, default=1200)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--eu-units", action="store_true", help="keep the base bundle's 10*9/L units")
    args = parser.parse_args()
    bundle = ehr_variants.synthea_like(args.resources)
    if args.eu_units:
        bundle["entry"][: len(ehr_variants.base()["entry"])] = ehr_variants.base()["entry"]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthea_like.json"
        path.write_text(json.dumps(bundle))
        exe = str(Path(sys.executable).with_name("alpha4"))
        command = [exe, "assess", str(path), "--as-of", "2026-11-24"]
        process = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True)
            process.append(time.perf_counter() - t0)
        help_times = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            subprocess.run([exe, "--help"], check=True, capture_output=True)
            help_times.append(time.perf_counter() - t0)
    from alpha4.interop.fhir_in import VALIDATED, bundle_to_patients
    from alpha4.knowledge import US
    from alpha4.rules import assess

    inside = []
    for _ in range(args.runs):
        VALIDATED.clear()  # validate afresh each run
        t0 = time.perf_counter()
        read = bundle_to_patients(bundle)
        for p in read.patients:
            assert p.imported is not None
            assess(p.imported.patient, dt.date(2026, 11, 24), US)
        inside.append(time.perf_counter() - t0)

    def show(name: str, xs: list[float]) -> None:
        print(
            f"{name}: median {statistics.median(xs):.2f} s (min {min(xs):.2f}, max {max(xs):.2f}, {len(xs)} runs)"
        )

    print(f"bundle: {len(bundle['entry'])} resources")
    show("alpha4 assess (new process)", process)
    show("alpha4 --help (start-up only)", help_times)
    show("read + assess in-process", inside)


if __name__ == "__main__":
    main()
