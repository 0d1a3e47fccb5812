"""CDS Hooks 2.0 HTTP routes: discovery, service calls and feedback (mounted at /cds-services).

Thin: each route checks the caller (JWT, unless demo mode), parses the body with the
models of :mod:`alpha4.interop.cds`, gathers the FHIR data (prefetch, or the
client's ``fhirServer`` for missing keys), and hands over to the pure CDS logic.
Status codes follow the specification: 400 malformed request, 401 missing or bad
token, 404 unknown service, 412 when the data can be had neither from prefetch nor
from the FHIR server.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import anyio
import httpx
import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from alpha4.interop import cds
from alpha4.interop.fhir_in import FhirInputError, Unmapped
from alpha4.interop.jwt import AuthError, ReplayCache, TrustedIssuer, inline_jwks, verify
from alpha4.knowledge import get_profile


class AuditSink(Protocol):
    """Where feedback goes: the registry's audit log, or a file/memory sink."""

    def record(
        self, actor: str, action: str, entity: str, entity_id: str, before: Any, after: Any
    ) -> None: ...


class MemoryAudit:
    """In-memory audit sink (tests, demo); records each distinct feedback once."""

    def __init__(self) -> None:
        self.events: list[dict[str, Any]] = []
        self.lock = threading.Lock()

    def record(self, actor: str, action: str, entity: str, entity_id: str, before: Any, after: Any) -> None:
        with self.lock:
            self.events.append(
                {
                    "actor": actor,
                    "action": action,
                    "entity": entity,
                    "entity_id": entity_id,
                    "before": before,
                    "after": after,
                }
            )


class JsonlAudit(MemoryAudit):
    """Append-only JSON-lines file sink."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path

    def record(self, actor: str, action: str, entity: str, entity_id: str, before: Any, after: Any) -> None:
        super().record(actor, action, entity, entity_id, before, after)
        line = json.dumps(self.events[-1], sort_keys=True, default=str)
        with self.lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


class CdsSettings(BaseModel):
    """Configuration of the CDS service (validated once at the edge)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    demo: bool = Field(default=False, description="Accept calls without a JWT (alpha4 serve --demo only)")
    issuers: tuple[TrustedIssuer, ...] = ()
    public_base_url: str | None = Field(
        default=None,
        description="Base URL clients call: a JWT's aud must be this plus the service path (never the "
        "request's Host header, which the caller chooses). Required when an issuer is trusted.",
    )
    demo_fhir_hosts: tuple[str, ...] = Field(
        default=("localhost", "127.0.0.1", "::1"),
        description="In demo mode (no JWT) the only hosts a fhirServer may name: a caller cannot make "
        "alpha4 fetch from elsewhere",
    )

    @model_validator(mode="after")
    def _jwt_mode_needs_its_url(self) -> CdsSettings:
        if self.issuers and not self.demo and not self.public_base_url:
            raise ValueError("CDS Hooks with trusted issuers needs public_base_url (the JWT audience)")
        return self

    profile: str = "us"
    as_of: dt.date | None = Field(default=None, description="Fixed assessment date (tests); default today")
    fhir_timeout_seconds: float = 5.0
    max_search_resources: int = Field(
        default=5000, gt=0, description="Largest search result read (all pages); more ends in 412"
    )
    candidate_cards: bool = Field(
        default=True,
        description="patient-view of a patient with the indication never given natalizumab: one "
        "informational card (True) or none (False)",
    )


JwksFetcher = Callable[[TrustedIssuer, str | None], Mapping[str, Any]]


def http_jwks(timeout: float = 5.0, ttl_seconds: float = 300.0) -> JwksFetcher:
    """Key sets from the issuer's configured or allowed ``jku`` URL, cached for ``ttl_seconds``."""
    cache: dict[str, tuple[float, Mapping[str, Any]]] = {}

    def fetch(issuer: TrustedIssuer, jku: str | None) -> Mapping[str, Any]:
        if issuer.jwks is not None:
            return issuer.jwks
        url = jku or issuer.jwks_url
        if url is None:
            raise AuthError(f"no key set URL for issuer {issuer.iss!r}")
        hit = cache.get(url)
        if hit is not None and hit[0] > time.time():
            return hit[1]
        try:
            response = httpx.get(url, timeout=timeout)
            response.raise_for_status()
            keys = response.json()
        except (httpx.HTTPError, ValueError) as error:
            raise AuthError(f"cannot fetch the key set at {url}: {error}") from None
        if not isinstance(keys, dict):
            raise AuthError(f"the key set at {url} is not a JWKS")
        cache[url] = (time.time() + ttl_seconds, keys)
        return keys

    return fetch


def _error(status: int, reason: str) -> JSONResponse:
    return JSONResponse({"error": reason}, status_code=status)


class _Problem(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def create_cds_router(
    settings: CdsSettings,
    *,
    audit: AuditSink | None = None,
    jwks: JwksFetcher | None = None,
    clock: Callable[[], float] = time.time,
) -> APIRouter:
    """The /cds-services router: discovery, the three services, feedback."""
    router = APIRouter(prefix="/cds-services", tags=["cds-hooks"])
    sink: AuditSink = audit if audit is not None else MemoryAudit()
    issuers = {i.iss: i for i in settings.issuers}
    lookup: JwksFetcher = (
        jwks
        if jwks is not None
        else (http_jwks() if any(i.jwks is None for i in settings.issuers) else inline_jwks)
    )
    replay = ReplayCache()
    evaluations = cds.EvaluationCache()
    cpu = anyio.CapacityLimiter(1)
    profile = get_profile(settings.profile)
    seen_feedback: set[tuple[str, str, str, str]] = set()
    seen_lock = threading.Lock()

    def caller(request: Request) -> str:
        """The verified client (``iss``/``sub``), or 'demo'; raises _Problem(401)."""
        if settings.demo:
            return "demo"
        header = request.headers.get("authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise _Problem(401, "missing bearer token (Authorization: Bearer <JWT>)")
        if not settings.public_base_url:
            raise _Problem(401, "no trusted CDS client is configured (public_base_url and issuers)")
        url = settings.public_base_url.rstrip("/") + request.url.path
        try:
            claims = verify(
                token.strip(),
                audience=(url, url.rstrip("/")),
                issuers=issuers,
                jwks=lookup,
                replay=replay,
                now=clock(),
            )
        except AuthError as error:
            raise _Problem(401, str(error)) from None
        return f"{claims['iss']}|{claims.get('sub', '')}"

    async def body(request: Request) -> Any:
        raw = await request.body()
        try:
            return json.loads(raw)
        except (ValueError, UnicodeDecodeError) as error:
            raise _Problem(400, f"body is not JSON: {error}") from None

    discovery_body = json.dumps(cds.discovery()).encode()  # the same for every caller: built once

    @router.get("", operation_id="cds_discovery", summary="CDS Hooks discovery")
    async def discovery_route(request: Request) -> Response:
        try:
            caller(request)
        except _Problem as p:
            return _error(p.status, p.reason)
        return Response(discovery_body, media_type="application/json")

    def parse_call(spec: cds.ServiceSpec, raw: bytes) -> cds.CdsRequest:
        """The validated request (JSON, the hook's context); raises _Problem(400)."""
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise _Problem(400, f"body is not JSON: {error}") from None
        try:
            call = cds.CdsRequest.model_validate(data)
            if call.hook != spec.hook:
                raise _Problem(400, f"service {spec.id!r} answers hook {spec.hook!r}, not {call.hook!r}")
            cds.CONTEXTS[spec.hook].model_validate(call.context)
        except ValidationError as error:
            raise _Problem(400, _reason(error)) from None
        return call

    def evaluated(call: cds.CdsRequest, prefetch: dict[str, Any], key: str, as_of: dt.date) -> cds.Evaluation:
        """Map and assess the call's data (the costly part), and remember the evaluation."""
        resources, notes = gathered(prefetch)
        evaluation = cds.evaluate(
            call, resources, notes, as_of=as_of, profile=profile, candidate_cards=settings.candidate_cards
        )
        evaluations.put(key, evaluation.cards_only())
        return evaluation

    @router.post("/{service_id}", operation_id="cds_call", summary="Call a CDS service")
    async def call_route(service_id: str, request: Request) -> Response:
        try:
            caller(request)
            spec = cds.SERVICE_BY_ID.get(service_id)
            if spec is None:
                raise _Problem(404, f"no CDS service {service_id!r}")
            raw = await request.body()
            call = parse_call(spec, raw)
            prefetch = await complete_prefetch(call)
            as_of = settings.as_of or dt.date.today()
            key = cds.evaluation_key(call, prefetch, as_of=as_of, profile=profile)
            evaluation = evaluations.get(key)
            if evaluation is None:
                # FHIR validation, mapping and rules: off the event loop, one call at a time (the
                # work holds the GIL; more threads would only share it, and every call would wait).
                evaluation = await anyio.to_thread.run_sync(
                    evaluated, call, prefetch, key, as_of, limiter=cpu
                )
            content = cds.response_json(evaluation, call.hookInstance)
        except _Problem as p:
            return _error(p.status, p.reason)
        except FhirInputError as error:
            return _error(400, str(error))
        return Response(content, media_type="application/json")

    async def complete_prefetch(call: cds.CdsRequest) -> dict[str, Any]:
        """Every search the service needs, whole: prefetch as sent, then the FHIR server for keys the
        client did not send, could not fetch (an OperationOutcome) or sent only in part (a searchset
        with a ``next`` link). 412 when a search cannot be had whole: never a partial history."""
        prefetch = dict(call.prefetch or {})
        missing = cds.missing_prefetch(call)
        failed = [k for k in cds.DATA_NEEDS if k in prefetch and cds.is_outcome(prefetch[k])]
        partial = {k: v for k, v in prefetch.items() if k in cds.DATA_NEEDS and cds.next_page(v)}
        if missing or failed or partial:
            if not call.fhirServer:
                lacking = [
                    *(f"{k} (not sent)" for k in missing),
                    *(f"{k} (the client reported an error)" for k in failed),
                    *(f"{k} (only the first page; the searchset has a next link)" for k in partial),
                ]
                raise _Problem(
                    412, f"prefetch lacks {', '.join(lacking)} and the request names no fhirServer"
                )
            prefetch.update(await fetch_missing(call, [*missing, *failed], partial))
        if not isinstance(prefetch.get("patient"), dict):
            raise _Problem(412, "no Patient resource (prefetch 'patient' or the FHIR server)")
        return prefetch

    def gathered(prefetch: dict[str, Any]) -> tuple[list[dict[str, Any]], list[Unmapped]]:
        try:
            return cds.prefetched_resources(prefetch)
        except FhirInputError as error:
            raise _Problem(400, str(error)) from None

    async def fetch_missing(
        call: cds.CdsRequest, keys: list[str], partial: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """The searches ``keys`` from the FHIR server, and the remaining pages of ``partial``."""
        partial = partial or {}
        base = str(call.fhirServer).rstrip("/")
        if settings.demo and (httpx.URL(base).host or "") not in settings.demo_fhir_hosts:
            raise _Problem(
                412,
                f"demo mode reads only from {', '.join(settings.demo_fhir_hosts)}, not the fhirServer named",
            )
        headers = {"Accept": "application/fhir+json"}
        if call.fhirAuthorization is not None:
            headers["Authorization"] = f"Bearer {call.fhirAuthorization.access_token}"
        queries: dict[str, str] = {}
        for key in keys:
            try:
                queries[key] = cds.render_template(cds.DATA_NEEDS[key], call.context)
            except ValueError as error:
                raise _Problem(400, str(error)) from None
        out: dict[str, Any] = {}

        async def read(client: httpx.AsyncClient, key: str) -> None:
            response = await client.get(f"{base}/{queries[key]}")
            if response.status_code == 404:
                out[key] = None
                return
            response.raise_for_status()
            out[key] = await _all_pages(client, key, response.json(), base)

        async def rest(client: httpx.AsyncClient, key: str) -> None:
            out[key] = await _all_pages(client, key, partial[key], base)

        try:
            # The searches are independent: ask them all at once (a chart opening waits for the slowest).
            async with (
                httpx.AsyncClient(timeout=settings.fhir_timeout_seconds, headers=headers) as client,
                anyio.create_task_group() as tasks,
            ):
                for key in keys:
                    tasks.start_soon(read, client, key)
                for key in partial:
                    tasks.start_soon(rest, client, key)
        except* _Problem as group:
            raise group.exceptions[0] from None
        except* (httpx.HTTPError, ValueError) as group:
            first = group.exceptions[0]
            names = ", ".join([*keys, *partial])
            raise _Problem(412, f"cannot read {names} from the FHIR server: {first}") from None
        return out

    async def _all_pages(client: httpx.AsyncClient, key: str, page: Any, base: str) -> Any:
        """The whole search: follow searchset ``next`` links to the end, only on the fhirServer's own
        origin (the EHR's access token goes nowhere else, whatever a page links to). A search larger
        than :attr:`CdsSettings.max_search_resources` ends in 412 (said, never a silent cut)."""
        if not isinstance(page, dict) or page.get("resourceType") != "Bundle":
            if cds.is_outcome(page):
                raise _Problem(412, f"the FHIR server reported an error for {key}: {cds.outcome_text(page)}")
            return page
        entries = list(page.get("entry") or [])
        current = page
        seen = set()
        while (nxt := cds.next_page(current)) is not None:
            if nxt in seen:
                raise _Problem(412, f"the FHIR server's pages for {key} link back to {nxt}")
            seen.add(nxt)
            if not _same_origin(str(nxt), base):
                raise _Problem(
                    412,
                    f"{key}: a next link leaves the fhirServer's origin (the access token is not sent there)",
                )
            if len(entries) > settings.max_search_resources:
                raise _Problem(
                    412,
                    f"{key}: the search holds more than {settings.max_search_resources} resources; "
                    "alpha4 does not assess part of a record",
                )
            response = await client.get(str(nxt))
            response.raise_for_status()
            current = response.json()
            if cds.is_outcome(current) or not isinstance(current, dict):
                raise _Problem(
                    412, f"the FHIR server reported an error for {key}: {cds.outcome_text(current)}"
                )
            entries += current.get("entry") or []
        if len(entries) > settings.max_search_resources:
            raise _Problem(
                412,
                f"{key}: the search holds more than {settings.max_search_resources} resources; "
                "alpha4 does not assess part of a record",
            )
        return {
            **page,
            "entry": entries,
            "link": [x for x in page.get("link") or [] if x.get("relation") != "next"],
        }

    @router.post("/{service_id}/feedback", operation_id="cds_feedback", summary="Feedback on cards")
    async def feedback_route(service_id: str, request: Request) -> JSONResponse:
        try:
            actor = caller(request)
            if service_id not in cds.SERVICE_BY_ID:
                raise _Problem(404, f"no CDS service {service_id!r}")
            data = await body(request)
            try:
                fb = cds.Feedback.model_validate(data)
            except ValidationError as error:
                raise _Problem(400, _reason(error)) from None
        except _Problem as p:
            return _error(p.status, p.reason)
        recorded = 0
        for item in fb.feedback:
            key = (service_id, item.card, item.outcome, item.outcomeTimestamp.isoformat())
            with seen_lock:
                if key in seen_feedback:
                    continue  # the same feedback may arrive more than once: record it once
                seen_feedback.add(key)
            sink.record(
                actor,
                f"cds.feedback.{item.outcome}",
                "cds_card",
                f"{service_id}/{item.card}",
                None,
                item.model_dump(mode="json", exclude_none=True),
            )
            recorded += 1
        return JSONResponse({"recorded": recorded})

    return router


def _same_origin(url: str, base: str) -> bool:
    """Same scheme, host and port.

    >>> fhir = "https://ehr.test/fhir"
    >>> _same_origin("https://ehr.test/fhir/Obs?page=2", fhir), _same_origin("https://evil.test/x", fhir)
    (True, False)
    """
    a, b = httpx.URL(url), httpx.URL(base)
    return (a.scheme, a.host, a.port) == (b.scheme, b.host, b.port)


def _reason(error: ValidationError) -> str:
    parts = []
    for e in error.errors()[:5]:
        where = ".".join(str(p) for p in e["loc"]) or "(body)"
        parts.append(f"{where}: {e['msg']}")
    return "; ".join(parts)
