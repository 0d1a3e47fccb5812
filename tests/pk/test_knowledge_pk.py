"""Every PK fact has a source; derived and calibrated values can be recomputed."""

from __future__ import annotations

import math

import pytest
from scipy.optimize import brentq

from alpha4.knowledge import pk as kb
from alpha4.knowledge.base import CATALOGUE, Evidence
from alpha4.pk.model import Covariates, Parameters, typical_parameters
from alpha4.pk.simulate import regular_dose_times, troughs

PK_FACTS = {key: item for key, item in CATALOGUE.items() if item.id.startswith("pk.")}


def test_pk_facts_are_registered_with_sources() -> None:
    assert len(PK_FACTS) >= 30
    for key, item in PK_FACTS.items():
        assert item.sources, key
        assert item.description, key


def test_policy_facts_state_their_derivation() -> None:
    for key, item in PK_FACTS.items():
        if any(s.evidence is Evidence.POLICY for s in item.sources):
            assert item.note or item.sources[0].note or "reference" in item.description, key


def test_michaelis_constant_is_the_calibrated_value() -> None:
    base = typical_parameters(Covariates())
    saturable = float(base.vmax[0] / base.km[0])

    def steady_trough(km: float) -> float:
        params = Parameters(base.clearance, base.vmax * 0 + saturable * km, base.km * 0 + km, base.volume)
        return float(troughs(params, regular_dose_times(4, 40))[0, -1])

    calibrated = brentq(lambda km: steady_trough(km) - 26.0, 1.0, 100.0)
    assert kb.MICHAELIS_CONSTANT_UG_PER_ML.value == pytest.approx(calibrated, abs=0.05)


def test_derived_numbers() -> None:
    assert kb.WEIGHT_CLEARANCE_EXPONENT.value == pytest.approx(math.log(1.32) / math.log(1.43), abs=1e-3)
    assert kb.BSV_CLEARANCE.value == pytest.approx(0.305, abs=1e-3)
    assert kb.SATURATION_EC50_UG_PER_ML.value == pytest.approx(4.94, abs=0.01)


def test_antibody_factor_has_both_profiles() -> None:
    assert CATALOGUE["pk.antibody_clearance_factor@us"].value == 3.0
    assert CATALOGUE["pk.antibody_clearance_factor@eu"].value == 2.45
