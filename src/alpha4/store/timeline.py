"""The patient timeline in the registry: one versioned row per record, never updated in place.

Every part of a :class:`~alpha4.domain.Patient` is a row of ``timeline_record``: the demographics
(kind ``patient``), each record of each timeline list (kind = the list's name, e.g. ``infusions``)
and the discontinuation. A row holds the record as pydantic dumps it (``payload``) plus the typed
columns queries need. A correction writes version n+1 and marks version n not current; a deletion
is a retraction: a new version carrying the reason, left out of the timeline. Old versions stay.

Writers name the version they read (optimistic locking): when it is no longer current the change is
refused with :class:`~alpha4.store.errors.ConflictError` instead of overwriting someone else's edit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, get_origin

from pydantic import BaseModel, ValidationError
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from alpha4.domain import Discontinuation, Event, Medication, Patient
from alpha4.domain.validation import Problem, check_patient, record_change_problems

from .audit import append_audit
from .base import Base, UtcDateTime
from .errors import (
    ConflictError,
    InvalidChange,
    InvalidRecord,
    NotFound,
    UnreadablePatient,
    validation_reason,
)
from .summary import refresh_written

# BIGINT on PostgreSQL; INTEGER on SQLite, where only INTEGER PRIMARY KEY autoincrements.
BigId = BigInteger().with_variant(Integer(), "sqlite")

KIND_PATIENT = "patient"
SINGLE_KINDS: tuple[str, ...] = ("discontinuation",)
LIST_KINDS: tuple[str, ...] = tuple(
    name for name, field in Patient.model_fields.items() if get_origin(field.annotation) is tuple
)
KINDS: tuple[str, ...] = (KIND_PATIENT, *LIST_KINDS, *SINGLE_KINDS)
DEMOGRAPHIC_FIELDS: tuple[str, ...] = tuple(
    name for name in Patient.model_fields if name not in LIST_KINDS and name not in SINGLE_KINDS
)
IDENTITY_FIELDS: tuple[str, ...] = ("family_name", "given_name", "mrn")
"""Optional identity fields: left out of the stored payload while empty, so a registry written
before they existed reads the same and re-importing an unchanged file stays a no-op."""


def demographics_payload(data: Mapping[str, Any]) -> dict[str, Any]:
    """The ``patient`` row's payload from a patient's JSON form (identity fields only when given)."""
    return {k: data[k] for k in DEMOGRAPHIC_FIELDS if not (k in IDENTITY_FIELDS and data.get(k) is None)}


class PatientRow(Base):
    __tablename__ = "patient"

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    patient_id: Mapped[str] = mapped_column(String(128), nullable=False, unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    created_by: Mapped[str] = mapped_column(String(200), nullable=False)


class TimelineRecordRow(Base):
    __tablename__ = "timeline_record"
    __table_args__ = (
        UniqueConstraint("patient_pk", "kind", "record_id", "version", name="uq_timeline_record_version"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    pk: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    patient_pk: Mapped[int] = mapped_column(ForeignKey("patient.pk"), nullable=False)
    kind: Mapped[str] = mapped_column(String(32), nullable=False)
    record_id: Mapped[str] = mapped_column(String(128), nullable=False)
    version: Mapped[int] = mapped_column(Integer, nullable=False)
    date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False)
    is_current: Mapped[bool] = mapped_column(Boolean, nullable=False)
    retraction_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    recorded_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    recorded_by: Mapped[str] = mapped_column(String(200), nullable=False)


Index(
    "uq_timeline_record_one_current",
    TimelineRecordRow.patient_pk,
    TimelineRecordRow.kind,
    TimelineRecordRow.record_id,
    unique=True,
    sqlite_where=text("is_current"),
    postgresql_where=text("is_current"),
)
Index("ix_timeline_record_kind_date", TimelineRecordRow.kind, TimelineRecordRow.date)  # counts by month


# --- a patient as rows ---------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Part:
    """One row's worth of a patient: which kind, which record, its date and its JSON payload."""

    kind: str
    record_id: str
    date: dt.date | None
    payload: dict[str, Any]


def _record_date(record: BaseModel) -> dt.date | None:
    if isinstance(record, Event):
        return record.date
    if isinstance(record, Medication):
        return record.start
    return None


def patient_parts(patient: Patient) -> list[Part]:
    """The patient split into rows: the demographics first, then every record in timeline order."""
    data = patient.model_dump(mode="json")
    parts = [Part(KIND_PATIENT, patient.id, None, demographics_payload(data))]
    for kind in LIST_KINDS:
        for record, payload in zip(getattr(patient, kind), data[kind], strict=True):
            parts.append(Part(kind, record.id, _record_date(record), payload))
    for kind in SINGLE_KINDS:
        record = getattr(patient, kind)
        if record is not None:
            parts.append(Part(kind, record.id, _record_date(record), data[kind]))
    return parts


def assemble_patient(rows: Iterable[tuple[str, dict[str, Any]]]) -> Patient:
    """Rebuild (and validate) a patient from ``(kind, payload)`` rows in timeline order."""
    data: dict[str, Any] = {kind: [] for kind in LIST_KINDS}
    for kind, payload in rows:
        if kind == KIND_PATIENT:
            data.update(payload)
        elif kind in SINGLE_KINDS:
            data[kind] = payload
        else:
            data[kind].append(payload)
    return Patient.model_validate(data)


def assemble_patient_json(rows: Iterable[tuple[str, str]]) -> Patient:
    """Rebuild (and validate) a patient from ``(kind, payload JSON text)`` rows in timeline order.

    The same patient as :func:`assemble_patient`, fully validated, but the stored JSON texts are
    spliced into one document and parsed by pydantic itself (``model_validate_json``), which skips
    decoding every payload into Python dicts first (about a third of the cohort's load time).
    """
    demographics = ""
    lists: dict[str, list[str]] = {kind: [] for kind in LIST_KINDS}
    singles: list[str] = []
    for kind, payload in rows:
        if kind == KIND_PATIENT:
            demographics = payload.strip()[1:-1].strip()  # the object's members, without its braces
        elif kind in SINGLE_KINDS:
            singles.append(f'"{kind}":{payload}')
        else:
            lists[kind].append(payload)
    members = [demographics] if demographics else []
    members += [f'"{kind}":[{",".join(texts)}]' for kind, texts in lists.items()]
    return Patient.model_validate_json("{" + ",".join([*members, *singles]) + "}")


def record_model(kind: str) -> type[BaseModel]:
    """The record class of a timeline kind, e.g. ``infusions`` -> ``Infusion`` (not ``patient``)."""
    if kind == "discontinuation":
        return Discontinuation
    if kind in LIST_KINDS:
        model: type[BaseModel] = Patient.model_fields[kind].annotation.__args__[0]  # type: ignore[union-attr]
        return model
    raise InvalidChange(f"{kind!r} is not a kind of timeline record (one of: {', '.join(KINDS[1:])})")


def record_kind(record: BaseModel) -> str:
    """The timeline list (or single field) a record belongs to, e.g. ``Infusion`` -> ``infusions``."""
    if isinstance(record, Discontinuation):
        return "discontinuation"
    for kind in LIST_KINDS:
        args = getattr(Patient.model_fields[kind].annotation, "__args__", ())
        if args and isinstance(record, args[0]):
            return kind
    raise InvalidChange(f"{type(record).__name__} is not a timeline record")


def patient_digest(patient: Patient) -> str:
    """SHA-256 of the patient's canonical JSON: what the audit log records for a whole import."""
    text = json.dumps(patient.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _entity_id(patient_id: str, kind: str, record_id: str) -> str:
    return f"{patient_id}/{kind}/{record_id}"


# --- reading ---------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class StoredRecord:
    """One version of one record as the registry holds it."""

    pk: int
    kind: str
    record_id: str
    version: int
    payload: dict[str, Any]
    is_current: bool
    retraction_reason: str | None
    recorded_at: dt.datetime
    recorded_by: str

    @property
    def retracted(self) -> bool:
        return self.retraction_reason is not None


_T = TimelineRecordRow


def _stored(row: Any) -> StoredRecord:
    return StoredRecord(
        pk=row.pk,
        kind=row.kind,
        record_id=row.record_id,
        version=row.version,
        payload=row.payload,
        is_current=row.is_current,
        retraction_reason=row.retraction_reason,
        recorded_at=row.recorded_at,
        recorded_by=row.recorded_by,
    )


_STORED_COLUMNS = (
    _T.pk,
    _T.patient_pk,
    _T.kind,
    _T.record_id,
    _T.version,
    _T.payload,
    _T.is_current,
    _T.retraction_reason,
    _T.recorded_at,
    _T.recorded_by,
)


def patient_pks(*, session: Session, patient_ids: Iterable[str]) -> dict[str, int]:
    """Registry keys of the given patient ids (missing ids are left out); one query."""
    ids = list(patient_ids)
    if not ids:
        return {}
    rows = session.execute(select(PatientRow.patient_id, PatientRow.pk).where(PatientRow.patient_id.in_(ids)))
    return {r.patient_id: r.pk for r in rows}


def current_records(*, session: Session, pks: Sequence[int]) -> dict[int, list[StoredRecord]]:
    """Current versions (retracted ones included) of every record of the given patients; one query."""
    found: dict[int, list[StoredRecord]] = {pk: [] for pk in pks}
    if not pks:
        return found
    rows = session.execute(
        select(*_STORED_COLUMNS)
        .where(_T.patient_pk.in_(list(pks)), _T.is_current.is_(True))
        .order_by(_T.patient_pk, _T.pk)
    )
    for row in rows:
        found[row.patient_pk].append(_stored(row))
    return found


def _timeline(records: Iterable[StoredRecord], patient_id: str = "?") -> Patient:
    try:
        return assemble_patient((r.kind, r.payload) for r in records if not r.retracted)
    except ValidationError as error:
        raise UnreadablePatient(patient_id, validation_reason(error)) from None


def load_patient(*, session: Session, patient_id: str) -> Patient | None:
    """The patient's current timeline (two queries whatever its length), or None if unknown."""
    pk = patient_pks(session=session, patient_ids=[patient_id]).get(patient_id)
    if pk is None:
        return None
    return _timeline(current_records(session=session, pks=[pk])[pk], patient_id)


def load_current_records(*, session: Session, patient_id: str) -> list[StoredRecord]:
    """Every current record of the patient with its version (retracted ones included)."""
    pk = _require_pk(session, patient_id)
    return current_records(session=session, pks=[pk])[pk]


def record_history(*, session: Session, patient_id: str, kind: str, record_id: str) -> list[StoredRecord]:
    """Every version of one record, oldest first."""
    pk = _require_pk(session, patient_id)
    rows = session.execute(
        select(*_STORED_COLUMNS)
        .where(_T.patient_pk == pk, _T.kind == kind, _T.record_id == record_id)
        .order_by(_T.version)
    )
    return [_stored(r) for r in rows]


def patient_ids(*, session: Session) -> list[str]:
    return list(session.execute(select(PatientRow.patient_id).order_by(PatientRow.patient_id)).scalars())


def _require_pk(session: Session, patient_id: str) -> int:
    pk = patient_pks(session=session, patient_ids=[patient_id]).get(patient_id)
    if pk is None:
        raise NotFound(f"no patient {patient_id!r} in the registry")
    return pk


# --- writing ---------------------------------------------------------------------------------------
class PutOutcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class PutResult:
    patient_id: str
    outcome: PutOutcome
    added: int = 0
    corrected: int = 0
    kept: int = 0  # in the registry, not in the incoming record: left as they are


def _row_values(
    patient_pk: int, part: Part, version: int, at: dt.datetime, actor: str, reason: str | None = None
) -> dict[str, Any]:
    return {
        "patient_pk": patient_pk,
        "kind": part.kind,
        "record_id": part.record_id,
        "version": version,
        "date": part.date,
        "payload": part.payload,
        "is_current": True,
        "retraction_reason": reason,
        "recorded_at": at,
        "recorded_by": actor,
    }


def _supersede(session: Session, stored: StoredRecord, entity: str) -> None:
    """Mark ``stored`` not current, provided it still is the current version (else a conflict)."""
    result = session.execute(
        update(_T)
        .where(_T.pk == stored.pk, _T.is_current.is_(True), _T.version == stored.version)
        .values(is_current=False)
    )
    if getattr(result, "rowcount", 1) != 1:
        raise ConflictError(
            f"{entity}: version {stored.version} was changed by someone else; reload and retry"
        )


def _insert_version(session: Session, values: dict[str, Any], entity: str) -> None:
    try:
        with session.begin_nested():
            session.execute(insert(_T).values(**values))
    except IntegrityError:
        raise ConflictError(
            f"{entity}: version {values['version']} was written by someone else; reload and retry"
        ) from None


def _create_patient(session: Session, patient: Patient, actor: str, at: dt.datetime) -> PutResult:
    parts = patient_parts(patient)
    try:
        with session.begin_nested():
            pk = session.execute(
                insert(PatientRow)
                .values(patient_id=patient.id, created_at=at, created_by=actor)
                .returning(PatientRow.pk)
            ).scalar_one()
    except IntegrityError:
        raise ConflictError(
            f"patient {patient.id}: created by someone else meanwhile; import it again"
        ) from None
    session.execute(insert(_T), [_row_values(pk, p, 1, at, actor) for p in parts])
    refresh_written(session=session, pk=pk, patient=patient, at=at)
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="patient.create",
        entity="patient",
        entity_id=patient.id,
        after={"records": len(parts), "sha256": patient_digest(patient)},
    )
    return PutResult(patient.id, PutOutcome.CREATED, added=len(parts))


def _update_patient(
    session: Session, pk: int, patient: Patient, stored: list[StoredRecord], actor: str, at: dt.datetime
) -> PutResult:
    by_key = {(s.kind, s.record_id): s for s in stored}
    incoming = patient_parts(patient)
    added = corrected = 0
    new_rows: list[dict[str, Any]] = []
    for part in incoming:
        entity = _entity_id(patient.id, part.kind, part.record_id)
        old = by_key.get((part.kind, part.record_id))
        if old is None:
            new_rows.append(_row_values(pk, part, 1, at, actor))
            append_audit(
                session=session,
                at=at,
                actor=actor,
                action="record.create",
                entity="timeline_record",
                entity_id=entity,
                after={"version": 1, "payload": part.payload},
            )
            added += 1
        elif old.retracted or old.payload == part.payload:
            continue  # same data, or retracted on purpose: an import does not bring it back
        else:
            _supersede(session, old, entity)
            _insert_version(session, _row_values(pk, part, old.version + 1, at, actor), entity)
            append_audit(
                session=session,
                at=at,
                actor=actor,
                action="record.correct",
                entity="timeline_record",
                entity_id=entity,
                before={"version": old.version, "payload": old.payload},
                after={"version": old.version + 1, "payload": part.payload},
            )
            corrected += 1
    if new_rows:
        session.execute(insert(_T), new_rows)
    incoming_keys = {(p.kind, p.record_id) for p in incoming}
    kept = sum(1 for key, s in by_key.items() if key not in incoming_keys and not s.retracted)
    if added or corrected:
        _check_timeline(session, pk, patient.id, at)
        return PutResult(patient.id, PutOutcome.UPDATED, added, corrected, kept)
    return PutResult(patient.id, PutOutcome.UNCHANGED, kept=kept)


def put_patients(
    *, session: Session, patients: Sequence[Patient], actor: str, at: dt.datetime
) -> list[PutResult | ConflictError | InvalidChange]:
    """Bring each patient into the registry, each all-or-nothing (a savepoint per patient).

    A new patient is created; for a known one, new records are added and changed records get a
    new version; identical data changes nothing, so importing the same file twice is a no-op.
    Records the registry has but the incoming patient lacks are kept (only a retraction removes a
    record from the timeline). Two queries fetch the current state of the whole batch.
    """
    known = patient_pks(session=session, patient_ids=[p.id for p in patients])
    stored = current_records(session=session, pks=list(known.values()))
    results: list[PutResult | ConflictError | InvalidChange] = []
    for patient in patients:
        try:
            with session.begin_nested():
                pk = known.get(patient.id)
                if pk is None:
                    results.append(_create_patient(session, patient, actor, at))
                else:
                    results.append(_update_patient(session, pk, patient, stored[pk], actor, at))
        except (ConflictError, InvalidChange) as error:
            results.append(error)
        except IntegrityError:
            results.append(
                ConflictError(f"patient {patient.id}: changed by someone else meanwhile; import it again")
            )
    return results


def _check_timeline(session: Session, pk: int, patient_id: str, at: dt.datetime) -> Patient:
    """The patient as now written must still be a valid timeline, else the change is refused;
    a valid one gets its summary recomputed in the same transaction."""
    records = current_records(session=session, pks=[pk])[pk]
    try:
        patient = assemble_patient((r.kind, r.payload) for r in records if not r.retracted)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "(record)"
        raise InvalidChange(
            f"patient {patient_id}: the change would make {where} invalid: {first['msg']}"
        ) from None
    refresh_written(session=session, pk=pk, patient=patient, at=at)
    return patient


def _current_of(session: Session, patient_id: str, kind: str, record_id: str) -> tuple[int, StoredRecord]:
    pk = _require_pk(session, patient_id)
    row = session.execute(
        select(*_STORED_COLUMNS).where(
            _T.patient_pk == pk, _T.kind == kind, _T.record_id == record_id, _T.is_current.is_(True)
        )
    ).one_or_none()
    if row is None:
        raise NotFound(f"patient {patient_id} has no {kind} record {record_id!r}")
    return pk, _stored(row)


def _refuse_invalid(
    session: Session,
    pk: int,
    patient_id: str,
    kind: str,
    record: BaseModel,
    today: dt.date,
    *,
    prescriber: bool,
) -> None:
    """Raise :class:`InvalidRecord` when the record may not be written (the domain's one check for
    every write path: web, REST and command line)."""
    patient = _timeline(current_records(session=session, pks=[pk])[pk], patient_id)
    problems = record_change_problems(patient, kind, record, today, prescriber=prescriber)
    if problems:
        raise InvalidRecord(_entity_id(patient_id, kind, str(getattr(record, "id"))), problems)  # noqa: B009


def add_record(
    *, session: Session, patient_id: str, record: BaseModel, actor: str, at: dt.datetime, today: dt.date
) -> int:
    """Add a new record to a patient's timeline; returns its version (1).

    Refused (:class:`InvalidRecord`, nothing written) when the record would make the timeline unfit
    to assess ``today``: the clinic's local date, which the caller knows and the registry does not.
    """
    kind = record_kind(record)
    pk = _require_pk(session, patient_id)
    record_id = str(getattr(record, "id"))  # noqa: B009 (every timeline record has an id)
    _refuse_invalid(session, pk, patient_id, kind, record, today, prescriber=False)
    part = Part(kind, record_id, _record_date(record), record.model_dump(mode="json"))
    entity = _entity_id(patient_id, kind, record_id)
    _insert_version(session, _row_values(pk, part, 1, at, actor), entity)
    _check_timeline(session, pk, patient_id, at)
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action="record.create",
        entity="timeline_record",
        entity_id=entity,
        after={"version": 1, "payload": part.payload},
    )
    return 1


def correct_record(
    *,
    session: Session,
    patient_id: str,
    record: BaseModel,
    expected_version: int,
    actor: str,
    at: dt.datetime,
    today: dt.date,
    prescriber: bool,
    reason: str | None = None,
) -> int:
    """Write a corrected record as a new version; the old version is kept. Returns the new version.

    ``expected_version`` is the version the editor read: if someone changed the record since,
    :class:`ConflictError` is raised and nothing is written. A correction that would make the
    timeline unfit to assess ``today``, or that moves an infusion's date without a prescriber
    (``prescriber``: the actor holds that role), is refused with :class:`InvalidRecord`.
    """
    kind = record_kind(record)
    record_id = str(getattr(record, "id"))  # noqa: B009
    pk, old, entity = _current_at_version(session, patient_id, kind, record_id, expected_version, "edited")
    if old.retracted:
        raise InvalidChange(f"{entity}: retracted ({old.retraction_reason}); add a new record instead")
    _refuse_invalid(session, pk, patient_id, kind, record, today, prescriber=prescriber)
    part = Part(kind, record_id, _record_date(record), record.model_dump(mode="json"))
    if part.payload == old.payload:
        return old.version
    return _write_next_version(
        session,
        pk,
        patient_id,
        old,
        entity,
        _row_values(pk, part, old.version + 1, at, actor),
        actor=actor,
        at=at,
        action="record.correct",
        after={"version": old.version + 1, "payload": part.payload, "reason": reason},
    )


def correct_demographics(
    *,
    session: Session,
    patient_id: str,
    changes: Mapping[str, Any],
    expected_version: int,
    actor: str,
    at: dt.datetime,
    reason: str | None = None,
) -> int:
    """Correct a patient's demographics (birth date, sex, indication, ...): a new version of the
    ``patient`` row; the old one stays. Returns the new version (the old one if nothing changed).

    ``changes`` holds only the fields that change, in the record's JSON form; the patient is
    validated whole with them (a birth date after an infusion is refused like any other record).
    The patient id is the registry's key and cannot be corrected: import under the right id and
    retract the wrong patient's records instead.
    """
    unknown = sorted(set(changes) - set(DEMOGRAPHIC_FIELDS))
    if unknown:
        raise InvalidChange(
            f"not a demographic field: {', '.join(unknown)} (one of: {', '.join(DEMOGRAPHIC_FIELDS[2:])})"
        )
    if changes.get("id", patient_id) != patient_id:
        raise InvalidChange("id: a patient's id cannot be corrected (import under the right id)")
    pk, old, entity = _current_at_version(
        session, patient_id, KIND_PATIENT, patient_id, expected_version, "edited"
    )
    current = _timeline(current_records(session=session, pks=[pk])[pk], patient_id).model_dump(mode="json")
    try:
        corrected = Patient.model_validate(current | dict(changes))
    except ValidationError as error:
        problems = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in error.errors()[:5]]
        raise InvalidChange(f"{entity}: " + "; ".join(problems)) from None
    data = corrected.model_dump(mode="json")
    payload = demographics_payload(data)
    if payload == old.payload:
        return old.version
    return _write_next_version(
        session,
        pk,
        patient_id,
        old,
        entity,
        _row_values(pk, Part(KIND_PATIENT, patient_id, None, payload), old.version + 1, at, actor),
        actor=actor,
        at=at,
        action="record.correct",
        after={"version": old.version + 1, "payload": payload, "reason": reason},
    )


def demographic_problems(patient: Patient, as_of: dt.date) -> list[Problem]:
    """What an import would refuse about the patient's demographics (a birth date after ``as_of``)."""
    return [
        p for p in check_patient(patient, as_of) if p.field.split(".")[0].split("[")[0] in DEMOGRAPHIC_FIELDS
    ]


def retract_record(
    *,
    session: Session,
    patient_id: str,
    kind: str,
    record_id: str,
    reason: str,
    expected_version: int,
    actor: str,
    at: dt.datetime,
) -> int:
    """Retract a record (the registry's only kind of deletion): a new version with the reason.

    The record leaves the timeline; every earlier version stays readable in its history.
    """
    if kind == KIND_PATIENT:
        raise InvalidChange("a patient's demographics cannot be retracted, only corrected")
    if not reason.strip():
        raise InvalidChange("a retraction needs a reason")
    pk, old, entity = _current_at_version(session, patient_id, kind, record_id, expected_version, "read")
    if old.retracted:
        raise InvalidChange(f"{entity}: already retracted ({old.retraction_reason})")
    part = Part(kind, record_id, None, old.payload)
    return _write_next_version(
        session,
        pk,
        patient_id,
        old,
        entity,
        _row_values(pk, part, old.version + 1, at, actor, reason.strip()),
        actor=actor,
        at=at,
        action="record.retract",
        after={"version": old.version + 1, "retracted": reason.strip()},
    )


def _current_at_version(
    session: Session, patient_id: str, kind: str, record_id: str, expected_version: int, verb: str
) -> tuple[int, StoredRecord, str]:
    """The current version of a record, if it is still the one the editor saw (else ConflictError)."""
    pk, old = _current_of(session, patient_id, kind, record_id)
    entity = _entity_id(patient_id, kind, record_id)
    if old.version != expected_version:
        raise ConflictError(
            f"{entity}: you {verb} version {expected_version}, the current one is {old.version}"
        )
    return pk, old, entity


def _write_next_version(
    session: Session,
    pk: int,
    patient_id: str,
    old: StoredRecord,
    entity: str,
    values: dict[str, Any],
    *,
    actor: str,
    at: dt.datetime,
    action: str,
    after: dict[str, Any],
) -> int:
    """Supersede ``old`` with the new version's row, re-check the timeline, audit; the new version."""
    _supersede(session, old, entity)
    _insert_version(session, values, entity)
    _check_timeline(session, pk, patient_id, at)
    append_audit(
        session=session,
        at=at,
        actor=actor,
        action=action,
        entity="timeline_record",
        entity_id=entity,
        before={"version": old.version, "payload": old.payload},
        after=after,
    )
    return old.version + 1
