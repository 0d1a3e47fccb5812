"""The worklist page: every patient with what is overdue, due or alarming, most urgent first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from alpha4.rules import Assessment
from alpha4.rules.worklist import WorklistRow

from .deps import ClinicDep, WebDep, render, require
from .security import CurrentUser, Permission, pseudonym

router = APIRouter(include_in_schema=False)


class Due(StrEnum):
    ANY = ""
    TODAY = "today"
    TOMORROW = "tomorrow"
    WEEK = "week"


class GateFilter(StrEnum):
    ANY = ""
    STOP = "stop"
    HOLD = "hold"
    GO = "go"


@dataclass(frozen=True, slots=True)
class Filters:
    due: Due = Due.ANY
    gate: GateFilter = GateFilter.ANY
    pml_higher: bool = False
    antibodies: bool = False
    pregnancy: bool = False
    all_patients: bool = False

    @property
    def active(self) -> bool:
        return self != Filters()


def _due_by(f: Filters, today: dt.date) -> dt.date | None:
    days = {Due.TODAY: 0, Due.TOMORROW: 1, Due.WEEK: 7}.get(f.due)
    return None if days is None else today + dt.timedelta(days=days)


def keep(row: WorklistRow, a: Assessment, f: Filters, today: dt.date) -> bool:
    """Whether a row passes the filters (each filter narrows; none: rows with something to do)."""
    if not (row.items or f.all_patients):
        return False
    if f.gate and row.gate != f.gate.value:
        return False
    if f.pml_higher and a.pml_higher_risk is not True:
        return False
    if f.antibodies and a.antibody_status != "persistent":
        return False
    if f.pregnancy and not any("PREGNANCY" in x.code or "LACTATION" in x.code for x in a.findings):
        return False
    by = _due_by(f, today)
    if by is not None:
        dues = [i.due for i in row.items if i.due is not None] + (
            [row.next_infusion] if row.next_infusion else []
        )
        if not any(d <= by for d in dues):
            return False
    return True


def filter_rows(
    rows: Iterable[WorklistRow], by_patient: dict[str, Assessment], f: Filters, today: dt.date
) -> list[WorklistRow]:
    return [r for r in rows if keep(r, by_patient[r.patient_id], f, today)]


@router.get("/", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    clinic: ClinicDep,
    web: WebDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW))],
    due: Annotated[Due, Query()] = Due.ANY,
    gate: Annotated[GateFilter, Query()] = GateFilter.ANY,
    pml: Annotated[bool, Query()] = False,
    antibodies: Annotated[bool, Query()] = False,
    pregnancy: Annotated[bool, Query()] = False,
    all: Annotated[bool, Query()] = False,
) -> Response:
    f = Filters(due, gate, pml, antibodies, pregnancy, all)
    rows, by_patient = clinic.worklist()
    today = clinic.today()
    shown = filter_rows(rows, by_patient, f, today)
    identified = user.can(Permission.VIEW_PATIENT)
    if not identified:  # an analyst: pseudonymous ids, no links to patient pages
        key = web.signing_key()
        by_patient = {pseudonym(key, pid): a for pid, a in by_patient.items()}
        indications = {pseudonym(key, pid): i for pid, i in clinic.cache.indications.items()}
        shown = [r.model_copy(update={"patient_id": pseudonym(key, r.patient_id)}) for r in shown]
    else:
        indications = clinic.cache.indications
    counts = {d: sum(1 for r in rows if r.gate == d) for d in ("stop", "hold", "go")}
    return render(
        request,
        "worklist.html",
        {
            "rows": shown,
            "total": len(rows),
            "counts": counts,
            "filters": f,
            "indications": indications,
            "by_patient": by_patient,
            "identified": identified,
            "unassessable": dict(clinic.cache.unassessable) if identified else {},
            "tomorrow": today + dt.timedelta(days=1),
        },
    )
