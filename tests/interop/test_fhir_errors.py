"""Bad FHIR input: a clear error naming the resource and the element; unknown codes are reported."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from alpha4.domain.builders import ms_patient
from alpha4.interop.fhir_in import FhirInputError, bundle_to_patient
from alpha4.interop.fhir_out import patient_to_bundle

from .conftest import DATA


def sample() -> dict[str, Any]:
    import datetime as dt

    return patient_to_bundle(ms_patient(first_infusion=dt.date(2024, 1, 1), infusions=3))


def with_resource(bundle: dict[str, Any], resource: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(bundle)
    out["entry"].append({"fullUrl": f"urn:uuid:{len(out['entry'])}", "resource": resource})
    return out


def lab(code: str, value: float, unit: str, **extra: Any) -> dict[str, Any]:
    return {
        "resourceType": "Observation",
        "id": "bad-lab",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "subject": {"reference": "Patient/p-1"},
        "effectiveDateTime": "2024-02-01",
        "valueQuantity": {"value": value, "unit": unit, "system": "http://unitsofmeasure.org", "code": unit},
        **extra,
    }


def refused(bundle: Any) -> FhirInputError:
    with pytest.raises(FhirInputError) as caught:
        bundle_to_patient(bundle)
    return caught.value


def test_not_a_bundle() -> None:
    assert "expected a Bundle" in str(refused({"resourceType": "Patient", "id": "x"}))
    assert refused([1, 2]).resource == "Bundle"


def test_bundle_type_not_read() -> None:
    error = refused({"resourceType": "Bundle", "type": "history", "entry": []})
    assert error.element == "type"


def test_dstu1_resource_is_not_r4() -> None:
    old = json.loads((DATA / "fhir" / "observation-dstu1-f001.json").read_text())
    error = refused(with_resource(sample(), old))
    assert error.resource == "Observation/f001"
    assert "fails FHIR R4 validation" in error.message
    assert error.element in {"appliesPeriod", "reliability", "interpretation", "valueQuantity.units"}


def test_resource_failing_validation_names_the_element() -> None:
    bad = lab("731-0", 1.0, "10*3/uL")
    del bad["status"]
    error = refused(with_resource(sample(), bad))
    assert (error.resource, error.element) == ("Observation/bad-lab", "status")


def test_unknown_resource_type() -> None:
    error = refused(with_resource(sample(), {"resourceType": "Widget", "id": "w"}))
    assert (error.resource, error.element) == ("Widget/w", "resourceType")


def uninterpreted(bundle: Any) -> tuple[str, str]:
    """The one lab is kept as an uninterpreted record and reported; the patient is still read."""
    got = bundle_to_patient(bundle)
    assert [lab.source_ref for lab in got.patient.labs if lab.source_ref == "Observation/bad-lab"] == []
    assert len(got.patient.infusions) == 3
    (record,) = [r for r in got.patient.other_records if r.source_ref == "Observation/bad-lab"]
    (note,) = [u for u in got.unmapped if u.id == "bad-lab"]
    return record.type, note.reason


def test_unit_ucum_cannot_convert_makes_only_that_lab_uninterpretable() -> None:
    kind, reason = uninterpreted(with_resource(sample(), lab("731-0", 1.0, "mg/dL")))
    assert "unit 'mg/dL' cannot be converted to 10*3/uL" in reason
    assert "Lymphocytes" in kind and "not interpreted" in reason


def test_quantity_not_in_ucum_is_read_through_its_printed_unit() -> None:
    good = lab("731-0", 1.0, "10*3/uL")
    good["valueQuantity"] = {
        "value": 1.0,
        "unit": "K/uL",
        "system": "http://example.org/units",
        "code": "kul",
    }
    got = bundle_to_patient(with_resource(sample(), good))
    assert [(x.value, x.unit) for x in got.patient.labs if x.source_ref == "Observation/bad-lab"] == [
        (1.0, "K/uL")
    ]


def test_quantity_not_in_ucum_without_a_readable_unit() -> None:
    bad = lab("731-0", 1.0, "10*3/uL")
    bad["valueQuantity"] = {"value": 1.0, "system": "http://example.org/units", "code": "x"}
    _, reason = uninterpreted(with_resource(sample(), bad))
    assert "is not UCUM" in reason


def test_loinc_with_a_wrong_check_digit() -> None:
    _, reason = uninterpreted(with_resource(sample(), lab("731-1", 1.0, "10*3/uL")))
    assert "check digit" in reason


def test_natalizumab_dose_missing() -> None:
    bundle = sample()
    administration = next(
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationAdministration"
    )
    del administration["dosage"]["dose"]
    error = refused(bundle)
    assert (error.resource, error.element) == (
        f"MedicationAdministration/{administration['id']}",
        "dosage.dose",
    )


def test_no_indication() -> None:
    bundle = sample()
    bundle["entry"] = [e for e in bundle["entry"] if e["resource"]["resourceType"] != "Condition"]
    assert "no multiple sclerosis or Crohn's disease" in refused(bundle).message


def test_unknown_code_system_is_reported_not_dropped() -> None:
    odd = {
        "resourceType": "Observation",
        "id": "local-1",
        "status": "final",
        "code": {"coding": [{"system": "http://hospital.example/codes", "code": "JCVX"}]},
        "subject": {"reference": "Patient/p-1"},
        "effectiveDateTime": "2024-02-01",
        "valueString": "positive",
    }
    got = bundle_to_patient(with_resource(sample(), odd))
    assert [(u.resource_type, u.id) for u in got.unmapped] == [("Observation", "local-1")]
    assert "http://hospital.example/codes" in got.unmapped[0].reason


def test_another_patients_resource_is_reported() -> None:
    other = lab("731-0", 1.0, "10*3/uL")
    other["subject"] = {"reference": "Patient/someone-else"}
    got = bundle_to_patient(with_resource(sample(), other))
    assert got.unmapped[0].reason == "belongs to another patient"
    assert got.patient.labs == ()


def test_jcv_index_alone_takes_the_stratify_cutoffs() -> None:
    index = lab("100977-8", 0.3, "{index}")
    got = bundle_to_patient(with_resource(sample(), index))
    (jcv,) = got.patient.jcv_results
    assert (jcv.serostatus.value if jcv.serostatus else None, jcv.index) == ("indeterminate", 0.3)
