"""Population simulation: compare regimens over N virtual patients.

Each virtual patient draws log-normal random effects on clearance and volume (between-subject
variability derived from the label's ± SDs). The same patients are used for every regimen
(common random numbers), so differences between regimens are not sampling noise.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from alpha4.knowledge import pk as kb

from .model import (
    Covariates,
    FloatArray,
    Parameters,
    individual_parameters,
    saturation_percent,
    typical_parameters,
)
from .simulate import (
    DAYS_PER_WEEK,
    concentrations,
    concentrations_after_doses,
    pre_and_post_dose,
    regular_dose_times,
    troughs,
)


@dataclass(frozen=True, slots=True)
class RegimenSummary:
    """Steady-state exposure of one regimen across the virtual population."""

    interval_weeks: float
    n_patients: int
    n_doses: int
    trough_percentiles_ug_per_ml: dict[str, float]
    trough_mean_ug_per_ml: float
    fraction_below_target: float
    target_ug_per_ml: float
    mean_fraction_of_interval_below_saturation: float
    fraction_of_patients_below_saturation_at_trough: float
    saturation_threshold_percent: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def virtual_patients(
    n: int, covariates: Covariates, seed: int = 0, weights_kg: ArrayLike | None = None
) -> Parameters:
    """Parameters of ``n`` virtual patients (optionally each with its own body weight)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    rng = np.random.default_rng(seed)
    eta_cl = rng.normal(0.0, kb.BSV_CLEARANCE.value, n)
    eta_v = rng.normal(0.0, kb.BSV_VOLUME.value, n)
    typical = typical_parameters(covariates)
    if weights_kg is not None:
        weights = np.broadcast_to(np.asarray(weights_kg, dtype=np.float64), (n,))
        scale = (weights / covariates.weight_kg) ** kb.WEIGHT_CLEARANCE_EXPONENT.value
        eta_cl = eta_cl + np.log(scale)
    return individual_parameters(typical, eta_cl, eta_v)


def summarize_regimen(
    params: Parameters,
    interval_weeks: float,
    n_doses: int = 13,
    target_ug_per_ml: float = kb.TROUGH_TARGET_UG_PER_ML.value,
    saturation_threshold: float = kb.SATURATION_THRESHOLD_PERCENT.value,
    grid_step_days: float = 0.5,
) -> RegimenSummary:
    """Steady-state troughs and time below the saturation threshold over the last interval."""
    dose_t = regular_dose_times(interval_weeks, n_doses)
    tau = DAYS_PER_WEEK * interval_weeks
    trough_values = troughs(params, dose_t, last_interval_days=tau)[:, -1]
    grid = dose_t[-1] + np.arange(grid_step_days, tau + grid_step_days / 2, grid_step_days)
    sat = saturation_percent(concentrations(params, dose_t, grid))
    below = np.mean(sat < saturation_threshold, axis=1)
    quantiles = np.percentile(trough_values, [5.0, 25.0, 50.0, 75.0, 95.0])
    return RegimenSummary(
        interval_weeks=float(interval_weeks),
        n_patients=params.n,
        n_doses=n_doses,
        trough_percentiles_ug_per_ml={
            name: round(float(q), 3)
            for name, q in zip(("p5", "p25", "p50", "p75", "p95"), quantiles, strict=True)
        },
        trough_mean_ug_per_ml=float(np.mean(trough_values)),
        fraction_below_target=float(np.mean(trough_values < target_ug_per_ml)),
        target_ug_per_ml=float(target_ug_per_ml),
        mean_fraction_of_interval_below_saturation=float(np.mean(below)),
        fraction_of_patients_below_saturation_at_trough=float(
            np.mean(saturation_percent(trough_values) < saturation_threshold)
        ),
        saturation_threshold_percent=float(saturation_threshold),
    )


def compare_regimens(
    n: int,
    intervals_weeks: tuple[float, ...] | list[float],
    covariates: Covariates | None = None,
    n_doses: int = 13,
    target_ug_per_ml: float = kb.TROUGH_TARGET_UG_PER_ML.value,
    seed: int = 0,
) -> list[RegimenSummary]:
    """Summaries of several regimens over the same ``n`` virtual patients.

    >>> q4, q6 = compare_regimens(500, [4, 6])
    >>> 20 < q4.trough_percentiles_ug_per_ml["p50"] < 30
    True
    >>> q6.fraction_below_target > q4.fraction_below_target
    True
    """
    params = virtual_patients(n, covariates or Covariates(), seed)
    return [summarize_regimen(params, w, n_doses, target_ug_per_ml) for w in intervals_weeks]


def steady_state_troughs(params: Parameters, interval_weeks: float, n_doses: int = 13) -> FloatArray:
    """Steady-state trough of every virtual patient (µg/mL)."""
    dose_t = regular_dose_times(interval_weeks, n_doses)
    return troughs(params, dose_t, last_interval_days=DAYS_PER_WEEK * interval_weeks)[:, -1]


def population_concentrations(
    params: Parameters,
    dose_times: ArrayLike,
    times: ArrayLike,
    doses_mg: ArrayLike | float = kb.DOSE_MG.value,
    chunk: int = 128,
    workers: int = 1,
) -> FloatArray:
    """Concentrations of every virtual patient at ``times``, shape ``(n_patients, n_times)``.

    The same values as :func:`alpha4.pk.simulate.concentrations`, computed in blocks of
    ``chunk`` patients so the working arrays stay in the CPU cache, on ``workers`` threads
    (NumPy releases the GIL inside its array operations). The caller chooses ``workers``;
    this module never asks the machine how many cores it has.

    >>> from alpha4.pk.simulate import concentrations, regular_dose_times
    >>> params = virtual_patients(300, Covariates(), seed=1)
    >>> doses, days = regular_dose_times(4, 26), np.arange(0.0, 731.0)
    >>> fast = population_concentrations(params, doses, days, chunk=64, workers=2)
    >>> bool(np.allclose(fast, concentrations(params, doses, days), rtol=1e-12))
    True
    """
    if chunk < 1 or workers < 1:
        raise ValueError("chunk and workers must be at least 1")
    dose_t = np.asarray(dose_times, dtype=np.float64)
    t = np.asarray(times, dtype=np.float64)
    _, post = pre_and_post_dose(params, dose_t, doses_mg)  # one loop over doses, all patients
    out = np.empty((params.n, t.size))

    def fill(start: int) -> None:
        block = slice(start, min(start + chunk, params.n))
        out[block] = concentrations_after_doses(
            params.take(np.arange(params.n)[block]), dose_t, post[block], t
        )

    starts = range(0, params.n, chunk)
    if workers == 1:
        for start in starts:
            fill(start)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(fill, starts))
    return out
