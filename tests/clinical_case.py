"""Clinical cases as data (issue 15): one YAML file per case under ``tests/cases/clinical/``.

A case is a patient timeline (inline, or ``patient_file`` naming a shipped example), an ``as_of``,
a ``profile``, optional ``checklist`` answers, and the **full expected answer**: gate decision,
reasons, headline and checklist state, the complete set of finding codes, the PML risk and band, and
the status and due date of every schedule item. ``tests/test_clinical_cases.py`` runs them all; an extra finding
fails as surely as a missing one. ``scripts/clinical_case.py`` prints a case's actual answer beside
the expected one for review and rewrites it only when asked (``--write``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import yaml

from alpha4.domain import Patient, PreInfusionChecklist, load_patient
from alpha4.knowledge import get_profile
from alpha4.rules import Assessment, assess

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases" / "clinical"


def load_case(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def case_patient(case: dict[str, Any]) -> Patient:
    if "patient_file" in case:
        return load_patient((ROOT / case["patient_file"]).read_text(encoding="utf-8"))
    return Patient.model_validate(case["patient"])


def run_case(case: dict[str, Any]) -> Assessment:
    checklist = case.get("checklist")
    answers = PreInfusionChecklist.model_validate(checklist) if checklist is not None else None
    as_of = case["as_of"]
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    return assess(case_patient(case), as_of, get_profile(case["profile"]), answers)


def answer(a: Assessment) -> dict[str, Any]:
    """The full clinical answer of an assessment, as a case file states it."""
    pml = None
    if a.pml is not None:
        pml = {
            "risk_per_1000": a.pml.risk_per_1000,
            "qualifier": a.pml.qualifier,
            "band": a.pml.band,
            "additional": [f"{x.table}: {x.qualifier}{x.risk_per_1000} ({x.band})" for x in a.pml.additional],
        }
    return {
        "gate": a.gate.decision.value,
        "reasons": list(a.gate.reasons),
        "headline": a.gate.headline,
        "checklist": a.gate.checklist.value,
        "observation": a.gate.observation,
        "findings": sorted({f.code for f in a.findings}),
        "pml": pml,
        "pml_higher_risk": a.pml_higher_risk,
        "next_infusion": a.next_infusion.isoformat() if a.next_infusion else None,
        "schedule": {s.item: f"{s.status.value} {s.due.isoformat() if s.due else ''}".strip() for s in a.schedule},
    }


def dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=110)
