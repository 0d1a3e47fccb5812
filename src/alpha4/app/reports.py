"""The Reports section (pages and REST): cohort aggregates for analysts, never a patient row.

Pages are server-rendered tables with inline SVG plots (no script), each filterable by date
range, indication, site and profile; ``/reports/safety.pdf`` is the printable safety report;
``/api/v1/reports/<name>`` answers the same report as JSON. Every route needs
:attr:`Permission.VIEW_REPORTS`. Small cells are suppressed at the registry's threshold, which a
web user cannot lower. Before a report is read, the summaries that expired are recomputed (they
are derived data, like a cache; the first report of a day may take longer on a large registry
unless ``alpha4 report refresh`` runs nightly).
"""

from __future__ import annotations

import datetime as dt
import io
from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from markupsafe import Markup
from pydantic import BaseModel

from alpha4.store.report_stats import Method
from alpha4.store.reports import REPORTS, Report, ReportFilter, run_report, sites
from alpha4.store.summary import count_stale, refresh_stale

from .api import ERRORS as API_ERRORS
from .deps import ClinicDep, render, require
from .report_charts import bars_svg, forest_svg
from .security import CurrentUser, Permission
from .services import Clinic

router = APIRouter(include_in_schema=False)
api_router = APIRouter(prefix="/api/v1/reports", tags=["reports"])
Viewer = Annotated[CurrentUser, Depends(require(Permission.VIEW_REPORTS))]


class IndicationFilter(StrEnum):
    ANY = ""
    MULTIPLE_SCLEROSIS = "multiple_sclerosis"
    CROHNS_DISEASE = "crohns_disease"


class ProfileFilter(StrEnum):
    US = "us"
    EU = "eu"


class IntervalFilter(StrEnum):
    CLOPPER_PEARSON = "clopper-pearson"
    WILSON = "wilson"


class ReportOut(BaseModel):
    """A report as JSON: aggregate rows only (a suppressed cell is null and named in ``suppressed``)."""

    report: str
    title: str
    as_of: dt.date | None
    filters: dict[str, str | None]
    columns: list[dict[str, str]]
    rows: list[dict[str, Any]]
    suppressed_cells: int
    notes: list[str]
    sources: list[str]


class BadFilter(BaseModel):
    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    **API_ERRORS,  # every status the API can answer (the body limit, the registry down ...)
    401: {"model": BadFilter, "description": "no valid bearer token"},
    403: {"model": BadFilter, "description": "the user's roles do not allow reports"},
    422: {"model": BadFilter, "description": "a filter is not valid (e.g. the range ends before it starts)"},
}


def fresh(clinic: Clinic) -> None:
    """Recompute the summaries that expired before today's reports read them."""
    today = clinic.today()
    with clinic.db.reading() as session:
        stale = count_stale(session=session, as_of=today)
    if stale:
        with clinic.db.writing() as session:
            refresh_stale(session=session, as_of=today, computed_at=clinic.clock())


def _day(text: str | None, name: str) -> dt.date | None:
    """A filter date; an empty field (the form sends ``from=``) means no bound."""
    if text is None or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ValueError(f"{name}: {text!r} is not a date (YYYY-MM-DD)") from None


FromQuery = Annotated[
    str | None, Query(alias="from", max_length=10, description="start of the period (YYYY-MM-DD)")
]
ToQuery = Annotated[
    str | None, Query(alias="to", max_length=10, description="end of the period (YYYY-MM-DD)")
]
SiteQuery = Annotated[str | None, Query(max_length=200)]


def report_filter(
    date_from: FromQuery = None,
    date_to: ToQuery = None,
    indication: IndicationFilter = IndicationFilter.ANY,
    site: SiteQuery = None,
    profile: ProfileFilter = ProfileFilter.US,
    interval: IntervalFilter = IntervalFilter.CLOPPER_PEARSON,
) -> ReportFilter | str:
    """The filters every report route takes; a message (answered 422) when they do not make sense."""
    try:
        return ReportFilter(
            profile=profile.value,
            disease=indication.value or None,
            site=site.strip() if site and site.strip() else None,
            date_from=_day(date_from, "from"),
            date_to=_day(date_to, "to"),
            method=Method(interval.value),
        )
    except ValueError as error:
        return str(error)


Filter = Annotated[ReportFilter | str, Depends(report_filter)]


def plot(report: Report) -> Markup:
    """The report's plot: a forest plot of estimates, or bars of counts."""
    rows = list(report.rows)
    if report.name in ("safety", "interruptions"):
        return forest_svg(report.title, rows, ("indication", "measure"))
    if report.name == "pml":
        return forest_svg(report.title, rows, ("risk_group", "exposure_band"), percent=False)
    if report.name == "effectiveness":
        shown = [r for r in rows if r.get("unit") == "proportion of patients judged"]
        return forest_svg("Effectiveness: proportions with 95% intervals", shown, ("indication", "measure"))
    if report.name == "rems":
        return bars_svg("Patients overdue, by item", [r["item"] for r in rows], [r["overdue"] for r in rows])
    if report.name == "discontinuations":
        return bars_svg(
            "Discontinuations by reason",
            [str(r["reason"] or "suppressed") for r in rows],
            [r["patients"] for r in rows],
        )
    months: dict[str, int | None] = {}
    for r in rows:
        before = months.get(r["month"], 0)
        months[r["month"]] = None if r["infusions"] is None or before is None else before + r["infusions"]
    return bars_svg("Infusions per month", list(months), list(months.values()))


def _page(request: Request, clinic: Clinic, name: str, f: ReportFilter) -> Response:
    fresh(clinic)
    with clinic.db.reading() as session:
        report = run_report(session, name, f)
        choices = sites(session, f.profile)
    return render(
        request,
        "report.html",
        {"report": report, "plot": plot(report), "reports": REPORTS, "sites": choices, "f": f},
    )


@router.get("/reports", response_class=HTMLResponse)
def reports_index(request: Request, clinic: ClinicDep, user: Viewer) -> Response:
    fresh(clinic)
    with clinic.db.reading() as session:
        safety = run_report(session, "safety", ReportFilter(profile=clinic.profile.name))
    return render(request, "reports.html", {"reports": REPORTS, "report": safety, "plot": plot(safety)})


@router.get("/reports/safety.pdf")
def safety_pdf_download(clinic: ClinicDep, user: Viewer, f: Filter) -> Response:
    from .report_pdf import safety_pdf

    if isinstance(f, str):
        return JSONResponse({"detail": f}, status_code=422)
    fresh(clinic)
    with clinic.db.reading() as session:
        reports = [run_report(session, n, f) for n in ("safety", "pml", "effectiveness")]
    buffer = io.BytesIO()
    safety_pdf(reports, buffer, generated=clinic.today())
    return Response(
        buffer.getvalue(),
        media_type="application/pdf",
        headers={"content-disposition": 'attachment; filename="alpha4-safety-report.pdf"'},
    )


def _add_routes(name: str) -> None:
    spec = REPORTS[name]

    def page(request: Request, clinic: ClinicDep, user: Viewer, f: Filter) -> Response:
        if isinstance(f, str):
            return render(request, "error.html", {"title": "Filter not valid", "message": f}, status_code=422)
        return _page(request, clinic, name, f)

    def api(clinic: ClinicDep, user: Viewer, f: Filter) -> Any:
        if isinstance(f, str):
            return JSONResponse({"detail": f}, status_code=422)
        fresh(clinic)
        with clinic.db.reading() as session:
            return ReportOut.model_validate(run_report(session, name, f).to_json())

    page.__name__ = f"report_page_{name}"
    api.__name__ = f"report_api_{name}"
    api.__doc__ = f"{spec.title} report: {spec.description}. Aggregates only; small cells suppressed."
    router.add_api_route(f"/reports/{name}", page, methods=["GET"], response_class=HTMLResponse)
    api_router.add_api_route(
        f"/{name}",
        api,
        methods=["GET"],
        response_model=ReportOut,
        responses=ERRORS,
        operation_id=f"get{name.capitalize()}Report",
        summary=f"{spec.title} report",
    )


for _name in REPORTS:
    _add_routes(_name)


@api_router.get(
    "",
    operation_id="listReports",
    response_model=list[dict[str, str]],
    responses=ERRORS,
    summary="The reports there are",
)
def list_reports(user: Viewer) -> list[dict[str, str]]:
    """Every report's name, title and what it counts, with its path."""
    return [
        {"name": s.name, "title": s.title, "description": s.description, "path": f"/api/v1/reports/{s.name}"}
        for s in REPORTS.values()
    ]
