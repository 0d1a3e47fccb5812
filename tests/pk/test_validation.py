"""The model against published figures (US label 12.3 and 6.2, Swiss/EU label 5.2)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from alpha4.knowledge import pk as kb
from alpha4.knowledge.base import Fact
from alpha4.pk.model import (
    ML_PER_H_TO_L_PER_DAY,
    AntibodyStatus,
    Covariates,
    clearance_factor,
    decay,
    typical_parameters,
)
from alpha4.pk.simulate import pre_and_post_dose, regular_dose_times, troughs

TYPICAL = Covariates(weight_kg=70.0)


def _q4w_troughs(covariates: Covariates = TYPICAL, n: int = 20) -> np.ndarray:
    return troughs(typical_parameters(covariates), regular_dose_times(4, n))[0]


def _within_sd(value: float, mean_sd: tuple[float, float]) -> bool:
    mean, sd = mean_sd
    return mean - sd <= value <= mean + sd


def test_steady_state_trough_q4w_is_in_the_label_range() -> None:
    low, high = kb.STEADY_STATE_TROUGH_RANGE.value  # 23-29 µg/mL
    assert low <= _q4w_troughs()[-1] <= high


def test_steady_state_is_reached_at_about_24_weeks() -> None:
    values = _q4w_troughs(n=30)
    steady = values[-1]
    first_within_1_percent = int(np.argmax(values >= 0.99 * steady)) + 1  # dose number
    weeks = 4 * first_within_1_percent  # the trough of dose k is at week 4k
    assert abs(weeks - kb.TIME_TO_STEADY_STATE_WEEKS.value) <= 4


def test_terminal_half_life_matches_the_label() -> None:
    """After the last steady-state dose, the washout half-life below 5 µg/mL is 11 ± 4 days."""
    params = typical_parameters(TYPICAL)
    c5 = 5.0
    c1 = decay([[c5]], [[1.0]], params)[0, 0]
    # time from 5 to 2.5 µg/mL, found on a fine grid of the exact solution
    days = np.linspace(0.0, 60.0, 60001)
    curve = decay(np.full((1, days.size), c5), days[None, :], params)[0]
    half_life = float(days[np.argmax(curve <= c5 / 2)])
    assert c1 < c5
    assert _within_sd(half_life, kb.LABEL_HALF_LIFE_DAYS.value)


def test_volume_and_clearance_match_the_label() -> None:
    params = typical_parameters(TYPICAL)
    assert _within_sd(float(params.volume[0]), kb.LABEL_VOLUME_L.value)
    low_conc_cl = float(params.low_concentration_clearance()[0]) / ML_PER_H_TO_L_PER_DAY
    cl_at_5 = float(params.clearance_at(5.0)[0]) / ML_PER_H_TO_L_PER_DAY
    assert _within_sd(low_conc_cl, kb.LABEL_CLEARANCE_ML_PER_H.value)
    assert _within_sd(cl_at_5, kb.LABEL_CLEARANCE_ML_PER_H.value)
    # half-life implied by the label-range clearance and volume: ln2 V / CL = 10.8 days
    implied = math.log(2) * float(params.volume[0]) / float(params.low_concentration_clearance()[0])
    assert _within_sd(implied, kb.LABEL_HALF_LIFE_DAYS.value)


def test_linear_pathway_reproduces_the_population_half_life() -> None:
    params = typical_parameters(TYPICAL)
    linear_half_life = math.log(2) * float(params.volume[0] / params.clearance[0])
    assert linear_half_life == pytest.approx(kb.POPULATION_HALF_LIFE_DAYS.value, abs=0.5)


def test_steady_state_peak_is_within_the_label_spread() -> None:
    _, post = pre_and_post_dose(typical_parameters(TYPICAL), regular_dose_times(4, 20))
    assert 110 - 52 <= post[0, -1] <= 110 + 52  # Cmax 110 ± 52 µg/mL


def test_every_6_weeks_troughs_are_60_to_70_percent_lower() -> None:
    q4 = _q4w_troughs()[-1]
    q6 = troughs(typical_parameters(TYPICAL), regular_dose_times(6, 20))[0][-1]
    low, high = kb.Q6W_TROUGH_REDUCTION.value
    assert low <= 1 - q6 / q4 <= high


@pytest.mark.parametrize(
    ("profile", "factor"),
    [("us", kb.ANTIBODY_CLEARANCE_FACTOR_US), ("eu", kb.ANTIBODY_CLEARANCE_FACTOR_EU)],
)
def test_persistent_antibodies_collapse_week_12_trough(profile: str, factor: Fact[float]) -> None:
    """AFFIRM (US label 6.2): week-12 trough about 1.3 µg/mL with persistent antibodies vs 15.

    The ratio is the checked quantity (positive < 15% of negative; published 1.3/15 = 8.7%).
    Known mismatch, asserted so that a change is noticed: the model's antibody-negative
    week-12 trough (24 µg/mL) is above AFFIRM's 15 µg/mL, because the model is calibrated to
    the label's later steady-state trough (23-29 µg/mL) and AFFIRM used an older assay.
    """
    published = kb.WEEK12_TROUGH_BY_ANTIBODY.value
    positive_covariates = Covariates(antibodies=AntibodyStatus.PERSISTENT, profile=profile)
    assert clearance_factor(positive_covariates) == pytest.approx(factor.value)
    negative = _q4w_troughs(Covariates(profile=profile), n=3)[2]  # before the 4th dose, week 12
    positive = _q4w_troughs(positive_covariates, n=3)[2]
    assert published["persistent"] / published["negative"] < 0.15
    assert positive / negative < 0.15
    assert published["persistent"] / 2.5 <= positive <= published["persistent"] * 2.5
    assert negative == pytest.approx(24.0, abs=0.5)  # the documented mismatch (published 15)
    assert negative > published["negative"]


def test_weight_effect_matches_the_label_wording() -> None:
    light = typical_parameters(Covariates(weight_kg=70.0)).low_concentration_clearance()[0]
    heavy = typical_parameters(Covariates(weight_kg=70.0 * 1.43)).low_concentration_clearance()[0]
    assert heavy / light == pytest.approx(1.32, abs=0.005)  # +43% weight -> +32% clearance
