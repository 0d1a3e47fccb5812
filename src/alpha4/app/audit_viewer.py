"""The audit viewer for admins: entries filtered by user, patient and day, and the chain verified.

Read-only: the audit log is append-only and hash-chained; this page lists a page of it (newest
first) and, on request, recomputes every hash to say whether the chain holds.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select

from alpha4.store import verify_audit_chain
from alpha4.store.audit import AuditEntry

from .deps import ClinicDep, render, require
from .security import CurrentUser, Permission

router = APIRouter(include_in_schema=False)
PAGE = 100


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_USERS))],
    actor: Annotated[str, Query(max_length=128)] = "",
    patient: Annotated[str, Query(max_length=128)] = "",
    day: Annotated[str, Query(max_length=10)] = "",
    verify: Annotated[bool, Query()] = False,
) -> Response:
    query = select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(PAGE)
    problems: dict[str, str] = {}
    if actor.strip():
        query = query.where(AuditEntry.actor == actor.strip())
    if patient.strip():
        pid = patient.strip()
        query = query.where(
            (AuditEntry.entity_id == pid) | AuditEntry.entity_id.startswith(pid + "/", autoescape=True)
        )
    if day.strip():
        try:
            start = dt.datetime.combine(dt.date.fromisoformat(day.strip()), dt.time(), clinic_zone(request))
        except ValueError:
            problems["day"] = "Enter the day as year-month-day, e.g. 2026-12-02."
        else:
            query = query.where(AuditEntry.at >= start, AuditEntry.at < start + dt.timedelta(days=1))
    with clinic.db.reading() as session:
        entries = list(session.execute(query).scalars()) if not problems else []
        chain = verify_audit_chain(session=session) if verify else None
    return render(
        request,
        "audit.html",
        {
            "entries": entries,
            "filters": {"actor": actor, "patient": patient, "day": day},
            "problems": problems,
            "verified": verify,
            "chain_break": chain,
        },
    )


def clinic_zone(request: Request) -> dt.tzinfo:
    return request.app.state.web.zone()  # type: ignore[no-any-return]
