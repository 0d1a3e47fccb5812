"""Administration beyond roles: last sign-in, a colleague's password reset, the audit viewer and its
chain check (issue 17, item 15)."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient

from alpha4.store.users import Role

from .conftest import PASSWORD, USERS, csrf_of

Client = Callable[[Role], TestClient]
NEW_PASSWORD = "a new and long enough password"


def _row(page: str, username: str) -> str:
    found = re.search(rf"<tr>\s*<td>{username}</td>(.*?)</tr>", page, re.S)
    assert found, username
    return found.group(1)


def test_the_users_page_shows_each_users_last_sign_in(signed_in: Client) -> None:
    signed_in(Role.NURSE)
    page = signed_in(Role.ADMIN).get("/admin/users").text
    assert "Last sign-in" in page
    assert re.search(r"<td>\d{4}-\d{2}-\d{2} \d{2}:\d{2} [A-Z+0-9-]+</td>", _row(page, USERS[Role.NURSE]))
    assert "<td>never</td>" in _row(page, USERS[Role.PRESCRIBER])


def _sign_in(client: TestClient, username: str, password: str) -> int:
    client.cookies.clear()
    token = csrf_of(client)
    return client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    ).status_code


def test_an_admin_resets_a_colleagues_password_and_their_sessions_end(
    signed_in: Client, client: TestClient
) -> None:
    nurse_cookies = dict(signed_in(Role.NURSE).cookies)
    admin = signed_in(Role.ADMIN)
    token = csrf_of(admin, "/admin/users")
    form = {"csrf_token": token, "username": USERS[Role.NURSE], "password": NEW_PASSWORD}
    r = admin.post("/admin/users/password", data={**form, "password_again": NEW_PASSWORD + "x"})
    assert r.status_code == 422 and "the two passwords differ" in r.text
    r = admin.post("/admin/users/password", data={**form, "password": "short", "password_again": "short"})
    assert r.status_code == 422 and "at least 12 characters" in r.text
    mine = {**form, "username": USERS[Role.ADMIN], "password_again": NEW_PASSWORD}
    r = admin.post("/admin/users/password", data=mine)
    assert r.status_code == 422 and "alpha4 user set-password" in r.text
    r = admin.post("/admin/users/password", data={**form, "password_again": NEW_PASSWORD})
    assert r.status_code == 200 and f"New password set for {USERS[Role.NURSE]}" in r.text
    # the nurse's open session ends at once; the old password no longer works, the new one does
    client.cookies.clear()
    client.cookies.update(nurse_cookies)
    assert client.get("/").status_code in (303, 401)
    assert _sign_in(client, USERS[Role.NURSE], PASSWORD) == 400  # "not right"
    assert _sign_in(client, USERS[Role.NURSE], NEW_PASSWORD) == 303


def test_the_audit_log_filters_by_user_patient_and_date(signed_in: Client) -> None:
    nurse = signed_in(Role.NURSE)
    nurse.get("/")
    admin = signed_in(Role.ADMIN)
    page = admin.get("/admin/audit").text
    assert "session sign in" in page
    by_user = admin.get(f"/admin/audit?actor={USERS[Role.NURSE]}").text
    actors = set(re.findall(r"</td><td>([^<]+)</td>\s*<td>[a-z ]+</td>", by_user))
    assert actors == {USERS[Role.NURSE]}
    by_patient = admin.get("/admin/audit?patient=GO-1").text
    whats = re.findall(r"<small>\w+</small> ([^<]+)</td>", by_patient)
    assert whats and all(w == "GO-1" or w.startswith("GO-1/") for w in whats)
    assert admin.get("/admin/audit?from=2000-01-01&to=2000-01-02").text.count("No entry matches") == 1
    r = admin.get("/admin/audit?from=yesterday")
    assert r.status_code == 422 and "Enter from as a date, e.g. 2026-12-01" in r.text
    assert signed_in(Role.NURSE).get("/admin/audit").status_code == 403


def test_the_audit_chain_is_verified_from_the_page_with_an_anchor(signed_in: Client) -> None:
    admin = signed_in(Role.ADMIN)
    token = csrf_of(admin, "/admin/audit")
    r = admin.post("/admin/audit/verify", data={"csrf_token": token})
    assert r.status_code == 200 and "Chain intact" in r.text
    head = re.search(r"Head: <code>(\d+):([0-9a-f]{64})</code>", r.text)
    assert head
    anchor = f"{head.group(1)}:{head.group(2)}"
    r = admin.post("/admin/audit/verify", data={"csrf_token": token, "anchor": anchor})
    assert "Chain intact" in r.text and "the anchor matches" in r.text
    wrong = f"{head.group(1)}:{'0' * 64}"
    r = admin.post("/admin/audit/verify", data={"csrf_token": token, "anchor": wrong})
    assert "Chain broken" in r.text and f"entry {head.group(1)} no longer has the anchored hash" in r.text
    r = admin.post("/admin/audit/verify", data={"csrf_token": token, "anchor": "not an anchor"})
    assert r.status_code == 422 and "SEQ:HASH" in r.text
