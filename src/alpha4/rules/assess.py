"""One call that runs every rule: a timeline and a date in, the assessment out."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict

from alpha4.domain import Patient, PreInfusionChecklist
from alpha4.knowledge import Profile

from .administration import administration_findings
from .antibodies import antibody_findings
from .context import Context
from .crohns import crohns_findings
from .eligibility import combination_findings, contraindications, infection_findings, meets_indication
from .findings import Finding, GateEffect, finding
from .gate import GATE_CHECKS, Decision, Gate, decide
from .labs import lab_findings
from .pml import PmlRisk, assess_pml
from .populations import age_findings, pregnancy_findings
from .response_ms import response_findings
from .schedule import ScheduleItem, Status, build_schedule, schedule_findings

_NO_RISK_REASONS = frozenset({"PML_JCV_MISSING", "PML_JCV_INDETERMINATE", "PML_CONFIRMED"})


class AssessmentError(RuntimeError):
    """An internal invariant of the assessment failed (a defect, never a patient's data)."""


class Assessment(BaseModel):
    model_config = ConfigDict(frozen=True)

    patient_id: str
    as_of: dt.date
    profile: str
    gate: Gate
    findings: tuple[Finding, ...]
    schedule: tuple[ScheduleItem, ...]
    pml: PmlRisk | None
    pml_higher_risk: bool | None
    antibody_status: str
    infusion_count: int
    next_infusion: dt.date | None


def _order(f: Finding) -> tuple[int, int, str]:
    effect = {GateEffect.STOP: 0, GateEffect.HOLD: 1, GateEffect.NONE: 2}[f.gate]
    return (effect, -f.severity.rank, f.code)


def assess(
    patient: Patient,
    as_of: dt.date,
    profile: Profile,
    checklist: PreInfusionChecklist | None = None,
) -> Assessment:
    """Assess one patient on ``as_of`` under ``profile``; pure and deterministic.

    >>> from alpha4.domain.builders import ms_patient
    >>> from alpha4.knowledge import US
    >>> a = assess(ms_patient(first_infusion=dt.date(2024, 1, 8), infusions=6), dt.date(2024, 6, 24), US)
    >>> a.gate.decision.value, "PML_JCV_MISSING" in a.gate.reasons
    ('hold', True)
    """
    ctx = Context(patient, as_of, profile, checklist)
    pml = assess_pml(ctx)
    antibodies, antibody_found = antibody_findings(ctx)
    findings: list[Finding] = [
        *pml.findings,
        *antibody_found,
        *meets_indication(ctx),
        *contraindications(ctx),
        *combination_findings(ctx),
        *infection_findings(ctx),
        *age_findings(ctx),
        *pregnancy_findings(ctx),
        *lab_findings(ctx),
        *crohns_findings(ctx),
        *response_findings(ctx),
        *administration_findings(ctx),
    ]
    for check in GATE_CHECKS:
        findings += check(ctx)
    schedule = build_schedule(ctx, pml, antibodies)
    findings += schedule_findings(ctx, schedule)
    findings += [
        finding(
            "RECORD_UNINTERPRETED",
            f"{r.type} of {r.date} is kept in the record; alpha4 has no rule that reads it.",
            evidence=[],
        )
        for r in ctx.other_records
    ]
    findings = _unique(findings)
    findings.sort(key=_order)
    gate = decide(ctx, findings, checklist)
    if gate.decision is Decision.STOP:
        dead = "PATIENT_DECEASED" in gate.reasons  # nothing at all is planned, not only the infusion
        schedule = [_stopped(i, gate) if i.item == "infusion" or dead else i for i in schedule]
        findings = [f for f in findings if f.code != "SCHEDULE_INFUSION_OVERDUE"]
    next_inf = next((i.due for i in schedule if i.item == "infusion"), None)
    if pml.risk is None and not any(f.code in _NO_RISK_REASONS for f in findings):
        raise AssessmentError(f"patient {patient.id}: no PML risk and no finding that says why")
    return Assessment(
        patient_id=patient.id,
        as_of=as_of,
        profile=profile.name,
        gate=gate,
        findings=tuple(findings),
        schedule=tuple(schedule),
        pml=pml.risk,
        pml_higher_risk=pml.higher_risk,
        antibody_status=antibodies.status.value,
        infusion_count=ctx.infusion_count,
        next_infusion=next_inf,
    )


def _stopped(item: ScheduleItem, gate: Gate) -> ScheduleItem:
    """No next infusion is due while the gate says stop: a decision is."""
    return item.model_copy(
        update={
            "due": None,
            "overdue_after": None,
            "status": Status.NOT_REQUIRED,
            "reason": "stopped: " + ", ".join(gate.reasons),
        }
    )


def _unique(findings: list[Finding]) -> list[Finding]:
    """Drop exact duplicates (the same code, detail and evidence reached twice)."""
    seen: set[tuple[str, str]] = set()
    out: list[Finding] = []
    for f in findings:
        key = (f.code, f.detail)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
