"""The per-patient summary: each patient's assessment kept in one row per profile, on write.

The worklist, the REMS reports and the cohort safety figures are SQL over this table (``GROUP BY``
over indexed columns), never a load of every timeline into Python. Every write that changes a
patient's timeline (:mod:`alpha4.store.timeline`) recomputes that patient's rows in the same
transaction, by calling the rules (:func:`alpha4.rules.assess` and the response rules), so a
committed timeline and its summary never disagree.

A summary is an answer *on a date*: due items become overdue and exposure grows as days pass.
Each row says the day it was computed for (``as_of``) and the last day it holds (``valid_until``);
:func:`refresh_stale` recomputes the rows whose validity ended (nightly, and before a report
reads them). The policy is one day: many rules move with the calendar (ages, gestational weeks,
result ages, windows), so a row is never trusted past the day it was computed for.

The row holds what the clinic's worklist shows and filters on (gate, reasons, the worklist row's
items as :func:`alpha4.rules.worklist.worklist_row` builds them, next-due items with dates, the
urgency keys, PML band and higher-risk flag, persistent antibodies, pregnancy or lactation, the
status of each REMS item) and the de-identified facts the cohort reports count
(indication, site, JCV status, exposure band, safety events, relapse counts and years, NEDA-3,
disability worsening, Crohn's response). No name, no identifier beyond the registry key.
"""

from __future__ import annotations

import datetime as dt
import itertools
import logging
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from alpha4.domain import AdverseEventCategory, Disease, Patient, ReactionKind, Serostatus
from alpha4.knowledge import PROFILES, Profile, label
from alpha4.rules import Assessment, assess
from alpha4.rules.dates import add_months
from alpha4.rules.response_crohns import crohns_courses, latest_in_remission
from alpha4.rules.response_ms import (
    WorseningStatus,
    baseline_edss,
    find_worsening,
    first_infusion,
    neda3,
    on_treatment_rate,
    pre_treatment_rate,
    treatment_end,
)
from alpha4.rules.schedule import Status
from alpha4.rules.worklist import FIRST_AMONG_STOPS, worklist_row

from .base import Base, UtcDateTime
from .identity import write_identities

log = logging.getLogger("alpha4.summary")
BigId = BigInteger().with_variant(Integer(), "sqlite")
VALIDITY_DAYS = 1
"""A summary holds for the day it was computed for only (see the module docstring)."""

REMS_ITEMS: dict[str, tuple[str, ...]] = {
    "reauthorization": ("reauthorization", "reassessment"),
    "jcv": ("jcv_antibody_test",),
    "mri": ("mri",),
    "antibody": ("antibody_test",),
    "labs": ("complete_blood_count", "liver_function_tests"),
    "follow_up": ("discontinuation_follow_up",),
}
"""Each REMS/operations column and the schedule items it summarises (the most urgent wins)."""

NEDA_YEARS = (1, 2)


class PatientSummaryRow(Base):
    __tablename__ = "patient_summary"

    patient_pk: Mapped[int] = mapped_column(BigId, ForeignKey("patient.pk"), primary_key=True)
    profile: Mapped[str] = mapped_column(String(16), primary_key=True)
    as_of: Mapped[dt.date] = mapped_column(Date, nullable=False)
    valid_until: Mapped[dt.date] = mapped_column(Date, nullable=False)
    computed_at: Mapped[dt.datetime] = mapped_column(UtcDateTime, nullable=False)
    # -- the clinic's worklist -------------------------------------------------------------------
    gate: Mapped[str] = mapped_column(String(8), nullable=False)
    gate_reasons: Mapped[list[str]] = mapped_column(JSON, nullable=False)
    gate_headline: Mapped[str | None] = mapped_column(String(120))
    urgency: Mapped[int | None] = mapped_column(Integer)
    """The worklist's order (stop, a diagnosed PML first among stops, hold, go), then by the
    critical and overdue counts and the soonest due date (see :func:`worklist_urgency`)."""
    next_infusion: Mapped[dt.date | None] = mapped_column(Date)
    due_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    soonest_due: Mapped[dt.date | None] = mapped_column(Date)
    critical_count: Mapped[int] = mapped_column(Integer, nullable=False)
    overdue_count: Mapped[int] = mapped_column(Integer, nullable=False)
    on_worklist: Mapped[bool] = mapped_column(Boolean, nullable=False)
    worklist_items: Mapped[list[dict[str, Any]]] = mapped_column(JSON, nullable=False)
    pregnancy_or_lactation: Mapped[bool] = mapped_column(Boolean, nullable=False)
    status_reauthorization: Mapped[str | None] = mapped_column(String(16))
    status_jcv: Mapped[str | None] = mapped_column(String(16))
    status_mri: Mapped[str | None] = mapped_column(String(16))
    status_antibody: Mapped[str | None] = mapped_column(String(16))
    status_labs: Mapped[str | None] = mapped_column(String(16))
    status_follow_up: Mapped[str | None] = mapped_column(String(16))
    # -- PML -------------------------------------------------------------------------------------
    pml_risk_per_1000: Mapped[float | None] = mapped_column(Float)
    pml_table: Mapped[str | None] = mapped_column(String(64))
    pml_group: Mapped[str] = mapped_column(String(64), nullable=False)
    pml_band: Mapped[str | None] = mapped_column(String(64))
    pml_higher_risk: Mapped[bool | None] = mapped_column(Boolean)
    jcv_status: Mapped[str] = mapped_column(String(16), nullable=False)
    prior_immunosuppressant: Mapped[bool | None] = mapped_column(Boolean)
    pml_case: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # -- who, where, how long (de-identified) ------------------------------------------------------
    disease: Mapped[str] = mapped_column(String(32), nullable=False)
    ms_course: Mapped[str | None] = mapped_column(String(32))
    site: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(16), nullable=False)
    age_years: Mapped[int] = mapped_column(Integer, nullable=False)
    infusion_count: Mapped[int] = mapped_column(Integer, nullable=False)
    first_infusion: Mapped[dt.date | None] = mapped_column(Date)
    last_infusion: Mapped[dt.date | None] = mapped_column(Date)
    treatment_end: Mapped[dt.date | None] = mapped_column(Date)
    treatment_days: Mapped[int | None] = mapped_column(Integer)
    discontinued_on: Mapped[dt.date | None] = mapped_column(Date)
    discontinuation_reason: Mapped[str | None] = mapped_column(Text)
    interruptions: Mapped[int] = mapped_column(Integer, nullable=False)
    longest_gap_days: Mapped[int | None] = mapped_column(Integer)
    # -- safety (ever, up to as_of) -----------------------------------------------------------------
    infusion_reaction: Mapped[bool] = mapped_column(Boolean, nullable=False)
    hypersensitivity: Mapped[bool] = mapped_column(Boolean, nullable=False)
    serious_hypersensitivity: Mapped[bool] = mapped_column(Boolean, nullable=False)
    antibody_status: Mapped[str] = mapped_column(String(32), nullable=False)
    serious_infection: Mapped[bool] = mapped_column(Boolean, nullable=False)
    herpes_infection: Mapped[bool] = mapped_column(Boolean, nullable=False)
    liver_injury: Mapped[bool] = mapped_column(Boolean, nullable=False)
    # -- effectiveness -------------------------------------------------------------------------------
    relapses_before: Mapped[int | None] = mapped_column(Integer)
    days_before: Mapped[int | None] = mapped_column(Integer)
    relapses_on: Mapped[int | None] = mapped_column(Integer)
    days_on: Mapped[int | None] = mapped_column(Integer)
    neda3_1y: Mapped[str | None] = mapped_column(String(16))
    neda3_2y: Mapped[str | None] = mapped_column(String(16))
    disability_worsening: Mapped[str | None] = mapped_column(String(16))
    crohns_response_w12: Mapped[str | None] = mapped_column(String(16))
    crohns_remission_w12: Mapped[str | None] = mapped_column(String(16))
    crohns_remission_latest: Mapped[str | None] = mapped_column(String(16))


_S = PatientSummaryRow
INDEXED = ("valid_until", "gate", "disease", "site", "first_infusion", "discontinued_on")
for _name in INDEXED:
    Index(f"ix_patient_summary_profile_{_name}", _S.profile, getattr(_S, _name))
Index(
    "ix_patient_summary_worklist",
    _S.profile,
    _S.urgency,
    _S.critical_count.desc(),
    _S.overdue_count.desc(),
    _S.soonest_due,
)
Index("ix_patient_summary_profile_next_infusion", _S.profile, _S.next_infusion)
Index("ix_patient_summary_day_counts", _S.profile, _S.as_of, _S.on_worklist, _S.gate)
"""The worklist's counts (by gate; patients with something to do) read from this index alone."""
COLUMNS: tuple[str, ...] = tuple(c.name for c in _S.__table__.columns)
SUMMARY_TABLE = cast(Table, _S.__table__)
"""The table itself, for Core statements (a declarative class's ``__table__`` is typed as any FROM clause)."""


# --- one patient's row -------------------------------------------------------------------------
def _tri(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def _most_urgent(a: Assessment, names: Sequence[str]) -> str | None:
    items = [s for s in a.schedule if s.item in names]
    if not items:
        return None
    return max(items, key=lambda s: s.status.rank).status.value


def _jcv_status(patient: Patient, as_of: dt.date) -> str:
    known = [r.serostatus for r in patient.jcv_results if r.date <= as_of and r.serostatus is not None]
    if not known:
        return "unknown"
    status = known[-1]
    return status.value if status is not Serostatus.INDETERMINATE else "indeterminate"


def _gaps(patient: Patient, as_of: dt.date) -> tuple[int, int | None]:
    """Treatment interruptions (gaps between infusions of at least the label's re-exposure gap)."""
    dates = [i.date for i in patient.infusions if i.date <= as_of]
    gaps = [(b - a).days for a, b in itertools.pairwise(dates)]
    limit = label.REEXPOSURE_GAP_DAYS.value
    return sum(1 for g in gaps if g >= limit), (max(gaps) if gaps else None)


def _days(start: dt.date, end: dt.date) -> int:
    """Days of a window (reports divide the sums by the rules' year length, YEAR_DAYS)."""
    return max((end - start).days, 0)


def _ms_values(patient: Patient, as_of: dt.date) -> dict[str, Any]:
    first = first_infusion(patient, as_of)
    empty = dict.fromkeys(
        ("relapses_before", "days_before", "relapses_on", "days_on", "neda3_1y", "neda3_2y")
    )
    if patient.indication.disease is not Disease.MULTIPLE_SCLEROSIS or first is None:
        return empty | {"disability_worsening": None}
    end = treatment_end(patient, as_of)
    before, during = pre_treatment_rate(patient, first.date), on_treatment_rate(patient, first.date, end)
    values: dict[str, Any] = {
        "relapses_before": len(before.relapses),
        "days_before": _days(before.start, before.end),
        "relapses_on": len(during.relapses),
        "days_on": _days(during.start, during.end),
    }
    stop = patient.discontinuation
    for years in NEDA_YEARS:
        period_end = add_months(first.date, 12 * years)
        if period_end > as_of or (stop is not None and stop.date <= period_end):
            values[f"neda3_{years}y"] = None  # not yet (or no longer) eligible for this period
        else:
            values[f"neda3_{years}y"] = neda3(patient, as_of, first.date, period_end).status.value
    base = baseline_edss(patient, first.date)
    if base is None:
        values["disability_worsening"] = "unknown"
    else:
        edss = [s for s in patient.edss_scores if s.date <= as_of]
        relapses = [r for r in patient.relapses if r.date <= as_of]
        worse = find_worsening(edss, base, relapses, as_of)
        values["disability_worsening"] = (
            "confirmed" if worse is not None and worse.status is WorseningStatus.CONFIRMED else "no"
        )
    return values


def _crohns_values(patient: Patient, as_of: dt.date) -> dict[str, Any]:
    first = first_infusion(patient, as_of)
    if patient.indication.disease is not Disease.CROHNS_DISEASE or first is None:
        return dict.fromkeys(("crohns_response_w12", "crohns_remission_w12", "crohns_remission_latest"))
    week12 = first.date + dt.timedelta(weeks=label.CD_INDUCTION_BENEFIT_WEEKS.value)
    values: dict[str, Any] = {"crohns_remission_latest": _tri(latest_in_remission(patient, as_of))}
    if week12 > as_of:
        return values | {"crohns_response_w12": None, "crohns_remission_w12": None}
    changes = [c.change for c in crohns_courses(patient, week12) if c.change is not None]
    values["crohns_response_w12"] = _tri(any(c.response for c in changes) if changes else None)
    values["crohns_remission_w12"] = _tri(any(c.remission for c in changes) if changes else None)
    return values


def _pml_case(patient: Patient, as_of: dt.date) -> dt.date | None:
    cases = [
        e
        for e in patient.adverse_events
        if e.category is AdverseEventCategory.PML and e.confirmed and e.date <= as_of
    ]
    return cases[0].date if cases else None


def worklist_urgency(a: Assessment) -> int:
    """The gate's rank in the worklist's order (0: a diagnosed PML; 1 other stops; 2 hold; 3 go):
    the first key of :func:`alpha4.rules.worklist.build_worklist`'s order, as a column to sort on."""
    decision = a.gate.decision.value
    if decision == "stop":
        return 0 if FIRST_AMONG_STOPS & set(a.gate.reasons) else 1
    return 2 if decision == "hold" else 3


def summary_values(patient: Patient, as_of: dt.date, profile: Profile) -> dict[str, Any]:
    """The summary row of one patient on ``as_of`` under ``profile`` (without the registry key).

    The gate, schedule and PML band are the rules' own answers (:func:`alpha4.rules.assess`);
    a PML case is counted in the risk cell the patient was in when PML was diagnosed (the rules'
    answer on the day before: once PML is confirmed they give no risk).
    """
    a = assess(patient, as_of, profile)
    row = worklist_row(a)
    pml_on = _pml_case(patient, as_of)
    # the cell on the eve of the diagnosis: once PML is confirmed the rules no longer give a risk
    before_case = pml_on - dt.timedelta(days=1) if pml_on is not None else None
    at_case = assess(patient, before_case, profile) if before_case is not None else a
    risk = at_case.pml
    shown = [s for s in a.schedule if s.status in (Status.OVERDUE, Status.DUE, Status.DUE_SOON)]
    infusions = [i for i in patient.infusions if i.date <= as_of]
    reactions = [i.reaction for i in infusions if i.reaction is not None]
    events = [e for e in patient.adverse_events if e.date <= as_of and e.confirmed]
    categories = {e.category for e in events}
    stop = (
        patient.discontinuation if patient.discontinuation and patient.discontinuation.date <= as_of else None
    )
    interruptions, longest = _gaps(patient, as_of)
    hypersensitive = any(r.kind is not ReactionKind.INFUSION_REACTION for r in reactions) or any(
        h.to_natalizumab and h.date <= as_of for h in patient.hypersensitivities
    )
    values: dict[str, Any] = {
        "profile": profile.name,
        "as_of": as_of,
        "valid_until": as_of + dt.timedelta(days=VALIDITY_DAYS - 1),
        "gate": a.gate.decision.value,
        "gate_reasons": list(a.gate.reasons),
        "gate_headline": a.gate.headline or None,
        "urgency": worklist_urgency(a),
        "next_infusion": a.next_infusion,
        "due_items": [
            {
                "item": s.item,
                "status": s.status.value,
                "due": s.due.isoformat() if s.due else None,
                "overdue_after": s.overdue_after.isoformat() if s.overdue_after else None,
            }
            for s in shown
        ],
        "soonest_due": min((s.due for s in shown if s.due), default=None),
        "critical_count": sum(1 for f in a.findings if f.severity.value == "critical"),
        "overdue_count": sum(1 for s in a.schedule if s.status is Status.OVERDUE),
        "on_worklist": bool(row.items) and not row.deceased,
        "worklist_items": [i.model_dump(mode="json") for i in row.items],
        "pregnancy_or_lactation": any("PREGNANCY" in f.code or "LACTATION" in f.code for f in a.findings),
        **{f"status_{col}": _most_urgent(a, names) for col, names in REMS_ITEMS.items()},
        "pml_risk_per_1000": a.pml.risk_per_1000 if a.pml else None,
        "pml_table": risk.table if risk else None,
        "pml_group": risk.group if risk else "unknown",
        "pml_band": risk.column if risk else None,
        "pml_higher_risk": a.pml_higher_risk,
        "jcv_status": _jcv_status(patient, before_case or as_of),
        "prior_immunosuppressant": _prior_is(patient, before_case or as_of),
        "pml_case": pml_on is not None,
        "disease": patient.indication.disease.value,
        "ms_course": patient.indication.ms_course.value if patient.indication.ms_course else None,
        "site": patient.site,
        "sex": patient.sex.value,
        "age_years": patient.age_on(as_of),
        "infusion_count": len(infusions),
        "first_infusion": infusions[0].date if infusions else None,
        "last_infusion": infusions[-1].date if infusions else None,
        "treatment_end": treatment_end(patient, as_of) if infusions else None,
        "treatment_days": _days(infusions[0].date, treatment_end(patient, as_of)) if infusions else None,
        "discontinued_on": stop.date if stop else None,
        "discontinuation_reason": stop.reason if stop else None,
        "interruptions": interruptions,
        "longest_gap_days": longest,
        "infusion_reaction": any(r.kind is ReactionKind.INFUSION_REACTION for r in reactions),
        "hypersensitivity": hypersensitive,
        "serious_hypersensitivity": any(r.serious_hypersensitivity for r in reactions)
        or any(
            h.to_natalizumab and h.date <= as_of and h.severity.value == "severe"
            for h in patient.hypersensitivities
        ),
        "antibody_status": a.antibody_status,
        "serious_infection": AdverseEventCategory.SERIOUS_INFECTION in categories
        or AdverseEventCategory.OPPORTUNISTIC_INFECTION in categories
        or any(e.serious and e.category is AdverseEventCategory.INFECTION for e in events),
        "herpes_infection": AdverseEventCategory.HERPES_INFECTION in categories,
        "liver_injury": AdverseEventCategory.LIVER_INJURY in categories,
    }
    return values | _ms_values(patient, as_of) | _crohns_values(patient, as_of)


def _prior_is(patient: Patient, as_of: dt.date) -> bool | None:
    """Prior immunosuppressant use as the rules read it (the Context's own property)."""
    from alpha4.rules.context import Context  # the one definition of "prior immunosuppressant"

    return Context(patient, as_of, PROFILES["us"]).prior_immunosuppressant


# --- writing rows --------------------------------------------------------------------------------
def write_summaries(
    *,
    session: Session,
    patients: Iterable[tuple[int, Patient]],
    as_of: dt.date,
    computed_at: dt.datetime,
    profiles: Iterable[Profile] | None = None,
) -> list[int]:
    """Recompute and replace the summary rows of the given ``(registry key, patient)`` pairs
    under every profile (two statements per call); returns the keys whose summary could not be
    computed.

    A failure of the rules never blocks the clinical write that triggered it: that patient is
    left without a summary, so it counts as stale (:func:`count_stale`) and is retried by the next
    refresh, and the failure is logged by registry key only (no patient data in logs).
    """
    chosen = list(profiles) if profiles is not None else list(PROFILES.values())
    patients = list(patients)
    write_identities(session=session, patients=patients)
    rows: list[dict[str, Any]] = []
    pks: list[int] = []
    failed: list[int] = []
    for pk, patient in patients:
        pks.append(pk)
        try:
            values = [summary_values(patient, as_of, profile) for profile in chosen]
        except Exception as error:  # any rules failure: keep the write, leave this summary missing
            # the type only: an exception's message or traceback may quote the patient's data
            log.error("the summary of registry key %s could not be computed (%s)", pk, type(error).__name__)
            failed.append(pk)
            continue
        rows += [{"patient_pk": pk, "computed_at": computed_at, **v} for v in values]
    if not pks:
        return failed
    conn = session.connection()  # Core statements: the ORM's bulk path costs more than the rules here
    table = SUMMARY_TABLE
    conn.execute(
        delete(table).where(table.c.patient_pk.in_(pks), table.c.profile.in_([p.name for p in chosen]))
    )
    if rows:
        conn.execute(insert(table), rows)
    return failed


def refresh_written(*, session: Session, pk: int, patient: Patient, at: dt.datetime) -> None:
    """The write path's hook: the patient's rows, as of the write's (UTC) day, in its transaction."""
    write_summaries(session=session, patients=[(pk, patient)], as_of=at.date(), computed_at=at)


@dataclass(frozen=True, slots=True)
class RefreshResult:
    patients: int
    as_of: dt.date
    failed: int = 0  # patients whose summary could not be computed (still stale, logged)


def stale_patient_pks(
    *, session: Session, as_of: dt.date, limit: int | None = None, skip: Collection[int] = ()
) -> list[int]:
    """Registry keys of patients with a missing or expired summary (under any profile), in key order."""
    from .timeline import PatientRow

    fresh = (
        select(_S.patient_pk)
        .where(_S.valid_until >= as_of)
        .group_by(_S.patient_pk)
        .having(func.count() >= len(PROFILES))
    )
    query = select(PatientRow.pk).where(PatientRow.pk.not_in(fresh)).order_by(PatientRow.pk)
    if skip:
        query = query.where(PatientRow.pk.not_in(list(skip)))
    if limit is not None:
        query = query.limit(limit)
    return list(session.execute(query).scalars())


def count_stale(*, session: Session, as_of: dt.date) -> int:
    from .timeline import PatientRow

    fresh = (
        select(_S.patient_pk)
        .where(_S.valid_until >= as_of)
        .group_by(_S.patient_pk)
        .having(func.count() >= len(PROFILES))
    )
    return int(
        session.execute(
            select(func.count()).select_from(PatientRow).where(PatientRow.pk.not_in(fresh))
        ).scalar_one()
    )


def refresh_stale(
    *,
    session: Session,
    as_of: dt.date,
    computed_at: dt.datetime,
    chunk_size: int = 500,
    everyone: bool = False,
    progress: Callable[[int], None] | None = None,
) -> RefreshResult:
    """Recompute every summary that is missing or expired on ``as_of`` (``everyone``: all of them),
    ``chunk_size`` patients at a time: three queries per chunk, never one per patient."""
    from .timeline import PatientRow, _timeline, current_records

    done, after = 0, 0
    failed: list[int] = []
    while True:
        if everyone:
            pks = list(
                session.execute(
                    select(PatientRow.pk)
                    .where(PatientRow.pk > after)
                    .order_by(PatientRow.pk)
                    .limit(chunk_size)
                ).scalars()
            )
        else:
            pks = stale_patient_pks(session=session, as_of=as_of, limit=chunk_size, skip=failed)
        if not pks:
            return RefreshResult(done - len(failed), as_of, len(failed))
        records = current_records(session=session, pks=pks)
        failed += write_summaries(
            session=session,
            patients=((pk, _timeline(records[pk])) for pk in pks),
            as_of=as_of,
            computed_at=computed_at,
        )
        done += len(pks)
        after = pks[-1]
        if progress is not None:
            progress(len(pks))


def summary_filter(
    *,
    profile: str,
    disease: str | None = None,
    site: str | None = None,
    treated_from: dt.date | None = None,
    treated_to: dt.date | None = None,
) -> list[Any]:
    """WHERE clauses shared by every report: one profile's rows, an indication, a site, and the
    patients treated during [``treated_from``, ``treated_to``] (first infusion on or before the
    end, treatment still running or ended on or after the start)."""
    clauses: list[Any] = [_S.profile == profile]
    if disease:
        clauses.append(_S.disease == disease)
    if site:
        clauses.append(_S.site == site)
    if treated_to is not None:
        clauses.append(_S.first_infusion <= treated_to)
    if treated_from is not None:
        clauses.append(_S.treatment_end >= treated_from)
    return clauses
