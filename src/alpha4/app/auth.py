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
from .security import LoginThrottle, new_csrf_token

router = APIRouter(include_in_schema=False)
token_router = APIRouter()

MAX_FIELD = 200


class Throttles:
    """Failures per user name, and (with a higher limit: a clinic may share one address) per client."""

    def __init__(self, web: WebSettings) -> None:
        self.user = LoginThrottle(web.login_max_failures, web.login_window_seconds)
        self.client = LoginThrottle(web.login_max_failures * 4, web.login_window_seconds)

    @staticmethod
    def keys(request: Request, username: str) -> tuple[str, str]:
        client = request.client.host if request.client else "unknown"
        return (f"user:{username.strip().lower()}", f"client:{client}")

    def retry_after(self, keys: tuple[str, str]) -> int:
        return max(self.user.retry_after(keys[:1]), self.client.retry_after(keys[1:]))

    def failed(self, keys: tuple[str, str]) -> None:
        self.user.failed(keys[:1])
        self.client.failed(keys[1:])

    def succeeded(self, keys: tuple[str, str]) -> None:
        self.user.succeeded(keys[0])


def _throttle(request: Request, web: WebSettings) -> Throttles:
    throttle = getattr(request.app.state, "login_throttle", None)
    if throttle is None:
        throttle = Throttles(web)
        request.app.state.login_throttle = throttle
    assert isinstance(throttle, Throttles)
    return throttle


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
    throttle = _throttle(request, web)
    keys = Throttles.keys(request, username)
    wait = throttle.retry_after(keys)
    if wait:
        message = f"Too many failed sign-ins. Try again in {wait // 60 + 1} minutes."
        response = render(request, "login.html", {"error": message, "username": username}, status_code=429)
        response.headers["Retry-After"] = str(wait)
        return response
    signed_in = clinic.sign_in(username.strip(), password) if username.strip() and password else None
    if signed_in is None:
        throttle.failed(keys)
        return render(
            request,
            "login.html",
            {"error": "User name or password is not right.", "username": username, "next": _safe_next(next)},
            status_code=400,
        )
    throttle.succeeded(keys)
    display_name, _roles = signed_in
    done = RedirectResponse(_safe_next(next), status_code=303)
    set_cookie(
        done,
        web,
        SESSION_COOKIE,
        session_token(web, username.strip(), display_name),
        web.session_minutes * 60,
    )
    set_cookie(done, web, CSRF_COOKIE, new_csrf_token(), None)  # a new token for the new session
    return done


@router.post("/logout")
async def logout(request: Request, web: WebDep) -> Response:
    await check_csrf(request)
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
        429: {"description": "too many failures"},
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
    throttle = _throttle(request, web)
    keys = Throttles.keys(request, username)
    wait = throttle.retry_after(keys)
    if wait:
        return JSONResponse(
            {"detail": "too many failed sign-ins"}, status_code=429, headers={"Retry-After": str(wait)}
        )
    signed_in = clinic.sign_in(username.strip(), password)
    if signed_in is None:
        throttle.failed(keys)
        return JSONResponse({"detail": "user name or password is not right"}, status_code=400)
    throttle.succeeded(keys)
    token = TokenOut(access_token=api_token(web, username.strip()), expires_in=web.token_minutes * 60)
    return JSONResponse(token.model_dump())
