"""The clinic's day: Today and Tomorrow (booked patients in time order), the holds queue,
search, and bookings (made, moved, cancelled and imported by coordinators)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from alpha4.store import ConflictError, InvalidChange, NotFound

from . import clinic_day
from .deps import ClinicDep, WebDep, render, require
from .security import CurrentUser, Permission

router = APIRouter(include_in_schema=False)
PatientId = Annotated[str, Path(min_length=1, max_length=128)]
MAX_CSV_BYTES = 512 * 1024


def _day_page(request: Request, clinic: ClinicDep, day: dt.date, which: str) -> Response:
    booked = clinic_day.day_list(clinic, day)
    counts = {
        "booked": len(booked),
        "infused": sum(1 for b in booked if b.infused_today),
        "blocked": sum(1 for b in booked if b.summary and b.summary.gate in ("hold", "stop")),
    }
    return render(request, "day.html", {"day": day, "which": which, "booked": booked, "counts": counts})


@router.get("/today", response_class=HTMLResponse)
def today_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    """Today's booked patients in time order: gate, what to draw at the chair, what blocks them."""
    return _day_page(request, clinic, clinic.today(), "today")


@router.get("/tomorrow", response_class=HTMLResponse)
def tomorrow_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    """Tomorrow's list, so a coordinator can act a day ahead (order a test, ask for a clearance)."""
    return _day_page(request, clinic, clinic.today() + dt.timedelta(days=1), "tomorrow")


@router.get("/holds", response_class=HTMLResponse)
def holds_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    """Held patients booked in the next days, each reason with one click to the clearance form."""
    queue = clinic_day.holds_queue(clinic)
    return render(request, "holds.html", {"queue": queue, "days": clinic_day.HOLDS_DAYS})


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
    q: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """Patients whose name, MRN or alpha4 id starts with the words typed (one indexed query);
    a single match opens the patient's page."""
    found = clinic_day.search(clinic, q) if q.strip() else []
    if len(found) == 1 and request.query_params.get("open", "1") != "0":
        return RedirectResponse(f"/patients/{found[0].patient_id}", status_code=303)
    return render(request, "search.html", {"q": q, "found": found, "search_text": q})


# --- bookings ---------------------------------------------------------------------------------------
def _bookings_page(
    request: Request, clinic: ClinicDep, patient_id: str, status_code: int = 200, **extra: object
) -> Response:
    clinic.patient(patient_id)  # 404 for an unknown patient
    return render(
        request,
        "bookings.html",
        {
            "patient_id": patient_id,
            "bookings": clinic_day.patient_bookings(clinic, patient_id),
            "values": {},
            "errors": {},
            **extra,
        },
        status_code=status_code,
    )


@router.get("/patients/{patient_id}/bookings", response_class=HTMLResponse)
def bookings_page(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.VIEW_PATIENT))],
) -> Response:
    return _bookings_page(request, clinic, patient_id)


def _day_of(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidChange("Choose the day of the infusion.") from None


@router.post("/patients/{patient_id}/bookings", response_class=HTMLResponse)
def make_booking(
    request: Request,
    clinic: ClinicDep,
    patient_id: PatientId,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_BOOKINGS))],
    day: Annotated[str, Form(max_length=100)] = "",
    time: Annotated[str, Form(max_length=100)] = "",
    chair: Annotated[str, Form(max_length=40)] = "",
    booking: Annotated[str, Form(max_length=20)] = "",
    version: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Book (or, with ``booking`` and ``version``, move) an infusion; a problem is shown next to
    its field with everything typed kept."""
    values = {"day": day, "time": time, "chair": chair}
    errors: dict[str, str] = {}
    try:
        when = _day_of(day)
    except InvalidChange as error:
        errors["day"] = str(error)
    try:
        from alpha4.store.appointments import check_time

        check_time(time)
    except InvalidChange as error:
        errors["time"] = str(error)
    if not errors:
        try:
            if booking:
                clinic_day.move_booking(
                    clinic, int(booking), int(version or 0), when, time, chair, actor=user.username
                )
            else:
                clinic_day.make_booking(clinic, patient_id, when, time, chair, actor=user.username)
        except (InvalidChange, ConflictError, ValueError) as error:
            errors["day"] = (
                str(error) if not isinstance(error, ValueError) else "Reload the page and try again."
            )
    if errors:
        target = f"move-{booking}" if booking else "new"
        return _bookings_page(request, clinic, patient_id, 422, values=values, errors=errors, form_of=target)
    return RedirectResponse(f"/patients/{patient_id}/bookings?saved=1", status_code=303)


@router.post("/bookings/{booking}/cancel", response_class=HTMLResponse)
def cancel_booking(
    request: Request,
    clinic: ClinicDep,
    booking: Annotated[int, Path(ge=1)],
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_BOOKINGS))],
    patient_id: Annotated[str, Form(max_length=128)] = "",
    version: Annotated[int, Form(ge=1)] = 1,
    reason: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    clinic_day.cancel_booking(clinic, booking, version, reason.strip() or "cancelled", actor=user.username)
    if not patient_id:
        raise NotFound("no patient given")
    return RedirectResponse(f"/patients/{patient_id}/bookings?saved=1", status_code=303)


@router.get("/bookings/import", response_class=HTMLResponse)
def import_page(
    request: Request,
    clinic: ClinicDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_BOOKINGS))],
) -> Response:
    return render(request, "bookings_import.html", {"result": None})


@router.post("/bookings/import", response_class=HTMLResponse)
async def import_bookings(
    request: Request,
    clinic: ClinicDep,
    web: WebDep,
    user: Annotated[CurrentUser, Depends(require(Permission.MANAGE_BOOKINGS))],
) -> Response:
    """Book from a CSV file, or a FHIR R4 Bundle of Appointments (JSON), or pasted text: each line or
    Appointment on its own, problems by line number or entry."""
    form = await request.form()
    upload = form.get("file")
    text = ""
    if isinstance(upload, UploadFile) or hasattr(upload, "read"):
        raw = await upload.read(MAX_CSV_BYTES + 1)  # type: ignore[union-attr]
        if len(raw) > MAX_CSV_BYTES:
            return render(
                request,
                "bookings_import.html",
                {"result": None, "error": "The file is larger than 512 KB: split it and import the parts."},
                status_code=413,
            )
        text = raw.decode("utf-8-sig", errors="replace")
    if not text.strip():
        text = str(form.get("text", ""))
    if text.lstrip().startswith("{"):  # JSON: FHIR Appointments from the EHR's scheduling module
        booked, problems = clinic_day.import_bookings_fhir(clinic, text, web.zone(), actor=user.username)
    else:
        booked, problems = clinic_day.import_bookings_csv(clinic, text, actor=user.username)
    return render(
        request,
        "bookings_import.html",
        {"result": {"booked": booked, "problems": problems}, "text": text if problems else ""},
        status_code=200 if not problems else 422,
    )
