"""FHIR R4 ``Appointment`` resources as infusion bookings (issue 17: bookings imported from the EHR).

An EHR's scheduling module sends a Bundle (or one resource) of Appointments. Each becomes one booking:
the patient from the ``participant`` whose actor is a Patient (by alpha4 id, ``Patient/<id>``, or by an
MRN identifier on the reference), the clinic's local day and time from ``start`` (an instant with its
offset, converted to the clinic's time zone), the chair from a ``Location`` participant's display, and
the Appointment's id as the booking's external id, so a re-import moves the booking instead of booking
twice. ``cancelled``, ``noshow`` and ``entered-in-error`` Appointments are reported, not booked.
Each resource is read on its own: a bad one is reported with its position and never blocks the rest.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass
from typing import Any

from .fhir_bundle import FhirInputError, validate_resource

NOT_BOOKED = frozenset({"cancelled", "noshow", "entered-in-error"})
"""Appointment statuses that are not a booking to keep (FHIR R4 ``AppointmentStatus``)."""
MR_TYPE = ("http://terminology.hl7.org/CodeSystem/v2-0203", "MR")


@dataclass(frozen=True, slots=True)
class FhirBooking:
    """One Appointment read as a booking (``patient_id`` or ``mrn`` names the patient)."""

    position: str  # where it was in the input: "entry[3]"
    external_id: str
    patient_id: str | None
    mrn: str | None
    day: dt.date
    time: str  # HH:MM, clinic wall-clock
    chair: str | None


@dataclass(frozen=True, slots=True)
class FhirBookingProblem:
    position: str
    message: str


def _resources(data: Any) -> list[tuple[str, Any]]:
    if isinstance(data, dict) and data.get("resourceType") == "Bundle":
        return [(f"entry[{n}]", (e or {}).get("resource")) for n, e in enumerate(data.get("entry") or [])]
    return [("resource", data)]


def _patient_of(appointment: dict[str, Any]) -> tuple[str | None, str | None]:
    for participant in appointment.get("participant") or []:
        actor = (participant or {}).get("actor") or {}
        reference = str(actor.get("reference") or "")
        ident = actor.get("identifier") or {}
        if reference.startswith("Patient/") or actor.get("type") == "Patient":
            mrn = None
            codings = ((ident.get("type") or {}).get("coding")) or []
            if any((cd.get("system"), cd.get("code")) == MR_TYPE for cd in codings) and ident.get("value"):
                mrn = str(ident["value"])
            patient_id = reference.removeprefix("Patient/").split("/")[0] or None
            return patient_id, mrn
    return None, None


def _chair_of(appointment: dict[str, Any]) -> str | None:
    for participant in appointment.get("participant") or []:
        actor = (participant or {}).get("actor") or {}
        if str(actor.get("reference") or "").startswith("Location/") or actor.get("type") == "Location":
            display = actor.get("display")
            return str(display)[:40] if display else None
    return None


def read_appointments(
    data: Any, zone: zoneinfo.ZoneInfo
) -> tuple[list[FhirBooking], list[FhirBookingProblem]]:
    """The bookings in a Bundle of Appointments (or one Appointment), and what could not be read.

    >>> z = zoneinfo.ZoneInfo("Europe/Amsterdam")
    >>> appt = {"resourceType": "Appointment", "id": "a1", "status": "booked",
    ...         "start": "2026-12-03T08:30:00Z",
    ...         "participant": [{"actor": {"reference": "Patient/GO-1"}, "status": "accepted"}]}
    >>> [(b.patient_id, b.day.isoformat(), b.time) for b in read_appointments(appt, z)[0]]
    [('GO-1', '2026-12-03', '09:30')]
    """
    bookings: list[FhirBooking] = []
    problems: list[FhirBookingProblem] = []
    for position, resource in _resources(data):
        if not isinstance(resource, dict) or resource.get("resourceType") != "Appointment":
            kind = resource.get("resourceType") if isinstance(resource, dict) else type(resource).__name__
            problems.append(FhirBookingProblem(position, f"{kind} is not an Appointment: not read"))
            continue
        try:
            validate_resource(resource, position)
        except FhirInputError as error:
            problems.append(FhirBookingProblem(position, f"not a valid FHIR R4 Appointment: {error}"))
            continue
        status = str(resource.get("status") or "")
        rid = str(resource.get("id") or "")
        if status in NOT_BOOKED:
            problems.append(FhirBookingProblem(position, f"Appointment {rid or '?'} is {status}: not booked"))
            continue
        start = resource.get("start")
        if not start:
            problems.append(FhirBookingProblem(position, f"Appointment {rid or '?'} has no start time"))
            continue
        moment = dt.datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        if moment.tzinfo is None:  # FHIR instants carry an offset; the model refused any without one
            moment = moment.replace(tzinfo=zone)
        local = moment.astimezone(zone)
        patient_id, mrn = _patient_of(resource)
        if patient_id is None and mrn is None:
            problems.append(FhirBookingProblem(position, f"Appointment {rid or '?'} names no patient"))
            continue
        if not rid:
            problems.append(
                FhirBookingProblem(position, "an Appointment without an id cannot be re-imported safely")
            )
            continue
        bookings.append(
            FhirBooking(
                position,
                f"fhir:Appointment/{rid}",
                patient_id,
                mrn,
                local.date(),
                f"{local:%H:%M}",
                _chair_of(resource),
            )
        )
    return bookings, problems
