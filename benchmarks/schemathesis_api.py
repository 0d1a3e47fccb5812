"""Benchmark-style conformance run: schemathesis with *all* its checks over every REST operation.

Not part of the test suite (it takes minutes): it answers "does the API do what its OpenAPI
document says, for thousands of generated calls?" and prints the figures for the issue note.

    .venv/bin/python benchmarks/schemathesis_api.py [--examples 110] [--seed 4]

A fresh SQLite registry (the web tests' 6 named patients and a synthetic cohort, one user per
role) is built in a temporary directory; the calls run in-process (ASGI) as a prescriber, most
with a real patient id so they get past 404. Every failed check is counted by its kind and the
first few are printed; the exit code is 1 if any check failed.
"""

from __future__ import annotations

import argparse
import collections
import sys
import tempfile
import time
from pathlib import Path

import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.config import SchemathesisConfig

from alpha4.app.main import create_app
from alpha4.settings import Settings
from alpha4.store.users import Role

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from tests.app.conftest import bearer, build_registry, web_settings

# 422 is the documented answer for a record that is well-formed JSON but clinically impossible or
# out of date (a LOINC check digit, a date after today, an end before its start): checks the JSON
# Schema cannot express. Every other check runs with its defaults.
CONFIG = """
[checks.positive_data_acceptance]
expected-statuses = ["2xx", "401", "403", "404", "409", "422"]
"""
PATIENTS = ("GO-1", "GO-2", "HOLD-1", "STOP-1", "PREG-1", "no-such-patient")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=110, help="generated cases per operation")
    parser.add_argument("--cohort", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "registry.sqlite3"
        build_registry(path, cohort=args.cohort)
        app = create_app(Settings(database_url=f"sqlite:///{path}"), web=web_settings())
        with TestClient(app, base_url="https://testserver") as client:
            headers = bearer(client, Role.PRESCRIBER)
        schema = (
            schemathesis.openapi.from_asgi(
                "/api/v1/openapi.json", app, config=SchemathesisConfig.from_str(CONFIG)
            )
            .include(path_regex=r"^/api/v1/")
            .exclude(path="/api/v1/token")  # sign-in: fuzzing it only fills the throttle (429 for all)
        )
        operations = [result.ok() for result in schema.get_all_operations()]
        cases = 0
        statuses: collections.Counter[int] = collections.Counter()
        failed: collections.Counter[str] = collections.Counter()
        examples: list[str] = []
        started = time.perf_counter()
        for operation in operations:

            @given(case=operation.as_strategy(), patient=st.sampled_from(PATIENTS))
            @settings(
                max_examples=args.examples,
                deadline=None,
                suppress_health_check=list(HealthCheck),
                derandomize=True,
                database=None,
            )
            def call(case: schemathesis.Case, patient: str) -> None:
                nonlocal cases
                if case.path_parameters and "patient_id" in case.path_parameters:
                    case.path_parameters["patient_id"] = patient
                response = case.call(headers=headers)
                cases += 1
                statuses[response.status_code] += 1
                try:
                    case.validate_response(response, headers=headers)
                except BaseException as error:  # a failed check (a FailureGroup): count it by kind
                    if isinstance(error, KeyboardInterrupt | SystemExit):
                        raise
                    kinds = [type(e).__name__ for e in getattr(error, "exceptions", [error])]
                    for kind in kinds:
                        failed[kind] += 1
                    if len(examples) < 8:
                        examples.append(
                            f"{case.method} {case.formatted_path} -> {response.status_code}: "
                            f"{', '.join(kinds)}: {str(error).splitlines()[0][:200]}"
                        )

            call()
        seconds = time.perf_counter() - started
    print(f"operations: {len(operations)}; cases: {cases}; {seconds:.0f} s ({cases / seconds:.0f} cases/s)")
    print("statuses:", dict(sorted(statuses.items())))
    print("failed checks:", dict(failed) or "none")
    for line in examples:
        print("  ", line)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
