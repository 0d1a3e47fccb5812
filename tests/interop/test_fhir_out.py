"""An assessment written as FHIR: DetectedIssue, RiskAssessment, ServiceRequest (valid R4)."""

from __future__ import annotations

from fhir.resources.R4B import get_fhir_model_class

from alpha4.domain import load_patient
from alpha4.interop.fhir_out import assessment_to_bundle
from alpha4.knowledge import US
from alpha4.rules import assess
from alpha4.rules.codes import CODES

from .conftest import EXAMPLES, as_of_for


def by_type(bundle: dict[str, object], kind: str) -> list[dict[str, object]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == kind]  # type: ignore[index,union-attr,attr-defined]


def test_every_example_writes_valid_fhir() -> None:
    for path in EXAMPLES:
        a = assess(load_patient(path.read_text()), as_of_for(path.stem), US)
        bundle = assessment_to_bundle(a)
        for entry in bundle["entry"]:
            resource = entry["resource"]
            get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        issues = by_type(bundle, "DetectedIssue")
        assert len(issues) == len(a.findings)
        for issue, f in zip(issues, a.findings, strict=True):
            assert issue["severity"] in ("high", "moderate", "low")
            code = issue["code"]["coding"][0]["code"]  # type: ignore[index]
            assert code == f.code and code in CODES
            if f.gate.value == "stop":
                assert issue["severity"] == "high"


def test_risk_assessment_is_per_thousand_as_a_decimal() -> None:
    path = next(p for p in EXAMPLES if p.stem == "ms_jcv_positive_high_index")
    a = assess(load_patient(path.read_text()), as_of_for(path.stem), US)
    (risk,) = by_type(assessment_to_bundle(a), "RiskAssessment")
    assert a.pml is not None
    prediction = risk["prediction"][0]  # type: ignore[index]
    assert prediction["probabilityDecimal"] == a.pml.risk_per_1000 / 1000
    assert a.pml.table_title in risk["basis"][0]["display"]  # type: ignore[index]


def test_overdue_jcv_test_becomes_a_service_request() -> None:
    path = next(p for p in EXAMPLES if p.stem == "ms_jcv_stale")
    a = assess(load_patient(path.read_text()), as_of_for(path.stem), US)
    orders = by_type(assessment_to_bundle(a), "ServiceRequest")
    codes = {o["code"]["coding"][0]["code"] for o in orders}  # type: ignore[index]
    assert "70173-0" in codes
    assert all(o["status"] == "draft" and o["intent"] == "proposal" for o in orders)
