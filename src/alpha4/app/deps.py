"""Typed dependencies shared by the routes: the clinic, the signed-in user, permissions, CSRF, rendering."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from alpha4.domain import Patient
from alpha4.rules import Assessment
from alpha4.store import NotFound, UnreadablePatient

from .banner import Banner, banner
from .config import WebSettings
from .security import CurrentUser, Permission, csrf_matches, new_csrf_token, sign, unsign
from .services import Clinic

SESSION_COOKIE = "alpha4_session"
CSRF_COOKIE = "alpha4_csrf"
CSRF_FIELD = "csrf_token"
TEMPLATES = Path(__file__).resolve().parent / "templates"


class NotSignedIn(Exception):
    """No valid session or token: pages redirect to the sign-in page, the API answers 401."""

    def __init__(self, api: bool) -> None:
        self.api = api


class Forbidden(Exception):
    """Signed in, but the role does not allow this; always 403."""

    def __init__(self, permission: Permission, api: bool) -> None:
        self.permission = permission
        self.api = api


class CsrfFailed(Exception):
    """A form came without the token its page carried."""


def get_clinic(request: Request) -> Clinic:
    clinic: Clinic = request.app.state.clinic
    return clinic


def get_web(request: Request) -> WebSettings:
    web: WebSettings = request.app.state.web
    return web


def get_templates(request: Request) -> Jinja2Templates:
    templates: Jinja2Templates = request.app.state.templates
    return templates


ClinicDep = Annotated[Clinic, Depends(get_clinic)]
WebDep = Annotated[WebSettings, Depends(get_web)]


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def session_token(web: WebSettings, username: str, display_name: str, epoch: int) -> str:
    """A signed session cookie; ``epoch`` is the user's session epoch when it was issued."""
    return sign(
        {
            "typ": "session",
            "u": username,
            "n": display_name,
            "e": epoch,
            "exp": int(time.time()) + web.session_minutes * 60,
        },
        web.signing_key(),
    )


def api_token(web: WebSettings, username: str, epoch: int) -> str:
    return sign(
        {"typ": "api", "u": username, "e": epoch, "exp": int(time.time()) + web.token_minutes * 60},
        web.signing_key(),
    )


def _current(clinic: Clinic, payload: dict[str, object], *, via_token: bool) -> CurrentUser | None:
    """The signed-in user if the token's session epoch is still theirs (one query per request):
    a sign-out, a password change, a role change or a deactivation since it was issued ends it."""
    name = str(payload["u"])
    roles, epoch = clinic.session_of(name)
    if not roles or payload.get("e") != epoch:
        return None
    return CurrentUser(name, str(payload.get("n", name)), roles, via_token=via_token)


def _identify(request: Request, clinic: Clinic, web: WebSettings) -> CurrentUser | None:
    cached = request.scope.get("alpha4.user", False)
    if cached is None or isinstance(cached, CurrentUser):
        return cached
    user: CurrentUser | None = None
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        payload = unsign(auth[7:].strip(), web.signing_key(), "api")
        if payload is not None:
            user = _current(clinic, payload, via_token=True)
    elif (cookie := request.cookies.get(SESSION_COOKIE)) is not None:
        payload = unsign(cookie, web.signing_key(), "session")
        if payload is not None:
            user = _current(clinic, payload, via_token=False)
    request.scope["alpha4.user"] = user
    return user


def optional_user(request: Request, clinic: ClinicDep, web: WebDep) -> CurrentUser | None:
    return _identify(request, clinic, web)


def require(permission: Permission) -> Callable[..., Awaitable[CurrentUser]]:
    """A dependency admitting only users whose roles grant ``permission``.

    Unsafe methods also need the CSRF token when the user came by cookie (forms), and a bearer
    token on the API. The returned function carries ``permission`` so the role-matrix test can
    read every route's requirement.
    """

    async def dependency(request: Request, clinic: ClinicDep, web: WebDep) -> CurrentUser:
        api = is_api(request)
        user = _identify(request, clinic, web)
        if user is None:
            raise NotSignedIn(api)
        if request.method not in ("GET", "HEAD", "OPTIONS"):
            if api and not user.via_token:
                raise NotSignedIn(api)  # the API writes only for bearer tokens (no CSRF by cookie)
            if not user.via_token:
                await check_csrf(request)
        if not user.can(permission):
            raise Forbidden(permission, api)
        return user

    dependency.permission = permission  # type: ignore[attr-defined]
    return dependency


async def check_csrf(request: Request) -> None:
    form = await request.form()
    submitted = form.get(CSRF_FIELD)
    if not csrf_matches(request.cookies.get(CSRF_COOKIE), submitted if isinstance(submitted, str) else None):
        raise CsrfFailed()


def csrf_token(request: Request) -> str:
    """The page's CSRF token (the cookie's, or a new one the response will set)."""
    token = request.cookies.get(CSRF_COOKIE) or request.scope.get("alpha4.new_csrf")
    if not token:
        token = new_csrf_token()
        request.scope["alpha4.new_csrf"] = token
    return str(token)


def set_cookie(response: Any, web: WebSettings, name: str, value: str, max_age: int | None) -> None:
    response.set_cookie(
        name, value, max_age=max_age, path="/", secure=web.cookie_secure, httponly=True, samesite="strict"
    )


def _banner_of(clinic: Clinic, ctx: dict[str, Any]) -> Banner | None:
    """The patient banner of a page about one patient (None on other pages, or for a user who may
    not see patients): from the page's own patient and assessment when it has them."""
    user = ctx["user"]
    if not isinstance(user, CurrentUser) or not user.can(Permission.VIEW_PATIENT):
        return None
    patient = ctx.get("p")
    if not isinstance(patient, Patient):
        patient_id = ctx.get("patient_id")
        if not isinstance(patient_id, str):
            return None
        try:
            patient = clinic.patient(patient_id)
        except (NotFound, UnreadablePatient):
            return None
    a = ctx.get("a")
    if not isinstance(a, Assessment):
        a = clinic.assessment(patient, clinic.visit(patient.id))
    return banner(patient, a)


def render(
    request: Request, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
) -> HTMLResponse:
    """A page from ``templates/``, with the user, the CSRF token and today's date in its context."""
    templates = get_templates(request)
    clinic = get_clinic(request)
    ctx = {
        "user": request.scope.get("alpha4.user"),
        "csrf": csrf_token(request),
        "today": clinic.today(),
        "profile": clinic.profile.name,
        "Permission": Permission,
        **(context or {}),
    }
    if "banner" not in ctx and ctx["user"] is not None:
        ctx["banner"] = _banner_of(clinic, ctx)
    response = templates.TemplateResponse(request, name, ctx, status_code=status_code)
    new = request.scope.get("alpha4.new_csrf")
    if new:
        set_cookie(response, get_web(request), CSRF_COOKIE, str(new), None)
    return response
