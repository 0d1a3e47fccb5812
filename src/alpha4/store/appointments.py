"""Infusion bookings: which patient sits in which chair, on which day, at what time.

Times are the clinic's wall-clock times (a day and ``HH:MM`` in the clinic's time zone): a
booking is made and read in the clinic's own time, so a change of the server's zone or of summer
time never moves it. Every booking, move and cancellation is audited (``entity='appointment'``,
``entity_id='<patient>/appointment/<n>'``) and carries a version: a coordinator moving a booking
names the version they read, so two coordinators never overwrite each other's move.

A booking imported from an EHR keeps the EHR's id (``external_id``): importing the same file or
FHIR ``Appointment`` again updates that booking instead of booking the patient twice.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from .audit import append_audit
from .base import Base, UtcDateTime
from .errors import ConflictError, InvalidChange, NotFound

BigId = BigInteger().with_variant(Integer(), "sqlite")
TIME = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9]$")


class AppointmentStatus(StrEnum):
    BOOKED = "booked"
    CANCELLED = "cancelled"


class AppointmentSource(StrEnum):
    COORDINATOR = "coordinator"
    CSV = "csv"
    FHIR = "fhir"


class AppointmentRow(Base):
    __tablename__ = "appointment"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    patient_pk: Mapped[int] = mapped_column(BigId, ForeignKey("patient.pk"), nullable=False)
    day: Mapped[dt.date] = mapped_column(Date, nullable=False)
    start_time: Mapped[str] = mapped_column(String(5), nullable=False)
    chair: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16), nullable=False)
    source: Mapped[str] = mapped_column(String(16), nullable=False)
    external_id: Mapped[str | None] = mapped_column(String(200), unique=True)
    note: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)
    updated_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    updated_by: Mapped[str] = mapped_column(String(200), nullable=False)


_A = AppointmentRow
Index("ix_appointment_day_start_time", _A.day, _A.start_time)
Index("ix_appointment_patient_pk_day", _A.patient_pk, _A.day)


@dataclass(frozen=True, slots=True)
class Appointment:
    pk: int
    patient_pk: int
    patient_id: str
    day: dt.date
    start_time: str
    chair: str | None
    status: AppointmentStatus
    source: AppointmentSource
    version: int
    note: str | None = None


def check_time(value: str) -> str:
    """A wall-clock time as ``HH:MM`` (24-hour); the nurse-worded error otherwise."""
    text = value.strip()
    if len(text) == 4 and text[1] == ":":
        text = "0" + text
    if not TIME.match(text):
        raise InvalidChange(f"Enter the time as hours and minutes, e.g. 09:30 (not {value.strip()!r})")
    return text


def _pk_of(session: Session, patient_id: str) -> int:
    from .timeline import PatientRow  # the timeline module imports this layer's siblings: late

    pk = session.execute(select(PatientRow.pk).where(PatientRow.patient_id == patient_id)).scalar()
    if pk is None:
        raise NotFound(f"no patient {patient_id!r} in the registry")
    return int(pk)


def _entity(patient_id: str, pk: int) -> str:
    return f"{patient_id}/appointment/{pk}"


def _audit_view(row: AppointmentRow) -> dict[str, Any]:
    return {
        "day": row.day.isoformat(),
        "time": row.start_time,
        "chair": row.chair,
        "status": row.status,
        "version": row.version,
    }


def book(
    *,
    session: Session,
    patient_id: str,
    day: dt.date,
    start_time: str,
    chair: str | None,
    actor: str,
    at: dt.datetime,
    source: AppointmentSource = AppointmentSource.COORDINATOR,
    external_id: str | None = None,
    note: str | None = None,
) -> int:
    """Book the patient (audited); with ``external_id`` an existing booking of that id is
    updated instead (an import read twice books nobody twice). Returns the booking's key."""
    pk = _pk_of(session, patient_id)
    time = check_time(start_time)
    chair = (chair or "").strip() or None
    if external_id:
        existing = session.execute(select(_A).where(_A.external_id == external_id)).scalar()
        if existing is not None:
            if existing.patient_pk != pk:
                raise InvalidChange(f"booking {external_id!r} belongs to another patient")
            if (existing.day, existing.start_time, existing.chair, existing.status) != (
                day,
                time,
                chair,
                AppointmentStatus.BOOKED.value,
            ):
                _change(session, existing, patient_id, day, time, chair, actor, at, "imported again")
            return existing.pk
    row = AppointmentRow(
        patient_pk=pk,
        day=day,
        start_time=time,
        chair=chair,
        status=AppointmentStatus.BOOKED.value,
        source=source.value,
        external_id=external_id or None,
        note=note,
        version=1,
        created_at=at,
        created_by=actor,
        updated_at=at,
        updated_by=actor,
    )
    session.add(row)
    session.flush()
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="appointment.book",
        entity="appointment",
        entity_id=_entity(patient_id, row.pk),
        after={**_audit_view(row), "source": source.value},
    )
    return row.pk


def _change(
    session: Session,
    row: AppointmentRow,
    patient_id: str,
    day: dt.date,
    time: str,
    chair: str | None,
    actor: str,
    at: dt.datetime,
    reason: str,
    status: AppointmentStatus = AppointmentStatus.BOOKED,
) -> None:
    before = _audit_view(row)
    done = session.execute(
        update(_A)
        .where(_A.pk == row.pk, _A.version == row.version)
        .values(
            day=day,
            start_time=time,
            chair=chair,
            status=status.value,
            version=row.version + 1,
            updated_at=at,
            updated_by=actor,
        )
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise ConflictError("this booking was changed by someone else meanwhile; reload it")
    session.refresh(row)
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="appointment.cancel" if status is AppointmentStatus.CANCELLED else "appointment.move",
        entity="appointment",
        entity_id=_entity(patient_id, row.pk),
        before=before,
        after={**_audit_view(row), "reason": reason},
    )


def _current(session: Session, pk: int, expected_version: int) -> tuple[AppointmentRow, str]:
    from .timeline import PatientRow

    found = session.execute(
        select(_A, PatientRow.patient_id).join(PatientRow, PatientRow.pk == _A.patient_pk).where(_A.pk == pk)
    ).first()
    if found is None:
        raise NotFound(f"no booking {pk}")
    row, patient_id = found
    if row.version != expected_version:
        raise ConflictError("this booking was changed by someone else meanwhile; reload it")
    return row, str(patient_id)


def move(
    *,
    session: Session,
    pk: int,
    expected_version: int,
    day: dt.date,
    start_time: str,
    chair: str | None,
    actor: str,
    at: dt.datetime,
    reason: str = "",
) -> None:
    """Move a booking to another day, time or chair (audited, versioned)."""
    row, patient_id = _current(session, pk, expected_version)
    _change(
        session,
        row,
        patient_id,
        day,
        check_time(start_time),
        (chair or "").strip() or None,
        actor,
        at,
        reason,
    )


def cancel(
    *, session: Session, pk: int, expected_version: int, actor: str, at: dt.datetime, reason: str
) -> None:
    row, patient_id = _current(session, pk, expected_version)
    _change(
        session,
        row,
        patient_id,
        row.day,
        row.start_time,
        row.chair,
        actor,
        at,
        reason,
        AppointmentStatus.CANCELLED,
    )


def _appointment(row: Any) -> Appointment:
    return Appointment(
        pk=row.pk,
        patient_pk=row.patient_pk,
        patient_id=row.patient_id,
        day=row.day,
        start_time=row.start_time,
        chair=row.chair,
        status=AppointmentStatus(row.status),
        source=AppointmentSource(row.source),
        version=row.version,
        note=row.note,
    )


def _columns() -> tuple[Any, ...]:
    from .timeline import PatientRow

    return (
        _A.pk,
        _A.patient_pk,
        PatientRow.patient_id,
        _A.day,
        _A.start_time,
        _A.chair,
        _A.status,
        _A.source,
        _A.version,
        _A.note,
    )


def booked_between(*, session: Session, first: dt.date, last: dt.date) -> list[Appointment]:
    """Every booking (not cancelled) from ``first`` to ``last`` inclusive, in day and time order."""
    from .timeline import PatientRow

    rows = session.execute(
        select(*_columns())
        .join(PatientRow, PatientRow.pk == _A.patient_pk)
        .where(_A.day >= first, _A.day <= last, _A.status == AppointmentStatus.BOOKED.value)
        .order_by(_A.day, _A.start_time, _A.chair, _A.pk)
    )
    return [_appointment(r) for r in rows]


def bookings_of(*, session: Session, patient_id: str, since: dt.date) -> list[Appointment]:
    """The patient's bookings from ``since`` on (cancelled ones included), in date order."""
    from .timeline import PatientRow

    rows = session.execute(
        select(*_columns())
        .join(PatientRow, PatientRow.pk == _A.patient_pk)
        .where(PatientRow.patient_id == patient_id, _A.day >= since)
        .order_by(_A.day, _A.start_time, _A.pk)
    )
    return [_appointment(r) for r in rows]


def next_bookings(*, session: Session, pks: Sequence[int], since: dt.date) -> dict[int, Appointment]:
    """Each given patient's next booking from ``since`` on (one query)."""
    if not pks:
        return {}
    from .timeline import PatientRow

    rows = session.execute(
        select(*_columns())
        .join(PatientRow, PatientRow.pk == _A.patient_pk)
        .where(_A.patient_pk.in_(list(pks)), _A.day >= since, _A.status == AppointmentStatus.BOOKED.value)
        .order_by(_A.day.desc(), _A.start_time.desc())
    )
    return {r.patient_pk: _appointment(r) for r in rows}  # the earliest is written last
