"""Bundles of several patients (searchset, registry export) and the cache of validated resources."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pytest

from alpha4.domain.builders import ms_patient
from alpha4.interop.fhir_in import (
    VALIDATED,
    FhirInputError,
    bundle_to_patient,
    bundle_to_patients,
    validate_resource,
)
from alpha4.interop.fhir_out import patient_to_bundle, patients_to_bundle

START = dt.date(2024, 1, 1)


def two() -> dict[str, Any]:
    return patients_to_bundle(
        [
            ms_patient(id="A", first_infusion=START, infusions=2),
            ms_patient(id="B", first_infusion=START, infusions=4),
        ]
    )


def test_each_patient_gets_its_own_records_even_when_record_ids_collide() -> None:
    bundle = two()  # both patients' infusions are called inf-1, inf-2, ...: ids are made unique
    ids = [f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in bundle["entry"]]
    assert len(ids) == len(set(ids))
    got = bundle_to_patients(bundle)
    assert got.unmapped == ()
    by_id = {p.imported.patient.id: p.imported for p in got.patients if p.imported}
    assert {k: len(v.patient.infusions) for k, v in by_id.items()} == {"A": 2, "B": 4}
    assert all(v.unmapped == () for v in by_id.values())
    alone = bundle_to_patient(
        patient_to_bundle(ms_patient(id="B", first_infusion=START, infusions=4))
    ).patient
    assert [i.id for i in by_id["B"].patient.infusions] == [i.id for i in alone.infusions]


def test_a_bad_resource_rejects_only_the_patient_it_names() -> None:
    bundle = two()
    bad = next(
        e
        for e in bundle["entry"]
        if e["resource"]["resourceType"] == "MedicationAdministration"
        and "B" in e["resource"]["subject"]["reference"]
    )
    bad["resource"]["effectiveDateTime"] = "not-a-date"
    got = bundle_to_patients(bundle)
    outcome = {p.ref: (p.imported is not None, p.error) for p in got.patients}
    assert outcome["Patient/A"] == (True, None)
    ok, error = outcome["Patient/B"]
    assert not ok and error is not None and error.resource.startswith("MedicationAdministration/")


def test_a_resource_naming_no_patient_is_reported_once() -> None:
    bundle = two()
    orphan = copy.deepcopy(
        next(e for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationAdministration")
    )
    orphan["resource"]["id"] = "orphan"
    orphan["fullUrl"] = "urn:uuid:orphan"
    del orphan["resource"]["subject"]
    bundle["entry"].append(orphan)
    with pytest.raises(FhirInputError):  # subject is required for MedicationAdministration in R4
        validate_resource(orphan["resource"])
    got = bundle_to_patients(bundle)
    assert [p.error.resource for p in got.patients if p.error] == ["MedicationAdministration/orphan"] * 2


def test_no_patient_at_all() -> None:
    with pytest.raises(FhirInputError, match="no Patient"):
        bundle_to_patients({"resourceType": "Bundle", "type": "searchset", "entry": []})


def test_validated_resources_are_cached_by_content() -> None:
    resource = patient_to_bundle(ms_patient(first_infusion=START, infusions=1))["entry"][2]["resource"]
    VALIDATED.clear()
    first = validate_resource(resource)
    assert validate_resource(copy.deepcopy(resource)) is first  # same content: validated once
    changed = copy.deepcopy(resource)
    changed["bogus"] = 1
    with pytest.raises(FhirInputError, match="bogus"):  # other content is validated again
        validate_resource(changed)
    assert validate_resource(resource) is first
