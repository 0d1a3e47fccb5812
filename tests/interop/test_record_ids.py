"""Record ids from FHIR are URL path segments, stable, and never collide (issue 14, item 12)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from alpha4.domain import WeightRecord
from alpha4.interop.fhir_readers import fhir_record_id


@pytest.mark.parametrize(
    ("resource_id", "full_url", "expected"),
    [
        ("ma-1", "https://ehr.example/fhir/MedicationAdministration/ma-1", "MedicationAdministration-ma-1"),
        (
            None,
            "urn:uuid:4b0f8a1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c",
            "MedicationAdministration-4b0f8a1c-2d3e-4f5a-8b9c-0d1e2f3a4b5c",
        ),
        (None, "urn:oid:1.2.3.4", "MedicationAdministration-1.2.3.4"),
    ],
)
def test_a_fhir_resource_gets_a_url_safe_record_id(
    resource_id: str | None, full_url: str, expected: str
) -> None:
    assert fhir_record_id("MedicationAdministration", resource_id, full_url, {}) == expected
    WeightRecord(id=expected, date="2026-01-01", weight_kg=70)  # the domain accepts it


def test_resources_without_id_or_full_url_get_distinct_stable_ids() -> None:
    a = {"resourceType": "Observation", "status": "final", "valueQuantity": {"value": 1}}
    b = {"resourceType": "Observation", "status": "final", "valueQuantity": {"value": 2}}
    ids = [fhir_record_id("Observation", None, None, r) for r in (a, b, dict(a))]
    assert ids[0] != ids[1] and ids[0] == ids[2]
    assert all(i.startswith("Observation-sha256-") for i in ids)


def test_a_full_url_that_is_not_a_urn_is_digested_not_copied() -> None:
    rid = fhir_record_id("Observation", None, "https://ehr.example/fhir/Observation?x=1", {})
    assert rid.startswith("Observation-url-") and "/" not in rid and ":" not in rid


@pytest.mark.parametrize("bad", ["Observation/123", "urn:uuid:1", "a b", "x@y", ""])
def test_the_domain_refuses_a_record_id_that_is_not_a_path_segment(bad: str) -> None:
    with pytest.raises(ValidationError):
        WeightRecord(id=bad, date="2026-01-01", weight_kg=70)
