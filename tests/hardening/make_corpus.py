"""Write ``corpus/*.json``: malformed inputs every path must refuse (run once; the output is committed).

Each case is a patient document (raw JSON text, so ``NaN`` and ``1e999`` literals survive) that
holds one malformed value, with the kind of record it sits in, the field and why it is impossible.
``python tests/hardening/make_corpus.py`` regenerates the files; the test reads only the files.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).parent / "corpus"
DAY = "2024-06-01"

BASE: dict[str, Any] = {
    "schema_version": "1",
    "birth_date": "1985-03-14",
    "sex": "female",
    "indication": {"disease": "multiple_sclerosis", "ms_course": "rrms"},
}

VALID: dict[str, dict[str, Any]] = {
    "labs": {"date": DAY, "loinc": "1742-6", "value": 30, "unit": "U/L", "reference_high": 40},
    "jcv_results": {"date": DAY, "assay": "stratify_jcv_dxselect", "serostatus": "positive", "index": 0.8},
    "antibody_results": {"date": DAY, "positive": False, "concentration_ug_per_ml": 0.1},
    "drug_levels": {"date": DAY, "concentration_ug_per_ml": 20, "hours_after_dose": 600},
    "mri_scans": {
        "date": DAY,
        "kind": "routine",
        "contrast": True,
        "new_t2_lesions": 0,
        "pml_suspected": False,
    },
    "weights": {"date": DAY, "weight_kg": 70},
    "relapses": {"date": DAY, "steroid_treated": True},
    "edss_scores": {"date": DAY, "score": 2.5},
    "crohns_scores": {"date": DAY, "index": "cdai", "score": 150},
    "adverse_events": {
        "date": DAY,
        "category": "infection",
        "term": "cold",
        "serious": False,
        "resolved_on": "2024-06-10",
    },
    "pregnancies": {"date": DAY, "status": "pregnant", "gestational_weeks": 10},
    "lactation": {"date": DAY, "end_date": "2024-09-01"},
    "authorizations": {"date": DAY, "kind": "authorization", "valid_until": "2024-12-01"},
    "medications": {
        "name": "methotrexate",
        "medicine_class": "immunosuppressant",
        "start": "2024-01-01",
        "end": "2024-03-01",
    },
    "infusions": {"date": DAY, "dose_mg": 300, "observation_minutes": 60},
    "hypersensitivities": {"date": DAY, "agent": "penicillin", "severity": "mild"},
}

NUMBERS = {
    "labs": ["value", "reference_high"],
    "jcv_results": ["index"],
    "antibody_results": ["concentration_ug_per_ml"],
    "drug_levels": ["concentration_ug_per_ml", "hours_after_dose"],
    "mri_scans": ["new_t2_lesions"],
    "weights": ["weight_kg"],
    "edss_scores": ["score"],
    "crohns_scores": ["score"],
    "pregnancies": ["gestational_weeks"],
    "infusions": ["dose_mg", "observation_minutes"],
}
# (literal JSON text, why, also impossible as form text?)
BAD_NUMBERS = [
    ("NaN", "NaN literal", True),
    ("Infinity", "infinity literal", True),
    ("-Infinity", "minus infinity literal", True),
    ("1e999", "overflows to infinity", True),
    ("-1e999", "overflows to minus infinity", True),
    ('"nan"', "the text nan", True),
    ('"inf"', "the text inf", True),
    ('"Infinity"', "the text Infinity", True),
    ("true", "a boolean is not a number", True),
    ("false", "a boolean is not a number", True),
    ('"30"', "a number as text (strict JSON types)", False),
    ("-1", "negative", True),
    ("1e308", "beyond any plausible magnitude", True),
    ("[1]", "a list is not a number", True),
    ('{"v": 1}', "an object is not a number", True),
    ("1" + "0" * 400, "a 401-digit integer", True),
]
FLAGS = {
    "antibody_results": ["positive"],
    "mri_scans": ["contrast", "pml_suspected"],
    "relapses": ["steroid_treated"],
    "adverse_events": ["serious", "confirmed"],
}
BAD_FLAGS = [
    ('"yes"', "yes is not a boolean"),
    ("1", "1 is not a boolean"),
    ("0", "0 is not a boolean"),
    ('"true"', "the text true is not a boolean"),
    ('"false"', "the text false is not a boolean"),
    ('"on"', "a checkbox value is not a boolean"),
    ("NaN", "NaN is not a boolean"),
]
DATES = {
    "labs": ["date"],
    "infusions": ["date"],
    "jcv_results": ["date"],
    "adverse_events": ["resolved_on"],
    "authorizations": ["valid_until"],
    "medications": ["start"],
    "pregnancies": ["end_date"],
}
BAD_DATES = [
    ("1717200000", "a Unix timestamp"),
    ("1717200000.5", "a fractional Unix timestamp"),
    ('"1717200000"', "a Unix timestamp as text"),
    ('"2024-06-01T10:00:00Z"', "a date and time"),
    ('"2024/06/01"', "slashes"),
    ('"01/06/2024"', "day-first"),
    ('"2024-02-30"', "no such day"),
    ('"1066-10-14"', "before 1900"),
    ('"12024-06-01"', "a five-digit year"),
    ('"2150-01-01"', "after 2100"),
    ('"20240601"', "basic ISO without dashes"),
    ('""', "empty (a blank form field is 'not given' instead)"),
    ("true", "a boolean"),
]


def record_text(kind: str, n: int, overrides: dict[str, str]) -> str:
    """The record as JSON text, with some members' values replaced by raw JSON literals."""
    fields = {"id": f"{kind}-{n}", **VALID[kind]}
    members = [f"{json.dumps(k)}: {overrides.get(k, json.dumps(v))}" for k, v in fields.items()]
    members += [f"{json.dumps(k)}: {v}" for k, v in overrides.items() if k not in fields]
    return "{" + ", ".join(members) + "}"


def patient_text(pid: str, kind: str | None, record: str | None, **top: str) -> str:
    fields = {"id": pid, **BASE}
    members = [f"{json.dumps(k)}: {top.get(k, json.dumps(v))}" for k, v in fields.items()]
    members += [f"{json.dumps(k)}: {v}" for k, v in top.items() if k not in fields]
    if kind is not None and record is not None:
        members.append(f"{json.dumps(kind)}: [{record}]")
    return "{" + ", ".join(members) + "}"


def cases() -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {"numbers": [], "flags": [], "dates": [], "structure": []}

    def add(
        group: str, kind: str, field: str, literal: str, why: str, *, form: bool = True, **top: str
    ) -> None:
        n = sum(len(v) for v in out.values()) + 1
        pid = f"bad-{n:04d}"
        record = record_text(kind, n, {field: literal}) if kind != "patient" else None
        out[group].append(
            {
                "case": f"{kind}.{field}: {why}",
                "patient_id": pid,
                "kind": kind,
                "field": field,
                "record": record,
                "patient": patient_text(pid, kind if record else None, record, **top),
                "form": form and record is not None,
            }
        )

    for kind, fields in NUMBERS.items():
        for field in fields:
            for literal, why, form in BAD_NUMBERS:
                add("numbers", kind, field, literal, why, form=form)
    for literal, why, form in BAD_NUMBERS:
        add(
            "numbers",
            "patient",
            "extended_interval_weeks",
            literal,
            why,
            form=form,
            extended_interval_weeks=literal,
        )
    for kind, fields in FLAGS.items():
        for field in fields:
            for literal, why in BAD_FLAGS:
                add("flags", kind, field, literal, why, form=literal != '"yes"')  # the form's own "yes"
    for literal, why in BAD_FLAGS:
        add(
            "flags",
            "patient",
            "prior_immunosuppressant_reported",
            literal,
            why,
            form=literal != '"yes"',
            prior_immunosuppressant_reported=literal,
        )
    for kind, fields in DATES.items():
        for field in fields:
            for literal, why in BAD_DATES:
                add("dates", kind, field, literal, why, form=literal != '""')
    for literal, why in BAD_DATES:
        add("dates", "patient", "birth_date", literal, why, birth_date=literal)
    # order, ranges and structure
    s = "structure"
    add(s, "medications", "end", '"2023-12-31"', "ends before it starts")
    add(s, "pregnancies", "end_date", '"2024-05-31"', "ends before it is reported")
    add(s, "lactation", "end_date", '"2024-05-31"', "ends before it starts")
    add(s, "adverse_events", "resolved_on", '"2024-05-31"', "resolved before its onset")
    add(s, "authorizations", "valid_until", '"2024-06-01"', "valid until the day it was granted")
    add(s, "authorizations", "valid_until", '"2024-05-01"', "valid until before it was granted")
    add(s, "labs", "date", '"1980-01-01"', "before the birth date")
    add(s, "infusions", "date", '"1984-12-31"', "an infusion before birth")
    add(s, "labs", "reference_low", "50", "reference range upside down")
    add(s, "labs", "loinc", '"1742-7"', "LOINC check digit wrong")
    add(s, "labs", "unit", '"furlongs"', "unit not accepted for the code")
    add(s, "labs", "date", '"2100-01-01"', "after the assessment date")
    add(s, "authorizations", "valid_until", '"2099-01-01"', "valid until decades ahead")
    add(s, "crohns_scores", "score", "1200", "CDAI above its range")
    add(s, "edss_scores", "score", "2.3", "EDSS not in half steps")
    add(s, "edss_scores", "score", "10.5", "EDSS above 10")
    add(s, "infusions", "dose_mg", "0", "no dose")
    add(s, "infusions", "dose_mg", "1001", "dose above any label dose")
    add(s, "infusions", "observation_minutes", "100000", "observed for 69 days")
    add(s, "infusions", "observation_minutes", "60.5", "minutes as a fraction")
    add(s, "weights", "weight_kg", "0", "weight zero")
    add(s, "weights", "weight_kg", "401", "weight above any person")
    add(s, "jcv_results", "index", "101", "JCV index far beyond the assay")
    add(s, "mri_scans", "new_t2_lesions", "1001", "more lesions than plausible")
    add(s, "mri_scans", "new_t2_lesions", "true", "a boolean as a count")
    add(s, "labs", "unit", json.dumps("U/L" + " " * 10 + "x" * 20_001), "a unit of 20,000 characters")
    add(s, "labs", "id", '"lab 1"', "a space in a record id", form=False)  # forms make their own ids
    add(s, "labs", "id", '""', "an empty record id", form=False)
    add(s, "labs", "surprise", '"x"', "an unknown field", form=False)
    add(s, "patient", "schema_version", '"2"', "unknown schema version", form=False, schema_version='"2"')
    add(s, "patient", "schema_version", "1", "schema version as a number", form=False, schema_version="1")
    add(s, "patient", "id", '"p 1"', "a space in the patient id", form=False, id='"p 1"')
    add(s, "patient", "id", '"p/1"', "a slash in the patient id", form=False, id='"p/1"')
    add(s, "patient", "id", '"p?x=1"', "a query in the patient id", form=False, id='"p?x=1"')
    add(s, "patient", "sex", '"f"', "a sex outside the value set", form=False, sex='"f"')
    add(
        s,
        "patient",
        "birth_date",
        '"2100-01-01"',
        "born after the assessment date",
        form=False,
        birth_date='"2100-01-01"',
    )
    deep = '{"a": ' * 40 + "1" + "}" * 40
    n = sum(len(v) for v in out.values()) + 1
    rec = '{"id": "other-1", "date": "2024-06-01", "type": "x", "data": ' + deep + "}"
    out[s].append(
        {
            "case": "other_records.data: nested 40 deep",
            "patient_id": f"bad-{n:04d}",
            "kind": "other_records",
            "field": "data",
            "record": rec,
            "patient": patient_text(f"bad-{n:04d}", "other_records", rec),
            "form": False,
        }
    )
    n += 1
    rec = '{"id": "other-2", "date": "2024-06-01", "type": "x", "data": {"v": NaN}}'
    out[s].append(
        {
            "case": "other_records.data: NaN inside free data",
            "patient_id": f"bad-{n:04d}",
            "kind": "other_records",
            "field": "data",
            "record": rec,
            "patient": patient_text(f"bad-{n:04d}", "other_records", rec),
            "form": False,
        }
    )
    return out


def main() -> None:
    HERE.mkdir(exist_ok=True)
    for group, items in cases().items():
        (HERE / f"{group}.json").write_text(
            json.dumps(items, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        print(group, len(items))


if __name__ == "__main__":
    main()
