"""Who may do what, and how the app knows who is asking.

* The role matrix (:data:`ROLE_PERMISSIONS`): every route names one :class:`Permission`; a user's
  permissions are the union over their roles. It is enforced on the server for every route and a
  test walks the whole matrix.
* Signed tokens (HMAC-SHA256 over a small JSON body) for the session cookie and for API bearer
  tokens; the roles are read from the registry on each request, so a change of role takes effect
  at once.
* CSRF: a random token in an http-only, same-site cookie that every form must echo.
* Sign-in throttling: too many failures for one user name or one client inside the window are
  refused with 429 before the password is even checked.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from enum import StrEnum

from alpha4.store.users import Role


class Permission(StrEnum):
    VIEW = "view"  # the worklist and patient list (de-identified without VIEW_PATIENT)
    VIEW_PATIENT = "view_patient"  # one identified patient: page, records, history, PML sheet, assessment
    RUN_CHECKLIST = "run_checklist"  # answer the pre-infusion screening questions
    RECORD_INFUSION = "record_infusion"  # record the infusion, observation and reaction
    CLEAR_HOLD = "clear_hold"  # a prescriber's clearance of a hold, with a reason
    ENTER_RESULTS = "enter_results"  # labs, JCV, antibodies, drug levels, MRI reports, weight
    ENTER_CLINICAL = "enter_clinical"  # relapses, EDSS, Crohn's scores, adverse events, pregnancy, medicines
    ENTER_AUTHORIZATION = "enter_authorization"  # enrollment, authorization, reassessment, discontinuation
    MANAGE_USERS = "manage_users"
    VIEW_REPORTS = "view_reports"  # cohort aggregates (Reports section), no patient rows
    MANAGE_BOOKINGS = "manage_bookings"  # make, move, cancel and import infusion bookings


ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.PRESCRIBER: frozenset(
        {
            Permission.VIEW,
            Permission.VIEW_PATIENT,
            Permission.RUN_CHECKLIST,
            Permission.RECORD_INFUSION,
            Permission.CLEAR_HOLD,
            Permission.ENTER_RESULTS,
            Permission.ENTER_CLINICAL,
            Permission.ENTER_AUTHORIZATION,
            Permission.VIEW_REPORTS,
            Permission.MANAGE_BOOKINGS,
        }
    ),
    Role.NURSE: frozenset(
        {
            Permission.VIEW,
            Permission.VIEW_PATIENT,
            Permission.RUN_CHECKLIST,
            Permission.RECORD_INFUSION,
            Permission.ENTER_RESULTS,
            Permission.ENTER_CLINICAL,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            Permission.VIEW,
            Permission.VIEW_PATIENT,
            Permission.ENTER_RESULTS,
            Permission.ENTER_AUTHORIZATION,
            Permission.VIEW_REPORTS,
            Permission.MANAGE_BOOKINGS,
        }
    ),
    Role.ANALYST: frozenset(
        {Permission.VIEW, Permission.VIEW_REPORTS}
    ),  # de-identified: pseudonyms, age bands and aggregate reports; no patient pages
    Role.ADMIN: frozenset({Permission.VIEW, Permission.VIEW_PATIENT, Permission.MANAGE_USERS}),
}


def pseudonym(key: bytes, patient_id: str) -> str:
    """A stable pseudonymous id for de-identified views (HMAC of the id under the app's key).

    >>> pseudonym(b"k" * 32, "GO-1") == pseudonym(b"k" * 32, "GO-1") != pseudonym(b"k" * 32, "GO-2")
    True
    """
    return "anon-" + hmac.new(key, patient_id.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def age_band(years: int) -> str:
    """Ten-year age band (90 and over together, as HIPAA Safe Harbor asks).

    >>> age_band(37), age_band(40), age_band(93)
    ('30-39', '40-49', '90+')
    """
    if years >= 90:
        return "90+"
    low = years // 10 * 10
    return f"{low}-{low + 9}"


def permissions_of(roles: frozenset[Role] | set[Role]) -> frozenset[Permission]:
    """The union of the roles' permissions.

    >>> sorted(permissions_of({Role.ANALYST}))
    [<Permission.VIEW: 'view'>, <Permission.VIEW_REPORTS: 'view_reports'>]
    >>> Permission.CLEAR_HOLD in permissions_of({Role.NURSE})
    False
    """
    out: set[Permission] = set()
    for r in roles:
        out |= ROLE_PERMISSIONS[r]
    return frozenset(out)


@dataclass(frozen=True, slots=True)
class CurrentUser:
    username: str
    display_name: str
    roles: frozenset[Role]
    via_token: bool = False

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def role_names(self) -> str:
        return ", ".join(sorted(r.value for r in self.roles))


# --- signed tokens ------------------------------------------------------------------------------
def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(payload: dict[str, object], key: bytes) -> str:
    """``body.signature``; the body is JSON, the signature HMAC-SHA256 with ``key``.

    >>> t = sign({"u": "nurse1", "exp": 2_000_000_000, "typ": "session"}, b"k" * 32)
    >>> unsign(t, b"k" * 32, "session", now=1_900_000_000)["u"]
    'nurse1'
    >>> unsign(t, b"other-key" * 4, "session", now=1_900_000_000) is None
    True
    """
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode("utf-8"))
    mac = hmac.new(key, body.encode("ascii"), hashlib.sha256).digest()
    return f"{body}.{_b64(mac)}"


def unsign(token: str, key: bytes, typ: str, *, now: float | None = None) -> dict[str, object] | None:
    """The payload of a valid, unexpired token of type ``typ``; None for anything else."""
    body, _, mac = token.partition(".")
    if not body or not mac:
        return None
    expected = _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())
    if not hmac.compare_digest(expected, mac):
        return None
    try:
        payload = json.loads(_unb64(body))
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(payload, dict) or payload.get("typ") != typ:
        return None
    exp = payload.get("exp")
    if not isinstance(exp, int | float) or exp < (time.time() if now is None else now):
        return None
    return payload


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def csrf_matches(cookie: str | None, submitted: str | None) -> bool:
    return bool(cookie) and bool(submitted) and hmac.compare_digest(str(cookie), str(submitted))
