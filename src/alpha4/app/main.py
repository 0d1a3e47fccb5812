"""``create_app(settings) -> FastAPI``: the clinic's web application on the configured registry.

Server-rendered pages (Jinja2, plain HTML forms, no JavaScript) and inline SVG charts, so the app
works on an offline clinic PC with any browser and a strict content-security policy; static files
are served by the app itself. The REST API lives under ``/api/v1`` (OpenAPI at
``/api/v1/openapi.json``).
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import DBAPIError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from alpha4.knowledge import get_profile
from alpha4.settings import Settings
from alpha4.store import (
    ConflictError,
    Database,
    DatabaseUnavailable,
    InvalidChange,
    NotFound,
    UnreadablePatient,
    append_audit,
    require_current,
)

from . import (
    admin,
    api,
    auth,
    checklist,
    clinic_day,
    day,
    entry,
    formatting,
    lab_panels,
    patients,
    reports,
    worklist,
)
from .config import WebSettings
from .deps import TEMPLATES, CsrfFailed, Forbidden, NotSignedIn, render
from .limits import BodyLimit
from .runtime import freeze_startup_heap, thaw_heap
from .services import Clinic, RecordRejected, utc_now
from .strict_json import StrictJson

log = logging.getLogger("alpha4.web")
STATIC = Path(__file__).resolve().parent / "static"

CSP = (
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


class SecurityHeaders:
    """Security headers on every response, and an access log line without patient data.

    The log names the route's template (``/patients/{patient_id}``), never the filled-in path or
    query, so no patient identifier reaches the log.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _ in headers}
                extra = [
                    (b"content-security-policy", CSP.encode()),
                    (b"x-content-type-options", b"nosniff"),
                    (b"x-frame-options", b"DENY"),
                    (b"referrer-policy", b"no-referrer"),
                    (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
                    (b"cross-origin-opener-policy", b"same-origin"),
                    (b"cross-origin-resource-policy", b"same-origin"),
                ]
                if not scope["path"].startswith("/static/"):
                    extra.append((b"cache-control", b"no-store"))
                if self.hsts:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                headers += [(k, v) for k, v in extra if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = scope.get("route")
            where = getattr(route, "path", None) or (
                "/static/*" if scope["path"].startswith("/static/") else "?"
            )
            log.info(
                "%s %s %s %.1f ms", scope["method"], where, status, (time.perf_counter() - started) * 1000
            )


class HeadAsGet:
    """``HEAD`` answered like ``GET`` without the body (monitoring probes use HEAD).

    FastAPI routes list GET only, so HEAD would be 405; here a HEAD request is routed as GET and
    only the response's status and headers (``content-length`` included) are sent. The access
    log still says HEAD.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return
        inner = {**scope, "method": "GET"}

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of a streamed body: nothing to send
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        try:
            await self.app(inner, receive, headers_only)
        finally:
            if "route" in inner:
                scope["route"] = inner["route"]  # for the access log


def _problem_detail(request: Request, field: str, message: str) -> list[dict[str, Any]]:
    return [{"loc": ["body", *field.split(".")], "msg": message, "type": "value_error"}]


UNREACHABLE = "The registry is not reachable; nothing was saved. Try again in a minute."
RETRY_AFTER_SECONDS = "30"


def _registry_unreachable(request: Request, exc: Exception) -> Response:
    """503 with the app's own page (JSON for the API) and a retry hint.

    The log names the error's class and the route's template only: a database error's text can
    hold SQL parameters, and those can hold patient data.
    """
    route = request.scope.get("route")
    log.error("registry unreachable: %s on %s", type(exc).__name__, getattr(route, "path", "?"))
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if request.url.path.startswith(("/api/", "/cds-services")):
        return JSONResponse({"detail": UNREACHABLE}, status_code=503, headers=headers)
    page = render(
        request, "error.html", {"title": "Registry not reachable", "message": UNREACHABLE}, status_code=503
    )
    page.headers.update(headers)
    return page


def create_app(
    settings: Settings,
    *,
    web: WebSettings | None = None,
    today: Callable[[], dt.date] | None = None,
    clock: Callable[[], dt.datetime] = utc_now,
    cds_demo: bool = False,
) -> FastAPI:
    """The application on ``settings.database_url`` (whose schema must be current).

    ``cds_demo`` lets CDS Hooks clients call without a JWT (``alpha4 serve --demo`` only).
    """
    web = web or WebSettings()
    db = Database(settings.database_url)
    require_current(db)
    zone = web.zone()
    clinic = Clinic(
        db, get_profile(web.profile), clock=clock, today=today or (lambda: dt.datetime.now(zone).date())
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        freeze_startup_heap()
        if web.warm_cache:
            threading.Thread(
                target=clinic_day.bring_to_day, args=(clinic,), name="alpha4-summaries-today", daemon=True
            ).start()
        yield
        db.dispose()
        thaw_heap()

    app = FastAPI(
        title="alpha4",
        version="1",
        summary="Natalizumab therapy management: worklist, pre-infusion gate, timeline, PML risk.",
        openapi_url="/api/v1/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.clinic = clinic
    app.state.web = web
    app.state.templates = Jinja2Templates(directory=str(TEMPLATES))
    app.state.templates.env.globals["static_version"] = "1"
    app.state.templates.env.globals["zip"] = zip
    formatting.install(app.state.templates, web)
    app.add_middleware(HeadAsGet)  # inside SecurityHeaders, which adds its headers and logs HEAD
    app.add_middleware(StrictJson)  # inside BodyLimit: the body it buffers is already bounded
    app.add_middleware(BodyLimit, max_bytes=web.max_body_bytes, max_large_bytes=web.max_bundle_body_bytes)
    app.add_middleware(SecurityHeaders, hsts=web.cookie_secure)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    app.include_router(auth.router)
    app.include_router(worklist.router)
    app.include_router(day.router)
    app.include_router(patients.router)
    app.include_router(checklist.router)
    app.include_router(entry.router)
    app.include_router(admin.router)
    app.include_router(lab_panels.router)
    app.include_router(api.router)
    app.include_router(reports.router)
    app.include_router(reports.api_router)
    mount_cds_hooks(app, clinic, demo=cds_demo)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """Pages answer in the app's own layout (404, 405 ...); the API keeps JSON."""
        if request.url.path.startswith(("/api/", "/cds-services", "/static/")):
            return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
        titles = {404: "Not found", 405: "Not allowed here", 413: "Too large"}
        message = (
            "There is no page at this address. Go back to the worklist, or find the patient by name or MRN."
            if exc.status_code == 404
            else str(exc.detail)
        )
        return render(
            request,
            "error.html",
            {"title": titles.get(exc.status_code, "Something went wrong"), "message": message},
            status_code=exc.status_code,
        )

    @app.exception_handler(NotSignedIn)
    async def _not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if exc.api:
            return JSONResponse(
                {"detail": "sign in: send 'Authorization: Bearer <token>' (POST /api/v1/token)"},
                status_code=401,
                headers={"WWW-Authenticate": "Bearer"},
            )
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(Forbidden)
    async def _forbidden(request: Request, exc: Forbidden) -> Response:
        message = f"Your role does not allow this ({exc.permission.value.replace('_', ' ')})."
        if exc.api:
            return JSONResponse({"detail": message}, status_code=403)
        return render(request, "error.html", {"title": "Not allowed", "message": message}, status_code=403)

    @app.exception_handler(CsrfFailed)
    async def _csrf(request: Request, exc: CsrfFailed) -> Response:
        message = "This form had expired or came from elsewhere. Reload the page and submit it again."
        return render(request, "error.html", {"title": "Form expired", "message": message}, status_code=403)

    @app.exception_handler(NotFound)
    async def _not_found(request: Request, exc: NotFound) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=404)
        return render(request, "error.html", {"title": "Not found", "message": str(exc)}, status_code=404)

    @app.exception_handler(ConflictError)
    async def _conflict(request: Request, exc: ConflictError) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        return render(
            request, "error.html", {"title": "Changed meanwhile", "message": str(exc)}, status_code=409
        )

    @app.exception_handler(DatabaseUnavailable)
    async def _unavailable(request: Request, exc: DatabaseUnavailable) -> Response:
        return _registry_unreachable(request, exc)

    @app.exception_handler(DBAPIError)
    async def _database_error(request: Request, exc: DBAPIError) -> Response:
        return _registry_unreachable(request, exc)

    @app.exception_handler(UnreadablePatient)
    async def _unreadable(request: Request, exc: UnreadablePatient) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": str(exc)}, status_code=409)
        message = f"{exc}. A data manager corrects the record (or re-imports it); nothing else is affected."
        return render(
            request, "error.html", {"title": "Cannot be assessed", "message": message}, status_code=409
        )

    @app.exception_handler(InvalidChange)
    async def _invalid(request: Request, exc: InvalidChange) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _problem_detail(request, "", str(exc))}, status_code=422)
        return render(request, "error.html", {"title": "Not saved", "message": str(exc)}, status_code=422)

    @app.exception_handler(RecordRejected)
    async def _rejected(request: Request, exc: RecordRejected) -> Response:
        detail = [d for p in exc.problems for d in _problem_detail(request, p.field, p.message)]
        return JSONResponse({"detail": detail}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _invalid_request(request: Request, exc: RequestValidationError) -> Response:
        errors = [{k: v for k, v in e.items() if k in ("loc", "msg", "type")} for e in exc.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": errors}, status_code=422)
        lines = "; ".join(f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in errors)
        return render(request, "error.html", {"title": "Not saved", "message": lines}, status_code=422)

    return app


def mount_cds_hooks(app: FastAPI, clinic: Clinic, *, demo: bool = False) -> None:
    """Mount the interop package's CDS Hooks services (``/cds-services``) when they are present.

    Feedback from CDS clients goes to the registry's audit log. Without ``demo`` every service
    call needs a JWT from a trusted issuer (none is configured here, so calls are refused).
    """
    try:
        from alpha4.app.cds_routes import CdsSettings, create_cds_router
    except ImportError:  # pragma: no cover - the interop package is optional
        return
    app.include_router(
        create_cds_router(CdsSettings(demo=demo, profile=clinic.profile.name), audit=RegistryAudit(clinic))
    )


class RegistryAudit:
    """CDS Hooks feedback written to the registry's audit log."""

    def __init__(self, clinic: Clinic) -> None:
        self.clinic = clinic

    def record(self, actor: str, action: str, entity: str, entity_id: str, before: Any, after: Any) -> None:
        with self.clinic.db.writing() as session:
            append_audit(
                session=session,
                at=self.clinic.clock(),
                actor=actor,
                action=action,
                entity=entity,
                entity_id=entity_id,
                before=before,
                after=after,
            )
