"""EHR-shaped FHIR: every legal reshaping gives the same clinical answer; the ones that change it
change it as stated (infusion count, PML risk, gate)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alpha4.interop.fhir_in import Imported, bundle_to_patient
from alpha4.knowledge import US
from alpha4.rules import Assessment, assess

from . import ehr_variants as v
from .conftest import as_of_for
from .test_fhir_roundtrip import answer

AS_OF = as_of_for("ehr")


def read(bundle: dict[str, Any]) -> tuple[Imported, Assessment]:
    imported = bundle_to_patient(bundle)
    return imported, assess(imported.patient, AS_OF, US)


BASE_IMPORTED, BASE = read(v.base())


def test_the_base_answer() -> None:
    assert BASE.infusion_count == 22
    assert BASE.pml is not None and BASE.pml.group == "jcv_positive_prior_is"
    assert [(j.date.isoformat(), j.serostatus.value, j.index) for j in BASE_IMPORTED.patient.jcv_results] == [
        ("2025-01-02", "negative", 0.15),
        ("2026-07-01", "positive", 1.12),
    ]
    assert [m.medicine_class.value for m in BASE_IMPORTED.patient.medications] == ["immunosuppressant"]


@pytest.mark.parametrize("name", sorted(v.SAME))
def test_a_legal_reshaping_gives_the_same_assessment(name: str) -> None:
    imported, a = read(v.build(name))
    assert a.infusion_count == 22
    assert answer(a) == answer(BASE)
    assert imported.patient.jcv_results == BASE_IMPORTED.patient.jcv_results or [
        (j.date, j.serostatus, j.index) for j in imported.patient.jcv_results
    ] == [(j.date, j.serostatus, j.index) for j in BASE_IMPORTED.patient.jcv_results]


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("one_administration_not_done", "not-done"),
        ("one_administration_entered_in_error", "entered-in-error"),
        ("one_administration_stopped", "stopped"),
    ],
)
def test_an_administration_not_given_is_not_exposure(name: str, status: str) -> None:
    imported, a = read(v.build(name))
    assert a.infusion_count == 21
    assert [u.reason for u in imported.unmapped if u.id == "ma-22"] == [
        f"natalizumab administration with status {status}: not a dose given"
    ]


def test_an_unknown_modifier_extension_is_not_read_as_absent() -> None:
    imported, a = read(v.build("unknown_modifier_extension"))
    assert a.infusion_count == 21
    (note,) = [u for u in imported.unmapped if u.id == "ma-22"]
    assert "modifierExtension https://ehr.example/fhir/StructureDefinition/dose-wasted" in note.reason
    shown = [f for f in a.findings if f.code == "RECORD_UNINTERPRETED"]
    assert any("modifierExtension" in f.detail for f in shown)


def test_an_administration_of_an_unresolvable_medication_is_shown_not_dropped() -> None:
    imported, a = read(v.build("unresolvable_medication"))
    assert a.infusion_count == 21
    (note,) = [u for u in imported.unmapped if u.id == "ma-22"]
    assert "'Medication/not-in-this-bundle' cannot be resolved" in note.reason
    assert any(f.code == "RECORD_UNINTERPRETED" and "it may be natalizumab" in f.detail for f in a.findings)


def test_an_unconvertible_unit_makes_only_that_lab_uninterpretable() -> None:
    imported, a = read(v.build("unconvertible_lab_unit"))
    assert a.infusion_count == 22 and a.pml == BASE.pml and a.gate.decision == BASE.gate.decision
    assert "Observation/lab-1" not in {lab.source_ref for lab in imported.patient.labs}
    assert len(imported.patient.labs) == len(BASE_IMPORTED.patient.labs) - 1
    (finding,) = [f for f in a.findings if f.code == "RECORD_UNINTERPRETED" and "Lymphocytes" in f.detail]
    assert "'/[HPF]' cannot be converted to 10*3/uL" in finding.detail


def test_a_deceased_patient_is_not_assessed() -> None:
    imported, _ = read(v.build("deceased"))
    assert imported.deceased == "deceased on 2026-10-01" and not imported.assessable
    stop = imported.patient.discontinuation
    assert stop is not None and stop.date.isoformat() == "2026-10-01"
    death = imported.patient.death
    assert death is not None and (death.date, death.source_ref) == (
        stop.date,
        imported.patient.discontinuation.source_ref,
    )
    assert "PATIENT_DECEASED" in assess(imported.patient, AS_OF, US).gate.reasons


def test_a_death_recorded_only_as_true_is_a_death_without_a_date() -> None:
    b = v.base()
    b["entry"][0]["resource"]["deceasedBoolean"] = True
    imported = bundle_to_patient(b)
    assert imported.deceased == "deceased" and imported.patient.death is not None
    assert imported.patient.death.date is None
    a = assess(imported.patient, AS_OF, US)
    assert a.gate.decision.value == "stop" and "PATIENT_DECEASED" in a.gate.reasons


def test_a_provisional_indication_says_so() -> None:
    _, a = read(v.build("provisional_indication"))
    assert a.infusion_count == 22
    assert any(f.code == "RECORD_UNINTERPRETED" and "only provisional" in f.detail for f in a.findings)


def test_an_index_below_the_cutoff_is_negative_and_kept_as_a_bound() -> None:
    imported, a = read(v.build("old_index_below_cutoff"))
    first = imported.patient.jcv_results[0]
    assert (first.serostatus.value, first.index, first.index_comparator, first.shown_index) == (
        "negative",
        0.2,
        "<",
        "<0.2",
    )
    assert a.pml == BASE.pml  # the latest result decides


def test_the_corpus_files_are_the_variants() -> None:
    """data/variants/ is what scripts/build-ehr-corpus writes (the corpus and the code agree)."""
    for name in (*v.SAME, *v.CHANGED):
        assert json.loads((v.VARIANTS / f"{name}.json").read_text()) == v.build(name), name


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.tuples(*(st.sampled_from((None, *family)) for family in v.FAMILIES)), st.randoms())
def test_any_combination_of_legal_reshapings_gives_the_same_assessment(
    chosen: tuple[str | None, ...], rnd: Any
) -> None:
    """Contained vs referenced medication, component vs separate index, period vs dateTime, UCUM vs
    printed units, searchset or batch-response: together, in any order, the answer is the same."""
    *inner, envelope = chosen
    names = [n for n in inner if n is not None]
    rnd.shuffle(names)
    bundle = v.base()
    for name in [*names, *([envelope] if envelope else [])]:
        bundle = v.SAME[name](bundle)
    _, a = read(bundle)
    assert a.infusion_count == 22
    assert answer(a) == answer(BASE)


@pytest.mark.parametrize("name", ["base", *sorted(v.SAME)])
def test_ehr_data_round_trips_with_the_ehr_ids(name: str) -> None:
    """export -> import -> export is idempotent for EHR data: the EHR's ids stay in source_ref and in
    the exported resources, and a second import reads exactly the same timeline."""
    from alpha4.interop.fhir_out import patient_to_bundle

    first = bundle_to_patient(v.base() if name == "base" else v.build(name)).patient
    exported = patient_to_bundle(first)
    second = bundle_to_patient(exported).patient
    assert second == first
    assert patient_to_bundle(second) == exported
    ids = {f"{e['resource']['resourceType']}/{e['resource']['id']}" for e in exported["entry"]}
    assert {i.source_ref for i in first.infusions} <= ids
    assert [i.source_ref for i in first.infusions][:2] == [
        "MedicationAdministration/ma-1",
        "MedicationAdministration/ma-2",
    ]


def test_partial_dates_are_kept_with_their_precision_and_said() -> None:
    imported, a = read(v.build("partial_dates"))
    p = imported.patient
    assert a.infusion_count == 22  # the infusion known only to its month still counts
    assert p.infusions[0].date.isoformat() == "2025-01-01"  # the earliest day of 2025-01
    assert p.birth_date.isoformat() == "1986-12-31"  # the youngest the patient can be
    (aza,) = p.medications
    assert (aza.start.isoformat() if aza.start else None, aza.end.isoformat() if aza.end else None) == (
        "2019-01-01",
        "2020-12-31",
    )
    notes = [r.type for r in p.other_records]
    assert any("date recorded as 2025-01 (month only): alpha4 uses 2025-01-01" in n for n in notes)
    assert (p.birth_date_precision.value, p.birth_interval) == (
        "year",
        (dt.date(1986, 1, 1), dt.date(1986, 12, 31)),
    )
