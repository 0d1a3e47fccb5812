"""User administration (admin role): create a user with roles."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from alpha4.store import ConflictError, InvalidChange
from alpha4.store.users import ROLE_DESCRIPTIONS, Role

from .deps import ClinicDep, render, require
from .security import ROLE_PERMISSIONS, CurrentUser, Permission

router = APIRouter(include_in_schema=False)


def _page(request: Request, status_code: int = 200, **extra: object) -> Response:
    return render(
        request,
        "users.html",
        {"roles": ROLE_DESCRIPTIONS, "matrix": ROLE_PERMISSIONS, "permissions": list(Permission), **extra},
        status_code=status_code,
    )


@router.get("/admin/users", response_class=HTMLResponse)
def users_page(
    request: Request, user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))]
) -> Response:
    return _page(request)


@router.post("/admin/users", response_class=HTMLResponse)
async def create_user_form(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
) -> Response:
    form = await request.form()
    username = str(form.get("username", "")).strip()[:128]
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
        return _page(request, 422, errors=errors, values=values)
    return _page(request, created=username)
