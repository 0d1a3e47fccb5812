"""Concentration and α4-integrin saturation over time for any regimen, one patient or many.

Doses are IV boluses at ``dose_times`` (days). The state just after each dose is built by a
loop over *doses* (vectorised over patients); every requested time is then solved in one
vectorised call of :func:`alpha4.pk.model.decay` from the last dose before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from alpha4.knowledge import pk as kb

from .model import (
    Covariates,
    FloatArray,
    Parameters,
    decay,
    decay_one,
    saturation_percent,
    typical_parameters,
)

DAYS_PER_WEEK = 7.0


def regular_dose_times(interval_weeks: float, n_doses: int, start_day: float = 0.0) -> FloatArray:
    """Dose days of a regular regimen.

    >>> regular_dose_times(6, 3).tolist()
    [0.0, 42.0, 84.0]
    """
    if interval_weeks <= 0 or n_doses < 1:
        raise ValueError("interval_weeks must be positive and n_doses at least 1")
    return start_day + DAYS_PER_WEEK * interval_weeks * np.arange(n_doses, dtype=np.float64)


def _doses_array(dose_times: FloatArray, doses_mg: ArrayLike | float) -> FloatArray:
    doses = np.broadcast_to(np.asarray(doses_mg, dtype=np.float64), dose_times.shape)
    if np.any(doses <= 0):
        raise ValueError("doses must be positive")
    return np.asarray(doses, dtype=np.float64)


def _check_times(dose_times: ArrayLike) -> FloatArray:
    times = np.asarray(dose_times, dtype=np.float64)
    if times.ndim != 1 or times.size == 0:
        raise ValueError("dose_times must be a non-empty 1-D sequence")
    if np.any(np.diff(times) < 0):
        raise ValueError("dose_times must be in increasing order")
    return times


def pre_and_post_dose(
    params: Parameters, dose_times: ArrayLike, doses_mg: ArrayLike | float = kb.DOSE_MG.value
) -> tuple[FloatArray, FloatArray]:
    """Concentrations just before and just after each dose, shape ``(n_patients, n_doses)``."""
    times = _check_times(dose_times)
    doses = _doses_array(times, doses_mg)
    if params.n <= _FEW_PATIENTS:
        return _pre_and_post_dose_few(params, times, doses)
    pre = np.zeros((params.n, times.size))
    post = np.zeros((params.n, times.size))
    current = np.zeros(params.n)
    for j in range(times.size):
        if j > 0:
            current = decay(current[:, None], np.full((params.n, 1), times[j] - times[j - 1]), params)[:, 0]
        pre[:, j] = current
        current = current + doses[j] / params.volume
        post[:, j] = current
    return pre, post


_FEW_PATIENTS = 16


def _pre_and_post_dose_few(
    params: Parameters, times: FloatArray, doses: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """:func:`pre_and_post_dose` in plain floats for a few patients (one, or a MAP stencil).

    The same sequence of :func:`~alpha4.pk.model.decay_one` steps; numpy's cost per call is what a
    26-dose history of one patient spends its time on, and this is the MAP estimate's inner loop.
    """
    gaps = np.diff(times).tolist()
    dose_list = doses.tolist()
    pre = np.zeros((params.n, times.size))
    post = np.zeros((params.n, times.size))
    k_lin = (params.clearance / params.volume).tolist()
    b = (params.vmax / params.volume).tolist()
    km = params.km.tolist()
    for i, volume in enumerate(params.volume.tolist()):
        current = 0.0
        pre_row, post_row = [0.0] * times.size, [0.0] * times.size
        for j, dose in enumerate(dose_list):
            if j > 0:
                current = decay_one(current, gaps[j - 1], k_lin[i], b[i], km[i])
            pre_row[j] = current
            current += dose / volume
            post_row[j] = current
        pre[i], post[i] = pre_row, post_row
    return pre, post


def concentrations(
    params: Parameters,
    dose_times: ArrayLike,
    times: ArrayLike,
    doses_mg: ArrayLike | float = kb.DOSE_MG.value,
) -> FloatArray:
    """Concentration (µg/mL) at ``times`` (days), shape ``(n_patients, n_times)``.

    At a dose time the value is the one just after the dose.

    >>> from alpha4.pk.model import Covariates, typical_parameters
    >>> p = typical_parameters(Covariates())
    >>> c = concentrations(p, [0.0], [0.0, 28.0])
    >>> [round(float(x), 1) for x in c[0]]
    [50.3, 15.1]
    """
    dose_t = _check_times(dose_times)
    _, post = pre_and_post_dose(params, dose_t, doses_mg)
    return concentrations_after_doses(params, dose_t, post, times)


def concentrations_after_doses(
    params: Parameters, dose_times: FloatArray, post: FloatArray, times: ArrayLike
) -> FloatArray:
    """Concentrations at ``times`` from the levels just after each dose (``post``).

    The part of :func:`concentrations` that is independent for every time; ``post`` comes
    from :func:`pre_and_post_dose` with the same parameters and dose times.
    """
    t = np.asarray(times, dtype=np.float64)
    last = np.searchsorted(dose_times, t, side="right") - 1
    if np.all(last >= 0):  # every time is on or after the first dose (the usual case)
        return decay(post[:, last], t - dose_times[last], params)
    started = last >= 0
    index = np.where(started, last, 0)
    start = np.where(started, post[:, index], 0.0)
    elapsed = np.broadcast_to(np.where(started, t - dose_times[index], 0.0), start.shape)
    return np.where(started, decay(start, elapsed, params), 0.0)


def troughs(
    params: Parameters,
    dose_times: ArrayLike,
    doses_mg: ArrayLike | float = kb.DOSE_MG.value,
    last_interval_days: float | None = None,
) -> FloatArray:
    """The trough of each dose: the concentration just before the next dose.

    For the last dose, the trough is taken ``last_interval_days`` after it (default: the last
    gap between doses; 28 days for a single dose). Shape ``(n_patients, n_doses)``.
    """
    dose_t = _check_times(dose_times)
    pre, post = pre_and_post_dose(params, dose_t, doses_mg)
    if last_interval_days is None:
        last_interval_days = float(dose_t[-1] - dose_t[-2]) if dose_t.size > 1 else 28.0
    final = decay(post[:, -1:], np.full((params.n, 1), last_interval_days), params)
    return np.concatenate([pre[:, 1:], final], axis=1)


@dataclass(frozen=True, slots=True)
class Trough:
    dose_number: int
    day: float
    concentration_ug_per_ml: float


@dataclass(frozen=True, slots=True)
class SimulationResult:
    """One patient's simulated course: the ``pk simulate`` JSON contract."""

    times_days: tuple[float, ...]
    concentration_ug_per_ml: tuple[float, ...]
    saturation_percent: tuple[float, ...]
    troughs: tuple[Trough, ...]
    dose_days: tuple[float, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "times_days": list(self.times_days),
            "concentration_ug_per_ml": list(self.concentration_ug_per_ml),
            "saturation_percent": list(self.saturation_percent),
            "troughs": [
                {
                    "dose_number": t.dose_number,
                    "day": t.day,
                    "concentration_ug_per_ml": t.concentration_ug_per_ml,
                }
                for t in self.troughs
            ],
            "dose_days": list(self.dose_days),
            "notes": list(self.notes),
        }


def covariate_notes(covariates: Covariates) -> tuple[str, ...]:
    """What the model does not adjust for, said with the result."""
    notes: list[str] = []
    if covariates.interferon_beta:
        notes.append(
            "Interferon beta-1a: no verified numeric effect on clearance; "
            "the model does not adjust "
            "(concentrations were 'somewhat elevated' in Vollmer 2004)."
        )
    if covariates.disease.value == "crohns":
        notes.append("Crohn's disease clearance and volume come from a secondary source (to check).")
    return tuple(notes)


def simulate_patient(
    covariates: Covariates,
    dose_times: ArrayLike,
    doses_mg: ArrayLike | float = kb.DOSE_MG.value,
    step_days: float = 1.0,
    last_interval_days: float | None = None,
) -> SimulationResult:
    """The typical course of one patient on the given doses, on a grid of ``step_days``.

    >>> r = simulate_patient(Covariates(), regular_dose_times(4, 13))
    >>> round(r.troughs[-1].concentration_ug_per_ml, 1)
    26.0
    """
    dose_t = _check_times(dose_times)
    if last_interval_days is None:
        last_interval_days = float(dose_t[-1] - dose_t[-2]) if dose_t.size > 1 else 28.0
    end = float(dose_t[-1]) + last_interval_days
    grid = np.arange(0.0, end + step_days / 2, step_days)
    params = typical_parameters(covariates)
    conc = concentrations(params, dose_t, grid, doses_mg)[0]
    trough_values = troughs(params, dose_t, doses_mg, last_interval_days)[0]
    trough_days = np.append(dose_t[1:], end)
    return SimulationResult(
        times_days=tuple(float(x) for x in grid),
        concentration_ug_per_ml=tuple(float(x) for x in conc),
        saturation_percent=tuple(float(x) for x in saturation_percent(conc)),
        troughs=tuple(
            Trough(i + 1, float(day), float(value))
            for i, (day, value) in enumerate(zip(trough_days, trough_values, strict=True))
        ),
        dose_days=tuple(float(x) for x in dose_t),
        notes=covariate_notes(covariates),
    )
