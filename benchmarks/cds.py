"""Benchmark: CDS Hooks patient-view latency at 32 concurrent clients, against a bare endpoint.

Fair set-up: the server is its own process (``uvicorn --workers 2``, demo mode: no JWT) serving both
the bare FastAPI endpoint and the CDS services; the load comes from a separate pool of processes,
each running its share of the concurrent httpx clients. Both endpoints get the same server, the
same workers and the same load, so the ratio of the p95s shows what alpha4's work (JSON, FHIR R4
validation, mapping, rules, cards) adds to the framework's own cost. patient-view is measured in
three situations (:data:`SCENARIOS`): the same chart opened again (the everyday case: an EHR sends
the whole chart on every opening), one new result since the last opening, and every resource new.
The bare endpoint is a POST that reads and parses the same body and answers as many bytes as the
service does (a GET with no body would flatter nothing but the framework). On a loaded machine a
request that times out or is refused is counted and reported, not fatal; the server gets five
minutes to start.

    .venv/bin/python benchmarks/cds.py [--requests 640] [--rounds 2] [--clients 32] [--workers 2] [--loaders 2]
"""

from __future__ import annotations

import argparse
import asyncio
import copy
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
from fastapi import Request, Response  # at module level: FastAPI resolves the endpoint's annotations here

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_ENV, AS_OF_ENV = "ALPHA4_BENCH_EXAMPLE", "ALPHA4_BENCH_AS_OF"
ANSWER_BYTES_ENV = "ALPHA4_BENCH_ANSWER_BYTES"


def server_app() -> Any:
    """The app the uvicorn workers run (``--factory``): the CDS services plus ``POST /bare``.

    The fair bare endpoint does what any endpoint receiving this call must: it reads the whole
    body, parses it as JSON, and returns an answer of the same size as the CDS service's
    (``ALPHA4_BENCH_ANSWER_BYTES``), so the ratio isolates alpha4's own work (validation, mapping,
    rules, cards) from reading, parsing and sending the bytes.
    """
    import datetime as dt

    import orjson

    from alpha4.app.cds_app import create_cds_app
    from alpha4.app.cds_routes import CdsSettings

    app = create_cds_app(CdsSettings(demo=True, as_of=dt.date.fromisoformat(os.environ[AS_OF_ENV])))
    padding = "x" * max(0, int(os.environ.get(ANSWER_BYTES_ENV, "0")) - len('{"cards":[],"padding":""}'))

    @app.get("/ready")
    async def ready() -> dict[str, str]:
        return {"ok": "yes"}

    @app.post("/bare")
    async def bare(request: Request) -> Response:
        data = orjson.loads(await request.body())
        answer = {"cards": [], "padding": padding, "hook": data.get("hook")}
        return Response(orjson.dumps(answer), media_type="application/json")

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


def distinct_bodies(body: bytes, count: int, tag: str, scenario: str) -> list[bytes]:
    """``count`` copies of the call, changed so that nothing is answered from a cache.

    ``new-result``: one new laboratory Observation in every call (a result filed since the chart
    was last opened): the evaluation is redone, the unchanged resources' validation is reused.
    ``all-new``: every resource differs (``meta.versionId``): every resource is validated again.
    """
    data = json.loads(body)
    out = []
    for n in range(count):
        call = copy.deepcopy(data)
        call["hookInstance"] = f"{tag}-{n}"
        if scenario == "new-result":
            entries = call["prefetch"]["observations"]["entry"]
            lab = copy.deepcopy(next(e["resource"] for e in entries if "valueQuantity" in e["resource"]))
            lab["id"] = f"new-{tag}-{n}"
            lab.pop("identifier", None)
            lab.pop("derivedFrom", None)
            entries.append({"resource": lab})
        else:
            for value in call["prefetch"].values():
                resources = (
                    [e["resource"] for e in value.get("entry", [])]
                    if value["resourceType"] == "Bundle"
                    else [value]
                )
                for r in resources:
                    r["meta"] = {"versionId": f"{tag}-{n}"}
        out.append(json.dumps(call).encode())
    return out


async def _load(
    url: str, body: bytes | None, total: int, clients: int, tag: str = "", scenario: str = ""
) -> list[float]:
    times: list[float] = []
    remaining = [total]
    bodies = distinct_bodies(body, total, tag, scenario) if body is not None and scenario else None
    headers = {"content-type": "application/json"}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    failures = 0
    first_failure = ""
    async with httpx.AsyncClient(timeout=httpx.Timeout(600, connect=60), limits=limits) as client:

        async def worker() -> None:
            nonlocal failures, first_failure
            while remaining[0] > 0:
                remaining[0] -= 1
                content = bodies[remaining[0]] if bodies is not None else body
                start = time.perf_counter()
                try:
                    response = await client.post(url, content=content, headers=headers)
                except httpx.TransportError:  # a loaded machine: count it, keep measuring the rest
                    failures += 1
                    continue
                if response.status_code != 200:
                    failures += 1
                    first_failure = first_failure or f"{response.status_code} {response.text[:200]}"
                    continue
                times.append(time.perf_counter() - start)

        await asyncio.gather(*(worker() for _ in range(clients)))
    if failures:
        print(
            f"  {url}: {failures} of {total} requests failed (timed out or refused); not counted", flush=True
        )
    if not times:
        raise RuntimeError(f"{url}: every request failed")
    return times


def _loader(args: tuple[str, bytes | None, int, int, str, str]) -> list[float]:
    return asyncio.run(_load(*args))


def measure(
    pool: Any, loaders: int, url: str, body: bytes | None, total: int, clients: int, scenario: str = ""
) -> list[float]:
    """``clients`` concurrent clients spread over ``loaders`` processes, ``total`` requests in all."""
    tag = f"{scenario}-{time.monotonic_ns()}"
    shares = [
        (url, body, total // loaders, clients // loaders, f"{tag}-{n}", scenario) for n in range(loaders)
    ]
    return [t for part in pool.map(_loader, shares) for t in part]


def cds_answer_size(body: bytes, as_of: str) -> int:
    """The size of the CDS service's answer to ``body`` (the bare endpoint answers as much)."""
    from fastapi.testclient import TestClient

    os.environ[AS_OF_ENV] = as_of
    os.environ[ANSWER_BYTES_ENV] = "0"
    with TestClient(server_app()) as client:
        response = client.post(
            "/cds-services/alpha4-natalizumab-safety",
            content=body,
            headers={"content-type": "application/json"},
        )
    response.raise_for_status()
    return len(response.content)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(workers: int, as_of: str, answer_bytes: int = 0) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    env = {
        **os.environ,
        AS_OF_ENV: as_of,
        ANSWER_BYTES_ENV: str(answer_bytes),
        "PYTHONPATH": str(ROOT / "src"),
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "cds:server_app",
        "--app-dir",
        str(ROOT / "benchmarks"),
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
    deadline = time.time() + 300  # a loaded machine can take minutes to import and fork
    while True:
        try:
            if httpx.get(f"{base}/ready", timeout=5).status_code == 200:
                return server, base
        except httpx.HTTPError:
            pass
        if time.time() > deadline or server.poll() is not None:
            server.kill()
            raise RuntimeError("the uvicorn server did not start")
        time.sleep(0.2)


def p95(times: list[float]) -> float:
    return statistics.quantiles(times, n=100)[94]


SCENARIOS = {
    "reopened": "the same chart opened again (evaluation reused)",
    "new-result": "one new lab result in every call (evaluation redone)",
    "all-new": "every resource new in every call (all validated again)",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=640)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=2, help="bare/patient-view rounds, interleaved")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes")
    parser.add_argument("--loaders", type=int, default=2, help="load-generator processes")
    parser.add_argument("--example", default="ms_jcv_positive_high_index")
    args = parser.parse_args()
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    body, as_of = request_body(args.example)
    answer_bytes = cds_answer_size(body, as_of)
    server, base = start_server(args.workers, as_of, answer_bytes)
    cds_url = f"{base}/cds-services/alpha4-natalizumab-safety"
    times: dict[str, list[float]] = {"bare": [], **{s: [] for s in SCENARIOS}}
    try:
        with multiprocessing.get_context("spawn").Pool(args.loaders) as pool:
            measure(pool, args.loaders, cds_url, body, 64, 8)  # warm up every worker
            measure(pool, args.loaders, f"{base}/bare", body, 256, args.clients)
            for _ in range(args.rounds):  # interleaved, so a slower moment of the machine hits both
                times["bare"] += measure(
                    pool, args.loaders, f"{base}/bare", body, args.requests, args.clients
                )
                times["reopened"] += measure(pool, args.loaders, cds_url, body, args.requests, args.clients)
            for scenario in ("new-result", "all-new"):
                times[scenario] = measure(
                    pool, args.loaders, cds_url, body, args.requests, args.clients, scenario
                )
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    b = p95(times["bare"])
    print(
        f"patient-view ({args.example}, prefetch {len(body) // 1024} KiB), {args.clients} concurrent clients "
        f"in {args.loaders} processes, uvicorn --workers {args.workers}, {os.cpu_count()} CPUs; "
        f"{args.rounds} x {args.requests} requests (bare, reopened), {args.requests} (others); "
        f"bare = POST of the same body, parsed, answering {answer_bytes:,} bytes as the service does"
    )
    print(
        f"{'bare endpoint':<70} p50 {statistics.median(times['bare']) * 1000:7.1f} ms   p95 {b * 1000:7.1f} ms"
    )
    for scenario, what in SCENARIOS.items():
        xs = times[scenario]
        print(
            f"{'patient-view, ' + what:<70} p50 {statistics.median(xs) * 1000:7.1f} ms   "
            f"p95 {p95(xs) * 1000:7.1f} ms   ratio {p95(xs) / b:5.2f}"
        )
    print(f"ratio (patient-view p95 / bare p95, chart reopened): {p95(times['reopened']) / b:.2f}")
    print(
        f"ratio (patient-view p95 / bare p95, every resource new): {p95(times['all-new']) / b:.2f}  (aim <= 2)"
    )
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
