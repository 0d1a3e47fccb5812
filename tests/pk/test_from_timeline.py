"""The adapter from the patient timeline to the PK functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import DrugLevel, patient_from_dict
from alpha4.pk.from_timeline import PkInputError, inputs_from_patient, plan_for_patient
from alpha4.pk.model import AntibodyStatus

from .conftest import START, patient_record


def test_reads_doses_levels_and_covariates(record: dict[str, Any]) -> None:
    inputs = inputs_from_patient(patient_from_dict(record))
    assert inputs.dose_times.tolist() == [28.0 * i for i in range(14)]
    # troughs drawn on an infusion day are placed just before that dose
    assert [o.day for o in inputs.observations] == pytest.approx([28.0 * 12 - 0.01, 28.0 * 13 - 0.01])
    cov = inputs.plan_inputs.covariates
    assert cov.weight_kg == 68.0 and cov.antibodies is AntibodyStatus.NEGATIVE and not cov.interferon_beta
    assert inputs.plan_inputs.disease_activity is False
    assert {"lvl-1", "lvl-2", "mri-1", "w-1"} <= set(inputs.plan_inputs.record_ids)


def test_plan_for_a_stable_patient_with_high_troughs_extends(record: dict[str, Any]) -> None:
    plan = plan_for_patient(patient_from_dict(record))
    assert plan.code == "PK_INTERVAL_EXTEND"
    assert plan.recommended_interval_weeks > 4
    # one evidence item per record read, with its date; the levels show measured vs predicted
    read = {e.record_id: e for e in plan.finding.evidence if e.record_type != "derived"}
    assert read["lvl-2"].record_type == "DrugLevel" and read["lvl-2"].value == "40 µg/mL"
    assert read["inf-0"].date == START and read["w-1"].value == "68 kg"
    derived = {e.record_id: e.value for e in plan.finding.evidence if e.record_type == "derived"}
    assert derived["level lvl-2"].startswith("measured 40 µg/mL, predicted")


def test_persistent_antibodies_keep_every_4_weeks() -> None:
    antibodies = [
        {"id": "ab-1", "date": (START + dt.timedelta(weeks=4)).isoformat(), "positive": True},
        {"id": "ab-2", "date": (START + dt.timedelta(weeks=12)).isoformat(), "positive": True},
    ]
    plan = plan_for_patient(patient_from_dict(patient_record(antibody_results=antibodies)))
    assert plan.code == "PK_INTERVAL_KEEP_LABEL_ANTIBODIES"


def test_a_recent_relapse_keeps_every_4_weeks() -> None:
    relapse = [{"id": "rel-1", "date": (START + dt.timedelta(weeks=40)).isoformat()}]
    plan = plan_for_patient(patient_from_dict(patient_record(relapses=relapse)))
    assert plan.code == "PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY"
    assert any(e.record_id == "rel-1" and e.record_type == "Relapse" for e in plan.finding.evidence)


def test_no_recent_mri_is_insufficient_data() -> None:
    plan = plan_for_patient(patient_from_dict(patient_record(mri_scans=[])))
    assert plan.code == "PK_INTERVAL_INSUFFICIENT_DATA"


def test_interferon_is_noted_as_not_adjusted() -> None:
    meds = [
        {
            "id": "ifn",
            "name": "interferon beta-1a",
            "medicine_class": "interferon_beta",
            "start": "2023-01-01",
        }
    ]
    inputs = inputs_from_patient(patient_from_dict(patient_record(medications=meds)))
    assert inputs.plan_inputs.covariates.interferon_beta
    assert any("does not adjust" in c for c in inputs.plan_inputs.caveats)


def test_a_missing_weight_is_insufficient_data_not_a_guess() -> None:
    plan = plan_for_patient(patient_from_dict(patient_record(weights=[])))
    assert plan.code == "PK_INTERVAL_INSUFFICIENT_DATA"
    assert "weight" in plan.finding.detail


def test_a_negative_weight_is_refused_by_the_record() -> None:
    bad = [{"id": "w-1", "date": START.isoformat(), "weight_kg": -68.0}]
    with pytest.raises(ValueError, match="weight_kg"):
        patient_from_dict(patient_record(weights=bad))


def _level(day: dt.date, value: float = 30.0, **extra: Any) -> dict[str, Any]:
    return {"id": "lvl-x", "date": day.isoformat(), "concentration_ug_per_ml": value, **extra}


def test_a_level_before_the_first_infusion_is_refused_with_its_date() -> None:
    record = patient_record()
    record["drug_levels"].append(_level(START - dt.timedelta(days=3), 5.0))
    with pytest.raises(PkInputError, match=r"'lvl-x' \(2024-01-05, 5 µg/mL\) is dated before the first"):
        inputs_from_patient(patient_from_dict(record))


def test_a_sample_after_the_next_infusion_is_refused() -> None:
    record = patient_record()
    # 700 h after the infusion of week 48 (day 336) is day 365.2: after the next infusion (day 364)
    record["drug_levels"].append(_level(START + dt.timedelta(weeks=52, days=1), hours_after_dose=700.0))
    with pytest.raises(PkInputError, match=r"hours_after_dose 700 .* after the next infusion \(2025-01-06"):
        inputs_from_patient(patient_from_dict(record))


def test_hours_after_dose_that_contradict_the_date_are_refused() -> None:
    record = patient_record()
    record["drug_levels"].append(_level(START + dt.timedelta(weeks=4, days=20), hours_after_dose=2.0))
    with pytest.raises(PkInputError, match="not the level's date"):
        inputs_from_patient(patient_from_dict(record))


def test_a_peak_level_is_placed_hours_after_its_infusion() -> None:
    record = patient_record()
    record["drug_levels"].append(_level(START + dt.timedelta(weeks=48), 90.0, hours_after_dose=2.0))
    days = [o.day for o in inputs_from_patient(patient_from_dict(record)).observations]
    assert 28.0 * 12 + 2.0 / 24.0 in days


def test_extra_levels_join_the_record_and_are_checked() -> None:
    patient = patient_from_dict(patient_record(drug_levels=[]))
    extra = DrugLevel(id="cli-level-1", date=START + dt.timedelta(weeks=52), concentration_ug_per_ml=40.0)
    inputs = inputs_from_patient(patient, extra_levels=[extra])
    assert [o.record_id for o in inputs.observations] == ["cli-level-1"]
    early = DrugLevel(id="cli-level-2", date=START - dt.timedelta(days=1), concentration_ug_per_ml=1.0)
    with pytest.raises(PkInputError, match="cli-level-2"):
        inputs_from_patient(patient, extra_levels=[early])


@pytest.mark.parametrize("gap_days", [41, 42, 50])
@pytest.mark.parametrize("by_concentration", [False, True])
def test_pk_antibody_status_is_the_rules_classification(gap_days: int, by_concentration: bool) -> None:
    """One definition: the PK covariate says persistent exactly when the rules do (issue 15)."""
    import datetime as dt

    from alpha4.domain import AntibodyResult
    from alpha4.pk.from_timeline import antibody_status
    from alpha4.pk.model import AntibodyStatus as PkStatus
    from alpha4.rules.antibodies import AntibodyStatus, classify

    first = dt.date(2026, 1, 5)
    def result(i: str, day: dt.date) -> AntibodyResult:
        if by_concentration:  # positive by the 0.5 ug/mL threshold, not by the flag
            return AntibodyResult(id=i, date=day, positive=False, concentration_ug_per_ml=0.8)
        return AntibodyResult(id=i, date=day, positive=True)

    results = (result("a", first), result("b", first + dt.timedelta(days=gap_days)))
    rules_persistent = classify(results).status is AntibodyStatus.PERSISTENT
    pk_persistent = antibody_status(results, dt.date(2026, 6, 1)) is PkStatus.PERSISTENT
    assert pk_persistent is rules_persistent is (gap_days >= 42)
