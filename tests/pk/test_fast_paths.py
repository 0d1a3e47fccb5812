"""The PK fast paths give the answers of the general ones (they exist for speed only)."""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from alpha4.pk.estimate import Observation, estimate_individual, objective
from alpha4.pk.model import Covariates, individual_parameters, typical_parameters
from alpha4.pk.simulate import _FEW_PATIENTS, pre_and_post_dose, regular_dose_times


def test_few_patient_dose_loop_matches_the_vectorised_one() -> None:
    rng = np.random.default_rng(3)
    n = _FEW_PATIENTS + 4  # more than the few: the vectorised loop
    params = individual_parameters(
        typical_parameters(Covariates(weight_kg=85.0)), rng.normal(0, 0.4, n), rng.normal(0, 0.2, n)
    )
    doses = np.concatenate([regular_dose_times(4, 10), 280.0 + regular_dose_times(6, 8)])
    many = pre_and_post_dose(params, doses)
    few = [pre_and_post_dose(params.take([i]), doses) for i in range(n)]
    for i, (pre, post) in enumerate(few):
        np.testing.assert_allclose(pre[0], many[0][i], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(post[0], many[1][i], rtol=1e-10, atol=1e-12)


def test_newton_map_is_the_bfgs_minimum() -> None:
    doses = regular_dose_times(4, 26)
    cases = [
        [Observation(float(doses[-1]) - 0.01, 12.0)],
        [Observation(float(doses[-3 + i]) - 0.01, 35.0 + 3 * i) for i in range(3)],
        [Observation(float(doses[-5 + i]) + 1.0, 60.0 - i) for i in range(5)],
    ]
    for obs in cases:
        covariates = Covariates(weight_kg=62.0)
        estimate = estimate_individual(covariates, doses, obs)
        d = np.full(doses.shape, 300.0)
        bfgs = minimize(
            lambda x, o=tuple(obs), c=covariates, d=d: float(objective(x, c, doses, d, o)[0]),
            np.zeros(2),
            method="BFGS",
            options={"gtol": 1e-8},
        )
        assert estimate.converged
        np.testing.assert_allclose(estimate.eta, bfgs.x, atol=2e-5)
        assert float(objective(estimate.eta, covariates, doses, d, tuple(obs))[0]) <= bfgs.fun + 1e-8


def test_marching_along_a_grid_is_solving_each_time_from_its_dose() -> None:
    from alpha4.pk.population import population_concentrations, virtual_patients
    from alpha4.pk.simulate import concentrations

    params = virtual_patients(500, Covariates(weight_kg=55.0), seed=7)
    doses = np.concatenate([regular_dose_times(4, 6), 168.0 + regular_dose_times(6, 5)])
    amounts = np.where(np.arange(doses.size) % 3 == 0, 300.0, 150.0)
    for grid in (np.arange(0.0, 400.0, 0.37), np.arange(10.0, 380.0, 3.0), np.array([0.0, 500.0])):
        marched = population_concentrations(params, doses, grid, amounts, workers=2)
        exact = concentrations(params, doses, grid, amounts)
        np.testing.assert_allclose(marched, exact, rtol=1e-12, atol=0)
