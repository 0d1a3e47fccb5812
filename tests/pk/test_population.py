"""Population simulation over virtual patients."""

from __future__ import annotations

import numpy as np

from alpha4.pk.model import Covariates
from alpha4.pk.population import compare_regimens, steady_state_troughs, virtual_patients


def test_median_q4w_trough_is_in_the_label_range_and_q6w_is_lower() -> None:
    q4, q6, q8 = compare_regimens(3000, [4, 6, 8], seed=3)
    assert 23 <= q4.trough_percentiles_ug_per_ml["p50"] <= 29
    assert 0.60 <= 1 - q6.trough_percentiles_ug_per_ml["p50"] / q4.trough_percentiles_ug_per_ml["p50"] <= 0.70
    assert q4.fraction_below_target < q6.fraction_below_target < q8.fraction_below_target
    assert (
        q4.mean_fraction_of_interval_below_saturation
        < q6.mean_fraction_of_interval_below_saturation
        < q8.mean_fraction_of_interval_below_saturation
    )


def test_same_seed_same_patients_and_heavier_patients_have_lower_troughs() -> None:
    a = virtual_patients(100, Covariates(), seed=5)
    b = virtual_patients(100, Covariates(), seed=5)
    np.testing.assert_array_equal(a.clearance, b.clearance)
    heavy = virtual_patients(100, Covariates(), seed=5, weights_kg=100.0)
    assert np.all(steady_state_troughs(heavy, 4) < steady_state_troughs(a, 4))
