"""Administration (admin role): list users with their last sign-in, create a user with roles, change
a user's roles, deactivate and reactivate a user, reset a colleague's password; read the audit log
by user, patient and date, and verify its hash chain (with an anchor written down elsewhere)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from alpha4.store import ConflictError, InvalidChange, NotFound
from alpha4.store.audit import AuditFilter
from alpha4.store.users import ROLE_DESCRIPTIONS, Role

from .admin_services import PAGE_SIZE, audit_entries, day_bounds, reset_password, verify_chain
from .deps import ClinicDep, WebDep, render, require
from .security import ROLE_PERMISSIONS, CurrentUser, Permission
from .services import Clinic

router = APIRouter(include_in_schema=False)


def _page(request: Request, clinic: Clinic, status_code: int = 200, **extra: object) -> Response:
    return render(
        request,
        "users.html",
        {
            "roles": ROLE_DESCRIPTIONS,
            "matrix": ROLE_PERMISSIONS,
            "permissions": list(Permission),
            "users": clinic.users(),
            **extra,
        },
        status_code=status_code,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    return _page(request, clinic)


def _username(form: FormData) -> str:
    return str(form.get("username", "")).strip()[:128]


@router.post("/admin/users/deactivate", response_class=HTMLResponse)
async def deactivate_user_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    username = _username(await request.form())
    if not username:
        return _page(request, clinic, 422, deactivate_error="say which user to deactivate")
    try:
        clinic.deactivate_user(username, actor=user.username)
    except (InvalidChange, NotFound) as error:
        return _page(request, clinic, 422, deactivate_error=str(error))
    return _page(request, clinic, deactivated=username)


@router.post("/admin/users/reactivate", response_class=HTMLResponse)
async def reactivate_user_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    username = _username(await request.form())
    try:
        clinic.reactivate_user(username, actor=user.username)
    except NotFound as error:
        return _page(request, clinic, 422, deactivate_error=str(error))
    return _page(request, clinic, reactivated=username)


@router.post("/admin/users/roles", response_class=HTMLResponse)
async def set_roles_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    form = await request.form()
    username = _username(form)
    try:
        roles = [Role(str(r)) for r in form.getlist("roles")]
        clinic.set_roles(username, roles, actor=user.username)
    except ValueError as error:  # not a role; InvalidChange (no role, last admin, oneself) is one too
        return _page(request, clinic, 422, roles_error=f"{username}: {error}")
    except NotFound as error:
        return _page(request, clinic, 422, roles_error=str(error))
    return _page(request, clinic, roles_changed=username)


@router.post("/admin/users", response_class=HTMLResponse)
async def create_user_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    form = await request.form()
    username = _username(form)
    display_name = str(form.get("display_name", "")).strip()[:200]
    password = str(form.get("password", ""))[:200]
    wanted = [str(r) for r in form.getlist("roles")]
    errors: dict[str, str] = {}
    roles: list[Role] = []
    for r in wanted:
        try:
            roles.append(Role(r))
        except ValueError:
            errors["roles"] = f"{r!r} is not a role"
    if not roles and "roles" not in errors:
        errors["roles"] = "choose at least one role"
    if not username:
        errors["username"] = "a user needs a user name"
    if len(password) < 12:
        errors["password"] = "at least 12 characters"
    if not errors:
        try:
            clinic.create_user(username, password, roles, display_name or None, actor=user.username)
        except (ConflictError, InvalidChange) as error:
            errors["username"] = str(error)
    if errors:
        values = {"username": username, "display_name": display_name, "roles": wanted}
        return _page(request, clinic, 422, errors=errors, values=values)
    return _page(request, clinic, created=username)


@router.post("/admin/users/password", response_class=HTMLResponse)
async def reset_password_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    """An admin sets a colleague's new password (typed twice); their sessions and tokens end."""
    form = await request.form()
    username = _username(form)
    password = str(form.get("password", ""))[:200]
    if password != str(form.get("password_again", ""))[:200]:
        return _page(
            request, clinic, 422, password_error=f"{username}: the two passwords differ; type them again"
        )
    try:
        reset_password(clinic, username, password, actor=user.username)
    except (InvalidChange, NotFound, ValueError) as error:  # ValueError: too short
        return _page(request, clinic, 422, password_error=f"{username}: {error}")
    return _page(request, clinic, password_reset=username)


def _day(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    clinic: ClinicDep,
    web: WebDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
    actor: Annotated[str | None, Query(max_length=200)] = None,
    patient: Annotated[str | None, Query(max_length=128)] = None,
    since: Annotated[str | None, Query(alias="from", max_length=10)] = None,
    until: Annotated[str | None, Query(alias="to", max_length=10)] = None,
    before: Annotated[int | None, Query(ge=1)] = None,
) -> Response:
    """The audit log, newest first, filtered by user, patient and date (the clinic's days)."""
    start_day, end_day = _day(since), _day(until)
    start, end = day_bounds(start_day, end_day, web.zone())  # the clinic's calendar days
    where = AuditFilter(actor or None, (patient or "").strip() or None, start, end, before)
    entries = audit_entries(clinic, where)
    query = {"actor": actor or "", "patient": patient or "", "from": since or "", "to": until or ""}
    older = None
    if len(entries) == PAGE_SIZE:
        older = "/admin/audit?" + urlencode(
            {**{k: v for k, v in query.items() if v}, "before": entries[-1].seq}
        )
    bad_dates = [
        name for name, text, day in (("from", since, start_day), ("to", until, end_day)) if text and not day
    ]
    return render(
        request,
        "audit.html",
        {"entries": entries, "query": query, "older": older, "bad_dates": bad_dates},
        status_code=422 if bad_dates else 200,
    )


@router.post("/admin/audit/verify", response_class=HTMLResponse)
async def verify_audit_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    """Recompute the chain; optionally check an anchor (``seq:hash``) written down earlier."""
    text = str((await request.form()).get("anchor", "")).strip()[:100]
    anchor = None
    if text:
        seq_text, _, digest = text.partition(":")
        if not (seq_text.isdigit() and len(digest) == 64):
            return render(
                request,
                "audit.html",
                {"entries": [], "query": {}, "anchor_error": "write the anchor as SEQ:HASH, e.g. 1234:9f2c…"},
                status_code=422,
            )
        anchor = (int(seq_text), digest.lower())
    return render(request, "audit.html", {"entries": [], "query": {}, "check": verify_chain(clinic, anchor)})
