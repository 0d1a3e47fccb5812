"""CDS Hooks on EHR-shaped data: deceased and never-treated patients, suggestions (unique ids, each
order once, orderable LOINC codes), short source labels."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import load_patient
from alpha4.domain.builders import ms_patient
from alpha4.interop import cds
from alpha4.interop.fhir_out import patient_to_bundle
from alpha4.knowledge import US

from . import ehr_variants as v
from .conftest import EXAMPLES, as_of_for
from .test_cds import prefetch_for, request

AS_OF = as_of_for("ehr")


def cards_for_bundle(bundle: dict[str, Any], patient_id: str, **options: Any) -> list[cds.Card]:
    """The patient-view cards (an EHR's Patient always has its id on a CDS call)."""
    import json

    patient = bundle["entry"][0]["resource"]
    patient.setdefault("id", patient_id)
    # On a CDS call the EHR's server references its Patient by id (prefetch has no fullUrls).
    bundle = json.loads(json.dumps(bundle).replace(v.PATIENT_URL, f"Patient/{patient_id}"))
    call = request("patient-view", patient_id, prefetch_for(bundle))
    resources, notes = cds.prefetched_resources(call.prefetch or {})
    return cds.render(cds.evaluate(call, resources, notes, as_of=AS_OF, profile=US, **options), call).cards


def test_a_deceased_patient_gets_one_card_and_no_advice() -> None:
    (card,) = cards_for_bundle(v.build("deceased"), "MRN-448812")
    assert (
        card.indicator == "info"
        and card.summary == "Patient recorded as deceased on 2026-10-01: no natalizumab advice"
    )
    assert card.suggestions is None


def never_treated() -> dict[str, Any]:
    patient = ms_patient(id="naive", first_infusion=dt.date(2024, 1, 1), infusions=0)
    return patient_to_bundle(patient)


def test_a_patient_never_given_natalizumab_gets_one_informational_card() -> None:
    (card,) = cards_for_bundle(never_treated(), "naive")
    assert (
        card.indicator == "info"
        and card.summary == "Natalizumab not recorded for this multiple sclerosis patient"
    )
    assert cards_for_bundle(never_treated(), "naive", candidate_cards=False) == []


def test_a_natalizumab_patient_still_gets_the_safety_cards() -> None:
    cards = cards_for_bundle(v.base(), "MRN-448812")
    assert cards[0].summary.startswith("Natalizumab: HOLD")
    # An administration alpha4 cannot name may be natalizumab: the full cards, not the candidate card.
    unnamed = v.build("unresolvable_medication")
    for ma in v.resources(unnamed, "MedicationAdministration"):
        ma.pop("medicationCodeableConcept", None)
        ma["medicationReference"] = {"reference": "Medication/elsewhere"}
    assert cards_for_bundle(unnamed, "MRN-448812")[0].summary.startswith("Natalizumab: ")


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_suggestions_are_unique_and_each_order_is_suggested_once(path: Any) -> None:
    patient = load_patient(path.read_text())
    call = request("patient-view", patient.id, prefetch_for(patient_to_bundle(patient)))
    resources, notes = cds.prefetched_resources(call.prefetch or {})
    cards = cds.answer(call, resources, notes, as_of=as_of_for(path.stem), profile=US).cards
    uuids = [c.uuid for c in cards] + [s.uuid for c in cards for s in c.suggestions or []]
    assert len(uuids) == len(set(uuids))
    orders = [
        a.resource["code"]["coding"][0]["code"]
        for c in cards
        for s in c.suggestions or []
        for a in s.actions
        if a.type == "create" and a.resource is not None
    ]
    assert len(orders) == len(set(orders)), orders
    for c in cards:
        assert len(c.source.label) <= 60, c.source.label


def test_orders_carry_standard_codes_first() -> None:
    expected = {
        "jcv": "70173-0",
        "antibody": "58012-6",
        "cbc": "57021-8",
        "lft": "24325-3",
        "mri": "24590-2",
    }
    for key, loinc in expected.items():
        action = cds.order_action(key, "p1", "due")
        assert action.resource is not None
        first, second = action.resource["code"]["coding"]
        assert (first["system"], first["code"]) == ("http://loinc.org", loinc)
        assert second["system"] == "https://alpha4.example/fhir/CodeSystem/alpha4"


def test_source_labels_are_short_names() -> None:
    assert (
        cds.short_label(
            "TYSABRI 300 mg concentrate, EU Summary of Product Characteristics, 4.4 Special warnings: PML <https://x.example>"
        )
        == "EU SmPC 4.4"
    )
    assert cds.short_label("FDA Drug Safety Communication, 20 Jan 2012: new risk factor for PML") == (
        "FDA Drug Safety Communication 2012"
    )
    long = "A" * 100
    assert len(cds.short_label(long)) == 60
