"""The clinic's worklist as SQL over the summary table: filtered, sorted, counted and paged.

The worklist never loads the cohort: one query counts the gates, one reads the page's rows (the
summary joined with the patient's identity), one reads those patients' next bookings. Before
reading, :func:`refresh_for_day` recomputes the summaries that are not for the clinic's day
(usually none: every write keeps its patient's row current; after midnight, all of them once),
a chunk at a time, so a summary is never shown for another day than the one the page says.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from alpha4.knowledge import PROFILES

from .errors import UnreadablePatient
from .identity import Identity, PatientIdentityRow, search_clause
from .summary import PatientSummaryRow, write_summaries

log = logging.getLogger("alpha4.worklist")
_S, _I = PatientSummaryRow, PatientIdentityRow
PAGE_SIZE = 50


class Sort(StrEnum):
    URGENCY = "urgency"
    NAME = "name"
    NEXT_INFUSION = "next"
    PML = "pml"
    PATIENT = "id"


@dataclass(frozen=True, slots=True)
class WorklistQuery:
    """What the worklist shows: filters (each narrows), a search, the order and the page."""

    due_by: dt.date | None = None
    gate: str | None = None
    pml_higher: bool = False
    antibodies: bool = False
    pregnancy: bool = False
    all_patients: bool = False
    search: str = ""
    sort: Sort = Sort.URGENCY
    descending: bool = False
    page: int = 1
    page_size: int = PAGE_SIZE
    patient_pks: Sequence[int] | None = None


@dataclass(frozen=True, slots=True)
class SummaryEntry:
    """One patient's worklist row, as the summary table holds it, with who the patient is."""

    patient_pk: int
    patient_id: str
    identity: Identity | None
    gate: str
    gate_headline: str | None
    gate_reasons: list[str]
    next_infusion: dt.date | None
    last_infusion: dt.date | None
    pml_risk_per_1000: float | None
    pml_higher_risk: bool | None
    antibody_status: str
    disease: str
    ms_course: str | None
    items: list[dict[str, Any]]
    due_items: list[dict[str, Any]]
    status_jcv: str | None
    status_antibody: str | None
    status_labs: str | None

    @property
    def indication(self) -> str:
        if self.disease == "crohns_disease":
            return "Crohn's disease"
        return f"MS ({self.ms_course.upper()})" if self.ms_course else "MS"


@dataclass(frozen=True, slots=True)
class WorklistPage:
    entries: list[SummaryEntry]
    matched: int
    total: int
    counts: dict[str, int]
    page: int
    pages: int
    unassessable: dict[str, str] = field(default_factory=dict)


# --- keeping the summaries on the clinic's day ---------------------------------------------------
def _not_for_day(day: dt.date) -> Any:
    """Registry keys whose summary rows are not all for ``day`` (missing, older or newer)."""
    from .timeline import PatientRow

    current = (
        select(_S.patient_pk)
        .where(_S.as_of == day)
        .group_by(_S.patient_pk)
        .having(func.count() >= len(PROFILES))
    )
    return select(PatientRow.pk).where(PatientRow.pk.not_in(current)).order_by(PatientRow.pk)


def count_not_for_day(*, session: Session, day: dt.date) -> int:
    return int(session.execute(select(func.count()).select_from(_not_for_day(day).subquery())).scalar_one())


def refresh_for_day(
    *, session: Session, day: dt.date, computed_at: dt.datetime, chunk_size: int = 500
) -> dict[str, str]:
    """Recompute every summary that is not for ``day``; returns the patients that cannot be
    assessed (id -> reason, for a data manager; their rows stay missing, so they are retried)."""
    from .timeline import PatientRow, _timeline, current_records

    failed: dict[int, tuple[str, str]] = {}
    while True:
        query = _not_for_day(day)
        if failed:
            query = query.where(PatientRow.pk.not_in(list(failed)))
        pks = list(session.execute(query.limit(chunk_size)).scalars())
        if not pks:
            return dict(failed.values())
        records = current_records(session=session, pks=pks)
        ids = dict(
            session.execute(select(PatientRow.pk, PatientRow.patient_id).where(PatientRow.pk.in_(pks))).all()
        )
        readable = []
        for pk in pks:
            try:
                readable.append((pk, _timeline(records[pk], ids[pk])))
            except UnreadablePatient as unreadable:
                failed[pk] = (ids[pk], unreadable.reason)
        by_pk = dict(readable)
        for pk in write_summaries(session=session, patients=readable, as_of=day, computed_at=computed_at):
            failed[pk] = (ids[pk], _rules_failure(by_pk[pk], day))


def _rules_failure(patient: Any, day: dt.date) -> str:
    """Why the rules could not assess a readable record, for a data manager (shown, never logged)."""
    from alpha4.knowledge import PROFILES

    from .summary import summary_values

    try:
        for profile in PROFILES.values():
            summary_values(patient, day, profile)
    except Exception as error:  # the same failure write_summaries met, now with its words
        return f"{type(error).__name__}: {error}"[:500]
    return "the rules could not assess this record"


# --- reading the worklist ---------------------------------------------------------------------------
_ENTRY_COLUMNS = (
    _S.patient_pk,
    _S.gate,
    _S.gate_headline,
    _S.gate_reasons,
    _S.next_infusion,
    _S.last_infusion,
    _S.pml_risk_per_1000,
    _S.pml_higher_risk,
    _S.antibody_status,
    _S.disease,
    _S.ms_course,
    _S.worklist_items,
    _S.due_items,
    _S.status_jcv,
    _S.status_antibody,
    _S.status_labs,
    _I.family_name,
    _I.given_name,
    _I.mrn,
    _I.birth_date,
)


def _entry(row: Any, patient_id: str) -> SummaryEntry:
    identity = (
        Identity(row.patient_pk, patient_id, row.family_name, row.given_name, row.mrn, row.birth_date)
        if row.birth_date is not None
        else None
    )
    return SummaryEntry(
        patient_pk=row.patient_pk,
        patient_id=patient_id,
        identity=identity,
        gate=row.gate,
        gate_headline=row.gate_headline,
        gate_reasons=list(row.gate_reasons),
        next_infusion=row.next_infusion,
        last_infusion=row.last_infusion,
        pml_risk_per_1000=row.pml_risk_per_1000,
        pml_higher_risk=row.pml_higher_risk,
        antibody_status=row.antibody_status,
        disease=row.disease,
        ms_course=row.ms_course,
        items=list(row.worklist_items),
        due_items=list(row.due_items),
        status_jcv=row.status_jcv,
        status_antibody=row.status_antibody,
        status_labs=row.status_labs,
    )


def _where(q: WorklistQuery, profile: str, day: dt.date) -> list[Any]:
    clauses: list[Any] = [_S.profile == profile, _S.as_of == day]
    if not q.all_patients and not q.search and q.patient_pks is None:
        clauses.append(_S.on_worklist.is_(True))
    if q.gate:
        clauses.append(_S.gate == q.gate)
    if q.pml_higher:
        clauses.append(_S.pml_higher_risk.is_(True))
    if q.antibodies:
        clauses.append(_S.antibody_status == "persistent")
    if q.pregnancy:
        clauses.append(_S.pregnancy_or_lactation.is_(True))
    if q.due_by is not None:
        clauses.append(or_(_S.soonest_due <= q.due_by, _S.next_infusion <= q.due_by))
    if q.search:
        found = search_clause(q.search)
        clauses.append(found if found is not None else _S.patient_pk.is_(None))
    if q.patient_pks is not None:
        clauses.append(_S.patient_pk.in_(list(q.patient_pks)))
    return clauses


def _order(q: WorklistQuery) -> list[Any]:
    from .timeline import PatientRow

    def way(column: Any) -> Any:
        return column.desc() if q.descending else column.asc()

    urgency = [
        _S.urgency,
        _S.critical_count.desc(),
        _S.overdue_count.desc(),
        _S.soonest_due.is_(None),
        _S.soonest_due,
    ]
    if q.sort is Sort.NAME:
        return [_I.family_key.is_(None), way(_I.family_key), way(_I.given_key), PatientRow.patient_id]
    if q.sort is Sort.NEXT_INFUSION:
        return [_S.next_infusion.is_(None), way(_S.next_infusion), *urgency, PatientRow.patient_id]
    if q.sort is Sort.PML:
        # highest risk first by default: "descending" flips it to lowest first
        risk = _S.pml_risk_per_1000.asc() if q.descending else _S.pml_risk_per_1000.desc()
        return [_S.pml_risk_per_1000.is_(None), risk, PatientRow.patient_id]
    if q.sort is Sort.PATIENT:
        return [way(PatientRow.patient_id)]
    if q.descending:  # the least urgent first
        return [_S.urgency.desc(), _S.critical_count, _S.overdue_count, _S.soonest_due.desc()]
    return [*urgency, PatientRow.patient_id]


def worklist_page(*, session: Session, profile: str, day: dt.date, query: WorklistQuery) -> WorklistPage:
    """One page of the worklist (three queries whatever the registry's size)."""
    from .timeline import PatientRow

    counts = {
        gate: int(n)
        for gate, n in session.execute(
            select(_S.gate, func.count()).where(_S.profile == profile, _S.as_of == day).group_by(_S.gate)
        ).all()
    }
    total = int(session.execute(select(func.count()).select_from(PatientRow)).scalar_one())
    base = (
        select(*_ENTRY_COLUMNS, PatientRow.patient_id)
        .join(PatientRow, PatientRow.pk == _S.patient_pk)
        .outerjoin(_I, _I.patient_pk == _S.patient_pk)
        .where(and_(*_where(query, profile, day)))
    )
    if query.search:  # the name, MRN or id filter needs the identity rows
        matched = int(session.execute(select(func.count()).select_from(base.subquery())).scalar_one())
    else:  # every filter is on the summary row: count it alone (an index-only scan when unfiltered)
        matched = int(
            session.execute(
                select(func.count()).select_from(_S).where(*_where(query, profile, day))
            ).scalar_one()
        )
    size = max(1, min(query.page_size, 10_000))
    pages = max(1, -(-matched // size))
    page = max(1, min(query.page, pages))
    rows = session.execute(base.order_by(*_order(query)).limit(size).offset((page - 1) * size))
    entries = [_entry(r, r.patient_id) for r in rows]
    return WorklistPage(entries, matched, total, counts, page, pages)


def summaries_of(
    *, session: Session, profile: str, day: dt.date, pks: Sequence[int]
) -> dict[int, SummaryEntry]:
    """The summary rows of the given patients on ``day`` (one query; for the Today view)."""
    if not pks:
        return {}
    page = worklist_page(
        session=session,
        profile=profile,
        day=day,
        query=WorklistQuery(patient_pks=list(pks), page_size=len(pks), sort=Sort.PATIENT),
    )
    return {e.patient_pk: e for e in page.entries}
