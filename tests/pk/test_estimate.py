"""Bayesian individual estimation recovers a known patient and predicts its troughs."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from alpha4.pk.estimate import Observation, estimate_individual, predict_interval_troughs
from alpha4.pk.model import Covariates, individual_parameters, typical_parameters
from alpha4.pk.simulate import concentrations, regular_dose_times, troughs

DOSES = regular_dose_times(4, 12)


def _observe(eta_cl: float, eta_v: float, days: list[float]) -> list[Observation]:
    params = individual_parameters(typical_parameters(Covariates()), eta_cl, eta_v)
    values = concentrations(params, DOSES, days)[0]
    return [Observation(d, float(v)) for d, v in zip(days, values, strict=True)]


def test_two_troughs_recover_a_high_clearance_patient() -> None:
    true_eta_cl = 0.4
    obs = _observe(true_eta_cl, 0.0, [float(DOSES[10]) - 0.01, float(DOSES[11]) - 0.01])
    est = estimate_individual(Covariates(), DOSES, obs)
    assert est.converged
    assert est.eta[0] == pytest.approx(true_eta_cl, abs=0.1)
    np.testing.assert_allclose(est.predictions, [o.concentration_ug_per_ml for o in obs], rtol=0.05)


def test_peak_and_trough_inform_volume_and_shrink_uncertainty() -> None:
    days = [float(DOSES[11]) + 0.05, float(DOSES[11]) + 27.99]
    one = estimate_individual(Covariates(), DOSES, _observe(0.2, 0.3, days[1:]))
    two = estimate_individual(Covariates(), DOSES, _observe(0.2, 0.3, days))
    assert two.standard_errors[1] < one.standard_errors[1]
    assert 0.1 < two.eta[1] <= 0.3  # moved from the prior towards the true 0.3


def test_typical_levels_give_typical_estimates_and_prior_limits_a_single_level() -> None:
    obs = _observe(0.0, 0.0, [float(DOSES[11]) - 0.01])
    est = estimate_individual(Covariates(), DOSES, obs)
    assert np.all(np.abs(est.eta) < 0.05)
    assert np.all(est.standard_errors > 0)


def test_predicted_troughs_fall_with_longer_intervals_and_match_simulation() -> None:
    obs = _observe(0.0, 0.0, [float(DOSES[10]) - 0.01, float(DOSES[11]) - 0.01])
    est = estimate_individual(Covariates(), DOSES, obs)
    preds = predict_interval_troughs(est, [4, 5, 6, 7, 8], target_ug_per_ml=10.0)
    values = [p.predicted_trough_ug_per_ml for p in preds]
    assert all(a > b for a, b in itertools.pairwise(values))
    # q4w continued: the typical steady-state trough (26 µg/mL)
    assert values[0] == pytest.approx(26.0, abs=1.0)
    probabilities = [p.probability_below_target for p in preds]
    assert probabilities[0] < 0.05 and probabilities[-1] > 0.9
    # the MAP prediction equals a plain simulation with the MAP parameters
    future = DOSES[-1] + 42.0 * np.arange(1, 14)
    plain = troughs(est.parameters, np.concatenate([DOSES, future]), last_interval_days=42.0)[0, -1]
    assert preds[2].predicted_trough_ug_per_ml == pytest.approx(float(plain), rel=1e-9)


def test_no_observation_is_an_error() -> None:
    with pytest.raises(ValueError):
        estimate_individual(Covariates(), DOSES, [])
