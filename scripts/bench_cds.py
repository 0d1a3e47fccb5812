"""Benchmark: CDS Hooks patient-view p95 latency at 32 concurrent clients, against a bare endpoint.

Both endpoints run in one uvicorn server (real HTTP, demo mode: no JWT), so the ratio shows what
alpha4's work (FHIR validation, mapping, rules, cards) adds to the framework's own cost.

    .venv/bin/python scripts/bench_cds.py [--requests 640] [--clients 32]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.app.http_server import serve  # noqa: E402
from tests.interop.conftest import as_of_for, spec  # noqa: E402
from tests.interop.test_cds import prefetch_for  # noqa: E402

from alpha4.app.cds_app import create_cds_app  # noqa: E402
from alpha4.app.cds_routes import CdsSettings  # noqa: E402
from alpha4.domain import load_patient  # noqa: E402
from alpha4.interop import cds  # noqa: E402
from alpha4.interop.fhir_out import patient_to_bundle  # noqa: E402


async def run(url: str, body: object | None, total: int, clients: int) -> list[float]:
    times: list[float] = []
    queue: asyncio.Queue[int] = asyncio.Queue()
    for n in range(total):
        queue.put_nowait(n)
    async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=clients)) as client:

        async def worker() -> None:
            while not queue.empty():
                queue.get_nowait()
                start = time.perf_counter()
                response = await (client.post(url, json=body) if body is not None else client.get(url))
                times.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text

        await asyncio.gather(*(worker() for _ in range(clients)))
    return times


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--example", default="ms_jcv_positive_high_index")
    args = parser.parse_args()
    patient = load_patient((ROOT / "examples" / f"{args.example}.json").read_text())
    body = spec("patient-view-request.json")
    body["context"]["patientId"] = patient.id
    body["prefetch"] = prefetch_for(patient_to_bundle(patient))
    app = create_cds_app(CdsSettings(demo=True, as_of=as_of_for(args.example)))

    @app.get("/bare")
    async def bare() -> dict[str, str]:
        return {"ok": "yes"}

    with serve(app) as base:
        asyncio.run(run(f"{base}/cds-services/{cds.PATIENT_VIEW}", body, 32, 8))  # warm up
        bare_times = asyncio.run(run(f"{base}/bare", None, args.requests, args.clients))
        cds_times = asyncio.run(
            run(f"{base}/cds-services/{cds.PATIENT_VIEW}", body, args.requests, args.clients)
        )
    b, c = p95(bare_times), p95(cds_times)
    print(
        f"patient-view ({args.example}, {len(patient.infusions)} infusions), {args.clients} concurrent clients, {args.requests} requests each"
    )
    print(f"bare endpoint p95: {b * 1000:.1f} ms   median {statistics.median(bare_times) * 1000:.1f} ms")
    print(f"patient-view  p95: {c * 1000:.1f} ms   median {statistics.median(cds_times) * 1000:.1f} ms")
    print(f"ratio (patient-view p95 / bare p95): {c / b:.1f}")


if __name__ == "__main__":
    main()
