"""The adapter from the patient timeline to the PK functions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from alpha4.domain import patient_from_dict
from alpha4.pk.from_timeline import inputs_from_patient, plan_for_patient
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
    finding = plan_for_patient(patient_from_dict(record))
    assert finding.code == "PK_INTERVAL_EXTEND"
    assert finding.recommended_interval_weeks is not None and finding.recommended_interval_weeks > 4


def test_persistent_antibodies_keep_every_4_weeks() -> None:
    antibodies = [
        {"id": "ab-1", "date": (START + dt.timedelta(weeks=4)).isoformat(), "positive": True},
        {"id": "ab-2", "date": (START + dt.timedelta(weeks=12)).isoformat(), "positive": True},
    ]
    finding = plan_for_patient(patient_from_dict(patient_record(antibody_results=antibodies)))
    assert finding.code == "PK_INTERVAL_KEEP_LABEL_ANTIBODIES"


def test_a_recent_relapse_keeps_every_4_weeks() -> None:
    relapse = [{"id": "rel-1", "date": (START + dt.timedelta(weeks=40)).isoformat()}]
    finding = plan_for_patient(patient_from_dict(patient_record(relapses=relapse)))
    assert finding.code == "PK_INTERVAL_KEEP_LABEL_DISEASE_ACTIVITY"
    assert "rel-1" in finding.evidence[0]["record_ids"]


def test_no_recent_mri_is_insufficient_data() -> None:
    finding = plan_for_patient(patient_from_dict(patient_record(mri_scans=[])))
    assert finding.code == "PK_INTERVAL_INSUFFICIENT_DATA"


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
