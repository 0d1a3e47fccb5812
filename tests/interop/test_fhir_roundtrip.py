"""alpha4 record -> FHIR R4 Bundle -> alpha4 record gives the same timeline and the same assessment."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from alpha4.domain import load_patient
from alpha4.interop.fhir_in import bundle_to_patient
from alpha4.interop.fhir_out import patient_to_bundle
from alpha4.knowledge import EU, US
from alpha4.rules import Assessment, assess

from .conftest import DATA, EXAMPLES, as_of_for


def without_source_refs(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_source_refs(v) for k, v in value.items() if k != "source_ref"}
    if isinstance(value, list):
        return [without_source_refs(v) for v in value]
    return value


def answer(a: Assessment) -> tuple[Any, ...]:
    """What must not change: gate, reasons, findings (code, severity, gate, detail), PML risk."""
    return (
        a.gate.decision,
        a.gate.reasons,
        [(f.code, f.severity, f.gate, f.detail) for f in a.findings],
        a.pml,
        a.pml_higher_risk,
        [(s.item, s.due, s.status) for s in a.schedule],
    )


def test_examples_are_there() -> None:
    assert len(EXAMPLES) >= 30


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_round_trip(path: Path) -> None:
    patient = load_patient(path.read_text())
    bundle = json.loads(json.dumps(patient_to_bundle(patient)))  # through the wire form
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    imported = bundle_to_patient(bundle)
    assert imported.unmapped == ()
    back = imported.patient
    assert without_source_refs(back.model_dump(mode="json")) == without_source_refs(
        patient.model_dump(mode="json")
    )
    for event in back.events():
        assert event.source_ref and "/" in event.source_ref
    as_of = as_of_for(path.stem)
    for profile in (US, EU):
        assert answer(assess(back, as_of, profile)) == answer(assess(patient, as_of, profile))


def test_evidence_points_back_at_the_ehr() -> None:
    bundle = json.loads((DATA / "bundles" / "ehr_ms_jcv_positive.json").read_text())
    patient = bundle_to_patient(bundle).patient
    a = assess(patient, as_of_for("ehr"), US)
    refs = {e.source_ref for f in a.findings for e in f.evidence if e.source_ref}
    assert refs, "no finding points at an EHR resource"
    ids = {f"{e['resource']['resourceType']}/{e['resource'].get('id')}" for e in bundle["entry"]}
    assert refs <= ids


def test_hand_written_bundle_matches_the_same_patient_in_alpha4_format() -> None:
    bundle = json.loads((DATA / "bundles" / "ehr_ms_jcv_positive.json").read_text())
    record = load_patient((DATA / "bundles" / "ehr_ms_jcv_positive.alpha4.json").read_text())
    imported = bundle_to_patient(bundle)
    as_of = as_of_for("ehr")
    for profile in (US, EU):
        assert answer(assess(imported.patient, as_of, profile)) == answer(assess(record, as_of, profile))
    a = assess(imported.patient, as_of, US)
    assert a.pml is not None and a.pml.risk_per_1000 > 1  # JCV positive, prior azathioprine
    assert a.pml.group == "jcv_positive_prior_is"
    assert [(u.resource_type, u.reason.split(":")[0]) for u in imported.unmapped] == [
        ("Encounter", "Encounter is not read by alpha4"),
        ("Condition", "condition code not in alpha4's tables (docs/interop.md)"),
        ("MedicationStatement", "medicine acetaminophen (RxNorm 161) is not in alpha4's ingredient table"),
        ("Observation", "observation code not in alpha4's tables"),
    ]
    weight = imported.patient.weights[0]
    assert weight.weight_kg == pytest.approx(68.04, abs=0.01)  # 150 [lb_av]
