"""alpha4 -> FHIR R4: a patient's timeline as a Bundle, an assessment as FHIR resources.

Every resource is built as JSON and then validated by the ``fhir.resources`` R4B
models (wire-compatible with R4 for these resources) before it leaves this module.
Each resource carries the alpha4 record id as an identifier, so re-importing the
bundle (:mod:`alpha4.interop.fhir_in`) rebuilds the same timeline. The timeline's resources are
written by one emitter per record kind (:mod:`alpha4.interop.fhir_emit`); this module makes the
bundles and the assessment's resources (DetectedIssue, RiskAssessment, ServiceRequest).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterable
from typing import Any

from fhir.resources.R4B import get_fhir_model_class

from alpha4.domain import (
    Patient,
)
from alpha4.rules import Assessment
from alpha4.rules.findings import Finding, GateEffect
from alpha4.rules.findings import Severity as FindingSeverity
from alpha4.rules.schedule import ScheduleItem, Status

from . import codes as c
from .fhir_emit import JsonDict, coding, concept, fhir_id, local, patient_resources


def patient_to_bundle(patient: Patient) -> JsonDict:
    """The patient's whole timeline as a FHIR R4 ``collection`` Bundle (validated).

    >>> from alpha4.domain.builders import ms_patient
    >>> b = patient_to_bundle(ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=2))
    >>> b["type"], [e["resource"]["resourceType"] for e in b["entry"]][:4]
    ('collection', ['Patient', 'Condition', 'MedicationAdministration', 'MedicationAdministration'])
    """
    return make_bundle(patient_resources(patient), "collection")


def patients_to_bundle(patients: Iterable[Patient]) -> JsonDict:
    """Several patients in one FHIR R4 ``collection`` Bundle (validated), each as :func:`patient_to_bundle`.

    A resource id another patient already used is made unique (``<patient>-<id>``) and the references
    to it follow; the alpha4 record id stays in its identifier, so the records read back the same.

    >>> from alpha4.domain.builders import ms_patient
    >>> b = patients_to_bundle([ms_patient(id="A", first_infusion=dt.date(2024, 1, 1), infusions=1),
    ...                         ms_patient(id="B", first_infusion=dt.date(2024, 1, 1), infusions=1)])
    >>> [e["resource"]["id"] for e in b["entry"] if e["resource"]["resourceType"] == "Patient"]
    ['A', 'B']
    """
    used: set[str] = set()
    resources: list[JsonDict] = []
    for patient in patients:
        own = patient_resources(patient)
        renamed: dict[str, str] = {}
        for r in own:
            key = f"{r['resourceType']}/{r['id']}"
            if key in used:
                new_id = fhir_id(f"{fhir_id(patient.id)}-{r['id']}")
                renamed[key] = f"{r['resourceType']}/{new_id}"
                r["id"] = new_id
            used.add(f"{r['resourceType']}/{r['id']}")
        resources.extend(_rename_references(r, renamed) for r in own)
    return make_bundle(resources, "collection")


def _rename_references(value: Any, renamed: dict[str, str]) -> Any:
    if isinstance(value, dict):
        return {
            k: (
                renamed.get(v, v)
                if k == "reference" and isinstance(v, str)
                else _rename_references(v, renamed)
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_rename_references(v, renamed) for v in value]
    return value


def make_bundle(resources: Iterable[JsonDict], kind: str) -> JsonDict:
    """A validated Bundle of ``resources`` (``fullUrl`` from alpha4's base and the resource id)."""
    entries = [
        {"fullUrl": f"{c.BASE}/{r['resourceType']}/{r['id']}", "resource": validate(r)} for r in resources
    ]
    bundle: JsonDict = {"resourceType": "Bundle", "type": kind, "entry": entries}
    return validate(bundle)


def validate(resource: JsonDict) -> JsonDict:
    """Validate one resource with the R4B model and return its JSON form (raises ValidationError)."""
    model = get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    out: JsonDict = json.loads(model.model_dump_json(exclude_none=True))
    return out


# --- the assessment as FHIR ------------------------------------------------------------------
_ISSUE_SEVERITY = {
    FindingSeverity.CRITICAL: "high",
    FindingSeverity.WARNING: "moderate",
    FindingSeverity.INFO: "low",
}

# Schedule items that alpha4 can order, with what to order.
_ORDER_FOR_ITEM = {
    "jcv_antibody_test": "jcv",
    "antibody_test": "antibody",
    "mri": "mri",
    "complete_blood_count": "cbc",
    "liver_function_tests": "lft",
}


def issue_severity(f: Finding) -> str:
    """DetectedIssue.severity for a finding: a stop is always ``high``.

    >>> from alpha4.rules.findings import finding
    >>> issue_severity(finding("PML_JCV_MISSING", "x")), issue_severity(finding("PML_CONFIRMED", "x"))
    ('moderate', 'high')
    """
    return "high" if f.gate is GateEffect.STOP else _ISSUE_SEVERITY[f.severity]


def detected_issue(f: Finding, patient_ref: str, as_of: dt.date, n: int) -> JsonDict:
    evidence = []
    for e in f.evidence:
        item: JsonDict = {}
        if e.source_ref:
            item["detail"] = [{"reference": e.source_ref}]
        label = " ".join(x for x in (e.record_type, e.record_id or "", str(e.date or ""), e.value) if x)
        item["code"] = [concept(text=label)]
        evidence.append(item)
    return {
        "resourceType": "DetectedIssue",
        "id": f"issue-{n}-{f.code.lower().replace('_', '-')}",
        "status": "final",
        "code": concept(coding(c.FINDING_CODES, f.code, f.title), text=f.title),
        "severity": issue_severity(f),
        "patient": {"reference": patient_ref},
        "identifiedDateTime": as_of.isoformat(),
        "detail": f.detail,
        **({"reference": f.sources[0].rsplit(" <", 1)[-1].rstrip(">")} if _url_source(f) else {}),
        **({"evidence": evidence} if evidence else {}),
        "mitigation": [{"action": concept(text=f.action)}],
    }


def _url_source(f: Finding) -> bool:
    return bool(f.sources) and f.sources[0].endswith(">") and "<http" in f.sources[0]


def risk_assessment(a: Assessment, patient_ref: str) -> JsonDict | None:
    """PML risk as a RiskAssessment: probability per 1,000 as a decimal, with the table as basis."""
    if a.pml is None:
        return None
    r = a.pml
    basis = [{"display": f"{r.table_title}: {r.band} ({r.source})"}]
    return {
        "resourceType": "RiskAssessment",
        "id": "pml-risk",
        "status": "final",
        "subject": {"reference": patient_ref},
        "occurrenceDateTime": a.as_of.isoformat(),
        "code": concept(local("pml-risk", "PML risk on natalizumab")),
        "basis": basis,
        "prediction": [
            {
                "outcome": concept(
                    coding(c.SNOMED, c.PML_SNOMED.code, c.PML_SNOMED.display),
                    text="Progressive multifocal leukoencephalopathy",
                ),
                "probabilityDecimal": round(r.risk_per_1000 / 1000, 8),
                "qualitativeRisk": concept(
                    coding(
                        "http://terminology.hl7.org/CodeSystem/risk-probability",
                        "high" if a.pml_higher_risk else "low",
                    )
                )
                if a.pml_higher_risk is not None
                else None,
                "rationale": f"{r.qualifier}{r.risk_per_1000} per 1,000 ({r.band}; {r.table})",
            }
        ],
        "note": [{"text": n} for n in r.notes] or None,
    }


def service_request(item: ScheduleItem, patient_ref: str, as_of: dt.date) -> JsonDict | None:
    """A proposed order for a due or overdue test (JCV, antibodies, MRI, labs); None for others."""
    key = _ORDER_FOR_ITEM.get(item.item)
    if key is None or item.status not in (Status.DUE, Status.OVERDUE, Status.DUE_SOON):
        return None
    return {
        "resourceType": "ServiceRequest",
        "id": f"order-{key}",
        "status": "draft",
        "intent": "proposal",
        "code": c.order_concept(key),
        "subject": {"reference": patient_ref},
        "authoredOn": as_of.isoformat(),
        **({"occurrenceDateTime": item.due.isoformat()} if item.due else {}),
        "reasonCode": [concept(text=item.reason)] if item.reason else None,
        "priority": "urgent" if item.status is Status.OVERDUE else "routine",
    }


def assessment_to_bundle(a: Assessment, patient_ref: str | None = None) -> JsonDict:
    """An assessment as a ``collection`` Bundle: DetectedIssue per finding, RiskAssessment, ServiceRequests.

    >>> from alpha4.domain.builders import ms_patient
    >>> from alpha4.knowledge import US
    >>> from alpha4.rules import assess
    >>> a = assess(ms_patient(first_infusion=dt.date(2024, 1, 8), infusions=6), dt.date(2024, 6, 24), US)
    >>> b = assessment_to_bundle(a)
    >>> sorted({e["resource"]["resourceType"] for e in b["entry"]})
    ['DetectedIssue', 'ServiceRequest']
    """
    ref = patient_ref or f"Patient/{fhir_id(a.patient_id)}"
    resources: list[JsonDict] = [detected_issue(f, ref, a.as_of, n) for n, f in enumerate(a.findings, 1)]
    risk = risk_assessment(a, ref)
    if risk is not None:
        resources.append(risk)
    for item in a.schedule:
        order = service_request(item, ref, a.as_of)
        if order is not None:
            resources.append(order)
    return make_bundle((_drop_none(r) for r in resources), "collection")


def _drop_none(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def new_uuid() -> str:
    return str(uuid.uuid4())
