"""Benchmark: CDS Hooks patient-view latency at 32 concurrent clients, against a bare endpoint.

Fair set-up: the server is its own process (``uvicorn --workers 2``, demo mode: no JWT) serving both
the bare FastAPI endpoint and the CDS services; the load comes from a separate pool of processes,
each running its share of the concurrent httpx clients. The patient-view call is measured twice: the
same patient's resources every time (an EHR re-opening charts: validated resources are cached) and
new content in every call (every resource validated). Both endpoints get the same server, the same
workers and the same load, so the ratio of the p95s shows what alpha4's work (FHIR R4 validation,
mapping, rules, cards) adds to the framework's own cost.

    .venv/bin/python scripts/bench_cds.py [--requests 640] [--clients 32] [--workers 2] [--loaders 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ENV, AS_OF_ENV = "ALPHA4_BENCH_EXAMPLE", "ALPHA4_BENCH_AS_OF"


def server_app() -> Any:
    """The app the uvicorn workers run (``--factory``): the CDS services plus ``GET /bare``."""
    import datetime as dt

    from alpha4.app.cds_app import create_cds_app
    from alpha4.app.cds_routes import CdsSettings

    app = create_cds_app(CdsSettings(demo=True, as_of=dt.date.fromisoformat(os.environ[AS_OF_ENV])))

    @app.get("/bare")
    async def bare() -> dict[str, str]:
        return {"ok": "yes"}

    return app


def request_body(example: str) -> tuple[bytes, str]:
    """The patient-view call for ``example`` with a full prefetch, and the assessment date."""
    sys.path.insert(0, str(ROOT))
    from tests.interop.conftest import as_of_for, spec
    from tests.interop.test_cds import prefetch_for

    from alpha4.domain import load_patient
    from alpha4.interop.fhir_out import patient_to_bundle

    patient = load_patient((ROOT / "examples" / f"{example}.json").read_text())
    body = spec("patient-view-request.json")
    body["context"]["patientId"] = patient.id
    body["prefetch"] = prefetch_for(patient_to_bundle(patient))
    return json.dumps(body).encode(), as_of_for(example).isoformat()


def distinct_bodies(body: bytes, count: int, tag: str) -> list[bytes]:
    """``count`` copies of the call whose every resource differs (``meta.versionId``): nothing is
    served from the server's cache of validated resources (an EHR sending new data each time)."""
    data = json.loads(body)
    out = []
    for n in range(count):
        for value in data["prefetch"].values():
            resources = (
                [e["resource"] for e in value.get("entry", [])]
                if value["resourceType"] == "Bundle"
                else [value]
            )
            for r in resources:
                r["meta"] = {"versionId": f"{tag}-{n}"}
        out.append(json.dumps(data).encode())
    return out


async def _load(url: str, body: bytes | None, total: int, clients: int, tag: str = "") -> list[float]:
    times: list[float] = []
    remaining = [total]
    bodies = distinct_bodies(body, total, tag) if body is not None and tag else None
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def worker() -> None:
            while remaining[0] > 0:
                remaining[0] -= 1
                content = bodies[remaining[0]] if bodies is not None else body
                start = time.perf_counter()
                if content is None:
                    response = await client.get(url)
                else:
                    response = await client.post(url, content=content, headers=headers)
                times.append(time.perf_counter() - start)
                if response.status_code != 200:
                    raise RuntimeError(f"{url}: {response.status_code} {response.text[:200]}")

        await asyncio.gather(*(worker() for _ in range(clients)))
    return times


def _loader(args: tuple[str, bytes | None, int, int, str]) -> list[float]:
    return asyncio.run(_load(*args))


def measure(
    pool: Any, loaders: int, url: str, body: bytes | None, total: int, clients: int, distinct: str = ""
) -> list[float]:
    """``clients`` concurrent clients spread over ``loaders`` processes, ``total`` requests in all."""
    shares = [
        (url, body, total // loaders, clients // loaders, f"{distinct}{n}" if distinct else "")
        for n in range(loaders)
    ]
    return [t for part in pool.map(_loader, shares) for t in part]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workers: int, as_of: str) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {**os.environ, AS_OF_ENV: as_of, "PYTHONPATH": str(ROOT / "src")}
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "bench_cds:server_app",
        "--app-dir",
        str(ROOT / "scripts"),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    server = subprocess.Popen(command, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(f"{base}/bare", timeout=1).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if time.time() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the uvicorn server did not start")
        time.sleep(0.2)


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[94]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--loaders", type=int, default=2, help="load-generator processes")
    parser.add_argument("--example", default="ms_jcv_positive_high_index")
    args = parser.parse_args()
    body, as_of = request_body(args.example)
    server, base = start_server(args.workers, as_of)
    cds_url = f"{base}/cds-services/alpha4-natalizumab-safety"
    try:
        with multiprocessing.get_context("spawn").Pool(args.loaders) as pool:
            measure(pool, args.loaders, cds_url, body, 64, 8)  # warm up every worker
            measure(pool, args.loaders, f"{base}/bare", None, 256, args.clients)
            bare = measure(pool, args.loaders, f"{base}/bare", None, args.requests, args.clients)
            view = measure(pool, args.loaders, cds_url, body, args.requests, args.clients)
            cold = measure(pool, args.loaders, cds_url, body, args.requests, args.clients, distinct="v")
    finally:
        server.terminate()
        server.wait(10)
    b, v = p95(bare), p95(view)
    print(
        f"patient-view ({args.example}, prefetch {len(body) // 1024} KiB), {args.clients} concurrent clients "
        f"in {args.loaders} processes, {args.requests} requests, uvicorn --workers {args.workers}, "
        f"{os.cpu_count()} CPUs"
    )
    print(f"bare endpoint p50 {statistics.median(bare) * 1000:7.1f} ms   p95 {b * 1000:7.1f} ms")
    print(f"patient-view  p50 {statistics.median(view) * 1000:7.1f} ms   p95 {v * 1000:7.1f} ms")
    print(f"ratio (patient-view p95 / bare p95): {v / b:.2f}")
    print(
        f"patient-view, new content every call (no validation cache hits): p50 "
        f"{statistics.median(cold) * 1000:7.1f} ms   p95 {p95(cold) * 1000:7.1f} ms   ratio {p95(cold) / b:.2f}"
    )


if __name__ == "__main__":
    main()
