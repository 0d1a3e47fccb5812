"""FHIR ``valueQuantity.comparator`` reaches the rules, and a result a safety check needs that the
reader could not interpret is said by that check (issue 13 items 2 and 3)."""

from __future__ import annotations

from typing import Any

from alpha4.interop.fhir_in import bundle_to_patient
from alpha4.knowledge import US
from alpha4.rules import Assessment, assess

from . import ehr_variants as v
from .conftest import as_of_for

AS_OF = as_of_for("ehr")
UCUM = "http://unitsofmeasure.org"


def _assess(bundle: dict[str, Any]) -> Assessment:
    return assess(bundle_to_patient(bundle).patient, AS_OF, US)


def _with_platelets(quantity: dict[str, Any]) -> dict[str, Any]:
    b = v.base()
    v.by_id(b, "lab-3")["valueQuantity"] = quantity
    return b


def _codes(a: Assessment) -> dict[str, str]:
    return {f.code: f.detail for f in a.findings}


def test_the_base_platelets_are_not_low() -> None:
    a = _assess(v.base())
    assert "LAB_THROMBOCYTOPENIA" not in _codes(a) and "LAB_BOUND_INCONCLUSIVE" not in _codes(a)


def test_platelets_below_50_are_at_most_50_and_held() -> None:
    b = _with_platelets({"value": 50, "comparator": "<", "unit": "10*9/L", "system": UCUM, "code": "10*9/L"})
    lab = next(x for x in bundle_to_patient(b).patient.labs if x.source_ref == "Observation/lab-3")
    assert (lab.value, lab.comparator) == (50, "<")
    a = _assess(b)
    assert a.gate.decision.value == "hold" and "LAB_THROMBOCYTOPENIA" in a.gate.reasons
    assert _codes(a)["LAB_THROMBOCYTOPENIA"].startswith(
        "Platelets <50 10*3/uL (below 50; the exact value is unknown) on 2026-08-20, below 150"
    )


def test_platelets_below_a_bound_above_the_limit_cannot_be_read_as_normal() -> None:
    b = _with_platelets({"value": 200, "comparator": "<", "unit": "10*9/L", "system": UCUM, "code": "10*9/L"})
    a = _assess(b)
    assert "LAB_BOUND_INCONCLUSIVE" in a.gate.reasons and "LAB_THROMBOCYTOPENIA" not in _codes(a)
    assert "may be on either side of the lower limit 150" in _codes(a)["LAB_BOUND_INCONCLUSIVE"]


def test_platelets_without_a_result_are_said_by_the_check() -> None:
    b = v.base()
    obs = v.by_id(b, "lab-3")
    del obs["valueQuantity"]
    obs["dataAbsentReason"] = {"text": "specimen clotted"}
    a = _assess(b)
    assert "LAB_NEEDED_RESULT_UNREADABLE" in a.gate.reasons
    detail = _codes(a)["LAB_NEEDED_RESULT_UNREADABLE"]
    assert detail.startswith("The platelets result of 2026-08-20 cannot be interpreted (")
    assert "specimen clotted" in detail and "the thrombocytopenia check cannot use it" in detail


def test_platelets_in_a_unit_that_does_not_convert_are_said_by_the_check() -> None:
    b = _with_platelets({"value": 240, "unit": "cells/hpf", "system": UCUM, "code": "/[HPF]"})
    a = _assess(b)
    assert "LAB_NEEDED_RESULT_UNREADABLE" in a.gate.reasons
    assert "'/[HPF]' cannot be converted to 10*3/uL" in _codes(a)["LAB_NEEDED_RESULT_UNREADABLE"]


def _without_azathioprine(index: dict[str, Any]) -> dict[str, Any]:
    """The base patient with no prior immunosuppressant (so the index decides the row)."""
    b = v.base()
    b["entry"] = [e for e in b["entry"] if e["resource"].get("id") != "ms-aza"]
    v.by_id(b, "jcvi-2026-07-01")["valueQuantity"] = index
    return b


def _assess_no_prior_is(bundle: dict[str, Any]) -> Assessment:
    patient = bundle_to_patient(bundle).patient
    return assess(patient.model_copy(update={"prior_immunosuppressant_reported": False}), AS_OF, US)


def test_a_jcv_index_above_a_bound_is_in_the_band_above_it() -> None:
    """``>1.5`` is above 1.5: read as exactly 1.5 it would fall in the lower-risk "index <= 1.5" row."""
    bounded = _without_azathioprine({"value": 1.5, "comparator": ">"})
    latest = bundle_to_patient(bounded).patient.jcv_results[-1]
    assert (latest.index, latest.index_comparator, latest.shown_index) == (1.5, ">", ">1.5")
    above, at = (
        _assess_no_prior_is(bounded).pml,
        _assess_no_prior_is(_without_azathioprine({"value": 1.5})).pml,
    )
    assert above is not None and at is not None
    assert (above.group, at.group) == (
        "jcv_positive_no_prior_is_index_gt_1.5",
        "jcv_positive_no_prior_is_index_le_1.5",
    )


def test_a_jcv_index_below_a_bound_is_read_at_the_bound() -> None:
    """``<1.6`` is at most 1.6: it may be 1.55, so the "index > 1.5" row (the worst case) is used."""
    risk = _assess_no_prior_is(_without_azathioprine({"value": 1.6, "comparator": "<"})).pml
    assert risk is not None and risk.group == "jcv_positive_no_prior_is_index_gt_1.5"


def test_bounds_survive_export_and_import() -> None:
    from alpha4.interop.fhir_out import patient_to_bundle

    b = _with_platelets({"value": 50, "comparator": "<", "unit": "10*9/L", "system": UCUM, "code": "10*9/L"})
    v.by_id(b, "jcvi-2026-07-01")["valueQuantity"] = {"value": 3.0, "comparator": ">"}
    first = bundle_to_patient(b).patient
    again = bundle_to_patient(patient_to_bundle(first)).patient
    assert [(x.loinc, x.value, x.comparator) for x in again.labs if x.comparator] == [("777-3", 50, "<")]
    assert [(j.index, j.index_comparator) for j in again.jcv_results] == [(0.15, None), (3.0, ">")]


def test_a_birth_year_only_gives_an_age_range_on_every_path() -> None:
    """FHIR ``birthDate: "2008"``: kept as a year (not refused), exported as a year, and on a day the
    patient is 17 or 18 the rules say so and apply the paediatric check."""
    import datetime as dt

    from alpha4.domain import Patient
    from alpha4.interop.fhir_out import patient_to_bundle

    b = v.base()
    b["entry"][0]["resource"]["birthDate"] = "2008"
    patient = bundle_to_patient(b).patient
    assert (patient.birth_date_precision.value, patient.birth_interval[0]) == ("year", dt.date(2008, 1, 1))
    exported = patient_to_bundle(patient)
    assert exported["entry"][0]["resource"]["birthDate"] == "2008"
    again = Patient.model_validate_json(patient.to_json())  # alpha4's own JSON (assess, import)
    assert again.birth_date_precision == patient.birth_date_precision
    a = assess(patient, dt.date(2026, 6, 1), US)
    codes = {f.code for f in a.findings}
    assert {"POP_AGE_RANGE", "POP_PEDIATRIC"} <= codes


def test_a_death_survives_export_and_import() -> None:
    import datetime as dt

    from alpha4.domain import Death
    from alpha4.domain.builders import ms_patient
    from alpha4.interop.fhir_out import patient_to_bundle

    base = ms_patient(first_infusion=dt.date(2024, 1, 8), infusions=2)
    for death in (Death(date=dt.date(2024, 3, 1)), Death()):
        again = bundle_to_patient(patient_to_bundle(base.model_copy(update={"death": death})))
        assert again.patient.death is not None and again.patient.death.date == death.date
        assert again.deceased == ("deceased on 2024-03-01" if death.date else "deceased")
