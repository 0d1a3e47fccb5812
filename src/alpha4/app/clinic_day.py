"""The clinic's day over the registry: the worklist page, search, bookings and the holds queue.

Every read here is SQL over the summary table (:mod:`alpha4.store.worklist`), the identity table
and the bookings, a fixed number of queries whatever the registry's size; nothing loads the
cohort. The summaries are brought to the clinic's day first (usually a no-op count).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from alpha4.store import InvalidChange
from alpha4.store.appointments import (
    Appointment,
    AppointmentSource,
    book,
    booked_between,
    bookings_of,
    cancel,
    check_time,
    move,
)
from alpha4.store.audit import AuditEntry, audit_head
from alpha4.store.identity import Identity, identity_by_id, search_identities
from alpha4.store.worklist import (
    SummaryEntry,
    WorklistPage,
    WorklistQuery,
    count_not_for_day,
    refresh_for_day,
    summaries_of,
    worklist_page,
)

from .services import Clinic

HOLDS_DAYS = 3
"""The holds queue lists patients booked from today through this many days ahead."""


def bring_to_day(clinic: Clinic) -> dict[str, str]:
    """Recompute the summaries that are not for today; returns the patients that cannot be
    assessed, with the reason.

    Checking every summary's day is a scan of the table (a quarter of a second at 100,000 patients),
    so it runs only when something may have changed since the last check: a new clinic day, or a new
    audit entry (every write to the registry, from this server or any other process, appends one and
    writes its patient's summary in the same transaction). On most requests that is one row read.
    """
    day = clinic.today()
    with clinic.db.reading() as session:
        seq, _ = audit_head(session=session)
        known = clinic.summaries_checked
        if known is not None and known[0] == day and known[1] == seq:
            return dict(known[2])
        stale = count_not_for_day(session=session, day=day)
    unassessable: dict[str, str] = {}
    if stale:
        with clinic.db.writing() as session:
            unassessable = refresh_for_day(session=session, day=day, computed_at=clinic.clock())
    with clinic.db.reading() as session:
        seq, _ = audit_head(session=session)  # the refresh itself writes no audit entry
    clinic.summaries_checked = (day, seq, dict(unassessable))
    return unassessable


def worklist(clinic: Clinic, query: WorklistQuery) -> WorklistPage:
    unassessable = bring_to_day(clinic)
    with clinic.db.reading() as session:
        page = worklist_page(session=session, profile=clinic.profile.name, day=clinic.today(), query=query)
    page.unassessable.update(unassessable)
    return page


def search(clinic: Clinic, text: str) -> list[Identity]:
    with clinic.db.reading() as session:
        return search_identities(session=session, query=text)


def identity(clinic: Clinic, patient_id: str) -> Identity | None:
    with clinic.db.reading() as session:
        return identity_by_id(session=session, patient_id=patient_id)


# --- the day's bookings ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Visit:
    """What today's checklist says so far (from the audit log): answered, cleared, infused."""

    answered: bool = False
    cleared: dict[str, dict[str, Any]] = field(default_factory=dict)
    infused: bool = False


@dataclass(frozen=True, slots=True)
class Booked:
    """One booked patient on a day list: the booking, the summary row and today's visit."""

    appointment: Appointment
    summary: SummaryEntry | None
    visit: Visit

    @property
    def infused_today(self) -> bool:
        s = self.summary
        return self.visit.infused or (s is not None and s.last_infusion == self.appointment.day)

    @property
    def open_reasons(self) -> list[str]:
        """The gate's reasons not cleared by a prescriber today."""
        if self.summary is None:
            return []
        return [r for r in self.summary.gate_reasons if r not in self.visit.cleared]

    @property
    def to_draw(self) -> list[str]:
        """What to draw at the chair: the JCV and antibody tests and labs that are due or overdue."""
        s = self.summary
        if s is None:
            return []
        wanted = {"due", "overdue", "due_soon"}
        out = []
        if s.status_jcv in wanted:
            out.append("anti-JCV antibody")
        if s.status_antibody in wanted:
            out.append("anti-natalizumab antibody")
        labs = [
            i["item"] for i in s.due_items if i["item"] in ("complete_blood_count", "liver_function_tests")
        ]
        out += [{"complete_blood_count": "CBC", "liver_function_tests": "liver panel"}[x] for x in labs]
        return out


def _visits(clinic: Clinic, patient_ids: list[str], day: dt.date) -> dict[str, Visit]:
    """Today's checklist entries of the given patients (one query on the indexed entity id)."""
    if not patient_ids:
        return {}
    keys = {f"{pid}/checklist/{day.isoformat()}": pid for pid in patient_ids}
    state: dict[str, dict[str, Any]] = {}
    with clinic.db.reading() as session:
        rows = session.execute(
            select(AuditEntry.entity_id, AuditEntry.action, AuditEntry.actor, AuditEntry.at, AuditEntry.after)
            .where(AuditEntry.entity == "checklist", AuditEntry.entity_id.in_(list(keys)))
            .order_by(AuditEntry.seq)
        )
        for entity_id, action, actor, at, after in rows:
            s = state.setdefault(keys[entity_id], {"answered": False, "cleared": {}, "infused": False})
            if action == "checklist.record":
                s["answered"] = True
            elif action == "checklist.clear" and isinstance(after, dict):
                s["cleared"][after.get("code")] = {"by": actor, "at": at, "reason": after.get("reason")}
            elif action == "checklist.close":
                s.update(answered=False, cleared={}, infused=True)
    return {pid: Visit(**s) for pid, s in state.items()}


def day_list(clinic: Clinic, first: dt.date, last: dt.date | None = None) -> list[Booked]:
    """Every booking from ``first`` to ``last`` (default: that day), in time order, with the
    patient's summary and today's visit (four queries)."""
    bring_to_day(clinic)
    last = last or first
    with clinic.db.reading() as session:
        bookings = booked_between(session=session, first=first, last=last)
        summaries = summaries_of(
            session=session,
            profile=clinic.profile.name,
            day=clinic.today(),
            pks=sorted({b.patient_pk for b in bookings}),
        )
    visits = _visits(clinic, sorted({b.patient_id for b in bookings}), clinic.today())
    return [
        Booked(
            b,
            summaries.get(b.patient_pk),
            visits.get(b.patient_id, Visit()) if b.day == clinic.today() else Visit(),
        )
        for b in bookings
    ]


def holds_queue(clinic: Clinic, days: int = HOLDS_DAYS) -> list[Booked]:
    """Held patients booked from today through ``days`` ahead, with reasons still to clear."""
    today = clinic.today()
    booked = day_list(clinic, today, today + dt.timedelta(days=days))
    seen: set[str] = set()
    out = []
    for b in booked:
        if b.summary is None or b.summary.gate != "hold" or b.infused_today or not b.open_reasons:
            continue  # not held, already infused, or every reason cleared today
        if b.appointment.patient_id in seen:
            continue  # one line per patient: the first booking
        seen.add(b.appointment.patient_id)
        out.append(b)
    return out


# --- making and moving bookings -----------------------------------------------------------------
def make_booking(
    clinic: Clinic,
    patient_id: str,
    day: dt.date,
    start_time: str,
    chair: str | None,
    *,
    actor: str,
    source: AppointmentSource = AppointmentSource.COORDINATOR,
    external_id: str | None = None,
) -> int:
    if day < clinic.today():
        raise InvalidChange("A booking is for today or a later day.")
    with clinic.db.writing() as session:
        return book(
            session=session,
            patient_id=patient_id,
            day=day,
            start_time=start_time,
            chair=chair,
            actor=actor,
            at=clinic.clock(),
            source=source,
            external_id=external_id,
        )


def move_booking(
    clinic: Clinic, pk: int, version: int, day: dt.date, start_time: str, chair: str | None, *, actor: str
) -> None:
    if day < clinic.today():
        raise InvalidChange("A booking is for today or a later day.")
    with clinic.db.writing() as session:
        move(
            session=session,
            pk=pk,
            expected_version=version,
            day=day,
            start_time=start_time,
            chair=chair,
            actor=actor,
            at=clinic.clock(),
        )


def cancel_booking(clinic: Clinic, pk: int, version: int, reason: str, *, actor: str) -> None:
    with clinic.db.writing() as session:
        cancel(
            session=session, pk=pk, expected_version=version, actor=actor, at=clinic.clock(), reason=reason
        )


def patient_bookings(clinic: Clinic, patient_id: str) -> list[Appointment]:
    with clinic.db.reading() as session:
        return bookings_of(session=session, patient_id=patient_id, since=clinic.today())


@dataclass(frozen=True, slots=True)
class ImportLine:
    line: int | str  # a CSV line number, or a FHIR entry's position (entry[3])
    message: str


def import_bookings_csv(clinic: Clinic, text: str, *, actor: str) -> tuple[int, list[ImportLine]]:
    """Book from CSV (``patient_id`` or ``mrn``, ``date``, ``time``, optional ``chair`` and ``id``).

    Each line is booked on its own (a bad line never blocks the rest) and reported by number in
    words a coordinator can act on. A line with an ``id`` updates that booking if it was
    imported before.
    """
    import csv
    import io

    reader = csv.DictReader(io.StringIO(text))
    fields = {(f or "").strip().lower() for f in reader.fieldnames or []}
    if not ({"patient_id", "mrn"} & fields and {"date", "time"} <= fields):
        return 0, [
            ImportLine(1, "The first line must name the columns: patient_id (or mrn), date, time, chair")
        ]
    booked, problems = 0, []
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items()}
        try:
            pid = row.get("patient_id") or _by_mrn(clinic, row.get("mrn", ""))
            try:
                day = dt.date.fromisoformat(row.get("date", ""))
            except ValueError:
                raise InvalidChange(
                    f"Enter the date as year-month-day, e.g. 2026-12-24 (not {row.get('date')!r})"
                ) from None
            check_time(row.get("time", ""))
            make_booking(
                clinic,
                pid,
                day,
                row.get("time", ""),
                row.get("chair"),
                actor=actor,
                source=AppointmentSource.CSV,
                external_id=f"csv:{row['id']}" if row.get("id") else None,
            )
            booked += 1
        except Exception as error:  # one bad line is reported, the rest are booked
            problems.append(ImportLine(n, _words(error)))
    return booked, problems


def import_bookings_fhir(
    clinic: Clinic, text: str, zone: zoneinfo.ZoneInfo, *, actor: str
) -> tuple[int, list[ImportLine]]:
    """Book from FHIR R4 Appointments (a Bundle or one resource), each on its own, problems by position.

    The start instant becomes the clinic's local day and time (``ALPHA4_WEB_TIME_ZONE``); a re-import
    of the same Appointment moves its booking (external id ``fhir:Appointment/<id>``).
    """
    from alpha4.domain.json_text import JsonRefused, strict_loads
    from alpha4.interop.fhir_appointments import read_appointments

    try:
        data = strict_loads(text)
    except (ValueError, JsonRefused, RecursionError) as error:
        return 0, [ImportLine(1, f"The file is not readable JSON: {error}")]
    bookings, unread = read_appointments(data, zone)
    problems = [ImportLine(p.position, p.message) for p in unread]
    booked = 0
    for b in bookings:
        try:
            pid = (
                b.patient_id
                if b.patient_id
                and _in_registry(clinic, b.patient_id)  # an EHR id may not be alpha4's: then the MRN
                else _by_mrn(clinic, b.mrn or "")
            )
            make_booking(
                clinic,
                pid,
                b.day,
                b.time,
                b.chair,
                actor=actor,
                source=AppointmentSource.FHIR,
                external_id=b.external_id,
            )
            booked += 1
        except Exception as error:  # one bad Appointment is reported, the rest are booked
            problems.append(ImportLine(b.position, _words(error)))
    return booked, problems


def _in_registry(clinic: Clinic, patient_id: str) -> bool:
    with clinic.db.reading() as session:
        return identity_by_id(session=session, patient_id=patient_id) is not None


def _by_mrn(clinic: Clinic, mrn: str) -> str:
    from alpha4.store.identity import PatientIdentityRow, fold

    if not mrn:
        raise InvalidChange("Give the patient's alpha4 id or MRN.")
    with clinic.db.reading() as session:
        found = list(
            session.execute(
                select(PatientIdentityRow.patient_id).where(PatientIdentityRow.mrn_key == fold(mrn))
            ).scalars()
        )
    if len(found) != 1:
        raise InvalidChange(
            f"No single patient has MRN {mrn!r}." if not found else f"Several patients share MRN {mrn!r}."
        )
    return str(found[0])


def _words(error: Exception) -> str:
    from alpha4.store import NotFound

    if isinstance(error, (InvalidChange, NotFound)):
        return str(error).strip("'\"")
    return "This line could not be booked; check it and import it again."


# --- the signed checklist, for the REMS file -------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Answered:
    """One step of the day's visit from the audit log: who did it, when, and what."""

    actor: str
    at: dt.datetime
    data: dict[str, Any]


@dataclass(frozen=True, slots=True)
class SignedVisit:
    day: dt.date
    answers: Answered | None
    clearances: list[Answered]
    infusion_id: str | None
    chart: Any | None


def signed_visit(clinic: Clinic, patient_id: str, day: dt.date) -> SignedVisit:
    """The day's completed visit: the screening answers the infusion went ahead on, the
    clearances, and the signed infusion record (from the audit log and the chart table)."""
    from alpha4.store.audit import entries_for
    from alpha4.store.chair import charts_of

    answers: Answered | None = None
    clearances: list[Answered] = []
    infusion_id: str | None = None
    with clinic.db.reading() as session:
        for e in entries_for(session=session, entity_id_prefix=f"{patient_id}/checklist/{day.isoformat()}"):
            after = e.after if isinstance(e.after, dict) else {}
            if infusion_id is not None:
                break  # a later visit on the same day is another record
            if e.action == "checklist.record":
                answers = Answered(e.actor, e.at, dict(after))
            elif e.action == "checklist.clear":
                clearances.append(Answered(e.actor, e.at, dict(after)))
            elif e.action == "checklist.close":
                infusion_id = str(after.get("infusion", "")) or None
        charts = charts_of(session=session, patient_id=patient_id)
    return SignedVisit(
        day, answers, clearances, infusion_id, charts.get(infusion_id) if infusion_id else None
    )
