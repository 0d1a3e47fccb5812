"""Population simulation: compare regimens over N virtual patients.

Each virtual patient draws log-normal random effects on clearance and volume (between-subject
variability derived from the label's ± SDs). The same patients are used for every regimen
(common random numbers), so differences between regimens are not sampling noise.
"""

from __future__ import annotations

import math
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from itertools import pairwise
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
    tolerance: float = 1e-14,
) -> FloatArray:
    """Concentrations of every virtual patient at ``times``, shape ``(n_patients, n_times)``.

    The same values as :func:`alpha4.pk.simulate.concentrations`. On an increasing time grid
    (the usual case) each of ``workers`` blocks of patients marches along it (:func:`_march`:
    one Newton step or two from the previous time, about a third of the cost of solving every
    time from its dose); any other ``times`` are solved from their doses in blocks of ``chunk``
    patients. ``workers`` threads (NumPy releases the GIL inside its array operations); the
    caller chooses ``workers``: this module never asks the machine how many cores it has.
    ``tolerance``: the relative error a grid value may have (default: the exact solution to
    rounding; a benchmark comparing with ODE solvers at their accuracy may ask for less).

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
    if t.size > 1 and np.all(np.diff(t) > 0) and t[0] >= dose_t[0]:
        # A time grid (the usual case): march along it, in blocks of patients on ``workers`` threads.
        # A block is large enough that NumPy's cost per call is small against the arithmetic, and
        # small enough that its working arrays stay in cache.
        bounds = [*range(0, params.n, _MARCH_BLOCK), params.n]
        blocks = [slice(lo, hi) for lo, hi in pairwise(bounds)]

        def march(block: slice) -> None:
            out[block] = _march(params.take(np.arange(params.n)[block]), dose_t, post[block], t, tolerance)

        if workers == 1 or len(blocks) == 1:
            for block in blocks:
                march(block)
        else:
            with ThreadPoolExecutor(max_workers=workers) as pool:
                list(pool.map(march, blocks))
        return out

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


_MARCH_BLOCK = 4096


def _march(
    params: Parameters, dose_times: FloatArray, post: FloatArray, times: FloatArray, tolerance: float = 1e-14
) -> FloatArray:
    """Concentrations on an increasing time grid, marching from each time to the next.

    The exact solution between doses satisfies ``F(C(t)) = F(C_dose) - (t - t_dose)`` with
    ``F(C) = A ln C + (B/k) ln(k C + c)`` (the closed-form time of the Michaelis-Menten
    elimination :func:`alpha4.pk.model.decay` inverts). Along a grid, the previous time's
    value and a fourth-order Taylor step of the ODE give a start within about 1e-5 of the
    answer, so Newton on that exact equation converges in one or two steps: two or three
    logarithms a point where solving every time from its dose takes ten transcendental
    functions. The target of every point is exact, so no error accumulates along the grid.
    Newton stops when its step is below ``sqrt(tolerance)`` (relative): the error left after a
    step is about its square. The default, 1e-14, is :func:`~alpha4.pk.model.decay`'s rule
    (a step below 1e-7): the exact solution to rounding.
    """
    stop = math.sqrt(tolerance)
    k = params.clearance / params.volume
    b = params.vmax / params.volume
    km = params.km
    c = k * km + b
    a_coef = km / c
    b_over_c = b / c
    b_over_k = b_over_c / k
    out = np.empty((times.size, params.n))  # one row per time: each step writes contiguous memory
    last = np.searchsorted(dose_times, times, side="right") - 1
    current = np.zeros(params.n)
    target = np.zeros(params.n)
    now = float("nan")
    dose = -1
    for j, t in enumerate(times.tolist()):
        if last[j] != dose:  # the first time after a new dose: start from the level just after it
            dose = int(last[j])
            current = post[:, dose].copy()
            now = float(dose_times[dose])
            target = a_coef * np.log(current) + b_over_k * np.log(k * current + c)
        h = t - now
        target = target - h
        if h > 0:
            # fourth-order Taylor step of C' = -g(C), g = k C + b C / (km + C), g1..g3 its derivatives
            s = km + current
            bkm_s2 = b * km / (s * s)
            g = k * current + b * current / s
            g1 = k + bkm_s2
            g2 = -2.0 * bkm_s2 / s
            g3 = -3.0 * g2 / s
            g1g = g1 * g
            guess = current + h * (
                -g
                + h
                * (
                    0.5 * g1g
                    + h
                    * (
                        -(g2 * g * g + g1 * g1g) / 6.0
                        + h * g * (g3 * g * g + 4.0 * g2 * g1g + g1 * g1 * g1) / 24.0
                    )
                )
            )
            guess = np.maximum(guess, 1e-3 * current)  # positive; Newton below converges from any start
            # Newton on u = ln C (concave and decreasing in u: converges from any start)
            u = np.log(guess)
            e_u = guess
            for _ in range(60):
                kc = k * e_u + c
                step = (target - a_coef * u - b_over_k * np.log(kc)) / (a_coef + b_over_c * e_u / kc)
                u += step
                if float(np.max(np.abs(step), initial=0.0)) < stop:
                    e_u = e_u * (1.0 + step * (1.0 + 0.5 * step))  # e^(u + step) to 1e-21
                    break
                e_u = np.exp(u)
            guess = e_u
            current = guess
        now = t
        out[j] = current
    return out.T
