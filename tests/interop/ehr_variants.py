"""Legal reshapings of the hand-written EHR bundle, one per way EHRs really send FHIR R4.

Each function takes the base bundle (``data/bundles/ehr_ms_jcv_positive.json``: 22 Tysabri
infusions, anti-JCV positive with index 1.12, prior azathioprine) and returns a new bundle. The
``SAME`` variants must give exactly the base assessment; the ``CHANGED`` ones change it in the way
the test next to them states. ``scripts/build-ehr-corpus`` writes them to ``data/variants/``.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

Bundle = dict[str, Any]
DATA = Path(__file__).resolve().parent / "data"
BASE = DATA / "bundles" / "ehr_ms_jcv_positive.json"
VARIANTS = DATA / "variants"

TYSABRI_MEDICATION = {
    "resourceType": "Medication",
    "id": "tysabri",
    "code": {
        "coding": [
            {
                "system": "http://hl7.org/fhir/sid/ndc",
                "code": "64406-320-01",
                "display": "TYSABRI 300 mg/15 mL",
            }
        ]
    },
}
PATIENT_URL = "urn:uuid:7b0c3f0e-5f6e-4a59-9f0a-2c1d7e3b9a11"


def base() -> Bundle:
    data: Bundle = json.loads(BASE.read_text())
    return data


def resources(bundle: Bundle, rtype: str) -> list[dict[str, Any]]:
    return [e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == rtype]


def by_id(bundle: Bundle, rid: str) -> dict[str, Any]:
    return next(e["resource"] for e in bundle["entry"] if e["resource"].get("id") == rid)


def _administrations(b: Bundle) -> list[dict[str, Any]]:
    return resources(b, "MedicationAdministration")


def _referenced(b: Bundle, reference: Callable[[int], str], full_url: str) -> Bundle:
    for n, ma in enumerate(_administrations(b)):
        del ma["medicationCodeableConcept"]
        ma["medicationReference"] = {"reference": reference(n)}
    b["entry"].append({"fullUrl": full_url, "resource": copy.deepcopy(TYSABRI_MEDICATION)})
    return b


# --- the same clinical answer -----------------------------------------------------------------
def contained_medication(b: Bundle) -> Bundle:
    for ma in _administrations(b):
        del ma["medicationCodeableConcept"]
        ma["contained"] = [{**copy.deepcopy(TYSABRI_MEDICATION), "id": "med"}]
        ma["medicationReference"] = {"reference": "#med"}
    return b


def medication_by_urn_uuid(b: Bundle) -> Bundle:
    url = "urn:uuid:0d7f1e4c-3b7a-4a43-9d2e-6f1c3a9b8e01"
    return _referenced(b, lambda n: url, url)


def medication_by_relative_url(b: Bundle) -> Bundle:
    return _referenced(b, lambda n: "Medication/tysabri", "https://ehr.example/fhir/Medication/tysabri")


def medication_by_absolute_url(b: Bundle) -> Bundle:
    url = "https://ehr.example/fhir/Medication/tysabri"
    return _referenced(b, lambda n: url, url)


def medication_text_only(b: Bundle) -> Bundle:
    for ma in _administrations(b):
        ma["medicationCodeableConcept"] = {"text": "TYSABRI® 300 mg/15 mL"}
    return b


def medication_by_ingredient(b: Bundle) -> Bundle:
    """A Medication resource coded by a product code alpha4 does not know, with its ingredient."""
    b = _referenced(b, lambda n: "Medication/tysabri", "https://ehr.example/fhir/Medication/tysabri")
    med = by_id(b, "tysabri")
    med["code"] = {"coding": [{"system": "http://www.nlm.nih.gov/research/umls/rxnorm", "code": "999999991"}]}
    med["ingredient"] = [
        {
            "itemCodeableConcept": {
                "coding": [
                    {
                        "system": "http://www.nlm.nih.gov/research/umls/rxnorm",
                        "code": "354770",
                        "display": "natalizumab",
                    }
                ]
            }
        }
    ]
    return b


def brand_immunosuppressant(b: Bundle) -> Bundle:
    by_id(b, "ms-aza")["medicationCodeableConcept"] = {"text": "IMURAN® 50 mg tablet"}
    return b


def jcv_index_as_component(b: Bundle) -> Bundle:
    for day in ("2025-01-02", "2026-07-01"):
        index = by_id(b, f"jcvi-{day}")
        status = by_id(b, f"jcv-{day}")
        status["component"] = [{"code": index["code"], "valueQuantity": index["valueQuantity"]}]
        b["entry"] = [e for e in b["entry"] if e["resource"] is not index]
    return b


def serostatus_interpretation_only(b: Bundle) -> Bundle:
    for day, code in (("2025-01-02", "NEG"), ("2026-07-01", "POS")):
        status = by_id(b, f"jcv-{day}")
        status.pop("valueCodeableConcept", None)
        status.pop("valueString", None)
        status["interpretation"] = [
            {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation",
                        "code": code,
                    }
                ]
            }
        ]
    return b


def serostatus_value_string(b: Bundle) -> Bundle:
    for day, text in (("2025-01-02", "NEGATIVE"), ("2026-07-01", "Positive")):
        status = by_id(b, f"jcv-{day}")
        status.pop("valueCodeableConcept", None)
        status.pop("interpretation", None)
        status["valueString"] = text
    return b


def effective_period(b: Bundle) -> Bundle:
    for obs in resources(b, "Observation"):
        day = obs.pop("effectiveDateTime", None)
        if day:
            obs["effectivePeriod"] = {"start": day, "end": day}
    return b


def common_lab_units(b: Bundle) -> Bundle:
    """The units as US laboratory systems print them (not UCUM codes)."""
    for rid, unit in (("lab-1", "K/uL"), ("lab-2", "x10E3/uL"), ("lab-3", "10^3/uL"), ("lab-4", "IU/L")):
        q = by_id(b, rid)["valueQuantity"]
        q["unit"] = unit
        q.pop("code", None)
        q.pop("system", None)
    q = by_id(b, "lab-6")["valueQuantity"]
    q.update(value=10.3 / 17.1, unit="mg/dl", code="mg/dL")
    return b


def searchset_with_include(b: Bundle) -> Bundle:
    """A searchset (``_include=...:patient``): the Patient comes back with every match."""
    b["type"] = "searchset"
    patient = b["entry"][0]
    patient["resource"]["id"] = "p-7b0c3f0e"
    b["entry"] = [{**e, "search": {"mode": "match"}} for e in b["entry"] if e is not patient]
    b["entry"].insert(0, {**copy.deepcopy(patient), "search": {"mode": "include"}})
    b["entry"].append({**copy.deepcopy(patient), "search": {"mode": "include"}})
    for e in b["entry"]:
        e.pop("request", None)
    return b


def batch_response_of_searchsets(b: Bundle) -> Bundle:
    """The answer to a batch of searches: one searchset Bundle per search."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for e in b["entry"]:
        groups.setdefault(e["resource"]["resourceType"], []).append(
            {"fullUrl": e["fullUrl"], "resource": e["resource"], "search": {"mode": "match"}}
        )
    return {
        "resourceType": "Bundle",
        "type": "batch-response",
        "entry": [
            {
                "resource": {
                    "resourceType": "Bundle",
                    "type": "searchset",
                    "total": len(items),
                    "entry": items,
                },
                "response": {"status": "200 OK"},
            }
            for items in groups.values()
        ],
    }


def partial_dates(b: Bundle) -> Bundle:
    """A birth date known to the year, an infusion known to the month, azathioprine by years."""
    b["entry"][0]["resource"]["birthDate"] = b["entry"][0]["resource"]["birthDate"][:4]
    first = by_id(b, "ma-1")
    first["effectiveDateTime"] = first.pop("effectivePeriod")["start"][:7]
    aza = by_id(b, "ms-aza")
    aza["effectivePeriod"] = {
        "start": aza["effectivePeriod"]["start"][:4],
        "end": aza["effectivePeriod"]["end"][:4],
    }
    return b


def local_times(b: Bundle) -> Bundle:
    """Infusions given late in the evening, written with the EHR's UTC offset (same local day)."""
    for ma in _administrations(b):
        day = ma["effectivePeriod"]["start"][:10]
        ma["effectivePeriod"] = {"start": f"{day}T23:30:00-05:00", "end": f"{day}T23:59:00-05:00"}
    return b


# Reshapings of the same part of the bundle: at most one of each family applies at a time.
FAMILIES: tuple[tuple[str, ...], ...] = (
    (
        "contained_medication",
        "medication_by_urn_uuid",
        "medication_by_relative_url",
        "medication_by_absolute_url",
        "medication_text_only",
        "medication_by_ingredient",
    ),
    ("serostatus_interpretation_only", "serostatus_value_string"),
    ("jcv_index_as_component",),
    ("brand_immunosuppressant",),
    ("effective_period",),
    ("common_lab_units",),
    ("local_times",),
    ("searchset_with_include", "batch_response_of_searchsets"),  # the envelope: applied last
)

SAME: dict[str, Callable[[Bundle], Bundle]] = {
    f.__name__: f
    for f in (
        contained_medication,
        medication_by_urn_uuid,
        medication_by_relative_url,
        medication_by_absolute_url,
        medication_text_only,
        medication_by_ingredient,
        brand_immunosuppressant,
        jcv_index_as_component,
        serostatus_interpretation_only,
        serostatus_value_string,
        effective_period,
        common_lab_units,
        searchset_with_include,
        batch_response_of_searchsets,
        local_times,
    )
}


# --- a changed clinical answer ----------------------------------------------------------------
def one_administration_not_done(b: Bundle) -> Bundle:
    by_id(b, "ma-22")["status"] = "not-done"
    return b


def one_administration_entered_in_error(b: Bundle) -> Bundle:
    by_id(b, "ma-22")["status"] = "entered-in-error"
    return b


def one_administration_stopped(b: Bundle) -> Bundle:
    by_id(b, "ma-22")["status"] = "stopped"
    return b


def unknown_modifier_extension(b: Bundle) -> Bundle:
    by_id(b, "ma-22")["modifierExtension"] = [
        {"url": "https://ehr.example/fhir/StructureDefinition/dose-wasted", "valueBoolean": True}
    ]
    return b


def unconvertible_lab_unit(b: Bundle) -> Bundle:
    q = by_id(b, "lab-1")["valueQuantity"]
    q.update(unit="cells/hpf", code="/[HPF]")
    return b


def unresolvable_medication(b: Bundle) -> Bundle:
    ma = by_id(b, "ma-22")
    del ma["medicationCodeableConcept"]
    ma["medicationReference"] = {"reference": "Medication/not-in-this-bundle"}
    return b


def deceased(b: Bundle) -> Bundle:
    b["entry"][0]["resource"]["deceasedDateTime"] = "2026-10-01"
    return b


def provisional_indication(b: Bundle) -> Bundle:
    by_id(b, "cond-ms")["verificationStatus"] = {
        "coding": [
            {"system": "http://terminology.hl7.org/CodeSystem/condition-ver-status", "code": "provisional"}
        ]
    }
    return b


def old_index_below_cutoff(b: Bundle) -> Bundle:
    """The first JCV index reported as ``<0.20`` (below the assay's negative cut-off)."""
    by_id(b, "jcvi-2025-01-02")["valueQuantity"] = {"value": 0.2, "comparator": "<"}
    return b


CHANGED: dict[str, Callable[[Bundle], Bundle]] = {
    f.__name__: f
    for f in (
        one_administration_not_done,
        one_administration_entered_in_error,
        one_administration_stopped,
        unknown_modifier_extension,
        unconvertible_lab_unit,
        unresolvable_medication,
        deceased,
        provisional_indication,
        old_index_below_cutoff,
        partial_dates,
    )
}


def build(name: str) -> Bundle:
    return {**SAME, **CHANGED}[name](base())


def write_all(folder: Path = VARIANTS) -> list[Path]:
    """Write every variant as ``data/variants/<name>.json`` (the corpus a reviewer can open)."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for name in (*SAME, *CHANGED):
        path = folder / f"{name}.json"
        path.write_text(json.dumps(build(name), indent=1, ensure_ascii=False) + "\n")
        out.append(path)
    return out


# --- a Synthea-style chart: the same patient inside a large record ------------------------------
_ROUTINE_LABS = (
    ("2345-7", "Glucose [Mass/volume] in Serum or Plasma", "mg/dL", 70, 140),
    ("2160-0", "Creatinine [Mass/volume] in Serum or Plasma", "mg/dL", 0.6, 1.3),
    ("2951-2", "Sodium [Moles/volume] in Serum or Plasma", "mmol/L", 135, 145),
    ("2823-3", "Potassium [Moles/volume] in Serum or Plasma", "mmol/L", 3.5, 5.1),
    ("8867-4", "Heart rate", "/min", 55, 95),
    ("8480-6", "Systolic blood pressure", "mm[Hg]", 100, 140),
)


def us_ucum_units(b: Bundle) -> Bundle:
    """The base results in the UCUM units Synthea writes (10*3/uL, mg/dL, kg)."""
    for rid in ("lab-1", "lab-2", "lab-3"):
        q = by_id(b, rid)["valueQuantity"]
        q.update(unit="10*3/uL", code="10*3/uL")
    by_id(b, "lab-6")["valueQuantity"].update(value=round(10.3 / 17.1, 2), unit="mg/dL", code="mg/dL")
    by_id(b, "wt-1")["valueQuantity"].update(value=68.04, unit="kg", code="kg")
    return b


def synthea_like(resources_wanted: int = 1200) -> Bundle:
    """The base patient plus encounters, claims, routine chemistry and vital signs (the bulk of a
    Synthea chart, none of it read by a natalizumab rule) up to ``resources_wanted`` resources."""
    b = us_ucum_units(base())
    patient_ref = {"reference": PATIENT_URL}
    n = 0
    while len(b["entry"]) < resources_wanted:
        n += 1
        day = f"20{20 + n % 6:02d}-{1 + n % 12:02d}-{1 + n % 27:02d}"
        enc = f"urn:uuid:00000000-0000-4000-8000-{n:012d}"
        b["entry"].append(
            {
                "fullUrl": enc,
                "resource": {
                    "resourceType": "Encounter",
                    "status": "finished",
                    "class": {"system": "http://terminology.hl7.org/CodeSystem/v3-ActCode", "code": "AMB"},
                    "subject": patient_ref,
                    "period": {"start": f"{day}T09:00:00-05:00", "end": f"{day}T09:30:00-05:00"},
                },
            }
        )
        code, display, unit, low, high = _ROUTINE_LABS[n % len(_ROUTINE_LABS)]
        vital = code in ("8867-4", "8480-6")
        b["entry"].append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-9000-{n:012d}",
                "resource": {
                    "resourceType": "Observation",
                    "status": "final",
                    "category": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                                    "code": "vital-signs" if vital else "laboratory",
                                }
                            ]
                        }
                    ],
                    "code": {
                        "coding": [{"system": "http://loinc.org", "code": code, "display": display}],
                        "text": display,
                    },
                    "subject": patient_ref,
                    "encounter": {"reference": enc},
                    "effectiveDateTime": f"{day}T09:10:00-05:00",
                    "valueQuantity": {
                        "value": round(low + (high - low) * ((n * 37) % 100) / 100, 1),
                        "unit": unit,
                        "system": "http://unitsofmeasure.org",
                        "code": unit,
                    },
                },
            }
        )
        b["entry"].append(
            {
                "fullUrl": f"urn:uuid:00000000-0000-4000-a000-{n:012d}",
                "resource": {
                    "resourceType": "Claim",
                    "status": "active",
                    "type": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/claim-type",
                                "code": "professional",
                            }
                        ]
                    },
                    "use": "claim",
                    "patient": patient_ref,
                    "created": f"{day}T09:30:00-05:00",
                    "provider": {"display": "Example Clinic"},
                    "priority": {
                        "coding": [
                            {
                                "system": "http://terminology.hl7.org/CodeSystem/processpriority",
                                "code": "normal",
                            }
                        ]
                    },
                    "insurance": [{"sequence": 1, "focal": True, "coverage": {"display": "Example insurer"}}],
                    "item": [
                        {
                            "sequence": 1,
                            "productOrService": {"text": "Office visit"},
                            "encounter": [{"reference": enc}],
                        }
                    ],
                },
            }
        )
    return b
