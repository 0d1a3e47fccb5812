"""User administration (admin role): list users, create a user with roles, change a user's roles,
deactivate and reactivate a user."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from alpha4.store import ConflictError, InvalidChange, NotFound
from alpha4.store.users import ROLE_DESCRIPTIONS, Role

from .deps import ClinicDep, render, require
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
