"""The patient banner at the top of every patient page: two identifiers, allergies and the gate.

Infusion safety asks for two identifiers before anything is given: the banner shows the name and
the date of birth (with the age), the MRN and alpha4's id, the indication, every recorded
hypersensitivity, and today's gate, on every page about one patient.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alpha4.domain import Patient, ReactionKind
from alpha4.rules import Assessment

from .formatting import age_on


@dataclass(frozen=True, slots=True)
class Banner:
    patient_id: str
    family_name: str | None
    given_name: str | None
    birth_date: Any
    age: int
    mrn: str | None
    sex: str
    indication: str
    allergies: list[str]
    gate: str
    gate_headline: str
    infused_today: bool

    @property
    def name(self) -> str:
        if self.family_name and self.given_name:
            return f"{self.family_name.upper()}, {self.given_name}"
        return (self.family_name or "").upper() or self.given_name or "(no name recorded)"


def indication_text(patient: Patient) -> str:
    ind = patient.indication
    if ind.disease.value == "crohns_disease":
        return "Crohn's disease"
    return f"Multiple sclerosis ({ind.ms_course.value.upper()})" if ind.ms_course else "Multiple sclerosis"


def allergies(patient: Patient) -> list[str]:
    """Every recorded hypersensitivity: the allergy list and reactions at infusions."""
    out = [f"{h.agent} ({h.severity.value})" for h in patient.hypersensitivities]
    for i in patient.infusions:
        r = i.reaction
        if r is not None and r.kind is not ReactionKind.INFUSION_REACTION:
            out.append(f"natalizumab: {r.kind.value} grade {r.grade} on {i.date.isoformat()}")
    return out


def banner(patient: Patient, a: Assessment) -> Banner:
    return Banner(
        patient_id=patient.id,
        family_name=patient.family_name,
        given_name=patient.given_name,
        birth_date=patient.birth_date,
        age=age_on(patient.birth_date, a.as_of),
        mrn=patient.mrn,
        sex=patient.sex.value,
        indication=indication_text(patient),
        allergies=allergies(patient),
        gate=a.gate.decision.value,
        gate_headline=a.gate.headline or a.gate.decision.value.upper(),
        infused_today=any(i.date == a.as_of for i in patient.infusions),
    )
