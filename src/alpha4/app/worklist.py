"""The worklist page: patients with what is overdue, due or alarming, most urgent first, a page
at a time; sortable, searchable, exportable as CSV. SQL over the summary table (no cohort load)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from alpha4.store.worklist import Sort, WorklistPage, WorklistQuery

from . import clinic_day
from .deps import ClinicDep, WebDep, render, require
from .formatting import code_title, format_date
from .security import CurrentUser, Permission, pseudonym

router = APIRouter(include_in_schema=False)
EXPORT_LIMIT = 10_000
"""Most rows a CSV export holds (a registry's whole worklist, not a page)."""


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
    q: str = ""
    sort: Sort = Sort.URGENCY
    desc: bool = False

    @property
    def active(self) -> bool:
        return self != Filters()

    def query(self, today: dt.date, page: int, size: int) -> WorklistQuery:
        days = {Due.TODAY: 0, Due.TOMORROW: 1, Due.WEEK: 7}.get(self.due)
        return WorklistQuery(
            due_by=None if days is None else today + dt.timedelta(days=days),
            gate=self.gate.value or None,
            pml_higher=self.pml_higher,
            antibodies=self.antibodies,
            pregnancy=self.pregnancy,
            all_patients=self.all_patients,
            search=self.q.strip(),
            sort=self.sort,
            descending=self.desc,
            page=page,
            page_size=size,
        )

    def link(self, **changes: object) -> str:
        """The worklist's URL with these filters, some changed (page links, sort links)."""
        from urllib.parse import urlencode

        values = {
            "due": self.due.value,
            "gate": self.gate.value,
            "pml": "true" if self.pml_higher else "",
            "antibodies": "true" if self.antibodies else "",
            "pregnancy": "true" if self.pregnancy else "",
            "all": "true" if self.all_patients else "",
            "q": self.q,
            "sort": self.sort.value if self.sort is not Sort.URGENCY else "",
            "desc": "true" if self.desc else "",
        }
        values.update({k: str(v) for k, v in changes.items()})
        return "/?" + urlencode({k: v for k, v in values.items() if v})

    def sort_link(self, sort: str) -> str:
        chosen = Sort(sort)
        desc = not self.desc if chosen is self.sort else False
        return self.link(sort=chosen.value if chosen is not Sort.URGENCY else "", desc="true" if desc else "")


def _filters(
    due: Annotated[Due, Query()] = Due.ANY,
    gate: Annotated[GateFilter, Query()] = GateFilter.ANY,
    pml: Annotated[bool, Query()] = False,
    antibodies: Annotated[bool, Query()] = False,
    pregnancy: Annotated[bool, Query()] = False,
    all: Annotated[bool, Query()] = False,
    q: Annotated[str, Query(max_length=100)] = "",
    sort: Annotated[Sort, Query()] = Sort.URGENCY,
    desc: Annotated[bool, Query()] = False,
) -> Filters:
    return Filters(due, gate, pml, antibodies, pregnancy, all, q, sort, desc)


FiltersDep = Annotated[Filters, Depends(_filters)]


@router.get("/", response_class=HTMLResponse)
def worklist_page(
    request: Request,
    clinic: ClinicDep,
    web: WebDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW))],
    f: FiltersDep,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
) -> Response:
    identified = user.can(Permission.VIEW_PATIENT)
    if not identified:
        f = Filters(f.due, f.gate, f.pml_higher, f.antibodies, f.pregnancy, f.all_patients)  # no search
    today = clinic.today()
    result = clinic_day.worklist(clinic, f.query(today, page, web.page_size))
    names = {e.patient_id: e.patient_id for e in result.entries}
    if not identified:  # an analyst: pseudonymous ids, no names, no links to patient pages
        key = web.signing_key()
        names = {e.patient_id: pseudonym(key, e.patient_id) for e in result.entries}
    return render(
        request,
        "worklist.html",
        {
            "result": result,
            "rows": result.entries,
            "shown_id": names,
            "total": result.total,
            "counts": {g: result.counts.get(g, 0) for g in ("stop", "hold", "go")},
            "filters": f,
            "identified": identified,
            "unassessable": result.unassessable if identified else {},
            "tomorrow": today + dt.timedelta(days=1),
        },
    )


CSV_COLUMNS = (
    "patient_id",
    "family_name",
    "given_name",
    "mrn",
    "birth_date",
    "gate",
    "gate_reasons",
    "indication",
    "next_infusion",
    "pml_risk_per_1000",
    "to_do",
)


def export_rows(result: WorklistPage, style: str) -> str:
    """The worklist's rows as CSV text (titles, not codes, in the reasons and items)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for e in result.entries:
        ident = e.identity
        writer.writerow(
            [
                e.patient_id,
                ident.family_name if ident else "",
                ident.given_name if ident else "",
                ident.mrn if ident else "",
                format_date(ident.birth_date, style) if ident else "",
                e.gate,
                "; ".join(code_title(c) for c in e.gate_reasons),
                e.indication,
                format_date(e.next_infusion, style) if e.next_infusion else "",
                "" if e.pml_risk_per_1000 is None else f"{e.pml_risk_per_1000:g}",
                "; ".join(i.get("title") or str(i.get("item", "")).replace("_", " ") for i in e.items),
            ]
        )
    return out.getvalue()


@router.get("/worklist.csv")
def worklist_csv(
    clinic: ClinicDep,
    web: WebDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_BOOKINGS))],
    f: FiltersDep,
) -> Response:
    """What the worklist shows with these filters (every page), for a coordinator's spreadsheet."""
    result = clinic_day.worklist(clinic, f.query(clinic.today(), 1, EXPORT_LIMIT))
    name = f"worklist-{clinic.today().isoformat()}.csv"
    return Response(
        export_rows(result, web.date_format),
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
