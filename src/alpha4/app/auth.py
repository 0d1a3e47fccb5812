"""Sign-in and sign-out (pages), and bearer tokens for programs (``POST /api/v1/token``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import BaseModel

from .config import WebSettings
from .deps import (
    CSRF_COOKIE,
    SESSION_COOKIE,
    ClinicDep,
    WebDep,
    api_token,
    check_csrf,
    optional_user,
    render,
    session_token,
    set_cookie,
)
from .security import new_csrf_token
from .services import SignInLimits, SignInThrottled

router = APIRouter(include_in_schema=False)
token_router = APIRouter()

MAX_FIELD = 200


def _limits(web: WebSettings) -> SignInLimits:
    return SignInLimits(web.login_max_failures, web.login_client_max_failures, web.login_window_seconds)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _safe_next(target: str) -> str:
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, clinic: ClinicDep, web: WebDep, next: str = "/") -> Response:
    if optional_user(request, clinic, web) is not None:
        return RedirectResponse(_safe_next(next), status_code=303)
    return render(request, "login.html", {"next": _safe_next(next)})


@router.post("/login", response_class=HTMLResponse)
async def login(
    request: Request,
    clinic: ClinicDep,
    web: WebDep,
    username: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    password: Annotated[str, Form(max_length=MAX_FIELD)] = "",
    next: Annotated[str, Form(max_length=MAX_FIELD)] = "/",
) -> Response:
    await check_csrf(request)
    try:
        signed_in = (
            clinic.sign_in(username, password, client=_client(request), limits=_limits(web))
            if username.strip() and password
            else None
        )
    except SignInThrottled as throttled:
        wait = throttled.retry_after
        message = f"Too many failed sign-ins. Try again in {wait // 60 + 1} minutes."
        response = render(request, "login.html", {"error": message, "username": username}, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    if signed_in is None:
        return render(
            request,
            "login.html",
            {"error": "User name or password is not right.", "username": username, "next": _safe_next(next)},
            status_code=400,
        )
    done = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(
        done,
        web,
        SESSION_COOKIE,
        session_token(web, signed_in.username, signed_in.display_name, signed_in.epoch),
        web.session_minutes * 60,
    )
    set_cookie(done, web, CSRF_COOKIE, new_csrf_token(), None)  # a new token for the new session
    return done


@router.post("/logout")
async def logout(request: Request, clinic: ClinicDep, web: WebDep) -> Response:
    """Sign out everywhere: every session and token of the user ends (the session epoch moves on)."""
    await check_csrf(request)
    user = optional_user(request, clinic, web)
    if user is not None:
        clinic.sign_out(user.username)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=web.cookie_secure, httponly=True, samesite="strict"
    )
    response.delete_cookie(CSRF_COOKIE, path="/", secure=web.cookie_secure, httponly=True, samesite="strict")
    return response


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_in: int


@token_router.post(
    "/token",
    operation_id="createToken",
    response_model=TokenOut,
    responses={
        400: {"description": "wrong user name or password"},
        413: {"description": "the request body is larger than the limit"},
        422: {"description": "user name or password missing or too long"},
        429: {"description": "too many failures"},
        503: {"description": "the registry is not reachable (retry later)"},
    },
    tags=["auth"],
)
def create_token(
    request: Request,
    clinic: ClinicDep,
    web: WebDep,
    username: Annotated[str, Form(min_length=1, max_length=MAX_FIELD)],
    password: Annotated[str, Form(min_length=1, max_length=MAX_FIELD)],
) -> Response:
    """A bearer token for programs (OAuth2 password form); the user's roles apply to every call."""
    try:
        signed_in = clinic.sign_in(username, password, client=_client(request), limits=_limits(web))
    except SignInThrottled as throttled:
        return JSONResponse(
            {"detail": "too many failed sign-ins"},
            status_code=429,
            headers={"Retry-After": str(throttled.retry_after)},
        )
    if signed_in is None:
        return JSONResponse({"detail": "user name or password is not right"}, status_code=400)
    token = TokenOut(
        access_token=api_token(web, signed_in.username, signed_in.epoch), expires_in=web.token_minutes * 60
    )
    return JSONResponse(token.model_dump())
