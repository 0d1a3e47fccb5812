"""A clinic's worklist: what is alarming, overdue or due, most urgent patient first."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from .assess import Assessment
from .findings import GateEffect, Severity
from .gate import Decision
from .schedule import Status

SHOWN_STATUSES = (Status.OVERDUE, Status.DUE, Status.DUE_SOON)
_GATE_RANK = {Decision.STOP: 0, Decision.HOLD: 1, Decision.GO: 2}


class WorkItem(BaseModel):
    """Either a finding (``code``, ``severity``) or a schedule item (``item``, ``status``, ``due``)."""

    model_config = ConfigDict(frozen=True)

    code: str | None = None
    item: str | None = None
    status: str
    severity: str | None = None
    due: dt.date | None = None
    title: str = ""


class WorklistRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    patient_id: str
    gate: str
    gate_headline: str = ""  # "GO after the checklist" until the screening questions are answered
    next_infusion: dt.date | None
    pml_risk_per_1000: float | None
    items: tuple[WorkItem, ...]
    # recorded as deceased: never offered for infusion; the row exists only so a caller can say why
    deceased: bool = False


def worklist_row(a: Assessment) -> WorklistRow:
    items: list[WorkItem] = []
    for f in a.findings:
        if f.category == "schedule" and f.gate is GateEffect.NONE:
            continue  # shown as the schedule item itself
        if f.gate is not GateEffect.NONE or f.severity is not Severity.INFO:
            status = f.gate.value if f.gate is not GateEffect.NONE else "alert"
            items.append(WorkItem(code=f.code, status=status, severity=f.severity.value, title=f.title))
    for s in a.schedule:
        if s.status in SHOWN_STATUSES:
            items.append(WorkItem(item=s.item, status=s.status.value, due=s.due, title=s.reason))
    return WorklistRow(
        patient_id=a.patient_id,
        gate=a.gate.decision.value,
        gate_headline=a.gate.headline,
        next_infusion=a.next_infusion,
        pml_risk_per_1000=a.pml.risk_per_1000 if a.pml else None,
        items=tuple(items),
        deceased="PATIENT_DECEASED" in a.gate.reasons,
    )


FIRST_AMONG_STOPS = frozenset({"PML_CONFIRMED"})  # a diagnosed PML is never ranked below another stop


def _urgency(a: Assessment) -> tuple[int, int, int, int, dt.date, str]:
    critical = sum(1 for f in a.findings if f.severity is Severity.CRITICAL)
    overdue = sum(1 for s in a.schedule if s.status is Status.OVERDUE)
    soonest = min((s.due for s in a.schedule if s.due and s.status in SHOWN_STATUSES), default=dt.date.max)
    first = 0 if FIRST_AMONG_STOPS & set(a.gate.reasons) else 1
    return (_GATE_RANK[a.gate.decision], first, -critical, -overdue, soonest, a.patient_id)


UrgencyKey = tuple[int, int, int, int, dt.date, str]


def worklist_entry(a: Assessment) -> tuple[UrgencyKey, WorklistRow]:
    """One patient's place in the worklist and row: all a streamed worklist keeps of an assessment.

    Sorting entries by their key and keeping the rows with items gives :func:`build_worklist`'s
    answer, so a registry can be assessed chunk by chunk (and in worker processes) without
    holding every assessment.
    """
    return _urgency(a), worklist_row(a)


def rows_from_entries(
    entries: Iterable[tuple[UrgencyKey, WorklistRow]], *, include_quiet: bool = False
) -> list[WorklistRow]:
    """The worklist from :func:`worklist_entry` results, in :func:`build_worklist`'s order."""
    rows = [row for _, row in sorted(entries, key=lambda e: e[0])]
    return rows if include_quiet else [r for r in rows if r.items]


def build_worklist(assessments: Iterable[Assessment], *, include_quiet: bool = False) -> list[WorklistRow]:
    """Rows sorted most urgent first (stop, hold, then go; a diagnosed PML first among stops; more critical findings, more overdue
    items, the earliest due date; patient id breaks ties so the order is stable)."""
    ordered = sorted(assessments, key=_urgency)
    rows = [r for r in (worklist_row(a) for a in ordered) if not r.deceased]
    return rows if include_quiet else [r for r in rows if r.items]
