"""The role matrix, walked over every route of the app: each role gets in exactly where it may."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from alpha4.app.security import ROLE_PERMISSIONS, Permission, permissions_of
from alpha4.store.users import Role

from .conftest import bearer, csrf_of, sign_in

PUBLIC = {("GET", "/login"), ("POST", "/login"), ("POST", "/logout"), ("POST", "/api/v1/token")}
CDS_PREFIX = "/cds-services"  # CDS Hooks: JWT from a trusted EHR, not user roles (interop)


def route_permission(route: APIRoute) -> Permission | None:
    found = [
        d.call.permission  # type: ignore[union-attr]
        for d in route.dependant.dependencies
        if d.call is not None and hasattr(d.call, "permission")
    ]
    assert len(found) <= 1, route.path
    return found[0] if found else None


def all_routes(routes: list[Any], prefix: str = "") -> Iterator[tuple[str, APIRoute]]:
    """Every endpoint with its full path (FastAPI keeps included routers as wrappers)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield prefix + route.path, route
        elif (inner := getattr(route, "original_router", None)) is not None:
            context = getattr(route, "include_context", None)
            yield from all_routes(inner.routes, prefix + (getattr(context, "prefix", "") or ""))


def guarded_routes(app: FastAPI) -> list[tuple[str, str, Permission]]:
    out = []
    for path, route in all_routes(app.routes):
        if path.startswith(CDS_PREFIX):
            continue
        for method in sorted(route.methods):
            if (method, path) in PUBLIC:
                continue
            permission = route_permission(route)
            assert permission is not None, f"{method} {path} names no permission"
            out.append((method, path, permission))
    return out


def fill(path: str) -> str:
    values = {"patient_id": "GO-1", "record_id": "GO-1-inf-1", "kind": "labs", "booking": "1"}
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)


def test_every_route_names_a_permission(app: FastAPI) -> None:
    routes = guarded_routes(app)
    assert len(routes) > 60
    assert {p for _, _, p in routes} == set(Permission)


def test_the_matrix_as_documented() -> None:
    assert permissions_of({Role.ANALYST}) == {Permission.VIEW, Permission.VIEW_REPORTS}
    assert Permission.VIEW_REPORTS not in ROLE_PERMISSIONS[Role.NURSE]
    assert Permission.CLEAR_HOLD in ROLE_PERMISSIONS[Role.PRESCRIBER]
    assert Permission.CLEAR_HOLD not in ROLE_PERMISSIONS[Role.NURSE]
    assert Permission.RECORD_INFUSION in ROLE_PERMISSIONS[Role.NURSE]
    assert Permission.RECORD_INFUSION not in ROLE_PERMISSIONS[Role.COORDINATOR]
    assert all(Permission.VIEW in perms for perms in ROLE_PERMISSIONS.values())
    assert not any(
        p in ROLE_PERMISSIONS[Role.ADMIN]
        for p in (Permission.RECORD_INFUSION, Permission.ENTER_RESULTS, Permission.CLEAR_HOLD)
    )


def test_signed_out_requests_are_refused_everywhere(client: TestClient, app: FastAPI) -> None:
    for method, path, _ in guarded_routes(app):
        r = client.request(method, fill(path))
        if path.startswith("/api/"):
            assert r.status_code == 401, (method, path, r.status_code)
        else:
            assert r.status_code == 303 and r.headers["location"] == "/login", (method, path, r.status_code)


@pytest.mark.parametrize("role", list(Role), ids=lambda r: r.value)
def test_each_role_reaches_exactly_its_routes(client: TestClient, app: FastAPI, role: Role) -> None:
    allowed = permissions_of({role})
    headers = bearer(client, role)
    sign_in(client, role)
    token = csrf_of(client, "/")
    for method, path, permission in guarded_routes(app):
        url = fill(path)
        if path.startswith("/api/"):
            r = client.request(method, url, headers=headers, json={} if method != "GET" else None)
        elif method == "GET":
            r = client.get(url)
        else:
            r = client.post(url, data={"csrf_token": token})
        if permission in allowed:
            assert r.status_code != 403, (role, method, path, r.text[:300])
            assert r.status_code < 500, (role, method, path, r.text[:300])
        else:
            assert r.status_code == 403, (role, method, path, r.status_code)
